"""The campaign cascade report: how a campaign travelled down the hierarchy, from a corpus graph.

Who met when, after whom, how fast, and how faithfully each locality repeated the centre's
formulations — as one self-contained HTML page (plots as inline SVG, no script, no network)
and, for pandas or R, the same tables as CSV files.

- :func:`open_graph` reads a graph file into a pyoxigraph store when pyoxigraph is installed
  (the ``store`` extra; the report's queries run ~100× faster there) or an rdflib graph.
- :func:`report_data` computes the tables (:class:`~.report_model.ReportData`) with the
  named ``report_*`` SPARQL queries, on either; the wording-fidelity rule is in
  :mod:`.report_fidelity`.
- :func:`to_report_html` / :func:`write_report` render the page (plots need matplotlib, the
  ``report`` extra); :func:`write_report_csv` writes the CSV files.

CSV files are UTF-8 *with* a byte-order mark, so that Excel opens the Chinese text correctly;
``pandas.read_csv`` and R's ``readr::read_csv`` skip the mark (base R:
``read.csv(f, fileEncoding = "UTF-8-BOM")``). Pass ``bom=False`` for plain UTF-8. Rows are in
a fixed order, lines end with ``\\n``, and each file is written atomically.

>>> from rdflib import Graph
>>> import tempfile, pathlib
>>> data = report_data(Graph())
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> sorted(p.name for p in write_report_csv(data, out))  # doctest: +NORMALIZE_WHITESPACE
['adoption.csv', 'cascade.csv', 'fidelity.csv', 'fidelity_scores.csv', 'figures.csv',
 'formulations.csv', 'lags.csv']
>>> (out / "lags.csv").read_bytes()[:3] == b"\\xef\\xbb\\xbf"
True
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Callable

from .report_model import STEPS_DATA, ReportData, report_data

__all__ = ["open_graph", "report_data", "ReportData", "to_report_html", "write_report", "write_report_csv",
           "report_steps", "CSV_COLUMNS", "STEPS_PLOTS", "ENGINES"]

ENGINES = ("auto", "oxigraph", "rdflib")
"""Where the report's queries run: ``auto`` is pyoxigraph when it is installed, else rdflib."""

STEPS_PLOTS = ("timeline", "lags plot", "adoption plot", "fidelity plot", "figures plot", "page")
"""The steps of rendering, after the steps of :data:`~.report_model.STEPS_DATA`."""

CSV_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cascade.csv": ("cascade", ("meeting", "meeting_label", "locality", "locality_code", "level", "date", "campaign",
                                "follows", "upstream_label", "upstream_locality", "upstream_code", "upstream_level",
                                "upstream_date", "same_document", "lag_days")),
    "lags.csv": ("lags", ("upstream_level", "level", "n", "median_days", "q1_days", "q3_days", "min_days",
                          "max_days", "lags")),
    "adoption.csv": ("adoption", ("locality", "locality_code", "level", "campaign", "formulation", "category",
                                  "count", "meetings", "items_listed", "first_date")),
    "fidelity.csv": ("fidelity", ("locality", "locality_code", "level", "campaign", "formulation", "category",
                                  "canonical_source", "status", "canonical_item", "wording", "similarity",
                                  "formulation_score")),
    "fidelity_scores.csv": ("fidelity_scores", ("locality", "locality_code", "level", "formulations", "identical",
                                                "variant", "missing", "added", "score")),
    "formulations.csv": ("formulation_scores", ("campaign", "formulation", "category", "canonical_source",
                                                "canonical_items", "localities", "scored", "mean_score")),
    "figures.csv": ("figures", ("figure", "key", "value")),
}
"""Each CSV file: the :class:`ReportData` table it holds and its columns, in order."""


def open_graph(path, *, engine: str = "auto"):
    """The graph file at ``path`` (format from its suffix) as a pyoxigraph ``Store`` or an rdflib graph.

    Raises :class:`FileNotFoundError` or :class:`ValueError` (naming the file) like
    :func:`policykg.graph.io.load_graph`.
    """
    from .io import FORMATS, load_graph
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    p = Path(path)
    if engine != "rdflib":
        try:
            import pyoxigraph as ox
        except ImportError:
            if engine == "oxigraph":
                raise
        else:
            if not p.exists():
                raise FileNotFoundError(f"{p}: no such file")
            fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
                   "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD,
                   "xml": ox.RdfFormat.RDF_XML}[FORMATS.get(p.suffix.lower(), "turtle")]
            store = ox.Store()
            try:
                store.bulk_load(path=str(p), format=fmt)
            except (SyntaxError, ValueError, OSError) as e:
                raise ValueError(f"{p}: cannot parse as {fmt.name}: {e}") from e
            return store
    return load_graph(p)


def report_steps(*, csv: bool = False) -> list[str]:
    """The names of the steps :func:`write_report` reports to ``on_step``, in order."""
    return list(STEPS_DATA) + list(STEPS_PLOTS) + (["csv"] if csv else [])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 4))
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    return str(value)


def _write_atomic(path: Path, text: str, encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding=encoding, newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_report_csv(data: ReportData, directory, *, bom: bool = True) -> list[Path]:
    """Write every table of the report as a CSV file into ``directory``; return the paths."""
    out = Path(directory)
    written = []
    for name, (attr, columns) in CSV_COLUMNS.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for row in getattr(data, attr):
            w.writerow([_cell(row.get(c)) for c in columns])
        written.append(_write_atomic(out / name, buf.getvalue(), "utf-8-sig" if bom else "utf-8"))
    return written


def _plots(data: ReportData, step) -> dict:
    from . import report_svg as sv
    plots = {}
    step("timeline")
    plots["timelines"] = sv.timeline_svgs(data)
    step("lags plot")
    plots["lags"] = sv.lags_svg(data)
    step("adoption plot")
    plots["adoption"] = sv.adoption_svg(data)
    step("fidelity plot")
    plots["fidelity"] = sv.fidelity_svg(data)
    step("figures plot")
    plots["figures"] = sv.figures_svg(data)
    return plots


def to_report_html(graph_or_data, *, title: str = "", source: str = "",
                   on_step: Callable[[str], None] | None = None) -> str:
    """The report as one self-contained HTML page, from an rdflib graph or a :class:`ReportData`."""
    from .. import __version__
    from .report_html import render_page
    step = on_step or (lambda _name: None)
    data = graph_or_data if isinstance(graph_or_data, ReportData) else report_data(graph_or_data, on_step=on_step)
    plots = _plots(data, step)
    step("page")
    return render_page(data, plots, title=title, source=source, version=__version__)


def write_report(graph, path, *, csv_dir=None, bom: bool = True, title: str = "", source: str = "",
                 on_step: Callable[[str], None] | None = None) -> dict:
    """Write the HTML report to ``path`` (and the CSV tables into ``csv_dir``); return what was written.

    ``{"html": Path, "csv": [Path, ...], "data": ReportData}``.
    """
    data = graph if isinstance(graph, ReportData) else report_data(graph, on_step=on_step)
    html = to_report_html(data, title=title, source=source, on_step=on_step)
    written = {"html": _write_atomic(Path(path), html, "utf-8"), "csv": [], "data": data}
    if csv_dir is not None:
        if on_step:
            on_step("csv")
        written["csv"] = write_report_csv(data, csv_dir, bom=bom)
    return written
