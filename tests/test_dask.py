"""Extraction on a real dask.distributed cluster gives the bytes of a serial build.

The test starts a ``LocalCluster`` with two worker processes (a scheduler and workers that
talk over TCP on loopback, as on a real cluster) and hands its address to the build.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.corpus import build_corpus

from conftest import FIXTURES

distributed = pytest.importorskip("distributed")

ARTICLE = (FIXTURES / "dev05.txt").read_text(encoding="utf-8")
OUTPUTS = ("graph.ttl", "graph.nq.gz", "report.json", ".policykg/counts.tsv")


def cli() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    src = tmp_path_factory.mktemp("dask") / "articles"
    src.mkdir()
    shutil.copy(FIXTURES / "dev13.html", src / "dev13.html")
    shutil.copy(FIXTURES / "dev14.txt", src / "dev14.txt")
    for i in range(20):
        (src / f"v{i:02d}.txt").write_text(ARTICLE.rstrip("\n") + f"\n\n会议要求，第{i}项工作要抓紧落实。\n",
                                           encoding="utf-8")
    serial = src.parent / "serial"
    r = build_corpus([src], serial, jobs=1, html=False)
    assert r.built == 22 and not r.failures
    return src, serial


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                     host="127.0.0.1")
    try:
        yield c
    finally:
        c.close()


def test_cluster_build_equals_serial_build(articles, cluster, tmp_path):
    from distributed import Client
    src, serial = articles
    r = build_corpus([src], tmp_path / "out", scheduler=cluster.scheduler_address, html=False)
    assert r.built == 22 and not r.failures
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (serial / name).read_bytes(), name
    # both worker processes took part
    with Client(cluster.scheduler_address) as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(n > 0 for n in executed.values()), executed


def test_cluster_build_through_the_command_line_and_incremental(articles, cluster, tmp_path):
    src, serial = articles
    out = tmp_path / "out"
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--scheduler", cluster.scheduler_address,
                        "--no-html"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (serial / name).read_bytes(), name
    # a changed article goes to the cluster again, the rest is kept
    work = tmp_path / "articles"
    shutil.copytree(src, work)
    r1 = build_corpus([work], tmp_path / "inc", scheduler=cluster.scheduler_address, html=False)
    (work / "v03.txt").write_text(ARTICLE + "\n会议强调，要压实责任。\n", encoding="utf-8")
    r2 = build_corpus([work], tmp_path / "inc", scheduler=cluster.scheduler_address, html=False)
    assert (r1.built, r2.built, r2.skipped) == (22, 1, 21)
    build_corpus([work], tmp_path / "clean", jobs=1, html=False)
    for name in OUTPUTS:
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


def test_local_dask_cluster_from_the_command_line(articles, tmp_path):
    src, serial = articles
    out = tmp_path / "out"
    r = subprocess.run([*cli(), "build", str(src), "-o", str(out), "--dask", "local", "--jobs", "2", "--no-html"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (out / "graph.ttl").read_bytes() == (serial / "graph.ttl").read_bytes()


def test_unreachable_scheduler_is_a_usage_error(articles, tmp_path):
    src, _ = articles
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # closed once the block ends: nothing listens there
    r = subprocess.run([*cli(), "build", str(src), "-o", str(tmp_path / "out"), "--scheduler",
                        f"tcp://127.0.0.1:{port}", "--no-html"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "cannot reach the Dask scheduler" in r.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()
