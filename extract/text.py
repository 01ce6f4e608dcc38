"""The text every rule reads: a same-length normalised shadow, paragraphs and sentences.

Rules match on :func:`shadow`, a copy of the document's text of exactly the same
length in which traditional characters are simplified and half-width punctuation
is made full-width, so one set of rules reads 東山縣 and 东山县, ``,`` and ``，``,
and every offset found in the shadow is an offset into the original text.

>>> s = shadow("會議強調,要(一)")
>>> s
'会议强调，要（一）'
>>> len(s) == len("會議強調,要(一)")
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .script import to_simplified

_PUNCT = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）",
                        "\u3000": " ", "\u00a0": " ", "\"": "\"", "「": "“", "」": "”", "『": "“", "』": "”"})
SENTENCE_END = "。！？；"
_SENT = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）)]*|\n|$)")


_PUNCT_RX = re.compile("[" + "".join(re.escape(chr(c)) for c in _PUNCT) + "]")


def shadow(text: str) -> str:
    """Simplified, punctuation-normalised copy of ``text`` with the same length."""
    out = _PUNCT_RX.sub(lambda m: _PUNCT[ord(m.group())], to_simplified(text))
    assert len(out) == len(text)
    return out


@dataclass(frozen=True)
class Segment:
    start: int
    end: int


def paragraphs(s: str) -> list[Segment]:
    """Non-blank lines, as offsets."""
    out, pos = [], 0
    for line in s.split("\n"):
        a, b = pos, pos + len(line)
        while a < b and s[a] in " \t\r":
            a += 1
        while b > a and s[b - 1] in " \t\r":
            b -= 1
        if b > a:
            out.append(Segment(a, b))
        pos += len(line) + 1
    return out


def sentences(s: str, para: Segment) -> list[Segment]:
    """Sentences of one paragraph, split after 。！？； (closing quotes stay with their sentence)."""
    out = []
    for m in _SENT.finditer(s, para.start, para.end):
        a, b = m.start(), min(m.end(), para.end)
        if b > a and s[a:b].strip():
            out.append(Segment(a, b))
        if m.end() >= para.end:
            break
    return out
