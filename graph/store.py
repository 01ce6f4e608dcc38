"""Querying through Oxigraph: a policykg graph loaded into an in-memory :class:`pyoxigraph.Store`.

rdflib's own SPARQL engine is slow on large graphs; Oxigraph answers the same queries with the
same rows, many times faster. A graph reaches the store either from an rdflib graph (written as
N-Triples text and loaded in one call, the fastest way) or straight from a graph file.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> _ = g.add((URIRef("https://w3id.org/policykg/id/locality/370983"),
...            URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("肥城市", lang="zh")))
>>> store = to_store(g)
>>> len(store)
1
>>> [from_oxigraph(s["l"]) for s in store.query("SELECT ?l WHERE { ?s ?p ?l }")]
[rdflib.term.Literal('肥城市', lang='zh')]
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..extract.errors import InputError, InputNotFound

__all__ = ["nt_term", "ntriples_lines", "to_store", "load_store", "from_oxigraph", "to_oxigraph",
           "OXIGRAPH_FORMATS"]

_XSD_STRING = str(XSD.string)
_NT_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_NT_NEEDS = re.compile('[\\\\"\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')

OXIGRAPH_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG",
                    ".jsonld": "JSON_LD", ".json": "JSON_LD", ".rdf": "RDF_XML", ".owl": "RDF_XML",
                    ".xml": "RDF_XML"}
"""Graph file suffix → the name of the :class:`pyoxigraph.RdfFormat` that reads it."""


def _escape(s: str) -> str:
    return _NT_NEEDS.sub(lambda m: _NT_ESC.get(m.group(), f"\\u{ord(m.group()):04X}"), s)


def nt_term(t) -> str:
    """One rdflib term in canonical N-Triples syntax.

    >>> nt_term(Literal("会议\\n强调", lang="zh"))
    '"会议\\\\n强调"@zh'
    >>> nt_term(Literal(4))
    '"4"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(t, URIRef):
        s = str(t)
        if _IRI_BAD.search(s):
            s = _IRI_BAD.sub(lambda m: f"\\u{ord(m.group()):04X}", s)
        return f"<{s}>"
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal):
        body = '"' + _escape(str(t)) + '"'
        if t.language:
            return f"{body}@{t.language}"
        if t.datatype is not None and str(t.datatype) != _XSD_STRING:
            return f"{body}^^<{t.datatype}>"
        return body
    raise TypeError(f"not an RDF term: {t!r}")


def ntriples_lines(triples: Iterable[tuple]) -> Iterator[str]:
    """One N-Triples line (with its newline) per triple, in the order given."""
    for s, p, o in triples:
        yield f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"


def to_store(graph):
    """A new in-memory :class:`pyoxigraph.Store` holding the triples of an rdflib graph."""
    import pyoxigraph as ox
    store = ox.Store()
    text = "".join(ntriples_lines(graph))
    if text:
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def load_store(path, fmt: str | None = None):
    """A new in-memory :class:`pyoxigraph.Store` holding a graph file.

    ``fmt`` is a :data:`OXIGRAPH_FORMATS` value (``"TURTLE"``…); by default it comes from the
    suffix. Named graphs (TriG, N-Quads) keep their names; query them with
    ``use_default_graph_as_union=True`` to see their union, as :func:`policykg.graph.query.execute` does.
    """
    import pyoxigraph as ox
    p = Path(path)
    if not p.is_file():
        raise InputNotFound("no such graph file", source=str(p))
    name = fmt or OXIGRAPH_FORMATS.get(p.suffix.lower(), "TURTLE")
    store = ox.Store()
    try:
        store.bulk_load(path=str(p), format=getattr(ox.RdfFormat, name))
    except SyntaxError as e:
        m = re.search(r"(?:line |at )(\d+)", str(e))
        raise InputError(f"cannot parse as {name.lower()}: {e}", source=str(p),
                         line=int(m.group(1)) if m else None) from e
    return store


def from_oxigraph(t):
    """An rdflib term for a pyoxigraph term (``None`` stays ``None``)."""
    if t is None:
        return None
    kind = type(t).__name__
    if kind == "NamedNode":
        return URIRef(t.value)
    if kind == "BlankNode":
        return BNode(t.value)
    if kind == "Literal":
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == _XSD_STRING:
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {t!r}")


def to_oxigraph(t):
    """A pyoxigraph term for an rdflib term."""
    import pyoxigraph as ox
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")
