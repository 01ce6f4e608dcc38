"""policykg export GRAPH --format F -o FILE"""
from __future__ import annotations

import argparse
import sys

EXAMPLE = """examples:
  policykg export out/graph.ttl -o out/graph.nt               # format from the suffix
  policykg export out --format trig -o out/graph.trig         # one named graph per document
  policykg export out --format jsonld -o out/graph.jsonld     # with policykg's JSON-LD context
  policykg export out --format graphml -o out/graph.graphml   # for Gephi and Cytoscape

RDF formats: turtle (.ttl), ntriples (.nt), nquads (.nq), trig (.trig), jsonld (.jsonld), rdfxml (.rdf).
Network formats: graphml (.graphml), nodelink (.json, NetworkX node-link), cytoscape (.cyjs).
"""

NETWORK = {"graphml": ".graphml", "nodelink": ".json", "cytoscape": ".cyjs"}


def add_parser(sub):
    from ..graph.formats import RdfFormat
    choices = [f.value for f in RdfFormat] + list(NETWORK)
    p = sub.add_parser("export", help="convert a graph to another RDF or network format",
                       description="Write a saved graph in another format: RDF (Turtle, N-Triples, N-Quads, "
                                   "TriG, JSON-LD, RDF/XML) or a network for Gephi and Cytoscape.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", metavar="GRAPH", help="a graph file or a build directory")
    p.add_argument("--format", choices=choices, metavar="FORMAT",
                   help=f"one of {', '.join(choices)} (default: from the suffix of -o)")
    p.add_argument("-o", "--out", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--provenance", action="store_true",
                   help="network formats: keep the mentions and evidence links")
    return p


def _format(args):
    from pathlib import Path

    from ..graph.formats import RdfFormat
    if args.format:
        return args.format if args.format in NETWORK else RdfFormat(args.format)
    suffix = Path(args.out).suffix.lower()
    for name, suf in NETWORK.items():
        if suffix == suf and suf != ".json":
            return name
    return RdfFormat.from_path(args.out)


def run(args) -> int:
    from ..errors import PolicyKGError
    from ..graph.query import graph_file
    from ..graph.io import load_graph
    try:
        fmt = _format(args)
    except ValueError as e:
        print(f"policykg export: {e} (give --format)", file=sys.stderr)
        return 2
    try:
        g = load_graph(graph_file(args.graph))
    except (PolicyKGError, OSError, ValueError) as e:
        print(f"policykg export: {e}", file=sys.stderr)
        return 2
    if fmt in NETWORK:
        from ..graph import nx_export
        writer = {"graphml": nx_export.write_graphml, "nodelink": nx_export.write_node_link,
                  "cytoscape": nx_export.write_cytoscape}[fmt]
        path = writer(g, args.out, provenance=args.provenance)
        name = fmt
    else:
        from ..graph.rdf_export import write_rdf
        path = write_rdf(g, args.out, fmt)
        name = fmt.value
    print(f"wrote {len(g)} triples as {name} -> {path}", file=sys.stderr)
    return 0
