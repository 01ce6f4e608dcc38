"""The ``policykg`` command line: one library call per command.

Exit status: 0 when everything asked for was done; 1 when some documents failed
(the others are built, ``OUTDIR/errors.jsonl`` lists the failures) or a graph does
not conform; 2 for a usage error.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("build", "validate", "explain", "html", "query", "serve", "export", "push", "report")


def parser() -> argparse.ArgumentParser:
    from . import __version__
    ap = argparse.ArgumentParser(
        prog="policykg",
        description="Knowledge graphs of Chinese local-government meeting reports.",
        epilog="Example: policykg build article.txt -o out && policykg validate out/graph.ttl",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"policykg {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as e:
            if e.name and e.name.endswith(f"commands.{name}"):
                continue
            raise
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if not getattr(args, "_run", None):
        ap.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
