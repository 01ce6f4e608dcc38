"""policykg explain FILE"""
from __future__ import annotations

import argparse
import sys


def add_parser(sub):
    p = sub.add_parser("explain", help="show each rule's hits and the cue sentences no rule read",
                       description="For rule authors: list every rule that fired on FILE with the text it read, "
                                   "then the sentences with a cue word (会议, 强调, 要求, 项, 环节…) that no rule "
                                   "consumed.",
                       epilog="example:\n  policykg explain article.txt | less",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--published", metavar="YYYY-MM-DD")
    return p


def run(args) -> int:
    from ..errors import PolicyKGError
    from ..extract.document import Document
    from ..extract.explain import explain
    try:
        doc = Document.from_path(args.file, published=args.published)
    except PolicyKGError as e:
        print(f"policykg explain: {e}", file=sys.stderr)
        return 1
    print(explain(doc).format())
    return 0
