"""Persons: names written after their titles (县委书记韩立军; 县委副书记、县长周晓峰; 省领导A、B、C).

The anchor is a title word from the rules (书记, 县长, 组长…); the title runs
back to the start of the clause (so 市委党史学习教育第三巡回指导组组长 is kept
as written), earlier titles joined by 、 are collected too, and the name is the
shortest run of 2–5 characters that a cue word (出席, 主持, 指出…) follows.
"""
from __future__ import annotations

import re

from .facts import Span
from .text import Breaks, finditer_near

_TITLE_PART = Breaks("，。；：！？“”（）《》\n、")     # a title runs back to one of these
_LEADING_JUNK = re.compile(r"^(?:会议由|会上|由|经|及|和|与|并|同时|随后|其中|邀请|请)+")
_STRONG_CUE = re.compile(r"出席|主持|指出|强调|要求|讲话|在|到会|宣读|通报|参加|表示|说|、|对|就|介绍|列席|陪同")
_LONG_CUE = re.compile(r"出席|主持|指出|强调|要求|讲话|表示|介绍|列席|陪同|在(?:讲话|会上|主持)")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff·•]")
_NAME_RUN = re.compile(r"[\u4e00-\u9fff·•]*")
_LIST_BEFORE_TITLE = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4})等")
_LIST_BREAKS = Breaks("，。；：！？“”（）《》\n ")     # none of these is in a list before a title
_BAD_NAME_START = frozenset("要的和在是们等对就带与及将把从为同并")
_NOT_IN_NAME = re.compile("会议|精神|工作|书记|领导|同志|部门|单位|干部|小组|成员|委员|班子|代表|群众|人员")


def _boilerplate_in_titles(rules) -> list[re.Pattern]:
    """The person boilerplate patterns, unanchored: searched for inside titles."""
    return [re.compile(rx.pattern.strip("^$")) for _rid, kind, rx in rules.boilerplate if kind == "person"]


def _title_soon(rules) -> re.Pattern:
    """A title word within the next few characters (王五、李四等县领导)."""
    return re.compile(r"[\u4e00-\u9fff]{0,4}?(?:" + rules.pattern("title").pattern + ")")


class _Tables:
    """What the rules give person finding, gathered once per rule set (see :meth:`RuleSet.derived`)."""

    def __init__(self, rules):
        self.title = rules.pattern("title")
        self.cue = rules.pattern("person_cue")
        self.titles = rules.titles
        self.surnames = rules.surnames
        self.boiler = tuple(rx for _rid, kind, rx in rules.boilerplate if kind == "person")
        self.boiler_in_titles = tuple(_boilerplate_in_titles(rules))
        self.title_soon = _title_soon(rules)
        self.title_ends: dict[str, bool] = {}     # _ends_with_title by segment: titles repeat


class PersonMention:
    __slots__ = ("name", "titles", "start", "end", "title_start", "rule")

    def __init__(self, name, titles, start, end, title_start, rule):
        self.name, self.titles, self.start, self.end = name, titles, start, end
        self.title_start, self.rule = title_start, rule


