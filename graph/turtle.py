"""Turtle in a stable order: the same graph gives the same bytes, whatever the hash seed.

Subjects come in the order of their N-Triples lines (IRIs, then blank nodes; see
:func:`policykg.graph.turtle_lines.subject_key`), predicates with ``rdf:type`` first, objects by their
N-Triples form; IRIs are abbreviated with the fixed prefixes of
:data:`policykg.ontology.namespace.PREFIXES`; strings are written on one line
with escapes; ``rdf:List`` chains of blank nodes are written as ``( … )``.

>>> from rdflib import Graph, URIRef, Literal
>>> g = Graph()
>>> _ = g.add((URIRef("https://w3id.org/policykg/id/locality/370983"),
...            URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("肥城市", lang="zh")))
>>> print(to_turtle(g).splitlines()[-1])
pkl:370983 rdfs:label "肥城市"@zh .
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..ontology.namespace import PREFIXES
from .nquads import nt_term

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")
_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# control characters, and the line separators some readers split on (NEL, U+2028, U+2029)
_NEEDS = re.compile('[\\\\"\x00-\x1f\x7f\x85\u2028\u2029]')
_ORDERED = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def escape_string(s: str) -> str:
    return _NEEDS.sub(lambda m: _ESC.get(m.group(), f"\\u{ord(m.group()):04X}"), s)


def term(t) -> str:
    """One term in Turtle syntax."""
    if isinstance(t, URIRef):
        s = str(t)
        for prefix, ns in _ORDERED:
            if s.startswith(ns) and _LOCAL.match(s[len(ns):]):
                return f"{prefix}:{s[len(ns):]}"
        return "<" + s.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal):
        dt = t.datatype
        if dt == XSD.integer and re.fullmatch(r"[+-]?\d+", str(t)):
            return str(t)
        if dt == XSD.boolean and str(t) in ("true", "false"):
            return str(t)
        body = '"' + escape_string(str(t)) + '"'
        if t.language:
            return f"{body}@{t.language}"
        if dt is not None and dt != XSD.string:
            return f"{body}^^{term(dt)}"
        return body
    raise TypeError(f"not an RDF term: {t!r}")


def _key(t) -> tuple:
    if isinstance(t, Literal):
        return (2, str(t), str(t.datatype or ""), t.language or "")
    return (0 if isinstance(t, URIRef) else 1, str(t))


def to_turtle(graph) -> str:
    """The graph as Turtle text, byte-identical for equal graphs."""
    by_subject: dict = {}
    refs: dict = {}
    for s, p, o in graph:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        if isinstance(o, BNode):
            refs[o] = refs.get(o, 0) + 1
    lists = {}
    for b, props in by_subject.items():
        if isinstance(b, BNode) and refs.get(b) == 1:
            items = _as_list(b, by_subject, refs)
            if items is not None:
                lists[b] = items
    inlined = set()
    for head, items in lists.items():
        node = head
        while node != RDF.nil:
            inlined.add(node)
            node = by_subject[node][RDF.rest][0]

    def obj(o) -> str:
        if isinstance(o, BNode) and o in lists and not any(o in v for v in ()):
            return "( " + " ".join(obj(i) for i in lists[o]) + " )"
        return term(o)

    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    lines.append("")
    for s in sorted(by_subject, key=lambda s: nt_term(s) + " "):
        if s in inlined:
            continue
        props = by_subject[s]
        preds = sorted(props, key=lambda p: (p != RDF.type, str(p)))
        parts = []
        for p in preds:
            objs = sorted(props[p], key=_key)
            ptxt = "a" if p == RDF.type else term(p)
            sep = " , " if len(objs) < 3 else " ,\n        "
            parts.append(f"{ptxt} " + sep.join(obj(o) for o in objs))
        lines.append(term(s) + " " + " ;\n    ".join(parts) + " .")
    return "\n".join(lines) + "\n"


def _as_list(b, by_subject, refs):
    items, node, seen = [], b, set()
    while node != RDF.nil:
        props = by_subject.get(node)
        if node in seen or props is None or set(props) != {RDF.first, RDF.rest}:
            return None
        if len(props[RDF.first]) != 1 or len(props[RDF.rest]) != 1:
            return None
        if node != b and refs.get(node) != 1:
            return None
        seen.add(node)
        items.append(props[RDF.first][0])
        node = props[RDF.rest][0]
    return items


def write_turtle(graph, path) -> Path:
    """Write :func:`to_turtle` output to ``path`` atomically (temporary file, then rename)."""
    return write_text_atomic(path, to_turtle(graph))


def write_text_atomic(path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path
