"""A generated corpus graph of any size, shaped like the real ones, for benchmarks and tests.

:func:`synthetic_graph` writes the core vocabulary directly (no extraction): provinces,
prefectures and counties with their codes; a national meeting and, below it, one meeting per
division that follows the meeting of the division above; per county meeting one reporting
document (with a ``pk:text`` that every mention indexes), two statements, a chairing person,
and mentions of formulations and items drawn from a shared pool. The same arguments give the
same graph.

>>> g = synthetic_graph(600, seed=1)
>>> from policykg.graph.view import build_view
>>> 550 <= len(build_view(g)["nodes"]) <= 650
True
"""
from __future__ import annotations

import random

__all__ = ["synthetic_graph"]

_SYLLABLES = "安宁平和兴康泰华东南西北中阳山河海江湖金玉青云龙凤德昌盛丰嘉永清远长乐新明光泉源林川"
_TASKS = ("筑牢政治忠诚", "清除害群之马", "整治顽瘴痼疾", "弘扬英模精神", "学习教育", "查纠整改", "总结提升",
          "全覆盖", "零容忍", "自查从宽", "被查从严", "政治过硬", "本领过硬", "责任过硬", "纪律过硬", "作风过硬")
_HEADS = (("任务", "Task"), ("原则", "Principle"), ("目标", "Goal"), ("环节", "Phase"), ("主题", "Theme"),
          ("要求", "Requirement"), ("意识", "Commitment"), ("方面", "Other"))
_NUM = "一二三四五六七八九十"


def _name(rng: random.Random, suffix: str, used: set) -> str:
    while True:
        n = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))) + suffix
        if n not in used:
            used.add(n)
            return n


