"""The report's pictures as inline SVG, drawn with matplotlib (the optional ``report`` extra).

Matplotlib is imported inside each function and used without ``pyplot`` (no global state, no
display). Text is written as glyph outlines (``svg.fonttype = "path"``), so Chinese renders in
any browser without fonts; the font is found with :func:`cjk_font`. Element ids are prefixed
per picture so several SVGs can live in one HTML page, and the output is the same bytes on
every run.
"""
from __future__ import annotations

import io
import re
import warnings
from contextlib import contextmanager

from ..extract.errors import PolicyKGError
from .report_model import CATEGORY_ZH, LEVEL_ZH, LEVELS
from .report_views import NO_CAMPAIGN, adoption_matrix, fidelity_matrix, timeline_panels

__all__ = ["cjk_font", "timeline_svgs", "lags_svg", "adoption_svg", "fidelity_svg", "figures_svg",
           "MissingPlotLibrary"]

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
                "Noto Sans CJK JP", "Noto Serif CJK SC", "AR PL UMing CN")
LEVEL_COLOURS = {"Country": "#7f1d1d", "Province": "#c2410c", "Prefecture": "#a16207", "County": "#1d4ed8",
                 "Township": "#047857", "": "#6b7280"}
INK, MUTED, GRID = "#1f2937", "#6b7280", "#e5e7eb"


class MissingPlotLibrary(PolicyKGError, ImportError):
    """matplotlib is not installed."""


def cjk_font() -> str | None:
    """The first installed font family that has Chinese glyphs (None when there is none)."""
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FAMILIES:
        if name in names:
            return name
    for name in sorted(names):
        if "CJK" in name or "Hei" in name or "Song" in name:
            return name
    return None


@contextmanager
def _style():
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover - the extra is installed in tests
        raise MissingPlotLibrary("the report's plots need matplotlib: pip install 'policykg[report]'") from e
    font = cjk_font()
    rc = {"svg.fonttype": "path", "svg.hashsalt": "policykg", "font.size": 9,
          "font.family": "sans-serif", "font.sans-serif": ([font] if font else []) + ["DejaVu Sans"],
          "axes.unicode_minus": False, "axes.edgecolor": "#9ca3af", "axes.labelcolor": INK,
          "xtick.color": INK, "ytick.color": INK, "axes.titleweight": "bold", "axes.titlesize": 10}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        warnings.filterwarnings("ignore", message="Matplotlib currently does not support")
        yield


def _figure(w: float, h: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(w, h), dpi=72, layout="constrained")


_ID = re.compile(r'\bid="([^"]+)"')


