"""SPARQL over a policykg graph, with the ontology's prefixes predeclared."""
from __future__ import annotations

from ..extract.errors import QueryError
from ..ontology.namespace import PREFIXES

EXTRA = {"owl": "http://www.w3.org/2002/07/owl#", "sh": "http://www.w3.org/ns/shacl#"}


def prologue() -> str:
    """PREFIX lines for every namespace policykg uses."""
    names = dict(PREFIXES)
    for k, v in EXTRA.items():
        names.setdefault(k, v)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in names.items())


def run_query(graph, sparql: str):
    """Run a SPARQL query with rdflib; syntax errors raise :class:`QueryError` with their position."""
    from rdflib.plugins.sparql import prepareQuery
    text = prologue() + sparql
    try:
        q = prepareQuery(text)
    except Exception as e:  # pyparsing reports line and column
        raise QueryError(f"SPARQL syntax error: {e}") from e
    return graph.query(q)
