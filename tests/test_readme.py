"""The README's Python examples run as written (in a scratch directory holding the examples)."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
NEEDS = {"dask_jobqueue": "dask-jobqueue", "pandas": "pandas"}


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 4


def test_readme_python_examples_run(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    ran = 0
    for block in BLOCKS:
        missing = [pkg for mod, pkg in NEEDS.items() if f"import {mod}" in block or f"from {mod}" in block]
        if missing:
            continue            # examples of third-party setups (a SLURM cluster, pandas)
        exec(compile(block, "README.md", "exec"), namespace)
        ran += 1
    assert ran >= 4
    assert (tmp_path / "out" / "graph.ttl").exists() and (tmp_path / "graph.html").exists()
    assert (tmp_path / "report.html").exists()
