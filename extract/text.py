"""The text every rule reads: a same-length normalised shadow, paragraphs and sentences.

Rules match on :func:`shadow`, a copy of the document's text of exactly the same
length in which traditional characters are simplified and half-width punctuation
is made full-width, so one set of rules reads 東山縣 and 东山县, ``,`` and ``，``,
and every offset found in the shadow is an offset into the original text.
:class:`Breaks`, :class:`WordHits` and :func:`finditer_near` let rules read only the
parts of the text that can hold what they look for.

>>> s = shadow("會議強調,要(一)")
>>> s
'会议强调，要（一）'
>>> len(s) == len("會議強調,要(一)")
True
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import partial
from typing import NamedTuple

from .script import to_simplified

_PUNCT = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）",
                        "\u3000": " ", "\u00a0": " ", "\"": "\"", "「": "“", "」": "”", "『": "“", "』": "”"})
SENTENCE_END = "。！？；"
# 。！？； and the closing quotes after them (written with a leading set, which a search finds fast)
_SENTENCE_ENDING = re.compile(f"[{SENTENCE_END}][{SENTENCE_END}]*[”’」』）)]*")
_START, _END, _SPAN = re.Match.start, re.Match.end, re.Match.span


_PUNCT_PAIRS = tuple((chr(c), r) for c, r in _PUNCT.items() if chr(c) != r)
# shadow() replaces one kind at a time: that gives the same text only if no replacement is replaced again
assert not {r for _c, r in _PUNCT_PAIRS} & {c for c, _r in _PUNCT_PAIRS}


def shadow(text: str) -> str:
    """Simplified, punctuation-normalised copy of ``text`` with the same length."""
    out = to_simplified(text)
    # one C-speed scan per character kind (a text holds few of them) rather than a call per match
    for ch, replacement in _PUNCT_PAIRS:
        if ch in out:
            out = out.replace(ch, replacement)
    assert len(out) == len(text)
    return out


class Breaks:
    """Characters that end a run of text (a clause, say): where the run around a position starts and ends.

    >>> clause = Breaks("，。")
    >>> s = "会议强调，要抓好三项工作。"
    >>> clause.run_start(s, 8, 0), clause.run_end(s, 8, len(s))
    (5, 12)
    """

    def __init__(self, chars: str):
        cls = re.escape(chars)
        self._any = re.compile(f"[{cls}]")
        self._last = re.compile(f"[{cls}][^{cls}]*\\Z")

    def run_start(self, s: str, pos: int, floor: int) -> int:
        """After the last break before ``pos``, or ``floor``."""
        hi, width = pos, 32
        while hi > floor:     # read back in ever wider windows (a search reads forwards)
            lo = hi - width if hi - width > floor else floor
            m = self._last.search(s, lo, hi)
            if m:
                return m.start() + 1
            hi, width = lo, 2 * width
        return floor

    def run_end(self, s: str, pos: int, end: int) -> int:
        """At the first break from ``pos`` on, or ``end``."""
        m = self._any.search(s, pos, end)
        return m.start() if m else end


class WordHits:
    """The matches of an alternation of words (:meth:`RuleSet.pattern`) in a whole text, read once; then
    those of any part of the text, as reading that part alone gives them."""

    def __init__(self, pattern: re.Pattern, s: str):
        self.pattern, self.s = pattern, s
        self.matches = list(pattern.finditer(s))
        self.starts = list(map(_START, self.matches))

    def within(self, a: int, b: int) -> list:
        """The matches in a..b: those of the whole text, unless one runs across a or b (then a..b is read)."""
        k, j = bisect_left(self.starts, a), bisect_left(self.starts, b)
        inside = self.matches[k:j]
        if (k and self.matches[k - 1].end() > a) or (inside and inside[-1].end() > b):
            return list(self.pattern.finditer(self.s, a, b))
        return inside


_LINE = Breaks("\n")


def finditer_near(pattern: re.Pattern, s: str, word: str, breaks: Breaks = _LINE):
    """``pattern.finditer(s)``, reading only the runs between ``breaks`` (lines by default) that hold
    ``word``: for a pattern whose every match holds ``word`` and which reads nothing across a break (no
    match, ``$`` or lookahead reaches past one)."""
    pos = 0
    while (j := s.find(word, pos)) != -1:
        end = breaks.run_end(s, j, len(s))
        yield from pattern.finditer(s, breaks.run_start(s, j, pos), end)
        pos = end


class Segment(NamedTuple):
    start: int
    end: int


# a paragraph: a line without its leading and trailing spaces, tabs and carriage returns
_PARAGRAPH = re.compile(r"[^ \t\r\n](?:[^\n]*[^ \t\r\n])?")
_segment = partial(tuple.__new__, Segment)      # Segment(start, end) from a pair, at C speed


def paragraphs(s: str) -> list[Segment]:
    """Non-blank lines, as offsets."""
    return list(map(_segment, map(_SPAN, _PARAGRAPH.finditer(s))))


def sentences(s: str, paras: list[Segment]) -> list[tuple[int, Segment]]:
    """The sentences of the paragraphs ``paras`` of ``s``, each with the index of its paragraph; split
    after 。！？； (closing quotes stay with their sentence)."""
    ends = list(map(_END, _SENTENCE_ENDING.finditer(s)))     # (none runs across a line's end)
    ends.append(len(s) + 1)     # (past every paragraph: the scans below stop on it)
    out = []
    k = 0
    for pi, (a, e) in enumerate(paras):
        while ends[k] <= a:
            k += 1
        while ends[k] <= e:
            out.append((pi, _segment((a, ends[k]))))
            a = ends[k]
            k += 1
        if a < e and not s[a:e].isspace():    # (the others end with 。 or the like)
            out.append((pi, _segment((a, e))))
    return out
