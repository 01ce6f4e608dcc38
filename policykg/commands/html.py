"""policykg html GRAPH -o FILE"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXAMPLE = """examples:
  policykg html out/graph.ttl -o graph.html            # the whole graph, one file, opens offline
  policykg html out/graph.ttl -o feicheng.html --focus 肥城市
  policykg html corpus.ttl -o part.html --max-nodes 2000 --lang en --layout date
"""


def add_parser(sub):
    p = sub.add_parser("html", help="draw a graph as an interactive page that opens offline",
                       description="Write one self-contained HTML page (no network access) that draws a saved "
                                   "graph: legend, search, filters by class, locality, campaign and date, "
                                   "neighbourhoods, and a cascade layout (全国 → 省 → 市 → 县) of who followed whom.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", metavar="GRAPH",
                   help="a graph file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) or a build directory")
    p.add_argument("-o", "--out", metavar="FILE", help="the page to write (default: GRAPH with suffix .html)")
    p.add_argument("--max-nodes", type=int, metavar="N",
                   help="draw at most N nodes (meetings and localities first, then by degree)")
    p.add_argument("--focus", metavar="NAME",
                   help="draw only the part around a locality or campaign (label, code or IRI)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="labels of classes and properties (default zh)")
    p.add_argument("--layout", choices=("cascade", "date", "force"), default="cascade",
                   help="starting layout (default cascade; force only for graphs up to --threshold nodes)")
    p.add_argument("--threshold", type=int, default=None, metavar="N",
                   help="above N nodes physics stays off and positions come precomputed (default 1000)")
    return p


def run(args) -> int:
    from ..errors import PolicyKGError
    from ..graph.html_view import write_html
    from ..graph.io import load_graph
    from ..graph.view import DEFAULT_THRESHOLD
    src = Path(args.graph)
    if src.is_dir():
        src = src / "graph.ttl"
    out = Path(args.out) if args.out else src.with_suffix(".html")
    if args.max_nodes is not None and args.max_nodes < 1:
        print("policykg html: --max-nodes must be at least 1", file=sys.stderr)
        return 2
    try:
        g = load_graph(src)
    except (OSError, ValueError) as e:
        print(f"policykg html: {e}", file=sys.stderr)
        return 2
    try:
        write_html(g, out, lang=args.lang, layout=args.layout, max_nodes=args.max_nodes, focus=args.focus,
                   threshold=args.threshold if args.threshold is not None else DEFAULT_THRESHOLD)
    except PolicyKGError as e:
        print(f"policykg html: {src}: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({out.stat().st_size} bytes)", file=sys.stderr)
    return 0
