"""The campaign cascade report: tables, wording fidelity, CSV, HTML, command line, browser."""
from __future__ import annotations

import csv
import doctest
import hashlib
import statistics
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib import namespace as rdfns

from conftest import DEV_TEXTS, need_program, shared_path
from policykg.graph import report, report_fidelity, report_model, report_views
from policykg.graph.report import (CSV_COLUMNS, open_graph, report_data, report_steps, to_report_html,
                                   write_report, write_report_csv)
from policykg.graph.report_fidelity import canonical_items, match_items, score, similarity
from policykg.graph.report_model import QUERIES, lag_days, query_text
from policykg.ontology.namespace import PK, PREFIXES
from policykg.graph.build import bind_prefixes

ROOT = Path(__file__).resolve().parents[1]
LOC, MEET, FORM, ITEM, DOC, CAMP = (PREFIXES[p] for p in ("pkl", "pkm", "pkf", "pki", "pkd", "pkc"))


# --- the dev corpus in one graph ---------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_graph_file(tmp_path_factory):
    shared_path("eval", "dev", "texts")
    import policykg
    kg = policykg.build(DEV_TEXTS)
    out = tmp_path_factory.mktemp("dev")
    kg.write(out, html=False)
    return out / "graph.ttl"


@pytest.fixture(scope="module")
def dev_data(dev_graph_file):
    return report_data(open_graph(dev_graph_file))


