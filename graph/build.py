"""Facts → RDF: the triples of one document, with provenance, in the core vocabulary.

:func:`document_ntriples` walks one document and its
:class:`~policykg.extract.facts.Extraction` once and yields each triple as an N-Triples
line, its terms (``<iri>``, ``"body"@zh``, ``"body"^^<datatype>``, ``"body"``, ``_:label``)
escaped by :mod:`policykg.graph.nquads`: a corpus build sorts these lines
(:func:`policykg.graph.nquads.document_lines`) without making an rdflib term.
:func:`document_triples` gives the same triples as rdflib terms, and
:func:`build_graph` adds them to an :class:`rdflib.Graph` with the prefixes bound.
No blank node stands for a fact; only the cells of ``pk:itemList`` are blank
nodes, with labels derived from the formulation's IRI, so the output is the
same on every run.

>>> from policykg.extract.document import Document
>>> from policykg.extract.pipeline import extract
>>> doc = Document.from_text("肥城市召开会议。", title='他说"好"')
>>> [split_line(line)[2] for line in document_ntriples(doc, extract(doc)) if dcterms.title in line]
['"他说\\\\"好\\\\""']
"""
from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator

from ..extract.facts import CATEGORIES, LEVELS, Extraction
from ..ontology.prefixes import NS, PREFIXES
from .iris import (campaign_iri_str, document_iri_str, formulation_iri_str, item_iri_str, locality_iri_str,
                   meeting_iri_str, mention_iri_str, person_iri_str, statement_iri_str)
from .nquads import escape_string, nt_iri, rdf_term, split_line


if TYPE_CHECKING:       # rdflib is loaded by the functions that make rdflib objects, not to write lines
    from rdflib import Graph


class _Terms:
    """The N-Triples tokens of a namespace's terms by local name: ``pk.Meeting == "<…policykg#Meeting>"``.

    A token is made when first asked for and kept as an instance attribute, which Python reads
    fast. No rdflib here (a worker that writes lines does without loading it); that every name
    this module asks for is a term of its closed namespace is checked by the tests.
    """

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        token = nt_iri(self._base + name)
        setattr(self, name, token)
        return token


pk = _Terms(NS)
rdf, rdfs, dcterms, xsd, schema = (_Terms(PREFIXES[p]) for p in ("rdf", "rdfs", "dcterms", "xsd", "schema"))
LEVEL = {level: getattr(pk, level) for level in LEVELS}
CATEGORY = {c: getattr(pk, c) for c in CATEGORIES}


def plain(text: str) -> str:
    return f'"{escape_string(text)}"'


def zh(text: str) -> str:
    return f'"{escape_string(text)}"@zh'


def typed(lexical: str, datatype: str) -> str:
    """A literal of the datatype whose token is ``datatype``.

    ``lexical`` is written as it is, so it must be a form rdflib keeps too (rdflib would rewrite
    ``2021-03-01T09:30:00.5`` as ``2021-03-01T09:30:00.500000``): the dates (``YYYY-MM-DD``,
    ``--MM-DD``, ``YYYY-MM-DDTHH:MM:SS``, as documents and extraction give them), the decimals
    with five places and the URLs written here are.
    """
    return f'"{escape_string(lexical)}"^^{datatype}'


def integer(n: int) -> str:
    return f'"{n}"^^{xsd.integer}'


TRUE = f'"true"^^{xsd.boolean}'


def date_literal(value: str) -> str:
    if value.startswith("--"):
        return typed(value, xsd.gMonthDay)
    if "T" in value:
        return typed(value if len(value) > 16 else value + ":00", xsd.dateTime)
    return typed(value, xsd.date)


@lru_cache(maxsize=1024)
def speaker_and_verb(verb: str) -> re.Pattern:
    """What a statement's quote holds before its content: the speaker, the verb and a comma or colon."""
    return re.compile(r"^[^，：:,]*?(?:" + re.escape(verb) + r")[，：:,]?")


