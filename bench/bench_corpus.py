"""Corpus builds, measured: throughput, memory, parallel speed-up, incremental rebuilds, against jieba.

For each corpus size (synthetic articles from ``bench/make_corpus.py``), in one run:

1. extraction alone against ``jieba.lcut`` over the same texts, in this process, rounds
   interleaved (and one compiled regex as a floor): MB/s and the ratio;
2. ``policykg build --jobs 1`` end to end (extraction, merged graph, Turtle, N-Quads, store),
   run as the real command: documents/s, MB/s, CPU seconds, peak memory of the process tree,
   and the ratio to jieba per core (CPU time against CPU time); the same without the store;
3. ``--jobs 2`` against ``--jobs 1`` (wall-clock throughput), with the outputs compared, with
   and without the store;
4. an incremental rebuild after changing 1 % of the articles, against the clean build, and
   its outputs against a clean build of the changed corpus;
5. memory per million triples.

    python bench/bench_corpus.py                      # 1 000 and 10 000 articles
    python bench/bench_corpus.py --sizes 1000 --workdir /tmp/pkbench
    python bench/bench_corpus.py --sizes 10000 --skip-no-store

policykg's bytecode is compiled first, as a first run or ``pip install`` leaves it (an
editable install where ``PYTHONDONTWRITEBYTECODE`` is set would compile it in every process).
The machine may be shared: the load average is printed with every figure, and CPU-time ratios
are steadier than wall-clock ones. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import DEV_TEXTS, make_corpus  # noqa: E402

OUTPUTS = ("graph.ttl", "graph.nq.gz", "report.json", ".policykg/counts.tsv")


def policykg_cmd() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


def load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def corpus_bytes(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.rglob("*.txt"))


# -- 1. extraction against jieba -----------------------------------------------------------------------

def side_by_side(corpus: Path, limit: int, rounds: int) -> dict:
    import jieba

    from policykg.extract.document import Document
    from policykg.extract.pipeline import extract
    jieba.setLogLevel(60)
    paths = sorted(corpus.rglob("*.txt"))[:limit]
    docs = [Document.from_path(p) for p in paths]
    texts = [d.text for d in docs]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    extract(docs[0])
    jieba.lcut(texts[0])
    regex = re.compile(r"召开|会议|强调|指出|要求")
    runs = {"extract": [], "jieba": [], "regex": []}
    walls = {"extract": [], "jieba": [], "regex": []}
    jobs = {"extract": lambda: [extract(d) for d in docs],
            "jieba": lambda: [jieba.lcut(t) for t in texts],
            "regex": lambda: [sum(1 for _ in regex.finditer(t)) for t in texts]}
    for _ in range(rounds):
        for name, fn in jobs.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            runs[name].append(time.process_time() - c)
            walls[name].append(time.perf_counter() - w)
    cpu = {k: statistics.median(v) for k, v in runs.items()}
    wall = {k: statistics.median(v) for k, v in walls.items()}
    return {"docs": len(docs), "mb": mb, "cpu": cpu, "wall": wall,
            "mbps": {k: mb / v for k, v in cpu.items()}}


def breakdown(corpus: Path, limit: int) -> dict:
    """CPU seconds per MB of text of each step a worker runs, on ``limit`` articles."""
    from policykg.api import document_report
    from policykg.extract.document import Document
    from policykg.extract.pipeline import extract
    from policykg.corpus import build_batch
    from policykg.graph.nquads import document_lines
    from policykg.inputs import expand
    paths = sorted(corpus.rglob("*.txt"))[:limit]
    raw = [p.read_bytes() for p in paths]
    mb = sum(map(len, raw)) / 1e6
    extract(Document.from_bytes(raw[0]))

    def cpu(fn):
        c = time.process_time()
        out = fn()
        return time.process_time() - c, out
    t_doc, docs = cpu(lambda: [Document.from_bytes(b, source=str(p)) for b, p in zip(raw, paths)])
    t_ext, xs = cpu(lambda: [extract(d) for d in docs])
    t_nt, lines = cpu(lambda: [document_lines(d, x) for d, x in zip(docs, xs)])
    t_rep, _ = cpu(lambda: [document_report(d, x) for d, x in zip(docs, xs)])
    units = list(expand(paths))
    t_all, _ = cpu(lambda: build_batch(units))
    n = sum(map(len, lines))
    return {"mb": mb, "docs": len(docs), "triples_per_mb": n / mb,
            "s_per_mb": {"read (Document)": t_doc / mb, "extract": t_ext / mb, "N-Triples lines": t_nt / mb,
                         "report": t_rep / mb, "whole worker task": t_all / mb}}


# -- 2-4. builds through the command line ----------------------------------------------------------------

def run_build(corpus: Path, out: Path, jobs: int, *extra: str) -> dict:
    import psutil
    cmd = [*policykg_cmd(), "build", str(corpus), "-o", str(out), "--jobs", str(jobs), "--no-html",
           "--no-progress", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = {"tree": 0, "main": 0}
    stop = threading.Event()

    def sample():
        try:
            proc = psutil.Process(p.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                main = proc.memory_info().rss
                tree = main + sum(c.memory_info().rss for c in proc.children(recursive=True))
            except psutil.Error:
                break
            peak["tree"] = max(peak["tree"], tree)
            peak["main"] = max(peak["main"], main)
            stop.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = p.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        raise SystemExit(f"build failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_tree": peak["tree"], "peak_main": peak["main"],
            "max_rss_one": after.ru_maxrss * 1024, "triples": m["triples"],
            "quads": sum(d["quads"] for d in m["documents"]), "documents": len(m["documents"]),
            "load": (load0 + os.getloadavg()[0]) / 2, "summary": err.strip().splitlines()[-1] if err.strip() else ""}


def same(a: Path, b: Path) -> bool:
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in OUTPUTS)


def change_one_percent(corpus: Path, seed: int) -> int:
    files = sorted(corpus.rglob("*.txt"))
    picked = random.Random(seed).sample(files, max(1, len(files) // 100))
    for f in picked:
        f.write_text(f.read_text(encoding="utf-8") + "\n会议要求，各级各部门要把会议精神传达到基层。\n", encoding="utf-8")
    return len(picked)


def gb(n: float) -> str:
    return f"{n / 2**30:.2f} GB"


def bench_size(n: int, work: Path, args) -> None:
    corpus = work / f"corpus-{n}"
    if not corpus.exists() or len(list(corpus.rglob("*.txt"))) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus(n, corpus, seed=args.seed, texts=args.texts)
    size = corpus_bytes(corpus)
    mb = size / 1e6
    print(f"\n== {n} articles, {mb:.1f} MB of text ({load()})", flush=True)

    s = side_by_side(corpus, min(n, args.sample), args.rounds)
    j = s["mbps"]["jieba"]
    print(f"extraction alone   {s['mbps']['extract']:7.2f} MB/s   jieba.lcut {j:5.2f} MB/s   "
          f"one regex {s['mbps']['regex']:6.0f} MB/s   (CPU time, {s['docs']} articles, {s['mb']:.1f} MB, "
          f"median of {args.rounds})")
    print(f"  extraction / jieba: {s['mbps']['extract'] / j:.2f}x   (wall clock: "
          f"{s['wall']['jieba'] / s['wall']['extract']:.2f}x)", flush=True)
    b = breakdown(corpus, min(n, args.sample))
    steps = "   ".join(f"{k} {v:.2f}" for k, v in b["s_per_mb"].items())
    print(f"  worker CPU s per MB: {steps}   (jieba {1 / j:.2f}; {b['triples_per_mb']:,.0f} triples per MB)",
          flush=True)

    outs = {}
    for jobs in (1, 2):
        out = work / f"out-{n}-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        r = run_build(corpus, out, jobs)
        outs[jobs] = (out, r)
        print(f"--jobs {jobs}: {r['wall']:7.1f} s wall  {r['cpu']:7.1f} s CPU   {r['documents'] / r['wall']:6.1f} docs/s  "
              f"{mb / r['wall']:5.2f} MB/s   peak {gb(r['peak_tree'])} (tree), {gb(r['peak_main'])} (main)   "
              f"{r['triples']:,} triples, {r['quads']:,} quads   (load {r['load']:.1f})", flush=True)
    r1, r2 = outs[1][1], outs[2][1]
    e2e_cpu = mb / r1["cpu"]
    print(f"  end to end per core (--jobs 1, CPU): {e2e_cpu:.2f} MB/s = {e2e_cpu / j:.2f}x jieba "
          f"(wall: {mb / r1['wall']:.2f} MB/s = {mb / r1['wall'] / j:.2f}x)")
    print(f"  --jobs 2 / --jobs 1 throughput: {r1['wall'] / r2['wall']:.2f}x   outputs identical: "
          f"{same(outs[1][0], outs[2][0])}")
    # --jobs 1 already keeps r1["cpu"] / r1["wall"] cores busy; --jobs 2 cannot take less wall time
    # than its CPU time spread over every core
    cores = os.cpu_count() or 1
    print(f"  cores busy on average: {r1['cpu'] / r1['wall']:.2f} (--jobs 1), {r2['cpu'] / r2['wall']:.2f} "
          f"(--jobs 2); the most --jobs 2 could gain with its CPU time on {cores} cores: "
          f"{r1['wall'] / (r2['cpu'] / cores):.2f}x")
    print(f"  memory per million triples: {gb(r1['peak_tree'] / (r1['triples'] / 1e6))} (--jobs 1), "
          f"{gb(r2['peak_tree'] / (r2['triples'] / 1e6))} (--jobs 2)")
    out1 = outs[1][0]
    sizes = {name: (out1 / name).stat().st_size for name in ("graph.ttl", "graph.nq.gz")}
    store = sum(p.stat().st_size for p in (out1 / "store").rglob("*") if p.is_file())
    print(f"  files: graph.ttl {sizes['graph.ttl'] / 1e6:.0f} MB, graph.nq.gz {sizes['graph.nq.gz'] / 1e6:.0f} MB, "
          f"store {store / 1e6:.0f} MB", flush=True)

    if not args.skip_no_store:
        walls = {}
        for jobs in (1, 2):
            out = work / f"out-{n}-nostore-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            r = run_build(corpus, out, jobs, "--no-store")
            walls[jobs] = r["wall"]
            print(f"--jobs {jobs} --no-store: {r['wall']:7.1f} s wall  {r['cpu']:7.1f} s CPU  "
                  f"{mb / r['cpu']:.2f} MB/s per core = {mb / r['cpu'] / j:.2f}x jieba   peak {gb(r['peak_tree'])}",
                  flush=True)
            shutil.rmtree(out, ignore_errors=True)
        print(f"  --jobs 2 / --jobs 1 throughput without the store: {walls[1] / walls[2]:.2f}x "
              f"(the store's bulk loader uses a second core even with --jobs 1)", flush=True)

    # incremental: 1 % of the articles changed, rebuilt into the --jobs 2 output
    changed = work / f"corpus-{n}-changed"
    shutil.rmtree(changed, ignore_errors=True)
    shutil.copytree(corpus, changed)
    inc_out = work / f"out-{n}-inc"
    shutil.rmtree(inc_out, ignore_errors=True)
    base = run_build(changed, inc_out, 2)
    k = change_one_percent(changed, args.seed)
    inc = run_build(changed, inc_out, 2)
    clean_out = work / f"out-{n}-clean"
    shutil.rmtree(clean_out, ignore_errors=True)
    clean = run_build(changed, clean_out, 2)
    print(f"incremental ({k} articles changed): {inc['wall']:.2f} s against {base['wall']:.1f} s for the clean "
          f"build = {100 * inc['wall'] / base['wall']:.1f} % (CPU {100 * inc['cpu'] / base['cpu']:.1f} %)   "
          f"outputs equal a clean build: {same(inc_out, clean_out)}   [{inc['summary']}]", flush=True)
    if not args.keep:
        for p in (inc_out, clean_out, changed, outs[1][0], outs[2][0]):
            shutil.rmtree(p, ignore_errors=True)


def compile_bytecode() -> None:
    """Compile policykg's modules to bytecode first, as a first run or ``pip install`` leaves them.

    Where ``PYTHONDONTWRITEBYTECODE`` is set and the install is editable, every process would
    compile them from source again (about 0.1 s each, for each worker of each build).
    """
    import compileall
    import importlib
    roots = sorted({Path(importlib.import_module(name).__file__).parent
                    for name in ("policykg", "policykg.extract", "policykg.graph", "policykg.ontology")})
    ok = all(compileall.compile_dir(str(r), quiet=1) for r in roots)
    print(f"bytecode of policykg compiled first ({len(roots)} directories{'' if ok else ', with errors'}); "
          f"PYTHONDONTWRITEBYTECODE is {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'not set'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench")
    ap.add_argument("--texts", type=Path, default=DEV_TEXTS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sample", type=int, default=1000, help="articles in the side-by-side with jieba")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-no-store", action="store_true", help="skip the build without the store")
    ap.add_argument("--keep", action="store_true", help="keep the outputs in --workdir")
    args = ap.parse_args(argv)
    if not args.texts.is_dir():
        print(f"bench_corpus: {args.texts} is absent (the dev articles live in ../shared)", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"policykg corpus benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {load()}")
    compile_bytecode()
    for n in args.sizes:
        bench_size(n, args.workdir, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
