"""A graph as one self-contained HTML page that opens from disk with no network.

:func:`to_html` builds the view model (:func:`policykg.graph.view.build_view`), hands its
nodes and edges to a pyvis ``Network`` and renders them through policykg's own template:
vis-network's script is inlined from the pyvis package, the page's own script and style are
inlined from ``graph/static``, and the data travel as JSON inside
``<script type="application/json">`` elements with ``<``, ``>`` and ``&`` escaped. The page
builds every tooltip and panel with ``textContent``, never ``innerHTML``, and a
Content-Security-Policy allows only its own scripts (by hash) and no request at all.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF, RDFS
>>> from policykg.ontology.namespace import PK
>>> g = Graph()
>>> m = URIRef("https://w3id.org/policykg/id/meeting/x")
>>> _ = g.add((m, RDF.type, PK.Meeting))
>>> _ = g.add((m, RDFS.label, Literal("</script><script>alert(1)</script>会议", lang="zh")))
>>> page = to_html(g)
>>> "</script><script>alert(1)" in page      # the label cannot close a script element
False
>>> "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)" in page
True
>>> "https://" in page.split("<body", 1)[1].split("<script")[0]
False
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from .view import DEFAULT_THRESHOLD, Layout, build_view

__all__ = ["to_html", "write_html", "render_view", "script_json", "LANGS"]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VIS_VERSION = "9.1.2"
FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
              '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
LANGS = ("zh", "en")


def to_html(graph, *, lang: str = "zh", layout: Layout | str = Layout.CASCADE, max_nodes: int | None = None,
            focus: str | None = None, title: str | None = None, threshold: int = DEFAULT_THRESHOLD,
            physics: bool | None = None) -> str:
    """The page of ``graph`` (an rdflib graph or a :class:`~policykg.api.KnowledgeGraph`).

    ``lang`` chooses Chinese or English class, property and interface labels (switchable in
    the page); ``layout`` the starting layout (``cascade``: rows by administrative level;
    ``date``: meetings in columns by date; ``force``: physics from the cascade positions,
    only up to ``threshold`` nodes). ``max_nodes`` and ``focus`` (a locality or campaign)
    draw a part of the graph.
    """
    view = build_view(graph, max_nodes=max_nodes, focus=focus)
    return render_view(view, lang=lang, layout=layout, title=title, threshold=threshold, physics=physics)


def write_html(graph, path, **opts) -> Path:
    """Write :func:`to_html` to ``path`` (UTF-8, atomically) and return the path."""
    from .turtle import write_text_atomic
    return write_text_atomic(path, to_html(graph, **opts))


def render_view(view: dict, *, lang: str = "zh", layout: Layout | str = Layout.CASCADE, title: str | None = None,
                threshold: int = DEFAULT_THRESHOLD, physics: bool | None = None) -> str:
    """Render a view model (from :func:`~policykg.graph.view.build_view`) as a page."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    if lang not in LANGS:
        raise ValueError(f"lang {lang!r}: expected one of {', '.join(LANGS)}")
    layout = Layout(layout)
    n_nodes = len(view["nodes"])
    big = n_nodes > threshold
    if layout is Layout.FORCE and big:
        layout = Layout.CASCADE     # no layout in the browser for large graphs
    if physics is None:
        physics = layout is Layout.FORCE
    physics = bool(physics) and not big
    title = title or _title(view, lang)
    config = {"lang": lang, "layout": layout.value, "physics": physics, "big": big, "threshold": threshold,
              "edgeLabels": len(view["edges"]) <= 1500, "title": title, "font": FONT_STACK}
    options = vis_options(physics=physics, big=big)
    tables = {k: v for k, v in view.items() if k not in ("nodes", "edges")}
    tables["config"] = config

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=title)
    net.set_template_dir(str(TEMPLATES) + "/", "view.html")
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True)
    env.filters["script_json"] = lambda obj: Markup(script_json(obj))
    vis_js, app_js, app_css = vis_script(), static_text("view.js"), static_text("view.css")
    env.globals.update(
        lang=lang, tables=tables, vis_options=options,
        vis_js=Markup(inline_script(vis_js)), app_js=Markup(inline_script(app_js)),
        app_css=Markup(inline_style(app_css)), csp=_csp([vis_js, app_js], [app_css]))
    net.templateEnv = env
    net.nodes = view["nodes"]
    net.edges = view["edges"]
    net.options = options
    return net.generate_html()


def _title(view: dict, lang: str) -> str:
    docs = view.get("documents") or []
    meta = view.get("meta", {})
    if len(docs) == 1:
        head = docs[0]["title"]
    elif docs:
        head = f"{len(docs)} 篇文档" if lang == "zh" else f"{len(docs)} documents"
    else:
        head = "policykg"
    if meta.get("focus"):
        head = f"{meta['focus']} · {head}"
    return f"{head} · policykg"


def vis_options(*, physics: bool, big: bool) -> dict:
    """vis-network options: straight edges, hover, physics only when asked for."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {"borderWidth": 1, "font": {"face": FONT_STACK, "size": 13, "color": "#222222",
                                             "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
                  "color": {"inherit": False}, "selectionWidth": 1.5,
                  "font": {"face": FONT_STACK, "size": 10, "color": "#555555", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle"}},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": True, "navigationButtons": False, "keyboard": False},
    }


def script_json(obj) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` and the two
    JavaScript line separators are written as ``\\uXXXX`` escapes.

    >>> script_json({"t": "</script><!-- & \u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!-- \\\\u0026 \\\\u2028"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_UNSAFE_IN_SCRIPT = re.compile(r"</script|<!--", re.IGNORECASE)


def inline_script(js: str) -> str:
    """``js`` for a ``<script>`` element, refusing text that would end it early."""
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    if _UNSAFE_IN_SCRIPT.search(js):
        raise ValueError("script text contains '</script' or '<!--' and cannot be inlined")
    return js


def inline_style(css: str) -> str:
    if re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("style text contains '</style' and cannot be inlined")
    return css


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _csp(scripts, styles) -> str:
    script_src = " ".join(_sha256(inline_script(s)) for s in scripts)
    style_src = " ".join(_sha256(inline_style(s)) for s in styles)
    return (f"default-src 'none'; script-src {script_src}; style-src {style_src}; img-src data:; "
            "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


@lru_cache(maxsize=None)
def vis_script() -> str:
    """vis-network's standalone script, from the files the pyvis package ships."""
    import importlib.util
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.origin:
        raise ImportError("pyvis is not installed (pip install pyvis)")
    base = Path(spec.origin).parent
    for rel in (f"templates/lib/vis-{VIS_VERSION}/vis-network.min.js", f"lib/vis-{VIS_VERSION}/vis-network.min.js"):
        p = base / rel
        if p.is_file():
            return p.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{base}: vis-network {VIS_VERSION} is not bundled with this pyvis")


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")
