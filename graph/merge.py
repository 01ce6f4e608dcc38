"""The merged graph of a corpus as sorted files, rewritten only where documents changed.

A corpus keeps its merged graph as ``graph.ttl`` (one Turtle block per subject, in the order
of the subjects' N-Triples lines, see :func:`~policykg.graph.turtle_lines.subject_key`) and a
small file of counts: the lines that more than one document asserts, with how many do
(``<s> <p> <o> . #2``, sorted); every other triple counts one. A build turns the documents it
added and removed into a *delta* (line → change of count), sorted by line with bounded memory
(:class:`DeltaSorter` spills sorted runs to disk), and :func:`apply_delta` streams the old
files into new ones: the stretches between changed subjects are copied as bytes, only the
changed subjects are read back, recounted and formatted again. A clean build is the same
operation on no files, or, for a big corpus, runs in key ranges (:class:`Partitions`).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> ds = DeltaSorter(d)
>>> ds.add(['<a:s> <a:p> "1" .', '<a:s> <a:p> "2" .'], 1)
>>> ds.add(['<a:s> <a:p> "2" .', '<a:t> <a:p> <a:s> .'], 1)
>>> stats = apply_delta(None, None, d / "counts", d / "t.ttl", ds.groups(), BNodeIndex())
>>> print((d / "counts").read_text(), end="")
<a:s> <a:p> "2" . #2
>>> stats["triples"], stats["changed_subjects"]
(3, 2)
"""
from __future__ import annotations

import collections
import heapq
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..ontology.prefixes import PREFIXES
from .nquads import is_bnode_line, split_line
from .turtle_lines import BNodeIndex, Formatter, expand_term, header, parse_block, subject_key

__all__ = ["DeltaSorter", "apply_delta", "read_counted", "split_counted", "lines_of_turtle", "copy_bytes",
           "BNodeIndex"]

_NS_BYTES = {p.encode(): ns.encode() for p, ns in PREFIXES.items()}
_NEXT_BLOCK = re.compile(rb"\n[^ ]")
_NEXT_LINE = re.compile(rb"\n")


# ----------------------------------------------------------------------------- delta

class DeltaSorter:
    """Collects ``(line, count)`` changes and yields them sorted and summed, spilling to disk."""

    def __init__(self, tmpdir, *, limit: int = 1_000_000):
        self.tmpdir = Path(tmpdir)
        self.limit = limit
        self.buf: dict[int, list[str]] = {1: [], -1: []}
        self.size = 0
        self.runs: list[Path] = []

    def add(self, lines: Iterable[str], sign: int) -> None:
        """Count every line once more (``sign=1``) or once less (``sign=-1``)."""
        b = self.buf[sign]
        n = len(b)
        b.extend(lines)
        self.size += len(b) - n
        if self.size >= self.limit:
            self._spill()

    def _sorted_counts(self) -> Iterator[str]:
        streams = []
        for sign, lines in self.buf.items():
            if lines:
                lines.sort()
                streams.append(_counted(lines, sign))
        self.buf = {1: [], -1: []}
        self.size = 0
        return heapq.merge(*streams) if len(streams) > 1 else (streams[0] if streams else iter(()))

    def _spill(self) -> None:
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        path = self.tmpdir / f"run-{len(self.runs):04d}.tsv"
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(rec + "\n" for rec in _summed(self._sorted_counts()))
        self.runs.append(path)

    def groups(self) -> Iterator[tuple[str, list[tuple[str, int]]]]:
        """``(subject, [(line, change), …])`` in subject order; lines whose changes cancel are left out."""
        if not self.runs and not self.buf[-1]:      # everything in memory, only additions
            lines = self.buf[1]
            self.buf, self.size = {1: [], -1: []}, 0
            lines.sort()
            yield from _groups_of_sorted(lines)
            return
        if not self.runs:                            # in memory, additions and removals: count, then sort
            from collections import Counter
            counts = Counter(self.buf[1])
            counts.subtract(self.buf[-1])
            self.buf, self.size = {1: [], -1: []}, 0
            current, group, prefix = None, [], None
            for line in sorted(line for line, n in counts.items() if n):
                if prefix is None or not line.startswith(prefix):
                    if group:
                        yield current, group
                    current = line[:line.index(" ")]
                    prefix, group = current + " ", []
                group.append((line, counts[line]))
            if group:
                yield current, group
            return
        streams = [_read_run(p) for p in self.runs]
        streams.append(self._sorted_counts())
        merged = heapq.merge(*streams) if len(streams) > 1 else streams[0]
        current, group = None, []
        for rec in _summed(merged):
            tab = rec.rindex("\t")
            line, n = rec[:tab], int(rec[tab + 1:])
            s = line[:line.index(" ")]
            if s != current:
                if group:
                    yield current, group
                current, group = s, []
            group.append((line, n))
        if group:
            yield current, group
        for p in self.runs:
            p.unlink(missing_ok=True)
        self.runs = []


