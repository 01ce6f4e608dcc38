"""Statements: 会议/全会 or a person, then a speech verb (指出, 强调, 要求…), at the start of a clause.

The speaker stands at the start of a sentence (or after 会上，/最后，); a person may
be followed by 在…时/中/上 (陈蓉在通报时指出) and 还/也; 他/她 resolve to the person
last named. "按照…会议要求" is not a statement: its 会议 does not start a clause.
A statement runs from its speaker to the next statement in the paragraph or the
paragraph's end.
"""
from __future__ import annotations

import re
from bisect import bisect_left

_LEAD = re.compile(r"(?:会上|最后|同时|此外|随后|会议最后|最后，会议)，?")
_ADVERB = r"(?:还|也|同时|进一步|再次|最后|着重|特别|明确|充分|首先|会上|在会上|回应|回答|补充|强调并)?"
_AFTER_NAME = r"(?:同志)?(?:在[^，。；！？\n]{1,14}?(?:时|中|上|后)|[^，。；！？\n]{2,10}?后)?"
_REACH = 64   # the longest speaker, titles and 在…时 phrase before a verb
_NOT_AFTER_VERB = ("的", "了", "精神", "部署", "上来", "和", "下")


class StatementMention:
    __slots__ = ("start", "verb_start", "verb_end", "end", "verb", "speaker", "person", "rule", "pronoun")

    def __init__(self, start, verb_start, verb_end, verb, speaker, person, rule, pronoun=False):
        self.start, self.verb_start, self.verb_end = start, verb_start, verb_end
        self.verb, self.speaker, self.person, self.rule = verb, speaker, person, rule
        self.pronoun = pronoun
        self.end = verb_end


def find_statements(s: str, rules, paragraphs, person_names: list[str]) -> list[StatementMention]:
    """Statement openings in text order; ``end`` is filled in to the next opening or paragraph end."""
    verb = rules.pattern("verb").pattern
    names = sorted(set(person_names), key=len, reverse=True)
    name_alt = "|".join(re.escape(n) for n in names) or "(?!)"
    pron = rules.pattern("pronoun").pattern
    title = rules.pattern("title").pattern
    # a person may be preceded by their titles (县委书记韩立军在讲话中指出)
    titled = rf"(?:[^，。；：！？\n、“”]{{0,24}}?(?:{title})、)*(?:[^，。；：！？\n、“”]{{0,24}}?(?:{title}))"
    speaker = rf"(?P<meeting>会议|全会|大会)|(?:{titled})?(?P<person>{name_alt})|(?P<pron>{pron})"
    pat = re.compile(rf"(?:{_LEAD.pattern})?(?:{speaker}){_AFTER_NAME}{_ADVERB}(?P<verb>{verb})")
    verb_rx = rules.pattern("verb")
    out: list[StatementMention] = []
    for para in paragraphs:
        starts = {para.start}
        for m in re.finditer(r"[。！？；]", s[para.start:para.end]):
            starts.add(para.start + m.end())
        # a person may also speak after a leading clause (针对记者提问，陈立新回应说)
        commas = {para.start + m.end() for m in re.finditer("，", s[para.start:para.end])}
        found = []
        # anchor on the verbs: a clause is tried only when a speech verb follows within reach
        verbs = [v.start() for v in verb_rx.finditer(s, para.start, para.end)]
        for st in sorted(starts | commas):
            k = bisect_left(verbs, st)
            if k == len(verbs) or verbs[k] - st > _REACH:
                continue
            m = pat.match(s, st, para.end)
            if not m or (st in commas and st not in starts and m.group("meeting")):
                continue
            nxt = s[m.end():m.end() + 2]
            if nxt.startswith(_NOT_AFTER_VERB):
                continue
            kind = "meeting" if m.group("meeting") else ("person" if m.group("person") else "pronoun")
            who = m.group("meeting") or m.group("person") or m.group("pron")
            rule = {"meeting": "statement.meeting", "person": "statement.person", "pronoun": "statement.pronoun"}[kind]
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
