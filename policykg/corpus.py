"""Corpus builds: many articles into one merged graph on disk, in parallel, incrementally.

:func:`build_corpus` reads its inputs (see :mod:`policykg.inputs`), extracts the facts of
each article in worker processes (or on a Dask cluster) and writes into ``OUTDIR``:

``graph.ttl``
    the merged graph: documents merge through their deterministic IRIs (a locality by its
    code, an item by category and wording, a meeting by locality, date and name, a person by
    name and locality). Byte for byte what :func:`policykg.build` followed by
    ``KnowledgeGraph.to_turtle()`` gives for the same articles, whatever ``jobs`` or cluster.
``graph.nq.gz``
    every document's triples in a named graph of its own (N-Quads, gzip), documents in input
    order: for bulk loaders of server stores, and for ``policykg push``. Each document is a
    gzip member of its own (a gzip file may hold several, one after the other: ``zcat`` and
    every gzip reader give the whole N-Quads), so a rebuild copies the unchanged documents'
    bytes as they are and the file is a tenth of the N-Quads' size.
``store/``
    an Oxigraph store holding the merged graph, for SPARQL (:meth:`Corpus.query`); kept up to
    date with the triples that enter and leave the graph.
``manifest.json``
    per document: its source, the digest of its raw content, its named graph and where its
    triples are in ``graph.nq.gz``. The next build into the same ``OUTDIR`` reads again only
    the documents whose digest changed, drops the documents that are gone, and rewrites only
    the parts of the outputs that changed; the result is the same as a clean build.
``report.json``, ``errors.jsonl``
    what was built, and every input that failed with its reason (``errors.jsonl`` only when
    something failed).

Workers only extract and turn facts into sorted N-Triples lines
(:func:`policykg.graph.nquads.document_lines`); the main process never builds an rdflib
graph. A clean build routes the lines into key ranges on disk while documents arrive, then
sorts and formats the ranges in parallel (:class:`policykg.graph.merge.Partitions`), loads
the store with each range's distinct triples as it is done and compacts it at the end; an
incremental build splices its changes into the previous files
(:func:`policykg.graph.merge.apply_delta`), or, as soon as more than a quarter of the
documents has changed, rewrites them in ranges as a clean build does. Internal state lives in ``OUTDIR/.policykg``: the
triples that more than one document asserts, with how many do (``counts.tsv``; every other
triple of ``graph.ttl`` counts one), and the triples that involve blank nodes, with their
counts (``bnodes.tsv``).

Each output is written under a temporary name and renamed, so a build that is killed leaves
the previous outputs whole; the manifest records the size and time of every file it
describes, and a build that finds them changed starts clean. A store left half-written is
marked and loaded again by the next build.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("3月1日，肥城市召开政法队伍教育整顿动员部署会议。"
...                               "会议强调，要抓好学习教育、查纠整改、总结提升三个环节。", encoding="utf-8")
>>> result = build_corpus([d / "a.txt"], d / "out", jobs=1, store=False)
>>> result.built, result.failures, (d / "out" / "graph.ttl").exists()
(1, [], True)
>>> build_corpus([d / "a.txt"], d / "out", jobs=1, store=False).skipped
1
"""
from __future__ import annotations

import collections
import gzip
import hashlib
import json
import os
import shutil
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .extract.errors import PolicyKGError
from .graph.nquads import is_bnode_line

__all__ = ["build_corpus", "build_batch", "Corpus", "CorpusBuild", "graph_iri", "code_fingerprint",
           "FORMAT"]

FORMAT = "policykg-corpus/3"
NQUADS = "graph.nq.gz"
NQUADS_LEVEL = 1     # gzip level: 1 compresses N-Quads 11x at about 230 MB/s here, 6 13x at half the speed
GRAPH_NS = "https://w3id.org/policykg/id/graph/"
STATE = ".policykg"
COUNTS = "counts.tsv"
BNODES = "bnodes.tsv"
DIRTY = "store.dirty"
HTML_MAX_TRIPLES = 60_000
BATCH_UNITS = 32
BATCH_BYTES = 1 << 19


class CorpusError(PolicyKGError):
    """A corpus directory that cannot be built into or read."""


def graph_iri(source: str) -> str:
    """The IRI of the named graph that holds the triples read from ``source``.

    It depends on the source only, so a changed article keeps its graph (and a server
    copy can be replaced in place).

    >>> graph_iri("corpus/a.txt")
    'https://w3id.org/policykg/id/graph/68d027432d645fae'
    """
    return GRAPH_NS + hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


# ----------------------------------------------------------------------------- worker side

def build_batch(units, published: str | None = None, bounds: list[str] | None = None) -> list[dict]:
    """Extract a batch of units and turn each into sorted N-Triples lines (runs in a worker).

    Returns one dict per unit: ``{"source", "digest", "id", "quads", "nquads", "lines" or
    "parts", "bnodes", "report"}``, or ``{"source", "digest", "failure": (source, error, kind)}``.
    ``nquads`` is the document's named graph as N-Quads (UTF-8), one gzip member; with the key ``bounds`` of
    a clean build's partitions, the lines come already routed (``parts``: ``[(partition,
    N-Triples bytes), …]``, see :func:`policykg.graph.merge.route`), else as ``lines``. The
    work a worker can do is done here, not in the process that merges. Nothing in it is an
    rdflib object.
    """
    from .api import document_report, extract_document
    from .extract.errors import OntologyError, RuleError
    from .graph.merge import route
    from .graph.nquads import document_lines, graph_token
    from .inputs import make_document
    out = []
    for u in units:
        try:
            doc = make_document(u, published=published)
            x = extract_document(doc)
            lines = document_lines(doc, x)
        except (RuleError, OntologyError):
            raise                      # not this document's fault: the whole build stops
        except PolicyKGError as e:
            out.append({"source": u.source, "digest": u.digest,
                        "failure": (u.where or u.source, str(e), type(e).__name__)})
            continue
        except Exception as e:         # a bug met on one article must not lose a long build
            where = u.where or u.source
            out.append({"source": u.source, "digest": u.digest,
                        "failure": (where, f"{where}: internal error while building: {type(e).__name__}: {e}",
                                    "InternalError")})
            continue
        text = "\n".join(lines) + "\n" if lines else ""
        # every line ends with " ." and holds no line break: the graph goes before the dot
        item = {"source": u.source, "digest": u.digest, "id": doc.id, "quads": len(lines),
                "nquads": gzip_member(text.replace(" .\n", f" {graph_token(graph_iri(u.source))} .\n")),
                "bnodes": [line for line in lines if "_:" in line and is_bnode_line(line)],
                "report": document_report(doc, x)}
        if bounds is None:
            item["lines"] = lines
        else:
            item["parts"] = route(lines, bounds)
        out.append(item)
    return out


