r"""Named queries: the ``.rq`` files under ``graph/queries/``, each with a Chinese and an English
description and optional parameters.

A file starts with comment lines::

    # zh: 按地区和日期范围列出会议
    # en: Meetings by locality and date range
    # param: locality zh  the locality's label, e.g. 泰安市
    # param: from date  first day (YYYY-MM-DD)
    # param: label zh = 四项任务  a default value follows "="

and holds one placeholder line ``#@VALUES`` inside its outermost ``WHERE`` group. The given
parameters replace it with a ``VALUES`` row of typed, escaped literals; absent parameters stay
unbound (the query then covers everything). A line ``#@NAME pattern`` is a pattern that applies
only when the parameter ``NAME`` is given: rendering uncomments it (so a condition costs nothing
when its parameter is absent, and no value is ever spliced into the text). The file is a valid
SPARQL query as it stands, answering for every value of every parameter.

>>> q = named_query("stressed-by")
>>> q.en
'Which localities stressed a formulation or an item (四项任务, 筑牢政治忠诚)'
>>> 'VALUES (?label) { ("三项原则"@zh) }' in q.render({"label": "三项原则"})
True
>>> 'VALUES (?label) { ("x\\" } ; DROP ALL #"@zh) }' in q.render({"label": 'x" } ; DROP ALL #'})  # escaped
True
>>> q.render({"label": "四项任务", "place": "肥城市"})
Traceback (most recent call last):
...
policykg.extract.errors.QueryError: stressed-by.rq: unknown parameter place (this query takes: label)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..extract.errors import QueryError

__all__ = ["Param", "NamedQuery", "queries_dir", "list_queries", "named_query", "PARAM_TYPES"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("zh", "string", "date", "integer", "iri")
"""Parameter types: a ``@zh`` label, a plain string, an ``xsd:date``, an ``xsd:integer``, an IRI."""

_HEADER = re.compile(r"^#\s*(zh|en|param):\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_]\w*)\s+(\w+)(?:\s*=\s*(\S+))?\s*(.*)$")
_MARKER = re.compile(r"^[ \t]*#@VALUES[ \t]*$", re.M)
_CONDITIONAL = re.compile(r"^([ \t]*)#@([A-Za-z_]\w*)[ \t](.*)$", re.M)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$")


def queries_dir() -> Path:
    """Where the named queries live (package data)."""
    return Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class Param:
    """One parameter of a named query."""

    name: str
    type: str
    default: str | None = None
    doc: str = ""

    def term(self, value: str, source: str) -> str:
        """The value as a SPARQL term, checked and escaped for the parameter's type."""
        def bad(why: str) -> QueryError:
            return QueryError(f"parameter {self.name}: {why}", source=source)

        value = value.strip()
        if self.type in ("zh", "string"):
            from .turtle import escape_string
            body = '"' + escape_string(value) + '"'
            return body + "@zh" if self.type == "zh" else body
        if self.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise bad(f"{value!r} is not a date (YYYY-MM-DD)")
            return f'"{value}"^^<{_XSD}date>'
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise bad(f"{value!r} is not an integer")
            return f'"{int(value)}"^^<{_XSD}integer>'
        if self.type == "iri":
            from .query import prefixes
            m = re.fullmatch(r"([A-Za-z][\w\-]*):([\w\-.]+)", value)
            if m and m.group(1) in prefixes():
                value = prefixes()[m.group(1)] + m.group(2)
            if not _IRI.match(value):
                raise bad(f"{value!r} is not an IRI (or a prefixed name such as pkm:…)")
            return f"<{value}>"
        raise bad(f"unknown type {self.type}")


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its name, descriptions, parameters and text."""

    name: str
    path: Path
    zh: str
    en: str
    params: tuple
    text: str

    def render(self, values: dict | None = None) -> str:
        """The query text with the parameters bound (defaults filled in), ready to run."""
        values = dict(values or {})
        source = self.path.name
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise QueryError(f"unknown parameter {unknown[0]} (this query takes: {names})", source=source)
        bound = []
        for p in self.params:
            v = values.get(p.name, p.default)
            if v is not None and str(v) != "":
                bound.append((p.name, p.term(str(v), source)))
        if not bound:
            return self.text
        names = {n for n, _ in bound}
        text = _CONDITIONAL.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in names else m.group(), self.text)
        row = f"VALUES ({' '.join('?' + n for n, _ in bound)}) {{ ({' '.join(t for _, t in bound)}) }}"
        return _MARKER.sub(lambda m: m.group().replace("#@VALUES", row), text, count=1)

    def describe(self) -> str:
        """One block of ``--list`` output."""
        lines = [f"{self.name}", f"    {self.zh}", f"    {self.en}"]
        for p in self.params:
            default = f" (default {p.default})" if p.default else ""
            lines.append(f"    --param {p.name}=…  {p.type}{default}: {p.doc}")
        return "\n".join(lines)


def parse_named_query(path) -> NamedQuery:
    """Read one ``.rq`` file and check its header."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    meta: dict = {"zh": None, "en": None}
    params = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group(2) not in PARAM_TYPES:
                raise QueryError(f"bad parameter line (want: # param: NAME {'|'.join(PARAM_TYPES)} "
                                 f"[= DEFAULT] DESCRIPTION)", source=p.name, line=n)
            params.append(Param(pm.group(1), pm.group(2), pm.group(3), pm.group(4)))
        else:
            meta[key] = value
    for key in ("zh", "en"):
        if not meta[key]:
            raise QueryError(f"missing '# {key}: …' description", source=p.name, line=1)
    if params and len(_MARKER.findall(text)) != 1:
        raise QueryError("a query with parameters needs exactly one '#@VALUES' line", source=p.name)
    declared = {q.name for q in params}
    for m in _CONDITIONAL.finditer(text):
        if m.group(2) != "VALUES" and m.group(2) not in declared:
            line = text.count("\n", 0, m.start()) + 1
            raise QueryError(f"'#@{m.group(2)}' names no declared parameter", source=p.name, line=line)
    return NamedQuery(p.stem, p, meta["zh"], meta["en"], tuple(params), text)


@lru_cache(maxsize=None)
def _library(directory: str) -> dict:
    return {q.name: q for q in (parse_named_query(f) for f in sorted(Path(directory).glob("*.rq")))}


def list_queries(directory=None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return list(_library(str(directory or queries_dir())).values())


def named_query(name: str, directory=None) -> NamedQuery:
    """The named query ``name``; :class:`QueryError` lists the known names otherwise."""
    lib = _library(str(directory or queries_dir()))
    if name.endswith(".rq"):
        name = name[:-3]
    if name not in lib:
        raise QueryError(f"no named query {name!r}; known: {', '.join(lib)}", source="--name")
    return lib[name]
