"""Data flows one way: extract never imports rdflib, pyvis or graph/; ontology imports only rdflib."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            out.add("." * node.level + mod)
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "extract").glob("*.py")), ids=lambda p: p.name)
def test_extract_is_pure_python_over_text(path):
    for name in imports(path):
        assert not name.startswith(("rdflib", "pyvis", "networkx", "pyoxigraph", "..graph", "policykg.graph",
                                    "..ontology", "policykg.ontology")), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", sorted((ROOT / "ontology").glob("*.py")), ids=lambda p: p.name)
def test_ontology_depends_on_rdflib_only(path):
    for name in imports(path):
        assert not name.startswith(("..extract", "..graph", "policykg.extract", "policykg.graph", "pyvis")), name


def test_importing_policykg_does_no_work():
    import subprocess, sys
    code = "import sys, policykg; print(sorted(m for m in ('rdflib', 'pyvis', 'networkx') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]"
