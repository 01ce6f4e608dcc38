"""The view model: a policykg graph as plain node and edge dicts, ready to draw.

:func:`build_view` reads an rdflib graph and returns a dict of JSON-ready values:
``nodes`` (one per locality, meeting, statement, formulation, item, person, campaign and
document), ``edges`` (one per object property between two drawn nodes, labelled by
property), and the tables the page needs (``classes`` for the legend, ``properties`` for
edge and property labels in Chinese and English, ``documents``, ``filters``, ``rows``,
``axis``, ``meta``). Literals and mentions are not drawn: they are folded into each node's
``props`` and ``evidence`` (the source sentence, split around the quoted span).

Positions are computed here, not in the browser: a *cascade* layout (rows by administrative
level, 全国 → 省 → 市 → 县 → 乡, meetings under their localities, each row ordered by the
barycentre of its neighbours) and a *date* layout (meetings in columns by date). Both scale
linearly with the graph, so that large graphs are drawn with physics off.

>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='''
... @prefix pk: <https://w3id.org/policykg#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
... @prefix pkl: <https://w3id.org/policykg/id/locality/> .
... @prefix pkm: <https://w3id.org/policykg/id/meeting/> .
... pkl:370900 a pk:Locality ; rdfs:label "泰安市"@zh ; pk:adminLevel pk:Prefecture .
... pkl:370983 a pk:Locality ; rdfs:label "肥城市"@zh ; pk:adminLevel pk:County ; pk:partOf pkl:370900 .
... pkm:a a pk:Meeting ; rdfs:label "动员会"@zh ; pk:heldIn pkl:370900 .
... pkm:b a pk:Meeting ; rdfs:label "动员部署会议"@zh ; pk:heldIn pkl:370983 ;
...     pk:date "2021-03-01"^^xsd:date ; pk:follows pkm:a .
... ''')
>>> view = build_view(g)
>>> [(n["cls"], n["name"]) for n in view["nodes"]]
[('Locality', '泰安市'), ('Locality', '肥城市'), ('Meeting', '动员会'), ('Meeting', '动员部署会议')]
>>> sorted(e["p"] for e in view["edges"])
['pk:follows', 'pk:heldIn', 'pk:heldIn', 'pk:partOf']
>>> view["properties"]["pk:follows"]["zh"], view["properties"]["pk:follows"]["en"]
('贯彻落实', 'follows')
>>> taian, feicheng = view["nodes"][0], view["nodes"][1]
>>> taian["y"] < feicheng["y"]          # the prefecture's row is above the county's
True
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from enum import Enum
from functools import lru_cache

__all__ = ["build_view", "Layout", "CLASSES", "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 1000
"""Above this many nodes a page starts with physics off and never lays out in the browser."""


class Layout(str, Enum):
    """Where nodes start: rows by administrative level, columns by date, or a force layout."""

    CASCADE = "cascade"
    DATE = "date"
    FORCE = "force"


# class key -> (shape, colour); the order is the priority when a node has several types
CLASSES: dict[str, tuple[str, str]] = {
    "Meeting": ("dot", "#d62728"),
    "Locality": ("diamond", "#1f77b4"),
    "Campaign": ("star", "#ff7f0e"),
    "Document": ("square", "#7f7f7f"),
    "Statement": ("triangleDown", "#8c564b"),
    "Formulation": ("hexagon", "#9467bd"),
    "Person": ("triangle", "#2ca02c"),
    "Task": ("dot", "#e377c2"),
    "Principle": ("dot", "#17becf"),
    "Goal": ("dot", "#bcbd22"),
    "Phase": ("dot", "#6baed6"),
    "Theme": ("dot", "#fdae6b"),
    "Requirement": ("dot", "#74c476"),
    "Commitment": ("dot", "#b39ddb"),
    "Other": ("dot", "#bdbdbd"),
    "Resource": ("ellipse", "#dddddd"),
}
ITEM_CLASSES = ("Task", "Principle", "Goal", "Phase", "Theme", "Requirement", "Commitment", "Other")
LEVEL_ORDER = ("Country", "Province", "Prefecture", "County", "Township")

# edge style by property: colour, width, dashes
EDGE_STYLE = {
    "pk:follows": ("#d62728", 2.5, False),
    "pk:partOf": ("#1f77b4", 1.5, False),
    "pk:heldIn": ("#6baed6", 1.2, True),
    "pk:venue": ("#6baed6", 1.0, True),
    "pk:campaign": ("#fdb97d", 0.6, True),
    "pk:reports": ("#b0b0b0", 0.6, False),
}
DEFAULT_EDGE = ("#9e9e9e", 0.8, False)

# labels of terms the ontology does not define itself
FALLBACK_LABELS = {
    "rdfs:label": ("名称", "label"),
    "dcterms:title": ("标题", "title"),
    "dcterms:issued": ("发布时间", "issued"),
    "dcterms:publisher": ("发布者", "publisher"),
    "dcterms:source": ("来源", "source"),
    "dcterms:format": ("格式", "format"),
    "schema:latitude": ("纬度", "latitude"),
    "schema:longitude": ("经度", "longitude"),
    "Resource": ("其他资源", "Other resource"),
}
KEY_PROPS = ("pk:date", "pk:adminCode", "pk:count", "pk:category", "pk:adminLevel", "pk:level", "pk:kind",
             "pk:verb", "pk:title", "pk:partOfDay", "dcterms:issued", "dcterms:publisher", "pk:nameAsWritten",
             "pk:content", "pk:countMismatch")
HIDDEN_PROPS = ("pk:text", "rdfs:label", "pk:evidence", "pk:itemList")
SCHEMA_NAMESPACES = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                     "http://www.w3.org/2002/07/owl#", "http://www.w3.org/ns/shacl#")

MAX_EVIDENCE = 4        # source sentences kept per node
MAX_CONTEXT = 80        # characters kept each side of a quoted span
MAX_HIT = 400           # characters kept of a quoted span
MAX_PROP = 400          # characters kept of a literal value
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def build_view(graph, *, max_nodes: int | None = None, focus: str | None = None,
               max_evidence: int = MAX_EVIDENCE) -> dict:
    """The view model of ``graph`` (an rdflib graph, or anything with a ``.graph``).

    ``focus`` keeps the part of the graph around a locality or campaign, named by label,
    code or IRI: the locality with the divisions below and above it, or the campaign; the
    meetings held there (or serving the campaign) with the meetings they follow or that follow
    them; and what those meetings relate to. ``max_nodes`` then keeps the most important nodes
    (meetings and localities first, then by degree). Raises :class:`InputError` when
    ``focus`` names nothing.
    """
    from rdflib import Graph
    if not isinstance(graph, Graph) and hasattr(graph, "graph"):
        graph = graph.graph
    data = _read(graph)
    total_nodes, total_edges = len(data["nodes"]), len(data["edges"])
    if focus:
        keep = _select_focus(data, focus)
        _restrict(data, keep)
    if max_nodes is not None and len(data["nodes"]) > max_nodes:
        _restrict(data, _most_important(data, max(0, int(max_nodes))))
    return _finish(graph, data, total_nodes, total_edges, focus, max_evidence)


# -- reading the graph -----------------------------------------------------------------

@lru_cache(maxsize=None)
def _prefixes() -> tuple:
    from ..ontology.namespace import PREFIXES
    return tuple(sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])))


@lru_cache(maxsize=4096)
def _curie(iri: str) -> str:
    for prefix, ns in _prefixes():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=None)
def _pk():
    """The policykg terms used here, as plain attributes (DefinedNamespace lookups are slow)."""
    from types import SimpleNamespace

    from ..ontology.namespace import PK
    names = ("text", "item", "reports", "mentions", "adminCode", "adminLevel", "level", "verb", "content", "date",
             "heldIn", "campaign", "evidence", "start", "end", "inDocument", "quote")
    from rdflib.namespace import DCTERMS, RDF, RDFS
    return SimpleNamespace(type=RDF.type, label=RDFS.label, dc_title=DCTERMS.title, dc_issued=DCTERMS.issued,
                           **{n: getattr(PK, n) for n in names})


def _labels_of_terms() -> dict[str, dict[str, str]]:
    """zh/en labels of the ontology's terms, by CURIE."""
    from rdflib.namespace import RDFS

    from ..ontology import ontology_graph
    out: dict[str, dict[str, str]] = {}
    for s, o in ontology_graph().subject_objects(RDFS.label):
        if getattr(o, "language", None) in ("zh", "en"):
            out.setdefault(_curie(str(s)), {})[o.language] = re.sub(r"（.*?）", "", str(o))
    for k, (zh, en) in FALLBACK_LABELS.items():
        out.setdefault(k, {"zh": zh, "en": en})
    return out


