"""The first whole slice: an article in, a valid, deterministic Turtle graph out."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

import policykg
from policykg.extract.document import Document
from policykg.extract.pipeline import extract

from conftest import DEV_TEXTS, FIXTURES, ROOT, SHARED, dev_texts, need_program, shared_path

PK = "https://w3id.org/policykg#"
CLI = [sys.executable, "-m", "policykg.cli"]


def build_cli(inputs, out, *extra, env=None):
    return subprocess.run([*CLI, "build", *map(str, inputs), "-o", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    seed = shared_path("eval", "dev", "texts", "seed.txt")
    out = tmp_path_factory.mktemp("seed")
    r = build_cli([seed], out)
    assert r.returncode == 0, r.stderr
    return out


def test_seed_graph_parses_with_rdflib_and_rapper(seed_out):
    g = rdflib.Graph().parse(seed_out / "graph.ttl", format="turtle")
    assert len(g) > 500
    rapper = need_program("rapper")
    r = subprocess.run([rapper, "-i", "turtle", "-c", str(seed_out / "graph.ttl")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"returned {len(g)} triples" in r.stderr


def test_seed_graph_conforms(seed_out):
    r = subprocess.run([*CLI, "validate", str(seed_out / "graph.ttl")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Conforms" in r.stdout


def test_a_defect_is_reported_with_node_and_constraint(seed_out, tmp_path):
    g = rdflib.Graph().parse(seed_out / "graph.ttl", format="turtle")
    meeting = next(g.subjects(rdflib.RDF.type, rdflib.URIRef(PK + "Meeting")))
    g.remove((meeting, rdflib.URIRef(PK + "evidence"), None))
    bad = tmp_path / "bad.ttl"
    g.serialize(bad, format="turtle")
    r = subprocess.run([*CLI, "validate", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1
    local = str(meeting).rsplit("/", 1)[1]
    assert local in r.stdout and "pk:evidence" in r.stdout and "MinCount" in r.stdout


def test_builds_are_byte_identical_under_any_hash_seed(tmp_path):
    seed = shared_path("eval", "dev", "texts", "seed.txt")
    outs = []
    for i, seed_value in enumerate(["0", "1", "random"]):
        env = dict(os.environ, PYTHONHASHSEED=seed_value)
        out = tmp_path / f"o{i}"
        assert build_cli([seed], out, "--no-html", env=env).returncode == 0
        outs.append((out / "graph.ttl").read_bytes())
    assert outs[0] == outs[1] == outs[2]


@pytest.mark.parametrize("path", dev_texts(), ids=lambda p: p.name)
def test_every_mention_quotes_its_document(path):
    g = policykg.build([path]).graph
    rows = g.query("""PREFIX pk: <https://w3id.org/policykg#>
        SELECT ?s ?e ?q ?t WHERE { ?m a pk:Mention ; pk:start ?s ; pk:end ?e ; pk:quote ?q ; pk:inDocument ?d .
                                   ?d pk:text ?t }""")
    n = 0
    for s, e, q, t in rows:
        assert str(t)[int(s):int(e)] == str(q)
        n += 1
    assert n > 10


def _facts(doc):
    x = extract(doc)
    return (sorted({l.key for l in x.localities}),
            sorted((m.key, m.role) for m in x.meetings),
            sorted((f.label, f.count, f.category, tuple(i.label for i in f.items)) for f in x.formulations),
            sorted(p.name for p in x.persons),
            [(s.verb, bool(s.speaker_meeting)) for s in x.statements])


def test_gb18030_article_gives_the_same_facts_as_its_utf8_copy(tmp_path):
    src = FIXTURES / "dev14.txt"
    raw = src.read_bytes()
    utf8 = tmp_path / "dev14-utf8.txt"
    utf8.write_text(raw.decode("gb18030"), encoding="utf-8")
    a, b = Document.from_path(src), Document.from_path(utf8)
    assert a.encoding == "gb18030" and b.encoding == "utf-8"
    assert a.title == b.title and a.published == b.published == "2021-04-02T10:15"
    assert "阅读原文" not in a.text and "沪ICP备" not in a.text
    assert _facts(a) == _facts(b)
    assert len(_facts(a)[1]) >= 3


def test_html_article_gives_the_same_facts_as_its_plain_text(tmp_path):
    page = Document.from_path(FIXTURES / "dev13.html")
    assert page.title == "旌德县召开2021年林长制工作会议" and page.published == "2021-03-12T09:30"
    assert page.publisher == "县林业局"
    plain = Document.from_text(page.text)
    assert _facts(page) == _facts(plain)
    assert "绩溪县" not in page.text and "相关文章" not in page.text


def test_published_option_supplies_the_year(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("岷县召开乡村振兴工作会议\n\n3月16日，岷县召开全县乡村振兴工作会议。", encoding="utf-8")
    r = build_cli([src], tmp_path / "o", "--no-html", "--published", "2021-03-17")
    assert r.returncode == 0, r.stderr
    g = rdflib.Graph().parse(tmp_path / "o" / "graph.ttl")
    dates = {str(o) for o in g.objects(None, rdflib.URIRef(PK + "date"))}
    assert dates == {"2021-03-16"}
    assert build_cli([src], tmp_path / "o2", "--published", "yesterday").returncode == 2


def test_python_api_round_trip(tmp_path):
    kg = policykg.build([FIXTURES / "dev05.txt"])
    written = kg.write(tmp_path, html=False)
    g = rdflib.Graph().parse(written["turtle"], format="turtle")
    assert isomorphic(g, kg.graph)
    assert (tmp_path / "graph.ttl").read_text(encoding="utf-8") == kg.to_turtle()
    rows = list(kg.query("SELECT ?n WHERE { ?l a pk:Locality ; rdfs:label ?n }"))
    assert {str(r.n) for r in rows} >= {"岳阳市", "湖南省"}


def test_every_command_has_help_with_an_example():
    from policykg.cli import parser
    ap = parser()
    sub = next(a for a in ap._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"build", "validate", "explain"} <= set(sub.choices)
    for name, p in sub.choices.items():
        text = p.format_help()
        assert "example" in text.lower() and f"policykg {name}" in text, name


def test_scorer_runs_to_the_end_on_every_dev_article():
    score = shared_path("eval", "score.py")
    cmd = f"{sys.executable} -m policykg.cli build {{input}} -o {{out}}"
    r = subprocess.run([sys.executable, str(score), "--json", "--cmd", cmd], capture_output=True, text=True,
                       cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["failures"] == {}
    assert result["documents"] == len(list((SHARED / "eval" / "dev" / "gold").glob("*.json")))
    assert result["categories"]["provenance"]["f1"] == 1.0


def test_wheel_maps_the_top_level_folders_into_one_namespace(tmp_path):
    import zipfile
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("policykg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("policykg/cli.py", "policykg/extract/pipeline.py", "policykg/extract/rules/verbs.tsv",
                 "policykg/extract/data/gazetteer.tsv.gz", "policykg/graph/build.py",
                 "policykg/ontology/policykg.ttl", "policykg/ontology/shapes.ttl"):
        assert must in names, must
    assert not any(n.startswith(("extract/", "graph/", "ontology/")) for n in names)
    # every module and data file of the four folders (a subpackage left out of the list breaks the CLI)
    shipped = {"policykg": "policykg", "extract": "policykg/extract", "graph": "policykg/graph",
               "ontology": "policykg/ontology"}
    for folder, target in shipped.items():
        for f in (ROOT / folder).rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".so"):
                assert f"{target}/{f.relative_to(ROOT / folder).as_posix()}" in names, f


def test_build_writes_the_other_rdf_formats_on_request(tmp_path):
    r = build_cli([FIXTURES / "dev05.txt"], tmp_path / "o", "--no-html", "--format", "trig", "--format", "jsonld",
                  "--format", "rdfxml", "--format", "ntriples")
    assert r.returncode == 0, r.stderr
    ref = rdflib.Graph().parse(tmp_path / "o" / "graph.ttl", format="turtle")
    for name, fmt in (("graph.nt", "nt"), ("graph.jsonld", "json-ld"), ("graph.rdf", "xml")):
        assert isomorphic(rdflib.Graph().parse(tmp_path / "o" / name, format=fmt), ref), name
    ds = rdflib.Dataset()
    ds.parse(tmp_path / "o" / "graph.trig", format="trig")
    assert len({c for *_, c in ds.quads((None, None, None, None))}) >= 1
