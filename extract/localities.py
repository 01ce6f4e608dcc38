"""Localities: division names found in the text and linked to the gazetteer.

Match, then resolve. :func:`match_names` returns every span whose text is a
division name (full names, via the gazetteer's index of name endings), and
:func:`longest_first` keeps the longest of overlapping matches (沙河口区, not
河口区). :func:`resolve` then picks, for each name, the division it means:
among homonyms the one whose parent or ancestor is named (东营市河口区; 徐州市
in the same article), townships only inside a county the article names, and
validity by the article's year. Names it cannot decide are left out and
reported, never guessed.
"""
from __future__ import annotations

import re
import weakref
from typing import NamedTuple

from .facts import Division, Locality, Span
from .gazetteer import Gazetteer
from .ruleset import RuleSet
from .text import finditer_near

LEVEL_RANK = {"Country": 0, "Province": 1, "Prefecture": 2, "County": 3, "Township": 4}
_LIST_PART = re.compile(r"[^、]+")


class NameMatch(NamedTuple):
    start: int
    end: int
    name: str          # simplified full name as in the gazetteer
    short: bool = False
    rule: str = "locality.fullname"


def match_names(s: str, gaz: Gazetteer) -> list[NameMatch]:
    """Every occurrence of a full division name in the shadow text ``s``."""
    index = _bigram_index(gaz)
    names = gaz.names
    aliases = _aliases(gaz)
    out = []
    for hit in _ending_pattern(gaz).finditer(s):
        e = hit.end()
        lengths = index.get(s[e - 2:e])
        if not lengths:
            continue
        for L in lengths:
            a = e - L
            if a >= 0:
                w = s[a:e]
                if w in names:
                    out.append(NameMatch(a, e, w))
                elif w in aliases:
                    out.append(NameMatch(a, e, w, short=True, rule="locality.alias"))
    return out


_ENDINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # per gazetteer object


def _ending_pattern(gaz: Gazetteer) -> re.Pattern:
    """The last character of a division name, where the character before it and it end some name or
    alias (the keys of :func:`_bigram_index`): where a name can end."""
    p = _ENDINGS.get(gaz)
    if p is None:
        endings = gaz.suffix_index()
        before: dict[str, set[str]] = {}
        for k in _bigram_index(gaz):
            if k[-1] in endings:
                before.setdefault(k[-1], set()).add(k[:-1])
        alts = []
        for c, firsts in sorted(before.items()):
            if "" in firsts:        # a one-character name: no character before it to check
                alts.append(re.escape(c))
            else:
                alts.append(f"{re.escape(c)}(?<=[{''.join(map(re.escape, sorted(firsts)))}]{re.escape(c)})")
        p = _ENDINGS[gaz] = re.compile("|".join(alts) or "(?!)")
    return p


_BIGRAMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_ALIASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _aliases(gaz: Gazetteer) -> dict:
    """Usual forms of autonomous divisions (黔东南州, 延边州, 大理州; 长阳县): alias → divisions."""
    al = _ALIASES.get(gaz)
    if al is None:
        from .gazetteer import short_name
        al = {}
        for name in gaz.names:
            for generic, tail in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
                if name.endswith(generic):
                    for d in gaz.lookup(name):
                        short = short_name(d.name, d.level)
                        if short and short + tail not in gaz.names:
                            al.setdefault(short + tail, []).append(d)
        _ALIASES[gaz] = al
    return al


def _bigram_index(gaz: Gazetteer) -> dict:
    """Last two characters of a name → the lengths of the names ending with them, longest first."""
    idx = _BIGRAMS.get(gaz)
    if idx is None:
        tmp: dict = {}
        for n in list(gaz.names) + list(_aliases(gaz)):
            tmp.setdefault(n[-2:], set()).add(len(n))
        idx = _BIGRAMS[gaz] = {k: tuple(sorted(v, reverse=True)) for k, v in tmp.items()}
    return idx


def longest_first(matches: list[NameMatch]) -> list[NameMatch]:
    """Non-overlapping matches, longer ones winning, then earlier ones; in text order."""
    taken: list[NameMatch] = []
    occupied: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if not occupied.isdisjoint(range(m.start, m.end)):
            continue
        taken.append(m)
        occupied.update(range(m.start, m.end))
    return sorted(taken, key=lambda m: m.start)


