"""Corpus builds: the merged graph, named graphs, incremental rebuilds, parallel workers, inputs.

The corpus path (workers → sorted N-Triples lines → streamed Turtle) must give the bytes the
rdflib path gives (``policykg.build(...).to_turtle()``), whatever the number of workers, and an
incremental rebuild must give the bytes of a clean one.
"""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policykg
from policykg.corpus import Corpus, build_corpus, graph_iri
from policykg.graph.merge import DeltaSorter, _Sorted, apply_delta, read_counted
from policykg.graph.nquads import document_lines, escape_string, nt_lines, triple_line, unescape_string
from policykg.graph.turtle import to_turtle
from policykg.graph.turtle_lines import BNodeIndex, turtle_from_lines

from conftest import FIXTURES, dev_texts

ARTICLE = (FIXTURES / "dev05.txt").read_text(encoding="utf-8")
OUTPUTS = ("graph.ttl", "graph.nq.gz", "report.json", ".policykg/counts.tsv", ".policykg/bnodes.tsv")


def cli() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


def variant(n: int) -> str:
    """The fixture article with one more sentence: a document of its own that shares most facts."""
    return ARTICLE.rstrip("\n") + f"\n\n会议要求，第{n}项工作要抓紧落实。\n"


def corpus_dir(root: Path, n: int = 6) -> Path:
    src = root / "articles"
    (src / "sub dir 子目录").mkdir(parents=True)
    shutil.copy(FIXTURES / "dev13.html", src / "dev13.html")
    shutil.copy(FIXTURES / "dev14.txt", src / "sub dir 子目录" / "报道 14.txt")
    for i in range(n):
        (src / ("sub dir 子目录" if i % 2 else ".") / f"v{i}.txt").write_text(variant(i), encoding="utf-8")
    return src


def store_triples(out: Path) -> set:
    import pyoxigraph as ox
    store = ox.Store.read_only(str(out / "store"))
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in store}


def same_outputs(a: Path, b: Path, names=OUTPUTS) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# -- the Turtle writer: the bytes of graph.turtle.to_turtle ---------------------------------------------

def test_turtle_from_lines_matches_to_turtle_on_every_dev_article():
    texts = dev_texts() or [FIXTURES / "dev05.txt", FIXTURES / "dev13.html", FIXTURES / "dev14.txt"]
    for path in texts:
        kg = policykg.build([path])
        assert turtle_from_lines(nt_lines(kg.graph)) == to_turtle(kg.graph), path
    kg = policykg.build(texts)
    assert turtle_from_lines(nt_lines(kg.graph)) == to_turtle(kg.graph)


_text = st.text(alphabet=st.sampled_from(list('ab"\\\n\r\t\x01\x7f会议 #\'é') + ["\u3000", "\ud7ff"]), max_size=6)
_iri = st.sampled_from(["https://w3id.org/policykg/id/item/task-1", "https://w3id.org/policykg/id/item/task-2",
                        "https://w3id.org/policykg#Meeting", "https://w3id.org/policykg/id/meeting/a/b",
                        "http://example.org/x.", "http://example.org/y-z", "https://w3id.org/policykg#count"])


@st.composite
def graphs(draw):
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, XSD
    g = Graph()
    subjects = [URIRef(i) for i in draw(st.lists(_iri, min_size=1, max_size=4))]
    preds = [RDF.type, URIRef("https://w3id.org/policykg#label"), URIRef("https://w3id.org/policykg#item"),
             URIRef("http://example.org/p"), URIRef("http://example.org/p2")]
    objects = st.one_of(
        _iri.map(URIRef),
        _text.map(Literal),
        _text.map(lambda t: Literal(t, lang="zh")),
        st.integers(-5, 5).map(Literal),
        st.booleans().map(Literal),
        _text.map(lambda t: Literal(t, datatype=XSD.token)),
        st.sampled_from(["2021-03-01", "x"]).map(lambda t: Literal(t, datatype=XSD.date)),
    )
    for s in subjects:
        for _ in range(draw(st.integers(1, 6))):
            g.add((s, draw(st.sampled_from(preds)), draw(objects)))
    # lists, well-formed or not, shared or not
    for k in range(draw(st.integers(0, 2))):
        head = BNode(f"L{k}")
        g.add((draw(st.sampled_from(subjects)), URIRef("https://w3id.org/policykg#itemList"), head))
        node = head
        items = draw(st.lists(_iri.map(URIRef), min_size=1, max_size=3))
        for i, item in enumerate(items):
            g.add((node, RDF.first, item))
            nxt = RDF.nil if i == len(items) - 1 else BNode(f"L{k}x{i + 1}")
            g.add((node, RDF.rest, nxt))
            node = nxt
        if draw(st.booleans()):
            g.add((draw(st.sampled_from(subjects)), URIRef("http://example.org/p"), head))
    return g


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_turtle_from_lines_matches_to_turtle_on_random_graphs(g):
    assert turtle_from_lines(nt_lines(g)) == to_turtle(g)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab-._/#9", min_size=0, max_size=5), min_size=8, max_size=30),
       st.sampled_from(["https://w3id.org/policykg/id/mention/", "https://w3id.org/policykg#",
                        "http://example.org/", "http://www.w3.org/2000/01/rdf-schema#"]))
