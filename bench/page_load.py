"""How soon the live page is usable on a slow phone: Chromium with the CPU throttled 4x and
a 1.6 Mbps / 400 ms network (Chrome DevTools' "Slow 4G"-like preset), through CDP.

    python -m bench.page_load                 # 5 cold and 5 warm loads of each page
    python -m bench.page_load --runs 9 --out bench/results/page-load.json
    python -m bench.page_load --page home     # the attendee's home instead (or agenda)

"Ready" is the issue's measure: the moment the page says it is connected and its ask form
is enabled (``#conn[data-state=connected]`` and ``#ask-fields`` not disabled; pages without
an ask form, home and the agenda, are ready once connected). "Usable" is
ready and painted too (its first contentful paint: a page whose scripts run before its first
frame is not usable sooner). Both in ms from the start of the navigation
(``performance.now()`` in the page). A cold load has an empty cache; a
warm load is the same page again in the same browser context, as an attendee who comes
back to it (the versioned static files are cached for a year and not asked for again).

The bare baseline is the least any server must do for the same result: one HTML page
with its script inline, one websocket, one hello answered (``bench/bare_server.py``
serves it at ``/bare-live``). Rencontre's live page needs its styles and modules, the
websocket, ``auth.hello`` and ``room.join``.

Chromium is Debian's ``/usr/bin/chromium`` through Playwright, as in the browser tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, async_playwright

from bench.targets import Bare, Rencontre, Target

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CPU_SLOWDOWN = 4
LATENCY_MS = 400
THROUGHPUT = 1.6e6 / 8  # bytes per second, both ways
SESSION = "s01"
GOAL_MS = 1500
PAGES = {"live": f"/live/{SESSION}", "home": "/", "agenda": "/agenda"}

# Records the moment the page is usable: connected, the ask form enabled, and painted.
USABLE = """
(() => {
  let readyAt = null;
  let paintedAt = null;
  const settle = () => {
    if (readyAt !== null && paintedAt !== null) {
      window.readyAt = readyAt;
      window.usableAt = Math.max(readyAt, paintedAt);
    }
  };
  const check = () => {
    if (readyAt !== null) return;
    const conn = document.getElementById("conn");
    const ask = document.getElementById("ask-fields");
    if (conn && conn.dataset.state === "connected" && (!ask || !ask.disabled)) {
      readyAt = performance.now();
      settle();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-state", "disabled"],
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === "first-contentful-paint" && paintedAt === null) {
        paintedAt = entry.startTime;
        settle();
      }
    }
  }).observe({ type: "paint", buffered: true });
})();
"""


async def throttle(page: Any) -> None:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": THROUGHPUT, "uploadThroughput": THROUGHPUT,
    })


async def load(browser: Browser, url: str, cookie: dict[str, Any] | None, warm: bool
               ) -> dict[str, float]:
    """One navigation (after a first, unmeasured one when ``warm``): usable time, bytes."""
    context = await browser.new_context(viewport={"width": 390, "height": 844},
                                        locale="es-MX", timezone_id="America/Mexico_City",
                                        bypass_csp=True)  # for wait_for_function only
    if cookie:
        await context.add_cookies([cookie])
    await context.add_init_script(USABLE)
    page = await context.new_page()
    await throttle(page)
    try:
        if warm:
            await page.goto(url)
            await page.wait_for_function("window.usableAt", timeout=60_000)
        await page.goto(url)
        await page.wait_for_function("window.usableAt", timeout=60_000)
        usable = await page.evaluate("window.usableAt")
        ready = await page.evaluate("window.readyAt")
        transferred = await page.evaluate(
            "performance.getEntriesByType('navigation').concat("
            "performance.getEntriesByType('resource'))"
            ".reduce((sum, e) => sum + (e.transferSize || 0), 0)")
        requests = await page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.transferSize > 0).length + 1")
        return {"usable_ms": usable, "ready_ms": ready, "bytes": transferred,
                "requests": requests}
    finally:
        await context.close()


async def measure(target: Target, runs: int, page: str = "live") -> dict[str, Any]:
    target.start()
    try:
        port = target.processes[0].port
        if isinstance(target, Rencontre):
            url = f"http://127.0.0.1:{port}{PAGES[page]}"
            cookie = {"name": "rencontre_token", "value": target.attendee_token,
                      "domain": "127.0.0.1", "path": "/"}
            await start_session(port, target.organiser_token)
        else:
            url, cookie = f"http://127.0.0.1:{port}/bare-live", None
        out: dict[str, Any] = {}
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for kind in ("cold", "warm"):
                    samples = [await load(browser, url, cookie, kind == "warm")
                               for _ in range(runs)]
                    times = sorted(s["usable_ms"] for s in samples)
                    out[kind] = {"median_ms": statistics.median(times), "max_ms": times[-1],
                                 "ready_median_ms": statistics.median(
                                     s["ready_ms"] for s in samples),
                                 "min_ms": times[0],
                                 "bytes": statistics.median(s["bytes"] for s in samples),
                                 "requests": statistics.median(s["requests"] for s in samples),
                                 "samples_ms": times}
            finally:
                await browser.close()
        return out
    finally:
        target.stop()


async def start_session(port: int, token: str) -> None:
    """The session goes live, so that its questions are open (the ask form is enabled)."""
    from websockets.asyncio.client import connect

    async with connect(f"ws://127.0.0.1:{port}/ws") as ws:
        await ws.send(json.dumps({"type": "auth.hello", "id": 1, "data": {"token": token}}))
        await ws.recv()
        await ws.send(json.dumps({"type": "session.start", "id": 2,
                                  "data": {"session": SESSION}}))
        while json.loads(await ws.recv()).get("id") != 2:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", choices=sorted(PAGES), default="live",
                        help="the page of Rencontre to load (default: the live page)")
    parser.add_argument("--out", type=Path, help="results file (default "
                        "bench/results/page-load.json, page-load-home.json for --page home…)")
    args = parser.parse_args()
    if args.out is None:
        suffix = "" if args.page == "live" else f"-{args.page}"
        args.out = Path(f"bench/results/page-load{suffix}.json")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rencontre-page-") as workdir:
        results = {name: asyncio.run(measure(cls(Path(workdir)), args.runs, args.page))
                   for name, cls in (("rencontre", Rencontre), ("bare", Bare))}
    print(f"\n{PAGES[args.page]} ready (connected, ask form enabled) and usable (ready and "
          f"painted), "
          f"CPU {CPU_SLOWDOWN}x slower, "
          f"{THROUGHPUT * 8 / 1e6:g} Mbps, {LATENCY_MS} ms; {args.runs} loads each; goal "
          f"<= {GOAL_MS} ms")
    print(f"{'':30}{'rencontre':>12}{'bare':>12}{'ratio':>8}")
    for kind in ("cold", "warm"):
        for key, label in (("ready_median_ms", "ready, median (ms)"),
                           ("median_ms", "usable, median (ms)"), ("max_ms", "usable, max (ms)"),
                           ("bytes", "bytes transferred"), ("requests", "requests")):
            ours, bare = results["rencontre"][kind][key], results["bare"][kind][key]
            ratio = f"{ours / bare:.2f}" if bare else "–"
            print(f"{kind + ' ' + label:30}{ours:>12,.0f}{bare:>12,.0f}{ratio:>8}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results, "runs": args.runs, "page": args.page,
                                    "seconds": time.monotonic() - started}, indent=2))
    print(f"\nresults in {args.out} ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
