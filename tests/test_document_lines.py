"""One walk, two forms: ``document_lines`` (N-Triples lines, no rdflib term made) and the rdflib graph.

``graph.build.document_ntriples`` writes each triple as an N-Triples line; ``document_triples``
and ``build_graph`` turn the same lines into rdflib terms. These tests check that the two
forms say the same triples, byte for byte, as rdflib itself writes and reads them: for every
dev article, for typed literals of every kind the walk writes, and for strings that need
escapes in every place a string goes.
"""
from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from policykg.extract.document import Document
from policykg.extract.pipeline import extract
from policykg.graph.build import TRUE, build_graph, date_literal, document_triples, integer, typed, xsd
from policykg.graph.nquads import document_lines, nt_lines, nt_term, rdf_term, split_line, unescape_string
from policykg.graph.turtle import to_turtle

from conftest import FIXTURES, dev_texts

XSD = "http://www.w3.org/2001/XMLSchema#"
ARTICLES = dev_texts() + sorted((FIXTURES / "heldout" / "texts").iterdir())


def rdflib_parse(lines: list[str]) -> Graph:
    return Graph().parse(data="".join(line + "\n" for line in lines), format="nt")


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_document_lines_are_the_sorted_ntriples_of_the_rdflib_graph(path: Path):
    doc = Document.from_path(path)
    x = extract(doc)
    lines = document_lines(doc, x)
    g = build_graph([(doc, x)])
    assert lines == nt_lines(g)
    assert lines == sorted(set(lines))
    assert isomorphic(rdflib_parse(lines), g)


@pytest.mark.parametrize("token, term", [
    (integer(0), Literal(0)),
    (integer(12), Literal(12)),
    (integer(-3), Literal(-3)),
    (TRUE, Literal(True)),
    (typed(f"{36.2:.5f}", xsd.decimal), Literal("36.20000", datatype=XSD + "decimal")),
    (typed(f"{-0.0:.5f}", xsd.decimal), Literal("-0.00000", datatype=XSD + "decimal")),
    (date_literal("2021-03-01"), Literal("2021-03-01", datatype=XSD + "date")),
    (date_literal("2021-02-30"), Literal("2021-02-30", datatype=XSD + "date")),  # no such day: kept as written
    (date_literal("--03-01"), Literal("--03-01", datatype=XSD + "gMonthDay")),
    (date_literal("2021-03-01T09:30"), Literal("2021-03-01T09:30:00", datatype=XSD + "dateTime")),
    (date_literal("2021-03-01T09:30:15"), Literal("2021-03-01T09:30:15", datatype=XSD + "dateTime")),
    (typed('https://example.gov.cn/a?x="<>"\n&y=\\', xsd.anyURI),
     Literal('https://example.gov.cn/a?x="<>"\n&y=\\', datatype=XSD + "anyURI")),
])
def test_typed_literals_are_the_ones_rdflib_writes(token: str, term: Literal):
    assert nt_term(term) == token
    assert rdf_term(token) == term
    assert nt_term(rdf_term(token)) == token
    s = rdf_term("<https://w3id.org/policykg/id/mention/x>")
    p = rdf_term("<https://w3id.org/policykg#start>")
    mine, rdflibs = Graph(), Graph()
    mine.add((s, p, rdf_term(token)))
    rdflibs.add((s, p, term))
    assert to_turtle(mine) == to_turtle(rdflibs)


@cache
def dev05():
    doc = Document.from_path(FIXTURES / "dev05.txt")
    x = extract(doc)
    assert x.persons and x.persons[0].titles and x.meetings and x.statements
    return doc, x


AWKWARD = st.text(st.one_of(st.sampled_from('"\\\n\r\t\b\f\x00\x01\x1f\x7f\x85\u2028\u2029<>^{}|` ufFb'),
                            st.characters(blacklist_categories=("Cs",))), min_size=1)


@settings(max_examples=60, deadline=None)
@given(AWKWARD, AWKWARD)
@example('say "hi"\\n\\u0041 \\', "line\nbreak\r\ttab\u2028sep\u2029\x00\x07\x7f\x85")
@example('"""', "'''")
def test_awkward_strings_are_escaped_the_same_in_lines_and_graph(s: str, t: str):
    doc, x = dev05()
    doc = dataclasses.replace(doc, title=s, publisher=t, url=s + t, source=t)
    p = x.persons[0]
    m = x.meetings[0]
    st_ = x.statements[0]
    x = dataclasses.replace(
        x,
        persons=(dataclasses.replace(p, titles=(s, t)), *x.persons[1:]),
        meetings=(dataclasses.replace(m, written=t, kind=s, span=dataclasses.replace(m.span, quote=s)),
                  *x.meetings[1:]),
        statements=(dataclasses.replace(st_, span=dataclasses.replace(st_.span, quote=t + s)), *x.statements[1:]))
    lines = document_lines(doc, x)
    assert lines == nt_lines(document_triples(doc, x))
    g = build_graph([(doc, x)])
    assert isomorphic(rdflib_parse(lines), g)

    def objects(predicate: str) -> set[str]:
        out = set()
        for line in lines:
            _, pred, obj = split_line(line)
            if pred == predicate:
                out.add(obj)
        return out

    def body(token: str) -> str:
        return unescape_string(token[1:token.rindex('"')])

    assert {body(o) for o in objects("<http://purl.org/dc/terms/title>")} == {s}
    assert {body(o) for o in objects("<http://purl.org/dc/terms/publisher>")} == {t}
    assert {body(o) for o in objects("<http://purl.org/dc/terms/source>")} == {s + t}
    assert {s, t} <= {body(o) for o in objects("<https://w3id.org/policykg#title>")}
    assert {s, t + s} <= {body(o) for o in objects("<https://w3id.org/policykg#quote>")}
    for line in lines:
        assert "\n" not in line and "\r" not in line and "\u2028" not in line and "\u2029" not in line