def test_long_object_lists_in_one_namespace_are_written_like_to_turtle(locals_, ns):
    from rdflib import Graph, URIRef
    g = Graph()
    s = URIRef("https://w3id.org/policykg/id/locality/1")
    for local in locals_:
        g.add((s, URIRef("https://w3id.org/policykg#evidence"), URIRef(ns + local)))
    assert turtle_from_lines(nt_lines(g)) == to_turtle(g)


@given(st.text())
def test_string_escapes_round_trip(s):
    assert unescape_string(escape_string(s)) == s
    from policykg.graph.turtle import escape_string as turtle_escape
    assert escape_string(s) == turtle_escape(s)


# -- the sorted-file splice --------------------------------------------------------------------------------

MENTION = "https://w3id.org/policykg/id/mention/"     # written pkn:…, so lists mix prefixed names and IRIs


def _lines_of(doc: int, rng: random.Random) -> list[str]:
    shared = [f"<http://x/s{rng.randrange(40):03d}> <http://x/p> \"v{rng.randrange(3)}\" ." for _ in range(5)]
    own = [f"<http://x/d{doc:03d}-{i}> <http://x/q> <http://x/s{rng.randrange(40):03d}> ." for i in range(4)]
    # hubs: subjects whose lists of IRIs grow with the documents (edited in place when they change)
    hubs = [f"<http://x/hub{rng.randrange(3)}> <http://x/r> <{MENTION}{doc:03d}-{i}> ." for i in range(3)]
    hubs += [f"<http://x/hub{rng.randrange(3)}> <http://x/r> <http://x/d{doc:03d}-{rng.randrange(2)}> .",
             f"<http://x/hub0> <http://x/r> <http://x/common{rng.randrange(3)}> ."]   # asserted by several
    return sorted(set(shared + own + hubs))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sets(st.integers(0, 30), max_size=25), min_size=2, max_size=4), st.integers(0, 10**6))
def test_incremental_splice_equals_clean(tmp_path_factory, states, seed):
    """Each state is a set of documents; going from state to state by deltas gives the clean files."""
    rng = random.Random(seed)
    docs = {d: _lines_of(d, rng) for d in range(31)}
    tmp = tmp_path_factory.mktemp("splice")
    union = turtle = None
    current: set = set()
    triples = spliced = 0
    for k, wanted in enumerate(states):
        ds = DeltaSorter(tmp / f"runs{k}", limit=7)           # tiny: spills to disk
        for d in wanted - current:
            ds.add(docs[d], 1)
        for d in current - wanted:
            ds.add(docs[d], -1)
        new_u, new_t = tmp / f"u{k}", tmp / f"t{k}.ttl"
        sizes = _Sorted.WINDOW, _Sorted.CHUNK
        _Sorted.WINDOW, _Sorted.CHUNK = 64, 256                 # tiny: gallops and bisects
        try:
            stats = apply_delta(union, turtle, new_u, new_t, ds.groups(), BNodeIndex(), old_triples=triples)
        finally:
            _Sorted.WINDOW, _Sorted.CHUNK = sizes
        union, turtle, current = new_u, new_t, set(wanted)
        all_lines = sorted(line for d in current for line in docs[d])
        triples = stats["triples"]
        assert triples == len(set(all_lines))          # counted from the changes, not from the file
        spliced += stats["spliced"]
        clean = DeltaSorter(tmp / f"clean{k}")
        clean.add(all_lines, 1)
        apply_delta(None, None, tmp / f"cu{k}", tmp / f"ct{k}.ttl", clean.groups(), BNodeIndex())
        assert new_u.read_bytes() == (tmp / f"cu{k}").read_bytes()
        assert new_t.read_bytes() == (tmp / f"ct{k}.ttl").read_bytes()
        assert new_t.read_text() == turtle_from_lines(sorted(set(all_lines)))
        # the counts file holds the lines more than one document asserts; the others count one
        assert dict(read_counted(new_u)) == {line: all_lines.count(line) for line in set(all_lines)
                                             if all_lines.count(line) > 1}


