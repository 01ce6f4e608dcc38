"""An input article as text: decoded, stripped of page chrome, with its metadata.

:class:`Document` is what every extractor reads. Its ``text`` is the article
(title line, publish line, body) that fact spans index; its ``id`` is a hash of
that text. Content and paths are separate doors: :meth:`Document.from_text`,
:meth:`Document.from_html`, :meth:`Document.from_bytes`, :meth:`Document.from_path`.

What is kept in ``text``: the title line, the publish line(s) (date, 来源) and
the body. They are part of the annotated article, so keeping them keeps every
offset an offset into what a reader sees. Page chrome (logo, login, share and
font-size links, 原标题 / 阅读原文 / disclaimer tails, ICP and © footers, editor
and reviewer credits) is removed line by line with the rules in
:file:`rules/chrome.tsv`. Lines lose their leading indentation (spaces,
full-width spaces, &emsp;, nbsp) and trailing spaces, line ends become ``\\n``
and runs of blank lines become one blank line; nothing inside a line changes.
Markdown ATX heading markers (``# ``) are removed from heading lines, like
indentation; everything else in a Markdown line is kept as written.

>>> doc = Document.from_text("澎湃Logo\\n标题：会议召开\\n\\n2021-03-05 13:10\\n来源:某县融媒\\n\\n会议指出，要抓落实。\\n阅读原文\\n")
>>> print(doc.text)
标题：会议召开
<BLANKLINE>
2021-03-05 13:10
来源:某县融媒
<BLANKLINE>
会议指出，要抓落实。
<BLANKLINE>
>>> doc.title, doc.published, doc.publisher, doc.year
('标题：会议召开', '2021-03-05T13:10', '某县融媒', 2021)

Hostile and damaged input
-------------------------
Every refusal is an :class:`~policykg.extract.errors.InputError` whose message
names the source and the reason (empty file, only whitespace, binary file
(PNG image), not UTF-8 and not GB18030, file too large, article text too long,
no article body found, permission denied, symbolic link loop…). What is
repaired instead of refused is listed in ``Document.warnings``:

- a few invalid bytes in otherwise good UTF-8 (a scraper cut a character in
  two, a stray Latin-1 byte) become U+FFFD, when they are at most one in
  twenty of the non-ASCII characters (text in another encoding has far more);
  more than that, and GB18030 is tried;
- control characters, which no article needs and XML 1.0 (hence RDF/XML)
  cannot carry, are removed (form feed, vertical tab, NEL and the Unicode
  line and paragraph separators become line breaks, so that every line-based
  tool sees the same lines); lone surrogates, which UTF-8 cannot encode,
  become U+FFFD;
  U+FFFE and U+FFFF are removed. After this, every Document's text and
  metadata can be written as UTF-8 Turtle, N-Triples, JSON-LD and RDF/XML.
- titles and publishers are one line: runs of white space become one space.

Size is bounded before any work is done: input over ``max_bytes``
(:data:`MAX_BYTES`, 64 MiB) is refused unread, and an article whose cleaned
text is over ``max_chars`` (:data:`MAX_CHARS`, one million characters, about
a hundred times a long government work report) is refused before extraction.
Pass ``None`` to lift either limit.

>>> cut = "会议指出，要抓好学习教育、查纠整改、总结提升三个环节。".encode("utf-8")[:-1]
>>> doc = Document.from_bytes(cut, source="cut.txt")
>>> doc.text.endswith("三个环节\\ufffd\\n"), doc.warnings
(True, ('1 invalid UTF-8 byte sequence(s) replaced with U+FFFD (first at byte 78)',))
>>> Document.from_text("会议\\x00指出，\\x0c要抓落实。", title="标题\\n第二行").title
'标题 第二行'
"""
from __future__ import annotations

import codecs
import datetime
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import InputError, InputNotFound
from .rulefile import read_table

CHROME_RULES = Path(__file__).with_name("rules") / "chrome.tsv"
CHROME_KINDS = ("drop", "stop", "published", "publisher")
MEDIA_TYPES = ("text/plain", "text/markdown", "text/html")
SUFFIX_MEDIA_TYPES = {
    ".txt": "text/plain", ".text": "text/plain",
    ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html", ".xhtml": "text/html", ".shtml": "text/html",
}

