"""The vocabulary: ontology ↔ contract ↔ namespace ↔ shapes, and validation."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from policykg import ontology
from policykg.ontology import ValidationResult, validate
from policykg.ontology.namespace import BASE, CATEGORIES, LEVELS, NS, PK, PREFIXES

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract" / "ontology-core.md"

# The contract's terms, used when the contract file is not beside the repository.
CONTRACT_TERMS = {
    "Document", "Locality", "Meeting", "Statement", "Formulation", "Task", "Principle", "Goal",
    "Phase", "Theme", "Requirement", "Commitment", "Other", "Person", "Campaign", "Mention",
    "Country", "Province", "Prefecture", "County", "Township",
    "text", "reports", "mentions", "adminCode", "adminLevel", "partOf", "heldIn", "venue", "date",
    "follows", "campaign", "hasStatement", "speaker", "verb", "count", "category", "item",
    "itemList", "title", "participant", "chair", "evidence", "inDocument", "start", "end",
    "quote", "rule",
}


def contract_terms() -> set[str]:
    """The pk: terms named in the contract's tables (or the hard-coded list)."""
    if not CONTRACT.exists():
        return set(CONTRACT_TERMS)
    terms = set()
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            terms.update(re.findall(r"`pk:(\w+)`", line))
    return terms


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology.ontology_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return ontology.shapes_graph()


def pk_iris(graph: Graph) -> set[str]:
    """Local names of every pk: IRI used anywhere in the graph."""
    return {str(t)[len(NS):] for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(NS)}


def defined_terms(graph: Graph) -> set[str]:
    return {str(s)[len(NS):] for s in graph.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(NS)}


# --- the ontology ------------------------------------------------------------------------


def test_files_parse(onto, shapes):
    assert len(onto) > 300
    assert len(shapes) > 300
    assert (URIRef("https://w3id.org/policykg"), RDF.type, OWL.Ontology) in onto
    assert str(onto.value(URIRef("https://w3id.org/policykg"), OWL.versionInfo)) == "0.1.0"


def test_contract_has_terms():
    terms = contract_terms()
    assert {"Document", "Mention", "evidence", "count", "Township"} <= terms
    assert len(terms) >= 45


@pytest.mark.parametrize("name", sorted(contract_terms()))
def test_contract_term_defined(onto, name):
    term = URIRef(NS + name)
    assert (term, RDF.type, None) in onto, f"pk:{name} is not defined"
    assert name in PK


@pytest.mark.parametrize("name", sorted(defined_terms(ontology.ontology_graph())))
def test_term_documented_in_both_languages(onto, name):
    term = URIRef(NS + name)
    for prop in (RDFS.label, RDFS.comment):
        langs = {o.language for o in onto.objects(term, prop)}
        assert {"zh", "en"} <= langs, f"pk:{name} lacks an @zh or @en {prop}"
    assert (term, RDFS.isDefinedBy, URIRef("https://w3id.org/policykg")) in onto


def test_properties_have_domain_or_range_and_a_type(onto):
    for name in defined_terms(onto):
        term = URIRef(NS + name)
        types = set(onto.objects(term, RDF.type))
        assert types & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}, name
        if types & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            assert (term, RDFS.range, None) in onto or (term, RDFS.domain, None) in onto, name


def test_item_classes_are_skos_concepts_and_categories(onto):
    assert len(CATEGORIES) == 8
    for cls in CATEGORIES:
        assert (cls, RDFS.subClassOf, SKOS.Concept) in onto
        assert (cls, RDF.type, PK.Category) in onto


def test_levels_are_named_individuals(onto):
    for level in LEVELS:
        assert (level, RDF.type, OWL.NamedIndividual) in onto
        assert (level, RDF.type, PK.AdminLevel) in onto


def test_alignments(onto):
    schema = URIRef("http://schema.org/")
    assert (PK.Meeting, RDFS.subClassOf, URIRef(schema + "Event")) in onto
    assert (PK.AdministrativeDivision, RDFS.subClassOf, URIRef(schema + "AdministrativeArea")) in onto
    assert (PK.Locality, RDFS.subClassOf, PK.AdministrativeDivision) in onto
    assert (PK.partOf, RDFS.range, PK.AdministrativeDivision) in onto
    assert (PK.date, RDFS.subPropertyOf, URIRef(schema + "startDate")) in onto
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    assert (PK.start, RDFS.subPropertyOf, URIRef(nif + "beginIndex")) in onto
    assert (PK.end, RDFS.subPropertyOf, URIRef(nif + "endIndex")) in onto
    assert (PK.quote, RDFS.subPropertyOf, URIRef(nif + "anchorOf")) in onto


