"""Reading graph files in any of the formats policykg writes."""
from __future__ import annotations

from pathlib import Path

FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
           ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml"}


def load_graph(path, fmt: str | None = None):
    """Parse a graph file (format from the suffix unless given) into an rdflib graph."""
    from rdflib import Dataset, Graph
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    fmt = fmt or FORMATS.get(p.suffix.lower(), "turtle")
    try:
        if fmt in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(p, format=fmt)
            g = Graph()
            for s, pr, o, _c in ds.quads((None, None, None, None)):
                g.add((s, pr, o))
        else:
            g = Graph()
            g.parse(p, format=fmt)
    except Exception as e:
        raise ValueError(f"{p}: cannot parse as {fmt}: {e}") from e
    from .build import bind_prefixes
    return bind_prefixes(g)
