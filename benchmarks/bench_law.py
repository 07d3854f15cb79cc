"""The cost of the law of nations (issue 14): engine throughput with ``Params.law`` on
against off, on the same worlds.

Each case runs in its own process (``benchmarks/run.py``). Inside it the two arms, law
off and law on, advance in lockstep: year 1 of one, year 1 of the other (the order
flipped every year), then year 2, ..., each year's :func:`~powerbalance.model.step.step`
timed with ``time.process_time``. Both arms thus run under the same load of the shared
machine, second by second; the pairing of two whole runs one after the other left a
spread of 10-30% between pairs. The cost of one repeat is the ratio of the two arms' CPU
totals, on/off - 1; a case makes :data:`REPEATS` repeats (the same worlds each, rebuilt
from the seed) and the table gives the median and the spread (min and max)
over them, with the throughput of each arm (median of the repeats).

Every case runs with each engine (``Setting.engine``): the law's share of the CPU time is
larger with the compiled engine, whose law-off step is cheaper. Its name ends with the
engine in parentheses (not brackets: ``benchmarks/run.py``'s A/B ratio of engines reads
the first figure as a time, here it is a throughput).

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
#: The engines each case runs with.
ENGINES = ("numpy", "compiled")
#: Lockstep repeats per case.
REPEATS = 5
TARGET = 0.10


def cases() -> list[str]:
    """The cases, each run alone in a fresh process by ``benchmarks/run.py``."""
    return [f"{case} ({engine} engine)" for case in CASES for engine in ENGINES]


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Throughput with law off and on (median of the repeats), and the law's cost as a
    share of the CPU time: the median of the repeats' ratios and their spread."""
    import numpy as np

    from powerbalance.model.step import step
    from powerbalance.scenarios import load

    label, _, engine = case.rpartition(" (")
    engine = engine.removesuffix(" engine)")
    spec, worlds, years = CASES[label]
    scenario = load(spec)
    arms = []
    for law in (False, True):
        params = scenario.make_params({"law": law})
        arms.append((params, scenario.setting(params).with_engine(engine)))

    def lockstep(n_worlds: int, n_years: int) -> list[float]:
        """CPU seconds of each arm over ``n_years`` years advanced in lockstep."""
        states = [scenario.initial_state(params, setting, 1, np.arange(n_worlds))
                  for params, setting in arms]
        spent = [0.0, 0.0]
        for year in range(n_years):
            for arm in ((0, 1) if year % 2 == 0 else (1, 0)):
                params, setting = arms[arm]
                start = time.process_time()
                states[arm], _ = step(states[arm], setting, params)
                spent[arm] += time.process_time() - start
        return spent

    lockstep(min(worlds, 50), 5)  # warm-up: imports, caches, compiled kernels
    times = [lockstep(worlds, years) for _ in range(REPEATS)]
    ratios = [on / off - 1.0 for off, on in times]
    actor_years = len(scenario.actors) * worlds * years
    note = f"% of CPU time, {REPEATS} lockstep repeats (target at most {100 * TARGET:.0f}%)"
    return [(f"{case}: law off", actor_years / statistics.median(t[0] for t in times),
             "actor-years/s of CPU"),
            (f"{case}: law on", actor_years / statistics.median(t[1] for t in times),
             "actor-years/s of CPU"),
            (f"{case}: cost of law", 100 * statistics.median(ratios), f"median {note}"),
            (f"{case}: cost of law, lowest repeat", 100 * min(ratios), f"min {note}"),
            (f"{case}: cost of law, highest repeat", 100 * max(ratios), f"max {note}")]


if __name__ == "__main__":
    for name in cases():
        for row in run_case(name):
            print(*row)
