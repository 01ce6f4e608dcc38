"""The RDF formats policykg writes, as an enum (no rdflib needed to name them).

>>> RdfFormat.parse("json-ld").suffix, RdfFormat.from_path("out/graph.trig")
('.jsonld', <RdfFormat.TRIG: 'trig'>)
"""
from __future__ import annotations

import enum
from pathlib import Path

__all__ = ["RdfFormat"]


class RdfFormat(str, enum.Enum):
    """The RDF formats policykg writes."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def suffix(self) -> str:
        return _SUFFIX[self]

    @property
    def media_type(self) -> str:
        return _MEDIA[self]

    @property
    def rdflib_name(self) -> str:
        """The name rdflib's parser knows the format by."""
        return _RDFLIB[self]

    @property
    def named_graphs(self) -> bool:
        """Whether the format keeps one graph per document."""
        return self in (RdfFormat.NQUADS, RdfFormat.TRIG)

    @classmethod
    def parse(cls, name: str) -> "RdfFormat":
        """A format from its name or a common alias (``ttl``, ``nt``, ``json-ld``, ``xml``…)."""
        key = str(name).strip().lower().lstrip(".")
        for f in cls:
            if key == f.value or key in _ALIASES[f]:
                return f
        raise ValueError(f"unknown RDF format {name!r}; known: {', '.join(f.value for f in cls)}")

    @classmethod
    def from_path(cls, path) -> "RdfFormat":
        """The format a file name's suffix stands for."""
        suffix = Path(path).suffix.lower()
        for f in cls:
            if suffix == f.suffix or suffix.lstrip(".") in _ALIASES[f]:
                return f
        raise ValueError(f"{path}: cannot tell the RDF format from the suffix {suffix!r}")


_SUFFIX = {RdfFormat.TURTLE: ".ttl", RdfFormat.NTRIPLES: ".nt", RdfFormat.NQUADS: ".nq", RdfFormat.TRIG: ".trig",
           RdfFormat.JSONLD: ".jsonld", RdfFormat.RDFXML: ".rdf"}
_MEDIA = {RdfFormat.TURTLE: "text/turtle", RdfFormat.NTRIPLES: "application/n-triples",
          RdfFormat.NQUADS: "application/n-quads", RdfFormat.TRIG: "application/trig",
          RdfFormat.JSONLD: "application/ld+json", RdfFormat.RDFXML: "application/rdf+xml"}
_RDFLIB = {RdfFormat.TURTLE: "turtle", RdfFormat.NTRIPLES: "nt", RdfFormat.NQUADS: "nquads",
           RdfFormat.TRIG: "trig", RdfFormat.JSONLD: "json-ld", RdfFormat.RDFXML: "xml"}
_ALIASES = {RdfFormat.TURTLE: {"ttl"}, RdfFormat.NTRIPLES: {"nt", "n-triples", "nt11"},
            RdfFormat.NQUADS: {"nq", "n-quads"}, RdfFormat.TRIG: set(),
            RdfFormat.JSONLD: {"json-ld", "json"}, RdfFormat.RDFXML: {"rdf", "xml", "rdf/xml", "rdf-xml", "owl"}}
