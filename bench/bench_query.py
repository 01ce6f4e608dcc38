"""Named queries on a graph of a million triples: Oxigraph (policykg's default engine) against rdflib's
own SPARQL engine on the same graph and the same queries.

The graph is the development articles built by policykg, replicated until it holds ``--triples``
triples: each copy renames the documents, localities, meetings, statements, persons and mentions
(and suffixes the localities' labels with the copy number), while formulations (with their item
lists), items and campaigns stay shared, as they are across a real corpus. Copy 0 keeps its names, so the queries' parameters
(泰安市, 肥城市…) select a small part of the graph.

Every query runs ``--repeat`` times in Oxigraph (median reported) and once in rdflib, in a forked
process cut off after ``--rdflib-timeout`` seconds (the ratio is then a lower bound, "> N×"). Where
rdflib finishes, the two engines' rows are compared.

    python bench/bench_query.py                       # 1,000,000 triples; takes a while
    python bench/bench_query.py --triples 100000 --rdflib-timeout 60
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_TEXTS = ROOT.parent / "shared" / "eval" / "dev" / "texts"

# (query, parameters): every named query with its defaults, and the selective forms analysts use
EXTRA_CASES = [("meetings", {"locality": "泰安市"}), ("meetings", {"from": "2021-03-03", "to": "2021-03-04"}),
               ("cascade", {"locality": "肥城市", "date": "2021-03-01"}), ("follow-lag", {"locality": "德城区"}),
               ("item-variants", {"label": "三个环节"}), ("persons", {"name": "韩立军"})]
RENAMED = ("document", "locality", "meeting", "statement", "person", "mention")


def rss_mb() -> float:
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        return float("nan")


def replicated_ntriples(texts: Path, target: int) -> tuple[list[str], int, int]:
    """N-Triples lines of the dev graph replicated to at least ``target`` distinct triples."""
    import policykg
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from policykg.graph.store import nt_term
    from policykg.ontology.namespace import BASE, PK

    kg = policykg.build([texts])
    base = list(kg.graph)
    localities = set(kg.graph.subjects(RDF.type, PK.AdministrativeDivision))
    renamed = tuple(BASE + k + "/" for k in RENAMED)

    def rename(t, i):
        if isinstance(t, URIRef) and str(t).startswith(renamed):
            return f"<{t}r{i}>"
        return nt_term(t)  # blank nodes are the cells of a (shared) formulation's item list

    lines: set = set()
    copies = 0
    while len(lines) < target:
        i = copies
        for s, p, o in base:
            if i and p == RDFS.label and s in localities and isinstance(o, Literal):
                o = Literal(f"{o}{i}", lang=o.language)
            if i == 0:
                lines.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n")
            else:
                lines.add(f"{rename(s, i)} {nt_term(p)} {rename(o, i)} .\n")
        copies += 1
    return sorted(lines), copies, len(kg.documents)


def _rdflib_child(conn, graph, text):
    from policykg.graph.query import execute
    t = time.perf_counter()
    r = execute(graph, text, engine="rdflib")
    elapsed = time.perf_counter() - t
    conn.send((elapsed, len(r), hashlib.sha1(repr(r.canonical()).encode()).hexdigest()))


def time_rdflib(graph, text: str, timeout: float):
    """``(seconds, rows, digest)`` or ``None`` when rdflib ran past ``timeout``."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_rdflib_child, args=(child, graph, text))
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            return parent.recv()
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the graph (default 1,000,000)")
    ap.add_argument("--texts", type=Path, default=DEV_TEXTS, help="articles to build and replicate")
    ap.add_argument("--repeat", type=int, default=3, help="Oxigraph runs per query (median)")
    ap.add_argument("--rdflib-timeout", type=float, default=300, help="seconds before an rdflib run is cut off")
    ap.add_argument("--only", nargs="*", help="only these named queries")
    args = ap.parse_args(argv)
    if not args.texts.exists():
        print(f"{args.texts} is absent", file=sys.stderr)
        return 2

    import pyoxigraph as ox
    from rdflib import Graph

    from policykg.graph.query import execute
    from policykg.graph.query_library import list_queries, named_query

    t = time.perf_counter()
    lines, copies, docs = replicated_ntriples(args.texts, args.triples)
    n_triples = len(lines)
    data = "".join(lines).encode("utf-8")
    del lines
    print(f"graph: {n_triples:,} triples ({copies} copies of {docs} dev articles), "
          f"{len(data) / 2**20:.0f} MB of N-Triples, made in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    t_ox = time.perf_counter() - t
    m0 = rss_mb()
    t = time.perf_counter()
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    t_rd = time.perf_counter() - t
    print(f"load: Oxigraph {t_ox:.1f} s, rdflib {t_rd:.1f} s ({t_rd / t_ox:.0f}×); "
          f"process RSS {m0:,.0f} MB after Oxigraph, {rss_mb():,.0f} MB after rdflib")
    del data

    cases = [(q.name, {}) for q in list_queries()] + EXTRA_CASES
    if args.only:
        cases = [c for c in cases if c[0] in args.only]
    print(f"\n{'query':<44} {'rows':>8} {'oxigraph s':>11} {'rdflib s':>10} {'ratio':>9}  same rows")
    ratios, total_ox, total_rd, cut = [], 0.0, 0.0, False
    for name, params in cases:
        text = named_query(name).render(params)
        label = name + ("(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")
        runs = []
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            r = execute(store, text)
            runs.append(time.perf_counter() - t)
        ox_s = statistics.median(runs)
        digest = hashlib.sha1(repr(r.canonical()).encode()).hexdigest()
        rd = time_rdflib(graph, text, args.rdflib_timeout)
        total_ox += ox_s
        if rd is None:
            total_rd += args.rdflib_timeout
            cut = True
            ratio = args.rdflib_timeout / ox_s
            ratios.append(ratio)
            print(f"{label:<44} {len(r):>8,} {ox_s:>11.3f} {'>' + format(args.rdflib_timeout, '.0f'):>10} "
                  f"{'>' + format(ratio, ',.0f') + '×':>9}  (rdflib cut off)", flush=True)
            continue
        rd_s, rd_rows, rd_digest = rd
        total_rd += rd_s
        ratio = rd_s / ox_s
        ratios.append(ratio)
        same = "yes" if (rd_digest == digest and rd_rows == len(r)) else "NO"
        print(f"{label:<44} {len(r):>8,} {ox_s:>11.3f} {rd_s:>10.2f} {ratio:>8,.0f}×  {same}", flush=True)
    gmean = statistics.geometric_mean(ratios) if ratios else float("nan")
    print(f"\n{len(cases)} queries: Oxigraph {total_ox:.2f} s in all, rdflib {total_rd:.1f} s"
          f"{' at least' if cut else ''}; "
          f"ratio of totals {total_rd / total_ox:,.0f}×, geometric mean of ratios {gmean:,.0f}×, "
          f"median {statistics.median(ratios):,.0f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