def document_ntriples(doc, x: Extraction) -> Iterator[str]:
    """Every triple of one document and its facts as an N-Triples line (no line end; unsorted, repeats possible)."""
    d = nt_iri(document_iri_str(doc.id))
    yield f"{d} {rdf.type} {pk.Document} ."
    yield f"{d} {pk.text} {plain(doc.text)} ."
    if doc.title:
        yield f"{d} {dcterms.title} {plain(doc.title)} ."
    if doc.published:
        yield f"{d} {dcterms.issued} {date_literal(doc.published)} ."
    if doc.publisher:
        yield f"{d} {dcterms.publisher} {plain(doc.publisher)} ."
    if doc.url:
        yield f"{d} {dcterms.source} {typed(doc.url, xsd.anyURI)} ."
    if doc.encoding:
        yield f"{d} {pk.encoding} {plain(doc.encoding)} ."
    if doc.source:
        yield f"{d} {pk.inputName} {plain(str(doc.source))} ."
    yield f"{d} {dcterms.format} {plain(doc.media_type)} ."

    def locality(code: str) -> str:
        return nt_iri(locality_iri_str(code))

    evidence = []  # (node, span): where each fact was read; the mentions are written last

    # localities and the divisions above them
    divisions = {}
    for loc in x.localities:
        n = locality(loc.key)
        yield f"{n} {rdf.type} {pk.Locality} ."
        yield f"{n} {rdf.type} {pk.AdministrativeDivision} ."
        yield f"{n} {rdfs.label} {zh(loc.label)} ."
        evidence.append((n, loc.span))
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
        n = locality(code)
        if code not in mentioned:
            yield f"{n} {rdf.type} {pk.AdministrativeDivision} ."
            yield f"{n} {rdfs.label} {zh(div.name)} ."
        if div.code:
            yield f"{n} {pk.adminCode} {plain(div.code)} ."
        yield f"{n} {pk.adminLevel} {LEVEL[div.level]} ."
        if div.parent:
            yield f"{n} {pk.partOf} {locality(div.parent)} ."
        if div.lat is not None and div.lon is not None:
            yield f"{n} {schema.latitude} {typed(f'{div.lat:.5f}', xsd.decimal)} ."
            yield f"{n} {schema.longitude} {typed(f'{div.lon:.5f}', xsd.decimal)} ."

    persons = {p.key: nt_iri(person_iri_str(p.key)) for p in x.persons}
    for p in x.persons:
        n = persons[p.key]
        yield f"{n} {rdf.type} {pk.Person} ."
        yield f"{n} {rdfs.label} {zh(p.name)} ."
        for t in p.titles:
            yield f"{n} {pk.title} {plain(t)} ."
        evidence.append((n, p.span))

    campaigns = {}
    for c in x.campaigns:
        n = nt_iri(campaign_iri_str(c.key))
        campaigns[c.key] = n
        yield f"{n} {rdf.type} {pk.Campaign} ."
        yield f"{n} {rdfs.label} {zh(c.label)} ."
        evidence.append((n, c.span))

    meetings = {m.id: nt_iri(meeting_iri_str(m.key)) for m in x.meetings}
    for m in x.meetings:
        n = meetings[m.id]
        yield f"{n} {rdf.type} {pk.Meeting} ."
        yield f"{n} {rdfs.label} {zh(m.name)} ."
        yield f"{n} {pk.nameAsWritten} {plain(m.written)} ."
        if m.date:
            yield f"{n} {pk.date} {date_literal(m.date)} ."
        if m.part_of_day:
            yield f"{n} {pk.partOfDay} {plain(m.part_of_day)} ."
        if m.locality:
            yield f"{n} {pk.heldIn} {locality(m.locality)} ."
        if m.level:
            yield f"{n} {pk.level} {LEVEL[m.level]} ."
        if m.venue:
            yield f"{n} {pk.venue} {locality(m.venue)} ."
        if m.kind:
            yield f"{n} {pk.kind} {plain(m.kind)} ."
        for c in x.campaigns:
            if m.span.start <= c.span.start < m.span.end:
                yield f"{n} {pk.campaign} {campaigns[c.key]} ."
        for f in m.follows:
            yield f"{n} {pk.follows} {meetings[f]} ."
        for k in m.chair:
            if k in persons:
                yield f"{n} {pk.chair} {persons[k]} ."
        for k in m.participants:
            if k in persons:
                yield f"{n} {pk.participant} {persons[k]} ."
        evidence.append((n, m.span))
        for span in m.also:
            evidence.append((n, span))
        if m.role == "reported":
            yield f"{d} {pk.reports} {n} ."
        yield f"{d} {pk.mentions} {n} ."

    statements = {}
    for st in x.statements:
        n = nt_iri(statement_iri_str(doc.id, st.id))
        statements[st.id] = n
        yield f"{n} {rdf.type} {pk.Statement} ."
        yield f"{n} {pk.verb} {plain(st.verb)} ."
        speaker = meetings.get(st.speaker_meeting) if st.speaker_meeting else persons.get(st.speaker_person)
        if speaker is not None:
            yield f"{n} {pk.speaker} {speaker} ."
        content = speaker_and_verb(st.verb).sub("", st.span.quote, count=1)
        if content:
            yield f"{n} {pk.content} {plain(content)} ."
        if st.meeting in meetings:
            yield f"{meetings[st.meeting]} {pk.hasStatement} {n} ."
        evidence.append((n, st.span))

    for f in x.formulations:
        iri = formulation_iri_str(f.key)
        n = nt_iri(iri)
        yield f"{n} {rdf.type} {pk.Formulation} ."
        yield f"{n} {rdfs.label} {zh(f.label)} ."
        yield f"{n} {pk.count} {integer(f.count)} ."
        yield f"{n} {pk.category} {CATEGORY[f.category]} ."
        if f.count_mismatch:
            yield f"{n} {pk.countMismatch} {TRUE} ."
        evidence.append((n, f.span))
        items = [nt_iri(item_iri_str(it.key)) for it in f.items]
        for it, i in zip(f.items, items):
            yield f"{i} {rdf.type} {CATEGORY[it.category]} ."
            yield f"{i} {rdfs.label} {zh(it.label)} ."
            evidence.append((i, it.span))
            yield f"{n} {pk.item} {i} ."
        for it in f.lexicon_items:
            i = nt_iri(item_iri_str(it.key))
            yield f"{i} {rdf.type} {CATEGORY[it.category]} ."
            yield f"{i} {rdfs.label} {zh(it.label)} ."
            evidence.append((i, it.span))
            yield f"{n} {pk.lexiconItem} {i} ."
        if items:
            head = f"_:L{iri.rsplit('/', 1)[1].replace('-', '')}"
            yield f"{n} {pk.itemList} {head} ."
            node = head
            for k, i in enumerate(items):
                yield f"{node} {rdf.first} {i} ."
                nxt = rdf.nil if k == len(items) - 1 else f"{head}x{k + 1}"
                yield f"{node} {rdf.rest} {nxt} ."
                node = nxt
        targets = []
        if f.statement in statements:
            targets.append(statements[f.statement])
        if f.meeting in meetings:
            targets.append(meetings[f.meeting])
        for t in targets:
            yield f"{t} {pk.mentions} {n} ."
            for i in items:
                yield f"{t} {pk.mentions} {i} ."

    # The mentions: each one's lines in sorted order (rdf:type, then pk:end ... pk:start) and the
    # mentions in the order of their IRIs, so that about half of the lines come as one sorted run,
    # which document_lines sorts cheaply; what repeats from mention to mention is made once.
    mentions = []
    for node, span in evidence:
        m = nt_iri(mention_iri_str(doc.id, span.start, span.end, span.rule))
        yield f"{node} {pk.evidence} {m} ."
        mentions.append((m, span))
    mentions.sort(key=itemgetter(0))
    rules: dict = {}
    a_mention = f" {rdf.type} {pk.Mention} ."
    in_document = f" {pk.inDocument} {d} ."
    for m, span in mentions:
        rule = rules.get(span.rule) or rules.setdefault(span.rule, plain(span.rule))
        yield m + a_mention
        yield f"{m} {pk.end} {integer(span.end)} ."
        yield m + in_document
        yield f"{m} {pk.quote} {plain(span.quote)} ."
        yield f"{m} {pk.rule} {rule} ."
        yield f"{m} {pk.start} {integer(span.start)} ."


def document_triples(doc, x: Extraction) -> Iterator[tuple]:
    """Every triple of one document and its facts, as rdflib terms (the lines of :func:`document_ntriples`)."""
    terms: dict = {}

    def term(token: str):
        t = terms.get(token)
        if t is None:
            t = terms[token] = rdf_term(token)
        return t
    for line in document_ntriples(doc, x):
        s, p, o = split_line(line)
        yield term(s), term(p), term(o)


def bind_prefixes(g: Graph) -> Graph:
    from rdflib import URIRef
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, URIRef(ns), override=True, replace=True)
    return g


def build_graph(pairs: Iterable[tuple], graph: Graph | None = None) -> Graph:
    """An rdflib graph of the given ``(document, extraction)`` pairs, prefixes bound."""
    from rdflib import Graph
    g = bind_prefixes(graph if graph is not None else Graph())
    for doc, x in pairs:
        for t in document_triples(doc, x):
            g.add(t)
    return g
