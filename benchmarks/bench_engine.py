"""Engine throughput in actor-years per second, the cost of a small world's year, and the
whole ``powerbalance run`` command.

Each case runs in its own process (``benchmarks/run.py`` starts one per case and repeat,
and reports that process's own CPU time and peak memory); the simulation's CPU time is
measured with ``time.process_time`` (less sensitive than wall time to other load on a
shared machine). Throughput cases record only final states (``record="final"``), as an
ensemble statistic would need. Running this file prints one repeat of every case::

    .venv/bin/python benchmarks/bench_engine.py

Targets (issue 18, CPU time on one core): 7 actors x 10,000 worlds x 300 years at 1e7
actor-years/s; 100 x 100 x 500 at 2e6; 1,000 x 1 x 200 at 5e5; one world-year of 7 actors
in 0.2 ms; the whole run command of 7 x 10,000 x 300 with every table written at 5e6
actor-years/s of wall time in at most 1.5 GiB.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

#: Throughput cases: label -> (scenario, worlds, years, target actor-years/s).
THROUGHPUT = {
    "7 actors x 10,000 worlds x 300 years": ("warring-states", 10_000, 300, 1e7),
    "100 actors x 100 worlds x 500 years": ("random:actors=100", 100, 500, 2e6),
    "1,000 actors x 1 world x 200 years": ("random:actors=1000", 1, 200, 5e5),
}
SMALL = "one world of 7 actors x 300 years (powerbalance.run)"
#: Whole-command cases: label -> worlds of ``powerbalance run warring-states --years 300
#: --worlds W --out DIR`` (every table written; the case's peak RSS is the command's).
COMMANDS = {
    "powerbalance run warring-states --years 300 --worlds 10000 --out DIR": 10_000,
    "powerbalance run warring-states --years 300 --worlds 2000 --out DIR": 2_000,
}
#: Every case runs with each engine (``--engine``; see powerbalance.model.compiled); the
#: case's name ends with the engine in brackets, and ``benchmarks/run.py`` runs the repeats
#: of the two alternately and reports the paired ratio.
ENGINES = ("numpy", "compiled")


def cases() -> list[str]:
    """The cases, each run alone in a fresh process by ``benchmarks/run.py``."""
    return [f"{case} [{engine}]" for case in (*THROUGHPUT, SMALL, *COMMANDS)
            for engine in ENGINES]


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Run one case in this process; ``(label, value, note)`` rows."""
    case, _, engine = case.rpartition(" [")
    engine = engine.rstrip("]")
    if case in THROUGHPUT:
        return _throughput(case, *THROUGHPUT[case], engine=engine)
    if case == SMALL:
        return _small(engine)
    return _command(COMMANDS[case], engine)


def _throughput(label: str, spec: str, worlds: int, years: int,
                target: float, engine: str) -> list[tuple[str, float, str]]:
    """The simulation's CPU time (the first row), the setup's and the throughput."""
    import numpy as np

    from powerbalance.experiments.runner import simulate
    from powerbalance.scenarios import load

    setup = time.process_time()
    scenario = load(spec)
    params = scenario.make_params()
    setting = scenario.setting(params)
    if engine:  # "": the package's own default (benchmarks/against_revision.py runs this
        setting = setting.with_engine(engine)  # on revisions older than the engines' switch)
    setup = time.process_time() - setup
    # Not timed: numba loads the compiled kernels from its cache (and NumPy warms up).
    simulate(scenario, params, setting, 1, np.arange(min(worlds, 2)), 2, record="final")
    cpu = time.process_time()
    simulate(scenario, params, setting, 1, np.arange(worlds), years, record="final")
    cpu = time.process_time() - cpu
    rate = len(scenario.actors) * worlds * years / cpu
    # The simulation's CPU time first: benchmarks/run.py pairs the engines on the first row.
    return [(f"{label} [{engine}]: simulation CPU", cpu, "s"),
            (f"{label} [{engine}]: setup CPU", setup, "s (the scenario, its map's distances "
             "and the setting; the issue asks for seconds)"),
            (f"{label} [{engine}]: throughput", rate,
             f"actor-years/s of CPU (target {target:.0e}: {rate / target:.2f}x)")]


def _small(engine: str) -> list[tuple[str, float, str]]:
    import powerbalance as pb

    # Not timed: numba loads the kernels from its cache, each at its first call (the war
    # phase's at the first war, some decades in), and NumPy warms up.
    pb.run("warring-states", years=300, worlds=1, seed=0, engine=engine)
    cpu = time.process_time()
    pb.run("warring-states", years=300, worlds=1, seed=1, engine=engine)
    cpu = time.process_time() - cpu
    return [(f"one world-year of 7 actors, tables included [{engine}]", cpu / 300 * 1e3,
             "ms of CPU (target 0.2 ms)")]


def _command(worlds: int, engine: str) -> list[tuple[str, float, str]]:
    """The whole command as a user runs it (in this process, so the case's peak RSS and CPU
    time are the command's own, its imports included, and those of the worker processes it
    starts: see ``powerbalance run --workers``; the command waits for them, so their CPU
    time is in ``RUSAGE_CHILDREN``)."""
    import resource

    from powerbalance.cli import main

    def workers_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    folder = Path(tempfile.mkdtemp(prefix="pb-bench-"))
    try:
        wall, cpu = time.perf_counter(), time.process_time() + workers_cpu()
        rc = main(["run", "warring-states", "--years", "300", "--worlds", str(worlds),
                   "--out", str(folder / "run"), "--engine", engine])
        wall = time.perf_counter() - wall
        cpu = time.process_time() + workers_cpu() - cpu
        size = sum(f.stat().st_size for f in (folder / "run").iterdir()) / 2**20
    finally:
        shutil.rmtree(folder)  # the benchmark's own temporary folder
    if rc != 0:
        raise RuntimeError(f"powerbalance run exited {rc}")
    work = 7 * worlds * 300
    label = f"whole run command 7 x {worlds:,} x 300, every table [{engine}]"
    return [(f"{label} (wall)", wall, f"s; {size:.0f} MiB written; peak memory: the case's "
             "RSS, its worker processes' summed in (target 1.5 GiB at 10,000 worlds)"),
            (f"{label} (CPU)", cpu, "s of CPU (user + system, worker processes included)"),
            (f"{label}: throughput", work / wall,
             f"actor-years/s of wall time (target 5e6: {work / wall / 5e6:.2f}x)")]


if __name__ == "__main__":
    for name in cases():
        for label, value, note in run_case(name):
            print(f"{label:60s} {value:12.4g}  {note}")
