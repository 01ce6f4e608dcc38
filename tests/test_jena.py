"""Cross-checks with Apache Jena: riot reads every format policykg writes, arq returns the rows of
every named query, and Jena's SHACL engine agrees with policykg's validator.

Jena's JVM is slow to start, so each check runs few Java processes (queries two at a time).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from policykg.graph.query import execute, prologue
from policykg.graph.query_library import list_queries, named_query
from policykg.graph.rdf_export import RdfFormat, document_graphs, write_rdf

from conftest import need_program, shared_path
from devgraph import json_rows

PK = "https://w3id.org/policykg#"


@pytest.fixture(scope="module")
def jena() -> list[str]:
    java = need_program("java")
    script = shared_path("tools", "jena-classpath")
    r = subprocess.run([str(script)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"Apache Jena is not installed (Debian package libapache-jena-java): {r.stderr.strip()}")
    # a quick-starting JVM: these runs are short, so the client compiler and serial GC win
    return [java, "-Xmx2g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", r.stdout.strip()]


@pytest.fixture(scope="module")
def dev():
    shared_path("eval", "dev", "texts")
    from devgraph import dev_build
    return dev_build()


def run(cmd, timeout=600):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


# -- riot ----------------------------------------------------------------------------------

def test_riot_reads_every_format(jena, dev, tmp_path):
    kg, _ = dev
    files = {f: write_rdf(kg, tmp_path / f"graph{f.suffix}", f) for f in RdfFormat}
    named = sum(len(t) for t in document_graphs(kg)[0].values())
    # JSON-LD through Jena's JSON-LD 1.0 reader: the 1.1 reader needs a JSON-P implementation
    # (Eclipse Parsson) that Debian 12 does not package.
    plain = [str(p) for f, p in files.items() if f is not RdfFormat.JSONLD]
    r = run([*jena, "riotcmd.riot", "--validate", "--strict", *plain])
    assert r.returncode == 0, r.stdout + r.stderr
    r = run([*jena, "riotcmd.riot", "--count", *plain])
    assert r.returncode == 0, r.stdout + r.stderr
    counts = dict(re.findall(r"file://\S*/(graph\.\w+) : (?:Triples|Quads) = ([\d,]+)", r.stdout + r.stderr))
    for f in files:
        if f is RdfFormat.JSONLD:
            continue
        want = named if f.named_graphs else len(kg.graph)
        assert int(counts[f"graph{f.suffix}"].replace(",", "")) == want, f
    r = run([*jena, "riotcmd.riot", "--syntax=jsonld10", "--count", str(files[RdfFormat.JSONLD])])
    assert r.returncode == 0, r.stdout + r.stderr
    assert int(re.search(r"Triples = ([\d,]+)", r.stdout + r.stderr).group(1).replace(",", "")) == len(kg.graph)


# -- arq -----------------------------------------------------------------------------------

def _cases():
    """One run per named query (JVM starts are slow): without parameters, which gives the most
    rows, and the meetings query once more with all its parameters bound."""
    return [(q.name, {}) for q in list_queries()] + [
        ("meetings", {"locality": "山东省", "from": "2021-03-01", "to": "2021-03-04"})]


def test_arq_returns_the_same_rows_for_every_named_query(jena, dev, tmp_path):
    kg, out = dev
    from policykg.graph.store import to_store
    store = to_store(kg.graph)
    cases = _cases()
    jobs = []
    for i, (name, params) in enumerate(cases):
        text = named_query(name).render(params)
        path = tmp_path / f"q{i}-{name}.rq"
        path.write_text(prologue() + text, encoding="utf-8")  # the report queries rely on predeclared prefixes
        jobs.append((name, params, text, path))

    def arq(job):
        return run([*jena, "arq.sparql", "--data", str(out / "graph.ttl"), "--query", str(job[3]),
                    "--results=JSON"])

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(arq, jobs))
    failures = []
    for (name, params, text, _), r in zip(jobs, answers):
        assert r.returncode == 0, f"{name} {params}: {r.stderr}"
        names, rows = json_rows(json.loads(r.stdout))
        mine = execute(store, text)
        if list(mine.variables) != names or mine.canonical() != rows:
            only_arq = sorted(set(rows) - set(mine.canonical()))[:3]
            only_mine = sorted(set(mine.canonical()) - set(rows))[:3]
            failures.append(f"{name} {params}: {len(rows)} rows from arq, {len(mine)} from policykg; "
                            f"arq only {only_arq}; policykg only {only_mine}")
    assert not failures, "\n".join(failures)
    assert len(jobs) >= len(list_queries())


# -- SHACL ---------------------------------------------------------------------------------

def _jena_shacl(jena, data, shapes) -> tuple[set, set]:
    r = run([*jena, "shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data)])
    assert r.returncode in (0, 1), r.stderr
    report = Graph().parse(data=r.stdout, format="turtle")
    return _results(report)


def _results(report: Graph) -> tuple[set, set]:
    SH = "http://www.w3.org/ns/shacl#"
    out = {"Violation": set(), "Warning": set()}
    for res in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        sev = str(report.value(res, URIRef(SH + "resultSeverity"))).rsplit("#", 1)[1]
        path = report.value(res, URIRef(SH + "resultPath"))
        key = (str(report.value(res, URIRef(SH + "focusNode"))), None if isinstance(path, BNode) else str(path),
               str(report.value(res, URIRef(SH + "sourceConstraintComponent"))))
        out.setdefault(sev, set()).add(key)
    return out["Violation"], out["Warning"]


@pytest.fixture(scope="module")
def seed_graph():
    import policykg
    seed = shared_path("eval", "dev", "texts", "seed.txt")
    return policykg.build([seed]).graph


def test_shacl_agrees_on_a_conforming_graph(jena, seed_graph, tmp_path):
    from policykg.ontology import shapes_path, validate
    data = write_rdf(seed_graph, tmp_path / "seed.ttl")
    ours = validate(seed_graph)
    violations, warnings = _jena_shacl(jena, data, shapes_path())
    assert ours.conforms  # extraction: the seed's graph conforms
    assert (violations, warnings) == _results(ours.graph)


def test_shacl_agrees_on_a_broken_graph(jena, seed_graph, tmp_path):
    from policykg.ontology import shapes_path, validate
    g = Graph()
    for t in seed_graph:
        g.add(t)
    meeting = next(g.subjects(RDF.type, URIRef(PK + "Meeting")))
    g.remove((meeting, RDFS.label, None))                                   # a meeting without a name
    g.remove((meeting, URIRef(PK + "evidence"), None))                      # … and without evidence
    mention = next(g.subjects(RDF.type, URIRef(PK + "Mention")))
    g.set((mention, URIRef(PK + "quote"), Literal("不是原文")))              # a quote the text does not have
    formulation = next(g.subjects(RDF.type, URIRef(PK + "Formulation")))
    g.set((formulation, URIRef(PK + "count"), Literal(9)))                  # a count the items contradict
    person = URIRef("https://w3id.org/policykg/id/person/x-broken")
    g.add((person, RDF.type, URIRef(PK + "Person")))                        # a person with nothing else
    data = write_rdf(g, tmp_path / "broken.ttl")
    ours = validate(g)
    violations, warnings = _jena_shacl(jena, data, shapes_path())
    assert not ours.conforms and violations
    assert (violations, warnings) == _results(ours.graph)
    assert any(f == str(meeting) for f, _, _ in violations)
    assert any(f == str(mention) for f, _, _ in violations)
    assert any(f == str(person) for f, _, _ in violations)
