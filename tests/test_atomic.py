"""A build killed with SIGKILL at any moment leaves every output complete: the old one or the new one.

An output directory holds a good build of corpus A. ``policykg build`` of a larger corpus B
into the same directory is started and killed with SIGKILL after a random delay, many times,
from start-up to past completion. After each kill every file named like an output must be,
byte for byte, either A's or B's (both parse, checked once); anything else must be a
temporary file, hidden and ending in ``.tmp``, never named like an output.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

from conftest import FIXTURES, dev_texts

KILLS = 22  # 20 at random moments, one before start-up, one after completion


def cli() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


def sources() -> list[str]:
    """Article texts to copy: the dev articles when ../shared is there, else the fixtures."""
    texts = []
    for p in dev_texts() or [FIXTURES / "dev05.txt", FIXTURES / "dev13.html", FIXTURES / "dev14.txt"]:
        if p.suffix == ".txt":
            data = p.read_bytes()
            try:
                texts.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(data.decode("gb18030"))
    return texts


def write_corpus(folder: Path, n: int, bad: int) -> None:
    """``n`` distinct articles (each a source text plus its own closing sentence) and ``bad`` empty files."""
    folder.mkdir(parents=True)
    base = sources()
    for i in range(n):
        text = base[i % len(base)].rstrip("\n") + f"\n\n会议要求，第{i + 1}项工作要抓紧落实。\n"
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")
    for i in range(bad):
        (folder / f"bad{i}.txt").write_bytes(b"")


FINAL_SUFFIXES = (".ttl", ".nt", ".nq", ".jsonld", ".json", ".jsonl", ".html", ".rdf", ".trig")


def is_temporary(name: str) -> bool:
    """A temporary or internal name: hidden, or ending in .tmp/.part, and never ending like an output."""
    return name.startswith(".") or (name.endswith((".tmp", ".part")) and not name.endswith(FINAL_SUFFIXES))


def snapshot(out: Path) -> dict[str, bytes]:
    """The output files of ``out`` (not its temporary or internal ones), name → bytes."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not is_temporary(p.name)}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def comparable(name: str, data: bytes):
    """What must equal the old or the new build: the bytes, except in a manifest its file stamps
    (of the graph's files, and of report.json)."""
    if name == "manifest.json":
        m = json.loads(data.decode("utf-8"))
        return {k: v for k, v in m.items() if k not in ("files", "report")} if isinstance(m, dict) else m
    return data


def check_loadable(name: str, data: bytes) -> None:
    if name.endswith(".ttl"):
        assert len(rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")) > 0
    elif name.endswith((".nq", ".nq.gz")):
        import pyoxigraph
        data = gzip.decompress(data) if name.endswith(".gz") else data
        assert sum(1 for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS)) > 0
    elif name.endswith(".jsonl"):
        assert all(json.loads(line) for line in data.decode("utf-8").splitlines())
    elif name.endswith(".json"):
        json.loads(data.decode("utf-8"))
    elif name.endswith(".html"):
        assert data.rstrip().endswith(b"</html>")


def store_quads(out: Path) -> int | None:
    """The quads of the corpus store in ``out``; None when the corpus itself says it is out of date."""
    try:
        from policykg.corpus import Corpus, CorpusError
    except ImportError:
        return None
    try:
        return len(Corpus(out).store())
    except CorpusError:
        return None


