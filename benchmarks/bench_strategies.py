"""Benchmarks of the strategy library inside the vectorised step (not part of CI).

``run()`` returns ``(label, seconds, note)`` rows; running the file prints them::

    .venv/bin/python benchmarks/bench_strategies.py

Targets (issue 3): with a mix of all ten strategies the engine is at most 25%
slower than with the default mix (``random:actors=100``, 100 worlds x 100
years); warring-states 2,000 worlds x 100 years (compare with the same row on
``main``; the row with ``seeker_wedges=false, bandwagon_weight=0`` isolates the
machinery's own cost from the extra wars a wedging hegemon-seeker causes); a
ten-strategy tournament of 1,000 matched worlds of warring-states (300 years)
in under a minute. Each case runs in its own process and reports CPU time
(``time.process_time``), which a shared machine disturbs less than wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from powerbalance.strategies import registry

ALL_TEN = "+".join(f"{name}:1" for name in registry.names())

_SIMULATE = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    from powerbalance.experiments.runner import simulate
    from powerbalance.scenarios import load
    spec, worlds, years, overrides = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    scenario = load(spec)
    params = scenario.make_params(json.loads(overrides))
    setting = scenario.setting(params)
    best = None
    for _ in range(2):
        cpu = time.process_time()
        simulate(scenario, params, setting, 1, np.arange(worlds), years, record="final")
        cpu = time.process_time() - cpu
        best = cpu if best is None else min(best, cpu)
    print(json.dumps({"cpu": best}))
""")

_TOURNAMENT = textwrap.dedent("""
    import json, sys, time
    from powerbalance.experiments.tournament import tournament
    from powerbalance.strategies import registry
    cpu, wall = time.process_time(), time.perf_counter()
    tournament("warring-states", registry.names(), worlds=int(sys.argv[1]), seed=1)
    print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))
""")


def _child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def simulate_cpu(spec: str, worlds: int, years: int, overrides: str = "{}") -> float:
    """CPU seconds of the best of two simulations in a fresh interpreter."""
    return _child(_SIMULATE, spec, str(worlds), str(years), overrides)["cpu"]


def run() -> list[tuple[str, float, str]]:
    """Run every case once; return ``(label, seconds, note)`` rows."""
    rows = []
    default = simulate_cpu("random:actors=100", 100, 100)
    rows.append(("random 100 actors, default mix, 100 x 100", default, "baseline"))
    mixed = simulate_cpu(f"random:actors=100,mix={ALL_TEN}", 100, 100)
    rows.append(("random 100 actors, all ten strategies, 100 x 100", mixed,
                 f"{mixed / default:.2f}x the default mix (target <= 1.25x)"))
    ws = simulate_cpu("warring-states", 2000, 100)
    rows.append(("warring-states 2,000 worlds x 100 years", ws,
                 "compare with this row on main (target <= 1.25x)"))
    same = simulate_cpu("warring-states", 2000, 100,
                        json.dumps({"seeker_wedges": False, "bandwagon_weight": 0.0}))
    rows.append(("  same, seeker_wedges=false, bandwagon_weight=0", same,
                 f"machinery alone; with wedging {ws / same:.2f}x (more wars)"))
    t = _child(_TOURNAMENT, "1000")
    rows.append(("tournament: 10 strategies, 1,000 matched worlds", t["cpu"],
                 f"warring-states, 300 years, 10 profiles; wall {t['wall']:.1f} s "
                 "(target < 60 s)"))
    return rows


if __name__ == "__main__":
    for label, seconds, note in run():
        print(f"{label:50s} {seconds:8.2f} s  {note}")
