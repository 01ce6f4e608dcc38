"""The gazetteer of Chinese administrative divisions (GB/T 2260 1980-2024, townships 2025).

The data file ``data/gazetteer.tsv.gz`` is built by ``scripts/build_gazetteer.py`` and read
here with the standard library only, on first use.  One row per (code, name) pair, with
the years the pair is valid; pseudo-levels (市辖区, 县, 省直辖县级行政区划) are already
collapsed, so 东城区's parent is 北京市.  Rows are kept as strings and turned into
:class:`~policykg.extract.facts.Division` objects only when asked for.

>>> gaz = Gazetteer.default()
>>> [d.code for d in gaz.lookup("肥城市", year=2024)]
['370983']
>>> [d.name for d in gaz.ancestors("370983")]
['泰安市', '山东省']
>>> gaz.get("110101").parent
'110000'
>>> [d.code for d in gaz.lookup("垦利县", year=2020)], [d.code for d in gaz.lookup("垦利区", year=2020)]
([], ['370505'])
"""
from __future__ import annotations

import gzip
import re
import threading
import zlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .errors import InputError
from .facts import LEVELS, Division
from .script import to_simplified

__all__ = ["Gazetteer", "short_name"]

_DATA = "gazetteer.tsv.gz"
_COLUMNS = ("code", "name", "level", "parent", "first_year", "last_year", "lat", "lon")
_LEVELS = frozenset(LEVELS) - {"Country"}
_NAME_AT_LINE_START = re.compile(r"\n\d+\t([^\t\n]*)")

# Generic suffixes by level, longest first.
_SUFFIXES = {
    "Province": ("特别行政区", "自治区", "省", "市"),
    "Prefecture": ("自治州", "地区", "盟", "市"),
    "County": ("自治县", "自治旗", "林区", "特区", "新区", "矿区", "县", "市", "区", "旗"),
}
# Ethnic groups named in autonomous divisions (广西壮族自治区, 黔东南苗族侗族自治州…).
# Multi-character names may appear without 族 (新疆维吾尔自治区); one-character names only
# with it (三都水族自治县), so that 长白 or 清水 are never cut.
_ETHNIC_LONG = (
    "维吾尔", "土家", "蒙古", "布依", "朝鲜", "哈尼", "哈萨克", "傈僳", "东乡", "仡佬", "拉祜",
    "纳西", "仫佬", "锡伯", "柯尔克孜", "景颇", "达斡尔", "撒拉", "布朗", "毛南", "毛难",
    "塔吉克", "普米", "阿昌", "鄂温克", "基诺", "德昂", "保安", "俄罗斯", "裕固", "乌孜别克",
    "门巴", "鄂伦春", "独龙", "赫哲", "高山", "珞巴", "塔塔尔",
)
_ETHNIC_ONE = "壮回满苗彝藏侗瑶白黎傣畲佤水羌土怒京各"
_ETHNIC_TAIL = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_LONG, key=len, reverse=True)) + ")族?"
    + "|[" + _ETHNIC_ONE + "]族)$")
# Short forms that are everyday words (和平区→和平, 振兴区→振兴…): not trusted.
COMMON_WORDS = frozenset({
    "城关", "城中", "城东", "城西", "城南", "城北", "市中", "新城", "老城", "古城", "新华", "和平",
    "复兴", "振兴", "光明", "新建", "安居", "合作", "富民", "平安", "东方", "大方", "通道", "共和",
    "安定", "长寿", "红旗", "新兴", "前进", "向阳", "东风", "爱民", "工农", "胜利", "江南", "江北",
    "河东", "河西", "海港", "新市", "中心", "先锋", "团结", "民主", "建设", "发展", "开放",
})


