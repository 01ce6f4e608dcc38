"""The view model (graph/view.py) and the page it renders to (graph/html_view.py), without a browser.

The browser half is in test_html_browser.py.
"""
from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

import policykg
from policykg.errors import InputError
from policykg.graph import html_view, synthetic, view as view_module
from policykg.graph.html_view import render_view, script_json, to_html, write_html
from policykg.graph.synthetic import synthetic_graph
from policykg.graph.view import CLASSES, Layout, build_view
from policykg.ontology.namespace import PK, PREFIXES

from conftest import ROOT, shared_path

INJECTIONS = ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=2">',
              "</script><script>window.__pwned=3</script>", "<!--", "&amp;", "\u2028")


@pytest.mark.parametrize("module", [view_module, html_view, synthetic])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


@pytest.fixture(scope="module")
def seed_kg():
    return policykg.build([shared_path("eval", "dev", "texts", "seed.txt")])


@pytest.fixture(scope="module")
def seed_view(seed_kg):
    return build_view(seed_kg.graph)


def _by_iri(view):
    return {n["iri"]: n for n in view["nodes"]}


def _subjects_of(graph, cls):
    return {str(s) for s in graph.subjects(RDF.type, cls)}


# -- what is drawn --------------------------------------------------------------------

def test_every_fact_is_a_node_and_no_literal_or_mention_is(seed_kg, seed_view):
    g = seed_kg.graph
    nodes = _by_iri(seed_view)
    for cls, key in ((PK.Meeting, "Meeting"), (PK.Campaign, "Campaign"), (PK.Statement, "Statement"),
                     (PK.Formulation, "Formulation"), (PK.Document, "Document")):
        assert {i for i, n in nodes.items() if n["cls"] == key} == _subjects_of(g, cls), key
    assert {i for i, n in nodes.items() if n["cls"] == "Locality"} == _subjects_of(g, PK.AdministrativeDivision)
    assert not set(nodes) & _subjects_of(g, PK.Mention)
    subjects = {str(s) for s in g.subjects() if isinstance(s, URIRef)}
    assert set(nodes) <= subjects
    assert len(seed_view["nodes"]) == len(nodes) == seed_view["meta"]["nodes"]
    assert [n["id"] for n in seed_view["nodes"]] == list(range(len(nodes)))
    assert all(n["cls"] in CLASSES for n in seed_view["nodes"])


def test_the_cascade_edges_are_drawn(seed_kg, seed_view):
    g = seed_kg.graph
    iri = [n["iri"] for n in seed_view["nodes"]]
    edges = {(iri[e["from"]], e["p"], iri[e["to"]]) for e in seed_view["edges"]}
    for prop, key in ((PK.follows, "pk:follows"), (PK.partOf, "pk:partOf"), (PK.heldIn, "pk:heldIn"),
                      (PK.hasStatement, "pk:hasStatement"), (PK.item, "pk:item")):
        triples = {(str(s), key, str(o)) for s, o in g.subject_objects(prop)}
        assert triples and triples <= edges, key
    assert sum(1 for e in seed_view["edges"] if e["p"] == "pk:follows") >= 5
    assert not any(e["p"] in ("pk:evidence", "pk:itemList", "rdf:type") for e in seed_view["edges"])
    assert [e["id"] for e in seed_view["edges"]] == list(range(len(seed_view["edges"])))


def test_labels_are_chinese_and_edges_labelled_from_the_ontology(seed_view):
    names = {n["name"] for n in seed_view["nodes"]}
    assert {"肥城市", "泰安市", "山东省", "四项任务", "筑牢政治忠诚"} <= names
    props = seed_view["properties"]
    assert (props["pk:follows"]["zh"], props["pk:follows"]["en"]) == ("贯彻落实", "follows")
    assert (props["pk:partOf"]["zh"], props["pk:partOf"]["en"]) == ("隶属于", "part of")
    assert props["pk:date"]["zh"] == "日期"
    meeting = next(n for n in seed_view["nodes"] if n["cls"] == "Meeting" and n["label"].startswith("肥城市"))
    assert "2021-03-01" in meeting["label"] and "政法队伍" in meeting["label"]
    assert meeting["display"] == "肥城市 2021-03-01 " + meeting["name"]
    def width(line):            # a Chinese character is as wide as two Latin ones
        return sum(1 if ord(ch) < 0x1100 else 2 for ch in line)
    assert all(width(line) <= 22 for n in seed_view["nodes"] for line in n["label"].split("\n"))


