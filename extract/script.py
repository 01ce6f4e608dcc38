"""Traditional → simplified script, one character for one character.

The conversion never changes the length of a text, so every character offset found in the
converted text is valid in the original: match on ``to_simplified(text)``, quote from
``text``.  The table ``data/t2s.tsv`` holds OpenCC's single-character mappings
(``TSCharacters.txt``, first candidate), without the few characters that official simplified
place names use (乾县 stays 乾县).  It is read once, on first use.

>>> to_simplified("東山縣召開會議強調")
'东山县召开会议强调'
>>> len(to_simplified("銅陵鎮")) == len("銅陵鎮")
True
>>> is_traditional_heavy("漳州市東山縣召開會議"), is_traditional_heavy("漳州市东山县召开会议")
(True, False)
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["to_simplified", "is_traditional_heavy"]

_TABLE = "t2s.tsv"


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """``str.translate`` table: code point of a traditional character → simplified one."""
    text = resources.files(__package__).joinpath("data", _TABLE).read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        trad, simp = line.split("\t")
        if len(trad) != 1 or len(simp) != 1:  # the conversion must keep every offset
            raise ValueError(f"{_TABLE}: not one character for one: {line!r}")
        table[ord(trad)] = simp
    return table


_FREQUENT_TRADITIONAL = "會國為說這個們時來發對開關與經進過還當後從現實體長點產動問題學應機義無將區縣鄉鎮黨員議書記強調導領務設標準總結"
_ANY_FREQUENT_TRADITIONAL = re.compile(f"[{_FREQUENT_TRADITIONAL}]")


def to_simplified(text: str) -> str:
    """``text`` with each traditional character replaced by its simplified form.

    Length-preserving: ``len(to_simplified(t)) == len(t)`` and characters without a
    mapping (simplified ones, punctuation, Latin) are left as they are. A text that holds
    none of the most frequent traditional characters (會, 國, 縣, 為…) is taken to be
    simplified and returned unchanged, so names such as 於潜镇 in simplified text stay as
    they are and simplified articles cost one scan.

    >>> to_simplified("漳州市東山縣銅陵鎮")
    '漳州市东山县铜陵镇'
    """
    # Traditional text is full of a few frequent characters; a simplified text has none of them and
    # is returned unchanged after one C-speed scan.
    if not _ANY_FREQUENT_TRADITIONAL.search(text):
        return text
    return text.translate(_table())


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x323AF \
        or 0xF900 <= o <= 0xFAFF


def is_traditional_heavy(text: str, share: float = 0.05, minimum: int = 2) -> bool:
    """True when at least ``share`` of the CJK characters of ``text`` (and at least
    ``minimum`` of them) change under :func:`to_simplified`.

    >>> is_traditional_heavy("关于召开全县经济工作会议的通知")
    False
    """
    table = _table()
    cjk = changed = 0
    for ch in text:
        if _is_cjk(ch):
            cjk += 1
            if ord(ch) in table:
                changed += 1
    return changed >= minimum and changed >= share * cjk
