"""The report page: one self-contained HTML file (inline CSS and SVG, no script, no network).

A Content-Security-Policy in the page itself forbids every network request, so the report
opens the same way offline. Every text that comes from the graph is HTML-escaped.
"""
from __future__ import annotations

from html import escape

from .report_fidelity import VARIANT_SIMILARITY, VARIANT_WEIGHT
from .report_model import CATEGORY_ZH, LEVEL_ZH, QUERIES, ReportData, query_text

__all__ = ["render_page", "HTML_ROWS", "CSV_FILES"]

HTML_ROWS = 400
"""At most this many rows of each table are written into the page (the CSV files have all)."""

CSV_FILES = {"report_meetings": "timeline, cascade.csv", "report_cascade": "cascade.csv", "report_lags": "lags.csv",
             "report_adoption": "adoption.csv", "report_wording": "fidelity.csv, fidelity_scores.csv, formulations.csv",
             "report_lexicon": "formulations.csv", "report_figures": "figures.csv"}

CSS = """
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#fafaf9;--accent:#1d4ed8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",system-ui,sans-serif}
header{background:#111827;color:#f9fafb;padding:28px 40px 18px}
header h1{margin:0;font-size:26px;letter-spacing:.02em}
header p{margin:6px 0 0;color:#d1d5db}
nav{margin-top:14px;display:flex;flex-wrap:wrap;gap:6px 18px}
nav a{color:#93c5fd;text-decoration:none;font-size:14px}
main{max-width:1280px;margin:0 auto;padding:8px 40px 40px}
section{margin-top:34px}
h2{font-size:21px;margin:0 0 4px;border-bottom:2px solid var(--ink);padding-bottom:4px}
h2 small,h3 small{font-weight:normal;color:var(--muted);font-size:14px;margin-left:8px}
h3{font-size:16px;margin:22px 0 6px}
p.note{color:var(--muted);margin:4px 0 12px;max-width:70em;font-size:14px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:140px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:13px}
figure{margin:12px 0 18px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px}
svg.plot{display:block;max-width:100%;height:auto}
details{margin:8px 0 16px}
summary{cursor:pointer;color:var(--accent)}
.scroll{overflow:auto;max-height:36em;border:1px solid var(--line);border-radius:6px;background:#fff}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.identical{background:#dcfce7}.variant{background:#fef3c7}.missing{background:#f3f4f6;color:#9ca3af}
.added{background:#fee2e2}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border-radius:4px;font-size:13px}
code,pre{font-family:"Noto Sans Mono CJK SC",ui-monospace,monospace;font-size:12.5px}
pre{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px;overflow:auto}
footer{color:var(--muted);font-size:13px;padding:20px 40px;border-top:1px solid var(--line)}
"""


def _e(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(value))


def _level(lv: str) -> str:
    return LEVEL_ZH.get(lv, lv)