def run_and_kill(cmd: list[str], delay: float) -> None:
    """Start ``cmd``, SIGKILL it after ``delay`` seconds, then end any worker it left behind."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its orphaned worker processes, if any
    except ProcessLookupError:
        pass


def timed_build(corpus: Path, out: Path) -> tuple[float, float]:
    """Build ``corpus`` into ``out``; return (seconds until graph.ttl changed, seconds in all)."""
    before = (out / "graph.ttl").stat().st_mtime_ns if (out / "graph.ttl").exists() else None
    start = time.monotonic()
    proc = subprocess.Popen([*cli(), "build", str(corpus), "-o", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    committed = None
    while proc.poll() is None:
        if committed is None:
            try:
                if (out / "graph.ttl").stat().st_mtime_ns != before:
                    committed = time.monotonic() - start
            except FileNotFoundError:
                pass
        time.sleep(0.005)
    total = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr.read()  # the empty files fail; the rest is built
    return committed or total, total


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """Corpus A built into refA; corpus B built over a copy of it into refB (the scenario killed below)."""
    root = tmp_path_factory.mktemp("atomic")
    write_corpus(root / "A", 6, bad=1)
    write_corpus(root / "B", 10, bad=2)
    refs = {}
    timed_build(root / "A", root / "refA")
    shutil.copytree(root / "refA", root / "refB", symlinks=True)
    refs["B_commit"], refs["B_seconds"] = timed_build(root / "B", root / "refB")
    for name in ("A", "B"):
        out = root / f"ref{name}"
        refs[name] = snapshot(out)
        for fname, data in refs[name].items():
            check_loadable(fname, data)
        refs[name + "_store"] = store_quads(out) if (out / "store").is_dir() else None
    assert set(refs["A"]) & set(refs["B"]) >= {"graph.ttl", "report.json", "errors.jsonl"}
    assert refs["A"]["graph.ttl"] != refs["B"]["graph.ttl"]
    return root, refs


def test_sigkill_at_random_moments_leaves_old_or_new_outputs(corpora):
    root, refs = corpora
    old, new = refs["A"], refs["B"]
    finals = set(old) | set(new)
    duration, commit = refs["B_seconds"], refs["B_commit"]
    seed = int(os.environ.get("POLICYKG_KILL_SEED", "20261128"))
    rng = random.Random(seed)
    # from start-up to past completion: a third anywhere, a third before the outputs are renamed
    # into place, a third around that moment (the first output renamed ± 30 %)
    delays = [0.0, 1.2 * duration]
    thirds = (KILLS - 2) // 3
    delays += [rng.uniform(0, 1.1 * duration) for _ in range(thirds)]
    delays += [rng.uniform(0, commit) for _ in range(thirds)]
    delays += [rng.uniform(0.7 * commit, 1.3 * commit) for _ in range(KILLS - len(delays))]
    work = root / "work"
    seen: dict[str, int] = {}
    for i, delay in enumerate(delays):
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(root / "refA", work, symlinks=True)
        run_and_kill([*cli(), "build", str(root / "B"), "-o", str(work)], delay)
        where = f"kill {i} after {delay:.2f}s (seed {seed})"
        state = []
        for p in sorted(work.iterdir()):
            name = p.name
            if is_temporary(name):
                if name.endswith(".tmp"):
                    state.append("tmp")
            elif p.is_dir() and name == "store":
                n = store_quads(work)
                side = "stale" if n is None else "new" if n == refs["B_store"] else "old" if n == refs["A_store"] else None
                assert side, f"{where}: the store holds {n} quads, neither the old nor the new build's"
                state.append(f"store={side}")
            else:
                assert name in finals, f"{where}: stray {name}, not named as a temporary file"
                got = comparable(name, p.read_bytes())
                assert got in (comparable(name, old[name]) if name in old else None,
                               comparable(name, new[name]) if name in new else None), (
                    f"{where}: {name} is neither the old nor the new output")
                state.append(f"{name}={'new' if name in new and got == comparable(name, new[name]) else 'old'}")
        missing = (set(old) & set(new)) - {p.name for p in work.iterdir()}
        assert not missing, f"{where}: {sorted(missing)} vanished"
        manifest = [x for x in state if x.startswith("manifest.json=")]
        store = [x for x in state if x.startswith("store=")]
        if manifest and store and store[0] != "store=stale":
            assert manifest[0].split("=")[1] == store[0].split("=")[1], f"{where}: {manifest} but {store}"
        key = " ".join(sorted(set(state)))
        seen[key] = seen.get(key, 0) + 1
    print(f"\n{len(delays)} kills over 0–{max(delays):.2f}s (a whole build takes {duration:.2f}s, its first "
          f"output is renamed into place after {commit:.2f}s); "
          f"states seen: {json.dumps(seen, indent=1)}")
    assert any("=new" in k for k in seen) and any("=old" in k for k in seen)


def test_an_interrupted_build_can_be_built_again(corpora, tmp_path):
    """After a kill, the next build of the same input writes the reference graph, manifest and store."""
    root, refs = corpora
    work = tmp_path / "out"
    shutil.copytree(root / "refA", work, symlinks=True)
    for fraction in (0.5, 0.8, 0.95):
        run_and_kill([*cli(), "build", str(root / "B"), "-o", str(work)], fraction * refs["B_seconds"])
        r = subprocess.run([*cli(), "build", str(root / "B"), "-o", str(work)], capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 1, r.stderr
        got = snapshot(work)
        assert set(got) == set(refs["B"])
        for name, data in got.items():
            if name != "report.json":  # what this run built: after a completed build, nothing
                assert comparable(name, data) == comparable(name, refs["B"][name]), name
        if refs["B_store"] is not None:
            assert store_quads(work) == refs["B_store"]
        shutil.rmtree(work)
        shutil.copytree(root / "refA", work, symlinks=True)
