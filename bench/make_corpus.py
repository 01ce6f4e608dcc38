"""A synthetic corpus of meeting reports made from the dev articles, for benchmarks.

Each generated article is one of the dev articles with its places, dates and people
changed: every division the extractor finds is replaced by another real division of the
same level from the gazetteer (its full name where the article wrote the full name, its
short form where it wrote the short form), every ``M月D日`` and publish date by another
date, every titled person by another name. The articles stay the kind of text the
extractor reads, so their facts, and the graph, grow like a real corpus: new localities,
meetings and people, shared formulations and items.

    python bench/make_corpus.py 10000 /tmp/corpus10k            # 10 000 .txt files
    python bench/make_corpus.py 1000 /tmp/c.jsonl --jsonl        # one JSON Lines file
    python bench/make_corpus.py 1000 /tmp/c --seed 7 --texts DIR # other templates, other seed

The same arguments give the same corpus.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_TEXTS = ROOT.parent / "shared" / "eval" / "dev" / "texts"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明军平志红伟强立新海波宏文斌德利清玉春兰英杰涛勇林峰东亮晓光辉成刚永宁俊丽静敏鹏飞超"
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(20[12]\d)年")
_ISO = re.compile(r"(20[12]\d)-(\d{2})-(\d{2})")


def divisions_by_level():
    """Current provinces, prefectures and counties of the gazetteer, by level."""
    from policykg.extract.gazetteer import Gazetteer, short_name
    gaz = Gazetteer.default()
    provinces = [d for p in range(11, 83) if (d := gaz.get(f"{p:02d}0000")) is not None]
    out = {"Province": provinces, "Prefecture": [], "County": []}
    todo = [p.code for p in provinces]
    while todo:
        code = todo.pop()
        for c in gaz.children(code, 2024):
            if c.level in ("Prefecture", "County"):
                out[c.level].append(c)
                if c.level == "Prefecture":
                    todo.append(c.code)
    for level in out:
        out[level] = sorted({d.code: d for d in out[level]}.values(), key=lambda d: d.code)
    shorts = {d.code: short_name(d.name, d.level) for ds in out.values() for d in ds}
    return out, shorts


class Template:
    """A dev article and what can be varied in it."""

    def __init__(self, path: Path):
        from policykg.extract.document import Document
        from policykg.extract.pipeline import extract
        self.name = path.name
        doc = Document.from_path(path)
        self.text = doc.text
        x = extract(doc)
        self.places = {}    # as written -> (level, short?)
        for loc in x.localities:
            d = loc.division
            if d.level not in ("Province", "Prefecture", "County") or len(loc.label) < 2:
                continue
            self.places.setdefault(loc.label, (d.level, loc.label != d.name))
        self.persons = sorted({p.name for p in x.persons if 2 <= len(p.name) <= 4})

    def variant(self, rng: random.Random, divisions, shorts) -> str:
        swap = {}
        for written, (level, short) in self.places.items():
            for _ in range(20):
                d = rng.choice(divisions[level])
                new = shorts.get(d.code) if short else d.name
                if new:
                    swap[written] = new
                    break
        for name in self.persons:
            swap[name] = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        text = self.text
        if swap:
            pattern = re.compile("|".join(re.escape(k) for k in sorted(swap, key=len, reverse=True)))
            text = pattern.sub(lambda m: swap[m.group()], text)
        year = rng.randint(2018, 2024)
        month = rng.randint(1, 12)
        shift = rng.randint(0, 20)

        def day(d: int) -> int:
            return max(1, min(28, d + shift - 10))
        text = _DATE.sub(lambda m: f"{month}月{day(int(m.group(2)))}日", text)
        text = _YEAR.sub(f"{year}年", text)
        text = _ISO.sub(lambda m: f"{year}-{month:02d}-{day(int(m.group(3))):02d}", text)
        return text


def make_corpus(n: int, out: Path, *, seed: int = 0, texts: Path = DEV_TEXTS, jsonl: bool = False) -> dict:
    """Write ``n`` articles into ``out`` (a directory of .txt files, or a .jsonl file); return figures."""
    paths = sorted(p for p in Path(texts).iterdir() if p.suffix == ".txt")
    if not paths:
        raise SystemExit(f"no .txt articles in {texts}")
    templates = [Template(p) for p in paths]
    divisions, shorts = divisions_by_level()
    rng = random.Random(seed)
    nbytes = 0
    if jsonl:
        out.parent.mkdir(parents=True, exist_ok=True)
        f = open(out, "w", encoding="utf-8")
    else:
        out.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(n):
            t = templates[i % len(templates)]
            text = t.variant(rng, divisions, shorts)
            data = text.encode("utf-8")
            nbytes += len(data)
            if jsonl:
                f.write(json.dumps({"id": f"a{i:06d}", "text": text}, ensure_ascii=False) + "\n")
            else:
                d = out / f"{i // 1000:03d}"
                d.mkdir(exist_ok=True)
                (d / f"{i:06d}-{t.name}").write_bytes(data)
    finally:
        if jsonl:
            f.close()
    return {"articles": n, "bytes": nbytes, "templates": len(templates)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many articles")
    ap.add_argument("out", type=Path, help="output directory (or .jsonl file with --jsonl)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--texts", type=Path, default=DEV_TEXTS, help="directory of template articles (.txt)")
    ap.add_argument("--jsonl", action="store_true", help="write one JSON Lines file")
    a = ap.parse_args(argv)
    if not a.texts.is_dir():
        print(f"make_corpus: {a.texts} is absent (the dev articles live in ../shared)", file=sys.stderr)
        return 2
    r = make_corpus(a.n, a.out, seed=a.seed, texts=a.texts, jsonl=a.jsonl)
    print(f"{r['articles']} articles, {r['bytes'] / 1e6:.1f} MB of text, from {r['templates']} templates -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
