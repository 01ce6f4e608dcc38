"""policykg validate GRAPH"""
from __future__ import annotations

import argparse
import sys


def add_parser(sub):
    p = sub.add_parser("validate", help="check a graph against the SHACL shapes",
                       description="Validate a graph file against policykg's SHACL shapes; print a readable "
                                   "report; exit 1 on violations.",
                       epilog="example:\n  policykg validate out/graph.ttl",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", metavar="GRAPH", help="a graph file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML)")
    return p


def run(args) -> int:
    from ..graph.io import load_graph
    from ..ontology import validate
    try:
        g = load_graph(args.graph)
    except (OSError, ValueError) as e:
        print(f"policykg validate: {e}", file=sys.stderr)
        return 2
    result = validate(g)
    print(result.text)
    return 0 if result.conforms else 1
