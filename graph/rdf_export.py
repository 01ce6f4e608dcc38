"""The graph in the standard RDF formats, each written the same way on every run.

:class:`RdfFormat` names the formats; each has a pair ``to_X(source) -> str`` /
``write_X(source, path) -> Path``, and :func:`to_rdf` / :func:`write_rdf` choose by format.
``source`` is an rdflib graph or a :class:`~policykg.api.KnowledgeGraph`.

- Turtle: :mod:`policykg.graph.turtle` (prefixed names, sorted subjects).
- N-Triples: canonical lines, sorted.
- N-Quads and TriG: one named graph per document, ``pkd:<id>``, holding that document's
  triples (its ``pk:Document`` node, its mentions and the facts read from it). From a
  :class:`~policykg.api.KnowledgeGraph` these are exactly the triples built from each document;
  from a merged graph (a file) a fact's triples go to every document that gives evidence of it,
  and triples that no document gives evidence of (the divisions above a named locality) go to
  the default graph. The union of the graphs is always the merged graph.
- JSON-LD: compacted with policykg's context (``ontology/context.jsonld``), which the file
  embeds so it reads offline; nodes sorted by ``@id``.
- RDF/XML: one ``rdf:Description`` per subject, subjects and properties sorted.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> _ = g.add((URIRef("https://w3id.org/policykg/id/locality/370983"),
...            URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("肥城市", lang="zh")))
>>> print(to_ntriples(g), end="")
<https://w3id.org/policykg/id/locality/370983> <http://www.w3.org/2000/01/rdf-schema#label> "肥城市"@zh .
>>> RdfFormat.parse("json-ld").suffix, RdfFormat.from_path("out/graph.trig")
('.jsonld', <RdfFormat.TRIG: 'trig'>)
"""
from __future__ import annotations

import enum
import json
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.namespace import RDF

from ..extract.errors import InputError

__all__ = ["RdfFormat", "to_rdf", "write_rdf", "to_turtle", "write_turtle", "to_ntriples", "write_ntriples",
           "to_nquads", "write_nquads", "to_trig", "write_trig", "to_jsonld", "write_jsonld", "to_rdfxml",
           "write_rdfxml", "document_graphs", "jsonld_context", "blank_node_labels"]


from .formats import RdfFormat  # noqa: E402  (the enum lives apart so the CLI can list formats without rdflib)


def _graph(source):
    """The rdflib graph of a KnowledgeGraph or a graph."""
    return source.graph if hasattr(source, "extractions") and hasattr(source, "graph") else source


def _write(path, text: str) -> Path:
    from .turtle import write_text_atomic
    return write_text_atomic(path, text)


# -- blank nodes -----------------------------------------------------------------------------

def blank_node_labels(graph) -> dict:
    """Stable labels for the blank nodes of a graph, whatever labels a parser gave them.

    The cells of an ``rdf:List`` hanging from an IRI get the labels the graph builder gives them
    (``L<formulation>``, ``L<formulation>x1``…); any other blank node gets a label hashed from
    its IRI and literal neighbours. A graph read back from a file is therefore written with the
    same bytes as the graph it was written from.
    """
    import hashlib

    from rdflib import Literal

    from ..ontology.namespace import PK
    from .store import nt_term
    referrers: dict = {}
    outgoing: dict = {}
    for s, p, o in graph:
        if isinstance(o, BNode):
            referrers.setdefault(o, []).append((s, p))
        if isinstance(s, BNode):
            outgoing.setdefault(s, []).append((p, o))
    if not referrers and not outgoing:
        return {}
    mapping: dict = {}
    for head, refs in sorted(referrers.items(), key=lambda kv: str(kv[0])):
        if len(refs) != 1 or isinstance(refs[0][0], BNode) or head in mapping:
            continue
        s, p = refs[0]
        if p == PK.itemList:
            base = "L" + str(s).rsplit("/", 1)[-1].replace("-", "")
        else:
            base = "L" + hashlib.sha1(f"{s} {p}".encode("utf-8")).hexdigest()[:12]
        node, k = head, 0
        while isinstance(node, BNode) and node not in mapping and graph.value(node, RDF.first) is not None:
            mapping[node] = BNode(base if k == 0 else f"{base}x{k}")
            k += 1
            node = graph.value(node, RDF.rest)
    used = {str(b) for b in mapping.values()}
    rest = sorted((set(referrers) | set(outgoing)) - set(mapping), key=str)
    for b in rest:
        parts = sorted(f"{nt_term(p)} {nt_term(o)}" for p, o in outgoing.get(b, ())
                       if isinstance(o, (URIRef, Literal)))
        parts += sorted(f"^{nt_term(p)} {nt_term(s)}" for s, p in referrers.get(b, ()) if isinstance(s, URIRef))
        label = "b" + hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
        n = 1
        while label in used:
            n += 1
            label = f"{label.split('_')[0]}_{n}"
        used.add(label)
        mapping[b] = BNode(label)
    return mapping


