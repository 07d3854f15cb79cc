"""Benchmarks of the web lab (``powerbalance serve``) on a live local server.

``run()`` returns (label, value, note) rows; run as a script to print them::

    python benchmarks/bench_web.py [--viewers 20] [--rounds 5] [--worlds 1000] [--repeats 3]

(``--worlds 0`` skips the large run; the load test then reads the one-world run.)

- first page load: a fresh browser page from navigation to the lab being ready
  (Debian's chromium; skipped without it); target < 1 s;
- one world of warring-states for 300 years end to end through the API (submit,
  progress stream to the end, summary, map and the world's data) and on screen in
  the browser; target < 1 s. Each is split into its parts: the simulation itself
  (the run's own ``simulate_seconds``), the API's overhead beyond the whole run,
  and on the page the phases it marks (submitted, simulated, fetched, drawn; the
  median of ``--repeats`` runs with fresh seeds on a warm server);
- a ``worlds``-world run through the API against :func:`powerbalance.run` itself
  (the CLI's engine): the ratio should be about 1;
- a bounded load test: ``viewers`` concurrent viewers on 127.0.0.1, each making
  ``rounds`` rounds of the requests a viewer makes (page, script, scenarios,
  scenario, run state, map, world); p50/p95/max latency and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

import powerbalance as pb
from powerbalance.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def server() -> Iterator[str]:
    """The lab on uvicorn in a thread on a free localhost port; yields its URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def api_run(base: str, body: dict[str, object]) -> tuple[str, float, dict[str, float]]:
    """Submit a run, follow its progress stream to the end, fetch what the page draws;
    returns the job, the seconds from submit to the world's data, and the run's timings."""
    t0 = time.perf_counter()
    with httpx.Client(base_url=base, timeout=600) as c:
        job = c.post("/api/runs", json=body).json()
        with c.stream("GET", f"/api/runs/{job['id']}/events") as r:
            for line in r.iter_lines():
                if line.startswith("data:") and json.loads(line[5:])["status"] in (
                        "done", "failed", "cancelled"):
                    break
        state = c.get(f"/api/runs/{job['id']}")
        state.raise_for_status()
        c.get(f"/api/runs/{job['id']}/map").raise_for_status()
        c.get(f"/api/runs/{job['id']}/worlds/0").raise_for_status()
    seconds = time.perf_counter() - t0
    return str(job["id"]), seconds, dict(state.json()["summary"]["timings"])


def wait_until(page: object, condition: str, arg: object = None, timeout: float = 120_000) -> None:
    """Wait for the JavaScript ``condition`` (a function of ``arg``) to hold, checked on every
    animation frame: the moment is seen within a frame. (``wait_for_selector`` checks after
    0, 20, 50, 100, 100 ms, then every 500 ms: a page ready at 300 ms is seen at 770 ms, so a
    time read off it is rounded up by up to half a second.)"""
    page.wait_for_function(condition, arg=arg, polling="raf", timeout=timeout)  # type: ignore[attr-defined]