@pytest.fixture(scope="module")
def dev_csv(dev_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("csv")
    write_report_csv(dev_data, out)
    return out


@pytest.fixture(scope="module")
def dev_page(dev_data):
    """The report page of the dev corpus, and the steps it reported."""
    steps = []
    return to_report_html(dev_data, source="graph.ttl", on_step=steps.append), steps


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _rows(cascade, code, upstream_code):
    return [r for r in cascade if r["locality_code"] == code and r["upstream_code"] == upstream_code]


def test_seed_chains_in_cascade_csv(dev_csv):
    """山东省 → 泰安市 → 肥城市, and 德州市 → 德城区 / 禹城市 on 03-04 with a lag of 0 days."""
    cascade = read_csv(dev_csv / "cascade.csv")
    assert list(cascade[0]) == list(CSV_COLUMNS["cascade.csv"][1])
    taian = _rows(cascade, "370900", "370000")               # 泰安市 follows 山东省
    assert taian and all(r["locality"] == "泰安市" and r["upstream_locality"] == "山东省" for r in taian)
    assert all(r["level"] == "Prefecture" and r["upstream_level"] == "Province" for r in taian)
    feicheng_sd = _rows(cascade, "370983", "370000")         # 肥城市 follows 山东省 …
    feicheng_ta = _rows(cascade, "370983", "370900")         # … and 泰安市
    assert feicheng_sd and feicheng_ta
    assert {r["date"] for r in feicheng_ta} == {"2021-03-01"}
    # the meeting 肥城市 follows is the one 泰安市 held after 山东省's
    assert {r["follows"] for r in feicheng_ta} & {r["meeting"] for r in taian}
    for code in ("371402", "371482"):                        # 德城区, 禹城市
        rows = [r for r in _rows(cascade, code, "371400") if r["upstream_date"] == "2021-03-04"]
        assert rows, f"{code} does not follow 德州市's meeting of 2021-03-04"
        assert all(r["date"] == "2021-03-04" and r["lag_days"] == "0" for r in rows)
        assert all(r["level"] == "County" and r["upstream_level"] == "Prefecture" for r in rows)


def test_lags_agree_with_the_dates(dev_csv):
    """A lag is given exactly when both dates allow it, and it is their difference."""
    import datetime as dt
    cascade = read_csv(dev_csv / "cascade.csv")
    n = 0
    for r in cascade:
        full = re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"]) and re.fullmatch(r"\d{4}-\d\d-\d\d", r["upstream_date"])
        if full:
            n += 1
            days = (dt.date.fromisoformat(r["date"]) - dt.date.fromisoformat(r["upstream_date"])).days
            assert r["lag_days"] == str(days), r
        elif not (r["date"].startswith("--") and r["upstream_date"].startswith("--")):
            assert r["lag_days"] == "", r
    assert n >= 2
    lags = read_csv(dev_csv / "lags.csv")
    pref_county = [r for r in lags if (r["upstream_level"], r["level"]) == ("Prefecture", "County")]
    assert pref_county and int(pref_county[0]["n"]) >= 2 and pref_county[0]["min_days"] == "0"
    values = [int(v) for v in pref_county[0]["lags"].split(";")]
    assert values.count(0) >= 2                              # 德城区 and 禹城市
    assert float(pref_county[0]["median_days"]) == statistics.median(values)


def test_timeline_panel_draws_the_seed_chains(dev_data):
    panels = report_views.timeline_panels(dev_data)
    panel = next(p for p in panels if p["campaign"] == "政法队伍教育整顿")
    label = {i: r["label"] for i, r in enumerate(panel["rows"])}
    row_of = {p["meeting"]: label[p["row"]] for p in panel["points"]}
    edges = {(row_of[a["from"]], row_of[a["to"]], a["lag"]) for a in panel["arrows"]}
    assert ("山东省", "泰安市", None) in edges and ("泰安市", "肥城市", None) in edges
    assert ("德州市", "德城区", 0) in edges and ("德州市", "禹城市", 0) in edges
    levels = [r["level"] for r in panel["rows"]]
    assert levels == sorted(levels, key=report_model.LEVELS.index)    # grouped from the top level down


def test_corpus_figures(dev_csv, dev_graph_file):
    figures = {(r["figure"], r["key"]): r["value"] for r in read_csv(dev_csv / "figures.csv")}
    assert figures[("documents", "")] == str(len(list(DEV_TEXTS.glob("*.*"))))
    assert int(figures[("meetings", "")]) > 20
    assert int(figures[("localities", "County")]) > 5
    assert figures[("first date", "")] <= "2021-03-01" <= figures[("last date", "")]
    assert int(figures[("formulations", "Task")]) >= 1


def test_engines_give_the_same_tables(dev_graph_file, dev_data):
    pytest.importorskip("pyoxigraph")
    g = open_graph(dev_graph_file, engine="rdflib")
    slow = report_data(g, engine="rdflib")
    copied = report_data(g, engine="oxigraph")
    for name in ("localities", "meetings", "cascade", "lags", "adoption", "fidelity", "fidelity_scores",
                 "formulation_scores", "figures"):
        assert getattr(slow, name) == getattr(dev_data, name) == getattr(copied, name), name


# --- wording fidelity on a hand-made graph ----------------------------------------------------

GOALS = ["政治生态进一步优化", "纪律作风进一步好转", "素质能力进一步提升", "执法司法公信力进一步提升"]


def synthetic_graph(lists: dict[str, list[str]], *, lexicon: list[str] | None = None,
                    label: str = "四个进一步", category=PK.Goal) -> Graph:
    """One county per entry of ``lists``, each holding one meeting that lists these items;
    identical lists share one formulation IRI, as the builder makes them."""
    g = bind_prefixes(Graph())
    camp = URIRef(CAMP + "c1")
    g.add((camp, rdfns.RDF.type, PK.Campaign))
    g.add((camp, rdfns.RDFS.label, Literal("测试运动", lang="zh")))
    doc = URIRef(DOC + "d1")
    g.add((doc, rdfns.RDF.type, PK.Document))
    prov = URIRef(LOC + "990000")
    g.add((prov, rdfns.RDF.type, PK.Locality))
    g.add((prov, PK.adminLevel, PK.Province))
    g.add((prov, rdfns.RDFS.label, Literal("测试省", lang="zh")))
    forms = {}
    for k, (name, items) in enumerate(lists.items()):
        loc = URIRef(LOC + f"9901{k:02d}")
        g.add((loc, rdfns.RDF.type, PK.Locality))
        g.add((loc, rdfns.RDFS.label, Literal(name, lang="zh")))
        g.add((loc, PK.adminLevel, PK.County))
        g.add((loc, PK.adminCode, Literal(f"9901{k:02d}")))
        g.add((loc, PK.partOf, prov))
        m = URIRef(MEET + f"9901{k:02d}-20210301-x")
        g.add((m, rdfns.RDF.type, PK.Meeting))
        g.add((m, rdfns.RDFS.label, Literal("动员部署会议", lang="zh")))
        g.add((m, PK.heldIn, loc))
        g.add((m, PK.level, PK.County))
        g.add((m, PK.date, Literal("2021-03-01", datatype=rdfns.XSD.date)))
        g.add((m, PK.campaign, camp))
        g.add((doc, PK.mentions, m))
        key = tuple(items)
        if key not in forms:
            f = forms[key] = URIRef(FORM + f"goal-{len(forms)}")
            g.add((f, rdfns.RDF.type, PK.Formulation))
            g.add((f, rdfns.RDFS.label, Literal(label, lang="zh")))
            g.add((f, PK.category, category))
            g.add((f, PK.count, Literal(4)))
            nodes = []
            for w in items:
                i = URIRef(ITEM + "goal-" + hashlib.sha1(w.encode()).hexdigest()[:12])
                g.add((i, rdfns.RDF.type, category))
                g.add((i, rdfns.RDFS.label, Literal(w, lang="zh")))
                g.add((f, PK.item, i))
                nodes.append(i)
            Collection(g, URIRef(FORM + f"list-{len(forms)}"), nodes)
            g.add((f, PK.itemList, URIRef(FORM + f"list-{len(forms)}")))
            for j, w in enumerate(lexicon or ()):
                i = URIRef(ITEM + f"lex-{j}")
                g.add((i, rdfns.RDF.type, category))
                g.add((i, rdfns.RDFS.label, Literal(w, lang="zh")))
                g.add((f, PK.lexiconItem, i))
        g.add((m, PK.mentions, forms[key]))
    return g


def _scores(data) -> dict[str, float]:
    return {r["locality"]: r["score"] for r in data.fidelity_scores}


def test_identical_wording_scores_one_and_variant_missing_added_lower_it():
    g = synthetic_graph({
        "甲县": GOALS,
        "乙县": GOALS,                                                  # identical to 甲县
        "丙县": GOALS[:3] + ["执法司法公信力进一步增强"],                 # one variant
        "丁县": GOALS[:3],                                              # one item missing
        "戊县": GOALS + ["队伍形象进一步改善"],                           # one item added
    })
    data = report_data(g)
    scores = _scores(data)
    assert scores["甲县"] == scores["乙县"] == 1.0
    assert scores["丙县"] == (3 + 0.5) / 4          # variant counts half
    assert scores["丁县"] == 3 / 4                  # missing counts nothing
    assert scores["戊县"] == 4 / 5                  # added enlarges the denominator
    status = {(r["locality"], r["status"]): r for r in data.fidelity}
    assert status[("丙县", "variant")]["canonical_item"] == "执法司法公信力进一步提升"
    assert status[("丙县", "variant")]["wording"] == "执法司法公信力进一步增强"
    assert status[("丁县", "missing")]["canonical_item"] == "执法司法公信力进一步提升"
    assert status[("戊县", "added")]["wording"] == "队伍形象进一步改善"
    canon = next(f for f in data.formulation_scores if f["formulation"] == "四个进一步")
    assert canon["canonical_source"] == "corpus" and canon["canonical_items"] == " | ".join(GOALS)
    # the per-locality table agrees with the rows
    row = next(r for r in data.fidelity_scores if r["locality"] == "丙县")
    assert (row["identical"], row["variant"], row["missing"], row["added"]) == (3, 1, 0, 0)


def test_lexicon_items_are_the_reference_when_present():
    lexicon = ["政治意识", "大局意识", "核心意识", "看齐意识"]
    g = synthetic_graph({"甲县": ["政治意识", "大局意识", "核心意识", "看齐意识"],
                         "乙县": ["政治意识", "大局观念", "核心意识"]},
                        lexicon=lexicon, label="四个意识", category=PK.Commitment)
    data = report_data(g)
    canon = next(f for f in data.formulation_scores if f["formulation"] == "四个意识")
    assert canon["canonical_source"] == "lexicon"
    scores = _scores(data)
    assert scores["甲县"] == 1.0
    # 大局观念 vs 大局意识 share 2 of 4 characters: not a variant, so 2 missing and 1 added
    assert scores["乙县"] == 2 / 5


def test_a_formulation_one_locality_listed_is_not_scored():
    data = report_data(synthetic_graph({"甲县": GOALS}))
    assert data.fidelity_scores == []
    assert data.formulation_scores[0]["scored"] is False


@pytest.mark.parametrize("canonical, wording, expected", [
    (GOALS, GOALS, 1.0),
    (GOALS, list(reversed(GOALS)), 1.0),                         # order does not matter
    (GOALS, [], 0.0),
    (["两个维护"], ["兩個維護"], 1.0),                             # traditional script
    (["全覆盖、零容忍"], ["全覆盖零容忍"], 1.0),                    # punctuation
    (GOALS, GOALS[:3] + ["执法司法公信力进一步增强"], 0.875),
])
def test_score_table(canonical, wording, expected):
    assert score(match_items(canonical, wording)) == expected


def test_similarity_and_canonical_tie_break():
    assert similarity("素质能力进一步提升", "能力素质进一步提高") >= report_fidelity.VARIANT_SIMILARITY
    assert similarity("政治意识", "大局意识") < report_fidelity.VARIANT_SIMILARITY
    # tie at position 2: the province's wording wins over the county's, whatever the lexical order
    lists = {"county": ["甲", "丁"], "province": ["甲", "丙"]}
    assert canonical_items(lists, rank={"county": 3, "province": 1}) == ["甲", "丙"]
    assert canonical_items(lists, rank={"county": 1, "province": 3}) == ["甲", "丁"]
    assert canonical_items(lists) == ["甲", "丁"]                    # equal rank: lexical order (丁 < 丙)


# --- dates and lags --------------------------------------------------------------------------

def _pair_graph(date_down: Literal, date_up: Literal, *, same_document: bool) -> Graph:
    g = bind_prefixes(Graph())
    for code, level in (("990000", PK.Province), ("990100", PK.Prefecture)):
        loc = URIRef(LOC + code)
        g.add((loc, rdfns.RDF.type, PK.Locality))
        g.add((loc, PK.adminLevel, level))
        g.add((loc, rdfns.RDFS.label, Literal(code, lang="zh")))
    up, down = URIRef(MEET + "up"), URIRef(MEET + "down")
    for m, code, d in ((up, "990000", date_up), (down, "990100", date_down)):
        g.add((m, rdfns.RDF.type, PK.Meeting))
        g.add((m, PK.heldIn, URIRef(LOC + code)))
        g.add((m, PK.date, d))
    g.add((down, PK.follows, up))
    d1, d2 = URIRef(DOC + "a"), URIRef(DOC + "b")
    g.add((d1, PK.mentions, down))
    g.add((d1 if same_document else d2, PK.mentions, up))
    return g


GMD = rdfns.XSD.gMonthDay


@pytest.mark.parametrize("down, up, same, lag", [
    (Literal("2021-03-04", datatype=rdfns.XSD.date), Literal("2021-02-26", datatype=rdfns.XSD.date), False, 6),
    (Literal("--03-04", datatype=GMD), Literal("--03-01", datatype=GMD), True, 3),
    (Literal("--03-04", datatype=GMD), Literal("--03-01", datatype=GMD), False, None),   # different documents
    (Literal("2021-03-04", datatype=rdfns.XSD.date), Literal("--03-01", datatype=GMD), True, None),  # mixed kinds
    (Literal("--01-02", datatype=GMD), Literal("--12-30", datatype=GMD), True, 3),       # across the new year
])
def test_lag_rules(down, up, same, lag):
    data = report_data(_pair_graph(down, up, same_document=same))
    row = next(r for r in data.cascade if r["follows"])
    assert row["lag_days"] == lag
    assert row["level"] == "Prefecture" and row["upstream_level"] == "Province"
    assert [l["lags"] for l in data.lags] == ([[lag]] if lag is not None else [])


def test_lag_days_function():
    assert lag_days("2021-03-04", "2021-03-04", same_document=False) == 0
    assert lag_days("", "2021-03-04", same_document=True) is None


# --- the named queries, CSV, HTML -------------------------------------------------------------

@pytest.mark.parametrize("name", QUERIES)
def test_named_queries_describe_themselves_and_parse(name):
    text = query_text(name)
    lines = text.splitlines()
    assert lines[0].startswith("# zh: ") and lines[1].startswith("# en: ")
    from rdflib.plugins.sparql import prepareQuery
    prepareQuery(text)                                           # valid as it stands, prefixes declared
    assert (ROOT / "graph" / "queries" / f"{name}.rq").exists()


def test_cascade_query_gives_the_same_links_in_jena(dev_graph_file, dev_data, tmp_path):
    """The named query is portable SPARQL: Jena's arq returns the same meeting → upstream pairs."""
    need_program("java")
    tool = Path(shared_path("tools", "jena-classpath"))
    classpath = subprocess.run([str(tool)], capture_output=True, text=True, check=True).stdout.strip()
    query = ROOT / "graph" / "queries" / "report_cascade.rq"
    proc = subprocess.run(["java", "-cp", classpath, "arq.sparql", "--data", str(dev_graph_file),
                           "--query", str(query), "--results=TSV"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    head = [h.lstrip("?") for h in lines[0].split("\t")]
    pairs = set()
    for line in lines[1:]:
        row = dict(zip(head, line.split("\t")))
        pairs.add((row["meeting"].strip("<>"), row["upstream"].strip("<>")))
    assert pairs == {(r["meeting"], r["follows"]) for r in dev_data.cascade}


def test_csv_files_bom_order_and_atomicity(dev_data, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    paths = write_report_csv(dev_data, a)
    write_report_csv(dev_data, b, bom=False)
    assert sorted(p.name for p in paths) == sorted(CSV_COLUMNS)
    for p in paths:
        raw = p.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert (b / p.name).read_bytes() == raw[3:]
        assert b"\r" not in raw
    assert not list(a.glob(".*.tmp"))
    write_report_csv(dev_data, a)                                # same bytes on a second run
    assert all(p.read_bytes() == (a / p.name).read_bytes() for p in paths)


def test_html_is_self_contained_and_escaped(tmp_path):
    g = synthetic_graph({"<script>alert(1)</script>县": GOALS, "乙县": GOALS})
    page = to_report_html(report_data(g), title="a & b")
    assert "<script" not in page.replace("&lt;script&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;县" in page
    assert "<title>a &amp; b</title>" in page
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#|data:)', page)  # only in-page links
    assert "url(http" not in page and "@import" not in page
    assert "Content-Security-Policy" in page


def test_report_page_sections(dev_page):
    page, steps = dev_page
    assert steps == list(report.STEPS_PLOTS)
    for sid in ("figures", "cascade", "lags", "adoption", "fidelity", "queries"):
        assert f'<section id="{sid}">' in page
    assert page.count('<svg role="img"') >= 5
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate element ids across the inline SVGs"
    assert "肥城市" in page and "德城区" in page


def test_write_report_steps(tmp_path):
    steps = []
    out = write_report(synthetic_graph({"甲县": GOALS, "乙县": GOALS}), tmp_path / "r.html",
                       csv_dir=tmp_path / "csv", on_step=steps.append)
    assert steps == report_steps(csv=True)
    assert out["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert len(out["csv"]) == len(CSV_COLUMNS)


def test_matplotlib_is_imported_only_when_plotting():
    code = ("import sys, policykg.graph.report, policykg.graph.report_svg, policykg.commands.report;"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported too early'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("module", [report_fidelity, report_model, report_views, report])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# --- the command line -----------------------------------------------------------------------

def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("policykg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "policykg.cli"]


def test_cli_report_matches_the_api_byte_for_byte(dev_graph_file, dev_data, dev_page, tmp_path):
    env = dict(os.environ, PYTHONHASHSEED="7")
    proc = subprocess.run(_cli() + ["report", str(dev_graph_file.parent), "-o", str(tmp_path / "r.html"),
                                    "--csv", str(tmp_path / "csv")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "follows links" in proc.stderr and proc.stdout == ""
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == dev_page[0]
    api = tmp_path / "api"
    write_report_csv(dev_data, api)
    for name in CSV_COLUMNS:
        assert (tmp_path / "csv" / name).read_bytes() == (api / name).read_bytes(), name


def test_cli_errors(tmp_path):
    proc = subprocess.run(_cli() + ["report", str(tmp_path / "missing.ttl"), "-o", str(tmp_path / "r.html")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "missing.ttl" in proc.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <x> .\n:a :b", encoding="utf-8")
    proc = subprocess.run(_cli() + ["report", str(bad), "-o", str(tmp_path / "r.html")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "bad.ttl" in proc.stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_progress_lines_without_a_terminal(tmp_path):
    g = synthetic_graph({"甲县": GOALS, "乙县": GOALS})
    path = tmp_path / "g.ttl"
    g.serialize(path, format="turtle")
    proc = subprocess.run(_cli() + ["report", str(path), "-o", str(tmp_path / "r.html"), "--progress", "always"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "report" in proc.stderr and proc.stdout == ""


# --- a real browser, offline ----------------------------------------------------------------

def test_report_opens_offline_in_chromium(dev_page, tmp_path):
    chromium = need_program("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report.html"
    path.write_text(dev_page[0], encoding="utf-8")
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            sizes = page.eval_on_selector_all("svg.plot", "els => els.map(e => e.getBoundingClientRect().height)")
            title = page.title()
        finally:
            browser.close()
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert errors == []
    assert len(sizes) >= 5 and min(sizes) > 50
    assert "Campaign cascade report" in title
