"""From a document to its facts: every rule family run over one shared reading of the text.

>>> from policykg.extract.document import Document
>>> doc = Document.from_text("肥城市召开会议\\n\\n3月1日，肥城市召开政法队伍教育整顿动员部署会议。\\n"
...                          "会议强调，要突出筑牢政治忠诚、清除害群之马、整治顽瘴痼疾、弘扬英模精神“四项任务”。",
...                          published="2021-03-05")
>>> x = extract(doc)
>>> [(m.name, m.date, m.role) for m in x.meetings]
[('政法队伍教育整顿动员部署会议', '2021-03-01', 'reported')]
>>> [(f.label, f.count, f.category, len(f.items)) for f in x.formulations]
[('四项任务', 4, 'Task', 4)]
>>> all(doc.text[s.start:s.end] == s.quote for s in x.spans())
True
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .facts import Campaign, Extraction, Formulation, Locality, Meeting, Person, Span, Statement
from .formulations import find_formulations
from .gazetteer import Gazetteer
from .localities import find_localities
from .meetings import DATE, MeetingMention, MeetingReader, resolve_level
from .persons import find_titled_persons
from .ruleset import RuleSet
from .statements import find_statements
from .text import paragraphs, sentences, shadow

_PUBLISHED = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"(\d\d{3})年")     # (not \d{4}: starting with one digit lets a search skip the rest quickly)
# what a heading line may hold besides its place names: a leading number, brackets, marks, colons, spaces
_HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[0-9]+[、.．]|（[一二三四五六七八九十0-9]+）)")
_HEADING_DECOR = re.compile(r"[【】\[\]▲■●◆★☆·—\-：:\s]")
_BRACKETED_HEADLINE = re.compile(r"【([^】]{2,40})】")
_INLINE_HEADING_END = " \u3000：:"     # after the place that opens a round-up's brief (瑞金市 2月21日…)
_RANGE = ("至", "到", "—", "——", "-", "－", "～", "~")     # between the first and last day of a span
_SAMEDAY = re.compile(r"接续|随即|紧接着|紧随其后|随后")
# (会上，)会议指出… at the start of a sentence (checked apart, so that the pattern starts with a literal)
_MEETING_SPEAKS = re.compile(r"会(?:上，会)?议(?:还|也|同时)?(?:指出|强调|要求|认为|提出)")


@dataclass
class Section:
    start: int
    end: int
    division: object       # Division or None
    heading: bool


def extract(doc, *, rules: RuleSet | None = None, gazetteer: Gazetteer | None = None) -> Extraction:
    """Every fact of ``doc`` (a :class:`~policykg.extract.document.Document`)."""
    return _Reader(doc, rules or RuleSet.default(), gazetteer or Gazetteer.default()).run()


class _Reader:
    def __init__(self, doc, rules, gaz):
        self.doc, self.rules, self.gaz = doc, rules, gaz
        self.text = doc.text
        self.s = shadow(doc.text)
        self.paras = paragraphs(self.s)
        self._para_starts = [p.start for p in self.paras]
        self.sents = sentences(self.s, self.paras)
        self.pub = _parse_date(doc.published)
        self.year = self.pub[0] if self.pub else _text_year(self.s)
        self.warnings: list[str] = []
        self._first_reported = None

    # ------------------------------------------------------------------ driver
    def run(self) -> Extraction:
        text, s = self.text, self.s
        locs = find_localities(text, s, self.gaz, self.rules, self.year, self.warnings)
        self.loc_at = {loc.span.start: loc for loc in locs}
        self.doc_divs = [loc.division for loc in locs]
        self.sections = self._sections(locs)
        # the section of each paragraph: sections run in order, each up to the next one's start
        section_of = [0] * len(self.paras)
        for n, sec in enumerate(self.sections[1:], 1):
            section_of[sec.start:] = [n] * (len(section_of) - sec.start)
        self._section_of = section_of
        persons = find_titled_persons(text, s, self.rules)
        meetings, mention_of = self._meetings(persons)
        locs = self._add_venues(locs)
        person_facts = self._persons(persons)
        statements = self._statements(persons)
        formulations = self._formulations(statements)
        campaigns = self._campaigns(meetings)
        return Extraction(localities=tuple(locs), meetings=tuple(meetings), statements=tuple(statements),
                          formulations=tuple(formulations), persons=tuple(person_facts),
                          campaigns=tuple(campaigns), warnings=tuple(self.warnings))

    # ------------------------------------------------------------------ sections
    def _sections(self, locs: list[Locality]) -> list[Section]:
        s = self.s
        by_para: dict[int, list[Locality]] = {}
        for loc in locs:
            pi = bisect_right(self._para_starts, loc.span.start) - 1
            if pi >= 0 and loc.span.start < self.paras[pi].end:
                by_para.setdefault(pi, []).append(loc)
        headings = []
        for pi, p in enumerate(self.paras):
            if pi == 0:
                continue
            ls = by_para.get(pi, [])
            # 肥城市 / 东营市河口区 / 【肥城市】 / 一、肥城市： alone on a line
            if ls and len(ls) <= 3 and self._places_alone(p, ls):
                headings.append((pi, ls[-1].division))
                continue
            # a brief that starts with its bracketed headline: 【岸堤镇召开一季度安全生产工作会议】3月13日，…
            bm = _BRACKETED_HEADLINE.match(s, p.start, p.end)
            if bm and p.end > bm.end() + 4:
                inside = [l for l in ls if bm.start(1) <= l.span.start < bm.end(1)]
                headings.append((pi, inside[-1].division if inside else None))
                continue
            # a place, then a space or a colon, then the brief: 瑞金市 2月21日上午，… / 瑞金市：…
            if ls and ls[0].span.start == p.start:
                e, k = ls[0].span.end, 0
                while k + 1 < len(ls) and ls[k + 1].span.start == e:     # 赣州市瑞金市
                    k, e = k + 1, ls[k + 1].span.end
                if p.end > e + 4 and s[e] in _INLINE_HEADING_END:
                    headings.append((pi, ls[k].division))
        article = self._article_locality(locs)
        if len(headings) >= 2 and not self._in_title(locs):
            # a round-up whose title names no place: the lead is about what its sections share
            article = self._shared_ancestor([div for _pi, div in headings]) or article
        out = [Section(0, headings[0][0] if headings else len(self.paras), article, False)]
        for i, (pi, div) in enumerate(headings):
            end = headings[i + 1][0] if i + 1 < len(headings) else len(self.paras)
            out.append(Section(pi, end, div, True))
        self.roundup = len(headings) >= 2
        if not self.roundup and headings:
            # one heading is not a round-up: the article is one section
            out = [Section(0, len(self.paras), article, False)]
        return out

    def _places_alone(self, p, ls) -> bool:
        """Whether paragraph ``p`` writes the places ``ls`` and nothing else but a number and decoration."""
        s = self.s
        names = "".join(s[l.span.start:l.span.end] for l in ls)
        last = s[p.end - 1]
        if last != names[-1] and not _HEADING_DECOR.match(last):
            return False    # (as most lines do, it ends in something else: no need to read it all)
        return _bare_heading(s[p.start:p.end]) == names

    def _in_title(self, locs):
        title = self.paras[0] if self.paras else None
        return [l for l in locs if title and title.start <= l.span.start < title.end]

    def _shared_ancestor(self, divs):
        """The lowest division that is or holds each of ``divs`` (瑞金市, 于都县, 兴国县 → 赣州市), or None."""
        if not divs or any(d is None for d in divs):
            return None
        chains = [(d, *self.gaz.ancestors(d.code)) for d in divs]
        shared = set.intersection(*({a.code for a in c} for c in chains))
        return next((a for a in chains[0] if a.code in shared), None)

    def _article_locality(self, locs):
        if not locs:
            return None
        in_title = self._in_title(locs)
        if not in_title and self.paras:
            # 我县召开…, with a township named first in the text: the county above it
            title = self.paras[0]
            for lm in self.rules.pattern("level_word").finditer(self.s, title.start, title.end):
                if lm.group()[0] in "我全":
                    _rid, target, level, _own = self.rules.level_words[lm.group()]
                    div = resolve_level(target, level, locs[0].division, True, self.gaz, self.doc_divs)
                    if div is not None:
                        return div
        if in_title:
            return max(in_title, key=lambda l: (_rank(l.division.level), -l.span.start)).division
        return locs[0].division

    def section_of_para(self, pi: int) -> int:
        return self._section_of[pi]

    def section_of_offset(self, off: int) -> int:
        pi = bisect_right(self._para_starts, off) - 1
        return self._section_of[pi] if pi >= 0 else 0

    # ------------------------------------------------------------------ meetings
    def _meetings(self, persons):
        reader = MeetingReader(self.text, self.s, self.rules, self.gaz, self.loc_at, self.doc_divs)
        all_mentions: list[MeetingMention] = []
        prev_sentence_date = None
        # anchor on the meeting words: only the sentences that contain one are read
        sent_ends = [seg.end for _pi, seg in self.sents]
        last = -1
        for h in reader.suffixes.starts:
            n = bisect_right(sent_ends, h)
            if n == last or n == len(sent_ends) or self.sents[n][1].start > h:
                continue
            if n != last + 1:
                prev_sentence_date = None    # (a date carries over from the sentence just before only)
            last = n
            pi, seg = self.sents[n]
            sec_no = self.section_of_para(pi)
            sec = self.sections[sec_no]
            ms = reader.read_sentence(seg.start, seg.end, sec.division, n, sec_no)
            if ms:
                for mm in ms:
                    mm.role = self._role(mm, sec)
                ms = [mm for mm in ms if mm.role]
            if not ms:      # (most sentences: a meeting word, but no meeting of their own)
                prev_sentence_date = None
                continue
            self._dates(ms, seg, prev_sentence_date)
            dated = [mm.date for mm in ms if mm.date]
            prev_sentence_date = dated[-1] if dated else None
            all_mentions.extend(ms)
        for mm in all_mentions:
            if mm.sameday_as_reported and not mm.date:
                rep = next((x for x in all_mentions if x.role == "reported" and x.section == mm.section and x.date), None)
                if rep is not None:
                    mm.date = rep.date
        self._venues = [(x.venue_span[0], x.venue_span[1], x.venue) for x in all_mentions if x.venue_span]
        # a section whose 会议 speaks but whose meeting has no name of its own: its generic mention
        speaking = self._sections_where_meeting_speaks() if reader.fallback else set()
        have = {mm.section for mm in all_mentions if mm.role == "reported"}
        for fb in reader.fallback:
            if fb.section in speaking and fb.section not in have and (self.roundup or not have) and not (
                    self.roundup and not self.sections[fb.section].heading):
                fb.role = "reported"
                if fb.division is None:
                    fb.division = self.sections[fb.section].division
                    fb.level = fb.division.level if fb.division else None
                dated = [d for d in DATE.finditer(self.s, self.sents[fb.sentence][1].start, fb.start)]
                if dated:
                    d = dated[-1]
                    fb.date = (d.group("y"), d.group("m"), d.group("d"), d.group("pod"))
                all_mentions.append(fb)
                have.add(fb.section)
        all_mentions.sort(key=lambda m: m.start)
        self._meeting_marks = None      # (for meeting_for, once the reported meetings are known)
        meetings = self._merge(all_mentions, persons)
        return meetings, None

    def _sections_where_meeting_speaks(self) -> set[int]:
        s = self.s
        return {self.section_of_offset(m.end()) for m in _MEETING_SPEAKS.finditer(s)
                if m.start() == 0 or s[m.start() - 1] in "。！？；\n"}

    def _add_venues(self, locs):
        """Venues named without their suffix (在郑州召开) are localities read here."""
        if not self._venues:
            return locs     # (in text order already)
        have = {(l.span.start, l.span.end) for l in locs}
        extra = []
        for a, b, div in self._venues:
            if (a, b) not in have:
                have.add((a, b))
                extra.append(Locality(key=div.code, label=div.name, division=div,
                                      ancestors=self.gaz.ancestors(div.code),
                                      span=Span(a, b, self.text[a:b], "venue.short")))
        return sorted(locs + extra, key=lambda l: l.span.start)

    def _role(self, mm: MeetingMention, sec: Section):
        anchor = sec.division
        div = mm.division
        if mm.relation in ("spirit", "after"):
            if div is not None and anchor is not None and div.code == anchor.code and sec.heading:
                return None     # same-level meeting: not upstream
            return "upstream"
        if mm.level == "Country":
            return "upstream"
        if self.roundup and not sec.heading:
            if div is not None and any(x.division is not None and self._above(div, x.division)
                                       for x in self.sections[1:]):
                return "upstream"
            return None
        if not self.roundup:
            first = self._first_reported
            if first is None:
                if div is None and anchor is not None:
                    mm.division, mm.level = anchor, anchor.level
                self._first_reported = mm.division or False
                return "reported"
            if first is False or div is None or div.code == first.code:
                if div is None and first:
                    mm.division, mm.level = first, first.level
                return "reported"
            if self._above(div, first):
                return "upstream"
            return None
        if div is None:
            if anchor is not None:
                mm.division = anchor
                mm.level = anchor.level
            return "reported"
        if anchor is None or div.code == anchor.code:
            return "reported"
        if self._above(div, anchor):
            return "upstream"
        if self._above(anchor, div) and not sec.heading:
            return "reported"   # an article about a place below the one its title names
        return None

    def _above(self, upper, lower) -> bool:
        return upper.code in self.gaz.ancestor_codes(lower.code)

    def _dates(self, ms: list[MeetingMention], seg, prev_date):
        if not ms:
            return
        s = self.s
        dates = [(m.start(), m.end(), m.group("y", "m", "d", "pod")) for m in DATE.finditer(s, seg.start, seg.end)]
        # 3月5日至6日: a meeting over several days is dated by its first
        dates = [d for i, d in enumerate(dates) if not (i and s[dates[i - 1][1]:d[0]] in _RANGE)]
        used_adjacent = set()
        for mm in ms:
            for a, b, v in dates:
                if b == mm.start or (mm.start - 3 <= b < mm.start and s[b:mm.start] in ("", "的", "召开的")):
                    mm.date = v
                    used_adjacent.add(a)
        free = [(a, b, v) for a, b, v in dates if a not in used_adjacent]
        for j, mm in enumerate(ms):
            if mm.role != "reported" or mm.date:
                continue
            before = [d for d in free if d[1] <= mm.start]
            uppers = [u for u in ms[:j] if u.relation == "after"]
            if uppers:
                last_u = max(u.end for u in uppers)
                between = [d for d in before if d[0] >= last_u]
                if between:
                    mm.date = between[-1][2]
                    for u in uppers:
                        ub = [d for d in before if d[1] <= u.start]
                        if ub and not u.date:
                            u.date = ub[-1][2]
                elif before:
                    mm.date = before[-1][2]
                    if _SAMEDAY.search(s, last_u, mm.start):
                        for u in uppers:
                            u.date = u.date or mm.date
                continue
            if before:
                mm.date = before[-1][2]
            elif prev_date and s.startswith("会后", seg.start) and _SAMEDAY.search(s, seg.start, mm.start):
                mm.date = prev_date
        for j, mm in enumerate(ms):
            if (mm.role == "upstream" and mm.relation == "after" and not mm.date
                    and not any(x.role == "reported" for x in ms[j + 1:])
                    and _SAMEDAY.match(s, mm.end + (3 if s.startswith("召开后", mm.end) else 1))):
                mm.sameday_as_reported = True   # 收听收看全国…会议后随即召开: the day of the reported meeting
            if mm.role == "upstream" and not mm.date and (
                    mm.relation is None or (mm.relation == "after" and not any(
                        x.role == "reported" for x in ms[j + 1:]))):
                before = [d for d in free if d[1] <= mm.start]
                if before:
                    mm.date = before[-1][2]

    def _merge(self, mentions: list[MeetingMention], persons) -> list[Meeting]:
        groups: list[list[MeetingMention]] = []
        index: dict = {}
        date_of = {id(mm): self._date_value(mm.date) if mm.date else None for mm in mentions}
        for mm in mentions:
            where = mm.division.code if mm.division else f"level:{mm.level or ''}"
            date = date_of[id(mm)]
            key = (where, self._name(mm))
            cands = index.get(key, [])
            target = None
            for g in cands:
                gdates = {date_of[id(x)] for x in g if x.date}
                if not date or not gdates or date in gdates:
                    target = g
                    break
            if target is None:
                target = []
                groups.append(target)
                index.setdefault(key, []).append(target)
            target.append(mm)
        groups = self._join_short_names(groups)
        ids = [f"m{n + 1}" for n in range(len(groups))]
        group_id = {id(mm): gid for gid, g in zip(ids, groups) for mm in g}
        role_of = {gid: "reported" if any(x.role == "reported" for x in g) else "upstream"
                   for gid, g in zip(ids, groups)}
        self._mention_sections = [(group_id[id(mm)], mm.section, mm.start) for mm in mentions]
        self._index_reported(ids, role_of)
        chair, part = self._attendance(persons)
        # reported meetings follow the upstream meetings named in their section
        secs_of: dict = {}
        ups_in: dict = {}
        for gid, sec, _ in self._mention_sections:
            secs_of.setdefault(gid, set()).add(sec)
            if role_of[gid] == "upstream":
                ups_in.setdefault(sec, []).append(gid)
        meetings: list[Meeting] = []
        for gid, g in zip(ids, groups):
            first = g[0]
            plain = next((x for x in g if not x.name), first)   # as written in one piece, if it ever is
            role = role_of[gid]
            dated = [x for x in g if x.date]
            date_t = dated[0].date if dated else None
            date = date_of[id(dated[0])] if dated else None
            div = first.division
            where = div.code if div else (first.level or "")
            label = first.label
            spans = [Span(x.start, x.end, self.text[x.start:x.end], x.suffix_rule) for x in g]
            follows = [group_id[id(x.follows_colisted)] for x in g if x.follows_colisted is not None]
            if role == "reported":
                follows += [up for sec in sorted(secs_of.get(gid, ())) for up in ups_in.get(sec, []) if up != gid]
            meetings.append(Meeting(
                id=gid, key=f"{where}|{date or ''}|{self._name(first)}", name=label,
                written=self.text[plain.start:plain.end], role=role, span=spans[0], also=tuple(spans[1:]),
                locality=div.code if div else None, level=first.level, date=date,
                venue=next((x.venue.code for x in g if x.venue), None),
                part_of_day=date_t[3] if date_t else None, kind=first.kind,
                follows=tuple(dict.fromkeys(follows)), chair=tuple(dict.fromkeys(chair.get(gid, []))),
                participants=tuple(dict.fromkeys(part.get(gid, [])))))
        return meetings

    def _name(self, mm: MeetingMention) -> str:
        """A mention's name in the shadow text: what merges mentions and mints the meeting's key."""
        return mm.name or self.s[mm.name_start:mm.end]

    def _join_short_names(self, groups):
        """An undated mention of a name that another mention of the same place extends (title:
        市委常委会, body: 市委常委会会议 on 6日) is the same meeting."""
        def where(g):
            return g[0].division.code if g[0].division else f"level:{g[0].level or ''}"

        out = list(groups)
        place_of = {id(g): where(g) for g in out}     # (read again for a group that takes another in)
        for g in list(out):
            first = g[0]
            b = self._name(first)
            if len(b) < 4 or any(x.date for x in g):
                continue
            place = place_of[id(g)]
            for h in out:
                if h is g or place_of[id(h)] != place:
                    continue
                a = self._name(h[0])
                if a != b and (a.startswith(b) or b.startswith(a) or a.endswith(b) or b.endswith(a)):
                    h.extend(g)
                    h.sort(key=lambda x: x.start)
                    place_of[id(h)] = where(h)
                    out.remove(g)
                    break
        return out

    def _date_value(self, t):
        if not t:
            return None
        y, mo, d, _pod = t
        d = int(d)
        if mo is None:
            if not self.pub:
                return None
            py, pm, pd = self.pub
            mo = pm if d <= pd else pm - 1 or 12
        mo = int(mo)
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return None
        if y:
            return f"{int(y):04d}-{mo:02d}-{d:02d}"
        if self.pub:
            py, pm, pd = self.pub
            year = py if (mo, d) <= (pm, pd) else py - 1
            return f"{year:04d}-{mo:02d}-{d:02d}"
        return f"--{mo:02d}-{d:02d}"

    def _index_reported(self, ids: list[str], role_of: dict[str, str]):
        """Where each reported meeting is mentioned, by section, for :meth:`meeting_for`."""
        by_sec: dict = {}
        for gid, sec, start in self._mention_sections:
            if role_of[gid] == "reported":
                by_sec.setdefault(sec, []).append((start, gid))
        for cands in by_sec.values():
            cands.sort()
        self._reported_by_sec = by_sec
        self._any_reported = next((gid for gid in ids if role_of[gid] == "reported"), None)

    def meeting_for(self, off: int) -> str | None:
        """The id of the reported meeting whose part of the text holds ``off``."""
        if self._meeting_marks is None:
            self._meeting_marks = self._reported_marks()
        offsets, gids = self._meeting_marks
        return gids[bisect_right(offsets, off) - 1]

    def _reported_marks(self) -> tuple[list, list]:
        """Where :meth:`meeting_for`'s answer changes, and what it is from there on: at each section's
        first paragraph, the section's first reported meeting (or the article's first), then at each
        mention of a reported meeting in the section, that meeting."""
        offsets, gids = [], []

        def mark(off, gid):
            offsets.append(off)
            gids.append(self._any_reported if gid is None and not self.roundup else gid)

        for pi, sec_no in enumerate(self._section_of or [0]):
            if pi and sec_no == self._section_of[pi - 1]:
                continue
            cands = self._reported_by_sec.get(sec_no, ())
            mark(self._para_starts[pi] if pi else -1, cands[0][1] if cands else None)
            for start, gid in cands:
                mark(start, gid)
        return offsets, gids

    # ------------------------------------------------------------------ persons, statements
    def _person_key(self, name: str, off: int) -> str:
        sec = self.sections[self.section_of_offset(off)]
        where = sec.division.code if sec.division is not None else ""
        return f"{where}|{name}"

    def _persons(self, persons) -> list[Person]:
        return [Person(self._person_key(p.name, p.start), p.name, p.titles,
                       Span(p.start, p.end, self.text[p.start:p.end], p.rule))
                for p in persons]

    def _statements(self, persons) -> list[Statement]:
        s = self.s
        found = find_statements(s, self.rules, self.paras, [s[p.start:p.end] for p in persons])
        name_of = {s[p.start:p.end]: p.name for p in persons}
        keys_of: dict[str, dict] = {}     # name -> the keys of its persons, in text order
        for p in persons:
            keys_of.setdefault(p.name, {})[self._person_key(p.name, p.start)] = None
        out = []
        for n, st in enumerate(found):
            meeting = self.meeting_for(st.start)
            speaker_meeting = speaker_person = None
            if st.speaker == "会议":
                if meeting is None:
                    continue
                speaker_meeting = meeting
            else:
                if st.pronoun:
                    name = self._last_named(st.start, persons)
                else:
                    name = name_of.get(st.person, st.person)
                if not name:
                    continue
                # the person as a fact: named in this section, else wherever the article names them
                keys = keys_of.get(name)
                if not keys:
                    continue
                here = self._person_key(name, st.start)
                speaker_person = here if here in keys else next(iter(keys))
            verb = st.verb
            out.append(Statement(id=f"s{n + 1}", verb=verb, speaker_meeting=speaker_meeting,
                                 speaker_person=speaker_person, meeting=meeting,
                                 span=Span(st.start, st.end, self.text[st.start:st.end], st.rule)))
        return out

    def _last_named(self, off: int, persons):
        """The person 他/她 at ``off`` stands for: the last one named at the start of a clause (a
        speaker, or a name with its titles), else the last one named at all."""
        best, name = -1, None
        any_best, any_name = -1, None
        for p in {self.s[p.start:p.end]: p for p in persons}.values():
            written = self.s[p.start:p.end]
            k = self.s.rfind(written, 0, off)
            while k != -1:
                if k > any_best:
                    any_best, any_name = k, p.name
                clause_start = k == 0 or self.s[k - 1] in "。！？；\n，："
                titled_start = any(q.start == k and (q.title_start == 0 or self.s[q.title_start - 1] in "。！？；\n，：")
                                   for q in persons)
                if (clause_start or titled_start) and k > best:
                    best, name = k, p.name
                    break
                if k <= best:
                    break
                k = self.s.rfind(written, 0, k)
        return name or any_name

    def _formulations(self, statements) -> list[Formulation]:
        starts = [x.span.start for x in statements]

        def locate(off: int):
            k = bisect_right(starts, off) - 1
            st = statements[k] if k >= 0 and off < statements[k].span.end else None
            return (st.id if st else None), self.meeting_for(off)

        return find_formulations(self.text, self.s, self.rules, [seg for _pi, seg in self.sents], locate)

    def _attendance(self, persons) -> tuple[dict, dict]:
        """The keys of the persons who chair and who attend each meeting, by meeting id."""
        chair: dict[str, list] = {}
        part: dict[str, list] = {}
        for p in persons:
            after = self.s[p.end:p.end + 4]
            role = chair if after.startswith("主持") else part if after.startswith(("出席", "参加", "到会", "列席")) else None
            if role is None:
                continue
            gid = self.meeting_for(p.start)
            if gid is not None:
                role.setdefault(gid, []).append(self._person_key(p.name, p.start))
        return chair, part

    def _campaigns(self, meetings) -> list[Campaign]:
        pat = self.rules.pattern("campaign")
        s, text, rule_of = self.s, self.text, self.rules.campaigns
        out = []
        for m in meetings:
            span = m.span
            # from the name on (the place and level words before it name no campaign)
            cm = pat.search(s, span.start + max(span.quote.find(m.name), 0), span.end)
            if cm:
                a, b = cm.span()
                label = text[a:b]
                out.append(Campaign(s[a:b], label, Span(a, b, label, rule_of[cm.group()])))
        return out


def _bare_heading(line: str) -> str:
    return _HEADING_DECOR.sub("", _HEADING_NUMBER.sub("", line, 1))


def _rank(level: str) -> int:
    return {"Country": 0, "Province": 1, "Prefecture": 2, "County": 3, "Township": 4}.get(level, 0)


def _parse_date(published):
    if not published:
        return None
    m = _PUBLISHED.match(published)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _text_year(s: str):
    m = _YEAR.search(s)
    if m and 1980 <= int(m.group(1)) <= 2100:
        return int(m.group(1))
    return None
