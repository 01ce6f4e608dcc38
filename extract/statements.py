"""Statements: 会议/全会 or a person, then a speech verb (指出, 强调, 要求…), at the start of a clause.

The speaker stands at the start of a sentence (or after 会上，/最后，); a person may
be followed by 在…时/中/上 (陈蓉在通报时指出) and 还/也; 他/她 resolve to the person
last named. "按照…会议要求" is not a statement: its 会议 does not start a clause.
A statement runs from its speaker to the next statement in the paragraph or the
paragraph's end.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .text import WordHits

# what may open a clause before its speaker, each optionally followed by ，
_LEADS = ("会上", "最后", "同时", "此外", "随后", "会议最后", "最后，会议")
_MEETINGS = ("会议", "全会", "大会")
_ADVERB = r"(?:还|也|同时|进一步|再次|最后|着重|特别|明确|充分|首先|会上|在会上|回应|回答|补充|强调并)?"
_AFTER_NAME = r"(?:同志)?(?:在[^，。；！？\n]{1,14}?(?:时|中|上|后)|[^，。；！？\n]{2,10}?后)?"
# titles before a name run through the clause, up to its first punctuation other than 、 (a stop)
_STOPS = "，。；：！？\n“”"
_TITLE_GAP = rf"[^{_STOPS}、]{{0,24}}?"
_CLAUSE_END = re.compile(r"[。！？；，]")
_REACH = 64   # the longest speaker, titles and 在…时 phrase before a verb
_NOT_AFTER_VERB = ("的", "了", "精神", "部署", "上来", "和", "下")


def _after_speaker(rules) -> re.Pattern:
    """What follows the speaker: 在…时/…后, an adverb, the speech verb."""
    return re.compile(rf"{_AFTER_NAME}{_ADVERB}(?P<verb>{rules.pattern('verb').pattern})")


def _titles_up_to(rules) -> re.Pattern:
    """A person's titles (县委副书记、县长), the last one in ``title``; matched in full up to a name."""
    title = rules.pattern("title").pattern
    return re.compile(rf"(?:{_TITLE_GAP}(?:{title})、)*{_TITLE_GAP}(?P<title>{title})")


def _titles_stop(rules) -> re.Pattern:
    """Where a run of titles ends at the latest: the clause's first stop (unless a title word holds one)."""
    if any(ch in word for word in rules.titles for ch in _STOPS):
        return re.compile(r"(?!)")      # no such bound
    return re.compile(f"[{_STOPS}]")


def _pronouns(rules) -> tuple[str, ...]:
    return tuple(sorted(rules.pronouns, key=lambda w: (-len(w), w)))


class StatementMention:
    __slots__ = ("start", "verb_start", "verb_end", "end", "verb", "speaker", "person", "rule", "pronoun")

    def __init__(self, start, verb_start, verb_end, verb, speaker, person, rule, pronoun=False):
        self.start, self.verb_start, self.verb_end = start, verb_start, verb_end
        self.verb, self.speaker, self.person, self.rule = verb, speaker, person, rule
        self.pronoun = pronoun
        self.end = verb_end


def find_statements(s: str, rules, paragraphs, person_names: list[str]) -> list[StatementMention]:
    """Statement openings in text order; ``end`` is filled in to the next opening or paragraph end."""
    speakers = _Speakers(s, rules, person_names)
    verb_hits = WordHits(rules.pattern("verb"), s)
    out: list[StatementMention] = []
    para_starts = [para.start for para in paragraphs]
    # only the paragraphs that hold a verb: those where the verbs of the whole text start (no verb word
    # runs across a line break)
    for pi in dict.fromkeys(bisect_right(para_starts, v) - 1 for v in verb_hits.starts):
        if pi < 0:
            continue
        para = paragraphs[pi]
        verbs = [v.start() for v in verb_hits.within(para.start, para.end)]
        if not verbs:
            continue
        found = []
        for st in _clauses_near(s, para, verbs):
            hit = speakers.match(st, para.end)
            if hit is None:
                continue
            kind, who, m = hit
            if kind == "meeting" and st > para.start and s[st - 1] == "，":
                continue
            if s.startswith(_NOT_AFTER_VERB, m.end()):
                continue
            rule = rules.verbs[m.group("verb")]
            found.append(StatementMention(st, m.start("verb"), m.end("verb"), m.group("verb"),
                                          "会议" if kind == "meeting" else who,
                                          who if kind == "person" else None, rule, pronoun=kind == "pronoun"))
        for a, b in zip(found, found[1:]):
            a.end = b.start
        if found:
            found[-1].end = para.end
        out.extend(found)
    return out