def _plausible(s: str, matches: list[NameMatch]) -> list[NameMatch]:
    """Drop one-character names (兴县, 代县) glued to a preceding word (振兴县域, 现代县城)."""
    out = []
    for m in matches:
        if m.end - m.start <= 2 and m.start > 0 and _is_cjk(s[m.start - 1]) and not (
                out and out[-1].end == m.start):
            continue
        out.append(m)
    return out


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _valid(d: Division, year: int | None) -> bool:
    if year is None:
        return True
    return (d.first_year is None or d.first_year <= year) and (d.last_year is None or year <= d.last_year)


class Resolver:
    """Chooses the division each matched name means, from the article's own context."""

    def __init__(self, gaz: Gazetteer, rules: RuleSet, year: int | None):
        self.gaz, self.rules, self.year = gaz, rules, year
        self.warnings: list[str] = []

    def candidates(self, name: str) -> list[Division]:
        every = self.gaz.lookup(name) or _aliases(self.gaz).get(name, [])
        # no year known: what is valid today
        valid = [d for d in every if (d.last_year is None if self.year is None else _valid(d, self.year))]
        if valid:
            return valid
        # none valid that year: the newest entries (a name used after a renaming)
        newest = max((d.last_year or 9999) for d in every) if every else None
        return [d for d in every if (d.last_year or 9999) == newest]

    def ancestors(self, code: str) -> frozenset[str]:
        return self.gaz.ancestor_codes(code)

    def resolve(self, s: str, matches: list[NameMatch]) -> dict[int, Division]:
        """Map the index of each match to a division; unresolved matches are absent."""
        by_name = {name: self.candidates(name) for name in {m.name for m in matches}}
        cands = {i: by_name[m.name] for i, m in enumerate(matches)}
        chosen: dict[int, Division] = {}
        # 1. unique non-township names that are not common nouns
        for i, m in enumerate(matches):
            c = [d for d in cands[i] if d.level != "Township"]
            if len(c) == 1 and len({d.code for d in cands[i]}) == 1 and m.name not in self.rules.not_places:
                chosen[i] = c[0]
        # 2. by context, repeated while it helps (a resolved name can settle another)
        for _ in range(3):
            pending = [i for i in range(len(matches)) if i not in chosen and cands[i]]
            if not pending:
                break
            known = {d.code for d in chosen.values()}
            known_anc = set()
            for code in known:
                known_anc |= self.ancestors(code)
            progress = False
            for i in pending:
                m = matches[i]
                prev = chosen.get(i - 1)
                adjacent = prev.code if prev is not None and matches[i - 1].end == m.start else None
                scored = []
                for d in cands[i]:
                    anc = self.gaz.ancestors(d.code) if d.code else ()
                    anc_codes = self.ancestors(d.code) if d.code else frozenset()
                    known_levels = [LEVEL_RANK[a.level] for a in anc if a.code in known]
                    score = 0
                    if adjacent and adjacent in anc_codes:
                        score = 10
                    elif d.level == "Township":
                        score = 8 if d.parent in known else 0
                    elif m.name in self.rules.not_places:
                        # a common noun that is also a name (和平区): only with its prefecture named
                        score = 3 + max(known_levels) if known_levels and max(known_levels) >= 2 else 0
                    elif known_levels:
                        score = 3 + max(known_levels)
                    elif len(cands[i]) == 1:
                        score = 2
                    elif known_anc & anc_codes:
                        score = 1
                    scored.append((score, d))
                best = max((sc for sc, _ in scored), default=0)
                top = [d for sc, d in scored if sc == best]
                if best > 0 and len({d.code for d in top}) == 1:
                    chosen[i] = top[0]
                    progress = True
            if not progress:
                break
        for i, m in enumerate(matches):
            if i not in chosen and cands[i] and m.name not in self.rules.not_places and not m.short:
                kinds = {d.level for d in cands[i]}
                if kinds != {"Township"}:
                    self.warnings.append(f"offset {m.start}: {m.name} left unresolved "
                                         f"({len(cands[i])} divisions of that name)")
        return chosen

    def resolve_township(self, short: str, suffixes, known: set[str]) -> Division | None:
        """七塘 in 七塘、三合等镇: a township of a county the article names."""
        found = []
        for code in known:
            d0 = self.gaz.get(code)
            if d0 is None or d0.level not in ("County", "Prefecture"):
                continue
            for child in self.gaz.children(code):
                if child.level == "Township" and any(child.name == short + x for x in suffixes):
                    found.append(child)
        codes = {d.code for d in found}
        return found[0] if len(codes) == 1 else None

    def resolve_short(self, short: str, suffixes, known: set[str]) -> Division | None:
        """A short name (泰安, 平江) used as a place: the division it abbreviates, from context."""
        every = self.gaz.short_names().get(short)
        if not every:
            return None
        cands = [d for d in every if (d.last_year is None if self.year is None else _valid(d, self.year))]
        if isinstance(suffixes, str):
            suffixes = (suffixes,)
        if suffixes:
            cands = [d for d in cands if d.name.endswith(tuple(suffixes))] or (
                [] if any(x in ("镇", "乡", "街道") for x in suffixes) else cands)
        if not cands:
            return None
        known_anc = set()
        for code in known:
            known_anc |= self.ancestors(code) | {code}
        def score(d: Division):
            anc = self.ancestors(d.code)
            return (d.code in known, bool(anc & known_anc), -LEVEL_RANK[d.level])
        ranked = sorted(cands, key=score, reverse=True)
        if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
            return None
        top = ranked[0]
        if len(ranked) > 1 and not (score(top)[0] or score(top)[1]) and len({d.level for d in ranked}) == 1:
            return None
        return top


