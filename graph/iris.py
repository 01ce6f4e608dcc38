"""IRIs minted from normalised keys: the same thing gets the same IRI in every document and run.

Each rule is written once, as a function returning the IRI as a plain string
(``meeting_iri_str``), which the N-Triples walk of :mod:`policykg.graph.build` uses;
``meeting_iri`` and the others give the same IRI as an rdflib :class:`~rdflib.URIRef`.

>>> str(meeting_iri("370983|2021-03-01|政法队伍教育整顿动员部署会议"))[:52]
'https://w3id.org/policykg/id/meeting/370983-20210301'
>>> meeting_iri_str("370983|2021-03-01|政法队伍教育整顿动员部署会议")[37:52]
'370983-20210301'
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from typing import TYPE_CHECKING

from ..ontology.prefixes import PREFIXES

if TYPE_CHECKING:
    from rdflib import URIRef


def _h(key: str, n: int = 12) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:n]


@lru_cache(maxsize=4096)
def _rule_hash(rule: str) -> str:
    return _h(rule, 6)


def document_iri_str(doc_id: str) -> str:
    return PREFIXES["pkd"] + doc_id


def locality_iri_str(code: str) -> str:
    return PREFIXES["pkl"] + code


def meeting_iri_str(key: str) -> str:
    where, date, _name = key.split("|", 2)
    where = (where or "x").lower()
    date = date.replace("-", "") or "nodate"
    return f"{PREFIXES['pkm']}{where}-{date}-{_h(key)}"


def statement_iri_str(doc_id: str, local_id: str) -> str:
    return f"{PREFIXES['pks']}{doc_id}-{local_id}"


def formulation_iri_str(key: str) -> str:
    return f"{PREFIXES['pkf']}{key.split('|', 1)[0].lower()}-{_h(key)}"


def item_iri_str(key: str) -> str:
    return f"{PREFIXES['pki']}{key.split('|', 1)[0].lower()}-{_h(key)}"


def person_iri_str(key: str) -> str:
    where = key.split("|", 1)[0] or "x"
    return f"{PREFIXES['pkp']}{where}-{_h(key)}"


def campaign_iri_str(key: str) -> str:
    return PREFIXES["pkc"] + _h(key)


def mention_iri_str(doc_id: str, start: int, end: int, rule: str) -> str:
    return f"{PREFIXES['pkn']}{doc_id}-{start}-{end}-{_rule_hash(rule)}"


def _uriref(fn):
    """The rdflib form of an ``…_iri_str`` function: the same IRI as a ``URIRef``."""
    def iri(*args) -> URIRef:
        from rdflib import URIRef    # loaded when an rdflib IRI is asked for, not to write lines
        return URIRef(fn(*args))
    iri.__name__ = iri.__qualname__ = fn.__name__[:-len("_str")]
    iri.__doc__ = f"The IRI of :func:`{fn.__name__}` as a ``URIRef``."
    return iri


document_iri = _uriref(document_iri_str)
locality_iri = _uriref(locality_iri_str)
meeting_iri = _uriref(meeting_iri_str)
statement_iri = _uriref(statement_iri_str)
formulation_iri = _uriref(formulation_iri_str)
item_iri = _uriref(item_iri_str)
person_iri = _uriref(person_iri_str)
campaign_iri = _uriref(campaign_iri_str)
mention_iri = _uriref(mention_iri_str)
