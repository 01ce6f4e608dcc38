"""``policykg push``, and the bulk loader on ``graph.nq.gz``, against a real Virtuoso 7 server (Debian
``virtuoso-opensource``).

The fixture starts ``virtuoso-t`` in the foreground with a database in a temporary
directory, listening on loopback ports only, waits until its SPARQL endpoint answers and
stops it afterwards. The corpus goes over the SPARQL 1.1 Graph Store HTTP Protocol to
``/sparql-graph-crud-auth`` (Digest authentication as ``dba``) and is read back over ``/sparql``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, need_program

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {db}
VADInstallDir = {db}/vad

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def cli() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sparql(base: str, query: str) -> list[dict]:
    url = f"{base}/sparql?" + urllib.parse.urlencode({"query": query, "format": "application/sparql-results+json"})
    with urllib.request.urlopen(url, timeout=60) as r:
        rows = json.load(r)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


SERVERS: dict[str, dict] = {}     # base URL → its SQL port and database directory


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    exe = need_program("virtuoso-t")
    root = tmp_path_factory.mktemp("virtuoso")
    db = root / "db"
    (db / "vsp").mkdir(parents=True)
    (db / "vad").mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(INI.format(db=db, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)], cwd=root, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("virtuoso-t exited at start:\n" + (root / "server.log").read_text(errors="replace")[-2000:])
            try:
                sparql(base, "SELECT (1 AS ?one) WHERE {}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("virtuoso-t did not answer within 120 s:\n"
                                + (root / "server.log").read_text(errors="replace")[-2000:])
                time.sleep(0.5)
        SERVERS[base] = {"sql_port": sql_port, "db": db}
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    src = root / "articles"
    src.mkdir()
    for name in ("dev05.txt", "dev13.html", "dev14.txt"):
        shutil.copy(FIXTURES / name, src / name)
    out = root / "out"
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "1", "--no-html"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return src, out


def push(out: Path, endpoint: str, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([*cli(), "push", str(out), "--endpoint", endpoint, "--user", "dba", *extra],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "POLICYKG_PASSWORD": "dba"})


def graph_counts(base: str) -> dict[str, int]:
    rows = sparql(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/policykg/id/graph/')) } GROUP BY ?g")
    return {r["g"]: int(r["n"]) for r in rows}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_push_every_document_into_its_named_graph(virtuoso, corpus):
    src, out = corpus
    r = push(out, f"{virtuoso}/sparql-graph-crud-auth")
    assert r.returncode == 0, r.stderr
    expected = {d["graph"]: d["quads"] for d in manifest(out)["documents"]}
    assert graph_counts(virtuoso) == expected

    # the facts read back over SPARQL are the ones the local store answers
    from policykg.corpus import Corpus
    q = ("SELECT DISTINCT ?m ?label WHERE { GRAPH ?g { ?m a <https://w3id.org/policykg#Meeting> ; "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }")
    remote = {(r["m"], r["label"]) for r in sparql(virtuoso, q)}
    local = {(r["m"].value, r["label"].value) for r in Corpus(out).query(
        "SELECT DISTINCT ?m ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label }")}
    assert remote == local and local

    # texts with line breaks and Chinese arrive intact
    texts = {r["t"] for r in sparql(virtuoso, "SELECT ?t WHERE { GRAPH ?g { ?d <https://w3id.org/policykg#text> ?t } }")}
    assert texts == {d["text"] for d in _documents(out)}


def _documents(out: Path) -> list[dict]:
    from rdflib import Graph, Namespace
    pk = Namespace("https://w3id.org/policykg#")
    g = Graph().parse(out / "graph.ttl", format="turtle")
    return [{"text": str(t)} for t in g.objects(None, pk.text)]


def test_push_again_sends_only_changes_and_drops_gone_documents(virtuoso, corpus, tmp_path):
    src, out = corpus
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    assert push(out, endpoint).returncode == 0
    again = push(out, endpoint)
    assert again.returncode == 0, again.stderr
    assert "pushed 0 document graph(s)" in again.stderr and "3 unchanged" in again.stderr

    # change one article, remove another, rebuild, push: the server follows
    changed = src / "dev05.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n会议要求，各级各部门要抓好落实。\n", encoding="utf-8")
    (src / "dev14.txt").unlink()
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--jobs", "1", "--no-html"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = push(out, endpoint)
    assert r.returncode == 0, r.stderr
    assert "pushed 1 document graph(s)" in r.stderr and "1 dropped" in r.stderr
    assert graph_counts(virtuoso) == {d["graph"]: d["quads"] for d in manifest(out)["documents"]}


def test_push_merged_graph_into_one_graph(virtuoso, corpus):
    _, out = corpus
    target = "https://example.org/policykg/merged"
    r = push(out, f"{virtuoso}/sparql-graph-crud-auth", "--graph", target)
    assert r.returncode == 0, r.stderr
    (row,) = sparql(virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}")
    assert int(row["n"]) == manifest(out)["triples"]


def test_push_reports_a_refused_request(virtuoso, corpus):
    _, out = corpus
    r = subprocess.run([*cli(), "push", str(out), "--endpoint", f"{virtuoso}/sparql-graph-crud-auth",
                        "--user", "dba", "--password", "wrong", "--full"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert "HTTP 401" in r.stderr


def test_bulk_loader_reads_graph_nq_gz_into_each_documents_graph(virtuoso, corpus):
    """graph.nq.gz, as it is (one gzip member per document), through Virtuoso's bulk loader."""
    isql = need_program("isql-vt")
    _src, out = corpus
    server = SERVERS[virtuoso]
    load_dir = server["db"] / "bulk"
    load_dir.mkdir(exist_ok=True)
    shutil.copy(out / "graph.nq.gz", load_dir / "graph.nq.gz")
    docs = manifest(out)["documents"]
    clear = "".join(f"SPARQL CLEAR GRAPH <{d['graph']}>;\n" for d in docs)    # what the push tests left
    script = (f"{clear}ld_dir('{load_dir}', 'graph.nq.gz', 'https://example.org/unused');\n"
              "rdf_loader_run();\ncheckpoint;\n"
              "SELECT ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '%graph.nq.gz';\n")
    r = subprocess.run([isql, f"127.0.0.1:{server['sql_port']}", "dba", "dba"], input=script,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Error" not in r.stdout.split("ll_state")[-1], r.stdout
    counts = graph_counts(virtuoso)
    assert {d["graph"]: counts.get(d["graph"]) for d in docs} == {d["graph"]: d["quads"] for d in docs}
