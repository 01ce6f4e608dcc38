"""The report's tables: plain rows computed from the graph by the named ``report_*`` queries.

Each table comes from one query under ``graph/queries/`` (run with rdflib through
:func:`policykg.graph.query.run_query`), then a little Python for what SPARQL cannot say
portably: day differences, medians, wording fidelity. Rows are plain dicts of strings,
numbers and lists, in a deterministic order; the CSV files, the plots and the tests read
them, never the graph.

Dates: ``pk:date`` is an ``xsd:date`` or, when the year is unknown, an ``xsd:gMonthDay``
(``--03-04``). A lag (days from the upstream meeting to the meeting that follows it) is
computed when both dates are ``xsd:date``, or both are ``xsd:gMonthDay`` and one document
names both meetings (then a December → January pair is taken to cross the new year).

>>> from rdflib import Graph
>>> data = report_data(Graph())
>>> data.cascade, data.lags, [(r["figure"], r["value"]) for r in data.figures][:2]
([], [], [('documents', 0), ('meetings', 0)])
"""
from __future__ import annotations

import datetime as _dt
import re
import statistics
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

from . import report_fidelity as fid

__all__ = ["ReportData", "report_data", "query_text", "run_rows", "is_store", "QUERIES", "LEVELS", "LEVEL_ZH",
           "STEPS_DATA", "parse_date", "lag_days"]

PK = "https://w3id.org/policykg#"
XSD = "http://www.w3.org/2001/XMLSchema#"

LEVELS = ("Country", "Province", "Prefecture", "County", "Township")
"""Administrative levels from the top down; the rows of the timeline are grouped by them."""
LEVEL_ZH = {"Country": "国家级", "Province": "省级", "Prefecture": "地级", "County": "县级", "Township": "乡级",
            "": "级别不详"}
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}
CATEGORIES = ("Task", "Principle", "Goal", "Phase", "Theme", "Requirement", "Commitment", "Other")
CATEGORY_ZH = {"Task": "任务", "Principle": "原则", "Goal": "目标", "Phase": "环节", "Theme": "主题",
               "Requirement": "要求", "Commitment": "政治承诺", "Other": "其他", "": "未分类"}
COUNTRY_LABEL = "全国/中央"

QUERIES = ("report_meetings", "report_cascade", "report_lags", "report_adoption", "report_wording",
           "report_lexicon", "report_figures")
"""The named queries the report runs, one ``.rq`` file each under ``graph/queries/``."""

STEPS_DATA = ("meetings", "cascade", "lags", "adoption", "fidelity", "figures")
"""The steps of :func:`report_data`, in order (for progress bars)."""


def query_text(name: str) -> str:
    """The text of the named query ``graph/queries/<name>.rq``.

    >>> query_text("report_cascade").splitlines()[0].startswith("# zh:")
    True
    """
    return resources.files(__package__).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


class Value(str):
    """A term of a query result as a plain string (IRI, literal's lexical form), with its datatype."""

    __slots__ = ("datatype",)

    def __new__(cls, text: str, datatype: str = ""):
        v = super().__new__(cls, text)
        v.datatype = datatype
        return v