def _term_label(labels, key: str) -> dict[str, str]:
    lab = labels.get(key)
    local = key.split(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if not lab:
        return {"zh": local, "en": local}
    return {"zh": lab.get("zh") or lab.get("en") or local, "en": lab.get("en") or lab.get("zh") or local}


def _read(graph) -> dict:
    """Group the graph by subject; decide which resources are drawn and which edges join them."""
    from rdflib import BNode, URIRef

    from ..ontology.namespace import NS as pk
    P = _pk()
    by_subject: dict = defaultdict(lambda: defaultdict(list))
    types: dict = defaultdict(set)
    for s, p, o in graph:
        if isinstance(s, BNode):
            continue
        if p == P.type:
            types[s].add(str(o))
        else:
            by_subject[s][p].append(o)

    cls_of = {}
    mentions = set()
    for s, ts in types.items():
        if pk + "Mention" in ts:
            mentions.add(s)
            continue
        cls = None
        for c in CLASSES:
            if pk + c in ts or (c == "Locality" and pk + "AdministrativeDivision" in ts):
                cls = c
                break
        if cls is None:
            if all(t.startswith(SCHEMA_NAMESPACES) for t in ts):
                continue
            cls = "Resource"
        cls_of[s] = cls
    iris = sorted(cls_of, key=str)
    index = {s: i for i, s in enumerate(iris)}

    nodes = [{"iri": str(s), "cls": cls_of[s]} for s in iris]
    edges = []
    seen = set()
    follows_item = defaultdict(set)   # formulation -> its items, to fold implied 'mentions' edges
    for s in iris:
        for o in by_subject[s].get(P.item, ()):
            if o in index:
                follows_item[index[s]].add(index[o])
    for s in iris:
        i = index[s]
        props = by_subject[s]
        reports = {index[o] for o in props.get(P.reports, ()) if o in index}
        mentioned = {index[o] for o in props.get(P.mentions, ()) if o in index}
        implied = set()
        for f in mentioned:
            implied |= follows_item.get(f, set())
        for p in sorted(props, key=str):
            key = _curie(str(p))
            for j in sorted(index[o] for o in props[p] if isinstance(o, URIRef) and o in index):
                if p == P.mentions and (j in reports or j in implied):
                    continue    # implied by pk:reports, or by a formulation's pk:item
                if (i, j, key) in seen or i == j:
                    continue
                seen.add((i, j, key))
                edges.append({"from": i, "to": j, "p": key})
    return {"nodes": nodes, "edges": edges, "iris": iris, "by_subject": by_subject, "mentions": mentions,
            "index": index}


def _lit_label(values, prefer="zh"):
    best = None
    for v in values:
        lang = getattr(v, "language", None)
        rank = 0 if lang == prefer else 1 if lang is None else 2
        if best is None or (rank, str(v)) < best[0]:
            best = ((rank, str(v)), str(v))
    return best[1] if best else None


def _relations(data) -> None:
    """Per node, the meetings it belongs with (the filters act on meetings) and locality links."""
    nodes, edges = data["nodes"], data["edges"]
    rel = [set() for _ in nodes]
    parent = {}
    for k, n in enumerate(nodes):
        if n["cls"] == "Meeting":
            rel[k].add(k)
    by_cls = [n["cls"] for n in nodes]
    meeting_edges = []
    for e in edges:
        a, b, p = e["from"], e["to"], e["p"]
        if p == "pk:partOf" and by_cls[a] == "Locality" and by_cls[b] == "Locality":
            parent.setdefault(a, b)
        if by_cls[a] == "Meeting" and by_cls[b] != "Meeting":
            meeting_edges.append((a, b))
        elif by_cls[b] == "Meeting" and by_cls[a] != "Meeting":
            meeting_edges.append((b, a))
    for m, x in meeting_edges:
        rel[x].add(m)
    # statements and formulations pass their meetings on to what they mention or list
    for stage in ("Statement", "Formulation"):
        for e in edges:
            a, b = e["from"], e["to"]
            if by_cls[a] == stage and by_cls[b] not in ("Meeting", "Locality", "Document", "Campaign"):
                rel[b] |= rel[a]
    # a locality holds the meetings of the divisions below it
    children = defaultdict(list)
    for c, p in parent.items():
        children[p].append(c)
    order = sorted((k for k, c in enumerate(by_cls) if c == "Locality"), key=lambda k: -_depth(k, parent))
    for k in order:
        if k in parent:
            rel[parent[k]] |= rel[k]
    data["rel"] = rel
    data["parent"] = parent
    data["children"] = children


def _depth(k, parent) -> int:
    d, seen = 0, set()
    while k in parent and k not in seen:
        seen.add(k)
        k = parent[k]
        d += 1
    return d


# -- choosing a part of the graph ------------------------------------------------------

def _select_focus(data: dict, name: str) -> set:
    """Indices of the nodes around the localities or campaigns that ``name`` names.

    A locality focus keeps the locality, the divisions below and above it, the meetings held
    there with the meetings they follow or that follow them, and whatever those meetings relate
    to (statements, formulations, items, persons, campaigns, documents). A campaign focus does
    the same for the meetings that serve the campaign.
    """
    from ..extract.errors import InputError
    if "rel" not in data:
        _relations(data)
    nodes, by_subject, iris = data["nodes"], data["by_subject"], data["iris"]
    P = _pk()
    want = name.strip()
    hits = []
    for k, n in enumerate(nodes):
        if n["cls"] not in ("Locality", "Campaign"):
            continue
        props = by_subject[iris[k]]
        names = {str(v) for v in props.get(P.label, ())} | {str(v) for v in props.get(P.adminCode, ())}
        names |= {n["iri"], _curie(n["iri"])}
        if want in names:
            hits.append(k)
    if not hits:
        known = sorted({str(v) for k, n in enumerate(nodes) if n["cls"] in ("Locality", "Campaign")
                        for v in by_subject[iris[k]].get(P.label, ())})
        sample = "、".join(known[:12]) + ("…" if len(known) > 12 else "")
        raise InputError(f"focus {name!r} names no locality or campaign in the graph"
                         + (f" (it has: {sample})" if known else ""))
    rel, parent, children = data["rel"], data["parent"], data["children"]
    meetings = set()
    keep = set(hits)
    for h in hits:
        if nodes[h]["cls"] == "Locality":
            stack = [h]
            while stack:
                k = stack.pop()
                keep.add(k)
                stack.extend(children.get(k, ()))
            meetings |= rel[h]
        else:
            meetings |= rel[h]
    core = set(meetings)
    for e in data["edges"]:
        if e["p"] == "pk:follows":
            if e["from"] in core:
                meetings.add(e["to"])
            if e["to"] in core:
                meetings.add(e["from"])
    keep |= meetings
    for k, r in enumerate(rel):
        if nodes[k]["cls"] != "Locality" and r & core:
            keep.add(k)
    for e in data["edges"]:     # the localities of the kept meetings
        if e["from"] in meetings and nodes[e["to"]]["cls"] == "Locality":
            keep.add(e["to"])
    for k in list(keep):        # and every division above a kept locality
        seen = set()
        while k in parent and k not in seen:
            seen.add(k)
            k = parent[k]
            keep.add(k)
    return keep


def _most_important(data: dict, n: int) -> set:
    rank = {c: i for i, c in enumerate(CLASSES)}
    deg = [0] * len(data["nodes"])
    for e in data["edges"]:
        deg[e["from"]] += 1
        deg[e["to"]] += 1
    order = sorted(range(len(data["nodes"])),
                   key=lambda k: (min(rank[data["nodes"][k]["cls"]], 2), -deg[k], data["nodes"][k]["iri"]))
    return set(order[:n])


def _restrict(data: dict, keep: set) -> None:
    """Keep only the given node indices (renumbering nodes and edges)."""
    old = sorted(keep)
    new = {k: i for i, k in enumerate(old)}
    data["nodes"] = [data["nodes"][k] for k in old]
    data["iris"] = [data["iris"][k] for k in old]
    data["index"] = {s: i for i, s in enumerate(data["iris"])}
    data["edges"] = [{"from": new[e["from"]], "to": new[e["to"]], "p": e["p"]} for e in data["edges"]
                     if e["from"] in new and e["to"] in new]
    for key in ("rel", "parent", "children"):
        data.pop(key, None)


# -- the finished view ----------------------------------------------------------------

def _finish(graph, data, total_nodes, total_edges, focus, max_evidence) -> dict:
    from rdflib import Literal, URIRef

    P = _pk()
    _relations(data)
    labels = _labels_of_terms()
    nodes, edges, iris, by_subject = data["nodes"], data["edges"], data["iris"], data["by_subject"]
    index = data["index"]
    deg = [0] * len(nodes)
    for e in edges:
        deg[e["from"]] += 1
        deg[e["to"]] += 1

    # documents: their text (for source sentences) and a short table for the page
    doc_texts, documents, doc_index = {}, [], {}
    for s in sorted({s for s in by_subject if P.text in by_subject[s]} | {s for s, n in zip(iris, nodes)
                                                                            if n["cls"] == "Document"}, key=str):
        props = by_subject[s]
        text = props.get(P.text)
        if text:
            doc_texts[s] = str(text[0])
        doc_index[s] = len(documents)
        documents.append({"iri": str(s), "title": _lit_label(props.get(P.dc_title, ())) or _curie(str(s)),
                          "issued": _lit_label(props.get(P.dc_issued, ())) or ""})

    def value_label(o) -> dict:
        if o in index:
            return {"zh": _display_name(o), "en": _display_name(o, "en")}
        return _term_label(labels, _curie(str(o)))

    def _display_name(s, lang="zh"):
        props = by_subject.get(s, {})
        return (_lit_label(props.get(P.label, ()), lang) or _lit_label(props.get(P.dc_title, ()), lang)
                or _curie(str(s)))

    level_of = {}
    for k, s in enumerate(iris):
        props = by_subject[s]
        for p in (P.adminLevel, P.level):
            for o in props.get(p, ()):
                local = str(o).rsplit("#", 1)[-1]
                if local in LEVEL_ORDER:
                    level_of.setdefault(k, LEVEL_ORDER.index(local))

    used_props = set()
    for k, (s, n) in enumerate(zip(iris, nodes)):
        props = by_subject[s]
        name = _display_name(s)
        if n["cls"] == "Statement" and P.label not in props:
            verb, content = _lit_label(props.get(P.verb, ())) or "", _lit_label(props.get(P.content, ())) or ""
            said = f"{verb}：{content}" if verb else content
            name = (said[:40] + "…" if len(said) > 40 else said) or name
        en = _lit_label([v for v in props.get(P.label, ()) if getattr(v, "language", None) == "en"], "en")
        n["name"] = name
        if en:
            n["name_en"] = en
        caption = _caption(n["cls"], name, props, by_subject, index, nodes)
        n["label"] = _wrap(caption)
        if n["cls"] == "Meeting":
            n["display"] = caption.replace("\n", " ")
        n["degree"] = deg[k]
        shape, colour = CLASSES[n["cls"]]
        n["shape"], n["color"] = shape, colour
        n["size"] = round(min(40.0, (9 if n["cls"] in ITEM_CLASSES else 12) + 3.2 * math.sqrt(deg[k])), 1)
        plist = []
        for p in props:
            key = _curie(str(p))
            if key in HIDDEN_PROPS:
                continue
            for o in props[p]:
                if isinstance(o, Literal):
                    plist.append([key, _literal_text(o)])
                elif isinstance(o, URIRef) and o not in index and o not in data["mentions"]:
                    plist.append([key, value_label(o)])
                else:
                    continue
                used_props.add(key)
        rank = {k2: i for i, k2 in enumerate(KEY_PROPS)}
        plist.sort(key=lambda kv: (rank.get(kv[0], len(rank)), kv[0], kv[1] if isinstance(kv[1], str) else kv[1]["zh"]))
        n["props"] = plist
        date = _lit_label(props.get(P.date, ()))
        if n["cls"] == "Meeting":
            n["date"] = date or ""
            n["where"] = next((index[o] for o in sorted(props.get(P.heldIn, ()), key=str) if o in index), None)
            n["campaigns"] = sorted(index[o] for o in props.get(P.campaign, ()) if o in index)
        if n["cls"] == "Locality":
            n["parent"] = data["parent"].get(k)
            code = _lit_label(props.get(P.adminCode, ()))
            n["code"] = code or ""
        n["meetings"] = sorted(data["rel"][k])
        n["evidence"], n["evidence_total"] = _evidence(props.get(P.evidence, ()), by_subject, doc_texts,
                                                      doc_index, max_evidence)
    rows, row_names = _rows(nodes, level_of)
    neighbours = [[] for _ in nodes]
    for e in edges:
        neighbours[e["from"]].append(e["to"])
        neighbours[e["to"]].append(e["from"])
    xy, row_y = _cascade(nodes, rows, neighbours)
    dxy, axis = _by_date(nodes, rows, neighbours, edges)
    for k, n in enumerate(nodes):
        n["id"] = k
        n["row"] = rows[k]
        n["x"], n["y"] = xy[k]
        n["dx"], n["dy"] = dxy[k]

    edge_keys = sorted({e["p"] for e in edges})
    properties = {}
    for key in sorted(set(edge_keys) | used_props | set(KEY_PROPS)):
        lab = _term_label(labels, key)
        colour, width, dashes = EDGE_STYLE.get(key, DEFAULT_EDGE)
        properties[key] = {"zh": lab["zh"], "en": lab["en"], "color": colour, "width": width, "dashes": dashes,
                           "edges": sum(1 for e in edges if e["p"] == key) if key in edge_keys else 0}
    for k, e in enumerate(edges):
        e["id"] = k
    counts = defaultdict(int)
    for n in nodes:
        counts[n["cls"]] += 1
    classes = []
    for c, (shape, colour) in CLASSES.items():
        if counts.get(c):
            lab = _term_label(labels, c if c == "Resource" else f"pk:{c}")
            classes.append({"key": c, "zh": lab["zh"], "en": lab["en"], "shape": shape, "color": colour,
                            "count": counts[c]})
    localities = sorted((k for k, n in enumerate(nodes) if n["cls"] == "Locality"),
                        key=lambda k: (nodes[k].get("code") or "~", nodes[k]["name"]))
    campaigns = sorted((k for k, n in enumerate(nodes) if n["cls"] == "Campaign"), key=lambda k: nodes[k]["name"])
    dates = sorted(n["date"] for n in nodes if n["cls"] == "Meeting" and n.get("date", "")[:1].isdigit())
    return {
        "nodes": nodes,
        "edges": edges,
        "classes": classes,
        "properties": properties,
        "documents": documents,
        "filters": {"localities": localities, "campaigns": campaigns,
                    "dates": [dates[0][:10], dates[-1][:10]] if dates else []},
        "rows": [{"y": row_y[r], "zh": row_names[r][0], "en": row_names[r][1]} for r in sorted(row_y)],
        "axis": axis,
        "meta": {"nodes": len(nodes), "edges": len(edges), "nodes_total": total_nodes, "edges_total": total_edges,
                 "focus": focus or "", "triples": len(graph)},
    }


def _literal_text(o) -> str:
    s = str(o)
    if o.datatype is not None and str(o.datatype).endswith("#dateTime") and "T" in s:
        s = s.replace("T", " ")[:16]
    return s if len(s) <= MAX_PROP else s[:MAX_PROP] + "…"


def _caption(cls, name, props, by_subject, index, nodes) -> str:
    """The text drawn on a node: meetings also show where and when, statements what was said."""
    P = _pk()
    if cls == "Meeting":
        where = ""
        for o in sorted(props.get(P.heldIn, ()), key=str):
            where = _lit_label(by_subject.get(o, {}).get(P.label, ())) or ""
            break
        if not where:
            level = next((str(o).rsplit("#", 1)[-1] for o in props.get(P.level, ())), "")
            where = {"Country": "全国", "Province": "全省", "Prefecture": "全市", "County": "全县"}.get(level, "")
        date = _lit_label(props.get(P.date, ())) or ""
        head = " ".join(x for x in (where, _short_date(date)) if x)
        return f"{head}\n{name}" if head else name
    if cls == "Statement":
        verb = _lit_label(props.get(P.verb, ())) or ""
        content = _lit_label(props.get(P.content, ())) or ""
        text = f"{verb}：{content}" if verb else content
        return text[:14] + "…" if len(text) > 14 else text or name
    if cls == "Document":
        return name[:20] + "…" if len(name) > 20 else name
    return name if len(name) <= 24 else name[:24] + "…"


def _wrap(text: str, width: int = 20) -> str:
    """Break lines wider than ``width`` (a Chinese character counts 2) into lines of about
    equal width: canvas labels do not wrap Chinese by themselves.

    >>> print(_wrap("政法队伍教育整顿动员部署会议"))
    政法队伍教育整
    顿动员部署会议
    >>> _wrap("肥城市 2021-03-01")
    '肥城市 2021-03-01'
    """
    out = []
    for line in text.split("\n"):
        cols = [1 if ord(ch) < 0x1100 else 2 for ch in line]
        total = sum(cols)
        if total <= width:
            out.append(line)
            continue
        target = total / math.ceil(total / width)
        start, acc = 0, 0
        for i, c in enumerate(cols):
            if acc and acc + c > target + 1:
                out.append(line[start:i])
                start, acc = i, 0
            acc += c
        out.append(line[start:])
    return "\n".join(out)


def _short_date(date: str) -> str:
    m = re.fullmatch(r"--(\d\d)-(\d\d)", date)
    if m:
        return f"{int(m.group(1))}月{int(m.group(2))}日"
    return date[:10]


def _evidence(mentions, by_subject, doc_texts, doc_index, cap) -> tuple[list, int]:
    """Source sentences of a node: [{doc, pre, hit, post}] with the quoted span as ``hit``."""
    P = _pk()
    found = []
    for m in mentions:
        props = by_subject.get(m)
        if not props:
            continue
        try:
            start = int(props[P.start][0])
            end = int(props[P.end][0])
        except (KeyError, IndexError, ValueError):
            start = end = -1
        doc = props.get(P.inDocument, [None])[0]
        quote = str(props[P.quote][0]) if props.get(P.quote) else ""
        found.append((doc_index.get(doc, -1), start, end, doc, quote))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out, seen = [], set()
    for di, start, end, doc, quote in found:
        text = doc_texts.get(doc)
        if text is not None and 0 <= start <= end <= len(text):
            s0 = start
            while s0 > 0 and not _SENTENCE_END.match(text[s0 - 1]) and start - s0 < MAX_CONTEXT:
                s0 -= 1
            m = _SENTENCE_END.search(text, end, min(len(text), end + MAX_CONTEXT))
            s1 = m.end() if m else min(len(text), end + MAX_CONTEXT)
            pre, hit, post = text[s0:start], text[start:end], text[end:s1].rstrip("\n")
            if s0 > 0 and not _SENTENCE_END.match(text[s0 - 1]):
                pre = "…" + pre
            if s1 < len(text) and not _SENTENCE_END.match(text[s1 - 1]):
                post += "…"
        else:
            pre, hit, post = "", quote, ""
        key = (di, pre, hit, post)
        if key in seen:
            continue
        seen.add(key)
        if len(hit) > MAX_HIT:
            hit = hit[:MAX_HIT] + "…"
        out.append({"doc": di, "start": start, "end": end, "pre": pre, "hit": hit, "post": post})
    return out[:cap], len(out)


# -- layouts -----------------------------------------------------------------------------

ROW_TOP = 0                 # campaigns and documents
ROW_PERSON, ROW_STATEMENT, ROW_FORMULATION, ROW_ITEM, ROW_OTHER = 12, 13, 14, 15, 16
GAP_X, ROW_H, SUB_H, STACK_H = 130.0, 115.0, 50.0, 85.0


def _rows(nodes, level_of) -> tuple[list[int], dict]:
    """The cascade row of each node: localities and meetings by level, the rest in bands below."""
    names = {ROW_TOP: ("专项活动 · 文档", "campaigns · documents"), ROW_PERSON: ("人物", "persons"),
             ROW_STATEMENT: ("讲话要点", "statements"), ROW_FORMULATION: ("提法", "formulations"),
             ROW_ITEM: ("条目", "items"), ROW_OTHER: ("其他", "other"), 11: ("级别不详的会议", "meetings, level unknown")}
    level_names = (("全国", "national"), ("省级", "provincial"), ("地级", "prefectural"), ("县级", "county"),
                   ("乡级", "township"))
    for lv, (zh, en) in enumerate(level_names):
        names[1 + 2 * lv] = (f"{zh} · 地方", f"{en} localities")
        names[2 + 2 * lv] = (f"{zh} · 会议", f"{en} meetings")
    rows = []
    for k, n in enumerate(nodes):
        c = n["cls"]
        if c == "Locality":
            rows.append(1 + 2 * level_of.get(k, 4))
        elif c == "Meeting":
            lv = level_of.get(k)
            if lv is None and n.get("where") is not None:
                lv = level_of.get(n["where"])
            rows.append(11 if lv is None else 2 + 2 * lv)
        elif c in ("Campaign", "Document"):
            rows.append(ROW_TOP)
        elif c == "Person":
            rows.append(ROW_PERSON)
        elif c == "Statement":
            rows.append(ROW_STATEMENT)
        elif c == "Formulation":
            rows.append(ROW_FORMULATION)
        elif c in ITEM_CLASSES:
            rows.append(ROW_ITEM)
        else:
            rows.append(ROW_OTHER)
    return rows, names


def _sort_key(n) -> tuple:
    return (n.get("code") or "", n.get("date") or "", n["iri"])


ASPECT = 1.6                # width / height the cascade aims at (a wide browser window)


def _row_width(sizes) -> int:
    """How many nodes a row holds before it wraps into staggered sub-rows: the width whose
    drawing comes closest to :data:`ASPECT`."""
    sizes = [s for s in sizes if s]
    if not sizes:
        return 1
    best = None
    for w in sorted({max(6, min(s, 2000)) for s in sizes} | {6, 10, 14, 20, 30, 45, 70, 100, 150, 220, 330, 500}):
        height = sum(ROW_H + (math.ceil(s / w) - 1) * SUB_H for s in sizes)
        width = GAP_X * min(w, max(sizes))
        score = abs(math.log(width / height / ASPECT))
        if best is None or score < best[0]:
            best = (score, w)
    return best[1]


def _pack(members, desired, key, maxw) -> tuple[dict, dict, int]:
    """Order a row by desired x, keep a minimum gap (several staggered sub-rows when wide)."""
    order = sorted(members, key=lambda k: (desired[k], key[k]))
    sub = max(1, int(math.ceil(len(order) / maxw)))
    step = GAP_X / sub
    xs = []
    for k in order:
        x = desired[k]
        if xs and x < xs[-1] + step:
            x = xs[-1] + step
        xs.append(x)
    if xs:
        shift = sum(desired[k] for k in order) / len(order) - sum(xs) / len(xs)
        xs = [x + shift for x in xs]
    return ({k: x for k, x in zip(order, xs)}, {k: i % sub for i, k in enumerate(order)}, sub)


def _cascade(nodes, rows, neighbours) -> tuple[list, dict]:
    """Positions by row, each row ordered by the barycentre of its neighbours (down, up, down)."""
    key = [_sort_key(n) for n in nodes]
    members = defaultdict(list)
    for k, r in enumerate(rows):
        members[r].append(k)
    maxw = _row_width([len(v) for v in members.values()])
    x = {}
    for r in members:
        ms = sorted(members[r], key=lambda k: key[k])
        step = GAP_X / max(1, math.ceil(len(ms) / maxw))
        for i, k in enumerate(ms):
            x[k] = (i - (len(ms) - 1) / 2) * step
    sub = {}
    subs = {}
    order_rows = sorted(members)
    sweeps = [order_rows, list(reversed(order_rows)), order_rows]
    # the top row (campaigns, documents) sits above everything it links to: place it last
    for si, sweep in enumerate(sweeps):
        down = si % 2 == 0
        for r in sweep:
            if r == ROW_TOP and si < len(sweeps) - 1:
                continue
            desired = {}
            for k in members[r]:
                side = [x[m] for m in neighbours[k] if (rows[m] < r if down else rows[m] > r) and rows[m] != ROW_TOP]
                if not side:
                    side = [x[m] for m in neighbours[k] if rows[m] != r]
                desired[k] = sum(side) / len(side) if side else x[k]
            placed, s, n = _pack(members[r], desired, key, maxw)
            x.update(placed)
            sub.update(s)
            subs[r] = n
    y, row_y = {}, {}
    top = 0.0
    for r in order_rows:
        row_y[r] = top
        for k in members[r]:
            y[k] = top + sub.get(k, 0) * SUB_H
        top += ROW_H + (subs.get(r, 1) - 1) * SUB_H
    return [(round(x[k], 1), round(y[k], 1)) for k in range(len(nodes))], row_y


def _by_date(nodes, rows, neighbours, edges) -> tuple[list, list]:
    """Meetings in columns by date (undated ones just before the meetings that follow them), the
    other nodes under the barycentre of their meetings."""
    dated = sorted({n["date"][:10] for n in nodes if n["cls"] == "Meeting" and n.get("date", "")[:1].isdigit()})
    col = {d: i for i, d in enumerate(dated)}
    colw = GAP_X * 1.4
    anchor = {}
    for k, n in enumerate(nodes):
        if n["cls"] == "Meeting" and n.get("date", "")[:10] in col:
            anchor[k] = col[n["date"][:10]] * colw
    followers = defaultdict(list)
    for e in edges:
        if e["p"] == "pk:follows":
            followers[e["to"]].append(e["from"])
    meetings = [k for k, n in enumerate(nodes) if n["cls"] == "Meeting"]
    for _ in range(6):
        changed = False
        for k in meetings:
            if k in anchor:
                continue
            later = [anchor[f] for f in followers[k] if f in anchor]
            if later:
                anchor[k] = min(later) - colw / 2
                changed = True
        if not changed:
            break
    left = min(anchor.values(), default=0.0) - colw
    for k in meetings:
        anchor.setdefault(k, left)
    # meetings: stacked within (row, column) cells
    cells = defaultdict(list)
    for k in meetings:
        cells[(rows[k], anchor[k])].append(k)
    stack = {}
    depth = defaultdict(int)
    for (r, _x), ks in cells.items():
        ks.sort(key=lambda k: _sort_key(nodes[k]))
        for i, k in enumerate(ks):
            stack[k] = i
        depth[r] = max(depth[r], len(ks))
    x = dict(anchor)
    key = [_sort_key(n) for n in nodes]
    members = defaultdict(list)
    for k, r in enumerate(rows):
        if nodes[k]["cls"] != "Meeting":
            members[r].append(k)
    maxw = _row_width([len(v) for v in members.values()])
    subs = {}
    sub = {}
    for k in range(len(nodes)):
        x.setdefault(k, 0.0)
    for sweep in range(2):
        for r in sorted(members):
            desired = {}
            for k in members[r]:
                mx = [x[m] for m in neighbours[k] if nodes[m]["cls"] == "Meeting"]
                if not mx:
                    mx = [x[m] for m in neighbours[k]]
                desired[k] = sum(mx) / len(mx) if mx else x[k]
            placed, s, n = _pack(members[r], desired, key, maxw)
            x.update(placed)
            sub.update(s)
            subs[r] = n
    y, top = {}, 0.0
    by_row = defaultdict(list)
    for k in meetings:
        by_row[rows[k]].append(k)
    for r in sorted(set(rows)):
        for k in members.get(r, ()):
            y[k] = top + sub.get(k, 0) * SUB_H
        for k in by_row.get(r, ()):
            y[k] = top + stack[k] * STACK_H
        top += ROW_H + max((subs.get(r, 1) - 1) * SUB_H, (depth.get(r, 1) - 1) * STACK_H, 0)
    axis = [{"x": round(col[d] * colw, 1), "label": d} for d in dated]
    return [(round(x[k], 1), round(y[k], 1)) for k in range(len(nodes))], axis
