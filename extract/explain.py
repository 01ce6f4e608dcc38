"""What the rules did with a document: each rule's hits, and the cue sentences no rule read.

A rule author's tool: ``policykg explain FILE`` prints :func:`explain`'s result.

>>> from policykg.extract.document import Document
>>> e = explain(Document.from_text("会议强调，要抓好学习教育、查纠整改、总结提升三个环节。另有三张表格待填。"))
>>> sorted(e.hits)[:2]
['head.huanjie', 'item.split']
>>> [u.text for u in e.unclaimed]
[]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .pipeline import extract
from .rulefile import read_table
from .ruleset import RULES_DIR
from .text import paragraphs, sentences, shadow


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    quote: str
    kind: str


@dataclass(frozen=True)
class Unclaimed:
    start: int
    end: int
    text: str
    cues: tuple[str, ...]


@dataclass
class Explanation:
    hits: dict = field(default_factory=dict)       # rule id -> [Hit]
    unclaimed: list = field(default_factory=list)  # [Unclaimed]
    warnings: tuple = ()

    def format(self) -> str:
        lines = []
        for rid in sorted(self.hits):
            hs = self.hits[rid]
            lines.append(f"{rid}  ({len(hs)} hit{'s' if len(hs) != 1 else ''})")
            for h in hs:
                lines.append(f"    {h.start}-{h.end}  {h.kind:<12} {h.quote[:60]}")
        lines.append("")
        lines.append(f"unclaimed cue sentences: {len(self.unclaimed)}")
        for u in self.unclaimed:
            lines.append(f"    {u.start}-{u.end}  [{'/'.join(u.cues)}] {u.text[:80]}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)


def explain(doc, *, rules=None) -> Explanation:
    x = extract(doc, rules=rules)
    e = Explanation(warnings=x.warnings)
    covered = set()
    for f in x.facts():
        kind = type(f).__name__.lower()
        spans = [f.span] + list(getattr(f, "also", ()))
        for s in spans:
            e.hits.setdefault(s.rule, []).append(Hit(s.start, s.end, s.quote, kind))
            covered.update(range(s.start, s.end))
    for f in x.formulations:
        for it in f.lexicon_items:
            e.hits.setdefault(it.span.rule, []).append(Hit(it.span.start, it.span.end, it.label, "lexicon"))
    for hs in e.hits.values():
        hs.sort(key=lambda h: (h.start, h.end))
    cues = [r["word"] for r in read_table(RULES_DIR / "unclaimed_cues.tsv", required=("word",))]
    s = shadow(doc.text)
    for _pi, seg in sentences(s, paragraphs(s)):
        found = tuple(c for c in cues if c in s[seg.start:seg.end])
        if found and not any(i in covered for i in range(seg.start, seg.end)):
            e.unclaimed.append(Unclaimed(seg.start, seg.end, doc.text[seg.start:seg.end].strip(), found))
    return e
