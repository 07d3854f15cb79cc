"""Benchmarks of the presets (issues 5 and 18) and of the claims' experiments (not part of CI).

Each case runs in its own process (``benchmarks/run.py`` starts one per case and repeat,
and reports that process's own CPU time and peak memory); the presets' figures are CPU
time (``time.process_time``: user + system of this process), the best of three runs after
a warm-up (``simulate(params, 0, [0], turns=5)``: NumPy warms up and numba loads the
compiled kernel from its cache). The Cusack-Stoll cases run with each engine
(``engine="numpy"``, the reference, or ``"compiled"``); their names end with the engine in
brackets, and ``benchmarks/run.py`` runs the repeats of the two alternately and reports
the paired ratio. Running this file prints one repeat of every case::

    .venv/bin/python benchmarks/bench_scenarios.py

Targets (issue 18, CPU time on one core): one ``cusack-stoll`` world (98 states, 500
turns, the default parameters) in at most 0.02 s, at least 200 times faster than the peer
statesim (Horvath's reimplementation, github.com/benhorvath/statesim: 4.51 s of CPU a run
as measured for issue 18); 100 worlds batched at most 0.5 ms a world. Issue 5: each
``experiment`` at its default size under a minute (wall time: an experiment may use
workers).

statesim's runner lives outside the repository: ``POWERBALANCE_STATESIM`` is the command
line of one statesim run of 98 states x 500 turns (split as a shell would, run once; its
CPU time is that of the child process). Without it the case gives a NaN row saying so.
"""

from __future__ import annotations

import os
import resource
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
#: The environment variable naming statesim's runner (a command line).
STATESIM = "POWERBALANCE_STATESIM"
#: Cusack-Stoll cases: label -> (worlds, target, the target's unit).
CUSACK_STOLL = {
    "cusack-stoll: 1 world x 500 turns (simulate)": (1, 0.02, "s"),
    "cusack-stoll: 100 worlds x 500 turns (simulate)": (100, 0.5, "ms/world"),
}
TABLES = "cusack-stoll: 100 worlds with tables and summary (run, default engine)"
CEDERMAN = "cederman-polarity: 100 worlds x 1000 steps (run)"
PEER = "statesim: one run of 98 states x 500 turns (POWERBALANCE_STATESIM)"
EXPERIMENTS = "experiments: each claim's experiment at its default size"
ENGINES = ("numpy", "compiled")


def cases() -> list[str]:
    """The cases, each run alone in a fresh process by ``benchmarks/run.py``."""
    return [*(f"{case} [{engine}]" for case in CUSACK_STOLL for engine in ENGINES),
            TABLES, CEDERMAN, PEER, EXPERIMENTS]


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Run one case in this process; ``(label, value, note)`` rows."""
    if case == TABLES:
        return _tables()
    if case == CEDERMAN:
        return _cederman()
    if case == PEER:
        return _peer()
    if case == EXPERIMENTS:
        return _experiments()
    label, _, engine = case.rpartition(" [")
    return _cusack_stoll(label, *CUSACK_STOLL[label], engine=engine.rstrip("]"))


def _best_cpu(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _one_world(engine: str, worlds: int = 1) -> float:
    """CPU seconds of ``worlds`` Cusack-Stoll worlds x 500 turns (warmed up, best of 3)."""
    import numpy as np

    from powerbalance.presets import cusack_stoll

    p = cusack_stoll.CusackStollParams()
    cusack_stoll.simulate(p, 0, [0], turns=5, engine=engine)  # warm up (not timed)
    return _best_cpu(lambda: cusack_stoll.simulate(p, 0, np.arange(worlds), engine=engine))


def _cusack_stoll(label: str, worlds: int, target: float, unit: str,
                  engine: str) -> list[tuple[str, float, str]]:
    cpu = _one_world(engine, worlds)
    name = f"{label} [{engine}]"
    if unit == "s":
        return [(f"{name}: CPU", cpu, f"s, best of 3 after a warm-up (target <= {target} s: "
                                      f"{cpu / target:.2f} of it)")]
    per = 1000 * cpu / worlds
    return [(f"{name}: CPU", cpu, "s, best of 3 after a warm-up"),
            (f"{name}: per world", per, f"ms/world (target <= {target}: {per / target:.2f} "
                                        "of it)")]


def _tables() -> list[tuple[str, float, str]]:
    from powerbalance.presets import cusack_stoll

    cusack_stoll.run(worlds=1, seed=0, turns=5)  # warm up (not timed)
    t0 = time.process_time()
    cusack_stoll.run(worlds=100, seed=0, every=10)
    return [(TABLES, time.process_time() - t0, "s of CPU; tables every 10 turns")]


def _cederman() -> list[tuple[str, float, str]]:
    from powerbalance.presets import cederman

    t0 = time.process_time()
    cederman.run(worlds=100, seed=0)
    return [(CEDERMAN, time.process_time() - t0, "s of CPU; 10 x 10 grid")]


def _peer() -> list[tuple[str, float, str]]:
    command = os.environ.get(STATESIM, "")
    if not command:
        return [(f"{PEER}: CPU", float("nan"), f"skipped: set {STATESIM} to its command"),
                ("statesim / cusack-stoll compiled, one world", float("nan"),
                 "x (target >= 200); skipped without statesim")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(shlex.split(command), check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peer = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ours = _one_world("compiled")
    ratio = peer / ours if ours > 0 else float("nan")
    return [(f"{PEER}: CPU", peer, "s (the child process's user + system)"),
            ("statesim / cusack-stoll compiled, one world", ratio,
             f"x (target >= 200: {ratio / 200:.2f} of it; ours {ours:.4f} s)")]


def _experiments() -> list[tuple[str, float, str]]:
    from powerbalance.experiments.claims import EXPERIMENTS as ALL
    from powerbalance.experiments.claims import run_experiment

    rows: list[tuple[str, float, str]] = []
    data = os.environ.get("POWERBALANCE_DATA") or (str(DATA) if DATA.is_dir() else "")
    for exp in sorted(ALL.values(), key=lambda e: e.claim):
        if exp.runner is not None and not data:
            rows.append((f"experiment {exp.name}", float("nan"), "skipped: no COW data"))
            continue
        options = f"1914,data={data}" if exp.runner is not None else ""
        t0 = time.perf_counter()
        r = run_experiment(exp, seed=0, options=options, keep_runs=False)
        rows.append((f"experiment {exp.name} ({r.worlds} worlds/arm)",
                     time.perf_counter() - t0,
                     f"s of wall time; target < 60 s; claim {r.verdict()}"))
    return rows


if __name__ == "__main__":
    for name in cases():
        for label, value, note in run_case(name):
            print(f"{label:75s} {value:9.4g}  {note}")
