"""What a build reads: files, directories, globs, JSON Lines and standard input, as units of work.

:func:`expand` turns the inputs of a build into :class:`Unit` objects, one per article, in
a fixed order (the order given; directories and globs sorted), together with a
:class:`~policykg.api.BuildFailure` for every input that cannot be read. A unit carries
the raw bytes of its article and a digest of them, so an incremental build can tell an
unchanged article without reading it again, and a worker on another machine needs no
access to the files. :func:`make_document` turns a unit into a
:class:`~policykg.extract.document.Document`.

- a directory is read recursively, following symbolic links to directories once each
  (a link back up the tree is not followed again); files with a text suffix
  (:data:`TEXT_SUFFIXES`) are articles, ``.jsonl``/``.ndjson`` files are JSON Lines;
  links that are broken or loop are reported as failures;
- a pattern with ``*``, ``?`` or ``[`` that names no existing file is a glob (``**`` recurses);
- a JSON Lines file holds one article per line: an object with ``text`` (plain text) or
  ``html`` (a page), and optional ``id``, ``url``, ``title``, ``published``. Its source is
  ``FILE#ID`` when it has an id, else ``FILE:LINE``; failures always name ``FILE:LINE``;
- ``-`` is standard input: one article, or JSON Lines when its first line is such an object.

>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("会议强调，要抓落实。", encoding="utf-8")
>>> _ = (d / "b.jsonl").write_text(json.dumps({"id": "n1", "text": "会议指出，要抓好学习。"}) + "\\n{oops\\n")
>>> [(type(u).__name__, u.source.replace(str(d), "D")) for u in expand([d])]
[('Unit', 'D/a.txt'), ('Unit', 'D/b.jsonl#n1'), ('BuildFailure', 'D/b.jsonl:2')]
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from .extract.document import SUFFIX_MEDIA_TYPES, Document, display_source, one_line, read_input
from .extract.errors import InputError, InputNotFound, PolicyKGError

__all__ = ["Unit", "expand", "make_document", "TEXT_SUFFIXES", "JSONL_SUFFIXES", "failure_of"]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".text", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"
RECORD_FIELDS = ("text", "html", "id", "url", "title", "published")


@dataclass(frozen=True)
class Unit:
    """One article to build: where it comes from, its raw content and the digest of that content."""

    source: str                 # path as given, FILE#ID / FILE:LINE for JSON Lines, <stdin>
    kind: str                   # "file", "record" (JSON Lines), "stdin" or "document"
    digest: str                 # sha256 of the raw content (and of how it is read)
    data: bytes | None = None   # file or stdin bytes
    record: dict | None = None  # a JSON Lines object
    media_type: str | None = None
    where: str | None = None    # FILE:LINE of a record, for messages
    document: Document | None = None
    path: str | None = None     # a file not read yet (see ``expand(lazy=True)``) …
    stat: tuple | None = None   # … with its (size, modification time in ns) when listed

    def without_content(self) -> "Unit":
        return replace(self, data=None, record=None, document=None)

    def without_stat(self) -> "Unit":
        return replace(self, stat=None, path=None) if self.stat is not None else self

    @property
    def loaded(self) -> bool:
        return self.kind != "file" or self.data is not None

    def load(self) -> "Unit":
        """This unit with its file read and its digest computed (raises :class:`InputError`)."""
        if self.loaded:
            return self
        data = read_input(self.path, source=self.source)
        return replace(self, data=data, digest=_file_digest(self.media_type, data))


def failure_of(source, error: Exception):
    """A :class:`~policykg.api.BuildFailure` for ``error``, named by ``source``."""
    from .api import BuildFailure
    return BuildFailure(display_source(source) or "", str(error), type(error).__name__)


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()[:32]


def expand(inputs, *, stdin=None, lazy: bool = False) -> Iterator:
    """Units (and failures) for ``inputs``: paths, directories, globs, ``-``, or Document objects.

    ``stdin`` is the binary stream read for ``-`` (``sys.stdin.buffer`` by default).
    A source that occurs twice is read once. With ``lazy``, files (not JSON Lines) are listed
    with their size and time but not read: :meth:`Unit.load` reads one when it is needed.
    """
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    seen: set[str] = set()
    for item in _expand_paths(inputs, stdin, lazy):
        if isinstance(item, Unit):
            if item.source in seen:
                continue
            seen.add(item.source)
        yield item


def _expand_paths(inputs, stdin, lazy: bool = False) -> Iterator:
    for n, item in enumerate(inputs):
        if isinstance(item, Document):
            yield _document_unit(item, n)
            continue
        if isinstance(item, (bytes, bytearray)):
            item = os.fsdecode(bytes(item))
        name = os.fspath(item)
        if name == STDIN:
            yield from _stdin_units(stdin)
            continue
        p = Path(name)
        if _is_dir(p):
            yield from _walk(p, lazy)
        elif any(ch in name for ch in "*?[") and not os.path.lexists(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                yield failure_of(name, InputNotFound("no file matches this pattern", source=display_source(name)))
            for m in matches:
                mp = Path(m)
                if _is_dir(mp):
                    yield from _walk(mp, lazy)
                else:
                    yield from _file_units(mp, lazy)
        else:
            yield from _file_units(p, lazy)


def _is_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(p).st_mode)
    except (OSError, ValueError):
        return False


def _walk(root: Path, lazy: bool = False) -> Iterator:
    """The article files under ``root``, sorted, each directory visited once."""
    visited: set[tuple[int, int]] = set()
    files: list[str] = []
    failures = []
    suffixes = TEXT_SUFFIXES + JSONL_SUFFIXES

    def visit(d: str):
        try:
            st = os.stat(d)
        except OSError as e:
            failures.append((d, InputError(f"cannot read directory: {e.strerror or e}", source=display_source(d))))
            return
        key = (st.st_dev, st.st_ino)
        if key in visited:      # a link back up the tree, or a second link to the same directory
            return
        visited.add(key)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except PermissionError:
            failures.append((d, InputError("permission denied (cannot list the directory)", source=display_source(d))))
            return
        except OSError as e:
            failures.append((d, InputError(f"cannot read directory: {e.strerror or e}", source=display_source(d))))
            return
        for e in entries:
            path = os.path.join(d, e.name)
            try:
                is_dir = e.is_dir()  # follows links; False for broken and looping ones
            except OSError:
                is_dir = False
            if is_dir:
                visit(path)
            elif os.path.splitext(e.name)[1].lower() in suffixes:
                files.append(path)

    visit(str(root))           # a normalised path (as pathlib writes it): sources name files the same way
    for d, err in failures:
        yield failure_of(d, err)
    for f in sorted(files, key=lambda f: f.split(os.sep)):   # the order of pathlib's parts
        yield from _file_units(f, lazy)


def _file_units(path: Path | str, lazy: bool = False) -> Iterator:
    source = display_source(path)
    suffix = os.path.splitext(os.fsdecode(path))[1].lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_file_units(path, source)
        return
    media_type = SUFFIX_MEDIA_TYPES.get(suffix)
    if lazy:
        try:
            st = os.stat(path)
        except OSError:
            st = None              # read_input words the reason when the file is loaded
        if st is not None and stat.S_ISREG(st.st_mode):
            yield Unit(source=source, kind="file", digest="", media_type=media_type, path=os.fspath(path),
                       stat=(st.st_size, st.st_mtime_ns))
            return
    try:
        data = read_input(path, source=source)
    except PolicyKGError as e:
        yield failure_of(source, e)
        return
    yield Unit(source=source, kind="file", digest=_file_digest(media_type, data), data=data, media_type=media_type)


def _file_digest(media_type, data: bytes) -> str:
    return _digest(b"file", (media_type or "").encode(), data)


def _stdin_units(stream) -> Iterator:
    stream = stream if stream is not None else sys.stdin.buffer
    try:
        data = stream.read()
    except OSError as e:
        yield failure_of("<stdin>", InputError(f"cannot read: {e.strerror or e}", source="<stdin>"))
        return
    if _looks_like_jsonl(data):
        yield from _jsonl_units(data.split(b"\n"), "<stdin>")
        return
    yield Unit(source="<stdin>", kind="stdin", digest=_digest(b"stdin", data), data=data)


def _looks_like_jsonl(data: bytes) -> bool:
    head = data.lstrip()[:1]
    if head != b"{":
        return False
    first = data.lstrip().split(b"\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and ("text" in obj or "html" in obj)


def _jsonl_file_units(path: Path, source: str) -> Iterator:
    """The records of a JSON Lines file, read line by line (the file may be larger than memory)."""
    try:
        if _is_dir(path):
            raise IsADirectoryError(path)
        f = open(path, "rb")
    except OSError:
        try:
            read_input(path, source=source, max_bytes=None)   # the reason, worded as for any file
        except PolicyKGError as e:
            yield failure_of(source, e)
            return
        except OSError as e:
            yield failure_of(source, InputError(f"cannot read: {e}", source=source))
            return
        yield failure_of(source, InputError("cannot read", source=source))
        return
    with f:
        try:
            yield from _jsonl_units(f, source)
        except OSError as e:
            yield failure_of(source, InputError(f"cannot read: {e.strerror or e}", source=source))


def _jsonl_units(lines: Iterable[bytes], source: str) -> Iterator:
    ids: dict[str, int] = {}
    for n, raw in enumerate(lines, 1):
        raw = raw.rstrip(b"\n")
        if not raw.strip():
            continue
        where = f"{source}:{n}"
        try:
            record = _record(raw, where)
            rid = record.get("id")
            if rid is not None:
                rid = str(rid)
                if rid in ids:
                    raise InputError(f"duplicate id {rid!r} (first on line {ids[rid]})", source=where)
                ids[rid] = n
        except PolicyKGError as e:
            yield failure_of(where, e)
            continue
        name = f"{source}#{rid}" if rid is not None else where
        yield Unit(source=name, kind="record", digest=_digest(b"record", name.encode(), raw.rstrip(b"\r")),
                   record=record, where=where)


def _record(raw: bytes, where: str) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 (invalid byte 0x{raw[e.start]:02x} at column {e.start + 1})",
                         source=where) from e
    try:
        record = json.loads(text)
    except ValueError as e:
        raise InputError(f"not a JSON object: {e}", source=where) from e
    if not isinstance(record, dict):
        raise InputError(f"not a JSON object but a JSON {type(record).__name__}", source=where)
    if "text" not in record and "html" not in record:
        raise InputError("no \"text\" or \"html\" field", source=where)
    for k in RECORD_FIELDS:
        v = record.get(k)
        if v is not None and not isinstance(v, str) and not (k == "id" and isinstance(v, int)):
            raise InputError(f"field {k!r} is a JSON {type(v).__name__}, not a string", source=where)
    return record


def _document_unit(doc: Document, n: int) -> Unit:
    source = doc.source or f"<document {doc.id}>"
    fields = "\x00".join(str(x) for x in (doc.text, doc.source, doc.title, doc.published, doc.publisher,
                                           doc.url, doc.encoding, doc.media_type))
    return Unit(source=source, kind="document", digest=_digest(b"document", fields.encode("utf-8", "surrogatepass")),
                document=doc)


def make_document(unit: Unit, *, published: str | None = None) -> Document:
    """The :class:`Document` of a unit (``published`` is the date for articles that give none)."""
    if unit.kind == "document":
        return unit.document
    if unit.kind in ("file", "stdin"):
        return Document.from_bytes(unit.data, source=unit.source, media_type=unit.media_type,
                                   published=published)
    r = unit.record
    where = unit.where
    kw = dict(source=where, published=r.get("published") or published, url=r.get("url"))
    if r.get("text") is not None:
        doc = Document.from_text(r["text"], title=r.get("title"), **kw)
    else:
        doc = Document.from_html(r["html"], **kw)
        if r.get("title"):
            doc = replace(doc, title=one_line(r["title"]))
    return replace(doc, source=unit.source) if unit.source != where else doc


def units_and_failures(inputs, *, stdin=None) -> tuple[list[Unit], list]:
    """:func:`expand` split into its units and its failures (both in input order)."""
    units, failures = [], []
    for item in expand(inputs, stdin=stdin):
        (units if isinstance(item, Unit) else failures).append(item)
    return units, failures


def iter_units(items: Iterable) -> Iterator[Unit]:
    return (u for u in items if isinstance(u, Unit))
