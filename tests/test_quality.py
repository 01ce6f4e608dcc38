"""Extraction quality on the development set and on the project's own held-out articles.

Scored by the evaluation scorer in ../shared (skipped when it is absent), through the real command line.
The held-out articles (tests/fixtures/heldout) were written and annotated independently of the rules.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT, shared_path

CMD = f"{sys.executable} -m policykg.cli build {{input}} -o {{out}} --no-html"


def score(*args) -> dict:
    scorer = shared_path("eval", "score.py")
    r = subprocess.run([sys.executable, str(scorer), "--json", "--cmd", CMD, *args], capture_output=True,
                       text=True, cwd=ROOT, timeout=1200)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_development_set():
    result = score()
    assert result["failures"] == {}
    assert result["macro_f1"] >= 0.95
    for name, c in result["categories"].items():
        assert c["f1"] >= 0.9, (name, c)
    assert result["categories"]["provenance"]["f1"] == 1.0


def test_held_out_articles():
    result = score("--gold", str(FIXTURES / "heldout" / "gold"), "--texts", str(FIXTURES / "heldout" / "texts"))
    assert result["failures"] == {}
    assert result["macro_f1"] >= 0.85, result["macro_f1"]
    for name, c in result["categories"].items():
        assert c["f1"] >= 0.75, (name, c)
    assert result["categories"]["provenance"]["f1"] == 1.0