# --- namespace ↔ ontology ------------------------------------------------------------------


def test_namespace_matches_ontology_both_ways(onto):
    declared = set(PK.__annotations__)
    defined = defined_terms(onto)
    assert declared - defined == set(), "in PK but not defined in policykg.ttl"
    assert defined - declared == set(), "defined in policykg.ttl but missing from PK"
    assert pk_iris(onto) <= defined, "policykg.ttl uses pk: terms it does not define"


def test_shapes_use_only_defined_terms(shapes, onto):
    assert pk_iris(shapes) - defined_terms(onto) == set()


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        PK.Meetng
    with pytest.raises(AttributeError):
        PK["heldin"]
    assert "Meeting" in PK and "Meetng" not in PK


def test_count_is_a_term_not_str_count():
    assert isinstance(PK.count, URIRef)
    assert PK.count == URIRef(NS + "count")
    assert PK.title == URIRef(NS + "title")


def test_prefixes():
    assert list(PREFIXES)[:10] == ["pk", "pkd", "pkl", "pkm", "pks", "pkf", "pki", "pkp", "pkc", "pkn"]
    assert {"rdf", "rdfs", "xsd", "owl", "dcterms", "schema", "skos", "prov"} <= set(PREFIXES)
    assert PREFIXES["pkm"] == "https://w3id.org/policykg/id/meeting/"
    for prefix, ns in PREFIXES.items():
        if prefix.startswith("pk") and prefix != "pk":
            assert ns.startswith(BASE) and ns.endswith("/") and "/" not in ns[len(BASE):-1]
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    # ontology/prefixes.py writes the standard namespaces as strings: they must be rdflib's
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
    from policykg.ontology.namespace import SCHEMA
    standard = {"rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS, "schema": SCHEMA,
                "skos": SKOS, "prov": PROV}
    assert {p: PREFIXES[p] for p in standard} == {p: str(ns) for p, ns in standard.items()}


def test_jsonld_context_covers_every_term():
    context = json.loads(ontology.context_path().read_text(encoding="utf-8"))["@context"]
    for name in PK.__annotations__:
        entry = context[name]
        iri = entry if isinstance(entry, str) else entry["@id"]
        assert iri == f"pk:{name}"
    for prefix, ns in PREFIXES.items():
        assert context[prefix] == ns
    # No "@container": "@list": rdf:List nodes named by IRIs cannot be JSON-LD lists.
    assert "@container" not in context["itemList"]
    assert context["heldIn"]["@type"] == "@id"
    assert context["count"]["@type"] == "xsd:integer"


