"""RDF formats and network exports: round trips, one named graph per document, stable bytes,
readers other than rdflib (pyoxigraph, rapper), and ``policykg export``."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from policykg.graph.io import load_graph
from policykg.graph.rdf_export import RdfFormat, document_graphs, jsonld_context, to_rdf, write_rdf

from conftest import ROOT, need_program, shared_path

CLI = [sys.executable, "-m", "policykg.cli"]
PK = "https://w3id.org/policykg#"
FORMATS = list(RdfFormat)


@pytest.fixture(scope="module")
def dev():
    shared_path("eval", "dev", "texts")
    from devgraph import dev_build
    return dev_build()


@pytest.fixture(scope="module")
def written(dev, tmp_path_factory):
    """Every format written from the KnowledgeGraph (named graphs exact) and from the merged graph file."""
    kg, _ = dev
    out = tmp_path_factory.mktemp("formats")
    merged = load_graph(dev[1] / "graph.ttl")
    files = {}
    for f in FORMATS:
        files[f, "kg"] = write_rdf(kg, out / f"kg{f.suffix}", f)
        files[f, "file"] = write_rdf(merged, out / f"file{f.suffix}", f)
    return files


def test_format_names_and_suffixes():
    assert [f.suffix for f in FORMATS] == [".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"]
    for alias, f in (("ttl", RdfFormat.TURTLE), ("n-triples", RdfFormat.NTRIPLES), ("JSON-LD", RdfFormat.JSONLD),
                     ("xml", RdfFormat.RDFXML), ("nq", RdfFormat.NQUADS), ("trig", RdfFormat.TRIG)):
        assert RdfFormat.parse(alias) is f
    assert RdfFormat.from_path("a/b.owl") is RdfFormat.RDFXML
    with pytest.raises(ValueError):
        RdfFormat.parse("n3")
    assert {f for f in FORMATS if f.named_graphs} == {RdfFormat.NQUADS, RdfFormat.TRIG}


@pytest.fixture(scope="module")
def canonical(dev):
    from rdflib.compare import to_isomorphic
    return to_isomorphic(dev[0].graph)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.value)
def test_round_trip_is_isomorphic(dev, written, canonical, fmt):
    from rdflib.compare import to_isomorphic
    kg, out = dev
    for origin in ("kg", "file"):
        back = load_graph(written[fmt, origin])
        assert len(back) == len(kg.graph), origin
        assert to_isomorphic(back) == canonical, origin  # rdflib.compare.isomorphic


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.value)
def test_a_file_read_back_is_written_with_the_same_bytes(written, fmt):
    """Blank nodes get stable labels, so a graph read from any format is written identically."""
    if fmt is RdfFormat.TURTLE:
        return
    again = to_rdf(load_graph(written[fmt, "kg"]), fmt)
    assert again == written[fmt, "file"].read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.value)
def test_pyoxigraph_reads_the_same_triples(dev, written, fmt):
    from policykg.graph.store import load_store
    store = load_store(written[fmt, "kg"])
    n = len(set((q.subject, q.predicate, q.object) for q in store))
    assert n == len(dev[0].graph)


def test_one_named_graph_per_document(dev, written):
    kg, _ = dev
    from policykg.graph.build import document_triples
    from policykg.graph.iris import document_iri
    expected = {str(document_iri(d.id)): Graph() for d in kg.documents}
    for d, x in zip(kg.documents, kg.extractions):
        for t in document_triples(d, x):
            expected[str(document_iri(d.id))].add(t)
    for fmt in (RdfFormat.TRIG, RdfFormat.NQUADS):
        ds = Dataset()
        ds.parse(written[fmt, "kg"], format=fmt.rdflib_name)
        named = {str(g.identifier): g for g in ds.graphs() if len(g)}
        assert set(named) == set(expected), fmt
        for name, g in named.items():
            assert isomorphic(g, expected[name]), (fmt, name)


def test_named_graphs_derived_from_a_merged_graph(dev, written):
    kg, out = dev
    merged = load_graph(out / "graph.ttl")
    graphs, default = document_graphs(merged)
    assert len(graphs) == len(kg.documents)
    union = Graph()
    for t in set(default).union(*graphs.values()):
        union.add(t)
    assert len(union) == len(merged) and isomorphic(union, merged)
    for d, triples in graphs.items():
        subjects = {s for s, _, _ in triples}
        assert d in subjects
        mentions = {s for s, p, o in triples if p == URIRef(PK + "inDocument")}
        assert mentions and all(o == d for s, p, o in triples if p == URIRef(PK + "inDocument"))
        assert (d, RDF.type, URIRef(PK + "Document")) in triples
    # the divisions above a named locality are the only triples no document gives evidence of
    assert all(str(s).startswith("https://w3id.org/policykg/id/locality/") for s, _, _ in default)


def test_named_graph_formats_keep_blank_node_lists_shared(dev, written):
    """A list of items in two documents is one list: blank-node labels are shared across graphs."""
    ds = Dataset()
    ds.parse(written[RdfFormat.TRIG, "kg"], format="trig")
    union = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    lists = {(s, o) for s, o in union.subject_objects(URIRef(PK + "itemList"))}
    assert len({s for s, _ in lists}) == len(lists)


def test_jsonld_uses_policykgs_context(written):
    doc = json.loads(written[RdfFormat.JSONLD, "kg"].read_text(encoding="utf-8"))
    assert doc["@context"] == jsonld_context()
    assert jsonld_context() == json.loads((ROOT / "ontology" / "context.jsonld").read_text())["@context"]
    meetings = [n for n in doc["@graph"] if n.get("@type") == "Meeting"]
    assert meetings and all(n["@id"].startswith("pkm:") for n in meetings)
    assert any("follows" in n for n in meetings) and any("heldIn" in n for n in meetings)
    assert any(isinstance(n.get("label"), dict) and n["label"]["@language"] == "zh" for n in meetings)
    formulations = [n for n in doc["@graph"] if n.get("@type") == "Formulation"]
    assert all(re.fullmatch(r"\d+", n["count"]) for n in formulations)


def test_bytes_are_the_same_under_any_hash_seed(written, tmp_path):
    code = ("import sys, hashlib; from policykg.graph.io import load_graph; "
            "from policykg.graph.rdf_export import RdfFormat, to_rdf; "
            "g = load_graph(sys.argv[1]); "
            "print(' '.join(hashlib.sha256(to_rdf(g, f).encode()).hexdigest()[:16] for f in RdfFormat))")
    src = str(written[RdfFormat.NTRIPLES, "file"])
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", code, src], capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        digests.add(r.stdout)
    assert len(digests) == 1
    here = " ".join(hashlib.sha256(to_rdf(load_graph(src), f).encode()).hexdigest()[:16] for f in RdfFormat)
    assert digests == {here + "\n"}


def test_ntriples_lines_are_sorted_and_canonical(written):
    lines = written[RdfFormat.NTRIPLES, "kg"].read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert all(line.endswith(" .") and "\t" not in line for line in lines)


@pytest.mark.parametrize("fmt, syntax", [(RdfFormat.TURTLE, "turtle"), (RdfFormat.NTRIPLES, "ntriples"),
                                          (RdfFormat.NQUADS, "nquads"), (RdfFormat.TRIG, "trig"),
                                          (RdfFormat.RDFXML, "rdfxml")], ids=lambda x: getattr(x, "value", x))
def test_rapper_accepts(dev, written, fmt, syntax):
    """rapper (Raptor) has no JSON-LD parser; riot checks JSON-LD (test_jena.py)."""
    rapper = need_program("rapper")
    r = subprocess.run([rapper, "-i", syntax, "-c", str(written[fmt, "kg"])], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    n = int(re.search(r"returned (\d+) (?:triples|statements)", r.stderr).group(1))
    if fmt.named_graphs:
        graphs, _ = document_graphs(dev[0])
        assert n == sum(len(t) for t in graphs.values())
    else:
        assert n == len(dev[0].graph)


# -- NetworkX ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def network(dev):
    from policykg.graph.nx_export import to_networkx
    return to_networkx(dev[0].graph)


def test_networkx_graph_has_labels_classes_and_predicates(dev, network):
    import networkx as nx
    assert isinstance(network, nx.MultiDiGraph)
    classes = {d["class"] for _, d in network.nodes(data=True)}
    assert {"Meeting", "Locality", "Formulation", "Statement", "Document", "Task"} <= classes
    assert "Mention" not in classes
    assert all(d["label"] for _, d in network.nodes(data=True))
    assert all(isinstance(v, str) for _, d in network.nodes(data=True) for v in d.values())
    follows = [(u, v) for u, v, k in network.edges(keys=True) if k == "pk:follows"]
    expected = set(dev[0].graph.subject_objects(URIRef(PK + "follows")))
    assert {(URIRef(u), URIRef(v)) for u, v in follows} == expected
    meeting = next(n for n, d in network.nodes(data=True) if d["class"] == "Meeting" and "date" in d)
    assert re.match(r"(\d{4}|-)-\d\d-\d\d", network.nodes[meeting]["date"])
    loc = next(d for _, d in network.nodes(data=True) if d["class"] == "Locality" and "adminLevel" in d)
    assert loc["adminLevel"] in {"Country", "Province", "Prefecture", "County", "Township"}


def test_network_files_read_back(dev, network, tmp_path):
    import networkx as nx
    env_out = tmp_path / "g"
    for fmt, suffix in (("graphml", ".graphml"), ("nodelink", ".json"), ("cytoscape", ".cyjs")):
        path = env_out.with_suffix(suffix)
        r = subprocess.run([*CLI, "export", str(dev[1]), "--format", fmt, "-o", str(path)], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        if fmt == "graphml":
            back = nx.read_graphml(path, force_multigraph=True)
            import xml.etree.ElementTree as ET
            keys = ET.parse(path).getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
            assert len({k.get("id") for k in keys}) == len(keys)
            assert all(k.get("attr.type") == "string" for k in keys)
        elif fmt == "nodelink":
            back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            assert all("id" in n["data"] and "name" in n["data"] for n in data["elements"]["nodes"])
            assert all({"source", "target", "interaction"} <= set(e["data"]) for e in data["elements"]["edges"])
            back = nx.cytoscape_graph(data)
        assert back.number_of_nodes() == network.number_of_nodes(), fmt
        assert back.number_of_edges() == network.number_of_edges(), fmt
        node = next(iter(network.nodes))
        assert back.nodes[node]["label"] == network.nodes[node]["label"], fmt
        assert back.nodes[node]["class"] == network.nodes[node]["class"], fmt


def test_network_export_is_deterministic(dev):
    from policykg.graph.nx_export import to_graphml
    merged = load_graph(dev[1] / "graph.ttl")
    assert to_graphml(merged) == to_graphml(dev[0].graph)


def test_provenance_option_keeps_mentions(dev):
    from policykg.graph.nx_export import to_networkx
    G = to_networkx(dev[0].graph, provenance=True)
    assert "Mention" in {d["class"] for _, d in G.nodes(data=True)}
    assert any(k == "pk:evidence" for *_, k in G.edges(keys=True))


# -- policykg export -----------------------------------------------------------------------

def test_export_command(dev, tmp_path):
    src = dev[1] / "graph.ttl"
    for fmt in (RdfFormat.NTRIPLES, RdfFormat.TRIG, RdfFormat.JSONLD):
        out = tmp_path / f"x{fmt.suffix}"
        r = subprocess.run([*CLI, "export", str(src), "-o", str(out)], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert out.read_text(encoding="utf-8") == to_rdf(load_graph(src), fmt)
    r = subprocess.run([*CLI, "export", str(tmp_path / "x.nt"), "--format", "trig", "-o", str(tmp_path / "y.out")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and isomorphic(load_graph(tmp_path / "y.out", "trig"), dev[0].graph)
    r = subprocess.run([*CLI, "export", str(src), "-o", str(tmp_path / "x.unknown")], capture_output=True, text=True)
    assert r.returncode == 2 and "--format" in r.stderr
    r = subprocess.run([*CLI, "export", str(tmp_path / "missing.ttl"), "-o", str(tmp_path / "m.nt")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "missing.ttl" in r.stderr
