"""Push a corpus to a server store over the SPARQL 1.1 Graph Store HTTP Protocol.

By default every document goes to its own named graph (the ``graph`` of its manifest entry,
as in ``graph.nq.gz``), replaced with HTTP PUT. The corpus remembers, per endpoint, what it
pushed (``OUTDIR/.policykg/pushed-*.json``): the next push sends only the documents that
changed since and drops the graphs of documents that are gone. With ``graph=IRI`` the merged
graph goes into that one graph instead (PUT, then POST in chunks of ``chunk`` triples; the
triples with blank nodes, the cells of ``pk:itemList``, travel in one request so that lists
stay whole).

Blank nodes are scoped to one request, as the protocol has it: a list that two documents
share is one list in ``graph.ttl`` but one per document on a server holding named graphs.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["push_corpus", "PushResult"]


@dataclass
class PushResult:
    endpoint: str
    put: int = 0             # graphs replaced
    deleted: int = 0         # graphs dropped
    unchanged: int = 0       # graphs already on the server
    triples: int = 0         # triples sent
    graphs: list = field(default_factory=list)


def _record_path(outdir: Path, endpoint: str, graph: str | None) -> Path:
    key = hashlib.sha256(f"{endpoint}|{graph}".encode()).hexdigest()[:16]
    return outdir / ".policykg" / f"pushed-{key}.json"


def push_corpus(outdir, endpoint: str, *, user: str | None = None, password: str | None = None,
                graph: str | None = None, full: bool = False, parallel: int = 4, chunk: int = 200_000,
                timeout: float = 300.0, progress=None) -> PushResult:
    """Send the corpus in ``outdir`` to the Graph Store endpoint (see the module documentation).

    ``full`` sends every document again, whatever was pushed before.
    """
    from .corpus import STATE, BNODES, Corpus
    from .graph.gsp import GraphStore
    from .graph.merge import lines_of_turtle, read_counted
    corpus = Corpus(outdir)
    out = Path(outdir)
    gs = GraphStore(endpoint, user=user, password=password, timeout=timeout)
    result = PushResult(endpoint=endpoint)

    if graph is not None:
        bnode_set = {line for line, _n in read_counted(out / STATE / BNODES)}
        gs.put(graph, "".join(line + "\n" for line in sorted(bnode_set)).encode("utf-8"))
        result.triples += len(bnode_set)
        buf, n = [], 0
        for line in lines_of_turtle(corpus.turtle_path):
            if line in bnode_set:
                continue
            buf.append(line + "\n")
            n += 1
            if n >= chunk:
                gs.post(graph, "".join(buf).encode("utf-8"))
                result.triples += n
                buf, n = [], 0
        if buf:
            gs.post(graph, "".join(buf).encode("utf-8"))
            result.triples += n
        result.put = 1
        result.graphs = [graph]
        return result

    record_path = _record_path(out, endpoint, None)
    before: dict = {}
    if not full:
        try:
            before = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
    docs = corpus.manifest["documents"]
    now = {d["graph"]: d["digest"] for d in docs}
    todo = [d for d in docs if before.get(d["graph"]) != d["digest"]]
    gone = [g for g in before if g not in now]
    result.unchanged = len(docs) - len(todo)
    pushed = {g: dg for g, dg in before.items() if g in now and now[g] == dg}

    def send(d):
        block = corpus.nquads_of(d)
        from .graph.nquads import triple_line
        body = "".join(triple_line(q) + "\n" for q in block.split("\n") if q).encode("utf-8")
        gs.put(d["graph"], body)
        return d

    def save():
        record_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = record_path.with_name(record_path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(pushed, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, record_path)

    from concurrent.futures import ThreadPoolExecutor
    try:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as ex:
            for d in ex.map(send, todo):
                pushed[d["graph"]] = d["digest"]
                result.put += 1
                result.triples += d["quads"]
                if progress is not None:
                    progress(result.put, len(todo))
            for g in gone:
                gs.delete(g)
                result.deleted += 1
    finally:
        save()
    result.graphs = [d["graph"] for d in todo]
    return result