def find_titled_persons(text: str, s: str, rules) -> list[PersonMention]:
    """Every name introduced by a title, in text order."""
    tables = rules.derived(_Tables)
    cue_pat, surnames = tables.cue, tables.surnames
    out: list[PersonMention] = []
    taken_until = -1
    for m in tables.title.finditer(s):
        e = m.end()
        if e <= taken_until:
            continue
        # a longer title word may continue here (副书记 → 书记 found first is fine; 县长 in 副县长 too)
        if s.startswith("制", e):     # 林长制, 河长制: an institution, not a title
            continue
        te = e
        if s.startswith("）", e) and "（" in s[max(0, e - 16):e]:
            e += 1                    # 区长（区政府党组书记）李建华

        names = [(a, b) for a, b in _names_after(s, e, cue_pat, surnames)
                 if _plausible(s[a:b], tables) and (s[a] in surnames or s[a:a + 2] in surnames
                                                    or _STRONG_CUE.match(s, b))]
        if not names:
            continue
        titles, title_start = _titles_before(s, text, te, tables)
        if te != e:
            titles, title_start = _titles_before(s, text, s.rfind("（", 0, te), tables)
            titles = titles + (text[s.rfind("（", 0, te) + 1:te],) if titles else ()
        if not titles or _any_search(tables.boiler_in_titles, titles):
            continue        # 习近平总书记视察…: the leader in boilerplate is not an attendee
        rid = tables.titles.get(m.group(), "person.title")
        for a, b in names:
            if _any_search(tables.boiler, (s[a:b],)):
                continue
            out.append(PersonMention(text[a:b], titles, a, b, title_start, rid))
        taken_until = names[-1][1]
    # 皇甫立新、郑晓军、曾卫东等县领导: names listed before their shared title
    taken = {(p.start, p.end) for p in out}
    title_soon = tables.title_soon
    for m in finditer_near(_LIST_BEFORE_TITLE, s, "等", _LIST_BREAKS):
        rest = s[m.end():m.end() + 8]
        title_m = title_soon.match(rest)
        if not title_m or not cue_pat.match(s, m.end() + title_m.end()) and not s.startswith(("出席", "参加", "，", "。"), m.end() + title_m.end()):
            continue
        title = text[m.end():m.end() + title_m.end()]
        pos = m.start(1)
        for piece in m.group(1).split("、"):
            a, b = pos, pos + len(piece)
            pos = b + 1
            if (a, b) in taken or not _plausible(piece, tables) or piece[0] not in surnames and piece[:2] not in surnames:
                continue
            out.append(PersonMention(text[a:b], (title,), a, b, a, "person.list_before_title"))
    out.sort(key=lambda p: p.start)
    return out


def _names_after(s: str, e: int, cue_pat, surnames=frozenset()) -> list[tuple[int, int]]:
    """The name (or 、-separated names) right after a title ending at ``e``."""
    out = []
    pos = e
    while True:
        found = None
        if not _NAME_CHAR.match(s, pos) or s[pos] in "·•" or s[pos] in _BAD_NAME_START:
            break
        # no cue within reach: no name here (saves trying every length)
        if not cue_pat.search(s, pos + 2, pos + 13) and not s.startswith("，", pos + 2) and "，" not in s[pos + 2:pos + 4]:
            break
        run = _NAME_RUN.match(s, pos).end() - pos
        for k in range(2, min(run, 12) + 1):
            b = pos + k
            # names of more than five characters only with a middle dot (艾尔肯·吐尼亚孜) or a strong cue
            if k > 5 and "·" not in s[pos:b] and "•" not in s[pos:b] and not (k <= 7 and _LONG_CUE.match(s, b)):
                continue
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


def _any_search(patterns, texts) -> bool:
    for t in texts:
        for rx in patterns:
            if rx.search(t):
                return True
    return False


def _titles_before(s: str, text: str, e: int, tables: _Tables) -> tuple[tuple[str, ...], int]:
    """Titles written before the name: the clause's run of titles joined by 、."""
    title_ends = tables.title_ends
    titles = []
    end = e
    start_all = e
    while True:
        a = _TITLE_PART.run_start(s, end, 0)
        seg = s[a:end]
        jm = _LEADING_JUNK.match(seg)
        if jm:
            a += jm.end()
            seg = s[a:end]
        if not seg or len(seg) > 24:
            break
        ends = title_ends.get(seg)
        if ends is None:
            if len(title_ends) > 10_000:
                title_ends.clear()
            ends = title_ends[seg] = _ends_with_title(seg, tables.title)
        if not ends:
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


def _plausible(name: str, tables: _Tables) -> bool:
    """A personal name: two or three characters after a known surname, four to seven characters, or a
    transliterated name with a middle dot (艾尔肯·吐尼亚孜)."""
    dotted = "·" in name or "•" in name
    if not 2 <= len(name) <= (12 if dotted else 7) or name[0] in _BAD_NAME_START or name[-1] in "·•":
        return False
    if _NOT_IN_NAME.search(name):
        return False
    if tables.title.search(name):
        return False
    if name[:2] in tables.surnames:
        return True
    return name[0] in tables.surnames and len(name) <= 4 or len(name) >= 4 and name[0] not in "抓推做加落会要"