def test_hub_blocks_are_edited_in_place_and_equal_a_clean_build(tmp_path):
    """A list of IRIs that keeps three or more is edited as text; one that falls below, or a
    literal, sends the block back through the formatter; both give the clean bytes."""
    rng = random.Random(7)
    docs = {d: _lines_of(d, rng) for d in range(12)}
    steps = [set(range(12)), set(range(12)) - {3}, set(range(12)) - {3, 5} | {3}, {0, 1}, {0, 1, 2, 4}]
    union = turtle = None
    current: set = set()
    triples = 0
    spliced = []
    for k, wanted in enumerate(steps):
        ds = DeltaSorter(tmp_path / f"runs{k}")
        for d in wanted - current:
            ds.add(docs[d], 1)
        for d in current - wanted:
            ds.add(docs[d], -1)
        new_u, new_t = tmp_path / f"u{k}", tmp_path / f"t{k}.ttl"
        changes: dict = {}
        stats = apply_delta(union, turtle, new_u, new_t, ds.groups(), BNodeIndex(), old_triples=triples,
                            changes=changes)
        before = {line for d in current for line in docs[d]}
        union, turtle, current, triples = new_u, new_t, set(wanted), stats["triples"]
        after = {line for d in current for line in docs[d]}
        assert new_t.read_text() == turtle_from_lines(sorted(after))
        if k:
            assert sorted(changes["added"]) == sorted(after - before)
            assert sorted(changes["removed"]) == sorted(before - after)
        spliced.append(stats["spliced"])
    assert spliced[0] == 0                  # a clean build formats everything
    assert spliced[1] >= 2 and spliced[2] >= 2    # hub0..2 keep long lists: edited in place


# -- the corpus path against the rdflib path --------------------------------------------------------------