def synthetic_graph(n_nodes: int = 5000, *, seed: int = 0, campaigns: int = 3):
    """An rdflib graph whose view has about ``n_nodes`` nodes (±5 %)."""
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    from ..ontology.namespace import PK
    from .build import bind_prefixes
    from .iris import (campaign_iri, document_iri, formulation_iri, item_iri, locality_iri, meeting_iri,
                       mention_iri, person_iri, statement_iri)

    rng = random.Random(seed)
    g = bind_prefixes(Graph())
    add = g.add
    # per county: locality, meeting, 2 statements, person, document = 6 nodes; plus pools
    counties = max(4, round(n_nodes / 6.2))
    provinces = max(1, round((counties / 96) ** 0.5 * 2))
    prefectures = max(1, round(counties / provinces / 12))
    per_pref = max(1, counties // (provinces * prefectures))
    used: set = set()

    camp = []
    for c in range(campaigns):
        label = ("政法队伍教育整顿", "党史学习教育", "扫黑除恶专项斗争", "作风建设年", "营商环境优化")[c % 5]
        iri = campaign_iri(f"{label}{c}")
        camp.append(iri)
        add((iri, RDF.type, PK.Campaign))
        add((iri, RDFS.label, Literal(label if c < 5 else f"{label}{c}", lang="zh")))

    pool_f = []
    for i in range(max(8, n_nodes // 80)):
        head, cat = _HEADS[i % len(_HEADS)]
        count = 2 + i % 5
        label = f"{_NUM[count - 1]}项{head}" if cat != "Commitment" else f"{_NUM[count - 1]}个{head}"
        key = f"{cat}|{label}|{i}"
        f = formulation_iri(key)
        items = []
        for j in range(count):
            wording = _TASKS[(i * 3 + j) % len(_TASKS)] + ("" if i < 4 else f"（{i}-{j}）")
            it = item_iri(f"{cat}|{wording}")
            items.append(it)
            add((it, RDF.type, getattr(PK, cat)))
            add((it, RDFS.label, Literal(wording, lang="zh")))
            add((f, PK.item, it))
        add((f, RDF.type, PK.Formulation))
        add((f, RDFS.label, Literal(label, lang="zh")))
        add((f, PK.count, Literal(count)))
        add((f, PK.category, getattr(PK, cat)))
        pool_f.append((f, label, items))

    national = meeting_iri("|2021-02-27|全国政法队伍教育整顿动员部署会议")
    add((national, RDF.type, PK.Meeting))
    add((national, RDFS.label, Literal("政法队伍教育整顿动员部署会议", lang="zh")))
    add((national, PK.level, PK.Country))
    add((national, PK.date, Literal("2021-02-27", datatype=XSD.date)))
    add((national, PK.campaign, camp[0]))

    def division(code, name, level, parent):
        n = locality_iri(code)
        add((n, RDF.type, PK.Locality))
        add((n, RDF.type, PK.AdministrativeDivision))
        add((n, RDFS.label, Literal(name, lang="zh")))
        add((n, PK.adminCode, Literal(code)))
        add((n, PK.adminLevel, getattr(PK, level)))
        if parent:
            add((n, PK.partOf, locality_iri(parent)))
        return n

    def meeting(code, name, level, date, follows, campaign):
        m = meeting_iri(f"{code}|{date}|{name}")
        add((m, RDF.type, PK.Meeting))
        add((m, RDFS.label, Literal("政法队伍教育整顿动员部署会议", lang="zh")))
        add((m, PK.heldIn, locality_iri(code)))
        add((m, PK.level, getattr(PK, level)))
        if date:
            add((m, PK.date, Literal(date, datatype=XSD.date)))
        add((m, PK.follows, follows))
        add((m, PK.campaign, campaign))
        return m

    doc_no = 0
    for p in range(provinces):
        pcode = f"{11 + p:02d}0000"
        pname = _name(rng, "省", used)
        division(pcode, pname, "Province", None)
        pm = meeting(pcode, pname, "Province", f"2021-03-{1 + p % 3:02d}", national, camp[0])
        for q in range(prefectures):
            qcode = f"{11 + p:02d}{1 + q:02d}00"
            qname = _name(rng, "市", used)
            division(qcode, qname, "Prefecture", pcode)
            qm = meeting(qcode, qname, "Prefecture", f"2021-03-{2 + q % 4:02d}", pm, camp[0])
            for r in range(per_pref):
                code = f"{11 + p:02d}{1 + q:02d}{1 + r:02d}"
                name = _name(rng, "县" if r % 3 else "区", used)
                division(code, name, "County", qcode)
                day = 3 + (q + r) % 8
                date = f"2021-03-{day:02d}"
                campaign = camp[rng.randrange(len(camp))]
                m = meeting(code, name, "County", date, qm, campaign)
                f, flabel, items = pool_f[rng.randrange(len(pool_f))]
                person = _name(rng, "", used)
                said = "、".join(str(g.value(i, RDFS.label)) for i in items)
                text = (f"3月{day}日，{pname}、{qname}政法队伍教育整顿动员会召开后，{name}召开政法队伍教育整顿动员部署会议。"
                        f"会议由{person}主持。会议指出，开展教育整顿是重大决策部署。"
                        f"会议强调，要抓好“{said}”{flabel}，确保取得实效。")
                doc_id = f"synthetic{doc_no:06d}"
                doc_no += 1
                d = document_iri(doc_id)
                add((d, RDF.type, PK.Document))
                add((d, PK.text, Literal(text)))
                add((d, DCTERMS.title, Literal(f"{name}召开政法队伍教育整顿动员部署会议")))
                add((d, DCTERMS.issued, Literal(date, datatype=XSD.date)))
                add((d, PK.reports, m))
                add((d, PK.mentions, m))

                def evidence(node, quote, rule, _text=text, _doc=doc_id, _d=d):
                    start = _text.index(quote)
                    mn = mention_iri(_doc, start, start + len(quote), rule)
                    add((node, PK.evidence, mn))
                    add((mn, RDF.type, PK.Mention))
                    add((mn, PK.inDocument, _d))
                    add((mn, PK.start, Literal(start)))
                    add((mn, PK.end, Literal(start + len(quote))))
                    add((mn, PK.quote, Literal(quote)))
                    add((mn, PK.rule, Literal(rule)))

                evidence(m, f"{name}召开政法队伍教育整顿动员部署会议", "meeting.synthetic")
                evidence(locality_iri(code), name, "locality.synthetic")
                pr = person_iri(f"{code}|{person}")
                add((pr, RDF.type, PK.Person))
                add((pr, RDFS.label, Literal(person, lang="zh")))
                add((pr, PK.title, Literal("政法委书记")))
                add((m, PK.chair, pr))
                evidence(pr, person, "person.synthetic")
                for k, (verb, content) in enumerate((("指出", "开展教育整顿是重大决策部署。"),
                                                     ("强调", f"要抓好“{said}”{flabel}，确保取得实效。"))):
                    s = statement_iri(doc_id, f"s{k + 1}")
                    add((s, RDF.type, PK.Statement))
                    add((s, PK.verb, Literal(verb)))
                    add((s, PK.content, Literal(content)))
                    add((s, PK.speaker, m))
                    add((m, PK.hasStatement, s))
                    evidence(s, f"会议{verb}，{content}", "statement.synthetic")
                    if k == 1:
                        add((s, PK.mentions, f))
                        add((m, PK.mentions, f))
                        evidence(f, flabel, "formulation.synthetic")
    return g
