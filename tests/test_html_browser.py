"""The graph page in a real headless Chromium, opened from disk with networking disabled.

Each page must render, hold as many nodes and edges as its view model, log no console error
and request nothing but its own file; article text with script or HTML in it must show as text
and never run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

import policykg
from policykg.graph.html_view import write_html
from policykg.graph.io import load_graph
from policykg.graph.synthetic import synthetic_graph
from policykg.graph.view import build_view
from policykg.ontology.namespace import PK, PREFIXES

from conftest import need_program, shared_path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
HOOKS = """
window.__pwned = 0;
window.__csp = [];
const hit = () => { window.__pwned += 1; };
window.alert = hit; window.confirm = hit; window.prompt = hit;
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
INJECTED_ARTICLE = (
    "<script>window.__pwned=1</script>关于召开会议的通知</script><img src=x onerror=\"window.__pwned=2\">\n"
    "3月1日，肥城市召开政法队伍教育整顿动员部署会议<img src=x onerror=\"window.__pwned=3\">。"
    "会议强调，要抓好“学习教育<script>alert(1)</script>、查纠整改<img src=x onerror=\"window.__pwned=5\">、总结提升”"
    "三个环节</script><script>window.__pwned=4</script>。"
    "会议指出，要坚持<b onmouseover=alert(5)>全覆盖</b>、零容忍。\n")


@pytest.fixture(scope="module")
def browser():
    path = need_program("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Session:
    """One page opened from disk, with everything it logs and requests."""

    def __init__(self, browser, path, *, hooks=False, timeout=60_000):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
        self.page = self.context.new_page()
        self.console, self.errors, self.requests, self.dialogs = [], [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL_SCHEMES)
                        else route.abort())
        if hooks:
            self.page.add_init_script(HOOKS)
        self.url = path.as_uri()
        self.page.goto(self.url)
        self.page.wait_for_function("window.pkView && window.pkView.ready === true", timeout=timeout)

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def check_clean(self):
        """No console error, no uncaught exception, no request for anything but the page itself."""
        assert self.errors == []
        assert [m for m in self.console if m[0] == "error"] == []
        assert self.requests and self.requests[0] == self.url
        assert all(u == self.url or u.startswith(("data:", "about:", "blob:")) for u in self.requests), self.requests

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser):
    opened = []

    def open_(path, **kw):
        s = Session(browser, path, **kw)
        opened.append(s)
        return s
    yield open_
    for s in opened:
        s.close()


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    """The seed built by the command line: OUTDIR/graph.ttl and OUTDIR/graph.html."""
    src = shared_path("eval", "dev", "texts", "seed.txt")
    out = tmp_path_factory.mktemp("seed")
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(src), "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def _canvas_ink(s: Session) -> int:
    return s.js("""() => {
        const c = document.querySelector('#pk-network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 16) { if (d[i + 3] > 0 && (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230)) n++; }
        return n;
    }""")


