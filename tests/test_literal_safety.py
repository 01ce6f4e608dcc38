"""Hostile characters in any text field never break Turtle, N-Triples, JSON-LD or RDF/XML.

Two levels:

- a Document whose text, title, publisher, URL and source hold quotes, backslashes, line
  breaks, ``<``/``>``, ``&``, markup, JSON-LD keywords, control characters, lone surrogates and
  non-characters is built into a graph; every export parses back isomorphic, and rapper accepts
  the Turtle and the N-Triples with the same triple count.
- raw rdflib literals with every character Turtle and N-Triples must escape go through our
  Turtle writer and parse back equal.

What cannot be carried is decided when the Document is read (see ``policykg.extract.document``):
C0/C1 control characters other than tab, line feed and carriage return are removed (vertical
tab, form feed and NEL become line feeds), lone surrogates become U+FFFD, and U+FFFE/U+FFFF are
removed. XML 1.0 forbids those characters, so without this RDF/XML could not be written; UTF-8
cannot encode lone surrogates at all. Turtle and N-Triples could carry the controls as ``\\u``
escapes, and the raw-literal tests check that our Turtle writer does.
"""
from __future__ import annotations

import re
import subprocess

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

from policykg.extract.document import Document
from policykg.extract.pipeline import extract
from policykg.graph.build import build_graph
from policykg.graph.turtle import to_turtle

from conftest import FIXTURES, need_program

NASTY = [
    'quote " inside', "single ' quote", 'triple """ quotes', "'''", "back\\slash", "trailing backslash\\",
    "\\n is not a newline", "\\u0041 is not A", "new\nline", "carriage\rreturn", "tab\there",
    "<angle> & ampersand", "-->", "<![CDATA[x]]>", "</script><script>alert(1)</script>", "a > b < c",
    '{"@context": "x", "@id": "y"}', "@prefix x: <http://e/> .", "_:b0", "<http://evil/>", "^^xsd:int",
    "\u2028line separator\u2029", "\u200f\u202eRTL override", "e\u0301 combining", "😀 astral", "\ufeffBOM",
    "nul\x00byte", "bell\x07", "vt\x0bff\x0c", "esc\x1b[31m", "del\x7f", "c1\x80\x85\x9f",
    "lone \ud800 surrogate", "\udfff", "non\ufffechar\uffff",
]
BODY = (FIXTURES / "dev05.txt").read_text(encoding="utf-8")
SAFE_IRI = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")


def hostile_document() -> Document:
    body = BODY.rstrip("\n") + "\n\n" + "\n\n".join(f"会议指出，{s}要抓落实。" for s in NASTY) + "\n"
    return Document.from_text(body, source="corpus/“引号” <a>&b\\c\n.txt", title=" | ".join(NASTY[:12]),
                              publisher="\n".join(NASTY[12:24]), url="https://example.gov.cn/a?x=\"<>\"\n&y=\\")


@pytest.fixture(scope="module")
def graph():
    doc = hostile_document()
    x = extract(doc)
    for s in x.spans():
        assert doc.text[s.start:s.end] == s.quote
    return build_graph([(doc, x)])


def exports():
    """Format name → (to_text, rdflib parser name): the project's writers where they exist."""
    try:
        from policykg.graph import rdf_export as rx
    except ImportError:
        rx = None

    def rdflib_writer(fmt):
        return lambda g: g.serialize(format=fmt)

    return {
        "turtle": (to_turtle, "turtle"),
        "ntriples": (rx.to_ntriples if rx else rdflib_writer("nt"), "nt"),
        "jsonld": (rx.to_jsonld if rx else rdflib_writer("json-ld"), "json-ld"),
        "rdfxml": (rx.to_rdfxml if rx else rdflib_writer("xml"), "xml"),
    }


def test_the_hostile_document_is_made_safe():
    doc = hostile_document()
    for value in (doc.text, doc.title, doc.publisher, doc.url, doc.source):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]", value)
        value.encode("utf-8")
    assert doc.text.split("\n") == doc.text.splitlines() + [""]  # every line tool sees the same lines
    assert "\n" not in doc.title and "\n" not in doc.publisher and "\n" not in doc.url
    assert doc.source == "corpus/“引号” <a>&b\\c\\n.txt"
    for s in ('quote " inside', "back\\slash", "</script><script>alert(1)</script>", '{"@context": "x", "@id": "y"}',
              "\nline separator\n\n", "😀 astral", "lone \ufffd surrogate", "nonchar"):
        assert s in doc.text, s