def test_legend_lists_each_drawn_class_with_shape_colour_and_count(seed_view):
    legend = {c["key"]: c for c in seed_view["classes"]}
    counts = {}
    for n in seed_view["nodes"]:
        counts[n["cls"]] = counts.get(n["cls"], 0) + 1
        assert (n["shape"], n["color"]) == CLASSES[n["cls"]]
    assert {k: c["count"] for k, c in legend.items()} == counts
    assert legend["Meeting"]["zh"] == "会议" and legend["Meeting"]["en"] == "Meeting"
    shapes = {(c["shape"], c["color"]) for c in legend.values()}
    assert len(shapes) == len(legend)


def test_size_grows_with_degree(seed_view):
    for cls in ("Meeting", "Locality", "Formulation"):
        ns = sorted((n for n in seed_view["nodes"] if n["cls"] == cls), key=lambda n: n["degree"])
        assert [n["size"] for n in ns] == sorted(n["size"] for n in ns)
        assert ns[0]["size"] < ns[-1]["size"] or ns[0]["degree"] == ns[-1]["degree"]
    degree = [0] * len(seed_view["nodes"])
    for e in seed_view["edges"]:
        degree[e["from"]] += 1
        degree[e["to"]] += 1
    assert degree == [n["degree"] for n in seed_view["nodes"]]


def test_key_properties_are_folded_into_nodes(seed_view):
    def props(n):
        return {k: v for k, v in n["props"]}
    meeting = next(n for n in seed_view["nodes"] if n["cls"] == "Meeting" and n["date"] == "2021-03-01")
    assert props(meeting)["pk:date"] == "2021-03-01" and meeting["props"][0][0] == "pk:date"
    loc = next(n for n in seed_view["nodes"] if n["name"] == "肥城市")
    assert props(loc)["pk:adminCode"] == "370983" and loc["code"] == "370983"
    assert props(loc)["pk:adminLevel"] == {"zh": "县级", "en": "County"}
    task = next(n for n in seed_view["nodes"] if n["name"] == "四项任务")
    assert props(task)["pk:count"] == "4"
    assert props(task)["pk:category"] == {"zh": "任务", "en": "Task"}
    doc = next(n for n in seed_view["nodes"] if n["cls"] == "Document")
    assert "pk:text" not in props(doc) and "dcterms:issued" in props(doc)


def test_evidence_is_the_source_sentence_split_around_the_quote(seed_kg, seed_view):
    g = seed_kg.graph
    text = str(next(g.objects(None, PK.text)))
    checked = 0
    for n in seed_view["nodes"]:
        quotes = {str(q) for m in g.objects(URIRef(n["iri"]), PK.evidence) for q in g.objects(m, PK.quote)}
        assert len(n["evidence"]) <= view_module.MAX_EVIDENCE
        assert n["evidence_total"] >= len(n["evidence"])
        for ev in n["evidence"]:
            assert ev["hit"] in quotes
            assert text[ev["start"]:ev["end"]] == ev["hit"]
            pre, post = ev["pre"].lstrip("…"), ev["post"].rstrip("…")
            assert text[ev["start"] - len(pre):ev["start"]] == pre
            assert text[ev["end"]:ev["end"] + len(post)] == post
            assert not re.search(r"[。！？；]", pre)        # starts at the sentence
            checked += 1
    assert checked > 50
    meeting = next(n for n in seed_view["nodes"] if n["cls"] == "Meeting" and n["date"] == "2021-03-01")
    ev = meeting["evidence"][0]
    assert ev["hit"] == "政法队伍教育整顿动员部署会议" and ev["pre"].startswith("3月1日") and ev["post"].endswith("。")


def test_filters_know_localities_campaigns_dates_and_meetings(seed_view):
    nodes = seed_view["nodes"]
    f = seed_view["filters"]
    assert [nodes[k]["cls"] for k in f["localities"]] == ["Locality"] * len(f["localities"])
    assert [nodes[k]["code"] for k in f["localities"]] == sorted(nodes[k]["code"] for k in f["localities"])
    assert [nodes[k]["name"] for k in f["campaigns"]] == ["政法队伍教育整顿"]
    assert f["dates"] == ["2021-03-01", "2021-03-04"]
    feicheng = next(n for n in nodes if n["name"] == "肥城市")
    taian = next(n for n in nodes if n["name"] == "泰安市")
    assert nodes[feicheng["parent"]] is taian
    m = next(n for n in nodes if n["cls"] == "Meeting" and n["date"] == "2021-03-01")
    assert m["where"] == feicheng["id"] and m["meetings"] == [m["id"]]
    assert set(feicheng["meetings"]) <= set(taian["meetings"])      # a locality holds the meetings below it
    assert m["id"] in taian["meetings"]
    statement = next(n for n in nodes if n["cls"] == "Statement" and m["id"] in n["meetings"])
    assert statement["meetings"] == [m["id"]]