def _groups_of_sorted(lines: list[str]) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Sorted lines (repeats allowed) as ``(subject, [(line, count), …])`` groups."""
    group: list = []
    subject, prefix = None, None
    prev, n = None, 0
    for line in lines:
        if line == prev:
            n += 1
            continue
        if prev is not None:
            group.append((prev, n))
        prev, n = line, 1
        if prefix is None or not line.startswith(prefix):
            if group:
                yield subject, group
                group = []
            subject = line[:line.index(" ")]
            prefix = subject + " "
    if prev is not None:
        group.append((prev, n))
    if group:
        yield subject, group


def _counted(lines: list[str], sign: int) -> Iterator[str]:
    prev, n = None, 0
    for line in lines:
        if line == prev:
            n += sign
            continue
        if prev is not None:
            yield f"{prev}\t{n}"
        prev, n = line, sign
    if prev is not None:
        yield f"{prev}\t{n}"


def _summed(records: Iterable[str]) -> Iterator[str]:
    """Records ``line\\tcount`` in line order with equal lines summed (zero sums dropped)."""
    prev, n = None, 0
    for rec in records:
        tab = rec.rindex("\t")
        line = rec[:tab]
        if line == prev:
            n += int(rec[tab + 1:])
            continue
        if prev is not None and n:
            yield f"{prev}\t{n}"
        prev, n = line, int(rec[tab + 1:])
    if prev is not None and n:
        yield f"{prev}\t{n}"


def _read_run(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", newline="\n") as f:
        for rec in f:
            yield rec[:-1]


def read_counted(path) -> Iterator[tuple[str, int]]:
    """``(line, count)`` of a file of counted lines (``line #count``)."""
    if path is None or not Path(path).exists():
        return
    with open(path, encoding="utf-8", newline="\n") as f:
        for rec in f:
            yield split_counted(rec)


def split_counted(rec: str) -> tuple[str, int]:
    """``('<s> <p> <o> .', 3)`` from ``'<s> <p> <o> . #3'``: a line with its count as an N-Triples comment."""
    cut = rec.rindex(" #")
    return rec[:cut], int(rec[cut + 2:])


def _counts_of(records: bytes) -> dict[str, int]:
    """``{line: count}`` of counts-file records (``<s> <p> <o> . #2`` lines, UTF-8)."""
    return dict(split_counted(rec) for rec in records.decode("utf-8").split("\n")[:-1])


def copy_bytes(src_fd: int, dst, offset: int, n: int) -> None:
    """Append ``n`` bytes of the file ``src_fd`` from ``offset`` to the binary file object ``dst``:
    copied by the kernel (``os.copy_file_range``, which releases the GIL) where it can, else
    through a buffer. Raises ValueError when the source is shorter."""
    dst.flush()
    done = 0
    if hasattr(os, "copy_file_range"):
        try:
            while done < n:
                k = os.copy_file_range(src_fd, dst.fileno(), n - done, offset + done)
                if k == 0:
                    break
                done += k
        except OSError:           # a file system that cannot: through a buffer
            pass
    while done < n:
        chunk = os.pread(src_fd, min(n - done, 1 << 22), offset + done)
        if not chunk:
            raise ValueError(f"file shorter than expected (offset {offset + done})")
        dst.write(chunk)
        done += len(chunk)


# ----------------------------------------------------------------------------- sorted files

def _end_of_run(data: bytes, prefix: bytes, at_eof: bool) -> int | None:
    """Where the lines that start with ``prefix`` at the start of ``data`` end, if the first 64 lines
    of ``data`` tell (else None: a hub, or too little read)."""
    i = 0
    for _ in range(64):
        j = data.find(b"\n", i)
        if j < 0:
            return None
        i = j + 1
        if not data.startswith(prefix, i):
            if at_eof or len(data) - i >= len(prefix):    # the next line is another subject's
                return i
            return None
    return None


class _Writer:
    """An output file written by a thread of its own, in the order of the calls: bytes, and
    stretches of other files that the kernel copies (``os.copy_file_range``, which releases the
    GIL). The merge formats the next blocks while the unchanged bytes before them are copied.

    The files copied from must stay open until :meth:`close` returns.
    """

    BUFFER = 1 << 20

    def __init__(self, path):
        import queue
        import threading
        self.f = open(path, "wb")
        self.pending: list[bytes] = []
        self.size = 0
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="policykg-writer", daemon=True)
        self.thread.start()

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.size += len(data)
        if self.size >= self.BUFFER:
            self._hand_over()

    def copy(self, fd: int, offset: int, n: int) -> None:
        self._hand_over()
        self.queue.put((fd, offset, n))

    def _hand_over(self) -> None:
        if self.pending:
            self.queue.put(b"".join(self.pending))
            self.pending, self.size = [], 0

    def close(self) -> None:
        """Wait until everything is written and close the file (see :meth:`check`)."""
        self._hand_over()
        self.queue.put(None)
        self.thread.join()
        self.f.close()

    def check(self) -> None:
        """Raise what the thread met, if anything."""
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while True:
            op = self.queue.get()
            if op is None:
                return
            if self.error is not None:
                continue
            try:
                if isinstance(op, bytes):
                    self.f.write(op)
                else:
                    fd, offset, n = op
                    copy_bytes(fd, self.f, offset, n)
            except BaseException as e:      # raised by check(), in the merging thread
                self.error = e


