"""Localities: division names found in the text and linked to the gazetteer.

Match, then resolve. :func:`match_names` returns every span whose text is a
division name (full names, via the gazetteer's index of name endings), and
:func:`longest_first` keeps the longest of overlapping matches (沙河口区, not
河口区). :func:`resolve` then picks, for each name, the division it means:
among homonyms the one whose parent or ancestor is named (东营市河口区; 徐州市
in the same article), townships inside a county the article names (or, in an
article that names no county, a township name no other division has), and
validity by the article's year. Names it cannot decide are left out and
reported, never guessed.
"""
from __future__ import annotations

import re
import weakref
from functools import lru_cache
from typing import NamedTuple

from .facts import Division, Locality, Span
from .gazetteer import Gazetteer
from .ruleset import RuleSet
from .text import finditer_near

LEVEL_RANK = {"Country": 0, "Province": 1, "Prefecture": 2, "County": 3, "Township": 4}
_LIST_PART = re.compile(r"[^、]+")
_END = re.Match.end


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
    for e in map(_END, _ending_pattern(gaz).finditer(s)):
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
    # the usual case: none overlaps the next, so none overlaps any
    for k in range(1, len(matches)):
        if matches[k].start < matches[k - 1].end:
            break
    else:
        return list(matches)
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


_READINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # gazetteer -> (name, year) -> Resolver.readings


def _valid(d: Division, year: int | None) -> bool:
    if year is None:
        return True
    return (d.first_year is None or d.first_year <= year) and (d.last_year is None or year <= d.last_year)


class Resolver:
    """Chooses the division each matched name means, from the article's own context."""

    def __init__(self, gaz: Gazetteer, rules: RuleSet, year: int | None):
        self.gaz, self.rules, self.year = gaz, rules, year
        self.warnings: list[str] = []
        self._readings = _READINGS.setdefault(gaz, {})

    def candidates(self, name: str) -> tuple[Division, ...]:
        return self.readings(name)[0]

    def readings(self, name: str) -> tuple[tuple[Division, ...], Division | None]:
        """The divisions ``name`` may mean in the article's year, and the one it means wherever it is
        written if there is one (a single code, not a township); the same for every article of that year."""
        key = (name, self.year)
        found = self._readings.get(key)
        if found is None:
            cands = tuple(self._candidates(name))
            c = [d for d in cands if d.level != "Township"]
            sole = c[0] if len(c) == 1 and len({d.code for d in cands}) == 1 else None
            found = self._readings[key] = (cands, sole)
        return found

    def _candidates(self, name: str) -> list[Division]:
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
        readings = [self.readings(m.name) for m in matches]
        cands = [c for c, _sole in readings]
        chosen: dict[int, Division] = {}
        # 1. unique non-township names that are not common nouns
        not_places = self.rules.not_places
        for i, (m, (_c, sole)) in enumerate(zip(matches, readings)):
            if sole is not None and m.name not in not_places:
                chosen[i] = sole
        # 2. by context, repeated while it helps (a resolved name can settle another)
        for _ in range(3):
            pending = [i for i in range(len(matches)) if i not in chosen and cands[i]]
            if not pending:
                break
            known = {d.code for d in chosen.values()}
            known_anc = set()
            for code in known:
                known_anc |= self.ancestors(code)
            known_counties = any(d.level in ("County", "Township") for d in chosen.values())
            progress = False
            for i in pending:
                m = matches[i]
                prev = chosen.get(i - 1)
                adjacent = prev.code if prev is not None and matches[i - 1].end == m.start else None
                scored = []
                for d in cands[i]:
                    anc_codes = self.ancestors(d.code) if d.code else frozenset()
                    score = 0
                    if adjacent and adjacent in anc_codes:
                        score = 10
                    elif d.level == "Township":
                        # a township of a county the article names; in an article that names no county
                        # (a township's own news), a name that no other division has
                        score = 8 if d.parent in known else (1 if len(cands[i]) == 1 and not known_counties else 0)
                    else:
                        anc = self.gaz.ancestors(d.code) if d.code else ()
                        known_levels = [LEVEL_RANK[a.level] for a in anc if a.code in known]
                        if m.name in not_places:
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

    def resolve_short(self, short: str, suffixes, known: set[str], near: set[str] | None = None) -> Division | None:
        """A short name (泰安, 平江) used as a place: the division it abbreviates, from context. ``near``:
        the codes of ``known`` and of their ancestors, when the caller keeps them."""
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
        known_anc = near if near is not None else _near(self.gaz, known)

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


def _near(gaz: Gazetteer, codes) -> set[str]:
    """``codes`` and the codes of their ancestors."""
    out = set(codes)
    for code in codes:
        out |= gaz.ancestor_codes(code)
    return out


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
    found = [loc.division for loc in out.values()]     # in the order found
    initials = {d.name[0] for d in found}       # a short form in mode "known" starts with one of these
    known = {d.code for d in found}
    near = None     # _near(gaz, known), once a short name needs it
    occupied = {i for (a, b) in out for i in range(a, b)}
    for rid, mode, pattern, anchor in rules.short_names:
        for m in finditer_near(pattern, s, anchor) if anchor else pattern.finditer(s):
            if mode == "known" and initials.isdisjoint(m.group("names")):
                continue
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
                        d = _begun_by(found, tail)
                    elif suffixes and all(x in ("镇", "乡", "街道") for x in suffixes):
                        d = resolver.resolve_township(tail, suffixes, known)
                    else:
                        if near is None:
                            near = _near(gaz, known)
                        d = resolver.resolve_short(tail, suffixes, known, near)
                    if d is None:
                        continue
                    out[(a, b)] = _locality(gaz, d, text, a, b, rid, written=False)
                    occupied.update(range(a, b))
                    known.add(d.code)
                    if near is not None:
                        near.add(d.code)
                        near |= gaz.ancestor_codes(d.code)
                    found.append(d)
                    initials.add(d.name[0])
                    break
    warnings.extend(resolver.warnings)
    return [out[k] for k in sorted(out)]


def _begun_by(divisions: list[Division], short: str) -> Division | None:
    """For mode "known": the first division whose name ``short`` begins (平安肥城 → 肥城市)."""
    for d in divisions:
        if d.name.startswith(short) and len(d.name) > len(short):
            return d
    return None


@lru_cache(maxsize=1024)
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
    quote = text[a:b]
    return Locality(d.code, quote if written else d.name, d, gaz.ancestors(d.code), Span(a, b, quote, rule))
