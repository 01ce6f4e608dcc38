"""What each plot of the report shows, as plain data: panels, rows, points, arrows, cells.

The plotting module draws these and nothing else, so tests can check what a picture holds
without looking at pixels.

>>> from policykg.graph.report_model import ReportData
>>> timeline_panels(ReportData()), adoption_matrix(ReportData())["rows"], fidelity_matrix(ReportData())["cols"]
([], [], [])
"""
from __future__ import annotations

import datetime as _dt

from .report_model import CATEGORIES, LEVEL_RANK, ReportData, parse_date

__all__ = ["timeline_panels", "adoption_matrix", "fidelity_matrix", "NO_CAMPAIGN"]

NO_CAMPAIGN = "（未标明运动）"


def _loc_key(data: ReportData, iri: str) -> tuple:
    info = data.localities.get(iri, {})
    return (LEVEL_RANK.get(info.get("level", ""), 9), info.get("code", ""), info.get("label", ""), iri)


def _row_label(data: ReportData, iri: str, labels_seen: dict) -> str:
    info = data.localities.get(iri, {})
    label = info.get("label") or "?"
    if labels_seen.get(label, 0) > 1 and info.get("code"):
        return f"{label} {info['code']}"
    return label


def timeline_panels(data: ReportData, *, max_panels: int | None = 8, max_rows: int = 40) -> list[dict]:
    """One panel per campaign: its meetings, the meetings they follow, and the arrows between them.

    Each panel is ``{"campaign", "rows", "points", "arrows", "meetings", "omitted_rows"}``: ``rows``
    are localities from the top level down (``{"locality", "label", "level"}``); ``points`` are
    meetings (``{"meeting", "row", "date", "assumed", "level", "label"}``, ``date`` a
    :class:`datetime.date` or None when undated; when no meeting of the panel has a year, the
    month-day dates are placed in a nominal year and ``year_unknown`` is true); ``arrows`` go from the upstream meeting to the
    meeting that follows it (``{"from", "to", "lag"}``). Panels are ordered by their number of
    meetings (the first ``max_panels``, or all with None); meetings without a locality are left out.
    """
    follows: dict[str, list] = {}
    for r in data.cascade:
        if r["follows"]:
            follows.setdefault(r["meeting"], []).append((r["follows"], r["lag_days"]))
    own: dict[str, list] = {}
    for m in data.meetings:
        own.setdefault(m["campaign"] or NO_CAMPAIGN, []).append(m["meeting"])
    panels = []
    for campaign, members in own.items():
        chosen = set(members)
        stack = list(members)
        while stack:                                   # add the upstream meetings, transitively
            for up, _lag in follows.get(stack.pop(), ()):
                if up not in chosen and data.meeting(up):
                    chosen.add(up)
                    stack.append(up)
        meetings = [data.meeting(m) for m in sorted(chosen)]
        meetings = [m for m in meetings if m and m["locality"]]
        if campaign == NO_CAMPAIGN:                    # only what takes part in a chain, or is dated
            linked = {m for m in chosen if follows.get(m)} | {u for m in chosen for u, _ in follows.get(m, ())}
            meetings = [m for m in meetings if m["meeting"] in linked or m["plot_date"]]
        if not meetings:
            continue
        locs = sorted({m["locality"] for m in meetings}, key=lambda l: _loc_key(data, l))
        omitted = 0
        if len(locs) > max_rows:
            keep = _representative(data, meetings, follows, max_rows)
            omitted = len(locs) - len(keep)
            locs = [l for l in locs if l in keep]
            meetings = [m for m in meetings if m["locality"] in keep]
        seen: dict[str, int] = {}
        for l in locs:
            lab = data.localities.get(l, {}).get("label", "?")
            seen[lab] = seen.get(lab, 0) + 1
        rows = [{"locality": l, "label": _row_label(data, l, seen),
                 "level": data.localities.get(l, {}).get("level", "")} for l in locs]
        index = {l: i for i, l in enumerate(locs)}
        points = [{"meeting": m["meeting"], "row": index[m["locality"]], "date": m["plot_date"],
                   "assumed": m["year_assumed"], "level": m["level"], "label": m["label"]} for m in meetings]
        year_unknown = False
        if not any(p["date"] for p in points):         # month-day dates only: a nominal year
            for p, m in zip(points, meetings):
                kind, value = parse_date(m["date"])
                if kind == "gMonthDay":
                    try:
                        p["date"], year_unknown = _dt.date(2000, *value), True
                    except ValueError:
                        pass
        present = {p["meeting"] for p in points}
        arrows = [{"from": up, "to": m, "lag": lag} for m in sorted(present)
                  for up, lag in sorted(follows.get(m, ()), key=lambda x: x[0]) if up in present]
        panels.append({"campaign": campaign, "rows": rows, "points": points, "arrows": arrows,
                       "meetings": len(members), "omitted_rows": omitted, "year_unknown": year_unknown})
    panels.sort(key=lambda p: (p["campaign"] == NO_CAMPAIGN, -p["meetings"], p["campaign"]))
    return panels if max_panels is None else panels[:max_panels]