# -- layouts --------------------------------------------------------------------------

LEVEL = {"Country": 0, "Province": 1, "Prefecture": 2, "County": 3, "Township": 4}


def _level(n):
    for k, v in n["props"]:
        if k in ("pk:level", "pk:adminLevel") and isinstance(v, dict) and v["en"] in LEVEL:
            return LEVEL[v["en"]]
    return None


def test_cascade_puts_higher_levels_above(seed_view):
    nodes = seed_view["nodes"]
    checked = 0
    for e in seed_view["edges"]:
        a, b = nodes[e["from"]], nodes[e["to"]]
        if e["p"] == "pk:partOf":
            assert b["y"] < a["y"], (a["name"], b["name"])
            checked += 1
        elif e["p"] == "pk:follows" and _level(b) is not None and _level(a) is not None and _level(b) < _level(a):
            assert b["y"] < a["y"], (a["label"], b["label"])
            checked += 1
        elif e["p"] == "pk:heldIn":
            assert b["y"] < a["y"] and a["row"] == b["row"] + 1
            checked += 1
    assert checked >= 20
    rows = {n["row"] for n in nodes}
    assert sorted(r["y"] for r in seed_view["rows"]) == [r["y"] for r in seed_view["rows"]]
    assert len(seed_view["rows"]) == len(rows)
    # no two nodes share a position
    assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)
    assert len({(n["dx"], n["dy"]) for n in nodes}) == len(nodes)


def test_date_layout_orders_meetings_by_date(seed_view):
    dated = sorted((n for n in seed_view["nodes"] if n["cls"] == "Meeting" and n["date"][:1].isdigit()),
                   key=lambda n: n["date"])
    xs = {}
    for n in dated:
        xs.setdefault(n["date"], set()).add(n["dx"])
    assert all(len(v) == 1 for v in xs.values())       # one column per date
    cols = [xs[d].pop() for d in sorted(xs)]
    assert cols == sorted(cols) and len(set(cols)) == len(cols)
    assert [a["label"] for a in seed_view["axis"]] == sorted(xs)


def test_synthetic_5000_node_graph_lays_out(tmp_path):
    g = synthetic_graph(5000)
    v = build_view(g)
    assert len(v["nodes"]) >= 5000
    assert len({(n["x"], n["y"]) for n in v["nodes"]}) == len(v["nodes"])
    page = render_view(v, layout="force")
    config = _tables(page)["config"]
    assert config["big"] and not config["physics"] and config["layout"] == "cascade"
    assert _options(page)["physics"]["enabled"] is False


# -- choosing a part ------------------------------------------------------------------

def test_max_nodes_keeps_meetings_and_localities_first(seed_kg, seed_view):
    v = build_view(seed_kg.graph, max_nodes=30)
    assert len(v["nodes"]) == 30
    n_core = sum(1 for n in seed_view["nodes"] if n["cls"] in ("Meeting", "Locality", "Campaign"))
    assert sum(1 for n in v["nodes"] if n["cls"] in ("Meeting", "Locality", "Campaign")) == min(30, n_core)
    assert v["meta"]["nodes_total"] == len(seed_view["nodes"]) and v["meta"]["nodes"] == 30
    assert all(e["from"] < 30 and e["to"] < 30 for e in v["edges"])
    assert len(build_view(seed_kg.graph, max_nodes=10_000)["nodes"]) == len(seed_view["nodes"])


