#!/usr/bin/env python3
"""How long the campaign cascade report takes, per step, on generated corpus graphs.

    python bench/bench_report.py                    # 5k and 50k-node graphs (about 60k and 630k triples)
    python bench/bench_report.py --nodes 2000 --rdflib

Prints seconds per step (load, tables, plots, page, CSV) and, with ``--rdflib``, the ratio of
rdflib's query time to pyoxigraph's on the same graph. Figures only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(nodes: int, *, rdflib_too: bool) -> None:
    from policykg.graph import report
    from policykg.graph.report_model import report_data
    from policykg.graph.synthetic import synthetic_graph

    g = synthetic_graph(nodes, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        g.serialize(nt, format="nt", encoding="utf-8")
        print(f"\n{nodes} nodes: {len(g)} triples, {nt.stat().st_size / 1e6:.1f} MB of N-Triples")
        t = time.perf_counter()
        store = report.open_graph(nt, engine="oxigraph")
        times = {"load (oxigraph)": time.perf_counter() - t}
        mark = [time.perf_counter(), None]

        def step(name):
            now = time.perf_counter()
            if mark[1]:
                times[mark[1]] = now - mark[0]
            mark[:] = [now, name]

        out = report.write_report(store, Path(tmp) / "report.html", csv_dir=Path(tmp) / "csv", on_step=step)
        step(None)
        for name, secs in times.items():
            print(f"  {name:<18} {secs:7.2f} s")
        data = out["data"]
        print(f"  total {sum(times.values()):.1f} s; {len(data.meetings)} meetings, "
              f"{sum(1 for r in data.cascade if r['lag_days'] is not None)} lags; "
              f"page {os.path.getsize(out['html']) / 1e6:.2f} MB")
        if rdflib_too:
            t = time.perf_counter()
            report_data(store)
            ox = time.perf_counter() - t
            t = time.perf_counter()
            report_data(g)
            rl = time.perf_counter() - t
            print(f"  tables: oxigraph {ox:.2f} s, rdflib {rl:.2f} s (rdflib/oxigraph = {rl / ox:.0f}x)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, nargs="*", default=[5000, 50000])
    ap.add_argument("--rdflib", action="store_true", help="also time the tables with rdflib's engine")
    args = ap.parse_args(argv)
    for n in args.nodes:
        run(n, rdflib_too=args.rdflib)
    return 0


if __name__ == "__main__":
    sys.exit(main())
