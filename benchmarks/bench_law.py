"""The cost of the law of nations (issue 14): engine throughput with ``Params.law`` on
against off, on the same worlds.

Each case runs in its own process (``benchmarks/run.py``); CPU time is measured with
``time.process_time``, final states only (``record="final"``), as in bench_engine.py. The
two runs of a case alternate off/on/off/on and the faster of each pair is kept, so a burst
of load from other programs inflates neither alone. Running this file prints one repeat::

    .venv/bin/python benchmarks/bench_law.py

Target (issue 14): the norm layer costs at most 10% of engine throughput.
"""

from __future__ import annotations

import time

#: Cases: label -> (scenario, worlds, years).
CASES = {
    "7 actors x 2,000 worlds x 100 years": ("warring-states", 2_000, 100),
    "13 actors x 500 worlds x 100 years (napoleon-1805)": ("napoleon-1805", 500, 100),
}
TARGET = 0.10


def cases() -> list[str]:
    """The cases, each run alone in a fresh process by ``benchmarks/run.py``."""
    return list(CASES)


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Throughput with law off and on, and the law's cost as a share of the time."""
    import numpy as np

    from powerbalance.experiments.runner import simulate
    from powerbalance.scenarios import load

    spec, worlds, years = CASES[case]
    scenario = load(spec)
    best: dict[bool, float] = {}
    for law in (False, True, False, True):
        params = scenario.make_params({"law": law})
        setting = scenario.setting(params)
        cpu = time.process_time()
        simulate(scenario, params, setting, 1, np.arange(worlds), years, record="final")
        cpu = time.process_time() - cpu
        best[law] = min(cpu, best.get(law, float("inf")))
    actor_years = len(scenario.actors) * worlds * years
    cost = best[True] / best[False] - 1.0
    return [(f"{case}: law off", actor_years / best[False], "actor-years/s of CPU"),
            (f"{case}: law on", actor_years / best[True], "actor-years/s of CPU"),
            (f"{case}: cost of law", 100 * cost,
             f"% of CPU time (target at most {100 * TARGET:.0f}%)")]


if __name__ == "__main__":
    for name in cases():
        for row in run_case(name):
            print(*row)