def _svg(fig, prefix: str, title: str) -> str:
    """The figure as an ``<svg>`` element for inlining: no XML prolog or metadata, ids prefixed."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    ids = set(_ID.findall(text))
    if ids:
        pattern = re.compile(r'(\bid="|#)(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
                             + r')(?=["\)])')
        text = pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    from html import escape
    text = text.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="plot" ', 1)
    return text.strip()


def _vertical(label: str, limit: int = 8) -> str:
    """A Chinese label written top to bottom, one character a line."""
    label = label if len(label) <= limit else label[:limit - 1] + "…"
    return "\n".join(label)


# --- cascade timeline -----------------------------------------------------------------------

def timeline_svgs(data, *, max_panels: int = 8, max_rows: int = 40) -> list[dict]:
    """One timeline per campaign, the campaigns with most meetings first:
    ``[{"campaign", "svg", "panel", "of"}]`` (``of``: how many campaigns have a timeline)."""
    out = []
    panels = timeline_panels(data, max_panels=None, max_rows=max_rows)
    with _style():
        for k, panel in enumerate(panels[:max_panels]):
            fig = _timeline_figure(panel)
            title = f"传达时间线 cascade timeline: {panel['campaign']}"
            out.append({"campaign": panel["campaign"], "svg": _svg(fig, f"tl{k}", title), "panel": panel,
                        "of": len(panels)})
    return out


def _timeline_figure(panel: dict):
    import datetime as dt
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter, DayLocator, date2num
    from matplotlib.patches import ConnectionPatch

    rows, points = panel["rows"], panel["points"]
    dated = [p for p in points if p["date"] is not None]
    undated = [p for p in points if p["date"] is None]
    n = len(rows)
    fig = _figure(10.5, 1.3 + 0.3 * max(n, 2))
    if dated and undated:
        gs = fig.add_gridspec(1, 2, width_ratios=[1, 6], wspace=0.02)
        ax_u = fig.add_subplot(gs[0])
        ax_d = fig.add_subplot(gs[1], sharey=ax_u)
    elif dated:
        ax_u, ax_d = None, fig.add_subplot()
    else:
        ax_u, ax_d = fig.add_subplot(), None

    first = ax_u or ax_d
    first.set_ylim(n - 0.5, -0.5)
    first.set_yticks(range(n), [r["label"] for r in rows])
    for tick, r in zip(first.get_yticklabels(), rows):
        tick.set_color(LEVEL_COLOURS.get(r["level"], INK))
    axes = [a for a in (ax_u, ax_d) if a is not None]
    # level bands
    for ax in axes:
        start = 0
        for i in range(1, n + 1):
            if i == n or rows[i]["level"] != rows[start]["level"]:
                lv = LEVELS.index(rows[start]["level"]) if rows[start]["level"] in LEVELS else 5
                if lv % 2 == 0:
                    ax.axhspan(start - 0.5, i - 0.5, color="#f3f4f6", zorder=0, lw=0)
                if ax is axes[-1]:
                    ax.text(1.0, (start + i - 1) / 2, " " + LEVEL_ZH.get(rows[start]["level"], ""),
                            transform=ax.get_yaxis_transform(), va="center", ha="left", color=MUTED,
                            fontsize=8)
                start = i
        ax.grid(axis="x", color=GRID, lw=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    pos = {}
    if ax_u is not None:
        ax_u.set_xlim(-1, 1)
        ax_u.set_xticks([0], ["日期不详\nundated"])
        for p in undated:
            pos[p["meeting"]] = (ax_u, 0.0, p["row"])
            ax_u.scatter([0], [p["row"]], marker="D", s=26, color="#9ca3af", edgecolor=INK, lw=0.5, zorder=3)
        if ax_d is not None:
            ax_d.tick_params(axis="y", left=False, labelleft=False)
            ax_d.spines["left"].set_linestyle((0, (2, 2)))
    if ax_d is not None:
        xs = [p["date"] for p in dated]
        lo, hi = min(xs), max(xs)
        pad = max(1.0, (hi - lo).days * 0.06, (7 - (hi - lo).days) / 2)
        ax_d.set_xlim(date2num(lo - dt.timedelta(days=pad)), date2num(hi + dt.timedelta(days=pad)))
        if (hi - lo).days + 2 * pad <= 16:
            loc = DayLocator()
        else:
            loc = AutoDateLocator(minticks=3, maxticks=9)
        ax_d.xaxis.set_major_locator(loc)
        if panel.get("year_unknown"):
            ax_d.xaxis.set_major_formatter(DateFormatter("%m-%d"))
            ax_d.set_xlabel("月-日（年份不详） month-day, year unknown", color=MUTED, fontsize=8)
        else:
            ax_d.xaxis.set_major_formatter(ConciseDateFormatter(loc, show_offset=True))
        for p in dated:
            x = date2num(p["date"])
            pos[p["meeting"]] = (ax_d, x, p["row"])
            colour = LEVEL_COLOURS.get(p["level"], INK)
            ax_d.scatter([x], [p["row"]], s=34, zorder=3, lw=1.2, edgecolor=colour,
                         color="white" if p["assumed"] else colour)
    # arrows: upstream → meeting
    for a in panel["arrows"]:
        if a["from"] not in pos or a["to"] not in pos:
            continue
        (axa, xa, ya), (axb, xb, yb) = pos[a["from"]], pos[a["to"]]
        style = dict(arrowstyle="-|>", color="#4b5563", lw=0.8, shrinkA=4, shrinkB=4, mutation_scale=8,
                     connectionstyle="arc3,rad=-0.25" if xa == xb else "arc3,rad=0.08")
        if axa is axb:
            axa.annotate("", xy=(xb, yb), xytext=(xa, ya), arrowprops=style, zorder=2)
        else:
            fig.add_artist(ConnectionPatch(xyA=(xa, ya), coordsA=axa.transData, xyB=(xb, yb),
                                           coordsB=axb.transData, zorder=2, **style))
        if a["lag"] is not None:
            axb.annotate(f"+{a['lag']}天" if a["lag"] >= 0 else f"{a['lag']}天", xy=(xb, yb), xytext=(6, -7),
                         textcoords="offset points", fontsize=7, color="#b91c1c", ha="left", va="center")
    title = f"{panel['campaign']} — {panel['meetings']} 次会议 meetings, {len(rows)} 地 localities"
    if panel["omitted_rows"]:
        title += f" (另有 {panel['omitted_rows']} 地未显示 more not shown)"
    fig.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold", color=INK)
    return fig


# --- lags ----------------------------------------------------------------------------------

def lags_svg(data) -> str | None:
    """A dot plot of lags in days per level pair, with medians; None when no lag is known."""
    if not data.lags:
        return None
    with _style():
        from matplotlib.patches import Rectangle
        pairs = data.lags
        fig = _figure(8.5, 1.2 + 0.75 * len(pairs))
        ax = fig.add_subplot()
        hi = max(max(p["lags"]) for p in pairs)
        lo = min(min(p["lags"]) for p in pairs)
        for i, p in enumerate(pairs):
            counts: dict[int, int] = {}
            for v in p["lags"]:
                counts[v] = counts.get(v, 0) + 1
            top = max(counts.values())
            if top <= 8:                       # a dot per meeting, stacked
                xs = [v for v, c in sorted(counts.items()) for _ in range(c)]
                ys = [i - 0.08 - 0.1 * k for v, c in sorted(counts.items()) for k in range(c)]
                ax.scatter(xs, ys, s=30, color="#2563eb", edgecolor="white", lw=0.6, zorder=3)
            else:                              # too many to stack: a histogram of counts
                width = max(0.8, (hi - lo) / 120)
                vals = sorted(counts)
                ax.bar(vals, [-0.5 * counts[v] / top for v in vals], bottom=i - 0.08, width=width,
                       color="#2563eb", zorder=3)
                ax.annotate(f"最多 max {top}", xy=(vals[max(range(len(vals)), key=lambda k: counts[vals[k]])],
                                                   i - 0.58), fontsize=7, color="#2563eb", ha="center", va="bottom")
            if p["n"] >= 4:
                ax.add_patch(Rectangle(
                    (p["q1_days"], i - 0.32), max(p["q3_days"] - p["q1_days"], 0.05), 0.34,
                    facecolor="#dbeafe", edgecolor="none", zorder=1))
            ax.plot([p["median_days"]] * 2, [i - 0.36, i + 0.06], color="#b91c1c", lw=2, zorder=4)
            ax.annotate(f"中位数 median {p['median_days']:g} 天 days · n={p['n']}",
                        xy=(p["median_days"], i + 0.06), xytext=(4, 2), textcoords="offset points",
                        fontsize=8, color="#b91c1c", va="bottom")
        ax.set_yticks(range(len(pairs)), [p["pair"] for p in pairs])
        ax.set_ylim(len(pairs) - 0.5, -0.7)
        span = max(hi - lo, 4)
        ax.set_xlim(lo - 0.08 * span - 0.5, hi + 0.25 * span + 0.5)
        ax.set_xlabel("上级会议到本级会议的天数 days from the upstream meeting")
        ax.grid(axis="x", color=GRID, lw=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return _svg(fig, "lags", "传达时滞 lags by level pair")


# --- matrices ------------------------------------------------------------------------------

def _column_labels(fig, ax, cols):
    ax.set_xticks(range(len(cols)), [_vertical(c["formulation"]) for c in cols], fontsize=8, linespacing=0.95)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, pad=3)
    # campaign groups under the matrix
    start = 0
    for j in range(1, len(cols) + 1):
        if j == len(cols) or cols[j]["campaign"] != cols[start]["campaign"]:
            name = cols[start]["campaign"] or NO_CAMPAIGN
            width = j - start
            short = name if len(name) <= max(2, int(width * 1.6)) else name[:max(1, int(width * 1.6) - 1)] + "…"
            ax.annotate("", xy=(start - 0.45, 1.0), xytext=(j - 0.55, 1.0), xycoords=("data", "axes fraction"),
                        textcoords=("data", "axes fraction"), annotation_clip=False,
                        arrowprops=dict(arrowstyle="-", color=MUTED, lw=0.8))
            ax.annotate(short, xy=((start + j - 1) / 2, 0.0), xycoords=("data", "axes fraction"), xytext=(0, -4),
                        textcoords="offset points", ha="center", va="top", fontsize=8, color=MUTED,
                        annotation_clip=False)
            if j < len(cols):
                ax.axvline(j - 0.5, color="#9ca3af", lw=0.8)
            start = j


def _row_labels(ax, rows):
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
    for tick, r in zip(ax.get_yticklabels(), rows):
        tick.set_color(LEVEL_COLOURS.get(r["level"], INK))
    for i in range(1, len(rows)):
        if rows[i]["level"] != rows[i - 1]["level"]:
            ax.axhline(i - 0.5, color="#9ca3af", lw=0.8)


def adoption_svg(data, *, max_rows: int = 60, max_cols: int = 40) -> str | None:
    """The adoption matrix as a heat map; None when no locality mentioned a formulation."""
    m = adoption_matrix(data, max_rows=max_rows, max_cols=max_cols)
    if not m["rows"] or not m["cols"]:
        return None
    with _style():
        import numpy as np
        from matplotlib.colors import ListedColormap
        rows, cols = m["rows"], m["cols"]
        grid = np.zeros((len(rows), len(cols)))
        for (i, j), v in m["cells"].items():
            grid[i, j] = v
        label_h = 0.16 * max(min(len(c["formulation"]), 8) for c in cols)
        fig = _figure(2.4 + 0.3 * len(cols), 1.6 + label_h + 0.27 * len(rows))
        ax = fig.add_subplot()
        ax.imshow(grid, cmap=ListedColormap(["#ffffff", "#93c5fd", "#1d4ed8"]), vmin=0, vmax=2,
                  aspect="auto", interpolation="nearest")
        ax.set_xticks(np.arange(-0.5, len(cols), 1), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rows), 1), minor=True)
        ax.grid(which="minor", color=GRID, lw=0.5)
        ax.tick_params(which="minor", length=0)
        _row_labels(ax, rows)
        _column_labels(fig, ax, cols)
        from matplotlib.patches import Patch
        fig.legend(handles=[Patch(color="#1d4ed8", label="列出条目 items listed"),
                            Patch(color="#93c5fd", label="仅提及 named only")],
                   loc="outside lower right", ncols=2, frameon=False, fontsize=8)
        return _svg(fig, "adoption", "提法采用矩阵 adoption matrix")


def fidelity_svg(data, *, max_rows: int = 60, max_cols: int = 40) -> str | None:
    """Per locality and formulation, the fidelity score; per locality, the mean. None when nothing is scored."""
    m = fidelity_matrix(data, max_rows=max_rows, max_cols=max_cols)
    if not m["rows"] or not m["cols"]:
        return None
    with _style():
        import numpy as np
        rows, cols = m["rows"], m["cols"]
        grid = np.full((len(rows), len(cols)), np.nan)
        for (i, j), v in m["cells"].items():
            grid[i, j] = v
        label_h = 0.16 * max(min(len(c["formulation"]), 8) for c in cols)
        fig = _figure(4.6 + 0.42 * len(cols), 1.6 + label_h + 0.3 * len(rows))
        gs = fig.add_gridspec(1, 2, width_ratios=[max(len(cols), 2) * 0.42, 2.0])
        ax = fig.add_subplot(gs[0])
        bx = fig.add_subplot(gs[1], sharey=ax)
        from matplotlib import colormaps
        cmap = colormaps["RdYlGn"].with_extremes(bad="#ffffff")
        im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto",
                       interpolation="nearest")
        for (i, j), v in sorted(m["cells"].items()):
            ax.text(j, i, f"{v:.2f}".rstrip("0").rstrip(".") if v not in (0, 1) else f"{v:.0f}",
                    ha="center", va="center", fontsize=7, color="white" if v < 0.25 or v > 0.85 else INK)
        ax.set_xticks(np.arange(-0.5, len(cols), 1), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rows), 1), minor=True)
        ax.grid(which="minor", color=GRID, lw=0.5)
        ax.tick_params(which="minor", length=0)
        _row_labels(ax, rows)
        _column_labels(fig, ax, cols)
        scores = [s if s is not None else 0 for s in m["scores"]]
        bx.barh(range(len(rows)), scores, color=[cmap(s) for s in scores], edgecolor="#9ca3af", lw=0.5)
        for i, s in enumerate(scores):
            bx.text(s + 0.02, i, f"{s:.2f}", va="center", fontsize=7, color=INK)
        bx.set_xlim(0, 1.25)
        bx.set_xticks([0, 0.5, 1])
        bx.tick_params(axis="y", left=False, labelleft=False)
        bx.set_title("地方得分\nlocality score", fontsize=8, fontweight="normal", color=MUTED)
        for side in ("top", "right"):
            bx.spines[side].set_visible(False)
        fig.colorbar(im, ax=bx, orientation="horizontal", fraction=0.04, pad=0.02, label="一致性 fidelity")
        return _svg(fig, "fidelity", "措辞一致性 wording fidelity")


# --- corpus figures ------------------------------------------------------------------------

def figures_svg(data) -> str | None:
    """Localities by level and formulations/items per category, as bar charts."""
    fig_rows = {(r["figure"], r["key"]): r["value"] for r in data.figures}
    if not any(isinstance(v, int) and v for v in fig_rows.values()):
        return None
    with _style():
        import numpy as np
        fig = _figure(10.5, 2.8)
        gs = fig.add_gridspec(1, 2, width_ratios=[1, 1.6])
        ax = fig.add_subplot(gs[0])
        bx = fig.add_subplot(gs[1])
        levels = LEVELS[1:]
        y = np.arange(len(levels))
        allv = [fig_rows.get(("localities", lv), 0) for lv in levels]
        held = [fig_rows.get(("localities holding meetings", lv), 0) for lv in levels]
        ax.barh(y - 0.2, allv, 0.38, color="#cbd5e1", label="提到的 mentioned")
        ax.barh(y + 0.2, held, 0.38, color="#1d4ed8", label="召开会议的 holding meetings")
        for yy, a, h in zip(y, allv, held):
            ax.text(a, yy - 0.2, f" {a}", va="center", fontsize=7, color=MUTED)
            ax.text(h, yy + 0.2, f" {h}", va="center", fontsize=7, color=INK)
        ax.set_yticks(y, [LEVEL_ZH[lv] for lv in levels])
        ax.invert_yaxis()
        ax.set_title("各级地方 localities by level", loc="left")
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
        cats = list(CATEGORY_ZH)[:-1]
        x = np.arange(len(cats))
        forms = [fig_rows.get(("formulations", c), 0) for c in cats]
        items = [fig_rows.get(("items", c), 0) for c in cats]
        bx.bar(x - 0.2, forms, 0.38, color="#a16207", label="提法 formulations")
        bx.bar(x + 0.2, items, 0.38, color="#fcd34d", label="条目 items")
        bx.set_xticks(x, [f"{CATEGORY_ZH[c]}\n{c}" for c in cats], fontsize=8)
        bx.set_title("各类提法与条目 facts per category", loc="left")
        bx.legend(frameon=False, fontsize=8, loc="upper left")
        for a in (ax, bx):
            for side in ("top", "right"):
                a.spines[side].set_visible(False)
        return _svg(fig, "figures", "语料概况 corpus figures")