def browser_rows(base: str, repeats: int = 3) -> list[tuple[str, float, str]]:
    """First page load and one 300-year world on screen, in chromium, by phase."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        t0 = time.perf_counter()
        page.goto(base + "/", wait_until="commit")
        wait_until(page, "() => document.body && document.body.dataset.ready === 'true'")
        seconds = time.perf_counter() - t0
        ready = page.evaluate("() => performance.getEntriesByName('lab-ready')[0]?.startTime")
        rows.append(("first page load (navigation to lab ready)", seconds,
                     "fresh browser, cold server; in the page: ready "
                     + (f"{ready / 1000:.3f} s" if ready is not None else "unmarked")
                     + " after navigation start; target < 1 s"))
        page.fill("#worlds", "1")
        page.fill("#years", "300")
        screen, sims, phases = [], [], []
        for k in range(repeats + 1):  # the first warms the server (its imports, one run)
            page.fill("#seed", str(77 + k))
            t0 = time.perf_counter()
            with page.expect_response(lambda r: r.url.endswith("/api/runs")) as info:
                page.click("#run")
            job = info.value.json()["id"]
            wait_until(page, "job => document.querySelector('#results').dataset.run === job",
                       job)
            seconds = time.perf_counter() - t0
            timings = httpx.get(f"{base}/api/runs/{job}").json()["summary"]["timings"]
            marks = json.loads(page.get_attribute("#results", "data-timings") or "{}")
            if k == 0:
                rows.append(("1 world x 300 years on screen, first run", seconds,
                             f"simulation {timings['simulate_seconds']:.2f} s"))
                continue
            screen.append(seconds)
            sims.append(timings["simulate_seconds"])
            phases.append(marks)
        median = statistics.median
        rest = median(a - b for a, b in zip(screen, sims, strict=True))
        rows.append(("1 world x 300 years on screen (click to drawn)", median(screen),
                     f"warring-states, median of {repeats}; of which simulation "
                     f"{median(sims):.2f} s, all the rest {rest:.3f} s; target < 1 s"))
        if all(phases):
            parts = {name: median(m[name] for m in phases) / 1000
                     for name in ("submitted", "simulated", "fetched", "drawn")}
            rows.append(("  on screen: the page's phases (s from click, median)",
                         parts["drawn"],
                         f"submitted {parts['submitted']:.3f}, simulated (stream says done) "
                         f"{parts['simulated']:.3f}, fetched {parts['fetched']:.3f}, "
                         f"drawn {parts['drawn']:.3f}"))
        browser.close()
    return rows


async def load_test(base: str, job: str, viewers: int, rounds: int
                    ) -> tuple[list[float], int, int]:
    """``viewers`` concurrent clients, ``rounds`` rounds each; latencies and error count."""
    paths = ["/", "/static/app.js", "/api/scenarios", "/api/scenarios/warring-states",
             f"/api/runs/{job}", f"/api/runs/{job}/map", f"/api/runs/{job}/worlds/0"]
    latencies: list[float] = []
    errors = 0

    async def viewer() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            for _ in range(rounds):
                for path in paths:
                    t0 = time.perf_counter()
                    try:
                        r = await c.get(path)
                        errors += r.status_code != 200
                    except httpx.HTTPError:
                        errors += 1
                    latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(viewer() for _ in range(viewers)))
    return latencies, errors, viewers * rounds * len(paths)


def run(viewers: int = 20, rounds: int = 5, worlds: int = 1000, years: int = 300,
        repeats: int = 3) -> list[tuple[str, float, str]]:
    """Time the lab: page load, one world end to end, a large run, concurrent viewers."""
    rows: list[tuple[str, float, str]] = []
    with server() as base:
        if CHROMIUM.exists():
            rows += browser_rows(base, repeats)
        else:
            rows.append(("browser rows skipped", 0.0, "no /usr/bin/chromium"))
        t0 = time.perf_counter()
        pb.run("warring-states", worlds=1, years=300, seed=178)
        engine = time.perf_counter() - t0
        job, seconds, timings = api_run(base, {"scenario": "warring-states", "worlds": 1,
                                               "years": 300, "seed": 178})
        rows.append(("1 world x 300 years via the API (submit to world data)", seconds,
                     f"warring-states, progress stream, summary, map, world; simulation "
                     f"{timings['simulate_seconds']:.2f} s, whole run "
                     f"{timings['total_seconds']:.2f} s, API beyond the run "
                     f"{seconds - timings['total_seconds']:.3f} s; powerbalance.run itself: "
                     f"{engine:.2f} s; target < 1 s"))
        if worlds:
            t0 = time.perf_counter()
            pb.run("warring-states", worlds=worlds, years=years, seed=79)
            direct = time.perf_counter() - t0
            job, seconds, _ = api_run(base, {"scenario": "warring-states", "worlds": worlds,
                                             "years": years, "seed": 79})
            rows.append((f"{worlds} worlds x {years} years via the API", seconds,
                         f"powerbalance.run itself: {direct:.2f} s; ratio "
                         f"{seconds / direct:.2f} (target about 1)"))
        t0 = time.perf_counter()
        latencies, errors, total = asyncio.run(load_test(base, job, viewers, rounds))
        wall = time.perf_counter() - t0
        q = statistics.quantiles(latencies, n=100)
        rows.append((f"{viewers} viewers: p95 latency of API calls", q[94],
                     f"{total} requests in {wall:.1f} s, {errors} errors, p50 {q[49]:.3f} s, "
                     f"max {max(latencies):.3f} s ({max(worlds, 1)}-world run's pages)"))
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--worlds", type=int, default=1000)
    ap.add_argument("--years", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    for label, value, note in run(a.viewers, a.rounds, a.worlds, a.years, a.repeats):
        print(f"  {label:55s} {value:11.3f}  {note}")