def find_localities(text: str, s: str, gaz: Gazetteer, rules: RuleSet, year: int | None,
                    warnings: list[str]) -> list[Locality]:
    """Every locality mention in the document, resolved; in text order."""
    resolver = Resolver(gaz, rules, year)
    matches = _plausible(s, longest_first(match_names(s, gaz)))
    chosen = resolver.resolve(s, matches)
    out: dict[tuple[int, int], Locality] = {}
    for i, m in enumerate(matches):
        d = chosen.get(i)
        if d is not None:
            out[(m.start, m.end)] = _locality(gaz, d, text, m.start, m.end, m.rule, written=not m.short)
    known = {loc.division.code for loc in out.values()}
    occupied = {i for (a, b) in out for i in range(a, b)}
    # for mode "known": the first division found whose name a short form begins (平安肥城 → 肥城市)
    begun_by: dict[str, Division] = {}
    for loc in out.values():
        _begins(begun_by, loc.division)
    for rid, mode, pattern, anchor in rules.short_names:
        for m in finditer_near(pattern, s, anchor) if anchor else pattern.finditer(s):
            a0 = m.start("names")
            groups = m.groupdict()
            suffixes = _kinds(groups.get("tail") or groups.get("suffix") or "")
            for n, part in enumerate(_LIST_PART.finditer(m.group("names"))):
                short = part.group()
                # the first name may be preceded by other words (加强对平江、华容等县): try its tails
                tails = [short[k:] for k in range(0, len(short) - 1)] if n == 0 else [short]
                for tail in tails:
                    a, b = a0 + part.end() - len(tail), a0 + part.end()
                    if not occupied.isdisjoint(range(a, b)):
                        break
                    if mode == "known":
                        d = begun_by.get(tail)
                    elif suffixes and all(x in ("镇", "乡", "街道") for x in suffixes):
                        d = resolver.resolve_township(tail, suffixes, known)
                    else:
                        d = resolver.resolve_short(tail, suffixes, known)
                    if d is None:
                        continue
                    out[(a, b)] = _locality(gaz, d, text, a, b, rid, written=False)
                    occupied.update(range(a, b))
                    known.add(d.code)
                    _begins(begun_by, d)
                    break
    warnings.extend(resolver.warnings)
    return [out[k] for k in sorted(out)]


def _begins(begun_by: dict, d: Division) -> None:
    """Record ``d`` under each proper beginning of its name that no earlier division has."""
    for k in range(1, len(d.name)):
        begun_by.setdefault(d.name[:k], d)


def _kinds(tail: str) -> tuple[str, ...]:
    """Which name endings the words after 等 allow: 等县 → 县; 等乡镇 → 镇, 乡; 等地 → any."""
    t = tail[:5]
    if not t:
        return ()
    if "乡镇" in t or "镇街" in t:
        return ("镇", "乡", "街道") if "街" in t else ("镇", "乡")
    for word in ("街道", "县（市", "县市", "旗县", "镇", "乡", "县", "市", "区", "旗", "盟", "州", "省"):
        if t.startswith(word) or (word in ("镇", "乡", "街道") and word in t and "地" not in t[:t.find(word)]):
            return {"县（市": ("县", "市"), "县市": ("县", "市"), "旗县": ("旗", "县")}.get(word, (word,))
    return ()


def _locality(gaz: Gazetteer, d: Division, text: str, a: int, b: int, rule: str, written: bool) -> Locality:
    return Locality(key=d.code, label=text[a:b] if written else d.name, division=d,
                    ancestors=gaz.ancestors(d.code), span=Span(a, b, text[a:b], rule))
