"""Throughput of the arenas (issue 15): actor-years per second on 10,000 worlds x 8 actors.

Each case runs in its own process (``benchmarks/run.py``) and reports CPU seconds
(``time.process_time``) as actor-years per CPU second, two ways:

- **rules**: ``init`` and 20 years of ``step`` plus the yearly system metrics
  (``measure``), the work of the arena's own vectorised rules (target: >= 1e6);
- **simulate**: :func:`powerbalance.arenas.run.simulate` with ``record="final"``, i.e. the
  rules plus building the tables (and, for the parliament, the exact Banzhaf and
  Shapley-Shubik indices of every world at the last year, about a millisecond a world).

The interstate arena runs once with each engine (``Setting.engine``: ``[numpy]``, the
reference, and ``[compiled]``); the figures are the same worlds, bit for bit. Its case is
the ``random`` generator at its defaults with eight actors: one scenario for all 10,000
worlds (the generator's own ``seed=0``), 36 provinces on a 6 x 6 hexagonal map (4 per
actor), three hegemon-seekers and five status-quo states; only the run's keys differ
between worlds. So small a map is a crowded one: over the 20 years a campaign is fought in
about 59 % of the world-years (practically every world in the first), borders move in
about 87 %, and the live states fall from 8 to 2.0 a world on average, so the war phase
(conquest, burial, fresh borders) and the hegemon-seekers' decisions take most of the time.
The case counts every actor-year, the dead's too, as the issue's "10,000 worlds of 8
actors" does.

    .venv/bin/python benchmarks/run.py arenas
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

WORLDS, ACTORS, YEARS = 10_000, 8, 20
CASES = {
    "market": f"market:firms={ACTORS}",
    "parliament-dhondt": f"parliament:parties={ACTORS}",
    "parliament-sainte-lague": f"parliament:parties={ACTORS},rule=sainte-lague",
    "parliament-fptp": f"parliament:parties={ACTORS},rule=fptp",
    "parliament-connected": f"parliament:parties={ACTORS},coalition=minimal-connected",
    # executive, two chambers, a court and four federal units: eight branches
    "constitution-federal": "constitution:preset=federal",
    # the interstate model as an arena: eight states on a generated map, the engine's step,
    # run by each engine (an A/B pair: benchmarks/run.py reports the paired ratio)
    "interstate [numpy]": f"interstate:random:actors={ACTORS}",
    "interstate [compiled]": f"interstate:random:actors={ACTORS}",
}


def cases() -> list[str]:
    """One case per arena configuration."""
    return list(CASES)


def run_case(case: str) -> list[tuple[str, float, str]]:
    """Actor-years per CPU second of the rules and of the whole simulate."""
    from powerbalance.arenas import load
    from powerbalance.arenas.run import simulate
    from powerbalance.rng import world_keys

    spec = load(CASES[case])
    if case.endswith("]"):  # the interstate arena run by the engine named in brackets
        engine = case.rpartition(" [")[2].rstrip("]")
        setting = spec.params.setting.with_engine(engine)
        spec = replace(spec, params=replace(spec.params, setting=setting))
        # Not timed: numba loads the compiled kernels from its cache (NumPy warms up too);
        # enough worlds and years that wars are fought, capitals fall and states die.
        simulate(spec, worlds=64, years=5, record="final")
    arena, params = spec.arena, spec.params
    keys = world_keys(0, np.arange(WORLDS))
    cpu = time.process_time()
    state = arena.init(params, keys)
    for year in range(YEARS):
        state = arena.step(state, params, keys, year)
        arena.measure(state, params)
    rules = time.process_time() - cpu
    cpu = time.process_time()
    simulate(spec, worlds=WORLDS, years=YEARS, record="final")
    whole = time.process_time() - cpu
    work = WORLDS * ACTORS * YEARS
    note = f"{WORLDS} worlds x {ACTORS} actors x {YEARS} years"
    return [(f"{case} rules actor-years/s", work / rules, note),
            (f"{case} simulate actor-years/s", work / whole, note)]


if __name__ == "__main__":
    for name in cases():
        for label, value, note in run_case(name):
            print(f"{label}: {value:.3g} ({note})")
