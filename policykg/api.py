"""The public Python API: build a knowledge graph from articles, write it, query it.

>>> import policykg
>>> kg = policykg.build([policykg.Document.from_text(
...     "3月1日，肥城市召开政法队伍教育整顿动员部署会议。会议强调，要抓好学习教育、查纠整改、总结提升三个环节。",
...     published="2021-03-05")])
>>> [str(r.label) for r in kg.query("SELECT ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label }")]
['政法队伍教育整顿动员部署会议']
>>> kg.to_turtle().startswith("@prefix pk:")
True
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import InputError, InputNotFound, OntologyError, PolicyKGError, RuleError
from .extract.document import Document
from .extract.facts import Extraction

__all__ = ["build", "build_corpus", "open_corpus", "extract_document", "document_report", "report_json",
           "KnowledgeGraph",
           "BuildFailure", "Document", "iter_inputs"]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".text", ".markdown")


@dataclass(frozen=True)
class BuildFailure:
    """One input that could not be built, and why."""

    source: str
    error: str
    kind: str

    def as_dict(self) -> dict:
        return {"source": self.source, "error": self.error, "kind": self.kind}


@dataclass
class KnowledgeGraph:
    """The graph of one or more documents, with the facts it was built from."""

    graph: object                                   # rdflib.Graph
    documents: list = field(default_factory=list)   # Document
    extractions: list = field(default_factory=list)  # Extraction, one per document
    failures: list = field(default_factory=list)    # BuildFailure

    def to_turtle(self) -> str:
        """The graph as Turtle, byte-identical on every run."""
        from .graph.turtle import to_turtle
        return to_turtle(self.graph)

    def query(self, sparql: str):
        """Run SPARQL over the graph; the ontology's prefixes are predeclared."""
        from .graph.query import run_query
        return run_query(self.graph, sparql)

    def report(self) -> dict:
        """What was built: per document, the facts counted and the warnings (count mismatches…)."""
        docs = [document_report(doc, x) for doc, x in zip(self.documents, self.extractions)]
        return {"documents": docs, "failures": [f.as_dict() for f in self.failures]}

    def write(self, outdir, *, html: bool = True) -> dict:
        """Write ``graph.ttl`` (and ``graph.html``, ``report.json``, ``errors.jsonl``) into ``outdir``."""
        from .graph.turtle import write_text_atomic
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        written = {"turtle": write_text_atomic(out / "graph.ttl", self.to_turtle())}
        written["report"] = write_text_atomic(out / "report.json", report_json(self.report()))
        errors = out / "errors.jsonl"
        if self.failures:
            written["errors"] = write_text_atomic(errors, "".join(
                json.dumps(f.as_dict(), ensure_ascii=False, sort_keys=True) + "\n" for f in self.failures))
        elif errors.exists():
            errors.unlink()
        if html:
            try:
                from .graph.html_view import write_html
            except ImportError:
                pass
            else:
                written["html"] = write_html(self.graph, out / "graph.html")
        return written


def report_json(report: dict) -> str:
    """``report.json`` text: one line per document and per failure, keys sorted.

    >>> print(report_json({"documents": [{"id": "a", "source": "a.txt"}], "failures": []}), end="")
    {"documents": [
     {"id": "a", "source": "a.txt"}
    ],
    "failures": [
    ]}
    """
    return report_text([report_row(x) for x in report.get("documents", [])],
                       [report_row(x) for x in report.get("failures", [])])


def report_row(item: dict) -> str:
    """One document's (or failure's) line of ``report.json``, without its indent and comma."""
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


def report_text(documents: list[str], failures: list[str]) -> str:
    """``report.json`` text from its rows (see :func:`report_row`)."""
    def rows(items):
        return ",\n".join(" " + x for x in items) + "\n" if items else ""
    return '{"documents": [\n' + rows(documents) + '],\n"failures": [\n' + rows(failures) + "]}\n"


def document_rows(text: str, n: int) -> list[str] | None:
    """The ``n`` document rows of a ``report.json`` that :func:`report_text` wrote, or None if its
    layout is not that.

    >>> document_rows(report_text(['{"id": "a"}', '{"id": "b"}'], []), 2)
    ['{"id": "a"}', '{"id": "b"}']
    """
    lines = text.split("\n")
    if len(lines) < n + 2 or lines[0] != '{"documents": [' or lines[n + 1] != "],":
        return None
    return [line[1:-1] for line in lines[1:n]] + [lines[n][1:]] if n else []


def document_report(doc: Document, x: Extraction) -> dict:
    """One document's entry in ``report.json``: its metadata, the facts counted, the warnings."""
    warnings = list(getattr(doc, "warnings", ())) + list(x.warnings)
    for f in x.formulations:
        if f.count_mismatch:
            warnings.append(f"offset {f.span.start}: {f.label} declares {f.count} items, "
                            f"the text lists {len(f.items)}")
    return {"id": doc.id, "source": doc.source, "title": doc.title, "published": doc.published,
            "encoding": doc.encoding, "localities": len({l.key for l in x.localities}),
            "meetings": len(x.meetings), "statements": len(x.statements),
            "formulations": len(x.formulations), "persons": len({p.key for p in x.persons}),
            "warnings": warnings}


def extract_document(doc: Document) -> Extraction:
    """The facts of one document."""
    from .extract.pipeline import extract
    return extract(doc)


def iter_inputs(inputs, *, stdin=None) -> Iterable:
    """The articles of ``inputs`` (paths, directories, globs, JSON Lines, ``-``, Documents), in order.

    Yields :class:`~policykg.inputs.Unit` objects and, for inputs that cannot be read,
    :class:`BuildFailure` objects (see :mod:`policykg.inputs`).
    """
    from .inputs import expand
    return expand(inputs, stdin=stdin)


def build(inputs, *, published: str | None = None, stdin=None) -> KnowledgeGraph:
    """Build the knowledge graph of ``inputs``: paths, directories, globs, JSON Lines, ``-`` or Documents.

    The graph is an in-memory rdflib graph: right for an article or a few hundred. For a
    corpus, :func:`build_corpus` builds in parallel into a directory and keeps the graph on disk.
    A document that cannot be read or built is recorded in ``failures`` and the others are built.
    """
    from .graph.build import build_graph
    from .inputs import make_document
    docs, xs, failures = [], [], []
    for item in iter_inputs(inputs, stdin=stdin):
        if isinstance(item, BuildFailure):
            failures.append(item)
            continue
        try:
            doc = make_document(item, published=published)
            x = extract_document(doc)
        except (RuleError, OntologyError):
            raise                       # the rules are broken, not the document
        except PolicyKGError as e:
            failures.append(BuildFailure(item.where or item.source, str(e), type(e).__name__))
            continue
        docs.append(doc)
        xs.append(x)
    g = build_graph(zip(docs, xs))
    return KnowledgeGraph(graph=g, documents=docs, extractions=xs, failures=failures)


def build_corpus(inputs, outdir, **options):
    """Build a corpus into ``outdir`` (merged graph, named graphs, store, manifest): see
    :func:`policykg.corpus.build_corpus` for the options (``jobs``, ``scheduler``, ``store``…)."""
    from .corpus import build_corpus as _build_corpus
    return _build_corpus(inputs, outdir, **options)


def open_corpus(outdir):
    """The corpus built into ``outdir`` (:class:`policykg.corpus.Corpus`): query it, list its documents."""
    from .corpus import Corpus
    return Corpus(outdir)