def gzip_member(text: str) -> bytes:
    r"""``text`` (UTF-8) as one gzip member, with no name and no time in its header (nothing for no text).

    >>> import gzip
    >>> gzip.decompress(gzip_member("a\n") + gzip_member("b\n"))
    b'a\nb\n'
    """
    if not text:
        return b""
    z = zlib.compressobj(NQUADS_LEVEL, zlib.DEFLATED, 31)
    return z.compress(text.encode("utf-8")) + z.flush()


def write_plain_nquads(outdir) -> Path:
    """Write ``OUTDIR/graph.nq``: ``graph.nq.gz`` uncompressed (atomically); its path."""
    out = Path(outdir)
    target, tmp = out / "graph.nq", out / STATE / "graph.nq.tmp"
    with gzip.open(out / NQUADS, "rb") as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, target)
    return target


def gunzip_member(data: bytes) -> str:
    """The text of gzip members (:func:`gzip_member`) read back."""
    return gzip.decompress(data).decode("utf-8") if data else ""


_WARM_UP_TEXT = "3月1日，肥城市召开政法队伍教育整顿动员部署会议。会议强调，要抓好学习教育、查纠整改两个环节。"


def _warm_up(published) -> None:
    """A worker's first task, before any: one small article, so that the imports, the rules and the
    gazetteer's indexes are ready when the documents come."""
    from .inputs import Unit
    try:
        build_batch([Unit(source="<warm-up>", kind="stdin", digest="", data=_WARM_UP_TEXT.encode())], published)
    except Exception:        # pragma: no cover - a real document will meet the problem and report it
        pass


# ----------------------------------------------------------------------------- fingerprint

def code_fingerprint(published: str | None = None) -> str:
    """A digest of everything that decides the triples of an article besides its content.

    The extraction code, its rules and data, the graph mapping, the code of the rows that
    ``report.json`` keeps for each document, and the build options: when any of them changes,
    an incremental build starts clean.
    """
    from . import __version__
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{published}".encode())
    for f in fingerprint_files():
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:24]


def fingerprint_files() -> list[Path]:
    """The source files :func:`code_fingerprint` reads."""
    pkg = Path(__file__).resolve().parent
    roots = []
    for mod in ("extract", "graph"):
        try:
            m = __import__(f"policykg.{mod}", fromlist=["__file__"])
            roots.append(Path(m.__file__).resolve().parent)
        except ImportError:   # pragma: no cover
            pass
    files = []
    for root in roots:
        if root.name == "graph" or root.parent.name == "graph" or root.name.endswith("graph"):
            files += [root / n for n in ("build.py", "iris.py", "nquads.py", "turtle_lines.py")]
        else:
            files += sorted(root.glob("*.py")) + sorted(root.glob("rules/*")) + sorted(root.glob("data/*"))
    try:      # read, not imported: namespace.py loads rdflib, which a corpus build does without
        ns = Path(__import__("policykg.ontology.prefixes", fromlist=["__file__"]).__file__)
        files += [ns.with_name("namespace.py"), ns]
    except ImportError:   # pragma: no cover
        pass
    # inputs.py reads the documents; api.py writes their report.json rows, which later builds copy
    files += [pkg / "inputs.py", pkg / "api.py"]
    return files


# ----------------------------------------------------------------------------- results

@dataclass
class CorpusBuild:
    """What a corpus build did."""

    outdir: Path
    documents: int = 0          # documents in the corpus now
    built: int = 0              # documents extracted by this build
    skipped: int = 0            # unchanged documents kept from the previous build
    removed: int = 0            # documents dropped (changed or gone)
    triples: int = 0            # distinct triples of the merged graph
    quads: int = 0              # triples in graph.nq.gz (a triple counts once per document)
    failures: list = field(default_factory=list)   # BuildFailure, in input order
    clean: bool = True          # whether the build started from nothing
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)

    @property
    def exit_status(self) -> int:
        """0 when every input was built, 1 when some failed."""
        return 1 if self.failures else 0


@dataclass
class _Entry:
    source: str
    digest: str
    id: str
    graph: str
    quads: int
    report: dict
    where: tuple = ("old", 0, 0)    # ("old"|"new", offset, length) of its gzip member of N-Quads
    stat: tuple | None = None       # (size, mtime_ns) of its file when read
    row: int | None = None          # its row in the previous build's report.json (an unchanged document)

    def as_dict(self, offset: int, length: int) -> dict:
        d = {"source": self.source, "digest": self.digest, "id": self.id, "graph": self.graph,
             "quads": self.quads, "offset": offset, "length": length, "report": self.report}
        if self.stat is not None:
            d["stat"] = list(self.stat)
        return d


# ----------------------------------------------------------------------------- manifest

def _file_stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _read_manifest(out: Path) -> dict | None:
    """The previous build's manifest, if it is whole and the files it describes are the ones it wrote."""
    try:
        m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        return None
    for name, stamp in (m.get("files") or {}).items():
        if _file_stamp(out / name) != stamp:
            return None
    return m


def _store_is_current(out: Path, manifest: dict) -> bool:
    """Whether ``out/store`` holds the graph of the build that wrote ``manifest``."""
    return bool(manifest.get("store")) and (out / "store").is_dir() and not (out / STATE / DIRTY).exists()


def corpus_store_path(path) -> Path | None:
    """``path/store`` when ``path`` is a build directory whose on-disk store holds its graph, else None."""
    out = Path(path)
    if not out.is_dir():
        return None
    m = _read_manifest(out)
    return out / "store" if m is not None and _store_is_current(out, m) else None


def corpus_store(path):
    """The on-disk Oxigraph store of the build directory ``path``, opened read-only, when it holds
    that build's graph (else None: a graph file, a build without a store, or pyoxigraph missing).

    Queries over a corpus read it where it lies, instead of loading ``graph.ttl`` into memory (at
    100,000 articles, 2.3 GB of Turtle: minutes, and over 10 GB of memory).
    """
    store = corpus_store_path(path)
    if store is None:
        return None
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    return ox.Store.read_only(str(store))


class _Lock:
    def __init__(self, path: Path):
        import fcntl
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "a+")
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            self.f.close()
            raise CorpusError("another build is writing into this directory", source=str(path.parent.parent)) from e

    def release(self):
        import fcntl
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


# ----------------------------------------------------------------------------- executors

def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # pragma: no cover
        return max(1, os.cpu_count() or 1)