def _relabel(triples, mapping: dict):
    if not mapping:
        yield from triples
        return
    for s, p, o in triples:
        yield mapping.get(s, s), p, mapping.get(o, o)


def _triples(source):
    """The triples of a graph or KnowledgeGraph, blank nodes with stable labels."""
    g = _graph(source)
    return _relabel(g, blank_node_labels(g))


# -- Turtle and N-Triples --------------------------------------------------------------------

def to_turtle(source) -> str:
    """Turtle, byte-identical for equal graphs (see :mod:`policykg.graph.turtle`)."""
    from .turtle import to_turtle as turtle
    return turtle(_graph(source))


def write_turtle(source, path) -> Path:
    return _write(path, to_turtle(source))


def to_ntriples(source) -> str:
    """Canonical N-Triples, lines sorted."""
    from .store import ntriples_lines
    return "".join(sorted(ntriples_lines(_triples(source))))


def write_ntriples(source, path) -> Path:
    return _write(path, to_ntriples(source))


# -- one named graph per document ------------------------------------------------------------

def document_graphs(source) -> tuple[dict, set]:
    """``({document IRI: set of triples}, default-graph triples)``: each document's triples.

    From a :class:`~policykg.api.KnowledgeGraph`, the triples built from each document
    (:func:`policykg.graph.build.document_triples`), nothing in the default graph. From a
    merged graph, the triples derived as the module docstring says.
    """
    if hasattr(source, "documents") and hasattr(source, "extractions"):
        from .build import document_triples
        from .iris import document_iri
        return {document_iri(d.id): set(document_triples(d, x))
                for d, x in zip(source.documents, source.extractions)}, set()
    return _derive_document_graphs(source)


def _derive_document_graphs(g) -> tuple[dict, set]:
    from ..ontology.namespace import PK
    docs = set(g.subjects(RDF.type, PK.Document))
    mention_doc = {m: d for m, d in g.subject_objects(PK.inDocument) if d in docs}
    owners: dict = {}
    for d in docs:
        owners[d] = {d}
    for m, d in mention_doc.items():
        owners[m] = {d}
    for s, m in g.subject_objects(PK.evidence):
        if m in mention_doc:
            owners.setdefault(s, set()).add(mention_doc[m])
    for f, head in g.subject_objects(PK.itemList):
        node, seen = head, set()
        while isinstance(node, BNode) and node not in seen:
            seen.add(node)
            owners.setdefault(node, set()).update(owners.get(f, ()))
            node = g.value(node, RDF.rest)
    graphs: dict = {d: set() for d in docs}
    default = set()
    mapping = blank_node_labels(g)
    for t in g:
        where = owners.get(t[0])
        if mapping:
            t = (mapping.get(t[0], t[0]), t[1], mapping.get(t[2], t[2]))
        if where:
            for d in where:
                graphs[d].add(t)
        else:
            default.add(t)
    return graphs, default


def to_nquads(source) -> str:
    """N-Quads, one named graph per document, lines sorted (default-graph triples first)."""
    from .store import nt_term, ntriples_lines
    graphs, default = document_graphs(source)
    lines = sorted(ntriples_lines(default))
    for d in sorted(graphs, key=str):
        name = nt_term(d)
        lines.extend(sorted(line[:-2] + f"{name} .\n" for line in ntriples_lines(graphs[d])))
    return "".join(lines)


def write_nquads(source, path) -> Path:
    return _write(path, to_nquads(source))


def _turtle_block(triples, indent: str) -> list[str]:
    """Triples as Turtle statements grouped by subject (no list shorthand: blank nodes keep their
    labels, which TriG shares across the graphs of one file)."""
    from .turtle import _key, term
    by_subject: dict = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    out = []
    for s in sorted(by_subject, key=_key):
        props = by_subject[s]
        parts = []
        for p in sorted(props, key=lambda p: (p != RDF.type, str(p))):
            ptxt = "a" if p == RDF.type else term(p)
            parts.append(f"{ptxt} " + " , ".join(term(o) for o in sorted(props[p], key=_key)))
        out.append(indent + term(s) + " " + f" ;\n{indent}    ".join(parts) + " .")
    return out


def to_trig(source) -> str:
    """TriG, one named graph per document (``pkd:<id> { … }``), stable order."""
    from ..ontology.namespace import PREFIXES
    from .turtle import term
    graphs, default = document_graphs(source)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    if default:
        lines += ["", "{"] + _turtle_block(default, "    ") + ["}"]
    for d in sorted(graphs, key=str):
        lines += ["", f"{term(d)} {{"] + _turtle_block(graphs[d], "    ") + ["}"]
    return "\n".join(lines) + "\n"


def write_trig(source, path) -> Path:
    return _write(path, to_trig(source))


# -- JSON-LD ---------------------------------------------------------------------------------

def jsonld_context() -> dict:
    """policykg's JSON-LD ``@context`` (the contents of ``ontology/context.jsonld``)."""
    from ..ontology import context_path
    return json.loads(context_path().read_text(encoding="utf-8"))["@context"]