@pytest.mark.parametrize("name", ["肥城市", "370983", PREFIXES["pkl"] + "370983", "pkl:370983"])
def test_focus_on_a_locality(seed_kg, name):
    v = build_view(seed_kg.graph, focus=name)
    names = {n["name"] for n in v["nodes"]}
    assert {"肥城市", "泰安市", "山东省"} <= names
    assert not names & {"河口区", "德州市", "禹城市"}
    meetings = [n for n in v["nodes"] if n["cls"] == "Meeting"]
    feicheng = next(n for n in meetings if n["date"] == "2021-03-01")
    followed = {e["to"] for e in v["edges"] if e["p"] == "pk:follows" and e["from"] == feicheng["id"]}
    assert len(followed) == 2                              # the provincial and Tai'an meetings it follows
    assert any(n["cls"] == "Statement" for n in v["nodes"]) and v["meta"]["focus"] == name


def test_focus_on_a_campaign_and_on_nothing(seed_kg, seed_view):
    v = build_view(seed_kg.graph, focus="政法队伍教育整顿")
    assert sum(n["cls"] == "Meeting" for n in v["nodes"]) >= 10
    with pytest.raises(InputError, match="names no locality or campaign.*肥城市"):
        build_view(seed_kg.graph, focus="不存在的地方")
    with pytest.raises(ValueError):
        build_view(seed_kg.graph, focus="四项任务")           # a formulation is not a focus


# -- the page -------------------------------------------------------------------------

def _data(page: str, element_id: str):
    m = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert m, element_id
    return json.loads(m.group(1))


def _tables(page):
    return _data(page, "pk-tables")


def _options(page):
    return _data(page, "pk-options")


