"""The rule set: every data file under ``rules/``, loaded and validated once.

All files are read together, so one :class:`~policykg.extract.errors.RuleError`
lists every problem of every file, each as ``file:line: message``. A rule set
can be loaded from another directory (a copy with one more cue verb, say) with
:meth:`RuleSet.load`.

>>> rs = RuleSet.default()
>>> "强调" in rs.verbs
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .facts import CATEGORIES, LEVELS
from .rulefile import Table, read_tables

RULES_DIR = Path(__file__).with_name("rules")


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 动员部署会议 beats 会议)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class _Each:
    """Patterns tried one by one: what :func:`any_of` gives for patterns it cannot join."""

    def __init__(self, patterns):
        self.patterns = [re.compile(p) for p in patterns]

    def search(self, *args):
        return next((m for rx in self.patterns if (m := rx.search(*args))), None)

    def match(self, *args):
        return next((m for rx in self.patterns if (m := rx.match(*args))), None)


def any_of(patterns):
    """One pattern that matches where any of ``patterns`` does (one call instead of one per rule), unless
    they cannot be joined: a group referred back to (\\1) would change its number, a group name could
    be taken twice."""
    patterns = list(patterns)
    if any(re.search(r"\\[1-9]|\(\?P=", p) for p in patterns):
        return _Each(patterns)
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")
    except re.error:
        return _Each(patterns)


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules; fields map words to the id of the rule that defines them."""

    directory: Path
    verbs: dict            # word -> rule id
    meeting_suffixes: dict  # suffix -> (rule id, kind, generic)
    meeting_follows: dict   # suffix -> compiled regex the text after it must match
    level_words: dict      # word -> (rule id, target, level, self)
    organs: dict
    classifiers: dict
    heads: dict            # head -> (rule id, category, unquoted)
    exclusions: tuple      # (rule id, kind, compiled regex)
    introducers: dict
    titles: dict
    person_cues: dict
    campaigns: dict        # label -> rule id
    boilerplate: tuple     # (rule id, kind, compiled regex)
    lexicon: dict          # label -> (rule id, category, items)
    short_names: tuple     # (rule id, mode, compiled regex, anchor word or "")
    pronouns: dict
    scope: tuple           # (rule id, kind, compiled regex)
    not_places: dict       # word -> rule id
    surnames: frozenset    # single-character and compound surnames
    meeting_breakers: dict  # word -> (rule id, "yes" | "no" | "object" | "word")
    # patterns built from the tables on first use, by name or by the function that builds them
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def default(cls) -> "RuleSet":
        """The rules shipped with policykg (loaded once per process)."""
        return _load_cached(str(RULES_DIR))

    @classmethod
    def load(cls, directory) -> "RuleSet":
        """Load and validate every rule file in ``directory``."""
        return _load(Path(directory))

    def pattern(self, name: str) -> re.Pattern:
        """The compiled alternation of one table's words (``verb``, ``title``…), built on first use."""
        return self._memo(name, _compile, name)

    def derived(self, build):
        """``build(self)``, computed once per rule set: a pattern that combines several rule tables."""
        return self._memo(build, build)

    def _memo(self, key, build, *args):
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = build(self, *args)
        return value

    def __hash__(self):
        return hash(str(self.directory))


def _cat(row):
    return None if row["category"] in CATEGORIES else f"category {row['category']!r} is not one of {', '.join(CATEGORIES)}"


def _short_name(row):
    if "(?P<names>" not in row["pattern"]:
        return "pattern has no (?P<names>…) group"
    if row.get("anchor") and row["anchor"] not in row["pattern"]:
        return f"anchor {row['anchor']!r} is not written in the pattern"
    return None


