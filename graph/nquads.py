"""N-Triples and N-Quads lines: the compact, canonical form in which documents travel and merge.

A document's triples become sorted, deduplicated N-Triples lines (:func:`document_lines`),
cheap to pickle between processes and to merge across a corpus: equal triples give equal
lines, and sorting lines sorts triples by subject in the order :mod:`policykg.graph.turtle`
writes them. Strings use the escapes of Turtle (``\\n``, ``\\"``, ``\\uXXXX`` for other
control characters), so a literal's body is the same in both syntaxes.

>>> from rdflib import Literal, URIRef
>>> nt_term(Literal("第一\\n第二", lang="zh"))
'"第一\\\\n第二"@zh'
>>> line = nt_line(URIRef("https://w3id.org/policykg/id/locality/370983"),
...                URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("肥城市", lang="zh"))
>>> print(line)
<https://w3id.org/policykg/id/locality/370983> <http://www.w3.org/2000/01/rdf-schema#label> "肥城市"@zh .
>>> print(quad_line(line, "<https://w3id.org/policykg/id/document/abc>"))
<https://w3id.org/policykg/id/locality/370983> <http://www.w3.org/2000/01/rdf-schema#label> "肥城市"@zh <https://w3id.org/policykg/id/document/abc> .
>>> triple_line(quad_line(line, "<https://w3id.org/policykg/id/document/abc>")) == line
True
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["nt_term", "nt_iri", "nt_line", "nt_lines", "rdf_term", "document_lines", "graph_token", "quad_line",
           "triple_line", "split_line", "subject_of", "is_bnode_line", "unescape_string"]

# Characters an IRIREF may not hold literally (N-Triples grammar), written as \uXXXX.
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS = re.compile('[\\\\"\x00-\x1f\x7f\x85\u2028\u2029]')   # as graph.turtle: controls and line separators
# The escapes frequent in text, made with str.replace (backslash first), and the other characters of _NEEDS.
_COMMON = [(c, _ESC[c]) for c in '\\"\n\r\t']
_RARE = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]')
_UNESC = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))', re.S)
_UNESC_CHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def escape_string(s: str) -> str:
    """A string's body as N-Triples and Turtle write it (the escapes of ``graph.turtle``).

    >>> escape_string('他说"好"\\t')
    '他说\\\\"好\\\\"\\\\t'
    """
    if not _NEEDS.search(s):
        return s
    for c, escaped in _COMMON:
        if c in s:
            s = s.replace(c, escaped)
    if _RARE.search(s):
        s = _RARE.sub(lambda m: _ESC.get(m.group(), f"\\u{ord(m.group()):04X}"), s)
    return s


def unescape_string(body: str) -> str:
    """The string an escaped body stands for (inverse of :func:`escape_string`).

    >>> unescape_string('a\\\\nb\\\\u0001')
    'a\\nb\\x01'
    """
    if "\\" not in body:
        return body

    def one(m):
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _UNESC_CHAR.get(m.group(3), m.group(3))
    return _UNESC.sub(one, body)


def nt_iri(iri: str) -> str:
    """An IRI as an N-Triples IRIREF.

    >>> nt_iri("https://w3id.org/policykg#Meeting")
    '<https://w3id.org/policykg#Meeting>'
    """
    if _IRI_BAD.search(iri):
        iri = _IRI_BAD.sub(lambda m: f"\\u{ord(m.group()):04X}", iri)
    return f"<{iri}>"


_TERMS = None


def _term_classes():
    global _TERMS
    if _TERMS is None:
        from rdflib import BNode, Literal, URIRef
        _TERMS = (URIRef, Literal, BNode)
    return _TERMS


def nt_term(t) -> str:
    """One rdflib term (IRI, blank node or literal) in N-Triples syntax."""
    URIRef, Literal, BNode = _TERMS or _term_classes()
    cls = type(t)
    if cls is URIRef:
        return nt_iri(t)
    if cls is Literal:
        body = escape_string(str(t))
        lang = t.language
        if lang:
            return f'"{body}"@{lang}'
        dt = t.datatype
        if dt is not None:
            return f'"{body}"^^{nt_iri(dt)}'
        return f'"{body}"'
    if cls is BNode:
        return f"_:{t}"
    if isinstance(t, URIRef):
        return nt_iri(t)
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal):
        return nt_term(Literal(str(t), lang=t.language, datatype=t.datatype))
    raise TypeError(f"not an RDF term: {t!r}")


def nt_line(s, p, o) -> str:
    """One triple as an N-Triples line (without the line end)."""
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ."


def nt_lines(triples: Iterable[tuple]) -> list[str]:
    """Triples as sorted, deduplicated N-Triples lines.

    Terms that repeat (predicates, classes, the IRIs of one document's facts) are
    converted once per call.
    """
    URIRef = (_TERMS or _term_classes())[0]
    cache: dict = {}
    get = cache.get
    out = set()
    add = out.add
    for s, p, o in triples:
        ts = get(s)
        if ts is None:
            ts = nt_term(s)
            if type(s) is URIRef:
                cache[s] = ts
        tp = get(p)
        if tp is None:
            tp = cache[p] = nt_term(p)
        if type(o) is URIRef:
            to = get(o)
            if to is None:
                to = cache[o] = nt_term(o)
        else:
            to = nt_term(o)
        add(f"{ts} {tp} {to} .")
    return sorted(out)


def rdf_term(token: str):
    """The rdflib term an N-Triples token stands for (inverse of :func:`nt_term`).

    >>> from rdflib import Literal
    >>> rdf_term('"12"^^<http://www.w3.org/2001/XMLSchema#integer>') == Literal(12)
    True
    >>> rdf_term('"第一\\\\n第二"@zh') == Literal("第一\\n第二", lang="zh")
    True
    """
    URIRef, Literal, BNode = _TERMS or _term_classes()
    if token[0] == "<":
        return URIRef(unescape_string(token[1:-1]))
    if token[0] == "_":
        return BNode(token[2:])
    end = token.rindex('"')    # a language tag or datatype IRIREF holds no '"'
    lexical = unescape_string(token[1:end])
    if token.startswith("@", end + 1):
        return Literal(lexical, lang=token[end + 2:])
    if token.startswith("^^", end + 1):
        return Literal(lexical, datatype=rdf_term(token[end + 3:]))
    return Literal(lexical)


def document_lines(doc, extraction) -> list[str]:
    """The sorted N-Triples lines of one document and its facts (see ``graph.build.document_ntriples``)."""
    from .build import document_ntriples
    # dict.fromkeys, not set: the walk's order holds sorted runs (one subject's lines), which sorted() uses
    return sorted(dict.fromkeys(document_ntriples(doc, extraction)))


def graph_token(iri: str) -> str:
    """The N-Quads graph label of a named graph IRI."""
    return nt_iri(iri)


def quad_line(line: str, graph: str) -> str:
    """An N-Triples line placed in the named graph ``graph`` (an IRIREF such as ``<…>``)."""
    return f"{line[:-1]}{graph} ."


def triple_line(quad: str) -> str:
    """The N-Triples line of an N-Quads line written by :func:`quad_line` (graph label dropped)."""
    end = quad.rstrip()
    cut = end.rindex(" ", 0, len(end) - 2)
    return end[:cut] + " ."


def subject_of(line: str) -> str:
    """The subject token of an N-Triples line."""
    return line[:line.index(" ")]


def split_line(line: str) -> tuple[str, str, str]:
    """``(subject, predicate, object)`` tokens of an N-Triples line.

    >>> split_line('<a:s> <a:p> "x y" .')
    ('<a:s>', '<a:p>', '"x y"')
    """
    i = line.index(" ")
    j = line.index(" ", i + 1)
    return line[:i], line[i + 1:j], line[j + 1:-2]


def is_bnode_line(line: str) -> bool:
    """Whether a line's subject or object is a blank node."""
    if line.startswith("_:"):
        return True
    j = line.index(" ", line.index(" ") + 1)
    return line.startswith("_:", j + 1)
