"""The cost of the law of nations (issue 14): engine throughput with ``Params.law`` on
against off, on the same worlds.

Each case runs in its own process (``benchmarks/run.py``). Inside it, :data:`PAIRS` pairs
of runs alternate law off, law on (the order flipped every other pair, so neither arm
always runs second); CPU time is measured with ``time.process_time``, final states only
(``record="final"``), as in bench_engine.py, after one short warm-up run of each arm. The
cost is the ratio of each pair, on/off - 1, so load from other programs that changes
between pairs moves both arms of a pair alike; the table gives its median and its spread
(min and max) over the pairs, alongside the throughput of each arm (median of the pairs).
Running this file prints every case once::

    .venv/bin/python benchmarks/bench_law.py

Target (issue 14): the norm layer costs at most 10% of engine throughput.
"""

from __future__ import annotations

import statistics
import time

#: Cases: label -> (scenario, worlds, years).
CASES = {
    "7 actors x 2,000 worlds x 100 years": ("warring-states", 2_000, 100),
    "13 actors x 500 worlds x 100 years (napoleon-1805)": ("napoleon-1805", 500, 100),
}
#: Paired (off, on) runs per case.
PAIRS = 5
TARGET = 0.10


def cases() -> list[str]:
    """The cases, each run alone in a fresh process by ``benchmarks/run.py``."""
    return list(CASES)


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Throughput with law off and on (median of the pairs), and the law's cost as a share
    of the CPU time: the median of the paired ratios and their spread."""
    import numpy as np

    from powerbalance.experiments.runner import simulate
    from powerbalance.scenarios import load

    spec, worlds, years = CASES[case]
    scenario = load(spec)
    arms = {}
    for law in (False, True):
        params = scenario.make_params({"law": law})
        arms[law] = (params, scenario.setting(params))
        simulate(scenario, params, arms[law][1], 1, np.arange(min(worlds, 50)), 5,
                 record="final")  # warm-up: imports, caches, compiled kernels

    def cpu(law: bool) -> float:
        params, setting = arms[law]
        start = time.process_time()
        simulate(scenario, params, setting, 1, np.arange(worlds), years, record="final")
        return time.process_time() - start

    times: dict[bool, list[float]] = {False: [], True: []}
    for pair in range(PAIRS):
        for law in ((False, True) if pair % 2 == 0 else (True, False)):
            times[law].append(cpu(law))
    ratios = [on / off - 1.0 for off, on in zip(times[False], times[True], strict=True)]
    actor_years = len(scenario.actors) * worlds * years
    note = f"% of CPU time, {PAIRS} paired runs (target at most {100 * TARGET:.0f}%)"
    return [(f"{case}: law off", actor_years / statistics.median(times[False]),
             "actor-years/s of CPU"),
            (f"{case}: law on", actor_years / statistics.median(times[True]),
             "actor-years/s of CPU"),
            (f"{case}: cost of law", 100 * statistics.median(ratios), f"median {note}"),
            (f"{case}: cost of law, lowest pair", 100 * min(ratios), f"min {note}"),
            (f"{case}: cost of law, highest pair", 100 * max(ratios), f"max {note}")]


if __name__ == "__main__":
    for name in cases():
        for row in run_case(name):
            print(*row)
