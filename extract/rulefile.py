"""Reading rule data files: one rule a line, validated once, every error at once.

A rule file is UTF-8 text with tab-separated columns. The first line that is
not blank and not a ``#`` comment is the header; it names the columns and must
contain ``id``. Every later non-blank, non-comment line is one rule. Problems
are collected over the whole file (and over several files when
:func:`read_tables` is used) and raised together as one
:class:`~policykg.extract.errors.RuleError`, each as ``file:line: message``.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "verbs.tsv")
>>> _ = open(p, "w", encoding="utf-8").write("id\\tword\\nverb.zhichu\\t指出\\n")
>>> [r["word"] for r in read_table(p, required=("word",))]
['指出']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .errors import RuleError

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:\-]*$")


@dataclass(frozen=True)
class Table:
    """How to validate one rule file."""

    path: Path
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    choices: Mapping[str, Iterable[str]] | None = None
    regex: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    check: Callable[[dict], str | None] | None = None


def read_table(path, *, required=(), optional=(), choices=None, regex=(), integer=(), check=None) -> list[dict]:
    """Read one rule file; raise :class:`RuleError` listing every problem in it."""
    errors: list[str] = []
    rows = _read(Table(Path(path), tuple(required), tuple(optional), choices, tuple(regex), tuple(integer), check), errors)
    if errors:
        raise RuleError(errors)
    return rows


def read_tables(tables: Iterable[Table]) -> list[list[dict]]:
    """Read several rule files; raise one :class:`RuleError` with the problems of all of them."""
    errors: list[str] = []
    out = [_read(t, errors) for t in tables]
    if errors:
        raise RuleError(errors)
    return out


def _read(t: Table, errors: list[str]) -> list[dict]:
    path = t.path
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        errors.append(f"{path}:0: cannot read rule file: {e}")
        return []
    header: list[str] | None = None
    rows: list[dict] = []
    seen: dict[str, int] = {}
    allowed = {"id", *t.required, *t.optional}
    choices = {k: set(v) for k, v in (t.choices or {}).items()}
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{path}:{lineno}"
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in ("id", *t.required) if c not in header]
            unknown = [c for c in header if c not in allowed]
            if missing:
                errors.append(f"{where}: header lacks column(s) {', '.join(missing)}")
            if unknown:
                errors.append(f"{where}: unknown column(s) {', '.join(unknown)}")
            if missing:
                return []
            continue
        if len(cells) > len(header):
            errors.append(f"{where}: {len(cells)} columns, the header has {len(header)}")
            continue
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        bad = False
        rid = row.get("id", "")
        if not _ID.match(rid):
            errors.append(f"{where}: invalid rule id {rid!r}")
            bad = True
        elif rid in seen:
            errors.append(f"{where}: duplicate rule id {rid!r} (first on line {seen[rid]})")
            bad = True
        else:
            seen[rid] = lineno
        for col in t.required:
            if not row.get(col, "").strip():
                errors.append(f"{where}: rule {rid!r} has no {col}")
                bad = True
        for col, ok in choices.items():
            v = row.get(col, "")
            if v and v not in ok:
                errors.append(f"{where}: rule {rid!r}: {col} {v!r} is not one of {', '.join(sorted(ok))}")
                bad = True
        for col in t.regex:
            v = row.get(col, "")
            if v:
                try:
                    re.compile(v)
                except re.error as e:
                    errors.append(f"{where}: rule {rid!r}: {col} is not a valid regular expression: {e}")
                    bad = True
        for col in t.integer:
            v = row.get(col, "")
            if v and not re.fullmatch(r"-?\d+", v):
                errors.append(f"{where}: rule {rid!r}: {col} {v!r} is not an integer")
                bad = True
        if not bad and t.check is not None:
            msg = t.check(row)
            if msg:
                errors.append(f"{where}: rule {rid!r}: {msg}")
                bad = True
        if not bad:
            row["_line"] = lineno
            rows.append(row)
    if header is None:
        errors.append(f"{path}:0: no header line")
    return rows
