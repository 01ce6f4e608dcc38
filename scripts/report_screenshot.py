#!/usr/bin/env python3
"""Regenerate docs/report.png: the top of the campaign cascade report, drawn by headless Chromium.

Builds the dev articles into one graph (or reads a graph file), writes the report page, opens
it from disk with every network request refused, and saves the top of the page down to the
end of the first cascade timeline (``--full`` for the whole page).

    python scripts/report_screenshot.py                         # writes docs/report.png
    python scripts/report_screenshot.py --graph out/graph.ttl --out /tmp/report.png --full

Needs Chromium (Debian package ``chromium``), matplotlib and playwright (the ``test`` extra).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_TEXTS = ROOT.parent / "shared" / "eval" / "dev" / "texts"


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("report_screenshot: chromium is not installed (Debian package chromium)")


def report_page(graph: Path | None, texts: Path, out_dir: Path) -> Path:
    from policykg.graph.report import open_graph, write_report
    if graph is None:
        import policykg
        kg = policykg.build(texts)
        if not kg.documents:
            raise SystemExit(f"report_screenshot: no article read from {texts}")
        g, source = kg.graph, f"{texts.name}/ ({len(kg.documents)} articles)"
    else:
        g, source = open_graph(graph), graph.name
    return write_report(g, out_dir / "report.html", source=source)["html"]


def screenshot(page_path: Path, out: Path, *, width: int = 1280, full: bool = False) -> Path:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(page_path.as_uri(), wait_until="load")
            out.parent.mkdir(parents=True, exist_ok=True)
            if full:
                page.screenshot(path=str(out), full_page=True)
            else:
                bottom = page.evaluate("""() => {
                    const f = document.querySelector('#cascade figure');
                    return f ? f.getBoundingClientRect().bottom + window.scrollY + 16 : 1600;
                }""")
                page.screenshot(path=str(out), full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": min(bottom, 2400)})
        finally:
            browser.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, help="a graph file (default: build the dev articles)")
    ap.add_argument("--texts", type=Path, default=DEV_TEXTS, help="the articles to build when no --graph")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    ap.add_argument("--full", action="store_true", help="the whole page, not only its top")
    args = ap.parse_args(argv)
    if args.graph is None and not args.texts.is_dir():
        print(f"report_screenshot: {args.texts}: no such directory", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = report_page(args.graph, args.texts, Path(tmp))
        out = screenshot(page, args.out, full=args.full)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