def _load(d: Path) -> RuleSet:
    yes_no = {"yes", "no"}
    tables = [
        Table(d / "verbs.tsv", required=("word",), optional=("note",)),
        Table(d / "meeting_suffixes.tsv", required=("suffix", "kind", "generic"), optional=("follows",),
              choices={"generic": yes_no}, regex=("follows",)),
        Table(d / "level_words.tsv", required=("word", "target", "level", "self"),
              choices={"level": LEVELS, "self": yes_no}),
        Table(d / "organs.tsv", required=("word",)),
        Table(d / "classifiers.tsv", required=("word",)),
        Table(d / "heads.tsv", required=("head", "category", "unquoted"), choices={"unquoted": yes_no}, check=_cat),
        Table(d / "formulation_exclusions.tsv", required=("kind", "pattern"), optional=("note",),
              choices={"kind": {"head", "before", "label", "after"}}, regex=("pattern",)),
        Table(d / "introducers.tsv", required=("word",)),
        Table(d / "titles.tsv", required=("word",)),
        Table(d / "person_cues.tsv", required=("word",)),
        Table(d / "campaigns.tsv", required=("label",)),
        Table(d / "boilerplate.tsv", required=("kind", "pattern"), optional=("note",),
              choices={"kind": {"meeting", "person", "span"}}, regex=("pattern",)),
        Table(d / "lexicon.tsv", required=("label", "category", "items"), check=_cat),
        Table(d / "short_names.tsv", required=("mode", "pattern"), optional=("anchor", "note"),
              choices={"mode": {"new", "known"}}, regex=("pattern",), check=_short_name),
        Table(d / "pronouns.tsv", required=("word",)),
        Table(d / "scope.tsv", required=("kind", "pattern"),
              choices={"kind": {"spirit", "after", "after_sentence", "sameday"}}, regex=("pattern",)),
        Table(d / "not_places.tsv", required=("word",)),
        Table(d / "surnames.tsv", required=("words",)),
        Table(d / "meeting_breakers.tsv", required=("word", "transmits"),
              choices={"transmits": {"yes", "no", "object", "word"}}),
    ]
    (verbs, suffixes, levels, organs, classifiers, heads, excl, intro, titles, cues, campaigns, bp, lexicon,
     short, pronouns, scope, not_places, surnames, breakers) = read_tables(tables)
    return RuleSet(
        directory=d,
        verbs={r["word"]: r["id"] for r in verbs},
        meeting_suffixes={r["suffix"]: (r["id"], r["kind"], r["generic"] == "yes") for r in suffixes},
        meeting_follows={r["suffix"]: re.compile(r["follows"]) for r in suffixes if r.get("follows")},
        level_words={r["word"]: (r["id"], r["target"], r["level"], r["self"] == "yes") for r in levels},
        organs={r["word"]: r["id"] for r in organs},
        classifiers={r["word"]: r["id"] for r in classifiers},
        heads={r["head"]: (r["id"], r["category"], r["unquoted"] == "yes") for r in heads},
        exclusions=tuple((r["id"], r["kind"], re.compile(r["pattern"])) for r in excl),
        introducers={r["word"]: r["id"] for r in intro},
        titles={r["word"]: r["id"] for r in titles},
        person_cues={r["word"]: r["id"] for r in cues},
        campaigns={r["label"]: r["id"] for r in campaigns},
        boilerplate=tuple((r["id"], r["kind"], re.compile(r["pattern"])) for r in bp),
        lexicon={r["label"]: (r["id"], r["category"], tuple(r["items"].split("|"))) for r in lexicon},
        short_names=tuple((r["id"], r["mode"], re.compile(r["pattern"]), r.get("anchor", "")) for r in short),
        pronouns={r["word"]: r["id"] for r in pronouns},
        scope=tuple((r["id"], r["kind"], re.compile(r["pattern"])) for r in scope),
        not_places={r["word"]: r["id"] for r in not_places},
        surnames=frozenset(w for r in surnames for w in r["words"].split()),
        meeting_breakers={r["word"]: (r["id"], r["transmits"]) for r in breakers},
    )


@lru_cache(maxsize=8)
def _load_cached(d: str) -> RuleSet:
    return _load(Path(d))


def _compile(rs: RuleSet, name: str) -> re.Pattern:
    return re.compile(_SOURCES[name](rs))


_SOURCES = {
    "verb": lambda rs: _alternation(rs.verbs),
    "meeting_suffix": lambda rs: _alternation(rs.meeting_suffixes),
    "level_word": lambda rs: _alternation(rs.level_words),
    "organ": lambda rs: _alternation(rs.organs),
    "classifier": lambda rs: _alternation(rs.classifiers),
    "title": lambda rs: _alternation(rs.titles),
    "person_cue": lambda rs: _alternation(rs.person_cues),
    "campaign": lambda rs: _alternation(rs.campaigns),
    "pronoun": lambda rs: _alternation(rs.pronouns),
    "meeting_breaker": lambda rs: _alternation(rs.meeting_breakers),
    "introducer": lambda rs: _alternation(rs.introducers),
    "introducer_run": lambda rs: "(?:" + _alternation(rs.introducers) + ")+",
}