def _dom_point(s: Session, node_id: int):
    return s.js("""(id) => {
        const v = window.pkView, p = v.network.canvasToDOM(v.network.getPositions([id])[id]);
        const r = document.getElementById('pk-network').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", node_id)


# -- the seed --------------------------------------------------------------------------

def test_seed_page_renders_offline_with_the_view_models_counts(session, seed_out):
    view = build_view(load_graph(seed_out / "graph.ttl"))
    s = session(seed_out / "graph.html")
    n, e = len(view["nodes"]), len(view["edges"])
    assert n > 80 and e > 150
    assert s.js("pkView.counts()") == {"nodes": n, "edges": e, "drawnNodes": n, "drawnEdges": e}
    assert s.js("pkView.visible()") == {"nodes": n, "edges": e}
    assert s.js("pkView.view.nodes.length") == n
    assert s.js("document.querySelector('#pk-network canvas').width") > 300
    assert _canvas_ink(s) > 2000
    assert s.js("document.getElementById('pk-status').textContent") == f"节点 {n}/{n} · 边 {e}/{e}"
    legend = s.js("document.getElementById('pk-legend').textContent")
    assert "会议" in legend and "地方" in legend and "提法" in legend
    assert s.js("pkView.network.physics.options.enabled") is False
    s.check_clean()


def test_chinese_is_drawn_with_a_cjk_font(session, seed_out):
    if not shutil.which("fc-list") or not subprocess.run(["fc-list", ":lang=zh"], capture_output=True,
                                                         text=True).stdout.strip():
        pytest.skip("no CJK font installed (Debian package fonts-noto-cjk)")
    s = session(seed_out / "graph.html")
    assert s.js("document.fonts.check('13px \"Noto Sans CJK SC\"', '肥城市')") is True
    assert "Noto Sans CJK SC" in s.js("pkView.network.body.nodes[0].options.font.face")


def test_tooltip_and_panel_show_the_source_sentence(session, seed_out):
    s = session(seed_out / "graph.html")
    meeting = s.js("pkView.view.nodes.find(n => n.cls === 'Meeting' && n.date === '2021-03-01')")
    x, y = _dom_point(s, meeting["id"])
    s.page.mouse.move(x - 30, y - 30)
    s.page.mouse.move(x, y, steps=4)
    s.page.wait_for_selector("#pk-tip:not([hidden])", timeout=5000)
    tip = s.js("document.getElementById('pk-tip').textContent")
    assert meeting["name"] in tip and "日期" in tip and "2021-03-01" in tip
    s.page.mouse.click(x, y)
    s.page.wait_for_selector("#pk-panel:not([hidden])", timeout=5000)
    panel = s.js("document.getElementById('pk-details').textContent")
    assert meeting["name"] in panel and meeting["iri"] in panel and "原文出处" in panel
    marks = s.js("[...document.querySelectorAll('#pk-details mark')].map(m => m.textContent)")
    assert marks[0] == meeting["evidence"][0]["hit"]
    quote = s.js("document.querySelector('#pk-details blockquote').textContent")
    assert quote.startswith(meeting["evidence"][0]["pre"] + meeting["evidence"][0]["hit"])
    s.check_clean()


def test_search_filters_and_focus(session, seed_out):
    s = session(seed_out / "graph.html")
    nodes = s.js("pkView.view.nodes")
    total = len(nodes)
    by_name = {n["name"]: n for n in nodes if n["cls"] == "Locality"}
    feicheng = by_name["肥城市"]

    s.page.fill("#pk-search", "肥城")
    s.page.wait_for_selector("#pk-results:not([hidden]) li")
    assert "肥城市" in s.js("document.getElementById('pk-results').textContent")
    s.page.press("#pk-search", "Enter")
    s.page.wait_for_selector("#pk-panel:not([hidden])")
    assert s.js("document.querySelector('#pk-details h3').textContent").startswith("肥城")

    s.page.select_option("#pk-locality", str(feicheng["id"]))
    hidden = s.js("Object.fromEntries(pkView.nodes.get().map(n => [n.id, !!n.hidden]))")
    shown = {n["name"] if n["cls"] != "Meeting" else n["label"] for n in nodes if not hidden[str(n["id"])]}
    assert {"肥城市", "泰安市", "山东省"} <= shown
    assert "河口区" not in shown and "德州市" not in shown
    meetings = [n for n in nodes if n["cls"] == "Meeting" and not hidden[str(n["id"])]]
    assert any(m["date"] == "2021-03-01" for m in meetings)
    assert len(meetings) == 3                     # the meeting and the two it follows, up the cascade
    counts = s.js("pkView.visible()")
    assert 5 < counts["nodes"] < total
    assert s.js("document.getElementById('pk-status').textContent").startswith(f"节点 {counts['nodes']}/{total}")

    assert s.js("pkView.resetFilters()")["nodes"] == total
    s.page.fill("#pk-from", "2021-03-04")
    s.page.dispatch_event("#pk-from", "change")
    dated = s.js("pkView.view.nodes.filter(n => n.cls === 'Meeting' && !pkView.nodes.get(n.id).hidden).map(n => n.date)")
    assert "2021-03-01" not in dated and "2021-03-04" in dated and "" in dated
    s.page.uncheck("#pk-undated")
    dated = s.js("pkView.view.nodes.filter(n => n.cls === 'Meeting' && !pkView.nodes.get(n.id).hidden).map(n => n.date)")
    assert set(dated) == {"2021-03-04"}
    s.page.click("#pk-reset")
    assert s.js("pkView.visible()")["nodes"] == total

    n_statements = sum(n["cls"] == "Statement" for n in nodes)
    s.page.locator("#pk-legend li", has_text="讲话要点").locator("input").uncheck()
    assert s.js("pkView.visible()")["nodes"] == total - n_statements
    s.js("pkView.resetFilters()")

    campaign = next(n for n in nodes if n["cls"] == "Campaign")
    s.page.select_option("#pk-campaign", str(campaign["id"]))
    assert s.js("pkView.visible()")["nodes"] < total
    s.js("pkView.resetFilters()")

    meeting = next(n for n in nodes if n["cls"] == "Meeting" and n["date"] == "2021-03-01")
    neighbours = {e["to"] if e["from"] == meeting["id"] else e["from"] for e in s.js("pkView.view.edges")
                  if meeting["id"] in (e["from"], e["to"])}
    assert s.js("(id) => pkView.focus(id, 1)", meeting["id"])["nodes"] == 1 + len(neighbours)
    assert s.js("pkView.unfocus()")["nodes"] == total
    s.check_clean()


def test_layouts_physics_and_language(session, seed_out):
    s = session(seed_out / "graph.html")
    nodes = s.js("pkView.view.nodes")
    s.page.select_option("#pk-layout", "date")
    pos = s.js("pkView.network.getPositions()")
    assert all(abs(pos[str(n["id"])]["x"] - n["dx"]) < 1 and abs(pos[str(n["id"])]["y"] - n["dy"]) < 1
               for n in nodes)
    s.page.select_option("#pk-layout", "cascade")
    pos = s.js("pkView.network.getPositions()")
    assert all(abs(pos[str(n["id"])]["x"] - n["x"]) < 1 for n in nodes)
    s.page.check("#pk-physics")
    assert s.js("pkView.network.physics.options.enabled") is True
    s.page.wait_for_timeout(500)
    s.page.uncheck("#pk-physics")
    assert s.js("pkView.network.physics.options.enabled") is False

    follows = s.js("pkView.view.edges.find(e => e.p === 'pk:follows').id")
    assert s.js("(id) => pkView.edges.get(id).label", follows) == "贯彻落实"
    s.page.select_option("#pk-lang", "en")
    assert s.js("(id) => pkView.edges.get(id).label", follows) == "follows"
    assert s.js("document.getElementById('pk-reset').textContent") == "Clear filters"
    assert "Meeting" in s.js("document.getElementById('pk-legend').textContent")
    assert s.js("document.documentElement.lang") == "en"
    s.page.uncheck("#pk-edge-labels")
    assert s.js("(id) => pkView.edges.get(id).label", follows) == ""
    s.check_clean()


# -- script and HTML in article text ------------------------------------------------------

def _exercise_every_node(s: Session) -> str:
    """Show each node's tooltip and panel, search for markup, switch language: return what the panels said."""
    return s.js("""() => {
        const v = window.pkView, out = [];
        for (const n of v.view.nodes) { out.push(v.showTip(n.id, 20, 20)); out.push(v.select(n.id, false)); }
        for (const q of ['<script', '<img', '</script>', 'onerror']) { v.search(q); }
        const box = document.getElementById('pk-search');
        box.value = '<script'; box.dispatchEvent(new Event('input'));
        v.setLang('en'); v.setLang('zh');
        return out.join('\\n');
    }""")


def _assert_nothing_ran(s: Session):
    s.page.wait_for_timeout(400)       # let any late handler (img onerror, timers) fire
    assert s.js("window.__pwned") == 0
    assert s.js("window.__csp") == []
    assert s.dialogs == []
    assert s.js("document.querySelectorAll('img, iframe, object, embed, b').length") == 0
    assert s.js("document.scripts.length") == 6
    assert s.js("[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length") == 0
    s.check_clean()


def test_injected_article_builds_and_nothing_runs(session, tmp_path):
    article = tmp_path / "injected.txt"
    article.write_text(INJECTED_ARTICLE, encoding="utf-8")
    kg = policykg.build([article], published="2021-03-05")
    assert not kg.failures
    text = str(next(kg.graph.objects(None, PK.text)))
    assert "<script>alert(1)</script>" in text and "onerror" in text
    out = tmp_path / "out"
    kg.write(out)
    s = session(out / "graph.html", hooks=True)
    said = _exercise_every_node(s)
    assert "<script>alert(1)</script>" in said         # shown as text
    assert 'onerror="window.__pwned=3"' in said
    assert s.js("pkView.counts().nodes") == len(build_view(kg.graph)["nodes"])
    statement = s.js("pkView.view.nodes.find(n => n.cls === 'Statement' && n.name.includes('<script>'))")
    x, y = _dom_point(s, statement["id"])
    s.page.mouse.move(x, y, steps=3)
    s.page.mouse.click(x, y)
    assert "<script>alert(1)</script>" in s.js("document.getElementById('pk-details').textContent")
    _assert_nothing_ran(s)


def test_markup_in_labels_titles_and_quotes_never_runs(session, tmp_path):
    g = Graph()
    evil = ("<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
            "</script><script>window.__pwned=3</script><!--<svg onload=alert(4)>")
    d = URIRef(PREFIXES["pkd"] + "d")
    g.add((d, RDF.type, PK.Document))
    g.add((d, DCTERMS.title, Literal(evil)))
    g.add((d, PK.text, Literal("3月1日，" + evil + "会议召开。")))
    loc = URIRef(PREFIXES["pkl"] + "370983")
    g.add((loc, RDF.type, PK.Locality))
    g.add((loc, RDFS.label, Literal(evil + "市", lang="zh")))
    for k in range(3):
        m = URIRef(PREFIXES["pkm"] + f"m{k}")
        mention = URIRef(PREFIXES["pkn"] + f"d-{k}")
        g.add((m, RDF.type, PK.Meeting))
        g.add((m, RDFS.label, Literal(evil + f"会议{k}", lang="zh")))
        g.add((m, PK.kind, Literal(evil)))
        g.add((m, PK.heldIn, loc))
        g.add((d, PK.reports, m))
        g.add((m, PK.evidence, mention))
        for p, o in ((RDF.type, PK.Mention), (PK.inDocument, d), (PK.start, Literal(5)),
                     (PK.end, Literal(5 + len(evil))), (PK.quote, Literal(evil))):
            g.add((mention, p, o))
    page = write_html(g, tmp_path / "evil.html", title=evil)
    s = session(page, hooks=True)
    assert s.js("document.title") == evil
    said = _exercise_every_node(s)
    assert evil in said
    s.js("(id) => pkView.select(id, false)", s.js("pkView.view.nodes.find(n => n.cls === 'Meeting').id"))
    assert s.js("document.querySelector('#pk-details mark').textContent") == evil
    _assert_nothing_ran(s)


def test_empty_graph_renders(session, tmp_path):
    s = session(write_html(Graph(), tmp_path / "empty.html", lang="en"))
    assert s.js("pkView.counts()") == {"nodes": 0, "edges": 0, "drawnNodes": 0, "drawnEdges": 0}
    assert s.js("document.getElementById('pk-status').textContent") == "nodes 0/0 · edges 0/0"
    s.check_clean()


# -- a large graph --------------------------------------------------------------------------

def test_5000_node_graph_renders(session, tmp_path):
    g = synthetic_graph(5000)
    view = build_view(g)
    n, e = len(view["nodes"]), len(view["edges"])
    assert n >= 5000
    page = write_html(g, tmp_path / "big.html")
    s = session(page, timeout=180_000)
    assert s.js("pkView.counts()") == {"nodes": n, "edges": e, "drawnNodes": n, "drawnEdges": e}
    assert s.js("pkView.network.physics.options.enabled") is False
    assert s.js("pkView.view.tables.config.big") is True
    assert _canvas_ink(s) > 2000
    province = s.js("pkView.view.nodes.find(n => n.cls === 'Locality' && n.code.endsWith('0000')).id")
    s.page.select_option("#pk-locality", str(province))
    assert 100 < s.js("pkView.visible().nodes") < n
    s.check_clean()
    marks = s.js("performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])")
    print(f"5000-node page: {n} nodes, {e} edges, ready {s.js('pkView.readyMs'):.0f} ms after navigation; "
          f"{json.dumps(marks)}")
