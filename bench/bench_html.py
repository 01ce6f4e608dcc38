"""How long the graph page takes to build in Python and to render in headless Chromium.

For generated corpus graphs of several sizes (and the seed article when ../shared is present):
the view model's build time, the page's render time and size, and in the browser the time from
navigation to the first stable render (the page sets ``pkView.ready`` after its first drawing
with the data loaded, the controls built and, when physics is on, the layout stabilised).
Medians of ``--repeat`` runs; the machine is shared, so compare the ratios.

    python bench/bench_html.py                       # 1000 and 5000 nodes, 3 runs each
    python bench/bench_html.py --sizes 5000 20000 --repeat 5
    python bench/bench_html.py --force 300           # also a force-layout page of 300 nodes
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "eval" / "dev" / "texts" / "seed.txt"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]


def python_side(graph, repeat: int, **opts) -> dict:
    from policykg.graph.html_view import render_view
    from policykg.graph.view import build_view
    views, renders = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        view = build_view(graph)
        t1 = time.perf_counter()
        page = render_view(view, **opts)
        t2 = time.perf_counter()
        views.append(t1 - t0)
        renders.append(t2 - t1)
    return {"view_s": statistics.median(views), "render_s": statistics.median(renders), "page": page,
            "nodes": len(view["nodes"]), "edges": len(view["edges"])}


def browser_side(browser, path: Path, repeat: int) -> dict:
    ready, wall = [], []
    for _ in range(repeat):
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, offline=True)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        t0 = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("() => window.pkView && window.pkView.ready === true", timeout=600_000, polling=50)
        wall.append(time.perf_counter() - t0)
        ready.append(page.evaluate("pkView.readyMs") / 1000)
        counts = page.evaluate("pkView.counts()")
        marks = dict(page.evaluate("performance.getEntriesByType('mark').map(m => [m.name, m.startTime])"))
        ctx.close()
        if errors:
            raise SystemExit(f"bench: {path}: console errors: {errors[:3]}")
    return {"ready_s": statistics.median(ready), "wall_s": statistics.median(wall), "counts": counts,
            "marks": marks}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--force", type=int, metavar="N", help="also time a force-layout (physics) page of N nodes")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from policykg.graph.synthetic import synthetic_graph
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("bench: chromium is not installed (Debian package chromium)", file=sys.stderr)
        return 2
    cases = []
    if SEED.is_file():
        import policykg
        cases.append(("seed article", policykg.build([SEED]).graph, {}))
    for n in args.sizes:
        cases.append((f"generated {n}", synthetic_graph(n), {}))
    if args.force:
        cases.append((f"generated {args.force}, force", synthetic_graph(args.force), {"layout": "force"}))

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for name, graph, opts in cases:
                py = python_side(graph, args.repeat, **opts)
                path = Path(tmp) / f"{len(rows)}.html"
                path.write_text(py["page"], encoding="utf-8")
                br = browser_side(browser, path, args.repeat)
                assert br["counts"]["nodes"] == py["nodes"] and br["counts"]["edges"] == py["edges"]
                rows.append((name, py, br, path.stat().st_size))
                print(f"{name}: {py['nodes']} nodes, {py['edges']} edges; view {py['view_s']:.2f} s, "
                      f"render {py['render_s']:.2f} s, page {path.stat().st_size:,} bytes; first stable render "
                      f"{br['ready_s']:.2f} s after navigation (wall {br['wall_s']:.2f} s; "
                      + ", ".join(f"{k} {v / 1000:.2f}" for k, v in br["marks"].items()) + ")", flush=True)
        finally:
            browser.close()

    print()
    print("| graph | nodes | edges | view model s | render s | page bytes | first stable render s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, py, br, size in rows:
        print(f"| {name} | {py['nodes']} | {py['edges']} | {py['view_s']:.2f} | {py['render_s']:.2f} | {size:,} "
              f"| {br['ready_s']:.2f} |")
    big = [r for r in rows if r[0].startswith("generated") and "force" not in r[0]]
    if len(big) >= 2:
        (n0, a, ab, _), (n1, b, bb, _) = big[0], big[-1]
        print(f"\n{b['nodes'] / a['nodes']:.1f}x the nodes: {bb['ready_s'] / ab['ready_s']:.1f}x the render time, "
              f"{b['view_s'] / a['view_s']:.1f}x the view-model time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