class Row(dict):
    """One query solution: variable → :class:`Value` (None when unbound); also as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def is_store(graph) -> bool:
    """True for a pyoxigraph ``Store``, False for an rdflib graph."""
    return type(graph).__module__.startswith("pyoxigraph")


def _rdflib_value(t):
    if t is None:
        return None
    dt = getattr(t, "datatype", None)
    return Value(str(t), str(dt) if dt is not None else "")


def _ox_value(t):
    if t is None:
        return None
    dt = getattr(t, "datatype", None)
    return Value(t.value, dt.value if dt is not None else "")


def run_rows(graph, text: str) -> list[Row]:
    """Run a SELECT query (the ontology's prefixes predeclared) on an rdflib graph or a pyoxigraph
    store; the rows are the same plain values from either."""
    if is_store(graph):
        from ..extract.errors import QueryError
        from .query import prologue
        try:
            res = graph.query(prologue() + text, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        names = [v.value for v in res.variables]
        return [Row((n, _ox_value(sol[n])) for n in names) for sol in res]
    from .query import run_query
    res = run_query(graph, text)
    names = [str(v) for v in res.vars]
    return [Row((n, _rdflib_value(r[n])) for n in names) for r in res]


def _run(graph, name: str) -> list[Row]:
    return run_rows(graph, query_text(name))


def _s(term) -> str:
    return "" if term is None else str(term)


def _local(term) -> str:
    """``pk:Province`` → ``Province``; other IRIs unchanged."""
    s = _s(term)
    return s[len(PK):] if s.startswith(PK) else s


# --- dates ----------------------------------------------------------------------------------

_GMD = re.compile(r"^--(\d\d)-(\d\d)")


def parse_date(lexical: str, datatype: str = ""):
    """``("date", date)``, ``("gMonthDay", (month, day))`` or ``("", None)``.

    >>> parse_date("2021-03-04", XSD + "date")
    ('date', datetime.date(2021, 3, 4))
    >>> parse_date("--03-04", XSD + "gMonthDay")
    ('gMonthDay', (3, 4))
    """
    if not lexical:
        return "", None
    m = _GMD.match(lexical)
    if m or datatype == XSD + "gMonthDay":
        if not m:
            return "", None
        return "gMonthDay", (int(m.group(1)), int(m.group(2)))
    try:
        return "date", _dt.date.fromisoformat(lexical[:10])
    except ValueError:
        return "", None


def lag_days(date: str, upstream: str, *, same_document: bool) -> int | None:
    """Days from the upstream meeting to the meeting, when both dates allow it.

    >>> lag_days("2021-03-04", "2021-03-01", same_document=False)
    3
    >>> lag_days("--03-04", "--03-04", same_document=True), lag_days("--03-04", "--03-01", same_document=False)
    (0, None)
    >>> lag_days("--01-02", "--12-30", same_document=True), lag_days("2021-03-04", "--03-01", same_document=True)
    (3, None)
    """
    k1, d1 = parse_date(date)
    k2, d2 = parse_date(upstream)
    if k1 == k2 == "date":
        return (d1 - d2).days
    if k1 == k2 == "gMonthDay" and same_document:
        try:
            lag = (_dt.date(2000, *d1) - _dt.date(2000, *d2)).days
            if lag < -180:  # the upstream meeting was in the previous year
                lag = (_dt.date(2001, *d1) - _dt.date(2000, *d2)).days
        except ValueError:
            return None
        return lag
    return None


def _plot_date(kind: str, value, issued: list[str]):
    """A date to place the meeting on a time axis, and whether its year was assumed."""
    if kind == "date":
        return value, False
    if kind == "gMonthDay":
        years = []
        for s in issued:
            k, d = parse_date(s[:10])
            if k == "date":
                try:
                    guess = _dt.date(d.year, *value)
                except ValueError:
                    continue
                years.append(guess if guess <= d else _dt.date(d.year - 1, *value))
        if years:
            return min(years), True
    return None, False


# --- the data -------------------------------------------------------------------------------

@dataclass
class ReportData:
    """Every table of the report, as lists of plain dict rows."""

    localities: dict = field(default_factory=dict)       # IRI → {label, code, level}
    campaigns: dict = field(default_factory=dict)        # IRI → label
    meetings: list = field(default_factory=list)
    cascade: list = field(default_factory=list)
    lags: list = field(default_factory=list)
    adoption: list = field(default_factory=list)
    fidelity: list = field(default_factory=list)
    fidelity_scores: list = field(default_factory=list)
    formulation_scores: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    by_iri: dict = field(default_factory=dict, repr=False)   # meeting IRI → its row

    def meeting(self, iri: str) -> dict | None:
        """The row of a meeting, by IRI."""
        return self.by_iri.get(iri)


def _prefer_label(labels) -> str:
    """Simplified-script labels first, then the shortest, then lexical order."""
    from ..extract.script import to_simplified
    labels = [l for l in labels if l]
    if not labels:
        return ""
    return sorted(labels, key=lambda l: (to_simplified(l) != l, len(l), l))[0]


def _locality_key(iri: str, info: dict) -> tuple:
    return (LEVEL_RANK.get(info.get("level", ""), 9), info.get("code", ""), info.get("label", ""), iri)


def _meetings(graph, data: ReportData) -> None:
    from ..extract.script import to_simplified
    rows: dict[str, dict] = {}
    seen: dict[str, dict] = {}                     # meeting → every value read, resolved below
    loc_labels: dict[str, set] = {}
    for r in _run(graph, "report_meetings"):
        m = str(r.meeting)
        v = seen.setdefault(m, {"label": set(), "where": set(), "date": set(), "campaign": set(), "docs": {}})
        v["label"].add(_s(r.label))
        level = _local(r.adminLevel) or _local(r.level)
        locality = _s(r.locality) or (PK + "Country" if _local(r.level) == "Country" else "")
        v["where"].add((locality, level, _s(r.code)))
        if r.date is not None:
            v["date"].add((str(r.date), r.date.datatype))
        if r.locality is not None:
            loc_labels.setdefault(str(r.locality), set()).add(_s(r.localityLabel))
        if r.campaign is not None:
            clabel = to_simplified(_s(r.campaignLabel))
            v["campaign"].add((clabel, str(r.campaign)))
            data.campaigns.setdefault(str(r.campaign), clabel)
        if r.document is not None:
            issued = v["docs"].setdefault(str(r.document), set())
            if r.issued is not None:
                issued.add(str(r.issued))
    for m, v in seen.items():
        # several values (a meeting merged from several documents): the smallest, so any engine agrees
        wheres = sorted(v["where"], key=lambda w: (w[0] == "", w[0], w[1] == "", w[1], w[2] == "", w[2]))
        locality, level, code = wheres[0]
        date, datatype = min(v["date"]) if v["date"] else ("", "")
        campaign, campaign_iri = min(v["campaign"]) if v["campaign"] else ("", "")
        row = rows[m] = {"meeting": m, "label": _prefer_label(v["label"]), "locality": locality, "level": level,
                         "code": code, "date": date, "date_kind": parse_date(date, datatype)[0],
                         "campaign": campaign, "campaign_iri": campaign_iri, "documents": sorted(v["docs"]),
                         "issued": sorted(i for d in sorted(v["docs"]) for i in v["docs"][d])}
        if locality and locality not in data.localities:
            if locality == PK + "Country":
                data.localities[locality] = {"label": COUNTRY_LABEL, "code": "", "level": "Country"}
            else:
                data.localities[locality] = {"label": to_simplified(_prefer_label(loc_labels.get(locality, ())))
                                             or locality.rsplit("/", 1)[-1], "code": code, "level": level}
        row["locality_label"] = data.localities.get(locality, {}).get("label", "")
        kind, value = parse_date(date)
        row["plot_date"], row["year_assumed"] = _plot_date(kind, value, row["issued"])
    data.meetings = sorted(rows.values(), key=lambda r: (
        _locality_key(r["locality"], data.localities.get(r["locality"], {})), r["date"], r["meeting"]))
    data.by_iri = {m["meeting"]: m for m in data.meetings}


def _cascade(graph, data: ReportData) -> None:
    best: dict[tuple, tuple] = {}
    for r in _run(graph, "report_cascade"):
        meeting, upstream = str(r.meeting), _s(r.upstream)
        key = (meeting, upstream)
        cand = (_s(r.date), _s(r.upstreamDate), _local(r.level), _local(r.upstreamLevel), _s(r.sameDocument))
        if key not in best or cand < best[key]:   # one row per link, the same whichever engine ran
            best[key] = cand
    out = []
    for (meeting, upstream), (date, up_date, level, up_level, same_doc) in best.items():
        m = data.meeting(meeting) or {}
        up = (data.meeting(upstream) or {}) if upstream else {}
        same = same_doc == "true"
        up_loc = up.get("locality", "")
        out.append({
            "meeting": meeting, "meeting_label": m.get("label", ""),
            "locality": m.get("locality_label", ""), "locality_code": m.get("code", ""),
            "level": level, "date": date, "campaign": m.get("campaign", ""),
            "follows": upstream, "upstream_label": up.get("label", ""),
            "upstream_locality": data.localities.get(up_loc, {}).get("label", "") if up_loc else "",
            "upstream_code": up.get("code", ""), "upstream_level": up_level,
            "upstream_date": up_date, "same_document": same if upstream else "",
            "lag_days": lag_days(date, up_date, same_document=same) if upstream else None,
        })
    order = {m["meeting"]: i for i, m in enumerate(data.meetings)}
    out.sort(key=lambda r: (order.get(r["meeting"], len(order)), r["meeting"], r["follows"]))
    data.cascade = out


def _quartiles(values: list[int]) -> tuple[float, float]:
    if len(values) < 2:
        return float(values[0]), float(values[0])
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def _lags(graph, data: ReportData) -> None:
    links: dict[tuple, tuple] = {}               # one lag per link (the smallest dates if several)
    for r in _run(graph, "report_lags"):
        key = (str(r.meeting), _s(r.upstream))
        cand = (_s(r.date), _s(r.upstreamDate), _local(r.upstreamLevel), _local(r.level), _s(r.sameDocument))
        if key not in links or cand < links[key]:
            links[key] = cand
    pairs: dict[tuple, list] = {}
    for (meeting, upstream), (date, up_date, up_level, level, same) in sorted(links.items()):
        lag = lag_days(date, up_date, same_document=same == "true")
        if lag is not None:
            pairs.setdefault((up_level, level), []).append((lag, meeting, upstream))
    out = []
    for (up, lv), vals in sorted(pairs.items(), key=lambda kv: (LEVEL_RANK.get(kv[0][0], 9),
                                                                LEVEL_RANK.get(kv[0][1], 9), kv[0])):
        lags = sorted(v[0] for v in vals)
        q1, q3 = _quartiles(lags)
        med = statistics.median(lags)
        out.append({"upstream_level": up, "level": lv, "pair": f"{LEVEL_ZH.get(up, up)} → {LEVEL_ZH.get(lv, lv)}",
                    "n": len(lags), "median_days": med, "q1_days": q1, "q3_days": q3,
                    "min_days": lags[0], "max_days": lags[-1], "lags": lags})
    data.lags = out


def _adoption(graph, data: ReportData) -> None:
    from ..extract.script import to_simplified
    merged: dict[tuple, dict] = {}
    for r in _run(graph, "report_adoption"):
        loc = str(r.locality)
        info = data.localities.get(loc) or {"label": _local(loc), "code": "", "level": _local(loc)}
        label = to_simplified(str(r.formulationLabel))
        cat = _local(r.category)
        campaign = data.campaigns.get(_s(r.campaign), "")
        key = (loc, campaign, label, cat)
        row = merged.get(key)
        if row is None:
            row = merged[key] = {"locality": info["label"], "locality_code": info["code"], "level": info["level"],
                                 "campaign": campaign, "formulation": label, "category": cat, "count": int(r["count"]) if r["count"] is not None else "",
                                 "meetings": 0, "items_listed": False, "first_date": "", "_iri": loc}
        row["meetings"] = max(row["meetings"], int(r.meetings))
        row["items_listed"] = row["items_listed"] or _s(r.itemsListed) == "1"
        d = _s(r.firstDate)
        if d and (not row["first_date"] or d < row["first_date"]):
            row["first_date"] = d
    rows = list(merged.values())
    rows.sort(key=lambda r: (_locality_key(r["_iri"], data.localities.get(r["_iri"], {})), r["campaign"],
                             CATEGORIES.index(r["category"]) if r["category"] in CATEGORIES else 99, r["formulation"]))
    data.adoption = rows


def _concept_order(c: tuple) -> tuple:
    campaign, label, cat = c
    return (campaign == "", campaign, CATEGORIES.index(cat) if cat in CATEGORIES else 99, label)


def _fidelity(graph, data: ReportData) -> None:
    """Wording fidelity per (campaign, formulation label, category); see :mod:`.report_fidelity`."""
    from ..extract.script import to_simplified
    lists: dict[tuple, dict[str, list]] = {}      # concept → locality → union of its items, in order
    votes_by: dict[tuple, dict[str, dict]] = {}   # concept → locality → formulation → {position: item}
    counts: dict[tuple, int] = {}
    shown: dict[str, str] = {}                    # normalised wording → the wording as first written
    for r in _run(graph, "report_wording"):
        concept = (data.campaigns.get(_s(r.campaign), ""), to_simplified(str(r.formulationLabel)), _local(r.category))
        loc = str(r.locality)
        if r["count"] is not None:
            counts[concept] = int(r["count"])
        w = fid.normalise(str(r.wording))
        shown.setdefault(w, str(r.wording))
        items = lists.setdefault(concept, {}).setdefault(loc, [])
        if w not in items:
            items.append(w)
        votes_by.setdefault(concept, {}).setdefault(loc, {}).setdefault(str(r.formulation), {})[int(r.position)] = w
    lexicon: dict[tuple, list] = {}               # (label, category) → canonical items
    for r in _run(graph, "report_lexicon"):
        key = (to_simplified(str(r.formulationLabel)), _local(r.category))
        w = fid.normalise(str(r.wording))
        shown.setdefault(w, str(r.wording))
        if w not in lexicon.setdefault(key, []):
            lexicon[key].append(w)
    rank = {loc: LEVEL_RANK.get(info.get("level", ""), 9) for loc, info in data.localities.items()}

    def info_of(loc):
        return data.localities.get(loc) or {"label": _local(loc), "code": "", "level": ""}

    rows, fscores = [], []
    by_locality: dict[str, list] = {}
    for concept in sorted(lists, key=_concept_order):
        campaign, label, cat = concept
        locs = lists[concept]
        votes = {}                                # each locality votes with its longest list
        for loc, forms in votes_by[concept].items():
            best = max(forms.values(), key=lambda pos: (len(pos), sorted(pos.items())))
            votes[loc] = [best[k] for k in sorted(best)]
        if (label, cat) in lexicon:
            positions: dict[str, list] = {}
            for items in votes.values():
                for k, w in enumerate(items):
                    positions.setdefault(w, []).append(k)
            canon = sorted(lexicon[(label, cat)],
                           key=lambda w: (statistics.mean(positions[w]) if w in positions else 99, w))
            source = "lexicon"
        else:
            canon = fid.canonical_items(votes, count=counts.get(concept), rank=rank)
            source = "corpus"
        scored = source == "lexicon" or len(locs) >= 2
        entry = {"campaign": campaign, "formulation": label, "category": cat, "canonical_source": source,
                 "canonical_items": " | ".join(shown.get(c, c) for c in canon), "localities": len(locs), "scored": scored, "mean_score": ""}
        fscores.append(entry)
        if not scored:
            continue
        concept_scores = []
        for loc in sorted(locs, key=lambda l: _locality_key(l, data.localities.get(l, {}))):
            info = info_of(loc)
            matches = fid.match_items(canon, locs[loc])
            sc = fid.score(matches)
            concept_scores.append(sc)
            by_locality.setdefault(loc, []).append((sc, matches))
            for m in matches:
                rows.append({"locality": info["label"], "locality_code": info["code"], "level": info["level"],
                             "campaign": campaign, "formulation": label, "category": cat,
                             "canonical_source": source, "status": m.status,
                             "canonical_item": shown.get(m.canonical, m.canonical),
                             "wording": shown.get(m.wording, m.wording), "similarity": m.similarity, "formulation_score": sc,
                             "_iri": loc})
        entry["mean_score"] = round(statistics.mean(concept_scores), 4)
    scores = []
    for loc in sorted(by_locality, key=lambda l: _locality_key(l, data.localities.get(l, {}))):
        info = info_of(loc)
        entries = by_locality[loc]
        tally = {st: sum(1 for _sc, ms in entries for m in ms if m.status == st) for st in fid.STATUSES}
        scores.append({"locality": info["label"], "locality_code": info["code"], "level": info["level"],
                       "formulations": len(entries), **tally,
                       "score": round(statistics.mean(sc for sc, _ms in entries), 4), "_iri": loc})
    data.fidelity, data.fidelity_scores, data.formulation_scores = rows, scores, fscores


def _figures(graph, data: ReportData) -> None:
    fixed = ("documents", "meetings", "meetings dated", "follows links", "campaigns", "statements",
             "localities", "localities holding meetings", "first date", "last date", "formulations", "items")
    got: dict[tuple, object] = {}
    for r in _run(graph, "report_figures"):
        name = str(r.figure)
        key = _local(r.key)
        if key.startswith(XSD):
            key = key[len(XSD):]
        value = r.value
        if value is None:
            continue
        got[(name, key)] = int(value) if name not in ("first date", "last date") else str(value)
    for name in ("documents", "meetings", "follows links", "campaigns", "statements"):
        got.setdefault((name, ""), 0)
    got[("lags computed", "")] = sum(1 for r in data.cascade if r["lag_days"] is not None)

    def order(k):
        name, key = k
        idx = fixed.index(name) if name in fixed else len(fixed)
        sub = LEVEL_RANK.get(key, CATEGORIES.index(key) + 10 if key in CATEGORIES else 50)
        return idx, sub, key
    data.figures = [{"figure": n, "key": k, "value": v} for (n, k), v in sorted(got.items(), key=lambda kv: order(kv[0]))]


_STEPS: tuple[tuple[str, Callable], ...] = (("meetings", _meetings), ("cascade", _cascade), ("lags", _lags),
                                            ("adoption", _adoption), ("fidelity", _fidelity),
                                            ("figures", _figures))


COPY_TO_STORE = 20_000
"""With ``engine="auto"``, an rdflib graph of this many triples or more is copied into a
pyoxigraph store (when pyoxigraph is installed) before the queries run."""


def to_store(graph):
    """A pyoxigraph ``Store`` holding the triples of an rdflib graph."""
    import pyoxigraph as ox
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def report_data(graph, *, engine: str = "auto", on_step: Callable[[str], None] | None = None) -> ReportData:
    """The report's tables for an rdflib graph or a pyoxigraph ``Store``.

    Both give the same tables; pyoxigraph runs the queries one to two orders of magnitude
    faster. ``engine``: ``"auto"`` (a large rdflib graph is copied into a store when pyoxigraph
    is installed), ``"oxigraph"`` (always copy) or ``"rdflib"`` (never). ``on_step(name)`` is
    called before each step of :data:`STEPS_DATA`.
    """
    if engine not in ("auto", "oxigraph", "rdflib"):
        raise ValueError(f"engine {engine!r}: expected auto, oxigraph or rdflib")
    if not is_store(graph) and engine != "rdflib":
        if engine == "oxigraph" or len(graph) >= COPY_TO_STORE:
            try:
                graph = to_store(graph)
            except ImportError:
                if engine == "oxigraph":
                    raise
    data = ReportData()
    for name, step in _STEPS:
        if on_step:
            on_step(name)
        step(graph, data)
    return data