def test_every_iri_is_minted_safe(graph):
    iris = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    assert iris
    for iri in iris:
        assert SAFE_IRI.match(str(iri)), iri


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_export_parses_back_isomorphic(graph, fmt):
    write, parser = exports()[fmt]
    text = write(graph)
    assert isinstance(text, str)
    text.encode("utf-8")
    back = Graph().parse(data=text, format=parser)
    assert len(back) == len(graph)
    assert isomorphic(back, graph)
    doc_text = [o for s, p, o in graph if str(p).endswith("#text")][0]
    assert any(o == doc_text for o in back.objects())  # the long text literal, character for character


@pytest.mark.parametrize("fmt, rapper_syntax", [("turtle", "turtle"), ("ntriples", "ntriples"),
                                                 ("rdfxml", "rdfxml")])
def test_rapper_accepts_the_export(graph, tmp_path, fmt, rapper_syntax):
    rapper = need_program("rapper")
    write, _ = exports()[fmt]
    path = tmp_path / f"g.{fmt}"
    path.write_text(write(graph), encoding="utf-8")
    r = subprocess.run([rapper, "-i", rapper_syntax, "-c", str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"returned {len(graph)} triples" in r.stderr, r.stderr
    assert "rapper: Error" not in r.stderr and "Warning" not in r.stderr, r.stderr


def test_rapper_reads_back_the_same_literals(graph, tmp_path):
    """rapper re-serialises our Turtle as N-Triples; rdflib reads that back: still the same graph."""
    rapper = need_program("rapper")
    path = tmp_path / "g.ttl"
    path.write_text(to_turtle(graph), encoding="utf-8")
    r = subprocess.run([rapper, "-q", "-i", "turtle", "-o", "ntriples", str(path)], capture_output=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    back = Graph().parse(data=r.stdout.decode("utf-8"), format="nt")
    assert isomorphic(back, graph)


# -- the Turtle writer itself, on raw literals -------------------------------------------------------------

EVERY_ESCAPE = "".join(chr(c) for c in range(0x20)) + '\x7f"\\\'<>&{}|^`\u2028\u2029\ufeff😀'


@pytest.mark.parametrize("value", [*NASTY[:-3], EVERY_ESCAPE, "", " ", "\\", '"', "\n", '"""', "'", "a\\"])
def test_turtle_writer_round_trips_any_literal(value):
    s = URIRef("https://w3id.org/policykg/id/document/0123456789abcdef")
    g = Graph()
    g.add((s, RDFS.label, Literal(value)))
    g.add((s, RDFS.comment, Literal(value, lang="zh")))
    g.add((s, RDFS.seeAlso, Literal(value, datatype=XSD.anyURI)))
    ttl = to_turtle(g)
    assert ttl.count("\n") == to_turtle(Graph()).count("\n") + 3  # one line per triple: line feeds escaped
    back = Graph().parse(data=ttl, format="turtle")
    assert set(back) == set(g)


def test_turtle_writer_round_trips_every_control_character_through_rapper(tmp_path):
    rapper = need_program("rapper")
    s = URIRef("https://w3id.org/policykg/id/document/0123456789abcdef")
    g = Graph()
    for c in [*range(1, 0x20), 0x7F]:  # not NUL: rapper drops it from what it writes
        g.add((s, RDFS.label, Literal(f"c{c:02x}:{chr(c)}")))
    path = tmp_path / "controls.ttl"
    path.write_text(to_turtle(g), encoding="utf-8")
    r = subprocess.run([rapper, "-q", "-i", "turtle", "-o", "ntriples", str(path)], capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert set(Graph().parse(data=r.stdout.decode("utf-8"), format="nt")) == set(g)


@pytest.mark.parametrize("iri", ["https://example.org/a>b", "https://example.org/back\\slash",
                                 "https://example.org/ä/中文", "https://example.org/x?q=1&r=2#frag"])
def test_turtle_writer_escapes_iris(iri):
    g = Graph()
    g.add((URIRef(iri), RDFS.label, Literal("x")))
    back = Graph().parse(data=to_turtle(g), format="turtle")
    assert set(back) == set(g)


LINE_BREAKS = "a\u2028b\u2029c\x85d\x1ce\x1df\x1eg\x0bh\x0ci\rj"


def test_one_triple_a_line_under_any_line_splitter():
    """Documents never hold these characters (the reader turns them into line feeds); other graphs may."""
    try:
        from policykg.graph.rdf_export import to_ntriples
    except ImportError:
        pytest.skip("no N-Triples writer in this version")
    g = Graph()
    g.add((URIRef("https://w3id.org/policykg/id/document/0123456789abcdef"), RDFS.label, Literal(LINE_BREAKS)))
    for text in (to_ntriples(g), to_turtle(g)):
        assert text.splitlines() == text.split("\n")[:-1]


def test_the_reader_turns_every_line_break_into_a_line_feed():
    doc = Document.from_text(f"某县召开会议\n\n会议指出，{LINE_BREAKS}。\n")
    assert doc.text.splitlines() == doc.text.split("\n")[:-1]