def _clauses_near(s: str, para, verbs: list[int]) -> list[int]:
    """The clause starts that a speech verb follows within reach, in order: only those clauses are tried.

    Clauses start the paragraph and follow a sentence end or, when a person speaks after a leading
    clause (针对记者提问，陈立新回应说), a comma.
    """
    out: list[int] = []
    done = para.start - 1       # the starts up to here are taken
    for v in verbs:
        lo = max(v - _REACH, done + 1)
        if lo <= para.start <= v:
            out.append(para.start)
        out += [m.end() for m in _CLAUSE_END.finditer(s, max(lo - 1, para.start), v)]
        done = v
    return out


class _Speakers:
    """The speaker and verb opening a clause, tried in the order of the pattern

        (?:LEAD，?)? (?: 会议|全会|大会 | (?:TITLES)? NAME | PRONOUN ) AFTER_NAME ADVERB VERB

    where NAME is any of the document's person names (longest first) and TITLES is a run of
    titles joined by 、 (县委副书记、县长). The first way that matches is kept, as a regular
    expression would keep it; only the document's names change, so nothing is compiled per document.
    """

    def __init__(self, s: str, rules, person_names):
        self.s = s
        self.after = rules.derived(_after_speaker)
        self.titles = rules.derived(_titles_up_to)
        self.titles_stop = rules.derived(_titles_stop)
        self.pronouns = rules.derived(_pronouns)
        self.openers = _LEADS + _MEETINGS + self.pronouns     # the words a clause may start with
        # every occurrence of every name, by position, longer names first
        self.names = sorted((i, -len(n), n) for n in set(person_names) for i in _occurrences(s, n))
        self.name_starts = [i for i, _, _ in self.names]

    def match(self, st: int, end: int):
        """(kind, speaker as written, match of what follows it) for the clause at ``st``, or None."""
        if not self.s.startswith(self.openers, st, end) and self._name_from(st, end) is None:
            return None     # no speaker word, and no name to come in reach
        for q in self._lead_ends(st, end):
            for kind, who, e in self._candidates(q, end):
                m = self.after.match(self.s, e, end)
                if m:
                    return kind, who, m
        return None

    def _lead_ends(self, st: int, end: int) -> list[int]:
        ends = []
        for w in self._words_at(_LEADS, st, end):
            e = st + len(w)
            if self.s.startswith("，", e, end):
                ends.append(e + 1)
            ends.append(e)
        ends.append(st)
        return ends

    def _candidates(self, q: int, end: int):
        """Speakers starting at ``q``, as (kind, word, end) in the order they are tried."""
        for w in self._words_at(_MEETINGS, q, end):
            yield "meeting", w, q + len(w)
        for _key, _len, a, name in self._persons(q, end):
            yield "person", name, a + len(name)
        for w in self._words_at(self.pronouns, q, end):
            yield "pronoun", w, q + len(w)

    def _words_at(self, words: tuple[str, ...], q: int, end: int):
        """Those of ``words`` written at ``q``, in their order."""
        if not self.s.startswith(words, q, end):
            return ()
        return [w for w in words if self.s.startswith(w, q, end)]

    def _persons(self, q: int, end: int) -> list:
        """Names at ``q`` or right after a run of titles starting at ``q``, sorted in the order the
        pattern tries them: a run of titles through more 、-joined parts first; within one part, the
        title starting first, then the longer title; the name without titles last; at one position,
        the longer name first."""
        s = self.s
        k = self._name_from(q, end)
        if k is None:
            return []
        stop = self.titles_stop.search(s, q, end)
        stop = stop.start() if stop else end
        out = []
        for a, neg_len, name in self.names[k:bisect_right(self.name_starts, stop)]:
            if a - neg_len > end:
                continue
            if a == q:
                out.append(((1,), neg_len, a, name))
                continue
            tm = self.titles.fullmatch(s, q, a)
            if tm:
                out.append(((-s.count("、", q, a), tm.start("title"), -a), neg_len, a, name))
        out.sort()
        return out

    def _name_from(self, q: int, end: int) -> int | None:
        """The index in ``names`` of the first name written from ``q`` on, if it starts by ``end``."""
        k = bisect_left(self.name_starts, q)
        return k if k < len(self.names) and self.name_starts[k] <= end else None


def _occurrences(s: str, word: str):
    i = s.find(word)
    while i != -1:
        yield i
        i = s.find(word, i + 1)