class _Compactor:
    """Compacts terms with policykg's context: terms for the vocabulary, prefixes for IRIs."""

    def __init__(self, ctx: dict):
        names = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
        self.prefixes = sorted(names.items(), key=lambda kv: -len(kv[1]))
        self.terms: dict = {}      # (property IRI) -> (term, coercion)
        self.classes: dict = {}    # class IRI -> term
        for term, d in ctx.items():
            if term in names:
                continue
            iri, coerce = (d, None) if isinstance(d, str) else (d.get("@id"), d.get("@type"))
            if iri is None:
                continue
            full = self.expand(iri)
            if isinstance(d, str) and term[:1].isupper():
                self.classes[full] = term
            self.terms.setdefault(full, (term, self.expand(coerce) if coerce and coerce != "@id" else coerce))

    def expand(self, s: str) -> str:
        pre, _, local = s.partition(":")
        for p, ns in self.prefixes:
            if p == pre and not local.startswith("//"):
                return ns + local
        return s

    def iri(self, iri: str) -> str:
        import re
        for p, ns in self.prefixes:
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", iri[len(ns):]):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def node_ref(self, t) -> str:
        return f"_:{t}" if isinstance(t, BNode) else self.iri(str(t))

    def value(self, o, coerce):
        """A JSON-LD value under a key with the given coercion, or None when the key cannot hold it."""
        from rdflib import Literal
        from rdflib.namespace import XSD
        if not isinstance(o, Literal):
            ref = self.node_ref(o)
            return ref if coerce == "@id" else None if coerce else {"@id": ref}
        if coerce == "@id":
            return None
        if coerce:
            return str(o) if (o.datatype is not None and str(o.datatype) == coerce and not o.language) else None
        if o.language:
            return {"@value": str(o), "@language": o.language}
        if o.datatype is not None and o.datatype != XSD.string:
            return {"@value": str(o), "@type": self.iri(str(o.datatype))}
        return str(o)

    def node(self, s, props: dict) -> dict:
        from .turtle import _key
        out: dict = {"@id": self.node_ref(s)}
        for p, objs in props.items():
            objs = sorted(objs, key=_key)
            if p == RDF.type and all(isinstance(o, URIRef) for o in objs):
                types = [self.classes.get(str(o)) or self.iri(str(o)) for o in objs]
                out["@type"] = types[0] if len(types) == 1 else types
                continue
            term, coerce = self.terms.get(str(p), (None, None))
            plain_key = self.iri(str(p))
            for o in objs:
                v = self.value(o, coerce) if term else None
                key = term if v is not None else plain_key
                if v is None:
                    v = self.value(o, None)
                out.setdefault(key, []).append(v)
        return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}


def to_jsonld(source) -> str:
    """JSON-LD compacted with policykg's context, embedded in the file; nodes sorted by ``@id``.

    Every triple is kept as it is (lists as their ``rdf:first``/``rdf:rest`` cells), so the
    file reads back to the same graph.
    """
    from .turtle import _key
    ctx = jsonld_context()
    comp = _Compactor(ctx)
    by_subject: dict = {}
    for s, p, o in _triples(source):
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    nodes = [comp.node(s, by_subject[s]) for s in sorted(by_subject, key=_key)]
    doc = {"@context": ctx, "@graph": nodes}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_jsonld(source, path) -> Path:
    return _write(path, to_jsonld(source))


# -- RDF/XML ---------------------------------------------------------------------------------

def to_rdfxml(source) -> str:
    """RDF/XML, subjects and properties in sorted order."""
    import pyoxigraph as ox

    from ..ontology.namespace import PREFIXES
    from .store import ntriples_lines
    from .turtle import _key
    triples = sorted(_triples(source), key=lambda t: (_key(t[0]), str(t[1]), _key(t[2])))
    text = "".join(ntriples_lines(triples))
    parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(parsed, format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))
    return out.decode("utf-8")


def write_rdfxml(source, path) -> Path:
    return _write(path, to_rdfxml(source))


# -- by format -------------------------------------------------------------------------------

_WRITERS = {RdfFormat.TURTLE: to_turtle, RdfFormat.NTRIPLES: to_ntriples, RdfFormat.NQUADS: to_nquads,
            RdfFormat.TRIG: to_trig, RdfFormat.JSONLD: to_jsonld, RdfFormat.RDFXML: to_rdfxml}


def to_rdf(source, fmt: RdfFormat | str) -> str:
    """The graph (or KnowledgeGraph) written in ``fmt``."""
    fmt = fmt if isinstance(fmt, RdfFormat) else RdfFormat.parse(fmt)
    return _WRITERS[fmt](source)


def write_rdf(source, path, fmt: RdfFormat | str | None = None) -> Path:
    """Write the graph to ``path`` atomically, in ``fmt`` or the format its suffix names."""
    try:
        fmt = RdfFormat.from_path(path) if fmt is None else fmt if isinstance(fmt, RdfFormat) else RdfFormat.parse(fmt)
    except ValueError as e:
        raise InputError(str(e), source=str(path)) from e
    return _write(path, to_rdf(source, fmt))