class _Serial:
    def __init__(self, published):
        self.published = published
        self.pending = []

    def submit(self, batch, bounds=None):
        self.pending.append((batch, bounds))

    def results(self, block: bool):
        while self.pending:
            batch, bounds = self.pending.pop(0)
            yield build_batch(batch, self.published, bounds)

    def map(self, fn, tasks: list) -> Iterator:
        return (fn(t) for t in tasks)

    def close(self):
        pass


class _Pool:
    """A process pool with a bounded number of batches in flight; its workers warm up as they start."""

    def __init__(self, jobs: int, published):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.ex = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_up,
                                      initargs=(published,))
        self.ex.submit(int)      # the workers start (and warm up) now, not at the first document
        self.published = published
        self.limit = jobs * 4
        self.futures = set()
        self.used = False

    def submit(self, batch, bounds=None):
        self.used = True
        self.futures.add(self.ex.submit(build_batch, batch, self.published, bounds))

    def results(self, block: bool):
        from concurrent.futures import FIRST_COMPLETED, wait
        while self.futures and (block or len(self.futures) >= self.limit):
            done, self.futures = wait(self.futures, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()

    def map(self, fn, tasks: list) -> Iterator:
        """``fn`` over ``tasks`` in these workers (forked before any thread of this process started),
        results in order as they come."""
        if len(tasks) <= 1:
            return (fn(t) for t in tasks)
        self.used = True
        return self.ex.map(fn, tasks, chunksize=1)

    def close(self):
        if self.used:
            self.ex.shutdown(wait=True, cancel_futures=True)
            return
        # never given work (nothing had changed): not worth waiting for the warm-up to end
        processes = list(getattr(self.ex, "_processes", {}).values())
        self.ex.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.terminate()
        for p in processes:
            p.join()


class _Dask:
    """Batches mapped over a dask.distributed cluster (``address``), or a local one (``"local"``)."""

    def __init__(self, address: str, jobs: int, published):
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise CorpusError("a Dask scheduler needs dask.distributed: pip install 'policykg[dask]'") from e
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            address = self.cluster.scheduler_address
        try:
            self.client = Client(address, timeout="10s")
        except OSError as e:
            if self.cluster is not None:
                self.cluster.close()
            raise CorpusError(f"cannot reach the Dask scheduler at {address}: {e}") from e
        self.published = published
        self.local_jobs = _default_jobs() if address != "local" else jobs
        nworkers = max(1, len(self.client.scheduler_info().get("workers", {})) or jobs)
        self.limit = nworkers * 4
        self.futures = []
        self.seq = 0

    def submit(self, batch, bounds=None):
        self.seq += 1
        self.futures.append(self.client.submit(build_batch, batch, self.published, bounds, pure=False,
                                               key=f"policykg-batch-{os.getpid()}-{self.seq}"))

    def results(self, block: bool):
        from distributed import wait
        while self.futures and (block or len(self.futures) >= self.limit):
            done, not_done = wait(self.futures, return_when="FIRST_COMPLETED")
            self.futures = [f for f in self.futures if f in not_done]
            for f in done:
                yield f.result()
                f.release()

    def map(self, fn, tasks: list) -> Iterator:
        """Local work on local files (the partitions): worker processes of this machine."""
        return _run_tasks(fn, tasks, self.local_jobs)

    def close(self):
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


# ----------------------------------------------------------------------------- progress

class _Progress:
    """A rich progress bar on standard error, started once the worker processes exist (forking a
    process while the bar's refresh thread runs could leave a lock held in the child)."""

    def __init__(self, show: bool):
        self.bar = None
        self.show = show
        self.done = self.failed = 0
        self.total_n = None
        self.stopped = False

    def start(self):
        if self.bar is not None or not self.show or self.stopped:
            return
        self.t0 = time.perf_counter()
        self._open("build", lambda rp: (
            rp.TextColumn("[bold]building"), rp.BarColumn(), rp.MofNCompleteColumn(),
            rp.TextColumn("{task.fields[rate]} docs/s"), rp.TextColumn("{task.fields[failed]} failed"),
            rp.TimeElapsedColumn(), rp.TimeRemainingColumn()),
            total=self.total_n, completed=self.done, rate="0.0", failed=self.failed)

    def _open(self, label: str, columns, **fields) -> None:
        """Start a bar of the columns ``columns(rich.progress)`` with one task (nothing without rich)."""
        try:
            from rich import progress as rp
            from rich.console import Console
        except ImportError:   # pragma: no cover
            return
        self.bar = rp.Progress(*columns(rp), console=Console(stderr=True), transient=False)
        self.task = self.bar.add_task(label, **fields)
        self.bar.start()

    def total(self, n: int):
        self.total_n = n
        if self.bar is not None:
            self.bar.update(self.task, total=n)

    def advance(self, ok: int, failed: int):
        self.done += ok + failed
        self.failed += failed
        if self.bar is not None:
            rate = self.done / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(self.task, advance=ok + failed, rate=f"{rate:.1f}", failed=self.failed)

    def stop(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        self.stopped = True           # the documents' bar is not started again

    def phase(self, label: str, total: int | None = None) -> None:
        """A bar of its own for a stage after the documents (``label``): ``total`` steps, or open-ended."""
        if not self.show:
            return
        self.stop()
        self._open(label, lambda rp: (rp.TextColumn(f"[bold]{label}"), rp.BarColumn(),
                                      *([rp.MofNCompleteColumn()] if total else []), rp.TimeElapsedColumn()),
                   total=total)

    def step(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=n)


# ----------------------------------------------------------------------------- the build

def build_corpus(inputs, outdir, *, jobs: int | None = None, scheduler: str | None = None,
                 published: str | None = None, store: bool = True, html: bool = True,
                 progress: bool | None = None, clean: bool = False, stdin=None,
                 sort_limit: int = 1_000_000) -> CorpusBuild:
    """Build the merged graph of ``inputs`` into ``outdir`` (see the module documentation).

    ``jobs``: worker processes (default: every core; 1 builds in this process).
    ``scheduler``: a dask.distributed scheduler address (``tcp://host:8786``), or ``"local"``
    for a local cluster of ``jobs`` worker processes; extraction then runs there.
    ``published``: the date of articles that state none. ``store``: keep the Oxigraph store.
    ``html``: write ``graph.html`` when the graph is small. ``progress``: a progress bar on
    standard error (default: when it is a terminal). ``clean``: ignore the previous build.
    """
    from .inputs import Unit, expand

    t0 = time.perf_counter()
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise CorpusError("not a directory", source=str(out))
    state = out / STATE
    lock = _Lock(state / "lock")
    b = None
    try:
        b = _Build(out, jobs=jobs or _default_jobs(), scheduler=scheduler, published=published, store=store,
                   clean=clean, sort_limit=sort_limit,
                   progress=sys.stderr.isatty() if progress is None else progress)
        b.read(expand(inputs, stdin=stdin, lazy=True), Unit)
        b.merge()
        b.commit()
        if html:
            t = time.perf_counter()
            _write_html(out, b.result.triples)
            b.timings["html"] = time.perf_counter() - t
        shutil.rmtree(b.tmp, ignore_errors=True)
    finally:
        if b is not None:
            b.close()
        lock.release()
    b.result.seconds = time.perf_counter() - t0
    b.result.timings = b.timings
    return b.result


class _Build:
    """One build into ``out``: read and extract, merge, commit (see :func:`build_corpus`)."""

    FULL_REBUILD = 0.25    # above this share of changed documents, rebuild the outputs in partitions
    PARTITIONS = 256       # key ranges of a full rebuild, formatted in parallel
    PARTITION_SAMPLE = 200_000   # lines read before the ranges are chosen (fewer: one range in memory)

    def __init__(self, out: Path, *, jobs, scheduler, published, store, clean, sort_limit, progress):
        self.out, self.jobs, self.scheduler, self.published = out, jobs, scheduler, published
        self.store = store
        self.state = out / STATE
        self.tmp = self.state / "tmp"
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.timings: dict[str, float] = {}
        # local workers start now and warm up (imports, rules, gazetteer) while this process reads
        # the manifest and walks the inputs: an incremental build has them ready for its first batch
        self.executor = _Pool(jobs, published) if jobs > 1 and not scheduler else None
        try:
            self._start(clean, sort_limit, progress)
        except BaseException:
            if self.executor is not None:
                self.executor.close()
            raise

    def _start(self, clean, sort_limit, progress) -> None:
        from .graph.merge import DeltaSorter
        out, published = self.out, self.published
        self.fingerprint = code_fingerprint(published)
        old = None if clean else _read_manifest(out)
        if old is not None and old.get("fingerprint") != self.fingerprint:
            old = None
        self.old = old
        self.result = CorpusBuild(outdir=out, clean=old is None)
        self.old_docs = {d["source"]: d for d in (old or {}).get("documents", [])}
        self.old_rows = {source: i for i, source in enumerate(self.old_docs)}
        self.old_nq = out / NQUADS if old is not None else None
        self.full = old is None                   # outputs rebuilt in partitions (else: spliced)
        self.parts = self._partitions() if self.full else None
        self.delta = None if self.full else DeltaSorter(self.tmp / "runs", limit=sort_limit)
        self.bnode_delta: dict[str, int] = {}
        self.sent = 0                             # documents sent to work
        self.entries: list = []
        self.slot_of: dict[str, int] = {}
        self.order: collections.deque[int] = collections.deque()   # slots sent to work, in input order
        self.waiting: dict[int, dict] = {}     # results that came before those of earlier slots
        self.stats: dict[str, tuple] = {}
        self.failures: list = []
        self.removed: list[dict] = []
        self.frag_path = self.tmp / "new.nq.gz"
        self.frag = open(self.frag_path, "wb")
        self.frag_pos = 0
        self.background = self.store_update = self.store_changes = None
        self.same_graph = False
        self.bar = _Progress(progress)
        self.changes: dict = {}

    # -- reading and extracting
    def read(self, items, Unit) -> None:
        t = time.perf_counter()
        pending, pending_bytes, batch_units, order, total = [], 0, 1, 0, 0
        try:
            for item in items:
                order += 1
                if not isinstance(item, Unit):
                    self.failures.append((order, item))
                    continue
                total += 1
                prev = self.old_docs.get(item.source)
                if prev is not None and item.stat is not None and prev.get("stat") == list(item.stat):
                    pass                  # same size and time as when built: not read again
                elif not item.loaded:
                    try:
                        item = item.load()
                    except PolicyKGError as e:
                        from .inputs import failure_of
                        self.failures.append((order, failure_of(item.source, e)))
                        if prev is not None:
                            self.removed.append(prev)
                        continue
                if prev is not None and (prev["digest"] == item.digest or not item.loaded):
                    self.entries.append(_Entry(prev["source"], prev["digest"], prev["id"], prev["graph"],
                                               prev["quads"], prev["report"],
                                               ("old", prev["offset"], prev["length"]), item.stat,
                                               self.old_rows[item.source]))
                    self.result.skipped += 1
                    continue
                if prev is not None:
                    self.removed.append(prev)
                self.entries.append(None)
                self.slot_of[item.source] = len(self.entries) - 1
                self.order.append(len(self.entries) - 1)
                self.sent += 1
                if not self.full and self._mostly_changed(self.sent + len(self.removed), len(self.old_docs)):
                    self._go_full()      # so much changes that splicing would be slower: decided now,
                                         # before the lines of thousands of documents are sorted for nothing
                if item.stat is not None:
                    self.stats[item.source] = item.stat
                pending.append(item.without_stat())
                r = item.record or {}
                pending_bytes += len(item.data or b"") + len(r.get("text") or "") + len(r.get("html") or "")
                if len(pending) >= batch_units or pending_bytes >= BATCH_BYTES:
                    self._submit(pending)
                    pending, pending_bytes = [], 0
                    batch_units = min(BATCH_UNITS, batch_units * 2)   # small batches first: every worker busy early
            self._submit(pending)
            self.bar.total(total)
            self.bar.advance(self.result.skipped, 0)
            self.bar.start()
            if self.executor is not None:
                self._take(self.executor.results(block=True))
        finally:
            self.frag.close()
            self.bar.stop()
        self.failures.sort(key=lambda f: f[0])
        self.result.failures = [f for _, f in self.failures]
        self.timings["extract"] = time.perf_counter() - t

    def _submit(self, batch) -> None:
        if not batch:
            return
        if self.executor is None:
            if self.scheduler:
                self.executor = _Dask(self.scheduler, self.jobs, self.published)
            elif self.jobs > 1:
                self.executor = _Pool(self.jobs, self.published)
            else:
                self.executor = _Serial(self.published)
        self.executor.submit(batch, self.parts.bounds if self.full else None)
        self.bar.start()
        self._take(self.executor.results(block=False))

    def _take(self, results) -> None:
        """Results, taken in input order (so that a clean build's fragments are ``graph.nq`` as is)."""
        for r in (r for batch in results for r in batch):
            self.waiting[self.slot_of.pop(r["source"])] = r
            while self.order and self.order[0] in self.waiting:
                i = self.order.popleft()
                self._take_one(i, self.waiting.pop(i))

    def _take_one(self, i: int, r: dict) -> None:
        from .api import BuildFailure
        if "failure" in r:
            src, err, kind = r["failure"]
            self.failures.append((i, BuildFailure(src, err, kind)))
            self.bar.advance(0, 1)
            return
        data, n = r["nquads"], r["quads"]
        self.frag.write(data)
        self.entries[i] = _Entry(r["source"], r["digest"], r["id"], graph_iri(r["source"]), n, r["report"],
                                 ("new", self.frag_pos, len(data)), self.stats.pop(r["source"], None))
        self.frag_pos += len(data)
        if not self.full:
            self.delta.add(r["lines"], 1)
        elif "parts" in r:
            self.parts.add_routed(r["parts"], n)
        else:
            self.parts.add(r["lines"])
        self._count_bnodes(r["bnodes"], 1)
        self.result.built += 1
        self.bar.advance(1, 0)

    # -- merging
    def merge(self) -> None:
        from concurrent.futures import ThreadPoolExecutor
        t = time.perf_counter()
        result, out = self.result, self.out
        present = {e.source for e in self.entries if e is not None}
        replaced = {p["source"] for p in self.removed}
        for src, prev in self.old_docs.items():
            if src not in present and src not in replaced:
                self.removed.append(prev)
        result.removed = len(self.removed)
        self.docs = [e for e in self.entries if e is not None]
        result.documents = len(self.docs)
        result.quads = sum(e.quads for e in self.docs)
        # the store finishes in a thread (pyoxigraph releases the GIL) while this one writes the
        # report and the manifest; the commit waits for it before renaming anything
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-commit")
        if self._same_graph():
            # nothing entered or left, and in the same order: the graph's files stay as they are
            self.same_graph = True
            self.manifest_docs = [e.as_dict(e.where[1], e.where[2]) for e in self.docs]
            result.triples = self.old.get("triples", 0)
            if self.store and not self._store_intact():
                self.store_update = self.background.submit(_reload_store, out / "store", self.state / DIRTY,
                                                           bnodes=self._old_bnodes(), turtle=out / "graph.ttl")
            self.timings["merge"] = time.perf_counter() - t
            return
        self.bar.phase("merging")
        if not self.full and self._mostly_changed(result.built + result.removed, max(1, len(self.docs))):
            self._go_full()
        if self.full and self.old is not None:
            # the documents kept from the previous build join the partitions, and the blank-node
            # index is made again from every document's lines (before graph.nq is assembled:
            # that may rename the fragments read here)
            for lines in self._document_lines([e for e in self.docs if e.where[0] == "old"]):
                self.parts.add(lines)
                self._count_bnodes(lines, 1)
        # graph.nq.gz is copied together from the old one and the new fragments by the kernel
        # (copy_file_range releases the GIL) while this thread merges
        self.new_nq = self.tmp / NQUADS
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-nquads") as copier:
            nquads = copier.submit(_assemble_nquads, self.docs, self.old_nq, self.frag_path, self.new_nq)
            self._merge_graph()
            self.timings["merge"] = time.perf_counter() - t
            t = time.perf_counter()
            self.manifest_docs = nquads.result()
        self.timings["nquads"] = time.perf_counter() - t
        if not self.full:
            self.background.submit(_start_writeback_of, self.new_ttl)
        if self.store_changes is not None:
            self.store_update = self.store_changes.finish(self.changes.get("added", []),
                                                          self.changes.get("removed", []))
        elif self.store and not self.full:     # a full build loaded it with the partitions
            self.store_update = self.background.submit(_reload_store, out / "store", self.state / DIRTY,
                                                       bnodes=self.bnodes, turtle=self.new_ttl)

    def _store_intact(self) -> bool:
        """Whether the previous build left a store that holds its graph."""
        return self.old is not None and _store_is_current(self.out, self.old)

    def _old_bnodes(self):
        """The previous build's blank-node index (empty for a clean build)."""
        from .graph.merge import read_counted
        from .graph.turtle_lines import BNodeIndex
        bnodes = BNodeIndex()
        if self.old is not None:
            for line, n in read_counted(self.state / BNODES):
                bnodes.add(line, n)
        return bnodes

    def _same_graph(self) -> bool:
        """Whether no document entered or left, and the documents keep their order in graph.nq.gz."""
        if self.full or self.removed or self.result.built or self.old_nq is None:
            return False
        pos = 0
        for e in self.docs:
            if e.where[0] != "old" or e.where[1] != pos:
                return False
            pos += e.where[2]
        stamp = self.old.get("files", {}).get(NQUADS)
        return bool(stamp) and stamp[0] == pos

    def _merge_graph(self) -> None:
        """The merged graph's files (Turtle, counts, blank nodes) from the old ones and the documents' lines."""
        from .graph.turtle_lines import BNodeIndex
        result = self.result
        # the previous triples of documents changed or gone (a full rebuild reads every document kept)
        if self.removed and self.old_nq is not None and not self.full:
            for lines in self._blocks_of(self.old_nq, [(p["offset"], p["length"], p["graph"]) for p in self.removed]):
                self.delta.add(lines, -1)
                self._count_bnodes(lines, -1)
        # blank nodes of the new graph
        bnodes = BNodeIndex() if self.full else self._old_bnodes()
        before = None if self.full else BNodeIndex(bnodes.counts)
        for line, n in self.bnode_delta.items():
            if n:
                bnodes.add(line, n)
        self.bnodes = bnodes
        with open(self.tmp / BNODES, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{line} #{n}\n" for line, n in sorted(bnodes.counts.items()))
        self.new_counts, self.new_ttl = self.tmp / COUNTS, self.tmp / "graph.ttl"
        if self.full:
            result.triples = self._write_partitions()
        else:
            result.triples = self._splice(before)
        if self.executor is not None:
            self.executor.close()
            self.executor = None

    def _count_bnodes(self, lines, sign: int) -> None:
        """Count the lines with a blank node among ``lines`` once more (``sign=1``) or once less."""
        delta = self.bnode_delta
        for line in lines:
            if "_:" in line and is_bnode_line(line):
                delta[line] = delta.get(line, 0) + sign

    def _mostly_changed(self, changed: int, documents: int) -> bool:
        """Whether so much changed that rewriting everything in partitions beats splicing."""
        return changed > self.FULL_REBUILD * documents

    def _go_full(self) -> None:
        """Rewrite the outputs in partitions, as a clean build does, rather than splice the changes
        in: the documents taken so far are read back from their fragments of N-Quads."""
        self.full = True
        self.delta = None
        shutil.rmtree(self.tmp / "runs", ignore_errors=True)
        self.parts = self._partitions()
        if not self.frag.closed:
            self.frag.flush()
        for lines in self._document_lines([e for e in self.entries if e is not None and e.where[0] == "new"]):
            self.parts.add(lines)

    def _partitions(self):
        from .graph.merge import Partitions
        return Partitions(self.tmp / "parts", parts=self.PARTITIONS, sample=self.PARTITION_SAMPLE)

    def _document_lines(self, docs):
        """The N-Triples lines of each document, read back from the old and the new N-Quads members."""
        old = [(e.where[1], e.where[2], e.graph) for e in docs if e.where[0] == "old"]
        new = [(e.where[1], e.where[2], e.graph) for e in docs if e.where[0] == "new"]
        if old:
            yield from self._blocks_of(self.old_nq, old)
        if new:
            yield from self._blocks_of(self.frag_path, new)

    @staticmethod
    def _blocks_of(path, ranges):
        """The N-Triples lines of the gzip members at ``(offset, length, graph IRI)`` of ``path``."""
        from .graph.nquads import graph_token
        with open(path, "rb") as f:
            for offset, length, graph in ranges:
                f.seek(offset)
                text = gunzip_member(f.read(length))
                # every line of a member ends with its document's graph (build_batch)
                yield text.replace(f" {graph_token(graph)} .\n", " .\n").split("\n")[:-1] if text else []

    def _write_partitions(self) -> int:
        from .graph.merge import concatenate
        from .graph.turtle_lines import header
        parts = self.parts.close()
        bnodes_path = self.tmp / BNODES if self.bnodes.counts else None
        # the store is loaded from each partition's distinct lines as they come, while the
        # workers format the next partitions
        loader = _StoreLoader(self.out / "store", self.state / DIRTY) if self.store else None
        tasks = [(part, bnodes_path, self.tmp / f"piece-{i:04d}.tsv", self.tmp / f"piece-{i:04d}.ttl",
                  self.tmp / f"piece-{i:04d}.nt" if loader is not None else None)
                 for i, part in enumerate(parts)]
        if self.executor is None or len(tasks) <= 1:
            done = (_write_partition_task(t) for t in tasks)
        else:
            done = self.executor.map(_write_partition_task, tasks)
        self.bar.phase("writing the graph", total=len(tasks))
        counts = []
        for task, n in zip(tasks, done):
            counts.append(n)
            if loader is not None:
                loader.add_file(task[4])
            self.bar.step()
        if loader is not None:     # its last loads and its compaction, while the files are put together
            self.store_update = self.background.submit(loader.close, self.bnodes)
        concatenate([t[2] for t in tasks], self.new_counts)
        concatenate([t[3] for t in tasks], self.new_ttl, head=header().encode("utf-8"))
        for t in tasks:
            t[2].unlink(missing_ok=True)
            t[3].unlink(missing_ok=True)
        shutil.rmtree(self.tmp / "parts", ignore_errors=True)
        return sum(counts)

    def _splice(self, before) -> int:
        from .graph.merge import apply_delta
        owners: set[str] = set()
        if self.bnode_delta:
            changed = {tok for line, n in self.bnode_delta.items() if n for tok in _bnode_tokens(line)}
            for idx in (before, self.bnodes):
                nodes, own = idx.closure(changed)
                owners |= own | nodes
        if self.store and self._store_intact():
            # the store takes the lines that enter and leave the graph while they are found
            self.store_changes = _StoreChanges(self.out / "store", self.state / DIRTY)
        stats = apply_delta(self.state / COUNTS, self.out / "graph.ttl", self.new_counts, self.new_ttl,
                            self.delta.groups(), self.bnodes, before=before, also=owners, changes=self.changes,
                            old_triples=self.old.get("triples"),
                            on_changes=self.store_changes.add if self.store_changes is not None else None)
        return stats["triples"]

    # -- committing
    def _old_report_rows(self) -> list[str] | None:
        """The document rows of the previous build's report.json, if it is the file that build wrote.

        An unchanged document keeps its row as is: 10,000 rows encoded again cost a few
        tenths of a second, which an incremental build of a few changes notices.
        """
        if self.old is None or not any(e.row is not None for e in self.docs):
            return None
        from .api import document_rows
        path = self.out / "report.json"
        stamp = self.old.get("report")
        if not stamp or _file_stamp(path) != stamp:
            return None
        try:
            return document_rows(path.read_text(encoding="utf-8"), len(self.old_docs))
        except (OSError, UnicodeDecodeError):
            return None

    def commit(self) -> None:
        t = time.perf_counter()
        out, tmp, state, result = self.out, self.tmp, self.state, self.result
        from .api import report_row, report_text
        old_rows = self._old_report_rows()
        rows = [old_rows[e.row] if old_rows is not None and e.row is not None else report_row(e.report)
                for e in self.docs]
        failed = [report_row(f.as_dict()) for f in result.failures]
        (tmp / "report.json").write_text(report_text(rows, failed), encoding="utf-8")
        if failed:
            (tmp / "errors.jsonl").write_text("".join(row + "\n" for row in failed), encoding="utf-8")
        # The data files are not forced to disk one by one (gigabytes for a big corpus): the
        # manifest, written and synced last, records their sizes and times, and a build that
        # finds a file torn by a crash (a size or time that differs) starts clean.
        if self.same_graph:
            files = {name: _file_stamp(out / name) for name in ("graph.ttl", NQUADS, f"{STATE}/{COUNTS}",
                                                                 f"{STATE}/{BNODES}")}
        else:
            files = {"graph.ttl": _file_stamp(self.new_ttl), NQUADS: _file_stamp(self.new_nq),
                     f"{STATE}/{COUNTS}": _file_stamp(self.new_counts), f"{STATE}/{BNODES}": _file_stamp(tmp / BNODES)}
        manifest = {"format": FORMAT, "fingerprint": self.fingerprint, "published": self.published,
                    "store": bool(self.store), "triples": result.triples, "files": files,
                    "report": _file_stamp(tmp / "report.json"), "documents": self.manifest_docs}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync(tmp / "manifest.json")
        if self.store_update is not None:
            w = time.perf_counter()
            if not self.store_update.done():
                self.bar.phase("finishing the store")
            self.store_update.result()
            self.timings["store wait"] = time.perf_counter() - w
        if not self.same_graph:
            os.replace(self.new_counts, state / COUNTS)
            (state / "union.tsv").unlink(missing_ok=True)     # the full counts of policykg-corpus/1
            os.replace(tmp / BNODES, state / BNODES)
            os.replace(self.new_nq, out / NQUADS)
            (out / "graph.nq").unlink(missing_ok=True)        # an older plain copy (or of policykg-corpus/2)
            os.replace(self.new_ttl, out / "graph.ttl")
        os.replace(tmp / "report.json", out / "report.json")
        if result.failures:
            os.replace(tmp / "errors.jsonl", out / "errors.jsonl")
        elif (out / "errors.jsonl").exists():
            (out / "errors.jsonl").unlink()
        os.replace(tmp / "manifest.json", out / "manifest.json")
        _fsync_dir(out)
        self.bar.stop()
        if self.store:
            (state / DIRTY).unlink(missing_ok=True)
        elif (out / "store").exists():
            shutil.rmtree(out / "store", ignore_errors=True)   # a store no longer kept up to date
        self.timings["write"] = time.perf_counter() - t

    def close(self) -> None:
        self.bar.stop()
        if not self.frag.closed:
            self.frag.close()
        if self.executor is not None:
            self.executor.close()
        if self.background is not None:
            self.background.shutdown(wait=True)
        if self.store_changes is not None:
            self.store_changes.close()


def _write_partition_task(task) -> int:
    from .graph.merge import write_partition
    return write_partition(*task)


def _run_tasks(fn, tasks: list, jobs: int) -> Iterator:
    """``fn`` over ``tasks``, results in order as they come: in worker processes when there are
    several of both."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from (fn(t) for t in tasks)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    # forkserver: this process runs threads (a Dask client, the N-Quads copier), which fork does not
    # carry well; as with any spawned process, a script that calls this needs a __main__ guard
    ctx = multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as ex:
        yield from ex.map(fn, tasks, chunksize=1)


class _StoreLoader:
    """Loads a new Oxigraph store from N-Triples files, in bulk loads of about ``CHUNK`` bytes.

    ``Store.bulk_load`` parses and writes without holding the GIL, and costs much more per
    triple in small loads; one load of a whole graph would hold it all in memory. The triples
    with blank nodes come last, parsed with their labels kept (the bulk loader would rename
    them, and later builds name list cells by their labels).
    """

    CHUNK = 16 << 20

    def __init__(self, store_dir: Path, dirty: Path):
        ox = _oxigraph()
        dirty.parent.mkdir(parents=True, exist_ok=True)
        dirty.touch()
        if store_dir.exists():
            shutil.rmtree(store_dir)
        self.store = ox.Store(str(store_dir))
        self.buf: list[bytes] = []
        self.size = 0

    def add(self, data: bytes) -> None:
        """N-Triples without blank nodes (UTF-8)."""
        self.buf.append(data)
        self.size += len(data)
        if self.size >= self.CHUNK:
            self._load()

    def add_file(self, path: Path) -> None:
        """A file of N-Triples without blank nodes, removed once read."""
        self.add(path.read_bytes())
        path.unlink()

    def _load(self) -> None:
        _bulk_add(self.store, b"".join(self.buf), b"")
        self.buf, self.size = [], 0

    def close(self, bnodes) -> None:
        """Load what is left and the lines of the blank-node index ``bnodes``, then compact the store.

        Each bulk load leaves files that RocksDB compacts later, whenever the store is next opened
        for writing: at 10,000 articles, 4-6 s of CPU that an incremental build would pay beside
        its own work, and pay again after a compaction cut short when it closes the store.
        Compacting here (``Store.optimize``, which releases the GIL) pays it once, at the end of
        the build that made it.
        """
        self._load()
        _bulk_add(self.store, b"", "".join(line + "\n" for line in sorted(bnodes.counts)).encode("utf-8"))
        self.store.flush()
        self.store.optimize()
        del self.store


def _bnode_tokens(line: str) -> list[str]:
    from .graph.nquads import split_line
    s, _p, o = split_line(line)
    return [t for t in (s, o) if t.startswith("_:")]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:   # pragma: no cover - some file systems refuse it
        pass


def _assemble_nquads(docs: list, old_nq, frag_path: Path, new_nq: Path) -> list[dict]:
    """Write ``graph.nq.gz`` from members of the old file and of the new fragments; the manifest entries.

    When the fragments are the whole file in order (a clean build), they become it by a rename.
    """
    out_docs = []
    runs = []    # [which, start, length] of contiguous bytes to copy
    pos = 0
    for e in docs:
        which, off, length = e.where
        if runs and runs[-1][0] == which and runs[-1][1] + runs[-1][2] == off:
            runs[-1][2] += length
        else:
            runs.append([which, off, length])
        out_docs.append(e.as_dict(pos, length))
        pos += length
    if len(runs) == 1 and runs[0][:2] == ["new", 0] and runs[0][2] == frag_path.stat().st_size:
        os.replace(frag_path, new_nq)
        return out_docs
    with open(new_nq, "wb") as out:
        sources = {"new": open(frag_path, "rb")}
        if old_nq is not None and Path(old_nq).exists():
            sources["old"] = open(old_nq, "rb")
        try:
            for which, off, length in runs:
                _copy_range(sources[which], out, off, length)
            out.flush()
            _start_writeback(out.fileno())
        finally:
            for f in sources.values():
                f.close()
    return out_docs


def _start_writeback(fd: int) -> None:
    """Start writing a file back to disk now, beside other work, rather than when it is renamed over
    the old one at commit (ext4 flushes a file renamed over another, and the rename waits)."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        except OSError:    # pragma: no cover - a file system that does not take the advice
            pass


def _start_writeback_of(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        _start_writeback(fd)
    finally:
        os.close(fd)


def _copy_range(src, dst, offset: int, length: int) -> None:
    from .graph.merge import copy_bytes
    try:
        copy_bytes(src.fileno(), dst, offset, length)
    except ValueError:
        raise CorpusError(f"{NQUADS} is shorter than its manifest says (offset {offset + length})") from None


def _reload_store(store_dir: Path, dirty: Path, *, bnodes, turtle: Path) -> None:
    """Load the Oxigraph store again from the triples of ``turtle`` and the lines of the blank-node
    index ``bnodes`` (a store that is missing, or was left half-written)."""
    from .graph.merge import lines_of_turtle
    loader = _StoreLoader(store_dir, dirty)
    for line in lines_of_turtle(turtle):
        if "_:" not in line or not is_bnode_line(line):
            loader.add((line + "\n").encode("utf-8"))
    loader.close(bnodes)


class _StoreChanges:
    """Keeps the Oxigraph store equal to the merged graph: the lines that enter and leave it are
    applied in a thread of their own, in chunks, as :func:`~policykg.graph.merge.apply_delta`
    finds them (pyoxigraph releases the GIL, so the store works while the merge goes on).

    A line never both enters and leaves in one build, so the chunks may be applied in any order.
    """

    def __init__(self, store_dir: Path, dirty: Path):
        from concurrent.futures import ThreadPoolExecutor
        ox = _oxigraph()
        dirty.touch()
        self.store = ox.Store(str(store_dir))
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-store")
        self.jobs: list = []

    def add(self, added: list[str], removed: list[str]) -> None:
        """Lines that entered and left the graph (the lists are the caller's to reuse)."""
        self.jobs.append(self.thread.submit(_apply_changes, self.store, list(added), list(removed)))

    def finish(self, added: list[str], removed: list[str]):
        """The last lines; a future that is done when every change is applied and on disk."""
        self.add(added, removed)
        jobs, self.jobs = self.jobs, []

        def flush():
            for job in jobs:
                job.result()          # they ran first (one thread, in order): raise what they raised
            self.store.flush()
        return self.thread.submit(flush)

    def close(self) -> None:
        self.thread.shutdown(wait=True)
        self.store = None


def _apply_changes(store, added: list[str], removed: list[str]) -> None:
    """Remove and add N-Triples lines to the default graph of an Oxigraph store, in transactions.

    Not through the bulk loader: each of its loads lands in RocksDB's first level, and a few
    of them into a big store set off a compaction of all of it (seconds, measured). Blank-node
    labels are kept, so the list cells stay the nodes that graph.ttl and later builds name.
    """
    ox = _oxigraph()
    nt = ox.RdfFormat.N_TRIPLES
    plain = [line for line in removed if "_:" not in line or not is_bnode_line(line)]
    if plain:        # one transaction, not one per triple
        store.update("DELETE DATA {\n" + "\n".join(plain) + "\n}")
    blank = "".join(line + "\n" for line in removed if "_:" in line and is_bnode_line(line))   # not in DELETE DATA
    for t in ox.parse(blank.encode("utf-8"), format=nt, lenient=True):
        store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    plain = "".join(line + "\n" for line in added if "_:" not in line)
    if plain:
        store.load(plain.encode("utf-8"), format=nt, lenient=True)
    blank = "".join(line + "\n" for line in added if "_:" in line)
    if blank:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                     for t in ox.parse(blank.encode("utf-8"), format=nt, lenient=True))


def _oxigraph():
    try:
        import pyoxigraph
    except ImportError as e:
        raise CorpusError("the corpus store needs pyoxigraph: pip install 'policykg[store]', "
                          "or build with --no-store") from e
    return pyoxigraph


def _bulk_add(store, plain: bytes, blank: bytes) -> None:
    """Add N-Triples to an Oxigraph store: ``plain`` (no blank node) through the bulk loader, which
    releases the GIL; ``blank`` parsed with its blank-node labels kept (the bulk loader would
    rename them, and graph.ttl and later builds name list cells by their labels)."""
    import pyoxigraph as ox
    nt = ox.RdfFormat.N_TRIPLES
    if plain:
        store.bulk_load(plain, format=nt, lenient=True)
    if blank:
        store.bulk_extend(ox.parse(blank, format=nt, lenient=True))


def _write_html(out: Path, triples: int) -> None:
    """``graph.html`` of a small graph (a big one would not be readable as one page anyway)."""
    target = out / "graph.html"
    if triples > HTML_MAX_TRIPLES:
        if target.exists():
            target.unlink()
        return
    try:
        from .graph.html_view import to_html
    except ImportError:
        return
    from rdflib import Graph

    from .graph.build import bind_prefixes
    from .graph.turtle import write_text_atomic
    g = bind_prefixes(Graph())
    g.parse(out / "graph.ttl", format="turtle")
    write_text_atomic(target, to_html(g))


# ----------------------------------------------------------------------------- reading a corpus

class Corpus:
    """A corpus directory written by :func:`build_corpus`.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("3月1日，肥城市召开政法队伍教育整顿动员部署会议。", encoding="utf-8")
    >>> _ = build_corpus([d / "a.txt"], d / "out", jobs=1, html=False)
    >>> c = Corpus(d / "out")
    >>> [r["label"].value for r in c.query("SELECT ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label }")]
    ['政法队伍教育整顿动员部署会议']
    >>> len(c.documents())
    1
    """

    def __init__(self, outdir):
        self.outdir = Path(outdir)
        m = _read_manifest(self.outdir)
        if m is None:
            raise CorpusError("no corpus here (no valid manifest.json; build it with policykg build)",
                              source=str(self.outdir))
        self.manifest = m
        self._store = None

    @property
    def turtle_path(self) -> Path:
        return self.outdir / "graph.ttl"

    @property
    def nquads_path(self) -> Path:
        """The documents' named graphs: N-Quads, one gzip member per document."""
        return self.outdir / NQUADS

    def nquads_of(self, doc: dict) -> str:
        """The N-Quads of one document of :meth:`documents` (its named graph)."""
        with open(self.nquads_path, "rb") as f:
            f.seek(doc["offset"])
            return gunzip_member(f.read(doc["length"]))

    def documents(self) -> list[dict]:
        """Per document: ``source``, ``id``, ``graph`` (its named graph), ``quads``, ``report``, and where
        its N-Quads are in ``graph.nq.gz`` (``offset``, ``length``: see :meth:`nquads_of`)."""
        return [{k: d[k] for k in ("source", "id", "graph", "quads", "report", "offset", "length")}
                for d in self.manifest["documents"]]

    def store(self):
        """The Oxigraph store of the corpus, opened read-only."""
        if self._store is None:
            if not _store_is_current(self.outdir, self.manifest):
                raise CorpusError("the corpus has no up-to-date store (it was built with --no-store, or a build "
                                  "was interrupted): build again", source=str(self.outdir))
            import pyoxigraph as ox
            self._store = ox.Store.read_only(str(self.outdir / "store"))
        return self._store

    def query(self, sparql: str):
        """Run SPARQL over the merged graph; the ontology's prefixes are predeclared."""
        from .graph.query import prologue
        try:
            return self.store().query(prologue() + sparql, use_default_graph_as_union=True)
        except SyntaxError as e:
            from .extract.errors import QueryError
            raise QueryError(f"SPARQL syntax error: {e}") from e

    def graph_of(self, source: str) -> str | None:
        """The named graph IRI of the document read from ``source``."""
        for d in self.manifest["documents"]:
            if d["source"] == source:
                return d["graph"]
        return None
