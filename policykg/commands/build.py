"""policykg build INPUT... -o OUTDIR"""
from __future__ import annotations

import argparse
import sys

EXAMPLE = """examples:
  policykg build article.txt -o out          # out/graph.ttl, graph.nq.gz, graph.html, report.json
  policykg build page.html --published 2021-03-05 -o out
  policykg build corpus/ 'more/*.txt' -o out  # directories (recursive) and globs
  policykg build articles.jsonl -o out        # one article a line: {"text": …} or {"html": …}
  cat articles.jsonl | policykg build - -o out
  policykg build corpus/ -o out --jobs 8      # 8 worker processes (default: every core)
  policykg build corpus/ -o out --scheduler tcp://scheduler:8786  # extract on a Dask cluster

Building again into the same OUTDIR reads only the articles that changed (manifest.json),
drops those that are gone, and gives the same graph as a clean build.
exit status: 0 every document built; 1 some failed (OUTDIR/errors.jsonl lists them); 2 usage error.
"""


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def add_parser(sub):
    p = sub.add_parser("build", help="build the knowledge graph of articles",
                       description="Read articles (.txt, .md, .html; UTF-8, GB18030, UTF-16; JSON Lines; standard "
                                   "input) and write their merged knowledge graph.", epilog=EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files, directories, globs, .jsonl files, or - for standard input")
    p.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output directory")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for texts that lack one")
    p.add_argument("--no-html", action="store_true", help="do not write graph.html")
    p.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="worker processes (default: every core)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="extract on a dask.distributed cluster: its scheduler, e.g. tcp://host:8786")
    p.add_argument("--dask", metavar="local|ADDRESS",
                   help="'local' runs a Dask cluster of --jobs worker processes on this machine; "
                        "an address is the same as --scheduler")
    p.add_argument("--no-store", action="store_true",
                   help="do not keep the Oxigraph store (OUTDIR/store) used by queries")
    p.add_argument("--clean", action="store_true", help="ignore the previous build in OUTDIR and build everything")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", action="store_true", default=None,
                     help="show a progress bar (default: when standard error is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    from ..graph.formats import RdfFormat
    p.add_argument("--format", action="append", default=[], metavar="FORMAT",
                   choices=[f.value for f in RdfFormat] + ["ttl", "nt", "nq", "json-ld", "rdf", "xml"],
                   help="also write graph.<suffix> in this RDF format (repeatable): ntriples, trig, jsonld, "
                        "rdfxml, nquads (graph.nq: graph.nq.gz uncompressed); graph.ttl and graph.nq.gz are "
                        "always written")
    return p


def run(args) -> int:
    from ..extract.document import normalise_date
    from ..extract.errors import PolicyKGError
    published = args.published
    if published and not normalise_date(published):
        print(f"policykg build: --published {published!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    if args.scheduler and args.dask and args.scheduler != args.dask:
        print("policykg build: give --scheduler or --dask, not both", file=sys.stderr)
        return 2
    scheduler = args.scheduler or args.dask
    if args.inputs.count("-") > 1:
        print("policykg build: standard input (-) can be read once", file=sys.stderr)
        return 2
    from ..corpus import CorpusError, build_corpus
    try:
        r = build_corpus(args.inputs, args.out, jobs=args.jobs, scheduler=scheduler, published=published,
                         store=not args.no_store, html=not args.no_html, progress=args.progress, clean=args.clean)
    except CorpusError as e:
        print(f"policykg build: {e}", file=sys.stderr)
        return 2
    except PolicyKGError as e:
        print(f"policykg build: {e}", file=sys.stderr)
        return 1
    for f in r.failures:
        print(f"policykg build: {f.error}", file=sys.stderr)
    parts = [f"built {r.built} document(s)"]
    if not r.clean:
        parts.append(f"{r.skipped} unchanged, {r.removed} removed")
    summary = ", ".join(parts) + f"; {r.documents} in the graph, {r.triples} triples -> {args.out}/graph.ttl"
    if r.failures:
        summary += f"; {len(r.failures)} failed (see {args.out}/errors.jsonl)"
    print(summary, file=sys.stderr)
    if args.format and r.documents:
        # the other RDF formats, written from the build directory (N-Quads: the documents' graphs)
        from ..graph.formats import RdfFormat
        from ..graph.io import load_graph
        from ..graph.query import graph_file
        from ..graph.rdf_export import write_rdf
        from pathlib import Path
        wanted = [RdfFormat.parse(f) for f in args.format]
        if RdfFormat.NQUADS in wanted:
            from ..corpus import write_plain_nquads
            print(f"wrote {write_plain_nquads(args.out)}", file=sys.stderr)
        others = [f for f in dict.fromkeys(wanted) if f not in (RdfFormat.TURTLE, RdfFormat.NQUADS)]
        if others:
            g = load_graph(graph_file(args.out))
            for f in others:
                print(f"wrote {write_rdf(g, Path(args.out) / f'graph{f.suffix}', f)}", file=sys.stderr)
    return r.exit_status