# Leading indentation: any Unicode space (incl. U+3000, &emsp; U+2003, nbsp) and a stray BOM.
_LEAD = re.compile(r"^[\s\ufeff]+")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# A publish/来源 line is short and is not a sentence.
_SENTENCE = re.compile(r"[。，,；;！!？?]")
_META_LINE_MAX = 80
_TITLE_MAX = 80
_HEAD_LINES = 5
# A line that shows the body has begun (after which a ``stop`` rule ends the article).
_BODY_LINE = re.compile(r"[。！？!?]|^.{61,}")
_HTML_SNIFF = re.compile(
    rb"^(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html|head|body|meta|title|div|article|section|p|table"
    rb"|\?xml[^>]*>\s*<(?:!doctype\s+)?html)\b",
    re.I | re.S)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"), (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"), (b"\xd0\xcf\x11\xe0", "OLE document (old Office format)"),
    (b"\x7fELF", "executable"), (b"BZh", "bzip2 archive"), (b"7z\xbc\xaf'\x1c", "7z archive"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# What XML 1.0 cannot carry or UTF-8 cannot encode, and controls no article needs.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_AS_NEWLINE = {"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"}
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE_RUN = re.compile(r"\s+")

MAX_BYTES = 64 * 1024 * 1024
"""Inputs larger than this many bytes are refused unread (``max_bytes=None`` lifts it)."""
MAX_CHARS = 1_000_000
"""Articles whose cleaned text is longer than this are refused (``max_chars=None`` lifts it)."""
_UTF8_DAMAGE = 20  # at most one invalid UTF-8 sequence per this many non-ASCII characters


@dataclass(frozen=True)
class Document:
    """One article: ``text`` (chrome removed) that every fact span indexes, and its metadata."""

    text: str = field(repr=False)  # the article text every fact span indexes
    id: str                        # first 16 hex chars of sha256(text, UTF-8)
    source: str | None = None      # path as given, URL, JSONL "file:line", or "<stdin>"
    title: str | None = None
    published: str | None = None   # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"
    publisher: str | None = None   # 来源 / ContentSource / site name
    url: str | None = None         # canonical URL when known
    encoding: str | None = None    # the encoding actually used
    media_type: str = "text/plain"  # one of MEDIA_TYPES
    warnings: tuple[str, ...] = ()  # what reading repaired (invalid bytes, control characters)

    @property
    def year(self) -> int | None:
        """The year of ``published``, or None."""
        return int(self.published[:4]) if self.published else None

    # -- constructors ----------------------------------------------------------

    @classmethod
    def from_text(cls, text: str, *, source=None, title=None, published=None, url=None,
                  publisher=None, media_type: str = "text/plain", encoding=None,
                  max_chars: int | None = MAX_CHARS, warnings=()) -> "Document":
        """A plain-text (or Markdown) article; keyword values win over what the text says.

        ``max_chars`` bounds the cleaned text (None: no bound); ``warnings`` are notes made
        earlier (by :func:`decode`) to keep in ``Document.warnings``.

        >>> Document.from_text("会议召开\\n\\n2021-03-05\\n\\n会议强调，要抓落实。", published="2021-03-06").published
        '2021-03-06'
        """
        if media_type not in ("text/plain", "text/markdown"):
            raise ValueError(f"from_text takes text/plain or text/markdown, not {media_type!r}")
        source = display_source(source)
        notes = list(warnings)
        text = safe_text(text, notes)
        lines = clean_lines(text, markdown=media_type == "text/markdown", limit=max_chars)
        if not any(lines):
            raise InputError("no article text (empty, or only page chrome)", source=source)
        _check_length(lines, max_chars, source, len(text))
        found = read_head(lines)
        return cls._make(lines, source=source, media_type=media_type, encoding=encoding,
                         title=one_line(title) or found["title"],
                         published=_explicit_date(published, source) or found["published"],
                         publisher=one_line(publisher) or found["publisher"], url=one_line(url),
                         warnings=tuple(notes))

    @classmethod
    def from_html(cls, html: str, *, source=None, published=None, url=None,
                  encoding=None, max_chars: int | None = MAX_CHARS, warnings=()) -> "Document":
        """An HTML page: its title, publish line and body; meta tags give the metadata.

        Raises :class:`InputError` when the page holds no article body.
        """
        from .html import parse_html

        source = display_source(source)
        notes = list(warnings)
        html = safe_text(html, notes)
        parts = parse_html(html, source=source)
        notes.extend(parts.warnings)
        rules = chrome_rules()
        head: list[str] = []
        if parts.title:
            head += [safe_text(parts.title), ""]
        info = " ".join(safe_text(s) for s in parts.info
                        if _line_rule(s, rules, kinds=("drop", "stop")) is None)
        if info:
            head += [info, ""]
        body = clean_lines(safe_text("\n\n".join(parts.blocks)))
        if not any(body):
            raise InputError("no article body found", source=source)
        lines = clean_lines("\n".join(head)) + [""] + body if head else body
        lines = _collapse(lines)
        _check_length(lines, max_chars, source, sum(map(len, parts.blocks)))
        found = read_head(lines)
        return cls._make(
            lines, source=source, media_type="text/html", encoding=encoding,
            title=(one_line(parts.meta_title) or one_line(parts.title) or one_line(parts.page_title)
                   or found["title"]),
            published=(_explicit_date(published, source) or normalise_date(parts.published or "")
                       or found["published"]),
            publisher=one_line(parts.publisher) or found["publisher"] or one_line(parts.site),
            url=one_line(url) or one_line(parts.url), warnings=tuple(notes))

    @classmethod
    def from_bytes(cls, data: bytes, *, source=None, media_type=None, published=None,
                   max_bytes: int | None = MAX_BYTES, max_chars: int | None = MAX_CHARS) -> "Document":
        """Decode bytes (see :func:`decode`) and read them as ``media_type`` (sniffed when None)."""
        if media_type is not None and media_type not in MEDIA_TYPES:
            raise ValueError(f"media_type must be one of {', '.join(MEDIA_TYPES)}, not {media_type!r}")
        source = display_source(source)
        if max_bytes is not None and len(data) > max_bytes:
            raise InputError(_too_large(len(data), max_bytes), source=source)
        if media_type is None:
            media_type = "text/html" if looks_like_html(data) else "text/plain"
        notes: list[str] = []
        text, encoding = decode(data, source, media_type=media_type, warnings=notes)
        if media_type == "text/html":
            return cls.from_html(text, source=source, published=published, encoding=encoding,
                                 max_chars=max_chars, warnings=notes)
        return cls.from_text(text, source=source, published=published, media_type=media_type,
                             encoding=encoding, max_chars=max_chars, warnings=notes)

    @classmethod
    def from_path(cls, path, *, published=None, max_bytes: int | None = MAX_BYTES,
                  max_chars: int | None = MAX_CHARS) -> "Document":
        """Read a file: .txt, .md, .html/.htm by suffix, anything else sniffed.

        The file is refused unread when it is larger than ``max_bytes``.
        """
        source = display_source(path)
        data = read_input(path, source=source, max_bytes=max_bytes)
        suffix = Path(os.fsdecode(path)).suffix.lower()
        return cls.from_bytes(data, source=source, media_type=SUFFIX_MEDIA_TYPES.get(suffix),
                              published=published, max_bytes=max_bytes, max_chars=max_chars)

    @classmethod
    def _make(cls, lines: list[str], **kw) -> "Document":
        text = "\n".join(lines) + "\n"
        return cls(text=text, id=content_id(text), **kw)


# -- reading files and making text safe -------------------------------------------

def read_input(path, *, source=None, max_bytes: int | None = MAX_BYTES) -> bytes:
    """The bytes of the file at ``path``, at most ``max_bytes`` of them, or an :class:`InputError`.

    Directories, broken links, symbolic-link loops, unreadable and oversized
    files are refused with the reason; an oversized regular file is refused
    before it is read. Pipes and devices named explicitly are read, up to the limit.

    >>> read_input("/nonexistent/a.txt")
    Traceback (most recent call last):
    ...
    policykg.extract.errors.InputNotFound: /nonexistent/a.txt: no such file
    """
    source = display_source(path) if source is None else source
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        if os.path.islink(path):
            raise InputNotFound("broken symbolic link (its target does not exist)", source=source) from e
        raise InputNotFound("no such file", source=source) from e
    except PermissionError as e:
        raise InputError("permission denied (a directory on its path cannot be searched)",
                         source=source) from e
    except OSError as e:
        raise InputError(_os_reason(e), source=source) from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, not a file", source=source)
    if max_bytes is not None and stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
        raise InputError(_too_large(st.st_size, max_bytes), source=source)
    try:
        with open(path, "rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except PermissionError as e:
        raise InputError("permission denied", source=source) from e
    except IsADirectoryError as e:
        raise InputError("is a directory, not a file", source=source) from e
    except OSError as e:
        raise InputError(_os_reason(e), source=source) from e
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(_too_large(None, max_bytes), source=source)
    return data


def _os_reason(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if e.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return f"cannot read: {e.strerror or e}"


def _too_large(size: int | None, limit: int) -> str:
    what = f"{size:,} bytes" if size is not None else "more bytes"
    return (f"file too large: {what}, over the limit of {limit:,} bytes ({limit / 2**20:.0f} MiB); "
            "split it into articles, or raise the limit (max_bytes)")


def _check_length(lines: list[str], max_chars: int | None, source, raw: int) -> None:
    if max_chars is None:
        return
    if sum(len(x) + 1 for x in lines) > max_chars:
        raise InputError(f"article text too long: more than {max_chars:,} characters, the limit "
                         f"({raw:,} characters before cleaning); split it into articles, "
                         "or raise the limit (max_chars)", source=source)


def safe_text(text: str, warnings: list | None = None) -> str:
    """``text`` without what XML 1.0 cannot carry or UTF-8 cannot encode.

    Control characters other than tab, line feed and carriage return are removed
    (vertical tab, form feed, NEL and U+2028 LINE SEPARATOR become line feeds,
    U+2029 PARAGRAPH SEPARATOR a blank line), lone surrogates become U+FFFD and
    U+FFFE/U+FFFF are removed. When ``warnings`` is a list, what was changed
    (not the line breaks) is appended to it.

    >>> safe_text("a\\x00b\\x0cc\\ud800d\\x7f")
    'ab\\nc\\ufffdd'
    """
    if not _UNSAFE.search(text):
        return text
    removed = surrogates = 0

    def fix(m) -> str:
        nonlocal removed, surrogates
        c = m.group()
        if c in _AS_NEWLINE:
            return _AS_NEWLINE[c]
        if "\ud800" <= c <= "\udfff":
            surrogates += 1
            return "\ufffd"
        removed += 1
        return ""

    out = _UNSAFE.sub(fix, text)
    if warnings is not None:
        if removed:
            warnings.append(f"{removed} control character(s) removed")
        if surrogates:
            warnings.append(f"{surrogates} lone surrogate(s) replaced with U+FFFD")
    return out


def one_line(value) -> str | None:
    """A metadata value as one safe line (white space runs become one space), or None when blank.

    >>> one_line(" 某县\\n融媒\\x00 "), one_line("\\t")
    ('某县 融媒', None)
    """
    if value is None:
        return None
    value = _SPACE_RUN.sub(" ", safe_text(str(value))).strip()
    return value or None


def display_source(source) -> str | None:
    """``source`` as one printable line: bytes that are not UTF-8, and control characters, as escapes.

    >>> display_source(os.fsdecode(b"\\xbb\\xe1.txt")), display_source(b"a b.txt")
    ('\\\\xbb\\\\xe1.txt', 'a b.txt')
    """
    if source is None:
        return None
    if isinstance(source, (bytes, bytearray)):
        source = os.fsdecode(bytes(source))
    elif not isinstance(source, str):
        source = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
        if isinstance(source, bytes):
            source = os.fsdecode(source)
    if _UNPRINTABLE.search(source):
        try:
            raw = source.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = source.encode("utf-8", "backslashreplace")
        source = raw.decode("utf-8", "backslashreplace")
        source = re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: repr(m.group())[1:-1], source)
    return source


def content_id(text: str) -> str:
    """First 16 hex digits of the SHA-256 of ``text`` in UTF-8.

    >>> content_id("会议")
    '63d30f1a037d0771'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- decoding -------------------------------------------------------------------

def looks_like_html(data: bytes | str) -> bool:
    """Whether the start of a file is an HTML document."""
    head = data[:2048] if isinstance(data, bytes) else data[:2048].encode("utf-8", "replace")
    for bom in (codecs.BOM_UTF8,):
        if head.startswith(bom):
            head = head[len(bom):]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            head = data[:4096].decode("utf-16", "ignore").encode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            return False
    return bool(_HTML_SNIFF.match(head))


def decode(data: bytes, source=None, *, media_type: str | None = None,
           warnings: list | None = None) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``.

    Order: a byte-order mark (UTF-8 → ``utf-8-sig``, UTF-16 → ``utf-16``);
    strict UTF-8; for HTML, the charset the page declares, if it decodes;
    UTF-8 with its few invalid sequences replaced by U+FFFD (at most one per
    twenty non-ASCII characters: a character cut in two, a stray byte);
    strict GB18030 (a superset of GBK and GB2312). Empty, whitespace-only,
    binary and undecodable input raise :class:`InputError` naming ``source``.
    What was replaced is appended to ``warnings`` when it is a list.

    >>> decode("会议".encode("gb18030"), "a.txt")
    ('会议', 'gb18030')
    >>> notes = []
    >>> decode("会议指出，要抓好学习教育、查纠整改、总结提升。".encode("utf-8") + b"\\xff", "b.txt", warnings=notes)
    ('会议指出，要抓好学习教育、查纠整改、总结提升。\ufffd', 'utf-8')
    >>> notes
    ['1 invalid UTF-8 byte sequence(s) replaced with U+FFFD (first at byte 69)']
    """
    if not data:
        raise InputError("empty file", source=source)
    notes: list[str] = []
    text = encoding = None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text, encoding = _with_bom(data, "utf-32", source, notes), "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        text, encoding = _with_bom(data, "utf-8-sig", source, notes), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _with_bom(data, "utf-16", source, notes), "utf-16"
    else:
        _refuse_binary(data, source)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            first_error = e.start
            if media_type == "text/html" or (media_type is None and looks_like_html(data)):
                text, encoding = _declared(data)
            if text is None:
                text = _damaged(data, "utf-8", first_error, notes)
                encoding = "utf-8" if text is not None else None
            if text is None:
                try:
                    text, encoding = data.decode("gb18030"), "gb18030"
                except UnicodeDecodeError as gb:
                    raise InputError(
                        f"not UTF-8 (invalid byte 0x{data[first_error]:02x}) and not GB18030 "
                        f"either (invalid from byte {gb.start})", source=source, offset=first_error) from e
    if not text or text.isspace():
        raise InputError("only whitespace", source=source)
    controls = sum(1 for _ in _CONTROL.finditer(text))
    if controls and controls > len(text) // 100:
        raise InputError(f"binary data: {controls} control characters", source=source)
    if warnings is not None:
        warnings.extend(notes)
    return text, encoding


def _damaged(data: bytes, encoding: str, first_error: int, notes: list) -> str | None:
    """``data`` decoded with U+FFFD for its invalid sequences, if they are few; else None."""
    text = data.decode(encoding, "replace")
    name = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
    genuine = data.count(b"\xef\xbf\xbd") if encoding.startswith("utf-8") else 0
    bad = text.count("\ufffd") - genuine
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - bad
    if bad <= 0 or bad * _UTF8_DAMAGE > non_ascii:
        return None
    notes.append(f"{bad} invalid {name} byte sequence(s) replaced with U+FFFD (first at byte {first_error})")
    return text


def _with_bom(data: bytes, encoding: str, source, notes: list) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        text = _damaged(data, encoding, e.start, notes)
        if text is None:
            raise InputError(f"invalid {encoding} despite its byte-order mark", source=source,
                             offset=e.start) from e
        return text


def _refuse_binary(data: bytes, source) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary file ({what}), not text", source=source)
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise InputError("binary file (NUL byte), not text", source=source, offset=nul)


def _declared(data: bytes) -> tuple[str | None, str | None]:
    m = _CHARSET.search(data[:8192])
    if not m:
        return None, None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None, None
    try:
        return data.decode(name), name
    except UnicodeDecodeError:
        return None, None


# -- chrome and metadata -------------------------------------------------------

@dataclass(frozen=True)
class ChromeRule:
    id: str
    kind: str
    pattern: re.Pattern


def _check_rule(row: dict) -> str | None:
    kind, pattern = row["kind"], row["pattern"]
    try:
        groups = re.compile(pattern).groupindex
    except re.error:
        return None  # reported by the regex column check
    if kind == "published" and not {"y", "m", "d"} <= set(groups):
        return "a published pattern needs the named groups y, m and d"
    if kind == "publisher" and "value" not in groups:
        return "a publisher pattern needs the named group value"
    return None


@lru_cache(maxsize=None)
def chrome_rules(path: str | None = None) -> tuple[ChromeRule, ...]:
    """Load and validate :file:`rules/chrome.tsv` (once)."""
    rows = read_table(path or CHROME_RULES, required=("kind", "pattern"), optional=("note",),
                      choices={"kind": CHROME_KINDS}, regex=("pattern",), check=_check_rule)
    return tuple(ChromeRule(r["id"], r["kind"], re.compile(r["pattern"])) for r in rows)


def _line_rule(line: str, rules, kinds=("drop", "stop")) -> ChromeRule | None:
    for r in rules:
        if r.kind in kinds and r.pattern.search(line):
            return r
    return None


def clean_lines(text: str, *, markdown: bool = False, rules=None, limit: int | None = None) -> list[str]:
    """The article's lines: chrome removed, indentation and trailing spaces dropped, blank runs collapsed.

    ``stop`` rules end the article only once body text has begun (a sentence or
    a long line was kept); above the body they drop just their line. With a
    ``limit``, reading stops as soon as the lines kept hold more than ``limit``
    characters (a gigantic input is refused without cleaning all of it).

    >>> clean_lines("  标题\\r\\n\\r\\n\\r\\n\\u3000\\u3000正文。  \\n原标题:《标题》\\n尾巴")
    ['标题', '', '正文。']
    """
    rules = chrome_rules() if rules is None else rules
    if text.startswith("\ufeff"):
        text = text[1:]
    out: list[str] = []
    body = False
    kept = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _LEAD.sub("", raw).rstrip()
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                line = m.group(1)
        if not line:
            out.append("")
            continue
        rule = _line_rule(line, rules)
        if rule is not None:
            if rule.kind == "stop" and body:
                break
            continue
        out.append(line)
        body = body or bool(_BODY_LINE.search(line))
        kept += len(line) + 1
        if limit is not None and kept > limit:
            break
    return _collapse(out)


def _collapse(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def read_head(lines: list[str], rules=None) -> dict:
    """Title, publish date and publisher read from the first lines of cleaned text."""
    rules = chrome_rules() if rules is None else rules
    head = [x for x in lines if x][:_HEAD_LINES]
    title = published = publisher = None
    title_seen = False
    for line in head:
        date = source = None
        if len(line) <= _META_LINE_MAX and not _SENTENCE.search(line):
            date = _match_date(line, rules)
            source = _match_publisher(line, rules)
        published = published or date
        publisher = publisher or source
        if not title_seen and date is None and source is None and len(line.strip()) >= 4:
            # The first substantive line is the title, unless it reads like a paragraph.
            title_seen = True
            if len(line) <= _TITLE_MAX and not line.endswith(("。", "！", "？", "!", "?")):
                title = line
    return {"title": title or None, "published": published, "publisher": publisher}


def _match_publisher(s: str, rules) -> str | None:
    for r in rules:
        if r.kind == "publisher":
            m = r.pattern.search(s)
            if m and m.group("value"):
                return m.group("value")
    return None


def _match_date(s: str, rules) -> str | None:
    for r in rules:
        if r.kind == "published":
            m = r.pattern.search(s)
            if m:
                d = _format_date(m.groupdict())
                if d:
                    return d
    return None


def _format_date(g: dict) -> str | None:
    y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return None
    out = f"{y:04d}-{mo:02d}-{d:02d}"
    if g.get("H") is not None and g.get("M") is not None:
        h, mi = int(g["H"]), int(g["M"])
        if h < 24 and mi < 60:
            out += f"T{h:02d}:{mi:02d}"
    return out


def normalise_date(value: str, rules=None) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` from a date as pages write it, or None.

    >>> normalise_date("2021-03-12T09:30:00+08:00"), normalise_date("2021年3月5日")
    ('2021-03-12T09:30', '2021-03-05')
    """
    value = (value or "").strip()
    if not value:
        return None
    return _match_date(value, chrome_rules() if rules is None else rules)


def _explicit_date(value, source) -> str | None:
    if value is None:
        return None
    d = normalise_date(str(value))
    if d is None:
        raise InputError(f"published {value!r} is not a date such as 2021-03-05 or 2021-03-05T13:10",
                         source=source)
    return d
