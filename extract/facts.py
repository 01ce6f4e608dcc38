"""The facts extraction produces: frozen dataclasses with their source span.

Every fact carries ``start``/``end`` (Unicode code points, end exclusive) into
``Document.text``, the ``quote`` found there and the id of the ``rule`` that
produced it, so that ``doc.text[f.start:f.end] == f.quote`` always holds.
Facts refer to one another by ``key``: the normalised identity from which the
graph mints IRIs (a locality by its code, an item by category and wording, a
meeting by locality, date and name, a person by name and locality).

>>> s = Span(3, 5, "会议", "statement.speaker")
>>> s.end - s.start
2
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields

# Item categories of the contract (pk:Task ... pk:Other).
CATEGORIES = ("Task", "Principle", "Goal", "Phase", "Theme", "Requirement", "Commitment", "Other")
# Administrative levels (pk:Country ... pk:Township).
LEVELS = ("Country", "Province", "Prefecture", "County", "Township")


def _fact(cls):
    """``dataclass(frozen=True, slots=True)``, with an ``__init__`` that sets each slot directly.

    Facts are built by the hundred per document: slots spare each one a dictionary (less to allocate,
    and less for the garbage collector to walk through). The ``__init__`` written by ``dataclass(frozen=True)``
    sets each field through ``object.__setattr__``, which is slow; this one takes the same parameters,
    with the same defaults, and gives the same objects.
    """
    cls = dataclass(frozen=True, slots=True)(cls)
    params, values = [], []
    scope = {"__name__": cls.__module__}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: a default factory is not supported here")
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        scope[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        values.append(f"    _set_{f.name}(self, {f.name})\n")
    exec(f"def __init__(self, {', '.join(params)}):\n{''.join(values)}", scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    cls.__init__ = init
    return cls


@_fact
class Span:
    """Where a fact was read: ``text[start:end] == quote``; ``rule`` fired there."""

    start: int
    end: int
    quote: str
    rule: str


@_fact
class Division:
    """A gazetteer entry: a GB/T 2260 division (or a township recognised in a county's scope)."""

    code: str | None          # six digits for province/prefecture/county, 9 or 12 for townships
    name: str                 # official full name, simplified script
    level: str                # one of LEVELS
    parent: str | None = None  # code of the division directly above
    lat: float | None = None
    lon: float | None = None
    first_year: int | None = None  # first year the code/name pair is valid (GB/T 2260 tables)
    last_year: int | None = None   # last year it is valid; None: still valid


@_fact
class Locality:
    """A division named in the text (with its suffix, or in a trusted short form)."""

    key: str                  # code, or "<county code>/<name>" for a township without code
    label: str                # as written (東山縣 stays traditional)
    division: Division
    ancestors: tuple[Division, ...]  # parent first, up to the province
    span: Span


@_fact
class Person:
    key: str                  # "<locality key>|<name>" or "|<name>"
    name: str
    titles: tuple[str, ...]
    span: Span


@_fact
class Item:
    key: str                  # "<category>|<wording>"
    label: str
    category: str
    span: Span
    from_lexicon: bool = False


@_fact
class Formulation:
    key: str                  # "<category>|<label>|<item wordings joined>"
    label: str                # 四项任务
    count: int                # declared count (四 → 4)
    category: str             # one of CATEGORIES
    items: tuple[Item, ...]   # in text order; empty for slogans without items
    span: Span                # the label's occurrence
    lexicon_items: tuple[Item, ...] = ()  # canonical items from the lexicon, not from the text
    meeting: str | None = None     # local id of the meeting whose part of the text names it
    statement: str | None = None   # local id of the statement that names it

    @property
    def count_mismatch(self) -> bool:
        return bool(self.items) and len(self.items) != self.count


@_fact
class Statement:
    id: str                   # local id within the document ("s3")
    verb: str                 # as written, simplified script (指出, 强调…)
    speaker_meeting: str | None    # local id of the meeting when 会议 speaks
    speaker_person: str | None     # Person.key otherwise
    meeting: str | None       # local id of the meeting it was made at
    span: Span                # the statement from its speaker to its end


@_fact
class Meeting:
    id: str                   # local id within the document ("m1")
    key: str                  # "<locality key or level>|<date or ''>|<name>"
    name: str                 # without leading level word or locality
    written: str              # as written in the text
    role: str                 # "reported" | "upstream"
    span: Span
    locality: str | None = None     # Locality.key of pk:heldIn
    level: str | None = None        # level of the organ holding it (Country for 全国/中央)
    date: str | None = None         # "YYYY-MM-DD", or "--MM-DD" when the year is unknown
    part_of_day: str | None = None  # 上午 / 下午 / 晚上
    venue: str | None = None        # Locality.key of pk:venue
    campaign: str | None = None     # campaign name
    kind: str | None = None         # 动员部署会, 推进会…
    follows: tuple[str, ...] = ()   # local ids of the meetings it follows
    chair: tuple[str, ...] = ()     # Person keys
    participants: tuple[str, ...] = ()
    also: tuple[Span, ...] = ()     # further mentions of the same meeting


@_fact
class Campaign:
    key: str
    label: str
    span: Span


@_fact
class Extraction:
    """Everything read from one document."""

    localities: tuple[Locality, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    statements: tuple[Statement, ...] = ()
    formulations: tuple[Formulation, ...] = ()
    persons: tuple[Person, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def facts(self):
        """Every fact, in a stable order."""
        yield from self.localities
        yield from self.meetings
        yield from self.statements
        yield from self.formulations
        for f in self.formulations:
            yield from f.items
        yield from self.persons
        yield from self.campaigns

    def spans(self):
        """Every span of every fact (for checks that quotes match the text)."""
        for f in self.facts():
            yield f.span
            if isinstance(f, Meeting):
                yield from f.also
