"""The namespaces of the graphs policykg writes, as plain strings (no rdflib import).

:mod:`policykg.ontology.namespace` re-exports them beside the rdflib namespaces; the corpus
path (N-Triples lines, Turtle blocks, IRIs) reads them from here, so that a corpus build does
not load rdflib to write strings.

>>> PREFIXES["pkm"]
'https://w3id.org/policykg/id/meeting/'
>>> list(PREFIXES)[:3]
['pk', 'pkd', 'pkl']
"""
from __future__ import annotations

__all__ = ["NS", "BASE", "PREFIXES"]

NS = "https://w3id.org/policykg#"
"""The namespace of the policykg vocabulary."""

BASE = "https://w3id.org/policykg/id/"
"""Where the IRIs of facts live: ``BASE + kind + "/" + key``."""

PREFIXES: dict[str, str] = {
    "pk": NS,
    "pkd": BASE + "document/",
    "pkl": BASE + "locality/",
    "pkm": BASE + "meeting/",
    "pks": BASE + "statement/",
    "pkf": BASE + "formulation/",
    "pki": BASE + "item/",
    "pkp": BASE + "person/",
    "pkc": BASE + "campaign/",
    "pkn": BASE + "mention/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
}
"""Prefix → namespace, in the fixed order in which graphs bind them."""
