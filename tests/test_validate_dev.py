"""``policykg validate`` on the graph of every dev article: each conforms to the SHACL shapes,
and the shapes cover every class of the core vocabulary."""
from __future__ import annotations

import functools

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from policykg.cli import main

from conftest import dev_texts, shared_path

SH = "http://www.w3.org/ns/shacl#"


@functools.lru_cache(maxsize=None)
def _one_job() -> tuple[str, ...]:
    """``--jobs 1`` where the build has the option: one small article needs no worker processes."""
    from policykg.cli import parser
    sub = next(a for a in parser()._actions if a.dest == "command")
    return ("--jobs", "1") if "--jobs" in sub.choices["build"].format_help() else ()


CORE_CLASSES = ("Document", "Locality", "Meeting", "Statement", "Formulation", "Task", "Principle", "Goal",
                "Phase", "Theme", "Requirement", "Commitment", "Other", "Person", "Campaign", "Mention")


@pytest.mark.parametrize("path", dev_texts() or [None], ids=lambda p: p.name if p else "absent")
def test_every_dev_article_graph_validates(path, tmp_path, capsys):
    if path is None:
        shared_path("eval", "dev", "texts")
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out), "--no-html", *_one_job()]) == 0, capsys.readouterr().err
    capsys.readouterr()
    code = main(["validate", str(out / "graph.ttl")])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert printed.startswith("Conforms")


def test_shapes_cover_every_core_class():
    from policykg.ontology import shapes_path
    shapes = Graph().parse(shapes_path(), format="turtle")
    pk = "https://w3id.org/policykg#"
    targeted = {str(o) for o in shapes.objects(None, URIRef(SH + "targetClass"))}
    # a class that is itself a NodeShape (an implicit class target) counts too
    targeted |= {str(s) for s in shapes.subjects(RDF.type, URIRef(SH + "NodeShape")) if str(s).startswith(pk)}
    missing = [c for c in CORE_CLASSES if pk + c not in targeted]
    assert not missing, f"no SHACL shape targets {missing}"
