"""Wording fidelity: how faithfully a locality repeated a formulation's canonical items.

Pure Python over strings; the report feeds it the item wordings read from the graph.

**Canonical items.** For each formulation (its label in simplified script, and its category):
the lexicon's items (``pk:lexiconItem``) when the graph has them; otherwise the corpus
majority, position by position: at each position of the listed items, the wording used there
by the most localities (one vote per locality), ties broken by the highest administrative
level among the localities using it, then by lexical order. The number of positions is the
declared count (``pk:count``), or the longest list when no list is that long.  A formulation
is *scored* when its canonical items come from the lexicon or from at least two localities'
lists (one locality alone would be its own reference).

**Matching.** Wordings are compared after normalisation (traditional → simplified script,
spaces and punctuation removed). Each of a locality's items is paired with at most one
canonical item: first the identical pairs, then the *variants*, pairs whose similarity
``1 − edit distance / length of the longer`` is at least 0.6 (执法司法公信力进一步提升 vs
执法司法公信力进一步增强: 1 − 2/12 = 0.83), best pairs first. A canonical item left unpaired
is *missing*; a locality's item left unpaired is *added*.

**Score.** Per formulation and locality::

    score = (identical + 0.5 × variant) / (canonical items + added items)

so identical wording scores 1.0, each variant costs half an item, each missing item a whole
one, and each added item enlarges the denominator. A locality's score is the mean of its
scores over the scored formulations whose items it listed (a formulation it only named,
without listing items, is not scored).

>>> r = match_items(["政治生态进一步优化", "纪律作风进一步好转", "执法司法公信力进一步提升"],
...                 ["执法司法公信力进一步增强", "政治生态进一步优化", "队伍素质进一步提高"])
>>> [(m.status, m.canonical, m.wording) for m in r]  # doctest: +NORMALIZE_WHITESPACE
[('identical', '政治生态进一步优化', '政治生态进一步优化'), ('missing', '纪律作风进一步好转', ''),
 ('variant', '执法司法公信力进一步提升', '执法司法公信力进一步增强'), ('added', '', '队伍素质进一步提高')]
>>> score(r)  # (1 + 0.5) / (3 + 1)
0.375
>>> score(match_items(["甲乙丙丁", "戊己庚辛"], ["甲乙丙丁", "戊己庚辛"]))
1.0
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["VARIANT_SIMILARITY", "VARIANT_WEIGHT", "ItemMatch", "normalise", "similarity", "match_items",
           "score", "canonical_items", "STATUSES"]

VARIANT_SIMILARITY = 0.6
"""Two different wordings at least this similar are variants of one another."""

VARIANT_WEIGHT = 0.5
"""What a variant counts for in the score (identical = 1, missing = 0)."""

STATUSES = ("identical", "variant", "missing", "added")

_PUNCT = re.compile(r"[\s\u3000“”‘’\"'「」『』《》〈〉（）()【】\[\]、，,。.；;：:！!？?·…—\-]+")


@dataclass(frozen=True)
class ItemMatch:
    """One canonical item and the locality's wording paired with it (or one side empty)."""

    status: str          # identical | variant | missing | added
    canonical: str       # '' for an added item
    wording: str         # '' for a missing item
    similarity: float    # 1.0 identical, 0.0 missing/added


def normalise(wording: str) -> str:
    """The wording in simplified script without spaces or punctuation.

    >>> normalise("“四個意識” ")
    '四个意识'
    """
    from ..extract.script import to_simplified
    return _PUNCT.sub("", to_simplified(wording))


def similarity(a: str, b: str) -> float:
    """The share of characters two normalised wordings have in common, ignoring order.

    ``2 × shared characters / (len(a) + len(b))``, each character counted as often as it occurs
    in both.

    >>> round(similarity("执法司法公信力进一步提升", "执法司法公信力进一步增强"), 2)
    0.83
    >>> round(similarity("素质能力进一步提升", "能力素质进一步提高"), 2)
    0.89
    >>> similarity("政治意识", "大局意识")
    0.5
    """
    from collections import Counter
    a, b = normalise(a), normalise(b)
    if not a and not b:
        return 1.0
    shared = sum((Counter(a) & Counter(b)).values())
    return 2 * shared / (len(a) + len(b))


def match_items(canonical: Sequence[str], wording: Sequence[str]) -> list[ItemMatch]:
    """Pair a locality's wording with the canonical items: identical, variant, missing, added.

    The result lists the canonical items in their order (each identical, variant or missing),
    then the added items in the locality's order. Deterministic for equal inputs.
    """
    canon = list(dict.fromkeys(canonical))
    words = list(dict.fromkeys(wording))
    nc = [normalise(c) for c in canon]
    nw = [normalise(w) for w in words]
    pair: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for i, c in enumerate(nc):            # identical first, in canonical order
        for j, w in enumerate(nw):
            if j not in used and c == w:
                pair[i] = (j, 1.0)
                used.add(j)
                break
    candidates = []
    for i, c in enumerate(nc):
        if i in pair:
            continue
        for j, w in enumerate(nw):
            if j in used:
                continue
            s = similarity(c, w)
            if s >= VARIANT_SIMILARITY:
                candidates.append((-s, i, j))
    for neg, i, j in sorted(candidates):  # best pairs first, then canonical order, then wording order
        if i in pair or j in used:
            continue
        pair[i] = (j, -neg)
        used.add(j)
    out = []
    for i, c in enumerate(canon):
        if i in pair:
            j, s = pair[i]
            out.append(ItemMatch("identical" if s == 1.0 else "variant", c, words[j], round(s, 4)))
        else:
            out.append(ItemMatch("missing", c, "", 0.0))
    out.extend(ItemMatch("added", "", words[j], 0.0) for j in range(len(words)) if j not in used)
    return out


def score(matches: Iterable[ItemMatch]) -> float:
    """``(identical + 0.5 × variant) / (canonical + added)``, rounded to 4 decimals; 0.0 when empty."""
    counts = {s: 0 for s in STATUSES}
    for m in matches:
        counts[m.status] += 1
    denominator = counts["identical"] + counts["variant"] + counts["missing"] + counts["added"]
    if not denominator:
        return 0.0
    return round((counts["identical"] + VARIANT_WEIGHT * counts["variant"]) / denominator, 4)


def canonical_items(lists: dict[str, Sequence[str]], *, count: int | None = None,
                    rank: dict[str, int] | None = None) -> list[str]:
    """The corpus-majority wording of a formulation, position by position.

    ``lists`` maps each locality to the items it listed, in order; ``rank`` gives each
    locality's level (0 = national … 4 = township) for breaking ties; ``count`` is the declared
    count. Each wording is chosen once.

    >>> canonical_items({"A": ["甲", "乙", "丙"], "B": ["甲", "乙", "丁"], "C": ["甲", "戊", "丙"]}, count=3)
    ['甲', '乙', '丙']
    >>> canonical_items({"county": ["甲", "乙"], "province": ["甲", "丙"]}, rank={"county": 3, "province": 1})
    ['甲', '丙']
    """
    rank = rank or {}
    longest = max((len(v) for v in lists.values()), default=0)
    n = min(count, longest) if count else longest
    chosen: list[str] = []
    for k in range(n):
        votes: dict[str, set[str]] = {}
        for loc, items in lists.items():
            if k < len(items):
                votes.setdefault(items[k], set()).add(loc)
        ranked = sorted(votes.items(), key=lambda kv: (-len(kv[1]), min(rank.get(l, 9) for l in kv[1]), kv[0]))
        for wording, _locs in ranked:
            if wording not in chosen:
                chosen.append(wording)
                break
    return chosen