def _table(rows: list, columns: list[tuple[str, str]], *, numeric: tuple = (), limit: int = HTML_ROWS,
           css=None) -> str:
    head = "".join(f"<th>{escape(title)}</th>" for _key, title in columns)
    body = []
    for r in rows[:limit]:
        cells = []
        for key, _title in columns:
            v = r.get(key)
            if key in ("level", "upstream_level"):
                v = _level(v or "")
            if key == "category":
                v = f"{CATEGORY_ZH.get(v, v)} {v}"
            cls = ' class="num"' if key in numeric else ""
            if css and key in css:
                cls = f' class="{css[key](r)}"'
            cells.append(f"<td{cls}>{_e(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(rows) > limit:
        more = f'<p class="note">显示前 {limit} 行，共 {len(rows)} 行；完整表格见 CSV。 First {limit} of {len(rows)} rows; the CSV has all.</p>'
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>{more}'


def _details(summary: str, inner: str, *, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}><summary>{escape(summary)}</summary>{inner}</details>"


def _figure(svg: str | None, empty: str) -> str:
    if not svg:
        return f'<p class="note">{escape(empty)}</p>'
    return f"<figure>{svg}</figure>"


def _figures_section(data: ReportData, svg: str | None) -> str:
    f = {(r["figure"], r["key"]): r["value"] for r in data.figures}
    held = sum(v for (n, _k), v in f.items() if n == "localities holding meetings")
    dates = f"{f.get(('first date', ''), '—')} — {f.get(('last date', ''), '—')}"
    cards = [("documents", "文档 documents"), ("meetings", "会议 meetings"), ("follows links", "传达关系 follows links"),
             ("lags computed", "可计算时滞 lags computed"), ("campaigns", "运动 campaigns"),
             ("statements", "讲话要点 statements")]
    html = ['<div class="cards">']
    for key, title in cards:
        html.append(f'<div class="card"><b>{_e(f.get((key, ""), 0))}</b><span>{escape(title)}</span></div>')
    html.append(f'<div class="card"><b>{held}</b><span>召开会议的地方 localities holding meetings</span></div>')
    html.append(f'<div class="card"><b style="font-size:17px">{escape(dates)}</b><span>日期范围 dates covered '
                f'(+{_e(f.get(("meetings dated", "gMonthDay"), 0))} 仅月日 month-day only)</span></div>')
    html.append("</div>")
    html.append(_figure(svg, "没有可绘制的数据。 Nothing to plot."))
    html.append(_details("表格 table: figures.csv", _table(data.figures, [("figure", "figure"), ("key", "key"),
                                                                           ("value", "value")])))
    return "".join(html)


def _cascade_section(data: ReportData, timelines: list[dict]) -> str:
    html = ['<p class="note">每个点是一次会议，每行一个地方，按级别（国家、省、地、县、乡）分组；箭头从上级会议指向贯彻它的会议'
            '（pk:follows），红字为相隔天数。空心点：年份据发布日期推定；菱形：日期不详或年份不详。'
            ' Each dot is a meeting, one row per locality grouped by level; arrows run from the upstream meeting to '
            'the meeting that follows it, red figures are the lag in days. Hollow dots: year taken from the '
            'publication date; diamonds: no date, or no year.</p>']
    if not timelines:
        html.append('<p class="note">没有会议。 No meetings.</p>')
    for t in timelines:
        html.append(f"<figure>{t['svg']}</figure>")
    if timelines and timelines[0]["of"] > len(timelines):
        more = timelines[0]["of"] - len(timelines)
        html.append(f'<p class="note">另有 {more} 个运动的会议未绘制，见 cascade.csv。 '
                    f'{more} more campaigns are not drawn; their meetings are in cascade.csv.</p>')
    linked = [r for r in data.cascade if r["follows"]]
    cols = [("locality", "地方 locality"), ("level", "级别 level"), ("meeting_label", "会议 meeting"),
            ("date", "日期 date"), ("upstream_locality", "上级 upstream"), ("upstream_label", "上级会议 upstream meeting"),
            ("upstream_date", "上级日期 upstream date"), ("lag_days", "天数 lag (days)"), ("campaign", "运动 campaign")]
    html.append(_details(f"传达关系表 follows table ({len(linked)}): cascade.csv", _table(linked, cols, numeric=("lag_days",))))
    return "".join(html)


def _lags_section(data: ReportData, svg: str | None) -> str:
    html = ['<p class="note">从上级会议到贯彻它的会议相隔的天数，按级别对分组；红线为中位数，浅蓝框为四分位距（n ≥ 4）。'
            '仅当两次会议都有完整日期，或都只有月日且见于同一文档时计算。 Days from the upstream meeting to the meeting '
            'that follows it, per level pair; red bars are medians, the pale box the interquartile range (n ≥ 4). '
            'Computed when both meetings have full dates, or both have month-day dates in one document.</p>',
            _figure(svg, "没有可计算的时滞。 No lag can be computed (upstream meetings without dates).")]
    cols = [("pair", "级别对 level pair"), ("n", "n"), ("median_days", "中位数 median"), ("q1_days", "Q1"),
            ("q3_days", "Q3"), ("min_days", "最小 min"), ("max_days", "最大 max")]
    html.append(_details("表格 table: lags.csv", _table(data.lags, cols, numeric=("n", "median_days", "q1_days",
                                                                               "q3_days", "min_days", "max_days"))))
    return "".join(html)


def _adoption_section(data: ReportData, svg: str | None) -> str:
    cols = [("locality", "地方 locality"), ("level", "级别 level"), ("campaign", "运动 campaign"),
            ("formulation", "提法 formulation"), ("category", "类别 category"), ("meetings", "会议数 meetings"),
            ("items_listed", "列出条目 items listed"), ("first_date", "最早日期 first date")]
    return "".join([
        '<p class="note">各地（行）的会议提到了哪些提法（列，按运动和类别分组）。深色：列出了条目；浅色：只提到名称。'
        ' Which formulations (columns, grouped by campaign and category) each locality’s meetings (rows) mentioned. '
        'Dark: items listed; light: named only.</p>',
        _figure(svg, "没有提法。 No formulation was mentioned."),
        _details(f"表格 table ({len(data.adoption)}): adoption.csv", _table(data.adoption, cols, numeric=("meetings",)))])


def _fidelity_section(data: ReportData, svg: str | None) -> str:
    html = [
        '<p class="note"><b>规范条目</b>：词表中的条目（pk:lexiconItem），否则为语料中各位置最常见的措辞（每地一票，'
        '平票取级别最高者，再按字典序）；至少两地列出条目或有词表条目的提法才计分。<b>匹配</b>：先配对相同措辞，再配对'
        f'相似度（共有字符 × 2 ÷ 两者字数之和）≥ {VARIANT_SIMILARITY} 的变体。<b>得分</b> = （相同 + {VARIANT_WEIGHT} × 变体）'
        '÷（规范条目数 + 增加条目数）；地方得分为其各提法得分的平均。<br>'
        '<b>Canonical items</b>: the lexicon’s (pk:lexiconItem), else the corpus’s most frequent wording at each '
        'position (one vote per locality; ties to the highest level, then lexical order); a formulation is scored '
        'when it has lexicon items or at least two localities listed its items. <b>Matching</b>: identical wordings '
        f'first, then variants, whose similarity (2 × shared characters ÷ total length) is at least {VARIANT_SIMILARITY}. '
        f'<b>Score</b> = (identical + {VARIANT_WEIGHT} × variant) ÷ (canonical items + added items); a locality’s score is '
        'the mean over its formulations.</p>',
        '<p class="legend"><span class="identical">相同 identical</span><span class="variant">变体 variant</span>'
        '<span class="missing">缺失 missing</span><span class="added">增加 added</span></p>',
        _figure(svg, "没有可计分的提法（至少两地列出同一提法的条目，或有词表条目）。 No formulation can be scored.")]
    groups: dict[tuple, list] = {}
    for r in data.fidelity:
        groups.setdefault((r["campaign"], r["formulation"], r["category"]), []).append(r)
    canon = {(f["campaign"], f["formulation"], f["category"]): f for f in data.formulation_scores}
    shown = 0
    for key, rows in groups.items():
        if shown >= 40:
            html.append(f'<p class="note">另有 {len(groups) - shown} 个提法见 fidelity.csv。 '
                        f'{len(groups) - shown} more formulations in fidelity.csv.</p>')
            break
        shown += 1
        info = canon.get(key, {})
        items = [r["canonical_item"] for r in rows if r["canonical_item"]]
        items = list(dict.fromkeys(items))
        by_loc: dict[str, list] = {}
        for r in rows:
            by_loc.setdefault(r["_iri"], []).append(r)
        head = "".join(f"<th>{escape(i)}</th>" for i in items)
        body = []
        for loc_rows in list(by_loc.values())[:HTML_ROWS]:
            first = loc_rows[0]
            cells = {r["canonical_item"]: r for r in loc_rows if r["canonical_item"]}
            tds = []
            for i in items:
                r = cells.get(i)
                if r is None:
                    tds.append("<td></td>")
                else:
                    tds.append(f'<td class="{r["status"]}">{_e(r["wording"] or "—")}</td>')
            added = " | ".join(r["wording"] for r in loc_rows if r["status"] == "added")
            body.append(f"<tr><td>{_e(first['locality'])}</td><td>{_e(_level(first['level']))}</td>"
                        f'<td class="num">{_e(first["formulation_score"])}</td>{"".join(tds)}'
                        f'<td class="added">{_e(added)}</td></tr>' if added else
                        f"<tr><td>{_e(first['locality'])}</td><td>{_e(_level(first['level']))}</td>"
                        f'<td class="num">{_e(first["formulation_score"])}</td>{"".join(tds)}<td></td></tr>')
        source = "词表 lexicon" if info.get("canonical_source") == "lexicon" else "语料 corpus"
        html.append(f"<h3>{_e(key[1])}<small>{_e(key[0] or '—')} · {_e(CATEGORY_ZH.get(key[2], key[2]))} "
                    f"{_e(key[2])} · 规范来源 canonical: {source} · 平均 mean {_e(info.get('mean_score'))}</small></h3>")
        html.append('<div class="scroll"><table><thead><tr><th>地方 locality</th><th>级别 level</th>'
                    f'<th>得分 score</th>{head}<th>增加 added</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')
    cols = [("locality", "地方 locality"), ("level", "级别 level"), ("formulations", "提法数 formulations"),
            ("identical", "相同 identical"), ("variant", "变体 variant"), ("missing", "缺失 missing"),
            ("added", "增加 added"), ("score", "得分 score")]
    html.append("<h3>地方得分 locality scores</h3>")
    html.append(_table(data.fidelity_scores, cols, numeric=("formulations", "identical", "variant", "missing",
                                                            "added", "score")))
    fcols = [("campaign", "运动 campaign"), ("formulation", "提法 formulation"), ("category", "类别 category"),
             ("canonical_source", "来源 source"), ("canonical_items", "规范条目 canonical items"),
             ("localities", "列出条目的地方 localities listing"), ("scored", "计分 scored"), ("mean_score", "平均 mean")]
    html.append(_details(f"全部提法 all formulations ({len(data.formulation_scores)}): formulations.csv",
                         _table(data.formulation_scores, fcols, numeric=("localities", "mean_score"))))
    return "".join(html)


def _queries_section() -> str:
    html = ['<p class="note">每张表都来自一个命名 SPARQL 查询（policykg 的 queries 目录），天数、中位数与一致性得分由报告在查询结果上计算。'
            ' Each table comes from one of policykg’s named SPARQL queries (below); lags, medians and fidelity scores '
            'are computed by the report from the query results.</p>']
    for name in QUERIES:
        text = query_text(name)
        zh = next((l[5:].strip() for l in text.splitlines() if l.startswith("# zh:")), "")
        en = next((l[5:].strip() for l in text.splitlines() if l.startswith("# en:")), "")
        html.append(_details(f"{name} → {CSV_FILES.get(name, '')} — {zh} / {en}", f"<pre>{escape(text)}</pre>"))
    return "".join(html)


def render_page(data: ReportData, plots: dict, *, title: str = "", source: str = "", version: str = "") -> str:
    """The whole page, from the tables and the SVG of each plot (``plots`` keys: timelines, lags,
    adoption, fidelity, figures)."""
    title = title or "政策传导报告 · Campaign cascade report"
    docs = next((r["value"] for r in data.figures if r["figure"] == "documents"), 0)
    sub = f"{escape(source)} · " if source else ""
    sections = [
        ("figures", "语料概况", "Corpus figures", _figures_section(data, plots.get("figures"))),
        ("cascade", "传达时间线", "Cascade timeline", _cascade_section(data, plots.get("timelines") or [])),
        ("lags", "传达时滞", "Lags", _lags_section(data, plots.get("lags"))),
        ("adoption", "提法采用矩阵", "Adoption matrix", _adoption_section(data, plots.get("adoption"))),
        ("fidelity", "措辞一致性", "Wording fidelity", _fidelity_section(data, plots.get("fidelity"))),
        ("queries", "查询", "Queries", _queries_section()),
    ]
    nav = "".join(f'<a href="#{sid}">{escape(zh)} {escape(en)}</a>' for sid, zh, en, _ in sections)
    body = "".join(f'<section id="{sid}"><h2>{escape(zh)}<small>{escape(en)}</small></h2>{inner}</section>'
                   for sid, zh, en, inner in sections)
    return ("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{escape(title)}</h1><p>{sub}{_e(docs)} 篇文档 documents</p><nav>{nav}</nav></header>\n"
            f"<main>{body}</main>\n<footer>policykg {escape(version)}</footer>\n</body>\n</html>\n")
