"""Bad input through the real command line and the Python API.

Every failure is named with its file and its reason, everything else is built, and the
exit status says which: 0 all documents built; 1 some failed (``OUTDIR/errors.jsonl`` lists
each failure, one JSON object a line); 2 usage error.
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import rdflib

import policykg
from policykg.extract.document import MAX_BYTES, MAX_CHARS, Document
from policykg.extract.errors import InputError

from conftest import FIXTURES

PK = rdflib.Namespace("https://w3id.org/policykg#")
ARTICLE = (FIXTURES / "dev05.txt").read_text(encoding="utf-8")


def cli() -> list[str]:
    """The installed ``policykg`` command beside this Python, else ``python -m policykg.cli``."""
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


def unprivileged(cmd: list[str]) -> list[str]:
    """``cmd`` run so that file permissions apply: as root, without the capabilities that bypass them."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is absent: no way to make a file unreadable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]


def build(inputs, out, *extra, input=None, as_user=False, timeout=600):
    cmd = [*cli(), "build", *map(str, inputs), "-o", str(out), *extra]
    return subprocess.run(unprivileged(cmd) if as_user else cmd, capture_output=True, text=True,
                          input=input, timeout=timeout)


def errors_of(out: Path) -> list[dict]:
    path = out / "errors.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def built_sources(out: Path) -> set[str]:
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    return {str(o) for o in g.objects(None, PK.inputName)}


def variant(n: int) -> str:
    """The fixture article with one more sentence, so each copy is a document of its own."""
    return ARTICLE.rstrip("\n") + f"\n\n会议要求，第{n}项工作要抓紧落实。\n"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00" + bytes(64)


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("article.txt", ARTICLE)
    return buf.getvalue()


def damaged_utf8() -> bytes:
    data = variant(4).encode("utf-8")
    cut = data.index("。".encode("utf-8")) + 3
    return data[:cut] + b"\xff\xfe" + data[cut:]


LONG_OK = 40_000  # characters: longer than a long government work report, still built


def long_article(chars: int) -> str:
    paras, n = [], 0
    while sum(map(len, paras)) < chars:
        n += 1
        paras.append(f"会议指出，第{n}项工作要抓好学习教育、查纠整改、总结提升三个环节，压实责任。")
    return "某县召开长会\n\n" + "\n\n".join(paras) + "\n"


# name -> (what to write, expected): "built", or a regular expression the reason must match.
# The reason is checked in errors.jsonl, which also names the file.
CORPUS = {
    "good.txt": (lambda: variant(1).encode("utf-8"), "built"),
    "good file 中文 带空格.txt": (lambda: variant(2).encode("utf-8"), "built"),
    "gbk no declaration.txt": (lambda: variant(3).encode("gbk"), "built"),
    "utf16 bom.txt": (lambda: variant(5).encode("utf-16"), "built"),
    "damaged utf8.txt": (damaged_utf8, "built"),
    "long but fine.txt": (lambda: long_article(LONG_OK).encode("utf-8"), "built"),
    "empty.txt": (lambda: b"", r"empty file$"),
    "blank.txt": (lambda: b" \n\t\r\n\xe3\x80\x80\n", r"only whitespace$"),
    "photo.txt": (png, r"binary file \(PNG image\), not text$"),
    "archive.txt": (zip_bytes, r"binary file \(ZIP archive \(or an Office document\)\), not text$"),
    "junk.txt": (lambda: random.Random(7).randbytes(4096), r"binary file \(NUL byte\), not text$"),
    "latin1.txt": (lambda: ("Réunion à Genève; décisions adoptées. " * 30).encode("latin-1"),
                   r"not UTF-8 \(invalid byte 0xe9\) and not GB18030 either"),
    "scripts.html": (lambda: ("<html><head><title>x</title><script>var a='会议指出，要抓落实。';</script></head>"
                              "<body><script>document.write('会议强调，要加强领导。')</script>"
                              "<iframe src='/ad'>会议要求</iframe><nav><a>首页</a> <a>新闻中心</a></nav>"
                              "</body></html>").encode("utf-8"), r"no article body found$"),
    "too long.txt": (lambda: long_article(MAX_CHARS + 10).encode("utf-8"),
                     r"article text too long: more than 1,000,000 characters, the limit \([\d,]+ characters before"),
    "huge.txt": (None, r"file too large: 67,108,865 bytes, over the limit of 67,108,864 bytes"),
    "locked.txt": (lambda: variant(6).encode("utf-8"), r"permission denied$"),
}
# given on the command line besides the directory (a directory scan reads only text suffixes)
EXPLICIT = {
    "photo.png": (png, r"binary file \(PNG image\), not text$"),
    "missing.txt": (None, r"no such file$"),
}