class _Sorted:
    """A forward-only reader of a sorted file of records (lines, or Turtle blocks) that copies what it skips.

    Records are found by positioned reads of small windows (a plain search for a key that is
    present, else galloping and bisection), and the stretches between them are copied file to
    file by the kernel (``os.copy_file_range``) where it can: an incremental build reads and
    copies little of a big file through Python. Keys are compared as UTF-8 bytes, which
    orders them as Python orders their strings.
    """

    CHUNK = 1 << 22      # the largest read, and the unit of a copy through a buffer
    WINDOW = 1 << 16     # the first read around a position; the first step of a gallop

    def __init__(self, path, out, *, blocks: bool):
        self.fd = os.open(path, os.O_RDONLY) if path is not None and Path(path).exists() else None
        self.size = os.fstat(self.fd).st_size if self.fd is not None else 0
        self.out = out
        self.blocks = blocks
        self.pos = 0                  # the current record; everything before it is dealt with
        self.window, self.window_at = b"", 0    # the last bytes read: changed subjects come in runs
        if blocks and self.fd is not None:
            head = header().encode()
            if self._read(0, len(head)) != head:
                raise ValueError(f"{path}: not a graph.ttl written by policykg (unexpected header)")
            self.pos = len(head)

    def _read(self, offset: int, n: int) -> bytes:
        n = min(n, self.size - offset)
        if n <= 0:
            return b""
        if n > self.WINDOW:
            return self._pread(offset, n)
        buf, at = self._view(offset, n)
        return buf[at:at + n]

    def _view(self, offset: int, n: int) -> tuple[bytes, int]:
        """``(buffer, at)`` with the ``n`` bytes from ``offset`` (at most a window, not past the end)
        at ``buffer[at:at + n]``, and what follows them in the window: searched in place, not copied out."""
        at = offset - self.window_at
        if not (0 <= at and at + n <= len(self.window)):     # read ahead: changed subjects come in runs
            self.window, self.window_at = self._pread(offset, min(self.WINDOW, self.size - offset)), offset
            at = 0
        return self.window, at

    def _find(self, needle: bytes, offset: int, n: int) -> int:
        """Where ``needle`` starts in the ``n`` bytes from ``offset`` (at most a window), or -1."""
        n = min(n, self.size - offset)
        if n <= 0:
            return -1
        buf, at = self._view(offset, 1)          # what the window holds already, first
        j = buf.find(needle, at, at + n)
        if j < 0 and len(buf) - at < n:
            buf, at = self._view(offset, n)
            j = buf.find(needle, at, at + n)
        return -1 if j < 0 else offset + j - at

    def _pread(self, offset: int, n: int) -> bytes:
        data = os.pread(self.fd, n, offset)
        while len(data) < n:          # a short read
            more = os.pread(self.fd, n - len(data), offset + len(data))
            if not more:
                break
            data += more
        return data

    # -- records
    def _start_at_or_after(self, i: int) -> int:
        """The first record start at or after ``i`` (``size`` at the end of the file)."""
        if i <= self.pos:
            return self.pos
        at = i - 1                    # a record starts after a line end (and, in Turtle, not with a space)
        n = self.WINDOW
        while at < self.size:
            n = min(n, self.size - at)
            if n <= self.WINDOW:
                buf, b = self._view(at, 1)        # what the window holds from ``at`` on, first
                n = len(buf) - b
            else:
                buf, b = self._pread(at, n), 0
            m = (_NEXT_BLOCK if self.blocks else _NEXT_LINE).search(buf, b, b + n)
            if m is not None:
                return at + m.start() - b + 1
            if at + n >= self.size:
                return self.size
            at += max(1, n - 1)
            n = min(n * 2, self.CHUNK)
        return self.size

    def _key(self, i: int) -> bytes:
        n = 512
        while True:
            data = self._read(i, n)
            j = data.find(b" ")
            if j >= 0 or i + len(data) >= self.size:
                break
            n *= 4
        tok = data[:j] if j >= 0 else data
        if tok[:1] in (b"<", b"_"):
            return tok + b" "
        prefix, _, local = tok.partition(b":")      # a prefixed name in graph.ttl
        return b"<" + _NS_BYTES[prefix] + local + b"> "

    def _at_end(self, i: int) -> bool:
        return i >= self.size

    def _locate(self, key: bytes) -> int:
        """The first record from the current position whose key is ``key`` or above.

        Galloping, then bisection, then a scan of the last few kilobytes.
        """
        start = self.pos
        if self._at_end(start) or self._key(start) >= key:
            return start
        lo, step = start, self.WINDOW     # key(lo) < key
        while True:
            probe = self._start_at_or_after(lo + step)
            if self._at_end(probe) or self._key(probe) >= key:
                hi = probe
                break
            lo = probe
            step = min(step * 2, self.CHUNK)
        while hi - lo > 4096:
            mid = self._start_at_or_after((lo + hi) // 2)
            if mid >= hi:
                break
            if self._key(mid) < key:
                lo = mid
            else:
                hi = mid
        r = lo
        while r < hi:
            if self._key(r) >= key:
                break
            r = self._start_at_or_after(r + 1)
        return min(r, hi)

    def _copy(self, upto: int) -> None:
        """Copy the bytes from the current position up to ``upto`` to the output (by its thread)."""
        n = upto - self.pos
        if n <= 0:
            return
        self.out.copy(self.fd, self.pos, n)
        self.pos = upto

    def copy_until(self, key: bytes, needle: bytes) -> None:
        """Copy every record whose key is below ``key``; stop at the first that is not.

        ``needle`` is how a record with that key starts (the key as written, then a space):
        a present key is found by a plain search, an absent one by galloping and bisection.
        """
        start = self.pos
        if self._at_end(start) or self._key(start) >= key:
            return
        j = self._find(b"\n" + needle, start, self.WINDOW)
        if j >= 0:
            self._copy(j + 1)
            return
        self._copy(self._locate(key))

    def take(self, key: bytes) -> bytes:
        """The records whose key is ``key`` at the current position (as bytes), consumed without copying."""
        pos = self.pos
        if self._at_end(pos) or self._key(pos) != key:
            return b""
        if self.blocks:                 # one block: up to the next line that does not start with a space
            end = self._start_at_or_after(pos + 1)
        else:                           # lines that start with the subject: a few, or thousands (a hub)
            end = None
            for n in (4096, self.WINDOW):       # a few lines, mostly
                data = self._read(pos, n)
                at_eof = pos + len(data) >= self.size
                i = _end_of_run(data, data[:data.index(b" ") + 1], at_eof)
                if i is not None:
                    end = pos + i
                    break
                if at_eof or len(data) < n:
                    break
            if end is None:
                end = self._locate(key[:-1] + b"!")   # keys end with a space: the next key up
        self.pos = end
        return self._read(pos, end - pos)

    def copy_rest(self) -> None:
        if self.fd is not None:
            self._copy(self.size)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def apply_delta(old_counts, old_turtle, new_counts, new_turtle, groups: Iterable, bnodes: BNodeIndex,
                *, before: BNodeIndex | None = None, also: Iterable[str] = (), changes: dict | None = None,
                old_triples: int | None = None, on_changes=None, chunk: int = 5_000) -> dict:
    """Write the new counts and Turtle files: the old ones with the changes of ``groups`` applied.

    ``groups`` yields ``(subject, [(line, change), …])`` in subject order (see
    :meth:`DeltaSorter.groups`); ``also`` names further subjects whose Turtle block must be
    written again although none of their lines changed (the owners of changed lists).
    ``bnodes`` must already describe the new graph, ``before`` the old one.

    A triple's count is the number of documents that assert it. The counts file holds only
    the lines asserted more than once (``<s> <p> <o> . #2``), a small share of the graph; every
    other triple of ``graph.ttl`` counts one. A changed subject's old lines are read back from
    its block (:func:`~policykg.graph.turtle_lines.parse_block`) and from ``before`` (the lines
    that hold blank nodes). When ``changes`` is a dict, its lists ``"added"`` and ``"removed"``
    receive the lines that enter and leave the graph (not kept for a clean build: everything
    enters); with ``on_changes``, every ``chunk`` lines or so are handed to ``on_changes(added,
    removed)`` as they are found and taken out of the lists, so that a consumer (the store) can
    work beside the merge. ``old_triples`` is the old graph's number of triples. Returns ``{"triples": …,
    "changed_subjects": …, "spliced": …}``, the last the blocks edited in place (see
    :func:`_splice_lists`) rather than formatted again.
    """
    fmt = Formatter(bnodes)
    block, term = fmt.block, fmt.term
    before = before if before is not None else BNodeIndex()
    n_changed = n_spliced = 0
    net = 0         # triples added less triples removed
    also = sorted(set(also), key=subject_key)
    owners = set(also)
    added = removed = None
    if changes is not None:
        added, removed = changes.setdefault("added", []), changes.setdefault("removed", [])
    fs, ft = _Writer(new_counts), _Writer(new_turtle)
    ft.write(header().encode())
    S = _Sorted(old_counts, fs, blocks=False)
    T = _Sorted(old_turtle, ft, blocks=True)
    clean = T.fd is None     # no old graph: a clean build
    try:
        for s, delta in _with_also(groups, also):
            n_changed += 1
            if on_changes is not None and len(added) + len(removed) >= chunk:
                on_changes(added, removed)
                added.clear()
                removed.clear()
            if clean:
                counts = {line: n for line, n in delta if n > 0}
            else:
                key = subject_key(s).encode()
                S.copy_until(key, key)
                shared = S.take(key)
                T.copy_until(key, term(s).encode() + b" ")
                old = T.take(key)
                spliced = None if not old or s in owners else _splice_lists(s, old.decode("utf-8"), shared,
                                                                             delta, fmt)
                if spliced is not None:       # a hub: its block edited in place, not read back
                    text, shared_counts, gained, lost = spliced
                    fs.write("".join([f"{line} #{shared_counts[line]}\n"
                                      for line in sorted(shared_counts)]).encode())
                    ft.write(text.encode())
                    net += len(gained) - len(lost)
                    n_spliced += 1
                    if added is not None:
                        added += gained
                        removed += lost
                    continue
                counts = _subject_counts(s, old, shared, before, fmt)
                n_before = len(counts)
                for line, n in delta:
                    c = counts.get(line, 0) + n
                    if c > 0:
                        if added is not None and line not in counts:
                            added.append(line)
                        counts[line] = c
                    elif line in counts:
                        del counts[line]
                        if removed is not None:
                            removed.append(line)
                net -= n_before
            if counts:
                net += len(counts)
                lines = sorted(counts)
                fs.write("".join([f"{line} #{counts[line]}\n" for line in lines if counts[line] > 1]).encode())
                text = block(s, lines)
                if text is not None:
                    ft.write(text.encode())
        S.copy_rest()
        T.copy_rest()
    finally:
        fs.close()
        ft.close()
        S.close()          # after the writers: they copy from these files
        T.close()
    fs.check()
    ft.check()
    triples = net if clean else (old_triples or 0) + net
    return {"triples": triples, "changed_subjects": n_changed, "spliced": n_spliced}


def _subject_counts(subject: str, block: bytes, shared: bytes, before: BNodeIndex, fmt: Formatter) -> dict[str, int]:
    """The lines of ``subject`` in the old graph with their counts: its block's lines, its lines
    with blank nodes, and the counts above one from the counts file."""
    counts: dict[str, int] = {}
    if block:
        counts = dict.fromkeys(parse_block(block.decode("utf-8"), fmt)[1], 1)
    for line in before.lines_of(subject):
        counts[line] = before.counts[line]
    if shared:
        counts.update(_counts_of(shared))
    return counts


_LIST_SEP = " ,\n        "     # between the objects of a list of three or more (Formatter._format)


def _splice_lists(subject: str, text: str, shared: bytes, delta: list, fmt: Formatter):
    """``subject``'s block ``text`` with ``delta`` applied as text edits, or None when it cannot be.

    It can when every changed line adds or removes an IRI in a list of three objects or more
    that keeps three or more: the lists that grow with a corpus (the evidence of a province,
    of a task that every county names). Such a list holds IRIs only, one per line, sorted by
    IRI, so each change is a bisection that expands a few of its terms, and a block of
    thousands of lines is neither parsed nor formatted again. Returns ``(text, counts of the
    subject's lines asserted more than once, lines added, lines removed)``; the other lines of
    the block and their counts stay as they are.
    """
    by_pred: dict[str, list] = {}
    for line, n in delta:
        if "_:" in line or "\\" in line:
            return None
        _s, p, o = split_line(line)
        if o[0] != "<":
            return None
        by_pred.setdefault(p, []).append((o, line, n))
    counts = _counts_of(shared) if shared else {}
    lead = fmt.term(subject) + " "
    gained, lost = [], []
    expanded: dict[str, str] = {}

    def iri(tok: str) -> str:
        v = expanded.get(tok)
        if v is None:
            v = expanded[tok] = expand_term(tok)[1:-1]
        return v

    for p, changes in by_pred.items():
        head = fmt._pred_info(p)[1]
        if text.startswith(lead + head):
            start = len(lead) + len(head)
        else:
            i = text.find("\n    " + head)
            if i < 0:
                return None
            start = i + 5 + len(head)
        end = text.find(" ;\n", start)
        if end < 0:
            end = len(text) - 3            # the block's last predicate: up to " .\n"
        body = text[start:end]
        if '"' in body or "_:" in body or "\\" in body:
            return None
        objs = body.split(_LIST_SEP)
        if len(objs) < 3 or not all(":" in o for o in objs):    # no bare literal (4, true) either
            return None
        for o, line, n in changes:
            key = o[1:-1]
            lo, hi = 0, len(objs)
            while lo < hi:
                mid = (lo + hi) // 2
                if iri(objs[mid]) < key:
                    lo = mid + 1
                else:
                    hi = mid
            present = lo < len(objs) and iri(objs[lo]) == key
            c = (counts.get(line, 1) if present else 0) + n
            if c > 1:
                counts[line] = c
            else:
                counts.pop(line, None)
            if c > 0 and not present:
                objs.insert(lo, fmt.term(o))
                gained.append(line)
            elif c <= 0 and present:
                del objs[lo]
                lost.append(line)
        if len(objs) < 3:
            return None
        text = text[:start] + _LIST_SEP.join(objs) + text[end:]
    return text, counts, gained, lost


def _with_also(groups, also):
    if not also:
        yield from groups
        return
    extra = iter(also)
    nxt = next(extra, None)
    for s, changes in groups:
        ks = subject_key(s)
        while nxt is not None and subject_key(nxt) < ks:
            yield nxt, []
            nxt = next(extra, None)
        if nxt == s:
            nxt = next(extra, None)
        yield s, changes
    while nxt is not None:
        yield nxt, []
        nxt = next(extra, None)


def lines_of_turtle(path, chunk: int = 1 << 22) -> Iterator[str]:
    """The N-Triples lines of a ``graph.ttl`` that policykg wrote, block by block, in its order.

    Objects written inline as lists are left out (see
    :func:`~policykg.graph.turtle_lines.parse_block`): add the lines of the blank-node index.
    """
    head = len(header().encode())
    with open(path, "rb") as f:
        f.seek(head)
        rest = b""
        while True:
            data = f.read(chunk)
            text = rest + data
            if not data:
                if text.strip():
                    for block in _BLOCK_START.split(text.decode("utf-8")):
                        yield from parse_block(block)[1]
                return
            cut = text.rfind(b"\n", 0, len(text) - 1)
            while cut > 0 and text[cut + 1:cut + 2] in (b" ", b""):     # a block goes on after this line
                cut = text.rfind(b"\n", 0, cut)
            if cut <= 0:
                rest = text
                continue
            rest = text[cut + 1:]
            for block in _BLOCK_START.split(text[:cut + 1].decode("utf-8")):
                yield from parse_block(block)[1]


_BLOCK_START = re.compile(r"(?<=\n)(?=\S)")


# ----------------------------------------------------------------------------- clean builds in partitions

class Partitions:
    """The lines of a whole corpus, routed by subject into key ranges on disk.

    The first ``sample`` lines decide the boundaries (quantiles of their subjects, line by line); every line
    then goes to the file of its range. Each range is later sorted, counted and formatted on its
    own (:func:`write_partition`), in parallel, and the pieces are concatenated in order: the
    global order of the union and of ``graph.ttl`` is the order of the ranges.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> p = Partitions(d, parts=4, sample=3)
    >>> p.add(['<a:3> <a:p> "x" .', '<a:1> <a:p> "x" .', '<a:2> <a:p> "x" .', '<a:3> <a:p> "x" .'])
    >>> p.add(['<a:0> <a:p> "y" .', '<a:9> <a:p> "y" .'])
    >>> [sorted(read_partition(f)) for f in p.close()]
    [['<a:0> <a:p> "y" .', '<a:1> <a:p> "x" .'], ['<a:2> <a:p> "x" .'], ['<a:3> <a:p> "x" .', '<a:3> <a:p> "x" .', '<a:9> <a:p> "y" .']]
    """

    def __init__(self, tmpdir, *, parts: int = 256, sample: int = 200_000, buffer: int = 200_000):
        self.dir = Path(tmpdir)
        self.parts = parts
        self.sample = sample
        self.buffer = buffer
        self.pending: list[str] = []
        self.bounds: list[str] | None = None
        self.bufs: list[list[str]] = []
        self.buffered = 0
        self.paths: list[Path] = []

    def add(self, lines: list[str]) -> None:
        """One document's lines, sorted (as :func:`~policykg.graph.nquads.document_lines` gives them)."""
        if self.bounds is None:
            self.pending.extend(lines)
            if len(self.pending) >= self.sample:
                self._decide()
            return
        self._route(lines)

    def _decide(self) -> None:
        # quantiles of the lines, not of the distinct subjects: the subjects that every document repeats
        # (a campaign, its formulations and items, the provinces) get narrow ranges. By distinct subjects,
        # one range of 256 held 6.7 million lines at 100,000 articles (1.36 GB of N-Quads; the median: 33 MB), and the
        # worker that formatted it took 3.4 GB.
        keys = sorted([line[:line.index(" ") + 1] for line in self.pending])
        step = max(1, len(keys) // self.parts)
        self.bounds = sorted(set(keys[step::step]))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.paths = [self.dir / f"part-{i:04d}.nt" for i in range(len(self.bounds) + 1)]
        for p in self.paths:
            p.write_bytes(b"")
        self.bufs = [[] for _ in self.paths]
        pending, self.pending = self.pending, []
        pending.sort()          # the lines of several documents: route() takes sorted lines
        self._route(pending)

    def _route(self, lines: list[str]) -> None:
        self.add_routed(route(lines, self.bounds), len(lines))

    def add_routed(self, parts: list[tuple[int, bytes]], n: int) -> None:
        """Lines already routed by :func:`route` (``n`` of them), as a worker sends them."""
        bufs = self.bufs
        for i, data in parts:
            bufs[i].append(data)
        self.buffered += n
        if self.buffered >= self.buffer:
            self._flush()

    def _flush(self) -> None:
        for path, buf in zip(self.paths, self.bufs):
            if buf:
                with open(path, "ab") as f:
                    f.write(b"".join(buf))
                buf.clear()
        self.buffered = 0

    def close(self) -> list:
        """The partitions in key order: file paths, or one list of lines when the corpus was small."""
        if self.bounds is None:
            return [self.pending]
        self._flush()
        return list(self.paths)


def route(lines: list[str], bounds: list[str]) -> list[tuple[int, bytes]]:
    """Sorted lines, cut into the partitions of their subjects' keys (see :class:`Partitions`):
    ``[(partition, N-Triples as UTF-8), …]``.

    Keys are in line order, so the cuts are found by bisection: the cost grows with the
    partitions a document spans, not with its lines.

    >>> route(['<a:1> <a:p> "x" .', '<a:5> <a:p> "y" .'], ["<a:3> "])
    [(0, b'<a:1> <a:p> "x" .\\n'), (1, b'<a:5> <a:p> "y" .\\n')]
    """
    from bisect import bisect_left, bisect_right
    if not lines:
        return []
    out = []
    i = bisect_right(bounds, lines[0])
    last = bisect_right(bounds, lines[-1])
    start = 0
    while True:
        end = len(lines) if i == last else bisect_left(lines, bounds[i], start)
        if end > start:
            out.append((i, ("\n".join(lines[start:end]) + "\n").encode("utf-8")))
        if i == last:
            return out
        start, i = end, i + 1


def read_partition(part) -> list[str]:
    if isinstance(part, list):
        return part
    data = Path(part).read_bytes().decode("utf-8")
    return data.split("\n")[:-1] if data else []


_BNODES: dict = {}


def _bnode_index(path) -> BNodeIndex:
    """The blank-node index of a build, read once per process."""
    key = str(path)
    idx = _BNODES.get(key)
    if idx is None:
        _BNODES.clear()
        idx = _BNODES[key] = BNodeIndex(dict(read_counted(path)))
    return idx


def write_partition(part, bnodes_path, counts_out, turtle_out, plain_out=None) -> int:
    """Sort, count and format one partition into its pieces of the counts and of the Turtle; its triple count.

    ``part`` is a partition file or a list of lines; ``bnodes_path`` the blank-node index of
    the whole graph (``line #count``, as in ``bnodes.tsv``). With ``plain_out``, the distinct
    lines without a blank node are also written there as N-Triples (for a store to load).
    """
    lines = read_partition(part)
    lines.sort()
    # equal lines are neighbours: a line unlike the one before is new, one like the one after repeats
    distinct = [line for line, before in zip(lines, [None] + lines) if line != before]
    repeats = collections.Counter([line for line, after in zip(lines, lines[1:]) if line == after])
    shared = "".join([f"{line} #{n + 1}\n" for line, n in repeats.items()])
    del lines
    fmt = Formatter(_bnode_index(bnodes_path) if bnodes_path is not None else BNodeIndex())
    with open(counts_out, "wb") as fc:
        fc.write(shared.encode("utf-8"))
    with open(turtle_out, "wb") as ft:
        parts: list[str] = []
        size = 0
        for text in fmt.blocks(distinct):
            parts.append(text)
            size += len(text)
            if size > 1 << 22:
                ft.write("".join(parts).encode("utf-8"))
                parts, size = [], 0
        ft.write("".join(parts).encode("utf-8"))
    if plain_out is not None:
        with open(plain_out, "wb") as fp:
            fp.write("".join([line + "\n" for line in distinct
                              if "_:" not in line or not is_bnode_line(line)]).encode("utf-8"))
    return len(distinct)


def concatenate(pieces: Iterable, out, *, head: bytes = b"") -> None:
    """Write ``head`` and then the files ``pieces`` one after the other into ``out``."""
    with open(out, "wb") as f:
        f.write(head)
        for piece in pieces:
            with open(piece, "rb") as src:
                copy_bytes(src.fileno(), f, 0, os.fstat(src.fileno()).st_size)
