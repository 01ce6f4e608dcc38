"""The policykg vocabulary: the ontology, its SHACL shapes and a validator.

``policykg.ttl`` defines the classes and properties of the graphs policykg writes (labels and
comments in Chinese and English, aligned with schema.org, SKOS, PROV-O, Dublin Core, W3C ORG
and NIF); ``shapes.ttl`` states what a well-formed graph looks like; :mod:`.namespace` holds
:class:`~policykg.ontology.namespace.PK` and the prefixes. Nothing is parsed at import time.

>>> from rdflib import Graph
>>> result = validate(Graph())
>>> result.conforms
True
>>> print(result.text)
Conforms: 0 violations, 0 warnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

__all__ = [
    "ontology_path", "shapes_path", "context_path", "ontology_graph", "shapes_graph",
    "validate", "ValidationResult",
]

_HERE = Path(__file__).resolve().parent
_SHAPES_NS = "https://w3id.org/policykg/shapes#"


def ontology_path() -> Path:
    """The path of ``policykg.ttl``, the OWL/RDFS ontology."""
    return _HERE / "policykg.ttl"


def shapes_path() -> Path:
    """The path of ``shapes.ttl``, the SHACL shapes."""
    return _HERE / "shapes.ttl"


def context_path() -> Path:
    """The path of ``context.jsonld``, the JSON-LD ``@context`` for policykg graphs."""
    return _HERE / "context.jsonld"


@lru_cache(maxsize=None)
def ontology_graph() -> Graph:
    """The ontology, parsed once and cached. Shared: copy it before changing it."""
    from rdflib import Graph

    return Graph().parse(ontology_path(), format="turtle")


@lru_cache(maxsize=None)
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once and cached. Shared: copy it before changing it."""
    from rdflib import Graph

    return Graph().parse(shapes_path(), format="turtle")


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    ``conforms`` is false when at least one result has severity ``sh:Violation``; warnings
    and infos are listed in ``text`` but do not fail. ``graph`` is the SHACL results graph.
    """

    conforms: bool
    text: str
    graph: Graph = field(repr=False, compare=False)

    def __str__(self) -> str:
        return self.text


def validate(data_graph: Graph) -> ValidationResult:
    """Check a policykg graph against the SHACL shapes.

    The SPARQL-based constraints (count vs items, start ≤ end, quote == text[start:end])
    run too; no inference is done and ``data_graph`` is not modified.

    Parameters
    ----------
    data_graph : rdflib.Graph
        The graph to check.

    Returns
    -------
    ValidationResult
        ``conforms``, a readable ``text`` report sorted by severity, focus node, path and
        shape, and the results ``graph``.
    """
    from pyshacl import validate as shacl_validate

    _, results_graph, _ = shacl_validate(
        data_graph,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=False,
    )
    entries = _results(results_graph)
    conforms = not any(e[0] == "Violation" for e in entries)
    return ValidationResult(conforms, _report(entries, conforms), results_graph)


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def _results(results_graph: Graph) -> list[tuple[str, ...]]:
    """One tuple (severity, focus, path, constraint, shape, value, message) per result, sorted."""
    from rdflib import RDF, Literal
    from rdflib.namespace import SH

    from .namespace import PREFIXES

    prefixes = dict(PREFIXES, pksh=_SHAPES_NS, sh=str(SH))
    namespaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def show(node) -> str:
        if node is None:
            return ""
        if isinstance(node, Literal):
            text = str(node)
            if len(text) > 60:
                text = text[:57] + "…"
            shown = '"' + text.replace("\n", "\\n") + '"'
            if node.language:
                return f"{shown}@{node.language}"
            if node.datatype is not None and not str(node.datatype).endswith("#string"):
                return f"{shown}^^{show(node.datatype)}"
            return shown
        iri = str(node)
        if node.__class__.__name__ == "BNode":
            return f"_:{iri}"
        for prefix, ns in namespaces:
            if iri.startswith(ns) and "/" not in iri[len(ns):] and "#" not in iri[len(ns):]:
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"

    def show_path(path) -> str:
        if path is None:
            return ""
        inverse = results_graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + show(inverse)
        return show(path)

    def message(result) -> str:
        messages = sorted(results_graph.objects(result, SH.resultMessage), key=str)
        for lang in ("en", None, "zh"):
            for m in messages:
                if getattr(m, "language", None) == lang:
                    return str(m)
        return str(messages[0]) if messages else ""

    entries = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        g = results_graph
        severity = show(g.value(result, SH.resultSeverity)).removeprefix("sh:")
        component = show(g.value(result, SH.sourceConstraintComponent))
        shape = g.value(result, SH.sourceShape)
        constraint = g.value(result, SH.sourceConstraint)
        shape_name = show(constraint if constraint is not None else shape)
        entries.append((
            severity,
            show(g.value(result, SH.focusNode)),
            show_path(g.value(result, SH.resultPath)),
            component,
            shape_name,
            show(g.value(result, SH.value)),
            message(result),
        ))
    entries.sort(key=lambda e: (_SEVERITY_ORDER.get(e[0], 9), *e))
    return entries


def _report(entries: list[tuple[str, ...]], conforms: bool) -> str:
    counts = {s: sum(1 for e in entries if e[0] == s) for s in ("Violation", "Warning", "Info")}
    head = "Conforms" if conforms else "Does not conform"
    summary = f"{counts['Violation']} violation{'s' * (counts['Violation'] != 1)}, " \
              f"{counts['Warning']} warning{'s' * (counts['Warning'] != 1)}"
    if counts["Info"]:
        summary += f", {counts['Info']} info"
    lines = [f"{head}: {summary}."]
    for severity, focus, path, component, shape, value, msg in entries:
        lines.append(f"{severity} on {focus}")
        if path:
            lines.append(f"  path:       {path}")
        lines.append(f"  constraint: {component} ({shape})" if shape else f"  constraint: {component}")
        if value:
            lines.append(f"  value:      {value}")
        if msg:
            lines.append(f"  message:    {msg}")
    return "\n".join(lines)
