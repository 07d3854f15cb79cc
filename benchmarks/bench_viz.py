"""Benchmarks of the visualisation layer: a report of a large run and a long animation.

``run()`` returns (label, seconds, note) rows; run as a script to print them::

    python benchmarks/bench_viz.py [--worlds 1000] [--years 300]

Generating the run is not counted; reading its folder is (the report
command starts from the folder).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import powerbalance as pb  # noqa: E402
from powerbalance.viz import (  # noqa: E402
    actor_names,
    map_animation,
    overview_figure,
    save_animation,
    save_figure,
    write_report,
)


def run(worlds: int = 1000, years: int = 300, seed: int = 2026) -> list[tuple[str, float, str]]:
    """Time the report of a ``worlds`` x ``years`` Warring States run and a map animation."""
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        t0 = time.perf_counter()
        pb.run("warring-states", worlds=worlds, years=years, seed=seed, out=folder)
        rows.append(("simulate (not counted)", time.perf_counter() - t0,
                     f"{worlds} worlds x {years} years"))

        t0 = time.perf_counter()
        html = write_report(folder, Path(tmp) / "report.html")
        rows.append(("report html", time.perf_counter() - t0,
                     f"load + 6 figures + tables, {html.stat().st_size / 1e6:.2f} MB; "
                     "target < 10 s"))

        result = pb.load_run(folder)
        t0 = time.perf_counter()
        save_figure(overview_figure(result), Path(tmp) / "overview.png", 1200, 500)
        rows.append(("overview png", time.perf_counter() - t0, "1200 x 500 px"))

        t0 = time.perf_counter()
        anim = map_animation(result.map, result.links, result.provinces,
                             names=actor_names(result.actors), events=result.events)
        gif = save_animation(anim, Path(tmp) / "map.gif", fps=15)
        rows.append(("animation gif", time.perf_counter() - t0,
                     f"{years + 1} frames, {gif.stat().st_size / 1e6:.2f} MB; target < 30 s"))
    return rows


def main() -> None:
    """Print the benchmark rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=1000)
    parser.add_argument("--years", type=int, default=300)
    args = parser.parse_args()
    for label, seconds, note in run(args.worlds, args.years):
        print(f"{label:<24} {seconds:8.2f} s   {note}")


if __name__ == "__main__":
    main()
