"""policykg build INPUT... -o OUTDIR"""
from __future__ import annotations

import argparse
import sys

EXAMPLE = """examples:
  policykg build article.txt -o out          # writes out/graph.ttl, out/graph.html, out/report.json
  policykg build page.html --published 2021-03-05 -o out
  policykg build corpus/ 'more/*.txt' -o out  # directories and globs
"""


def add_parser(sub):
    p = sub.add_parser("build", help="build the knowledge graph of articles",
                       description="Read articles (.txt, .md, .html; UTF-8, GB18030, UTF-16) and write their "
                                   "knowledge graph.", epilog=EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories or globs")
    p.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output directory")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for texts that lack one")
    p.add_argument("--no-html", action="store_true", help="do not write graph.html")
    return p


def run(args) -> int:
    from ..api import build
    from ..extract.document import normalise_date
    published = args.published
    if published and not normalise_date(published):
        print(f"policykg build: --published {published!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    kg = build(args.inputs, published=published)
    kg.write(args.out, html=not args.no_html)
    for f in kg.failures:
        print(f"policykg build: {f.error}", file=sys.stderr)
    n_ok, n_bad = len(kg.documents), len(kg.failures)
    print(f"built {n_ok} document(s), {len(kg.graph)} triples -> {args.out}/graph.ttl"
          + (f"; {n_bad} failed (see {args.out}/errors.jsonl)" if n_bad else ""), file=sys.stderr)
    if n_bad:
        return 1
    return 0
