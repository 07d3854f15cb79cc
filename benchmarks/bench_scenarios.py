"""Benchmarks of issue 5: presets, experiments and historical scenarios (not part of CI).

``run()`` returns ``(label, seconds, note)`` rows; running the file prints them::

    .venv/bin/python benchmarks/bench_scenarios.py

Targets: one ``cusack-stoll`` world (98 states, 500 turns) under 0.1 s and 100 worlds
batched under 2 s; each ``experiment`` at its default size under a minute.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from powerbalance.experiments.claims import EXPERIMENTS, run_experiment
from powerbalance.presets import cederman, cusack_stoll

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _best(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> list[tuple[str, float, str]]:
    """Run every benchmark once (best of three for the presets); return the rows."""
    rows: list[tuple[str, float, str]] = []
    p = cusack_stoll.CusackStollParams()
    cusack_stoll.simulate(p, 0, [0], turns=5)  # warm up
    one = _best(lambda: cusack_stoll.simulate(p, 0, [0]))
    rows.append(("cusack-stoll: 1 world x 500 turns (simulate)", one, "target < 0.1 s"))
    hundred = _best(lambda: cusack_stoll.simulate(p, 0, np.arange(100)))
    rows.append(("cusack-stoll: 100 worlds x 500 turns (simulate)", hundred, "target < 2 s"))
    t0 = time.perf_counter()
    cusack_stoll.run(worlds=100, seed=0, every=10)
    rows.append(("cusack-stoll: 100 worlds with tables and summary", time.perf_counter() - t0,
                 "tables every 10 turns"))
    t0 = time.perf_counter()
    cederman.run(worlds=100, seed=0)
    rows.append(("cederman-polarity: 100 worlds x 1000 steps", time.perf_counter() - t0,
                 "10 x 10 grid"))
    data = os.environ.get("POWERBALANCE_DATA") or (str(DATA) if DATA.is_dir() else "")
    for exp in sorted(EXPERIMENTS.values(), key=lambda e: e.claim):
        if exp.runner is not None and not data:
            rows.append((f"experiment {exp.name}", float("nan"), "skipped: no COW data"))
            continue
        options = f"1914,data={data}" if exp.runner is not None else ""
        t0 = time.perf_counter()
        r = run_experiment(exp, seed=0, options=options, keep_runs=False)
        rows.append((f"experiment {exp.name} ({r.worlds} worlds/arm)",
                     time.perf_counter() - t0, f"target < 60 s; claim {r.verdict()}"))
    return rows


if __name__ == "__main__":
    for label, seconds, note in run():
        print(f"{label:55s} {seconds:9.3f} s  {note}")