def _representative(data: ReportData, meetings: list, follows: dict, limit: int) -> set:
    """At most ``limit`` localities that show whole chains: depth first down the cascade from the
    locality with the largest following, the largest branches first."""
    where = {m["meeting"]: m["locality"] for m in meetings}
    down: dict[str, set] = {}
    has_up: set = set()
    for m in meetings:
        for up, _lag in follows.get(m["meeting"], ()):
            a, b = where.get(up), m["locality"]
            if a and a != b:
                down.setdefault(a, set()).add(b)
                has_up.add(b)
    size: dict[str, int] = {}

    def reach(l: str) -> int:                      # how many localities follow l, directly or not
        if l not in size:
            size[l] = 0
            seen, stack = {l}, [l]
            while stack:
                for c in down.get(stack.pop(), ()):
                    if c not in seen:
                        seen.add(c)
                        stack.append(c)
            size[l] = len(seen) - 1
        return size[l]

    def order(ls):
        return sorted(ls, key=lambda l: (-reach(l), _loc_key(data, l)))

    keep: list = []
    chosen: set = set()
    roots = order({m["locality"] for m in meetings} - has_up) + order(has_up)
    for root in roots:
        stack = [root]
        while stack and len(keep) < limit:
            l = stack.pop()
            if l in chosen:
                continue
            chosen.add(l)
            keep.append(l)
            stack.extend(reversed(order(down.get(l, ()))))
        if len(keep) >= limit:
            break
    return chosen


def _matrix_rows(data: ReportData, iris, limit: int) -> tuple[list, int]:
    iris = sorted(set(iris), key=lambda l: _loc_key(data, l))
    omitted = max(0, len(iris) - limit)
    seen: dict[str, int] = {}
    for l in iris:
        lab = data.localities.get(l, {}).get("label", "?")
        seen[lab] = seen.get(lab, 0) + 1
    return [{"locality": l, "label": _row_label(data, l, seen),
             "level": data.localities.get(l, {}).get("level", "")} for l in iris[:limit]], omitted


def _cat_index(cat: str) -> int:
    return CATEGORIES.index(cat) if cat in CATEGORIES else len(CATEGORIES)


def adoption_matrix(data: ReportData, *, max_rows: int = 60, max_cols: int = 40) -> dict:
    """Localities × formulations (grouped by campaign, then category): 2 = items listed, 1 = named.

    ``{"rows", "cols", "cells", "omitted_rows", "omitted_cols"}``; ``cols`` are
    ``{"campaign", "formulation", "category", "localities"}``; ``cells[(row, col)]`` is 1 or 2.
    The most widely adopted formulations are kept when there are more than ``max_cols``.
    """
    adopters: dict[tuple, dict] = {}
    for r in data.adoption:
        key = (r["campaign"], r["formulation"], r["category"])
        value = 2 if r["items_listed"] else 1
        cell = adopters.setdefault(key, {})
        cell[r["_iri"]] = max(cell.get(r["_iri"], 0), value)
    keys = sorted(adopters, key=lambda k: (-len(adopters[k]), k))[:max_cols]
    size: dict[str, int] = {}
    for k in keys:
        size[k[0]] = size.get(k[0], 0) + len(adopters[k])
    keys.sort(key=lambda k: (k[0] == "", -size[k[0]], k[0], _cat_index(k[2]), -len(adopters[k]), k[1]))
    rows, omitted_rows = _matrix_rows(data, {l for k in keys for l in adopters[k]}, max_rows)
    index = {r["locality"]: i for i, r in enumerate(rows)}
    cells = {}
    for j, k in enumerate(keys):
        for loc, v in adopters[k].items():
            if loc in index:
                cells[(index[loc], j)] = v
    cols = [{"campaign": k[0], "formulation": k[1], "category": k[2], "localities": len(adopters[k])}
            for k in keys]
    return {"rows": rows, "cols": cols, "cells": cells, "omitted_rows": omitted_rows,
            "omitted_cols": max(0, len(adopters) - len(keys))}


def fidelity_matrix(data: ReportData, *, max_rows: int = 60, max_cols: int = 40) -> dict:
    """Localities × scored formulations: each cell the locality's score for that formulation.

    ``{"rows", "cols", "cells", "scores", "omitted_rows", "omitted_cols"}``; ``scores[row]`` is the
    locality's fidelity score; ``cells[(row, col)]`` a score in [0, 1].
    """
    per: dict[tuple, dict] = {}
    for r in data.fidelity:
        per.setdefault((r["campaign"], r["formulation"], r["category"]), {})[r["_iri"]] = r["formulation_score"]
    keys = sorted(per, key=lambda k: (-len(per[k]), k))[:max_cols]
    keys.sort(key=lambda k: (k[0] == "", k[0], _cat_index(k[2]), k[1]))
    rows, omitted_rows = _matrix_rows(data, {l for k in keys for l in per[k]}, max_rows)
    index = {r["locality"]: i for i, r in enumerate(rows)}
    cells = {(index[l], j): s for j, k in enumerate(keys) for l, s in per[k].items() if l in index}
    overall = {r["_iri"]: r["score"] for r in data.fidelity_scores}
    scores = [overall.get(r["locality"]) for r in rows]
    cols = [{"campaign": k[0], "formulation": k[1], "category": k[2], "localities": len(per[k])} for k in keys]
    return {"rows": rows, "cols": cols, "cells": cells, "scores": scores, "omitted_rows": omitted_rows,
            "omitted_cols": max(0, len(per) - len(keys))}
