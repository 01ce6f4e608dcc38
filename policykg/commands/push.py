"""policykg push OUTDIR --endpoint URL"""
from __future__ import annotations

import argparse
import os
import sys

EXAMPLE = """examples:
  policykg push out --endpoint http://localhost:8890/sparql-graph-crud-auth --user dba --password dba
  policykg push out --endpoint http://localhost:3030/ds/data --user admin    # password from POLICYKG_PASSWORD
  policykg push out --endpoint http://localhost:7878/store --graph https://example.org/policykg

Each document goes to its own named graph (as in OUTDIR/graph.nq.gz), replaced with HTTP PUT;
a later push sends only the documents that changed and drops the graphs of those that are
gone. With --graph the merged graph goes into that one graph.
For bulk loading a big corpus, give the server OUTDIR/graph.nq.gz (gzip N-Quads) directly.
"""


def add_parser(sub):
    p = sub.add_parser("push", help="send a built corpus to a server over the SPARQL Graph Store Protocol",
                       description="Send the graph built in OUTDIR to a server store over the SPARQL 1.1 "
                                   "Graph Store HTTP Protocol.", epilog=EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("outdir", metavar="OUTDIR", help="a directory written by policykg build")
    p.add_argument("--endpoint", required=True, metavar="URL", help="the Graph Store Protocol endpoint")
    p.add_argument("--user", help="user name (HTTP Basic or Digest authentication, as the server asks)")
    p.add_argument("--password", help="password (default: the POLICYKG_PASSWORD environment variable)")
    p.add_argument("--graph", metavar="IRI", help="put the merged graph into this one named graph")
    p.add_argument("--full", action="store_true", help="send every document, not only those changed since "
                                                       "the last push to this endpoint")
    p.add_argument("--parallel", type=int, default=4, metavar="N", help="requests at once (default 4)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="per request (default 300)")
    return p


def run(args) -> int:
    from ..corpus import CorpusError
    from ..extract.errors import PolicyKGError
    from ..push import push_corpus
    if args.parallel < 1:
        print("policykg push: --parallel must be at least 1", file=sys.stderr)
        return 2
    password = args.password if args.password is not None else os.environ.get("POLICYKG_PASSWORD")
    try:
        r = push_corpus(args.outdir, args.endpoint, user=args.user, password=password, graph=args.graph,
                        full=args.full, parallel=args.parallel, timeout=args.timeout)
    except CorpusError as e:
        print(f"policykg push: {e}", file=sys.stderr)
        return 2
    except PolicyKGError as e:
        print(f"policykg push: {e}", file=sys.stderr)
        return 1
    if args.graph:
        print(f"pushed {r.triples} triples into <{args.graph}> at {args.endpoint}", file=sys.stderr)
    else:
        print(f"pushed {r.put} document graph(s) ({r.triples} triples), {r.unchanged} unchanged, "
              f"{r.deleted} dropped -> {args.endpoint}", file=sys.stderr)
    return 0
