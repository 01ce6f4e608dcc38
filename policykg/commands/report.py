"""policykg report GRAPH -o report.html [--csv DIR]"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXAMPLE = """examples:
  policykg report out/graph.ttl -o report.html            # one self-contained HTML page
  policykg report out/ -o report.html --csv tables/        # a build directory; CSV tables too
  policykg report corpus.nt -o report.html --progress always

The page has the cascade timeline, the lags by level pair, the adoption matrix, wording
fidelity and the corpus figures; it loads nothing from the network. The CSV files (cascade,
lags, adoption, fidelity, fidelity_scores, formulations, figures) are UTF-8 with a byte-order
mark so that Excel reads the Chinese text; pandas and readr skip the mark.
"""

LARGE_GRAPH_BYTES = 2_000_000
"""With ``--progress auto``, a progress bar is shown on a terminal for graph files this large."""


def add_parser(sub):
    p = sub.add_parser("report", help="the campaign cascade report (HTML, CSV)",
                       description="How campaigns travelled down the hierarchy in a corpus graph: who met when, "
                                   "after whom, how fast, and how faithfully each locality repeated the "
                                   "formulations. Writes one offline HTML page and, with --csv, the tables.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", metavar="GRAPH",
                   help="a graph file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) or a build directory")
    p.add_argument("-o", "--out", required=True, metavar="HTML", help="the report page to write")
    p.add_argument("--csv", metavar="DIR", help="also write the tables as CSV files into DIR")
    p.add_argument("--no-bom", action="store_true", help="write the CSV files as UTF-8 without a byte-order mark")
    p.add_argument("--title", default="", help="the page title")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="show a progress bar (auto: on a terminal, for graphs of 2 MB or more)")
    p.add_argument("--engine", choices=("auto", "oxigraph", "rdflib"), default="auto",
                   help="where the queries run (auto: pyoxigraph when installed, else rdflib)")
    return p


def _graph_path(arg: str) -> Path:
    p = Path(arg)
    if p.is_dir():
        for name in ("graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld"):
            if (p / name).exists():
                return p / name
        raise FileNotFoundError(f"{p}: a directory without graph.ttl")
    return p


class _Progress:
    """A rich progress bar over the report's steps, or one plain line per step without rich."""

    def __init__(self, steps: list[str], enabled: bool):
        self.steps, self.enabled, self.done = steps, enabled, 0
        self._bar = self._task = None
        if not enabled:
            return
        try:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        except ImportError:
            return
        self._bar = Progress(TextColumn("[bold]report[/] {task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self._task = self._bar.add_task(steps[0], total=len(steps))
        self._bar.start()

    def __call__(self, name: str) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, description=name)
        else:
            print(f"policykg report: [{self.done + 1}/{len(self.steps)}] {name}", file=sys.stderr)
        self.done += 1

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=len(self.steps), description="done")
            self._bar.stop()


def run(args) -> int:
    from ..corpus import corpus_store
    from ..graph.report import open_graph, report_steps, write_report
    from ..graph.report_svg import MissingPlotLibrary
    try:
        path = _graph_path(args.graph)
        size = path.stat().st_size
    except OSError as e:
        print(f"policykg report: {e}", file=sys.stderr)
        return 2
    steps = ["load"] + report_steps(csv=bool(args.csv))
    enabled = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty()
                                            and size >= LARGE_GRAPH_BYTES and not os.environ.get("CI"))
    progress = _Progress(steps, enabled)
    try:
        progress("load")
        try:
            # a corpus build directory is read in its store, not by loading graph.ttl
            g = corpus_store(args.graph) if args.engine != "rdflib" else None
            if g is None:
                g = open_graph(path, engine=args.engine)
        except (OSError, ValueError, ImportError) as e:
            print(f"policykg report: {e}", file=sys.stderr)
            return 2
        written = write_report(g, args.out, csv_dir=args.csv, bom=not args.no_bom, title=args.title,
                               source=path.name, on_step=progress)
    except MissingPlotLibrary as e:
        print(f"policykg report: {e}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    data = written["data"]
    lags = sum(1 for r in data.cascade if r["lag_days"] is not None)
    msg = (f"report: {len(data.meetings)} meetings, {sum(1 for r in data.cascade if r['follows'])} follows links, "
           f"{lags} lags, {len(data.fidelity_scores)} localities scored -> {written['html']}")
    if written["csv"]:
        msg += f"; {len(written['csv'])} CSV files -> {args.csv}"
    print(msg, file=sys.stderr)
    return 0
