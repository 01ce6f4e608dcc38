"""policykg query GRAPH (QUERY | --file Q.rq | --name NAME)"""
from __future__ import annotations

import argparse
import sys

EXAMPLE = """examples:
  policykg query out/graph.ttl 'SELECT ?m ?date WHERE { ?m a pk:Meeting ; pk:date ?date }'
  policykg query out --name meetings --param locality=泰安市 --param from=2021-03-01
  policykg query out --name cascade --param locality=肥城市 --param date=2021-03-01 --format json
  policykg query out --file my.rq --format csv -o rows.csv
  policykg query --list                      # the named queries, with their parameters

The prefixes pk:, pkm:, pkl:, rdfs:, xsd:, dcterms:, skos:… are predeclared. SELECT and ASK
results are written as a table, or as csv, tsv, json (SPARQL 1.1 Query Results JSON) or xml;
CONSTRUCT and DESCRIBE results as Turtle (or ntriples).
"""

FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples")


def add_parser(sub):
    p = sub.add_parser("query", help="run SPARQL (or a named query) over a graph",
                       description="Run a SPARQL query over a graph file or build directory.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", nargs="?", metavar="GRAPH",
                   help="a graph file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) or a build directory")
    p.add_argument("query", nargs="?", metavar="QUERY", help="the SPARQL text")
    src = p.add_mutually_exclusive_group()
    src.add_argument("-f", "--file", metavar="Q.rq", help="read the query from a file")
    src.add_argument("-n", "--name", metavar="NAME", help="run a named query (see --list)")
    src.add_argument("--list", action="store_true", help="list the named queries and exit")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of the named query (repeatable)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                   help="SPARQL engine (default: oxigraph)")
    p.add_argument("--limit", type=int, metavar="N", help="write at most N rows")
    p.add_argument("--show", action="store_true", help="print the query text (parameters bound) instead of running it")
    p.add_argument("-o", "--out", metavar="FILE", help="write the result to FILE instead of standard output")
    return p


def _error(message: str) -> int:
    print(f"policykg query: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    from ..errors import PolicyKGError
    from ..graph.query_library import list_queries, named_query

    if args.list:
        for q in list_queries():
            print(q.describe())
        return 0
    if args.param and not args.name:
        return _error("--param applies to named queries (--name)")
    try:
        if args.name:
            if args.query:
                return _error("give either QUERY or --name, not both")
            params = {}
            for item in args.param:
                key, eq, value = item.partition("=")
                if not eq:
                    return _error(f"--param {item!r}: expected NAME=VALUE")
                params[key.strip()] = value
            nq = named_query(args.name)
            text, name = nq.render(params), nq.path.name
        elif args.file:
            if args.query:
                return _error("give either QUERY or --file, not both")
            try:
                with open(args.file, encoding="utf-8") as f:
                    text, name = f.read(), args.file
            except OSError as e:
                return _error(f"{args.file}: {e.strerror or e}")
        elif args.query:
            text, name = args.query, "query"
        else:
            return _error("no query: give QUERY, --file Q.rq or --name NAME (see --list)")
        if args.show:
            print(text, end="" if text.endswith("\n") else "\n")
            return 0
        if not args.graph:
            return _error("no GRAPH given")
        return _run_query(args, text, name)
    except PolicyKGError as e:
        return _error(str(e))


def _run_query(args, text: str, name: str) -> int:
    from ..corpus import corpus_store
    from ..graph.query import Engine, execute, open_graph
    from ..graph.results import ResultFormat, format_result

    # a corpus build directory is queried in its store, not by loading graph.ttl
    graph = corpus_store(args.graph) if Engine(args.engine) is Engine.OXIGRAPH else None
    if graph is None:
        graph = open_graph(args.graph, args.engine)
    result = execute(graph, text, engine=args.engine, max_rows=args.limit, name=name)
    kind = result.kind
    fmt = ResultFormat(args.format)
    if kind == "graph" and fmt not in (ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.TABLE):
        return _error(f"--format {args.format} is for SELECT and ASK results; a CONSTRUCT or DESCRIBE "
                      "result is written as turtle or ntriples")
    if kind != "graph" and fmt in (ResultFormat.TURTLE, ResultFormat.NTRIPLES):
        return _error(f"--format {args.format} is for CONSTRUCT and DESCRIBE results; use table, csv, tsv, "
                      "json or xml")
    out = format_result(result, fmt)
    if fmt is ResultFormat.TABLE and not out.endswith("\n"):
        out += "\n"
    if args.out:
        from ..graph.turtle import write_text_atomic
        write_text_atomic(args.out, out)
    else:
        sys.stdout.write(out)
    if kind != "ask":
        what = "triple" if kind == "graph" else "row"
        note = f" (cut at --limit {args.limit})" if result.truncated else ""
        print(f"{len(result)} {what}{'s' * (len(result) != 1)}{note}", file=sys.stderr)
    return 0
