"""Regenerate docs/seed-view.png: the seed article's graph page, drawn by headless Chromium.

Builds the graph of ../shared/eval/dev/texts/seed.txt, writes its page, opens it from disk with
networking disabled, selects the 肥城市 meeting (its panel shows the source sentence with the
quoted span highlighted), frames the cascade of meetings and localities, and saves a PNG.

    python scripts/screenshot.py                 # writes docs/seed-view.png
    python scripts/screenshot.py --out /tmp/x.png --seed path/to/article.txt --lang en

Needs Chromium (Debian package ``chromium``) and CJK fonts (``fonts-noto-cjk``).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "eval" / "dev" / "texts" / "seed.txt"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("screenshot: chromium is not installed (Debian package chromium)")


def screenshot(seed: Path, out: Path, *, lang: str = "zh", width: int = 1600, height: int = 1000) -> Path:
    import policykg
    from playwright.sync_api import sync_playwright

    kg = policykg.build([seed])
    if kg.failures:
        raise SystemExit(f"screenshot: {kg.failures[0].error}")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "graph.html"
        from policykg.graph.html_view import write_html
        write_html(kg.graph, page_path, lang=lang)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else route.abort())
                page.goto(page_path.as_uri())
                page.wait_for_function("window.pkView && window.pkView.ready", timeout=60000)
                page.evaluate("""() => {
                    const v = window.pkView, nodes = v.view.nodes;
                    const m = nodes.find(n => n.cls === "Meeting" && n.label.startsWith("肥城市"))
                           || nodes.find(n => n.cls === "Meeting");
                    if (m) { v.select(m.id, false); }
                    const core = nodes.filter(n => ["Meeting", "Locality", "Campaign", "Document"].includes(n.cls))
                                      .map(n => n.id);
                    v.network.fit({nodes: core, animation: false});
                    v.network.redraw();
                }""")
                page.wait_for_timeout(300)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
            finally:
                browser.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=SEED, help="the article to draw (default: the seed)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "seed-view.png")
    ap.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = ap.parse_args(argv)
    if not args.seed.is_file():
        print(f"screenshot: {args.seed}: no such file", file=sys.stderr)
        return 2
    out = screenshot(args.seed, args.out, lang=args.lang)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