def short_name(name: str, level: str) -> str | None:
    """The trusted short form of a division name, or None.

    >>> short_name("黔东南苗族侗族自治州", "Prefecture"), short_name("内蒙古自治区", "Province")
    ('黔东南', '内蒙古')
    >>> short_name("岷县", "County"), short_name("和平区", "County")
    (None, None)
    """
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[:-len(suffix)]
            break
    else:
        return None
    if suffix.startswith("自治"):
        while (m := _ETHNIC_TAIL.search(base)) and m.start() >= 2:
            base = base[:m.start()]
        if (m := _ETHNIC_TAIL.search(base)) and m.start() == 0:
            return None  # 鄂伦春自治旗, 东乡族自治县: the name is the people's
    if suffix == "旗" and base[-1] in "前中后左右翼":
        return None  # 科尔沁左翼中旗 → 科尔沁左翼中 is never written alone
    if len(base) < 2 or base in COMMON_WORDS:
        return None
    return base


class Gazetteer:
    """Divisions by code and by name; see the module docstring.

    Build one with :meth:`default` (the shipped data, cached), :meth:`from_path` or
    :meth:`from_divisions`.  Rows stay TSV lines sorted by code (found by bisection) until
    a :class:`Division` is asked for, which keeps loading fast.
    """

    _default: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, lines: list[str], *, source: str = "<rows>",
                 names: list[str] | None = None):
        """``lines``: data rows, the eight TSV columns, sorted by code (as strings);
        ``names``: their second column, when the caller already has it."""
        self.source = source
        self._lines = lines
        if names is None:
            names = _NAME_AT_LINE_START.findall("\n" + "\n".join(lines)) if lines else []
        if len(names) != len(lines):
            raise InputError("every row must start with a numeric code and a name",
                             source=source)
        # name -> row index, or list of row indices for homonyms (built with C-level loops)
        by_name: dict[str, int | list[int]] = dict(zip(names, range(len(names))))
        if len(by_name) != len(names):
            repeated = {k for k, v in Counter(names).items() if v > 1}
            for name in repeated:
                by_name[name] = []
            for i in [i for i, name in enumerate(names) if name in repeated]:
                by_name[names[i]].append(i)
        self._by_name = by_name
        self._fields: dict[int, list[str]] = {}
        self._divisions: dict[int, Division] = {}
        self._children: dict[str, list[int]] | None = None
        self._ancestors_cache: dict[str, tuple[Division, ...]] = {}
        self._ancestor_codes: dict[str, frozenset[str]] = {}
        self._lookup_cache: dict[str, tuple[Division, ...]] = {}   # names found, every year
        self._newest: dict[str, Division] = {}   # codes found, for get()
        self._short: dict[str, list[Division]] | None = None
        self._suffix: dict[bool, dict[str, frozenset[int]]] = {}
        self.names: frozenset[str] = frozenset(by_name)
        self.max_len: int = max(map(len, self.names), default=0)

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer, read once and shared."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    ref = resources.files(__package__).joinpath("data", _DATA)
                    with resources.as_file(ref) as path:
                        cls._default = cls.from_path(path)
        return cls._default

    @classmethod
    def from_path(cls, path: str | Path) -> Gazetteer:
        """Read a gazetteer file (gzip-compressed TSV with the eight columns, sorted by
        code as ``scripts/build_gazetteer.py`` writes it)."""
        path = Path(path)
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8")
        except FileNotFoundError as e:
            raise InputError("gazetteer file not found", source=str(path)) from e
        except (OSError, EOFError, zlib.error, UnicodeDecodeError) as e:
            raise InputError(f"cannot read gazetteer: {e}", source=str(path)) from e
        lines = text.split("\n")
        if tuple(lines[0].split("\t")) != _COLUMNS:
            raise InputError(f"header must be {' '.join(_COLUMNS)}", source=str(path), line=1)
        if lines[-1] == "":
            lines.pop()
        del lines[0]
        if text.count("\t") != 7 * (len(lines) + 1):
            bad = next(n for n, line in enumerate(lines, start=2) if line.count("\t") != 7)
            raise InputError("a row must have 8 columns", source=str(path), line=bad)
        # every data row follows a newline (the header's or the previous row's)
        return cls(lines, source=str(path), names=_NAME_AT_LINE_START.findall(text))

    @classmethod
    def from_divisions(cls, divisions: Iterable[Division]) -> Gazetteer:
        """A gazetteer of the given divisions (for tests and custom data)."""
        def s(v) -> str:
            return "" if v is None else str(v)
        rows = sorted((d.code or "", d.first_year or 0, d.name, "\t".join((
            d.code or "", d.name, d.level, s(d.parent), s(d.first_year), s(d.last_year),
            s(d.lat), s(d.lon)))) for d in divisions)
        return cls([r[-1] for r in rows])

    # ------------------------------------------------------------------ rows
    def _row(self, i: int) -> list[str]:
        r = self._fields.get(i)
        if r is None:
            r = self._lines[i].split("\t")
            if r[2] not in _LEVELS or not r[0].isdigit():
                raise InputError(f"bad row {self._lines[i]!r}", source=self.source, line=i + 2)
            self._fields[i] = r
        return r

    def _division(self, i: int) -> Division:
        d = self._divisions.get(i)
        if d is None:
            code, name, level, parent, first, last, lat, lon = self._row(i)
            try:
                d = Division(code, name, level, parent or None,
                             float(lat) if lat else None, float(lon) if lon else None,
                             int(first) if first else None, int(last) if last else None)
            except ValueError as e:
                raise InputError(f"bad row {self._lines[i]!r}: {e}", source=self.source,
                                 line=i + 2) from e
            self._divisions[i] = d
        return d

    def _code_rows(self, code: str) -> range:
        """Indices of the rows of ``code`` (contiguous: lines are sorted by code)."""
        lines, key = self._lines, code + "\t"
        lo = bisect_left(lines, key)
        hi = lo
        while hi < len(lines) and lines[hi].startswith(key):
            hi += 1
        return range(lo, hi)

    def _valid(self, i: int, year: int) -> bool:
        r = self._row(i)
        first, last = r[4], r[5]
        return (not first or int(first) <= year) and (not last or year <= int(last))

    def _row_at(self, code: str, year: int | None) -> int | None:
        """The row of ``code`` valid in ``year`` (None: now), else the newest one."""
        idx: Iterable[int] = self._code_rows(code)
        if not idx:
            return None
        if year is not None:
            valid = [i for i in idx if self._valid(i, year)]
            if valid:
                idx = valid

        def newest(i: int) -> tuple[int, int]:
            r = self._row(i)
            return (int(r[5]) if r[5] else 10_000, int(r[4]) if r[4] else 0)
        return max(idx, key=newest)

    def _name_rows(self, name: str) -> list[int]:
        seen = self._by_name.get(name)
        if seen is None:
            return []
        return [seen] if type(seen) is int else seen

    # ------------------------------------------------------------------ queries
    def get(self, code: str) -> Division | None:
        """The newest row for ``code`` (a renamed code gives its current name).

        >>> Gazetteer.default().get("370505").name
        '垦利区'
        """
        d = self._newest.get(code)
        if d is None:
            i = self._row_at(code, None)
            if i is None:
                return None
            d = self._newest[code] = self._division(i)
        return d

    def lookup(self, name: str, year: int | None = None) -> list[Division]:
        """Every division called exactly ``name`` (converted to simplified script), sorted by
        code; with ``year``, only those valid that year (rows without years, the townships,
        count as valid).

        >>> [d.code for d in Gazetteer.default().lookup("朝阳区")][:2]
        ['110105', '220104']
        """
        if year is None:
            found = self._lookup_cache.get(name)
            if found is None:
                found = tuple(self._lookup(name, None))
                if found:
                    self._lookup_cache[name] = found
            return list(found)
        return self._lookup(name, year)

    def _lookup(self, name: str, year: int | None) -> list[Division]:
        idx = self._name_rows(name) or self._name_rows(to_simplified(name))
        if year is not None:
            idx = [i for i in idx if self._valid(i, year)]
        return sorted((self._division(i) for i in idx),
                      key=lambda d: (d.code, d.first_year or 0))

    def ancestors(self, code: str) -> tuple[Division, ...]:
        """The divisions above ``code``, parent first, up to the province.

        Each ancestor is the row of its code valid when ``code``'s newest row last was (so
        莱城区 371202 is under 莱芜市, not under what its code became).
        """
        cached = self._ancestors_cache.get(code)
        if cached is not None:
            return cached
        out = self._ancestors(code)
        self._ancestors_cache[code] = out
        return out

    def _ancestors(self, code: str) -> tuple[Division, ...]:
        i = self._row_at(code, None)
        if i is None:
            return ()
        last = self._row(i)[5]
        year = int(last) if last else None
        out: list[Division] = []
        parent = self._row(i)[3]
        while parent:
            j = self._row_at(parent, year)
            if j is None or len(out) > 5:
                break
            out.append(self._division(j))
            parent = self._row(j)[3]
        return tuple(out)

    def children(self, code: str, year: int | None = None) -> tuple[Division, ...]:
        """The divisions directly under ``code`` (all years, or those valid in ``year``)."""
        if self._children is None:
            kids: dict[str, list[int]] = {}
            for i, line in enumerate(self._lines):
                parent = line.split("\t", 4)[3]
                if parent:
                    kids.setdefault(parent, []).append(i)
            self._children = kids
        idx = self._children.get(code, ())
        if year is not None:
            idx = [i for i in idx if self._valid(i, year)]
        return tuple(self._division(i) for i in idx)

    def ancestor_codes(self, code: str) -> frozenset[str]:
        """The codes of :meth:`ancestors` (computed once per code)."""
        codes = self._ancestor_codes.get(code)
        if codes is None:
            codes = self._ancestor_codes[code] = frozenset(a.code for a in self.ancestors(code))
        return codes

    def is_within(self, code: str, ancestor_code: str) -> bool:
        """True when ``ancestor_code`` is above ``code`` (not when they are equal)."""
        return ancestor_code in self.ancestor_codes(code)

    def short_names(self) -> dict[str, list[Division]]:
        """Trusted short forms of province-, prefecture- and county-level names (泰安市→泰安,
        锡林郭勒盟→锡林郭勒, 广西壮族自治区→广西), each to its divisions sorted by code.

        Only forms of two characters or more, without everyday words (see
        :data:`COMMON_WORDS`); historical names included (check ``first_year``/``last_year``).
        Computed once; do not modify the result.
        """
        if self._short is None:
            short: dict[str, list[Division]] = {}
            for i, line in enumerate(self._lines):
                if "\tTownship\t" in line:
                    continue
                r = self._row(i)
                s = short_name(r[1], r[2])
                if s is not None:
                    short.setdefault(s, []).append(self._division(i))
            self._short = short  # rows are sorted by code already
        return self._short

    def suffix_index(self, include_short: bool = False) -> dict[str, frozenset[int]]:
        """Last character → lengths of the names ending with it: where a text position could
        end a name, the lengths to try (longest first: ``sorted(..., reverse=True)``).

        >>> 3 in Gazetteer.default().suffix_index()["县"]
        True
        """
        if include_short not in self._suffix:
            index: dict[str, set[int]] = {}
            keys = list(self.names) + (list(self.short_names()) if include_short else [])
            for n in keys:
                index.setdefault(n[-1], set()).add(len(n))
            self._suffix[include_short] = {k: frozenset(v) for k, v in index.items()}
        return self._suffix[include_short]

    def __len__(self) -> int:
        return len(self._lines)

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self._lines)} rows from {self.source}>"