def test_single_article_bytes_equal_the_python_api(tmp_path):
    for path in [FIXTURES / "dev05.txt", FIXTURES / "dev13.html"]:
        out = tmp_path / path.stem
        r = subprocess.run([*cli(), "build", str(path), "-o", str(out), "--no-html"], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert (out / "graph.ttl").read_text(encoding="utf-8") == policykg.build([path]).to_turtle()


def test_corpus_equals_the_python_api_and_merges_documents(tmp_path):
    src = corpus_dir(tmp_path)
    r = build_corpus([src], tmp_path / "out", jobs=1, html=False)
    assert r.failures == [] and r.built == 8 and r.documents == 8
    kg = policykg.build([src])
    assert (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8") == kg.to_turtle()
    assert r.triples == len(kg.graph)
    # the variants share their meetings, localities and formulations: merged, not repeated
    assert r.quads > r.triples
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [d["source"] for d in report["documents"]] == [d.source for d in kg.documents]


def test_named_graphs_hold_each_document_and_their_union_is_the_merged_graph(tmp_path):
    import pyoxigraph as ox
    src = corpus_dir(tmp_path)
    build_corpus([src], tmp_path / "out", jobs=1, html=False)
    out = tmp_path / "out"
    per_graph: dict = {}
    for q in ox.parse(gzip.decompress((out / "graph.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS):
        per_graph.setdefault(q.graph_name.value, set()).add(str(ox.Triple(q.subject, q.predicate, q.object)))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {d["graph"]: d["quads"] for d in manifest["documents"]} == {g: len(t) for g, t in per_graph.items()}
    assert [d["graph"] for d in manifest["documents"]] == [graph_iri(d["source"]) for d in manifest["documents"]]
    merged = {str(t) for t in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)}
    union = set().union(*per_graph.values())
    assert len(merged) == len(union) == manifest["triples"]
    # each document's own lines, as the worker made them
    doc = policykg.build([src / "dev13.html"]).documents[0]
    x = policykg.extract_document(doc)
    assert len(per_graph[graph_iri(str(src / "dev13.html"))]) == len(document_lines(doc, x))


def test_nquads_are_gzip_members_one_per_document_and_plain_on_request(tmp_path):
    src = corpus_dir(tmp_path, n=3)
    out = tmp_path / "out"
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "1", "--no-html", "--format", "nq"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    packed = (out / "graph.nq.gz").read_bytes()
    assert (out / "graph.nq").read_bytes() == gzip.decompress(packed)
    c = Corpus(out)
    docs = c.documents()
    assert sum(d["length"] for d in docs) == len(packed)
    for d in docs:      # each document's bytes are one gzip member: its named graph alone
        member = packed[d["offset"]:d["offset"] + d["length"]]
        assert gzip.decompress(member).decode("utf-8") == c.nquads_of(d)
        assert {line.rsplit(" ", 2)[1] for line in c.nquads_of(d).splitlines()} == {f"<{d['graph']}>"}
        assert len(c.nquads_of(d).splitlines()) == d["quads"]
    # built again without asking for it, the plain copy goes: it would no longer follow the corpus
    (src / "v0.txt").write_text(variant(99), encoding="utf-8")
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "1", "--no-html"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not (out / "graph.nq").exists()


def test_a_rebuild_with_nothing_changed_leaves_the_graph_files_alone(tmp_path):
    src = corpus_dir(tmp_path, n=3)
    out = tmp_path / "out"
    build_corpus([src], out, jobs=1, html=False)
    names = ("graph.ttl", "graph.nq.gz", ".policykg/counts.tsv", ".policykg/bnodes.tsv")
    stamps = {n: (out / n).stat().st_mtime_ns for n in names}
    shutil.rmtree(out / "store")                    # a store to load again, from the graph as it is
    r = build_corpus([src], out, jobs=1, html=False)
    assert (r.built, r.removed, r.skipped) == (0, 0, 5)
    assert {n: (out / n).stat().st_mtime_ns for n in names} == stamps      # not rewritten
    build_corpus([src], tmp_path / "clean", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(Corpus(out).query(q)))["n"].value) == r.triples
    # the same documents in another order: graph.nq.gz follows the input order, so it is written again
    files = sorted(src.rglob("*.*"))
    r = build_corpus(files[::-1], out, jobs=1, html=False)
    assert (r.built, r.removed) == (0, 0)
    build_corpus(files[::-1], tmp_path / "clean2", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean2")
    assert (out / "graph.nq.gz").read_bytes() != (tmp_path / "clean" / "graph.nq.gz").read_bytes()


def test_the_code_behind_what_a_build_keeps_of_each_document_is_fingerprinted():
    """An incremental build keeps unchanged documents' lines and report.json rows: a change to the code
    that makes them must start a clean build, so the fingerprint reads every file that holds it."""
    import inspect

    from policykg.api import document_report, extract_document
    from policykg.corpus import fingerprint_files
    from policykg.extract.pipeline import extract
    from policykg.graph.build import document_ntriples
    from policykg.inputs import make_document
    files = {f.resolve() for f in fingerprint_files()}
    for fn in (document_report, extract_document, extract, document_ntriples, document_lines, make_document):
        assert Path(inspect.getsourcefile(fn)).resolve() in files, fn.__qualname__


def test_unchanged_documents_keep_their_report_rows_unless_report_json_was_edited(tmp_path, monkeypatch):
    import policykg.api as api
    src = corpus_dir(tmp_path, n=4)
    out = tmp_path / "out"
    build_corpus([src], out, jobs=1, html=False)
    encoded = []
    real = api.report_row
    monkeypatch.setattr(api, "report_row", lambda item: encoded.append(item) or real(item))
    (src / "v2.txt").write_text(variant(2) + "\n会议强调，要压实责任。\n", encoding="utf-8")
    assert build_corpus([src], out, jobs=1, html=False).built == 1
    assert [r["source"] for r in encoded] == [str(src / "v2.txt")]     # the other rows were copied
    build_corpus([src], tmp_path / "clean", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean")
    # an edited report.json is not a source of rows: every row is encoded again
    text = (out / "report.json").read_text(encoding="utf-8")
    (out / "report.json").write_text(text.replace('"meetings": ', '"meetings": 1', 1), encoding="utf-8")
    (src / "v2.txt").write_text(variant(2), encoding="utf-8")
    encoded.clear()
    build_corpus([src], out, jobs=1, html=False)
    assert len(encoded) == 6
    build_corpus([src], tmp_path / "clean2", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean2")


def test_the_terms_graph_build_writes_are_terms_of_their_namespaces():
    """graph.build makes its tokens by name without rdflib: every name it uses is checked here
    against the closed namespaces (a typo would otherwise write an IRI nobody defined)."""
    import re as _re
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
    from policykg.graph import build
    from policykg.ontology.namespace import PK, SCHEMA
    source = Path(build.__file__).read_text(encoding="utf-8")
    closed = {"pk": PK, "rdf": RDF, "rdfs": RDFS, "dcterms": DCTERMS, "xsd": XSD}
    used = {(ns, name) for ns, name in _re.findall(r"\b(pk|rdf|rdfs|dcterms|xsd|schema)\.([A-Za-z]\w*)", source)}
    used |= {("pk", level) for level in build.LEVEL} | {("pk", c) for c in build.CATEGORY}
    assert len(used) > 40
    for ns, name in sorted(used):
        if ns == "schema":
            assert name in ("latitude", "longitude"), name
            iri = str(SCHEMA) + name
        else:
            iri = str(getattr(closed[ns], name))     # raises on a name the namespace does not define
        assert getattr(getattr(build, ns), name) == f"<{iri}>"


def test_the_merging_process_does_not_load_rdflib():
    """The corpus path writes strings: its start-up, and a worker's, do without rdflib (a fifth of a second)."""
    code = ("import sys, policykg.cli, policykg.commands.build, policykg.corpus, policykg.graph.merge\n"
            "policykg.corpus.code_fingerprint()\n"
            "policykg.corpus._warm_up(None)\n"       # a worker's first article: extraction, lines, gzip
            "print('rdflib' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_store_answers_like_rdflib(tmp_path):
    src = corpus_dir(tmp_path)
    build_corpus([src], tmp_path / "out", jobs=1, html=False)
    q = "SELECT ?m ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label } ORDER BY ?m ?label"
    local = [(r["m"].value, r["label"].value) for r in Corpus(tmp_path / "out").query(q)]
    expected = [(str(r.m), str(r.label)) for r in policykg.build([src]).query(q)]
    assert local == expected and local


def _garble_behind_the_manifest(path: Path) -> None:
    """Overwrite a file with bytes of the same size that no RDF parser reads, keeping its time stamp."""
    st = path.stat()
    path.write_bytes(b"@" * st.st_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_query_serve_and_report_read_a_corpus_from_its_store_not_its_turtle(tmp_path):
    """A build directory with a current store is queried there: loading graph.ttl instead costs minutes
    and over 10 GB at 100,000 articles. graph.ttl garbled behind the manifest's back proves which is read."""
    from policykg.corpus import corpus_store, corpus_store_path
    from policykg.graph.server import SparqlServer
    out = tmp_path / "out"
    build_corpus([corpus_dir(tmp_path)], out, jobs=1, html=False)
    q = "SELECT ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label } ORDER BY ?label"
    want = subprocess.run([sys.executable, "-m", "policykg.cli", "query", str(out), q, "--format", "csv"],
                          capture_output=True, text=True, timeout=120)
    assert want.returncode == 0 and want.stdout.count("\n") > 3, want.stderr
    _garble_behind_the_manifest(out / "graph.ttl")
    assert corpus_store(out) is not None and corpus_store_path(out) == out / "store"
    got = subprocess.run([sys.executable, "-m", "policykg.cli", "query", str(out), q, "--format", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr
    server = SparqlServer(out, port=0, workers=1, store=str(corpus_store_path(out)))
    try:
        status, payload = server.run_query(q, "csv", "turtle")
    finally:
        server.close()
    labels = want.stdout.splitlines()[1:]
    assert status == "ok" and all(label in str(payload) for label in labels), (status, payload)
    rep = subprocess.run([sys.executable, "-m", "policykg.cli", "report", str(out), "-o", str(tmp_path / "r.html")],
                         capture_output=True, text=True, timeout=300)
    assert rep.returncode == 0 and any(label in (tmp_path / "r.html").read_text(encoding="utf-8")
                                       for label in labels), rep.stderr
    # without a current store (a build that did not finish with it), graph.ttl is what is read
    (out / ".policykg" / "store.dirty").touch()
    assert corpus_store(out) is None
    bad = subprocess.run([sys.executable, "-m", "policykg.cli", "query", str(out), q],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "graph.ttl" in bad.stderr


def test_partitions_are_cut_by_lines_so_shared_subjects_do_not_crowd_one(tmp_path):
    """Subjects that every document repeats (a campaign's formulations and items) sort together: ranges
    cut at quantiles of distinct subjects gave one of them most of the lines. Cut by lines, none holds
    much more than its share."""
    from policykg.graph.merge import Partitions, read_partition
    heavy = [f'<h:{i:02d}> <a:p> "{k}" .' for i in range(50) for k in range(40)]     # 2,000 lines, 50 subjects
    light = [f'<l:{i:04d}> <a:p> "x" .' for i in range(1000)]                        # 1,000 lines, 1,000 subjects
    lines = sorted(heavy + light)
    p = Partitions(tmp_path / "parts", parts=10, sample=len(lines))
    p.add(lines)
    sizes = [len(read_partition(f)) for f in p.close()]
    assert sum(sizes) == len(lines)
    assert max(sizes) <= 2 * len(lines) / 10, sizes


def test_jobs_2_gives_the_bytes_of_jobs_1(tmp_path):
    src = corpus_dir(tmp_path, n=12)
    one = build_corpus([src], tmp_path / "one", jobs=1, html=False)
    two = build_corpus([src], tmp_path / "two", jobs=2, html=False)
    assert one.built == two.built == 14
    same_outputs(tmp_path / "one", tmp_path / "two")


# -- incremental builds ------------------------------------------------------------------------------------

@pytest.fixture(params=["splice", "partitions"])
def rebuild_mode(request, monkeypatch):
    """Incremental builds either splice the changes into the old files, or (when much changed)
    rewrite everything in key ranges formatted in parallel; both must give the clean bytes."""
    from policykg.corpus import _Build
    if request.param == "splice":
        monkeypatch.setattr(_Build, "FULL_REBUILD", 10.0)
    else:
        monkeypatch.setattr(_Build, "FULL_REBUILD", 0.0)
        monkeypatch.setattr(_Build, "PARTITIONS", 5)
        monkeypatch.setattr(_Build, "PARTITION_SAMPLE", 300)
    return request.param


def test_many_partitions_give_the_bytes_of_one(tmp_path, monkeypatch):
    from policykg.corpus import _Build
    src = corpus_dir(tmp_path, n=10)
    build_corpus([src], tmp_path / "one", jobs=1, html=False)
    monkeypatch.setattr(_Build, "PARTITIONS", 7)
    monkeypatch.setattr(_Build, "PARTITION_SAMPLE", 200)
    build_corpus([src], tmp_path / "many", jobs=2, html=False)
    same_outputs(tmp_path / "one", tmp_path / "many")
    assert len(list((tmp_path / "one").glob(".policykg/tmp"))) == 0
    # once the ranges are chosen, the worker function routes the lines itself
    import policykg.corpus as corpus
    routed = []
    real = corpus.build_batch
    monkeypatch.setattr(corpus, "build_batch", lambda units, published=None, bounds=None:
                        routed.append(bounds is not None) or real(units, published, bounds))
    build_corpus([src], tmp_path / "serial", jobs=1, html=False)
    assert True in routed and False in routed
    same_outputs(tmp_path / "one", tmp_path / "serial")
    assert store_triples(tmp_path / "serial") == store_triples(tmp_path / "one")


def test_incremental_rebuild_equals_a_clean_build(tmp_path, rebuild_mode):
    src = corpus_dir(tmp_path, n=10)
    out = tmp_path / "out"
    first = build_corpus([src], out, jobs=2, html=False)
    assert first.clean and first.built == 12
    again = build_corpus([src], out, jobs=2, html=False)
    assert (again.clean, again.built, again.skipped, again.removed) == (False, 0, 12, 0)

    (src / "v2.txt").write_text(variant(2) + "\n会议强调，要压实责任。\n", encoding="utf-8")   # changed
    (src / "sub dir 子目录" / "v3.txt").unlink()                                             # gone
    (src / "dev13.html").unlink()                                                          # gone (lists!)
    (src / "new.txt").write_text(variant(99), encoding="utf-8")                            # new
    inc = build_corpus([src], out, jobs=2, html=False)
    assert (inc.clean, inc.built, inc.removed) == (False, 2, 3)
    clean = build_corpus([src], tmp_path / "clean", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean")
    assert (out / "graph.ttl").read_text(encoding="utf-8") == policykg.build([src]).to_turtle()
    # and the store follows: the same triples as the store of the clean build
    assert store_triples(out) == store_triples(tmp_path / "clean")
    assert len(store_triples(out)) == clean.triples

    # back to the first state: the removed documents come back
    (src / "new.txt").unlink()
    shutil.copy(FIXTURES / "dev13.html", src / "dev13.html")
    (src / "sub dir 子目录" / "v3.txt").write_text(variant(3), encoding="utf-8")
    (src / "v2.txt").write_text(variant(2), encoding="utf-8")
    build_corpus([src], out, jobs=1, html=False)
    build_corpus([src], tmp_path / "clean2", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean2")

@pytest.mark.parametrize("jobs", [1, 2])
def test_a_moved_corpus_is_rewritten_in_partitions_without_reading_what_left(tmp_path, monkeypatch, jobs):
    """Every source changes when the corpus moves: the build goes over to partitions as soon as
    a quarter of the documents has changed, and reads nothing back of the documents that left."""
    from policykg.corpus import _Build
    from policykg.graph import merge
    src = corpus_dir(tmp_path, n=10)
    out = tmp_path / "out"
    build_corpus([src], out, jobs=jobs, html=False)
    moved = src.rename(tmp_path / "moved")
    sorted_lines, read_back = [], []
    real_add, real_blocks = merge.DeltaSorter.add, _Build._blocks_of
    monkeypatch.setattr(merge.DeltaSorter, "add", lambda self, lines, sign: sorted_lines.append(sign)
                        or real_add(self, lines, sign))
    monkeypatch.setattr(_Build, "_blocks_of", staticmethod(lambda path, ranges: read_back.append(Path(path).name)
                                                           or real_blocks(path, ranges)))
    r = build_corpus([moved], out, jobs=jobs, html=False)
    assert (r.clean, r.built, r.removed) == (False, 12, 12)
    assert len(sorted_lines) <= 12 * _Build.FULL_REBUILD and -1 not in sorted_lines
    assert "graph.nq.gz" not in read_back            # the old N-Quads are not read at all
    build_corpus([moved], tmp_path / "clean", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean")
    assert store_triples(out) == store_triples(tmp_path / "clean")



def test_a_changed_published_default_or_damaged_state_starts_clean(tmp_path):
    src = corpus_dir(tmp_path, n=2)
    out = tmp_path / "out"
    build_corpus([src], out, jobs=1, html=False)
    assert build_corpus([src], out, jobs=1, html=False, published="2021-03-05").clean
    (out / "graph.nq.gz").write_bytes((out / "graph.nq.gz").read_bytes()[:-10])   # not what the manifest says
    r = build_corpus([src], out, jobs=1, html=False, published="2021-03-05")
    assert r.clean and r.built == 4


def test_killed_build_leaves_the_previous_outputs_whole(tmp_path):
    """SIGKILL at several points of a build: the previous outputs stay loadable, the next build recovers."""
    import pyoxigraph as ox
    src = corpus_dir(tmp_path, n=40)
    out = tmp_path / "out"
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "2", "--no-html"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    before = {n: (out / n).read_bytes() for n in ("graph.ttl", "graph.nq.gz", "manifest.json")}
    for n in range(40):
        (src / ("sub dir 子目录" if n % 2 else ".") / f"v{n}.txt").write_text(variant(n + 100), encoding="utf-8")
    for delay in (0.3, 1.0, 2.0):
        p = subprocess.Popen([*cli(), "build", str(src), "-o", str(out), "--jobs", "2", "--no-html"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        assert sum(1 for _ in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)) > 0
        nquads = gzip.decompress((out / "graph.nq.gz").read_bytes())
        assert sum(1 for _ in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)) > 0
        if (out / "graph.ttl").read_bytes() == before["graph.ttl"]:
            assert (out / "manifest.json").read_bytes() == before["manifest.json"]
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "2", "--no-html"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    build_corpus([src], tmp_path / "clean", jobs=1, html=False)
    same_outputs(out, tmp_path / "clean")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(Corpus(out).query(q)))["n"].value) == json.loads(
        (out / "manifest.json").read_text())["triples"]


# -- inputs ----------------------------------------------------------------------------------------------

def test_jsonl_records_globs_and_standard_input(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join([
        json.dumps({"id": "a", "text": variant(1), "published": "2021-07-07", "url": "https://example.org/a"},
                   ensure_ascii=False),
        json.dumps({"id": "b", "html": (FIXTURES / "dev13.html").read_text(encoding="utf-8"), "title": "标题"},
                   ensure_ascii=False),
        "",
        json.dumps({"text": variant(2)}, ensure_ascii=False),
        '{"text": 3}',
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([*cli(), "build", str(corpus), "-", str(FIXTURES / "dev1*.*"), "-o", str(out), "--no-html",
                        "--jobs", "1"], input=variant(3), capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    sources = [d["source"] for d in report["documents"]]
    assert sources == [f"{corpus}#a", f"{corpus}#b", f"{corpus}:4", "<stdin>",
                       str(FIXTURES / "dev13.html"), str(FIXTURES / "dev14.txt")]
    by_source = {d["source"]: d for d in report["documents"]}
    assert by_source[f"{corpus}#a"]["published"] == "2021-07-07"
    assert by_source[f"{corpus}#b"]["title"] == "标题"
    (e,) = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert e["source"] == f"{corpus}:5" and "'text' is a JSON int" in e["error"]
    # the same through the Python API
    kg = policykg.build([corpus])
    assert [d.source for d in kg.documents] == sources[:3]
    assert [f.source for f in kg.failures] == [f"{corpus}:5"]


def test_jsonl_on_standard_input(tmp_path):
    lines = "".join(json.dumps({"id": str(i), "text": variant(i)}, ensure_ascii=False) + "\n" for i in range(3))
    r = subprocess.run([*cli(), "build", "-", "-o", str(tmp_path / "out"), "--no-html", "--jobs", "1"],
                       input=lines, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    docs = Corpus(tmp_path / "out").documents()
    assert [d["source"] for d in docs] == ["<stdin>#0", "<stdin>#1", "<stdin>#2"]


def test_usage_errors(tmp_path):
    (tmp_path / "a.txt").write_text(variant(1), encoding="utf-8")
    for args in (["--jobs", "0"], ["--scheduler", "tcp://a:1", "--dask", "local"], ["-", "-"]):
        r = subprocess.run([*cli(), "build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *args],
                           capture_output=True, text=True, timeout=120, input="")
        assert r.returncode == 2, (args, r.stderr)
        assert not (tmp_path / "out" / "graph.ttl").exists()


def test_a_second_build_into_the_same_directory_is_refused_while_one_runs(tmp_path):
    (tmp_path / "a.txt").write_text(variant(1), encoding="utf-8")
    out = tmp_path / "out"
    (out / ".policykg").mkdir(parents=True)
    with open(out / ".policykg" / "lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = subprocess.run([*cli(), "build", str(tmp_path / "a.txt"), "-o", str(out), "--no-html"],
                           capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "another build" in r.stderr
    assert not (out / "graph.ttl").exists()


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    src = corpus_dir(tmp_path, n=2)
    quiet = subprocess.run([*cli(), "build", str(src), "-o", str(tmp_path / "a"), "--no-html", "--jobs", "1"],
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0
    assert quiet.stderr.count("\n") == 1 and "built 4 document(s)" in quiet.stderr
    shown = subprocess.run([*cli(), "build", str(src), "-o", str(tmp_path / "b"), "--no-html", "--jobs", "1",
                            "--progress"], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0
    assert "docs/s" in shown.stderr and "4/4" in shown.stderr
    assert "merging" in shown.stderr and "writing the graph" in shown.stderr and "1/1" in shown.stderr
    # an incremental build shows its merge; the quiet one still prints its summary line only
    (src / "v0.txt").write_text(variant(0) + "\n会议强调，要压实责任。\n", encoding="utf-8")
    again = subprocess.run([*cli(), "build", str(src), "-o", str(tmp_path / "b"), "--no-html", "--jobs", "1",
                            "--progress"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "merging" in again.stderr and "built 1 document(s)" in again.stderr
    quiet = subprocess.run([*cli(), "build", str(src), "-o", str(tmp_path / "a"), "--no-html", "--jobs", "1"],
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr.count("\n") == 1


def test_html_is_written_for_a_small_corpus(tmp_path):
    pytest.importorskip("pyvis")
    out = tmp_path / "out"
    build_corpus([FIXTURES / "dev05.txt"], out, jobs=1)
    if not (out / "graph.html").exists():
        pytest.skip("graph.html_view is not part of this checkout")
    assert "<html" in (out / "graph.html").read_text(encoding="utf-8")[:500].lower()


@pytest.mark.parametrize("name", ["policykg.corpus", "policykg.inputs", "policykg.push", "policykg.api",
                                  "policykg.graph.nquads", "policykg.graph.turtle_lines", "policykg.graph.merge",
                                  "policykg.graph.gsp", "policykg.ontology.prefixes"])
def test_doctests(name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
