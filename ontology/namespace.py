"""The policykg namespace and the prefixes of the graphs policykg writes.

:class:`PK` mirrors the terms that ``policykg.ttl`` defines and refuses any other, so a
typo fails where it is made instead of producing a silent, unknown IRI:

>>> PK.Meeting
rdflib.term.URIRef('https://w3id.org/policykg#Meeting')
>>> PK.count  # a term, not ``str.count``
rdflib.term.URIRef('https://w3id.org/policykg#count')
>>> PK.Meetng
Traceback (most recent call last):
...
AttributeError: term 'Meetng' not in namespace 'https://w3id.org/policykg#'

Instance IRIs live under :data:`BASE`, one slash-free namespace per kind of fact, so that
Turtle writers can abbreviate every IRI with a prefix:

>>> PREFIXES["pkm"]
'https://w3id.org/policykg/id/meeting/'

This module imports only rdflib (and :mod:`policykg.ontology.prefixes`, plain strings).
"""
from __future__ import annotations

from rdflib.namespace import (
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "PK", "SCHEMA", "NIF", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SH", "SKOS", "XSD",
    "NS", "BASE", "PREFIXES", "CATEGORIES", "LEVELS",
]

from .prefixes import NS  # noqa: E402  (the namespace of the policykg vocabulary)


class PK(DefinedNamespace):
    """The policykg vocabulary (``policykg.ttl``): every term it defines, and no other.

    Accessing a term the ontology does not define raises :class:`AttributeError`.
    """

    _NS = Namespace(NS)
    _fail = True

    # Classes
    AdminLevel: URIRef  # Administrative level
    AdministrativeDivision: URIRef  # Administrative division
    Campaign: URIRef  # Campaign
    Category: URIRef  # Formulation category
    Commitment: URIRef  # Commitment
    Document: URIRef  # Document
    Formulation: URIRef  # Formulation
    Goal: URIRef  # Goal
    Locality: URIRef  # Locality
    Meeting: URIRef  # Meeting
    Mention: URIRef  # Mention
    Other: URIRef  # Other
    Person: URIRef  # Person
    Phase: URIRef  # Phase
    Principle: URIRef  # Principle
    Requirement: URIRef  # Requirement
    Statement: URIRef  # Statement
    Task: URIRef  # Task
    Theme: URIRef  # Theme

    # Administrative levels (owl:NamedIndividual of pk:AdminLevel)
    Country: URIRef  # Country
    County: URIRef  # County
    Prefecture: URIRef  # Prefecture
    Province: URIRef  # Province
    Township: URIRef  # Township

    # Object properties
    adminLevel: URIRef  # administrative level
    campaign: URIRef  # campaign
    category: URIRef  # category
    chair: URIRef  # chair
    evidence: URIRef  # evidence
    follows: URIRef  # follows
    hasStatement: URIRef  # has statement
    heldIn: URIRef  # held in
    inDocument: URIRef  # in document
    item: URIRef  # item
    itemList: URIRef  # item list
    level: URIRef  # level
    lexiconItem: URIRef  # lexicon item
    mentions: URIRef  # mentions
    partOf: URIRef  # part of
    participant: URIRef  # participant
    reports: URIRef  # reports
    speaker: URIRef  # speaker
    venue: URIRef  # venue

    # Datatype properties
    adminCode: URIRef  # administrative code
    content: URIRef  # content
    count: URIRef  # count
    countMismatch: URIRef  # count mismatch
    date: URIRef  # date
    encoding: URIRef  # encoding
    end: URIRef  # end
    inputName: URIRef  # input name
    kind: URIRef  # kind
    nameAsWritten: URIRef  # name as written
    partOfDay: URIRef  # part of day
    quote: URIRef  # quote
    rule: URIRef  # rule
    start: URIRef  # start
    text: URIRef  # text
    title: URIRef  # title
    verb: URIRef  # verb


SCHEMA = Namespace("http://schema.org/")
"""schema.org, in its ``http://`` form (as schema.org's own RDF uses it)."""

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
"""NLP Interchange Format core: pk:Mention, pk:start, pk:end and pk:quote align with it."""

from .prefixes import BASE, PREFIXES  # noqa: E402  (plain strings, shared with the corpus path)

CATEGORIES: tuple[URIRef, ...] = (
    PK.Task, PK.Principle, PK.Goal, PK.Phase, PK.Theme, PK.Requirement, PK.Commitment, PK.Other,
)
"""The eight item classes, which are also the values of ``pk:category``."""

LEVELS: tuple[URIRef, ...] = (PK.Country, PK.Province, PK.Prefecture, PK.County, PK.Township)
"""The five administrative levels, from the top down."""
