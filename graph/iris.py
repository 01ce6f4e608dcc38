"""IRIs minted from normalised keys: the same thing gets the same IRI in every document and run.

>>> str(meeting_iri("370983|2021-03-01|政法队伍教育整顿动员部署会议"))[:52]
'https://w3id.org/policykg/id/meeting/370983-20210301'
"""
from __future__ import annotations

import hashlib

from rdflib import URIRef

from ..ontology.namespace import PREFIXES


def _h(key: str, n: int = 12) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:n]


def _iri(prefix: str, local: str) -> URIRef:
    return URIRef(PREFIXES[prefix] + local)


def document_iri(doc_id: str) -> URIRef:
    return _iri("pkd", doc_id)


def locality_iri(code: str) -> URIRef:
    return _iri("pkl", code)


def meeting_iri(key: str) -> URIRef:
    where, date, _name = key.split("|", 2)
    where = (where or "x").lower()
    date = date.replace("-", "") or "nodate"
    return _iri("pkm", f"{where}-{date}-{_h(key)}")


def statement_iri(doc_id: str, local_id: str) -> URIRef:
    return _iri("pks", f"{doc_id}-{local_id}")


def formulation_iri(key: str) -> URIRef:
    return _iri("pkf", f"{key.split('|', 1)[0].lower()}-{_h(key)}")


def item_iri(key: str) -> URIRef:
    return _iri("pki", f"{key.split('|', 1)[0].lower()}-{_h(key)}")


def person_iri(key: str) -> URIRef:
    where = key.split("|", 1)[0] or "x"
    return _iri("pkp", f"{where}-{_h(key)}")


def campaign_iri(key: str) -> URIRef:
    return _iri("pkc", _h(key))


def mention_iri(doc_id: str, start: int, end: int, rule: str) -> URIRef:
    return _iri("pkn", f"{doc_id}-{start}-{end}-{_h(rule, 6)}")
