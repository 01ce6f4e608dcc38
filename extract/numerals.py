"""Chinese and Arabic numerals of count words, converted on the numeral alone.

>>> [cn_to_int(s) for s in ("四", "两", "十", "十二", "二十", "〇", "3", "１２")]
[4, 2, 10, 12, 20, 0, 3, 12]
>>> cn_to_int("进") is None
True
"""
from __future__ import annotations

from functools import lru_cache

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "0123456789０１２３４５６７８９"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=4096)
def cn_to_int(s: str) -> int | None:
    """The value of a numeral written in Chinese characters or digits, or None."""
    if not s:
        return None
    t = s.translate(_FULLWIDTH)
    if t.isdigit():
        return int(t)
    total, current = 0, None
    for ch in t:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if current is None else current) * UNITS[ch]
            current = None
        else:
            return None
    return total + (current or 0)