def expected_failures(corpus: Path, extra: Path) -> dict[str, str]:
    out = {str(corpus / n): why for n, (_, why) in CORPUS.items() if why != "built"}
    out.update({str(extra / n): why for n, (_, why) in EXPLICIT.items()})
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One build of a directory mixing good and bad files, plus two bad files named explicitly."""
    root = tmp_path_factory.mktemp("batch")
    corpus, extra, out = root / "corpus", root / "extra", root / "out"
    corpus.mkdir()
    extra.mkdir()
    for name, (make, _) in CORPUS.items():
        if make is not None:
            (corpus / name).write_bytes(make())
    with open(corpus / "huge.txt", "wb") as f:  # sparse: the size is real, the disk is not used
        f.truncate(MAX_BYTES + 1)
    (corpus / "locked.txt").chmod(0)
    (extra / "photo.png").write_bytes(png())
    r = build([corpus, extra / "photo.png", extra / "missing.txt"], out, "--no-html", as_user=True)
    (corpus / "locked.txt").chmod(0o644)
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle") if (out / "graph.ttl").exists() else None
    return corpus, extra, out, r, graph


def test_batch_exit_status_is_1(batch):
    r = batch[3]
    assert r.returncode == 1, r.stderr


def test_batch_builds_every_good_document(batch):
    corpus, _, out, _, g = batch
    good = {str(corpus / n) for n, (_, why) in CORPUS.items() if why == "built"}
    assert {str(o) for o in g.objects(None, PK.inputName)} == good
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {d["source"] for d in report["documents"]} == good
    encodings = {Path(d["source"]).name: d["encoding"] for d in report["documents"]}
    assert encodings["gbk no declaration.txt"] == "gb18030"
    assert encodings["utf16 bom.txt"] == "utf-16"
    assert encodings["damaged utf8.txt"] == "utf-8"


def test_batch_errors_jsonl_has_one_line_per_failure(batch):
    corpus, extra, out, _, _ = batch
    errors = errors_of(out)
    expected = expected_failures(corpus, extra)
    assert sorted(e["source"] for e in errors) == sorted(expected)
    for e in errors:
        assert e["error"].startswith(e["source"]), e  # the message names the file
        assert re.search(expected[e["source"]], e["error"]), e
        assert e["kind"] in ("InputError", "InputNotFound")


def test_batch_stderr_says_what_failed(batch):
    corpus, extra, out, r, _ = batch
    for source in expected_failures(corpus, extra):
        assert source in r.stderr
    assert f"{len(expected_failures(corpus, extra))} failed" in r.stderr


@pytest.mark.parametrize("name", [n for n, (_, why) in CORPUS.items() if why != "built"])
def test_each_bad_case_named_with_its_reason(batch, name):
    corpus, _, out, _, _ = batch
    (line,) = [e for e in errors_of(out) if e["source"] == str(corpus / name)]
    assert re.search(CORPUS[name][1], line["error"])


def test_damaged_utf8_is_built_with_replacement_characters(batch):
    corpus, _, out, _, g = batch
    (doc,) = g.subjects(PK.inputName, rdflib.Literal(str(corpus / "damaged utf8.txt")))
    assert str(g.value(doc, PK.text)).count("\ufffd") == 2
    first = damaged_utf8().index(b"\xff")
    direct = Document.from_path(corpus / "damaged utf8.txt")
    assert direct.warnings == (f"2 invalid UTF-8 byte sequence(s) replaced with U+FFFD (first at byte {first})",)


def test_all_good_exits_0_and_removes_a_stale_errors_file(tmp_path):
    (tmp_path / "a.txt").write_text(variant(1), encoding="utf-8")
    (tmp_path / "b.html").write_bytes((FIXTURES / "dev13.html").read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (out / "errors.jsonl").write_text('{"source": "old.txt", "error": "old", "kind": "InputError"}\n')
    r = build([tmp_path / "a.txt", tmp_path / "b.html"], out, "--no-html")
    assert r.returncode == 0, r.stderr
    assert not (out / "errors.jsonl").exists()
    assert built_sources(out) == {str(tmp_path / "a.txt"), str(tmp_path / "b.html")}


def test_every_input_failing_still_exits_1_with_every_failure_listed(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    r = build([tmp_path / "empty.txt", tmp_path / "missing.txt"], out, "--no-html")
    assert r.returncode == 1
    assert [e["source"] for e in errors_of(out)] == [str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")]


@pytest.mark.parametrize("args, message", [
    (["build", "a.txt"], "-o"),                                     # missing -o
    (["build", "a.txt", "-o", "{out}", "--no-such-option"], "unrecognized arguments"),
    (["build", "a.txt", "-o", "{out}", "--published", "yesterday"], "not a date"),
    (["build", "-o", "{out}"], "required"),                         # no input
    (["no-such-command"], "invalid choice"),
])
def test_usage_errors_exit_2_and_write_nothing(tmp_path, args, message):
    (tmp_path / "a.txt").write_text(variant(1), encoding="utf-8")
    out = tmp_path / "out"
    args = [a.format(out=out) for a in args]
    r = subprocess.run([*cli(), *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr
    assert not (out / "graph.ttl").exists()


def test_python_api_records_failures_and_builds_the_rest(tmp_path):
    """The API records failures instead of raising; the same reasons as the command line."""
    (tmp_path / "good.txt").write_text(variant(1), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.txt").write_bytes(png())
    kg = policykg.build([tmp_path / "good.txt", tmp_path / "empty.txt", tmp_path / "photo.txt"])
    assert [d.source for d in kg.documents] == [str(tmp_path / "good.txt")]
    assert [(f.source, f.kind) for f in kg.failures] == [(str(tmp_path / "empty.txt"), "InputError"),
                                                          (str(tmp_path / "photo.txt"), "InputError")]
    assert kg.failures[0].error == f"{tmp_path / 'empty.txt'}: empty file"
    kg.write(tmp_path / "out", html=False)
    assert [e["source"] for e in errors_of(tmp_path / "out")] == [f.source for f in kg.failures]
    with pytest.raises(InputError, match="binary file") as e:
        Document.from_path(tmp_path / "photo.txt")
    assert isinstance(e.value, ValueError)


def test_explicit_symlink_loop(tmp_path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    r = build([tmp_path / "loop.txt"], tmp_path / "out", "--no-html", timeout=120)
    assert r.returncode == 1
    (e,) = errors_of(tmp_path / "out")
    assert e["error"] == f"{tmp_path / 'loop.txt'}: symbolic link loop (too many levels of symbolic links)"


def test_symlink_loops_in_a_directory(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.txt").write_text(variant(1), encoding="utf-8")
    (corpus / "sub" / "good2.txt").write_text(variant(2), encoding="utf-8")
    (corpus / "sub" / "up").symlink_to("..")          # a directory loop
    (corpus / "loop.txt").symlink_to("loop.txt")      # a file that points at itself
    (corpus / "gone.txt").symlink_to("nowhere.txt")   # a broken link
    r = build([corpus], tmp_path / "out", "--no-html", timeout=120)  # must end, whatever it decides
    assert r.returncode in (0, 1), r.stderr
    assert built_sources(tmp_path / "out") == {str(corpus / "good.txt"), str(corpus / "sub" / "good2.txt")}
    reported = {e["source"] for e in errors_of(tmp_path / "out")}
    if reported != {str(corpus / "loop.txt"), str(corpus / "gone.txt")}:
        pytest.xfail("a directory scan skips broken and looping links silently; they should be reported "
                     f"in errors.jsonl (reported: {sorted(reported)})")
    assert r.returncode == 1


def test_file_names_that_are_not_utf8(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = corpus / os.fsdecode("会议 报道.txt".encode("gbk"))   # GBK bytes in a UTF-8 file system
    bad = corpus / os.fsdecode(b"\xff empty.txt")
    good.write_text(variant(1), encoding="utf-8")
    bad.write_bytes(b"")
    out = tmp_path / "out"
    r = build([corpus], out, "--no-html")
    if "UnicodeEncodeError" in r.stderr:
        pytest.xfail("a failure whose file name is not UTF-8 crashes the writing of report.json: "
                     "BuildFailure.source must be display_source(path)")
    assert r.returncode == 1, r.stderr
    shown = str(corpus) + "/\\xbb\\xe1\\xd2\\xe9 \\xb1\\xa8\\xb5\\xc0.txt"
    assert built_sources(out) == {shown}
    assert [e["source"] for e in errors_of(out)] == [str(corpus) + "/\\xff empty.txt"]


# -- JSON Lines and standard input (skipped until the build reads them) -------------------------------

def jsonl_supported(tmp_path) -> bool:
    probe = tmp_path / "probe.jsonl"
    probe.write_text(json.dumps({"text": variant(9)}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = build([probe], tmp_path / "probe-out", "--no-html", timeout=120)
    if r.returncode != 0:
        return False
    g = rdflib.Graph().parse(tmp_path / "probe-out" / "graph.ttl", format="turtle")
    texts = [str(t) for t in g.objects(None, PK.text)]
    return len(texts) == 1 and not texts[0].lstrip().startswith("{")


def test_malformed_jsonl_lines_are_named_by_file_and_line(tmp_path):
    if not jsonl_supported(tmp_path):
        pytest.skip("policykg build does not read JSON Lines yet (a .jsonl file is not one article a line)")
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"text": variant(1), "published": "2021-07-07"}, ensure_ascii=False),   # 1 good
        '{"text": "会议指出，要抓落实。", ',                                                 # 2 not JSON
        json.dumps({"title": "no text"}, ensure_ascii=False),                                # 3 no text
        json.dumps({"text": ""}),                                                            # 4 empty text
        json.dumps(["not", "an", "object"]),                                                 # 5 not an object
        "\x00\x01binary\xff",                                                                # 6 junk
        json.dumps({"text": variant(2)}, ensure_ascii=False),                                # 7 good
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    out = tmp_path / "out"
    r = build([corpus], out, "--no-html")
    assert r.returncode == 1, r.stderr
    errors = errors_of(out)
    where = sorted(int(re.search(rf"{re.escape(str(corpus))}:(\d+)", e["source"] + " " + e["error"]).group(1))
                   for e in errors)
    assert where == [2, 3, 4, 5, 6]
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(set(g.subjects(rdflib.RDF.type, PK.Document))) == 2


def test_binary_on_standard_input(tmp_path):
    probe = build(["-"], tmp_path / "probe", "--no-html", input=variant(1), timeout=120)
    if probe.returncode != 0:
        pytest.skip("policykg build does not read standard input yet (INPUT '-')")
    r = subprocess.run([*cli(), "build", "-", "-o", str(tmp_path / "out"), "--no-html"],
                       input=png(), capture_output=True, timeout=120)
    assert r.returncode == 1
    (e,) = errors_of(tmp_path / "out")
    assert "<stdin>" in e["source"] and "binary file (PNG image)" in e["error"]
