"""Facts → RDF: the triples of one document, with provenance, in the core vocabulary.

:func:`document_triples` yields plain ``(subject, predicate, object)`` rdflib
terms for one document and its :class:`~policykg.extract.facts.Extraction`;
:func:`build_graph` adds them to an :class:`rdflib.Graph` with the prefixes bound.
No blank node stands for a fact; only the cells of ``pk:itemList`` are blank
nodes, with labels derived from the formulation's IRI, so the output is the
same on every run.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..extract.facts import Extraction, Span
from ..ontology.namespace import PK, PREFIXES, SCHEMA
from .iris import (campaign_iri, document_iri, formulation_iri, item_iri, locality_iri, meeting_iri,
                   mention_iri, person_iri, statement_iri)

LEVEL = {"Country": PK.Country, "Province": PK.Province, "Prefecture": PK.Prefecture,
         "County": PK.County, "Township": PK.Township}
CATEGORY = {c: getattr(PK, c) for c in ("Task", "Principle", "Goal", "Phase", "Theme", "Requirement",
                                        "Commitment", "Other")}


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def date_literal(value: str) -> Literal:
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    if "T" in value:
        return Literal(value if len(value) > 16 else value + ":00", datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def document_triples(doc, x: Extraction) -> Iterator[tuple]:
    """Every triple of one document and its facts."""
    d = document_iri(doc.id)
    yield d, RDF.type, PK.Document
    yield d, PK.text, Literal(doc.text)
    if doc.title:
        yield d, DCTERMS.title, Literal(doc.title)
    if doc.published:
        yield d, DCTERMS.issued, date_literal(doc.published)
    if doc.publisher:
        yield d, DCTERMS.publisher, Literal(doc.publisher)
    if doc.url:
        yield d, DCTERMS.source, Literal(doc.url, datatype=XSD.anyURI)
    if doc.encoding:
        yield d, PK.encoding, Literal(doc.encoding)
    if doc.source:
        yield d, PK.inputName, Literal(str(doc.source))
    yield d, DCTERMS["format"], Literal(doc.media_type)

    def evidence(node, span: Span):
        m = mention_iri(doc.id, span.start, span.end, span.rule)
        yield node, PK.evidence, m
        yield m, RDF.type, PK.Mention
        yield m, PK.inDocument, d
        yield m, PK.start, Literal(span.start)
        yield m, PK.end, Literal(span.end)
        yield m, PK.quote, Literal(span.quote)
        yield m, PK.rule, Literal(span.rule)

    # localities and the divisions above them
    divisions = {}
    for loc in x.localities:
        n = locality_iri(loc.key)
        yield n, RDF.type, PK.Locality
        yield n, RDF.type, PK.AdministrativeDivision
        yield n, RDFS.label, zh(loc.label)
        yield from evidence(n, loc.span)
        divisions[loc.key] = loc.division
        for a in loc.ancestors:
            divisions.setdefault(a.code, a)
    mentioned = {loc.key for loc in x.localities}
    for m in x.meetings:
        if m.locality and m.locality not in divisions:
            divisions[m.locality] = None
    for code, div in sorted(divisions.items()):
        if div is None:
            continue
        n = locality_iri(code)
        if code not in mentioned:
            yield n, RDF.type, PK.AdministrativeDivision
            yield n, RDFS.label, zh(div.name)
        if div.code:
            yield n, PK.adminCode, Literal(div.code)
        yield n, PK.adminLevel, LEVEL[div.level]
        if div.parent:
            yield n, PK.partOf, locality_iri(div.parent)
        if div.lat is not None and div.lon is not None:
            yield n, SCHEMA.latitude, Literal(f"{div.lat:.5f}", datatype=XSD.decimal)
            yield n, SCHEMA.longitude, Literal(f"{div.lon:.5f}", datatype=XSD.decimal)

    persons = {p.key: person_iri(p.key) for p in x.persons}
    for p in x.persons:
        n = persons[p.key]
        yield n, RDF.type, PK.Person
        yield n, RDFS.label, zh(p.name)
        for t in p.titles:
            yield n, PK.title, Literal(t)
        yield from evidence(n, p.span)

    campaigns = {}
    for c in x.campaigns:
        n = campaign_iri(c.key)
        campaigns[c.key] = n
        yield n, RDF.type, PK.Campaign
        yield n, RDFS.label, zh(c.label)
        yield from evidence(n, c.span)

    meetings = {m.id: meeting_iri(m.key) for m in x.meetings}
    for m in x.meetings:
        n = meetings[m.id]
        yield n, RDF.type, PK.Meeting
        yield n, RDFS.label, zh(m.name)
        yield n, PK.nameAsWritten, Literal(m.written)
        if m.date:
            yield n, PK.date, date_literal(m.date)
        if m.part_of_day:
            yield n, PK.partOfDay, Literal(m.part_of_day)
        if m.locality:
            yield n, PK.heldIn, locality_iri(m.locality)
        if m.level:
            yield n, PK.level, LEVEL[m.level]
        if m.venue:
            yield n, PK.venue, locality_iri(m.venue)
        if m.kind:
            yield n, PK.kind, Literal(m.kind)
        for c in x.campaigns:
            if m.span.start <= c.span.start < m.span.end:
                yield n, PK.campaign, campaigns[c.key]
        for f in m.follows:
            yield n, PK.follows, meetings[f]
        for k in m.chair:
            if k in persons:
                yield n, PK.chair, persons[k]
        for k in m.participants:
            if k in persons:
                yield n, PK.participant, persons[k]
        yield from evidence(n, m.span)
        for span in m.also:
            yield from evidence(n, span)
        if m.role == "reported":
            yield d, PK.reports, n
        yield d, PK.mentions, n

    statements = {}
    for st in x.statements:
        n = statement_iri(doc.id, st.id)
        statements[st.id] = n
        yield n, RDF.type, PK.Statement
        yield n, PK.verb, Literal(st.verb)
        speaker = meetings.get(st.speaker_meeting) if st.speaker_meeting else persons.get(st.speaker_person)
        if speaker is not None:
            yield n, PK.speaker, speaker
        content = re.sub(r"^[^，：:,]*?(?:" + re.escape(st.verb) + r")[，：:,]?", "", st.span.quote, count=1)
        if content:
            yield n, PK.content, Literal(content)
        if st.meeting in meetings:
            yield meetings[st.meeting], PK.hasStatement, n
        yield from evidence(n, st.span)

    for f in x.formulations:
        n = formulation_iri(f.key)
        yield n, RDF.type, PK.Formulation
        yield n, RDFS.label, zh(f.label)
        yield n, PK.count, Literal(f.count)
        yield n, PK.category, CATEGORY[f.category]
        if f.count_mismatch:
            yield n, PK.countMismatch, Literal(True)
        yield from evidence(n, f.span)
        cells = []
        for it in f.items:
            i = item_iri(it.key)
            cells.append(i)
            yield i, RDF.type, CATEGORY[it.category]
            yield i, RDFS.label, zh(it.label)
            yield from evidence(i, it.span)
            yield n, PK.item, i
        for it in f.lexicon_items:
            i = item_iri(it.key)
            yield i, RDF.type, CATEGORY[it.category]
            yield i, RDFS.label, zh(it.label)
            yield from evidence(i, it.span)
            yield n, PK.lexiconItem, i
        if cells:
            head = BNode(f"L{str(n).rsplit('/', 1)[1].replace('-', '')}")
            yield n, PK.itemList, head
            node = head
            for k, i in enumerate(cells):
                yield node, RDF.first, i
                nxt = RDF.nil if k == len(cells) - 1 else BNode(f"{head}x{k + 1}")
                yield node, RDF.rest, nxt
                node = nxt
        targets = []
        if f.statement in statements:
            targets.append(statements[f.statement])
        if f.meeting in meetings:
            targets.append(meetings[f.meeting])
        for t in targets:
            yield t, PK.mentions, n
            for it in f.items:
                yield t, PK.mentions, item_iri(it.key)


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, URIRef(ns), override=True, replace=True)
    return g


def build_graph(pairs: Iterable[tuple], graph: Graph | None = None) -> Graph:
    """An rdflib graph of the given ``(document, extraction)`` pairs, prefixes bound."""
    g = bind_prefixes(graph if graph is not None else Graph())
    for doc, x in pairs:
        for t in document_triples(doc, x):
            g.add(t)
    return g
