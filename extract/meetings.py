"""Meetings: names ending in a meeting word, their locality, date, role and upstream meetings.

Reading one clause (``肥城市召开政法队伍教育整顿动员部署会议``): a meeting-name
ending from the rules anchors the match; the clause before it is cut after the
rightmost breaker word (召开, 传达学习, 和…), which leaves the subject before it
and the name after it. The name may start with a list of localities or level
words (全国、全省、全市…会议 gives three meetings of one name); those become
``pk:heldIn`` and are dropped from the label, an organ word after them is kept
(德州市委视频会议 → 市委视频会议). Level words resolve against the subject or
the section's locality through the gazetteer (全市 in 德城区 → 德州市).

A meeting is upstream when its spirit is transmitted (…会议精神, 传达学习…) or
when another one is held after it (…召开后/结束后); it is reported when the
section's locality holds it. Dates come from the same sentence; 接续/随即 carry
the day to the upstream meeting, 会后…紧接着 carries it across sentences.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .facts import Division, LEVELS
from .ruleset import any_of
from .text import Breaks, WordHits

# every date starts with a digit: the lookahead lets a scan pass the other characters quickly
DATE = re.compile(r"(?=\d)(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?P<pod>上午|下午|晚上|晚|早上|中午)?")
YEAR_PREFIX = re.compile(r"(?:\d{4}|[〇一二三四五六七八九零]{4})年度?")
_CLAUSE_BREAKS = "，。；：！？（）《》\n "
_CLAUSE = Breaks(_CLAUSE_BREAKS)
_VAGUE_CORE = {"上级", "下级", "各级", "主持", "此次", "这次", "本次", "该次", "上述", "有关", "相关", "各类", "全体", "各次", "专题", "工作", "相关工作",
               "贯彻落实", "专门", "该", "各种", "一系列"}
_VENUE = re.compile(r"(?:在|于)(?P<place>[\u4e00-\u9fff]{2,9}?)(?:召开|举行|举办)")
_NUMBERED = re.compile(r"(?:\d{4}年)?(?:第[0-9一二三四五六七八九十]+次|（扩大）|扩大)*")
_BAD_CORE_START = re.compile(r"(?:要(?!素)|暨|把|是|既是|也是|一次|这次|此次|本次|将|就|对|为|从|与|这|那|该|每|各|其|高质量的|[^，。]*?(?:这次|此次|本次|该次))")
_YI_WORDS = ("议定", "议题", "议程", "议案", "议事")    # 座谈会议定事项: 座谈会, then 议定
_NOT_END = "委堂员场室馆上主副党办秘议常"   # 常委会委员, 大会堂: the meeting word continues into another word
_SEVERAL = re.compile(r"各(县|区|市|镇|乡|地|旗|镇街|单位|部门)|相继")
_OWN_LEVEL_START = re.compile("[我全]")     # 我省, 全市: the level words a subject may be
_HELD = ("召开", "举行", "主持召开", "组织召开")   # the breakers after which the subject holds the meeting
# the bodies of an organ that hold a meeting named after them alone (省委常委会召开会议: 省委常委会会议)
_BODIES = ("常委会", "党组")


@dataclass(slots=True)
class Prefix:
    start: int
    end: int
    division: Division | None
    level: str | None       # Country … Township
    rule: str
    organ_end: int | None = None   # end of 委/政府 after the place


@dataclass(slots=True)
class MeetingMention:
    start: int              # of the whole name including place/level prefix
    name_start: int         # of the label
    end: int
    label: str
    kind: str
    suffix_rule: str
    division: Division | None
    level: str | None
    role: str | None = None          # reported | upstream | None (left out)
    relation: str | None = None      # spirit | after | None
    date: tuple | None = None        # (y, m, d, part of day)
    sentence: int = 0
    section: int = 0
    prefix_rule: str = ""
    subject_division: Division | None = None
    sameday_as_reported: bool = False
    venue: Division | None = None
    venue_span: tuple | None = None      # (start, end) of the venue's name when it is read here
    follows_colisted: "MeetingMention | None" = None
    name: str = ""          # the name in the shadow text when it is not written in one piece (省委常委会召开会议)


def resolve_level(word_target: str, level: str, anchor: Division | None, self_ok: bool, gaz, doc_divs) -> Division | None:
    """The division a level word means, seen from ``anchor`` (全市 in 德城区 → 德州市)."""
    if level == "Country":
        return None
    if anchor is not None:
        chain = ([anchor] if self_ok else []) + list(gaz.ancestors(anchor.code))
        for d in chain:
            if d.name.endswith(word_target) and (word_target != "省" or d.level == "Province"):
                return d
            if word_target == "区" and d.level == "Province" and d.name.endswith("自治区"):
                return d
    # no anchor (or nothing in its chain): the division of that kind the article names most often
    pool = [d for d in doc_divs if d.name.endswith(word_target)
            and (anchor is None or d.code == anchor.code or anchor.code in gaz.ancestor_codes(d.code)
                 or d.code in gaz.ancestor_codes(anchor.code))]
    counts: dict = {}
    for d in pool:
        counts[d.code] = counts.get(d.code, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return next(d for d in pool if d.code == ranked[0][0])


def _scope_patterns(rules) -> dict:
    """The scope patterns by kind, unanchored (matched at a position), each kind as one pattern."""
    return {k: any_of(rx.pattern.lstrip("^") for _r, kind, rx in rules.scope if kind == k)
            for k in ("spirit", "after", "sameday", "after_sentence")}


def _meeting_boilerplate(rules) -> re.Pattern:
    return any_of(rx.pattern for _r, kind, rx in rules.boilerplate if kind == "meeting")


def _long_level_words(rules) -> tuple[str, ...]:
    return tuple(w for w in rules.level_words if len(w) > 1)


class MeetingReader:
    def __init__(self, text, s, rules, gaz, loc_at: dict, doc_divs: list[Division]):
        self.text, self.s, self.rules, self.gaz = text, s, rules, gaz
        self.loc_at = loc_at          # start offset -> Locality
        self._loc_starts = sorted(loc_at)
        self._loc_ends = {loc.span.end for loc in loc_at.values()}
        self.doc_divs = doc_divs
        self.suffixes = WordHits(rules.pattern("meeting_suffix"), s)
        self.breaker_pat = rules.pattern("meeting_breaker")
        self.level_pat = rules.pattern("level_word")
        self._long_level_words = rules.derived(_long_level_words)
        self.organ_pat = rules.pattern("organ")
        self.boiler = rules.derived(_meeting_boilerplate)
        self.scope = rules.derived(_scope_patterns)
        self.fallback: list[MeetingMention] = []
        self._levels: dict = {}     # what resolve_level gives in this document, by its arguments

    def _resolve_level(self, target: str, level: str, anchor: Division | None, self_ok: bool) -> Division | None:
        """:func:`resolve_level` in this document (computed once for each level word and anchor)."""
        key = (target, level, anchor, self_ok)
        found = self._levels.get(key, key)
        if found is key:
            found = self._levels[key] = resolve_level(target, level, anchor, self_ok, self.gaz, self.doc_divs)
        return found

    # ------------------------------------------------------------------ one clause
    def prefixes_at(self, pos: int, end: int, anchor: Division | None, self_ok: bool) -> tuple[list[Prefix], int]:
        """The list of places/level words starting at ``pos`` (全省、泰安市…): prefixes and where they end."""
        s = self.s
        out: list[Prefix] = []
        while pos < end:
            dm = DATE.match(s, pos)
            if dm and dm.end() > pos and not out:
                pos = dm.end()
                continue
            loc = self.loc_at.get(pos)
            if loc is not None and loc.span.end <= end:
                # 徐州市鼓楼区: a parent written before its child names the child
                while (nxt := self.loc_at.get(loc.span.end)) is not None and nxt.span.end <= end:
                    loc = nxt
                p = Prefix(pos, loc.span.end, loc.division, loc.division.level, loc.span.rule)
            else:
                lm = self.level_pat.match(s, pos)
                if not lm or lm.end() > end:
                    break
                rid, target, level, self_word = self.rules.level_words[lm.group()]
                # a bare 省/市/县 is a level word only before an organ (市委, 省政府) or inside a list (中央、省、市)
                if len(lm.group()) == 1 and not self.organ_pat.match(s, lm.end()) and not (
                        out and s[pos - 1] in "、和及"):
                    break
                div = self._resolve_level(target, level, anchor, self_ok and self_word)
                p = Prefix(pos, lm.end(), div, level if div is None else div.level, rid)
            om = self.organ_pat.match(s, p.end)
            if om and om.end() <= end:
                p.organ_end = om.end()
            out.append(p)
            pos = p.organ_end or p.end
            if pos < end and s[pos] in "、和及" and (self.loc_at.get(pos + 1) or self.level_pat.match(s, pos + 1)):
                pos += 1
                continue
            break
        return out, pos

    def read_sentence(self, sa: int, sb: int, section_div: Division | None, sent_no: int, sec_no: int) -> list[MeetingMention]:
        s, rules = self.s, self.rules
        follows, n = rules.meeting_follows, len(s)
        out: list[MeetingMention] = []
        floor = sa
        for m in self.suffixes.within(sa, sb):
            se, suffix = m.end(), m.group()
            if se < n and s[se] == "议" and suffix.endswith("会") and not s.startswith(_YI_WORDS, se):
                se += 1     # 协调会议, 学习会议: an ending in 会 that the text writes as 会议
            need = follows.get(suffix)
            if need is not None and not need.match(s, se):
                continue
            if se < n and s[se] in _NOT_END and not s.startswith("上来", se):
                if not (s[se] == "上" and suffix.endswith(("会议", "大会", "会"))):
                    continue
            ws = m.start()
            if ws == floor or (s[ws - 1] in _CLAUSE_BREAKS and not s.endswith("（扩大）", 0, ws)):
                floor = se
                continue    # the meeting word opens its clause (会议强调): no name, no subject
            # back to the start of the clause; （扩大） does not end one
            lb = _CLAUSE.run_start(s, ws, floor)
            while lb > floor and s.endswith("（扩大）", 0, lb):
                lb = _CLAUSE.run_start(s, lb - 4 if lb - 4 >= floor else lb - 1, floor)
            floor = se
            # the rightmost breaker splits subject | name
            cut, transmits, subject_end = lb, "no", lb
            breaker = None
            for bm in self.breaker_pat.finditer(s, lb, ws):
                what = rules.meeting_breakers[bm.group()][1]
                if what == "word" or bm.start() in self.loc_at:
                    continue    # 及时, 把握: a longer word; 将乐县, 于都县: a place
                if what == "yes" and breaker is not None and breaker.end() == bm.start() \
                        and breaker.group() in _HELD:
                    continue    # 召开学习贯彻…主题教育工作会议: the name starts with the verb
                if bm.group() in ("和", "及", "与", "以及") and self._joins_places(bm.start(), bm.end()):
                    continue    # 全省和全州…会议: a list of places, not two clauses
                breaker = bm
            if breaker is not None:
                cut, subject_end = breaker.end(), breaker.start()
                transmits = rules.meeting_breakers[breaker.group()][1]
            if transmits == "object":    # 通报了…民主生活会, 听取…会议: what the meeting dealt with
                continue
            while cut < ws and s[cut] in "、和及与，了的":
                cut += 1
            held = s[subject_end:cut] in _HELD
            if cut == ws and not held:
                continue    # 出席会议: no name, and no subject that holds it (too vague, below; no fallback)
            subject_div = self._subject(lb, subject_end, section_div)
            if subject_div is False:     # 各县/各区…: several meetings, none named
                continue
            anchor = subject_div or section_div
            sid, kind, generic = rules.meeting_suffixes[suffix]
            body = self._organ_body(lb, subject_end, anchor) if held and cut == ws and generic else None
            if body is not None:    # 兴国县委常委会召开会议: the organ's body names the meeting
                prefixes, name_start = body, subject_end
                named = s[body[-1].organ_end:subject_end] + suffix      # 常委会会议: the kind of that name
                kind = next(rules.meeting_suffixes[named[k:]][1] for k in range(len(named))
                            if named[k:] in rules.meeting_suffixes)
            else:
                prefixes, name_start = self.prefixes_at(cut, ws, anchor, True)
            core = s[name_start:ws]
            has_organ = bool(prefixes and prefixes[-1].organ_end)
            named_by_subject = bool(subject_div) and held
            if body is None and (core in _VAGUE_CORE or (generic and len(core) < 2 and not has_organ)
                    or (not generic and not core and not has_organ and not named_by_subject)
                    or (core and _NUMBERED.fullmatch(core) and not has_organ)):
                # too vague to be a fact of its own; kept in case 会议 speaks and nothing better is found
                if held and not any(x.end == subject_end for x in out):
                    self.fallback.append(MeetingMention(
                        start=cut, name_start=cut, end=se, label=self.text[cut:se], kind=kind, suffix_rule=sid,
                        division=subject_div or None, level=subject_div.level if subject_div else None,
                        sentence=sent_no, section=sec_no, prefix_rule="meeting.fallback"))
                continue
            if self.boiler.search(s[cut:se]) or _BAD_CORE_START.match(s, name_start, ws):
                continue
            # the label keeps an organ with the level character (湖南省委… → 省委…)
            label_start = name_start
            if has_organ:
                label_start = prefixes[-1].end - 1 if self.loc_at.get(prefixes[-1].start) else prefixes[-1].start
            ym = YEAR_PREFIX.match(s, label_start)
            if ym and ym.end() < ws:
                label_start = ym.end()
            label = self.text[label_start:se]
            name = ""
            if body is not None:
                label = self.text[label_start:subject_end] + self.text[ws:se]
                name = s[label_start:subject_end] + s[ws:se]
            relation = None
            if self.scope["after"].match(s, se):
                relation = "after"
            elif transmits == "yes" or self.scope["spirit"].match(s, se):
                relation = "spirit"
            venue = self._venue(se, sb, anchor)
            targets = prefixes or [None]
            mentions = []
            for p in targets:
                div = p.division if p else subject_div
                level = p.level if p else (subject_div.level if subject_div else None)
                mentions.append(MeetingMention(
                    start=(p.start if p else name_start), name_start=label_start, end=se, label=label,
                    kind=kind, suffix_rule=sid, division=div, level=level, relation=relation,
                    sentence=sent_no, section=sec_no, prefix_rule=(p.rule if p else "meeting.subject"),
                    subject_division=subject_div or None, name=name,
                    venue=venue[0] if venue else None, venue_span=venue[1] if venue else None))
            for a, b in zip(mentions, mentions[1:]):
                a_rank = LEVELS.index(a.level) if a.level else None
                b_rank = LEVELS.index(b.level) if b.level else None
                if a_rank is not None and b_rank is not None and b_rank > a_rank:
                    b.follows_colisted = a
            out.extend(mentions)
        # 甲会议和乙会议精神: the spirit of both
        for a, b in zip(out, out[1:]):
            if b.relation == "spirit" and a.relation is None and s[a.end:b.start].strip("和及、与") == "" \
                    and b.start - a.end <= 1:
                a.relation = "spirit"
        return out

    def _organ_body(self, a: int, b: int, anchor: Division | None) -> list[Prefix] | None:
        """The place/level and organ prefixes of a subject a..b that is an organ's body (兴国县委常委会,
        县政府党组), which then names the generic meeting it holds; else None."""
        prefixes, pos = self.prefixes_at(a, b, anchor, True)
        if prefixes and prefixes[-1].organ_end and pos < b and self.s[pos:b] in _BODIES:
            return prefixes
        return None

    def _joins_places(self, a: int, b: int) -> bool:
        """Whether 和 at a..b stands between two places or level words (全国、全省和全州)."""
        s = self.s
        after = self.loc_at.get(b) is not None or bool(self.level_pat.match(s, b))
        if not after:
            return False
        if a in self._loc_ends:
            return True
        return s.endswith(self._long_level_words, 0, a)

    def _venue(self, se: int, sb: int, anchor):
        """在郑州召开 / 于北京举行 right after the name: the place where the meeting sat."""
        m = _VENUE.match(self.s, se, sb)
        if not m:
            return None
        a, b = m.span("place")
        loc = self.loc_at.get(a)
        if loc is not None and loc.span.end == b:
            return loc.division, None
        cands = [d for d in self.gaz.short_names().get(m.group("place"), []) if d.last_year is None]
        if anchor is not None and len(cands) > 1:
            province = ([anchor] + list(self.gaz.ancestors(anchor.code)))[-1].code
            cands = [d for d in cands if province in self.gaz.ancestor_codes(d.code) | {d.code}] or cands
        if len({d.code for d in cands}) == 1:
            return cands[0], (a, b)
        return None

    def _subject(self, a: int, b: int, section_div):
        """The locality before the breaker (肥城市召开…; 我省紧接着召开…), or False for 各县."""
        s = self.s
        seg = s[a:b]
        if not seg:
            return None
        if _SEVERAL.search(seg):
            return False
        # the first locality, or the first level word 我…/全… before it
        k = bisect_left(self._loc_starts, a)
        first_loc = self._loc_starts[k] if k < len(self._loc_starts) and self._loc_starts[k] < b else b
        for w in _OWN_LEVEL_START.finditer(s, a, first_loc):
            lm = self.level_pat.match(s, w.start())
            if lm:
                _rid, target, level, _self = self.rules.level_words[lm.group()]
                return self._resolve_level(target, level, section_div, True)
        if first_loc == b:
            return None
        loc = self.loc_at[first_loc]
        # 梅县区雁洋镇召开…: the last of a parent-child chain holds the meeting
        while (nxt := self.loc_at.get(loc.span.end)) is not None and nxt.span.end <= b:
            loc = nxt
        return loc.division
