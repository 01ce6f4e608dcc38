"""policykg serve GRAPH [--port N]"""
from __future__ import annotations

import argparse
import ipaddress
import sys

EXAMPLE = """examples:
  policykg serve out                       # http://127.0.0.1:8000/sparql, /graph.html, /query
  policykg serve out/graph.ttl --port 8080 --timeout 10 --max-rows 5000
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?m WHERE { ?m a pk:Meeting }' \\
       http://127.0.0.1:8000/sparql

The endpoint is read-only (updates get 403); a query past --timeout is cut off (503).
It listens on 127.0.0.1 only unless --host says otherwise.
"""


def add_parser(sub):
    p = sub.add_parser("serve", help="serve a graph as a SPARQL endpoint with its HTML view",
                       description="Serve a graph over HTTP: a SPARQL 1.1 Protocol endpoint at /sparql, "
                                   "the HTML view at /graph.html and a query page at /query.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", metavar="GRAPH", help="a graph file or a build directory")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="cut off a query after this many seconds (default 30)")
    p.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                   help="return at most N rows or triples (default 10000)")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="query processes, each holding the graph (default 2)")
    p.add_argument("--verbose", action="store_true", help="log every request")
    return p


def run(args) -> int:
    from ..errors import PolicyKGError
    from ..graph.server import serve
    if args.timeout <= 0 or args.max_rows <= 0 or args.workers <= 0:
        print("policykg serve: --timeout, --max-rows and --workers must be positive", file=sys.stderr)
        return 2
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback:
        print(f"policykg serve: listening on {args.host}: other machines can reach this endpoint",
              file=sys.stderr)

    def ready(server):
        print(f"serving {server.config.graph} at {server.url}/sparql (view: {server.url}/graph.html, "
              f"query page: {server.url}/query); Ctrl-C stops", file=sys.stderr, flush=True)

    from ..corpus import corpus_store_path
    # a corpus build directory is served from its store, which each worker opens read-only
    store = corpus_store_path(args.graph)
    try:
        serve(args.graph, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
              workers=args.workers, verbose=args.verbose, ready=ready, store=str(store or ""))
    except (PolicyKGError, RuntimeError) as e:
        print(f"policykg serve: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"policykg serve: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0
