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

from .errors import InputError, InputNotFound, PolicyKGError
from .extract.document import Document
from .extract.facts import Extraction

__all__ = ["build", "extract_document", "KnowledgeGraph", "BuildFailure", "Document", "iter_inputs"]

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
        docs = []
        for doc, x in zip(self.documents, self.extractions):
            warnings = list(x.warnings)
            for f in x.formulations:
                if f.count_mismatch:
                    warnings.append(f"offset {f.span.start}: {f.label} declares {f.count} items, "
                                    f"the text lists {len(f.items)}")
            docs.append({"id": doc.id, "source": doc.source, "title": doc.title, "published": doc.published,
                         "encoding": doc.encoding, "localities": len({l.key for l in x.localities}),
                         "meetings": len(x.meetings), "statements": len(x.statements),
                         "formulations": len(x.formulations), "persons": len({p.key for p in x.persons}),
                         "warnings": warnings})
        return {"documents": docs, "failures": [f.as_dict() for f in self.failures]}

    def write(self, outdir, *, html: bool = True) -> dict:
        """Write ``graph.ttl`` (and ``graph.html``, ``report.json``, ``errors.jsonl``) into ``outdir``."""
        from .graph.turtle import write_text_atomic
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        written = {"turtle": write_text_atomic(out / "graph.ttl", self.to_turtle())}
        written["report"] = write_text_atomic(
            out / "report.json", json.dumps(self.report(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
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


def extract_document(doc: Document) -> Extraction:
    """The facts of one document."""
    from .extract.pipeline import extract
    return extract(doc)


def iter_inputs(inputs) -> Iterable:
    """Expand paths (files, directories, globs) into files; pass Documents through."""
    import glob
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    for item in inputs:
        if isinstance(item, Document):
            yield item
            continue
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES:
                    yield f
        elif any(ch in str(item) for ch in "*?[") and not p.exists():
            for f in sorted(glob.glob(str(item), recursive=True)):
                yield Path(f)
        else:
            yield p


def build(inputs, *, published: str | None = None) -> KnowledgeGraph:
    """Build the knowledge graph of ``inputs``: paths, directories, globs or :class:`Document` objects.

    A document that cannot be read or built is recorded in ``failures`` and the others are built.
    """
    from .graph.build import build_graph
    docs, xs, failures = [], [], []
    for item in iter_inputs(inputs):
        try:
            doc = item if isinstance(item, Document) else Document.from_path(item, published=published)
            x = extract_document(doc)
        except PolicyKGError as e:
            failures.append(BuildFailure(str(getattr(item, "source", item)), str(e), type(e).__name__))
            continue
        docs.append(doc)
        xs.append(x)
    g = build_graph(zip(docs, xs))
    return KnowledgeGraph(graph=g, documents=docs, extractions=xs, failures=failures)
