"""A gigantic article: wall time and peak memory of ``policykg build`` on a ~50 MB text file.

The article is the dev articles (or the test fixtures when ../shared is absent), cleaned,
repeated to the size asked. Two measurements:

1. ``policykg build BIG.txt -o OUT`` as a subprocess, default limits: the file is under
   ``MAX_BYTES`` (64 MiB), so it is read and decoded, and refused because its text is over
   ``MAX_CHARS`` (one million characters). Wall time and the peak resident memory of the
   whole process tree (the build and any worker it starts, sampled every 10 ms) are printed,
   with the exit status and the reason written to errors.jsonl.
2. The cost of one document with the limits lifted, at growing sizes up to ``MAX_CHARS``
   (each size in a fresh Python process): read, extract, graph and Turtle times and peak
   memory, to show what the limit bounds. ``--full`` adds the whole file (slow: minutes and
   gigabytes).
3. Hostile structure under the limit: one "sentence" (no full stop, no line break) of
   growing length, strewn with the words the rules look for (meeting words, dates, places,
   count words): every meeting and date is in one sentence, the worst case for rules that
   pair them. Extraction time and peak memory.

usage: python bench/bench_bigfile.py [--mb 50] [--sizes 100000,250000,500000,1000000] [--full]
                                     [--sentence 10000,20000,40000,80000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "texts"
FIXTURES = ROOT / "tests" / "fixtures"

CHILD = r"""
import json, resource, sys, time
from policykg.extract.document import Document
from policykg.extract.pipeline import extract
from policykg.graph.build import build_graph
from policykg.graph.turtle import to_turtle
path, chars = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
if chars:
    text = text[:chars]
if len(sys.argv) > 3:  # one sentence of cue words and random characters, seeded
    import random
    rng = random.Random(1)
    cues = ["会议", "召开", "强调", "指出", "要求", "市委", "县委", "书记", "三个", "四项任务", "一是", "二是",
            "全市", "肥城市", "泰安市", "3月5日", "政法队伍教育整顿", "，", "、"]
    words, n = [], 0
    while n < chars:
        w = rng.choice(cues) if rng.random() < 0.5 else chr(rng.randint(0x4E00, 0x9FFF))
        words.append(w)
        n += len(w)
    text = "".join(words)
t0 = time.perf_counter()
doc = Document.from_text(text, source=path, max_chars=None)
t1 = time.perf_counter()
x = extract(doc)
t2 = time.perf_counter()
g = build_graph([(doc, x)])
t3 = time.perf_counter()
ttl = to_turtle(g)
t4 = time.perf_counter()
print(json.dumps({"chars": len(doc.text), "read": t1 - t0, "extract": t2 - t1, "graph": t3 - t2,
                  "turtle": t4 - t3, "triples": len(g), "turtle_mb": len(ttl.encode()) / 2**20,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def article_texts() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from policykg.extract.document import Document
    paths = sorted(DEV.glob("*.txt")) if DEV.is_dir() else [FIXTURES / "dev05.txt", FIXTURES / "dev14.txt"]
    return [Document.from_path(p).text for p in paths]


def make_big(path: Path, megabytes: float) -> int:
    """Write the repeated articles to ``path``; return its size in bytes."""
    block = "\n".join(article_texts()).encode("utf-8")
    target = int(megabytes * 2**20)
    with open(path, "wb") as f:
        written = 0
        while written < target:
            f.write(block)
            f.write(b"\n")
            written += len(block) + 1
    return path.stat().st_size


def run_measured(cmd: list[str]) -> tuple[int, float, float]:
    """Exit status, wall seconds and peak RSS (MiB) of the process tree of ``cmd``."""
    import psutil
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.01)
    wall = time.perf_counter() - start
    proc.stderr.read()
    return proc.returncode, wall, peak / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the article in MiB (default 50)")
    ap.add_argument("--sizes", default="100000,250000,500000,1000000",
                    help="characters of one document, with the limits lifted (comma-separated)")
    ap.add_argument("--full", action="store_true", help="also build the whole file with the limits lifted")
    ap.add_argument("--sentence", default="10000,20000,40000,80000,160000",
                    help="characters of one document made of a single sentence (comma-separated; '' skips)")
    args = ap.parse_args(argv)
    from policykg.extract.document import MAX_BYTES, MAX_CHARS

    cli = [str(Path(sys.executable).with_name("policykg"))]
    if not Path(cli[0]).exists():
        cli = [sys.executable, "-m", "policykg.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        size = make_big(big, args.mb)
        print(f"article: {size / 2**20:.1f} MiB ({size:,} bytes); limits: MAX_BYTES {MAX_BYTES / 2**20:.0f} MiB, "
              f"MAX_CHARS {MAX_CHARS:,} characters")

        out = Path(tmp) / "out"
        code, wall, peak = run_measured([*cli, "build", str(big), "-o", str(out), "--no-html"])
        errors = out / "errors.jsonl"
        reason = json.loads(errors.read_text(encoding="utf-8").splitlines()[0])["error"] if errors.exists() else "-"
        print(f"\n1. policykg build (default limits): exit {code}, {wall:.2f} s wall, "
              f"peak RSS {peak:.0f} MiB (process tree)")
        print(f"   errors.jsonl: {reason}")
        print(f"   throughput to the refusal: {size / 2**20 / wall:.0f} MiB/s; peak RSS / file size: "
              f"{peak / (size / 2**20):.1f}x")

        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        if args.full:
            sizes.append(0)
        runs = [("\n2. one document, limits lifted (fresh process per size):", n, []) for n in sizes]
        runs += [("\n3. one document of a single sentence (no full stop, no line break):", int(n), ["one"])
                 for n in args.sentence.split(",") if n.strip()]
        heading = None
        for title, n, extra in runs:
            if title != heading:
                heading = title
                print(title)
                print(f"   {'chars':>10} {'read s':>7} {'extract s':>9} {'graph s':>8} {'turtle s':>8} "
                      f"{'triples':>9} {'ttl MiB':>8} {'peak MiB':>9} {'s per 100k chars':>16}")
            r = subprocess.run([sys.executable, "-c", CHILD, str(big), str(n), *extra], capture_output=True,
                               text=True)
            if r.returncode != 0:
                print(f"   {n:>10}: failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
                continue
            m = json.loads(r.stdout)
            total = m["read"] + m["extract"] + m["graph"] + m["turtle"]
            print(f"   {m['chars']:>10,} {m['read']:>7.2f} {m['extract']:>9.2f} {m['graph']:>8.2f} {m['turtle']:>8.2f} "
                  f"{m['triples']:>9,} {m['turtle_mb']:>8.1f} {m['peak_mb']:>9.0f} "
                  f"{total / (m['chars'] / 100_000):>16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