def test_ontology_imports_only_rdflib():
    for path in Path(ontology.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in {"__future__", "rdflib", "pyshacl", "dataclasses", "functools",
                               "pathlib", "typing"}, f"{path.name} imports {name}"


def test_no_work_at_import_time():
    code = ("import sys, policykg.ontology; "
            "assert 'pyshacl' not in sys.modules and 'rdflib' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- validation --------------------------------------------------------------------------

TEXT = ("3月1日，肥城市召开政法队伍教育整顿动员部署会议。市委书记刘旋出席会议并讲话。"
        "会议强调，要完成四项任务：筑牢政治忠诚、清除害群之马、整治顽瘴痼疾、弘扬英模精神。")
ITEMS = ("筑牢政治忠诚", "清除害群之马", "整治顽瘴痼疾", "弘扬英模精神")


def iri(prefix: str, key: str) -> URIRef:
    return URIRef(PREFIXES[prefix] + key)


class Builder:
    """A tiny hand-made policykg graph, built the way the graph writer does."""

    def __init__(self):
        self.g = Graph()
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.doc = iri("pkd", "test")
        self.g.add((self.doc, RDF.type, PK.Document))
        self.g.add((self.doc, PK.text, Literal(TEXT)))
        self.g.add((self.doc, DCTERMS.issued, Literal("2021-03-05", datatype=XSD_DATE)))
        self.mentions = 0

    def evidence(self, node: URIRef, quote: str, rule: str = "test.rule", start: int | None = None):
        start = TEXT.index(quote) if start is None else start
        self.mentions += 1
        m = iri("pkn", f"test-{self.mentions}")
        g = self.g
        g.add((m, RDF.type, PK.Mention))
        g.add((m, PK.inDocument, self.doc))
        g.add((m, PK.start, Literal(start)))
        g.add((m, PK.end, Literal(start + len(quote))))
        g.add((m, PK.quote, Literal(quote)))
        g.add((m, PK.rule, Literal(rule)))
        g.add((node, PK.evidence, m))
        return m

    def build(self, *, meeting_evidence=True, items=ITEMS, count=4, flag=None):
        g = self.g
        province, city, county = iri("pkl", "370000"), iri("pkl", "370900"), iri("pkl", "370983")
        for node, label, code, level, parent in (
            (province, "山东省", "370000", PK.Province, None),
            (city, "泰安市", "370900", PK.Prefecture, province),
        ):
            g.add((node, RDF.type, PK.AdministrativeDivision))
            g.add((node, RDFS.label, Literal(label, lang="zh")))
            g.add((node, PK.adminCode, Literal(code)))
            g.add((node, PK.adminLevel, level))
            if parent is not None:
                g.add((node, PK.partOf, parent))
        g.add((county, RDF.type, PK.Locality))
        g.add((county, RDFS.label, Literal("肥城市", lang="zh")))
        g.add((county, PK.adminCode, Literal("370983")))
        g.add((county, PK.adminLevel, PK.County))
        g.add((county, PK.partOf, city))
        self.evidence(county, "肥城市")

        meeting = iri("pkm", "370983-2021-03-01-zfdw")
        g.add((self.doc, PK.reports, meeting))
        g.add((self.doc, PK.mentions, meeting))
        g.add((meeting, RDF.type, PK.Meeting))
        g.add((meeting, RDFS.label, Literal("政法队伍教育整顿动员部署会议", lang="zh")))
        g.add((meeting, PK.nameAsWritten, Literal("肥城市政法队伍教育整顿动员部署会议")))
        g.add((meeting, PK.date, Literal("2021-03-01", datatype=XSD_DATE)))
        g.add((meeting, PK.heldIn, county))
        g.add((meeting, PK.level, PK.County))
        g.add((meeting, PK.kind, Literal("动员部署会")))
        if meeting_evidence:
            self.evidence(meeting, "肥城市召开政法队伍教育整顿动员部署会议")

        campaign = iri("pkc", "zfdwjyzd")
        g.add((campaign, RDF.type, PK.Campaign))
        g.add((campaign, RDFS.label, Literal("政法队伍教育整顿", lang="zh")))
        self.evidence(campaign, "政法队伍教育整顿")
        g.add((meeting, PK.campaign, campaign))

        person = iri("pkp", "370983-liuxuan")
        g.add((person, RDF.type, PK.Person))
        g.add((person, RDFS.label, Literal("刘旋", lang="zh")))
        g.add((person, PK.title, Literal("市委书记")))
        self.evidence(person, "刘旋")
        g.add((meeting, PK.participant, person))

        statement = iri("pks", "test-s1")
        g.add((statement, RDF.type, PK.Statement))
        g.add((statement, PK.verb, Literal("强调")))
        g.add((statement, PK.speaker, meeting))
        g.add((statement, PK.content, Literal("要完成四项任务")))
        g.add((meeting, PK.hasStatement, statement))
        self.evidence(statement, "会议强调，要完成四项任务")

        formulation = iri("pkf", "task-四项任务")
        self.formulation = formulation
        g.add((formulation, RDF.type, PK.Formulation))
        g.add((formulation, RDFS.label, Literal("四项任务", lang="zh")))
        g.add((formulation, PK.count, Literal(count)))
        g.add((formulation, PK.category, PK.Task))
        self.evidence(formulation, "四项任务")
        g.add((statement, PK.mentions, formulation))
        nodes = []
        for n, wording in enumerate(items):
            item = iri("pki", f"task-{n}")
            nodes.append(item)
            g.add((item, RDF.type, PK.Task))
            g.add((item, RDFS.label, Literal(wording, lang="zh")))
            self.evidence(item, wording)
            g.add((formulation, PK.item, item))
        head = iri("pkf", "task-四项任务-list")
        Collection(g, head, nodes)
        g.add((formulation, PK.itemList, head))
        if flag is not None:
            g.add((formulation, PK.countMismatch, Literal(flag)))
        self.meeting = meeting
        return g


def test_conforming_graph():
    result = validate(Builder().build())
    assert isinstance(result, ValidationResult)
    assert result.conforms, result.text
    assert result.text == "Conforms: 0 violations, 0 warnings."


def test_lexicon_item_needs_no_evidence():
    b = Builder()
    g = b.build()
    canonical = iri("pki", "commitment-政治意识")
    g.add((canonical, RDF.type, PK.Commitment))
    g.add((canonical, RDFS.label, Literal("政治意识", lang="zh")))
    g.add((b.formulation, PK.lexiconItem, canonical))
    assert validate(g).conforms


def test_meeting_without_evidence():
    b = Builder()
    result = validate(b.build(meeting_evidence=False))
    assert not result.conforms
    assert "pkm:370983-2021-03-01-zfdw" in result.text
    assert "pk:evidence" in result.text
    assert "sh:MinCountConstraintComponent (pksh:Meeting-evidence)" in result.text


def test_mention_start_after_end():
    b = Builder()
    g = b.build()
    bad = b.evidence(b.meeting, "会议", start=10)
    g.set((bad, PK.end, Literal(5)))
    result = validate(g)
    assert not result.conforms
    assert f"Violation on pkn:{str(bad).rsplit('/', 1)[1]}" in result.text
    assert "pksh:Mention-order" in result.text


def test_quote_must_match_text():
    b = Builder()
    g = b.build()
    bad = b.evidence(b.meeting, "会议", start=0)
    result = validate(g)
    assert not result.conforms
    assert "pksh:Mention-quoteMatches" in result.text
    assert str(bad).rsplit("/", 1)[1] in result.text


def test_unflagged_count_mismatch_fails():
    result = validate(Builder().build(count=3))
    assert not result.conforms
    assert "pkf:task-四项任务" in result.text
    assert "pksh:Formulation-countUnflagged" in result.text
    assert "lists 4 pk:item values but declares pk:count 3" in result.text


def test_flagged_count_mismatch_conforms_with_warning():
    result = validate(Builder().build(count=3, flag=True))
    assert result.conforms, result.text
    assert "1 warning" in result.text
    assert "Warning on pkf:task-四项任务" in result.text
    assert "pksh:Formulation-countWarning" in result.text


def test_flag_without_mismatch_fails():
    result = validate(Builder().build(flag=True))
    assert not result.conforms
    assert "pksh:Formulation-flagWithoutMismatch" in result.text


def test_formulation_without_items_is_fine():
    assert validate(Builder().build(items=())).conforms


def test_item_typed_with_category():
    b = Builder()
    g = b.build()
    g.remove((iri("pki", "task-0"), RDF.type, PK.Task))
    g.add((iri("pki", "task-0"), RDF.type, PK.Goal))
    result = validate(g)
    assert not result.conforms
    assert "pksh:Formulation-itemTyped" in result.text


def test_locality_shape_checks():
    b = Builder()
    g = b.build()
    county = iri("pkl", "370983")
    g.set((county, PK.adminCode, Literal("37098")))
    g.add((county, PK.adminLevel, PK.Province))
    result = validate(g)
    assert not result.conforms
    assert "pksh:Division-adminCode" in result.text
    assert "pksh:Division-adminLevel" in result.text


def test_statement_speaker_must_be_meeting_or_person():
    b = Builder()
    g = b.build()
    g.set((iri("pks", "test-s1"), PK.speaker, iri("pkl", "370983")))
    result = validate(g)
    assert not result.conforms
    assert "sh:OrConstraintComponent (pksh:Statement-speaker)" in result.text


def test_report_is_deterministic():
    g = Builder().build(meeting_evidence=False, count=3)
    first, second = validate(g).text, validate(g).text
    assert first == second
    assert first.startswith("Does not conform: 2 violations, 1 warning.")


def test_jsonld_context_round_trip():
    g = Builder().build()
    context = json.loads(ontology.context_path().read_text(encoding="utf-8"))
    data = g.serialize(format="json-ld", context=context["@context"])
    back = Graph().parse(data=data, format="json-ld")
    from rdflib.compare import isomorphic
    assert isomorphic(g, back)
    assert '"heldIn"' in data