def test_page_is_self_contained(seed_kg, seed_view):
    page = to_html(seed_kg.graph)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    head_and_markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"""(?:src|href)\s*=""", head_and_markup)
    assert "<link" not in head_and_markup and "@import" not in head_and_markup and "url(" not in head_and_markup
    elements = [m.group(1) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", page, re.S)]
    assert elements == [' type="application/json" id="pk-nodes"', ' type="application/json" id="pk-edges"',
                        ' type="application/json" id="pk-tables"', ' type="application/json" id="pk-options"',
                        "", ""]
    assert "vis-network" in page and "sourceMappingURL" not in page
    assert _data(page, "pk-nodes") == seed_view["nodes"]
    assert _data(page, "pk-edges") == seed_view["edges"]
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page


def test_content_security_policy_allows_only_the_pages_own_scripts(seed_kg):
    import base64
    import hashlib
    import html
    page = to_html(seed_kg.graph)
    csp = html.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    for body in scripts + styles:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_page_script_never_writes_html():
    js = html_view.static_text("view.js")
    for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert bad not in js, bad


def test_article_text_is_escaped_in_the_data():
    g = Graph()
    m = URIRef(PREFIXES["pkm"] + "x")
    d = URIRef(PREFIXES["pkd"] + "d")
    n = URIRef(PREFIXES["pkn"] + "d-0-5-r")
    evil = "".join(INJECTIONS)
    g.add((m, RDF.type, PK.Meeting))
    g.add((m, RDFS.label, Literal(evil + "会议", lang="zh")))
    g.add((m, PK.kind, Literal(evil)))
    g.add((m, PK.evidence, n))
    g.add((d, RDF.type, PK.Document))
    g.add((d, DCTERMS.title, Literal(evil)))
    g.add((d, PK.text, Literal(evil + "。")))
    for p, o in ((RDF.type, PK.Mention), (PK.inDocument, d), (PK.start, Literal(0)),
                 (PK.end, Literal(len(evil))), (PK.quote, Literal(evil))):
        g.add((n, p, o))
    page = to_html(g, title=evil)
    body = page.split("<body>", 1)[1]
    data = body.split('<script type="application/json"', 1)[1].split("<script>", 1)[0]
    for s in ("<script>window", "<img", "</script><script>window", "<!--", "\u2028"):
        assert s not in data
    assert data.count("</script>") == 4       # only the four data elements end
    node = next(n for n in _data(page, "pk-nodes") if n["cls"] == "Meeting")
    assert node["name"] == evil + "会议"
    assert node["evidence"][0]["hit"] == evil
    assert _tables(page)["documents"][0]["title"] == evil
    assert "&lt;script&gt;window.__pwned=1" in page.split("<title>", 1)[1].split("</title>", 1)[0]


def test_script_json_round_trips():
    value = {"a": "".join(INJECTIONS) + "\u2029中文", "b": [1, 2.5, None, True]}
    text = script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_languages_and_layouts(seed_kg):
    page = to_html(seed_kg.graph, lang="en", layout="date")
    config = _tables(page)["config"]
    assert (config["lang"], config["layout"], config["physics"]) == ("en", "date", False)
    assert page.split("\n", 2)[1] == '<html lang="en">'
    small = to_html(seed_kg.graph, layout=Layout.FORCE)
    assert _tables(small)["config"]["physics"] is True and _options(small)["physics"]["enabled"] is True
    with pytest.raises(ValueError):
        to_html(seed_kg.graph, lang="fr")
    with pytest.raises(ValueError):
        to_html(seed_kg.graph, layout="spiral")


def test_write_html_is_utf8_and_atomic(seed_kg, tmp_path):
    out = write_html(seed_kg.graph, tmp_path / "sub" / "graph.html")
    assert out == tmp_path / "sub" / "graph.html"
    raw = out.read_bytes()
    assert "肥城市".encode("utf-8") in raw
    raw.decode("utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]
    assert write_html(seed_kg, tmp_path / "kg.html").read_bytes() == raw     # a KnowledgeGraph works too


def test_same_graph_same_bytes_under_any_hash_seed(tmp_path):
    src = shared_path("eval", "dev", "texts", "seed.txt")
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.html"
        code = ("import policykg, sys; from policykg.graph.html_view import write_html; "
                "write_html(policykg.build([sys.argv[1]]).graph, sys.argv[2])")
        subprocess.run([sys.executable, "-c", code, str(src), str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


# -- the command line -----------------------------------------------------------------

def _policykg(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "policykg.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def test_build_writes_the_page_beside_the_turtle(tmp_path):
    src = shared_path("eval", "dev", "texts", "seed.txt")
    r = _policykg("build", src, "-o", tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    g = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert len(_data(page, "pk-nodes")) == len(build_view(g)["nodes"])


def test_html_command(tmp_path, seed_kg):
    ttl = tmp_path / "graph.ttl"
    ttl.write_text(seed_kg.to_turtle(), encoding="utf-8")
    r = _policykg("html", ttl, "-o", tmp_path / "all.html")
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stderr and (tmp_path / "all.html").stat().st_size > 400_000
    r = _policykg("html", tmp_path, "--focus", "肥城市", "--max-nodes", "12", "--lang", "en", "--layout", "date")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    tables = _tables(page)
    assert len(_data(page, "pk-nodes")) == 12 and tables["meta"]["focus"] == "肥城市"
    assert tables["config"]["lang"] == "en" and tables["config"]["layout"] == "date"
    r = _policykg("html", ttl, "-o", tmp_path / "x.html", "--focus", "不存在")
    assert r.returncode == 2 and "names no locality or campaign" in r.stderr
    assert not (tmp_path / "x.html").exists()
    r = _policykg("html", tmp_path / "missing.ttl")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = _policykg("html", ttl, "--max-nodes", "0")
    assert r.returncode == 2


def test_no_work_at_import_time():
    code = ("import sys, policykg.graph.view, policykg.graph.html_view, policykg.graph.synthetic, "
            "policykg.commands.html; print(sorted(m for m in ('pyvis', 'jinja2', 'rdflib', 'networkx') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_package_data_is_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"policykg.graph" = ["templates/*", "queries/*.rq", "static/*"]' in text
    assert (ROOT / "graph" / "templates" / "view.html").is_file()
    assert {p.name for p in (ROOT / "graph" / "static").iterdir()} >= {"view.js", "view.css"}


def test_graph_with_foreign_types_still_draws():
    from rdflib.namespace import XSD
    g = Graph()
    a, b = URIRef("http://example.org/a"), URIRef("http://example.org/b")
    g.add((a, RDF.type, URIRef("http://example.org/Thing")))
    g.add((b, RDF.type, URIRef("http://example.org/Thing")))
    g.add((a, URIRef("http://example.org/knows"), b))
    g.add((a, URIRef("http://example.org/when"), Literal("2020-01-01", datatype=XSD.date)))
    g.add((URIRef("http://example.org/C"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    v = build_view(g)
    assert [n["cls"] for n in v["nodes"]] == ["Resource", "Resource"]
    assert v["edges"] == [{"from": 0, "to": 1, "p": "http://example.org/knows", "id": 0}]
    assert v["nodes"][0]["props"] == [["http://example.org/when", "2020-01-01"]]
    assert len(_data(to_html(g), "pk-nodes")) == 2
    assert build_view(Graph())["nodes"] == [] and _data(to_html(Graph()), "pk-edges") == []
