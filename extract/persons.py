"""Persons: names written after their titles (县委书记韩立军; 县委副书记、县长周晓峰; 省领导A、B、C).

The anchor is a title word from the rules (书记, 县长, 组长…); the title runs
back to the start of the clause (so 市委党史学习教育第三巡回指导组组长 is kept
as written), earlier titles joined by 、 are collected too, and the name is the
shortest run of 2–5 characters that a cue word (出席, 主持, 指出…) follows.
"""
from __future__ import annotations

import re

from .facts import Span

_BOUNDARY = "，。；：！？“”（）《》\n"
_LEADING_JUNK = re.compile(r"^(?:会议由|会上|由|经|及|和|与|并|同时|随后|其中|邀请|请)+")
_STRONG_CUE = re.compile(r"出席|主持|指出|强调|要求|讲话|在|到会|宣读|通报|参加|表示|说|、")
_BAD_NAME_START = tuple("要的和在是们等对就带与及将把从为同并")


class PersonMention:
    __slots__ = ("name", "titles", "start", "end", "title_start", "rule")

    def __init__(self, name, titles, start, end, title_start, rule):
        self.name, self.titles, self.start, self.end = name, titles, start, end
        self.title_start, self.rule = title_start, rule


def find_titled_persons(text: str, s: str, rules) -> list[PersonMention]:
    """Every name introduced by a title, in text order."""
    title_pat = rules.pattern("title")
    cue_pat = rules.pattern("person_cue")
    boiler = [rx for _rid, kind, rx in rules.boilerplate if kind == "person"]
    out: list[PersonMention] = []
    taken_until = -1
    for m in title_pat.finditer(s):
        e = m.end()
        if e <= taken_until:
            continue
        # a longer title word may continue here (副书记 → 书记 found first is fine; 县长 in 副县长 too)
        if s.startswith("制", e):     # 林长制, 河长制: an institution, not a title
            continue
        names = [(a, b) for a, b in _names_after(s, e, cue_pat, rules.surnames)
                 if plausible_name(s[a:b], rules) and (s[a:b][0] in rules.surnames or s[a:b][:2] in rules.surnames
                                                       or _STRONG_CUE.match(s, b))]
        if not names:
            continue
        titles, title_start = _titles_before(s, text, e, rules)
        if not titles:
            continue
        rid = rules.titles.get(m.group(), "person.title")
        for a, b in names:
            name = text[a:b]
            if any(rx.search(s[a:b]) for rx in boiler):
                continue
            out.append(PersonMention(name, titles, a, b, title_start, rid))
        taken_until = names[-1][1]
    return out


def _names_after(s: str, e: int, cue_pat, surnames=frozenset()) -> list[tuple[int, int]]:
    """The name (or 、-separated names) right after a title ending at ``e``."""
    out = []
    pos = e
    while True:
        found = None
        for k in range(2, 6):
            b = pos + k
            if b > len(s) or not all("\u4e00" <= c <= "\u9fff" for c in s[pos:b]):
                break
            if s[pos] in _BAD_NAME_START:
                break
            if cue_pat.match(s, b) or (s.startswith("，", b) and k <= 3 and s[pos] in surnames):
                found = (pos, b)
                break
        if found is None:
            break
        out.append(found)
        if s.startswith("、", found[1]):
            pos = found[1] + 1
            continue
        break
    return out


def _titles_before(s: str, text: str, e: int, rules) -> tuple[tuple[str, ...], int]:
    """Titles written before the name: the clause's run of titles joined by 、."""
    title_pat = rules.pattern("title")
    titles = []
    end = e
    start_all = e
    while True:
        a = end
        while a > 0 and s[a - 1] not in _BOUNDARY and s[a - 1] != "、":
            a -= 1
        seg = s[a:end]
        jm = _LEADING_JUNK.match(seg)
        if jm:
            a += jm.end()
            seg = s[a:end]
        if not seg or len(seg) > 24 or not title_pat.search(seg) or not _ends_with_title(seg, title_pat):
            break
        titles.append(text[a:end])
        start_all = a
        if a > 0 and s[a - 1] == "、":
            end = a - 1
            continue
        break
    return tuple(reversed(titles)), start_all


def _ends_with_title(seg: str, title_pat) -> bool:
    return any(m.end() == len(seg) for m in title_pat.finditer(seg))


def plausible_name(name: str, rules) -> bool:
    """A personal name: two or three characters after a known surname, or four or five characters."""
    if not 2 <= len(name) <= 5 or name[0] in _BAD_NAME_START:
        return False
    if any(w in name for w in ("会议", "精神", "工作", "书记", "领导", "同志", "部门", "单位", "干部", "小组", "成员",
                                "委员", "班子", "代表", "群众", "人员")):
        return False
    if rules.pattern("title").search(name):
        return False
    if name[:2] in rules.surnames:
        return True
    return name[0] in rules.surnames and len(name) <= 4 or len(name) >= 4 and name[0] not in "抓推做加落会要"
