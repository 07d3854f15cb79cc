"""Engine throughput in actor-years per second, and memory of a large ensemble.

``run()`` returns ``(label, seconds, note)`` rows; running the file prints them::

    .venv/bin/python benchmarks/bench_engine.py

Targets (issue 2), on one core: 7 actors x 10,000 worlds x 300 years at
5e6 actor-years/s; 100 actors x 100 worlds x 500 years at 1e6; 1,000 actors x
1 world x 200 years at 1e5; 10,000 worlds of 7 actors in under 1 GiB. Each
case runs in its own process (so its peak memory is its own) with the
simulation's CPU time measured (``time.process_time``: less sensitive to
other load on a shared machine than wall time). Only final states are
recorded (``record="final"``), as an ensemble statistic would need.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

CASES = [
    # label, scenario, worlds, years, target actor-years/s
    ("7 actors x 10,000 worlds x 300 years", "warring-states", 10_000, 300, 5e6),
    ("100 actors x 100 worlds x 500 years", "random:actors=100", 100, 500, 1e6),
    ("1,000 actors x 1 world x 200 years", "random:actors=1000", 1, 200, 1e5),
]

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    from powerbalance.experiments.runner import simulate
    from powerbalance.scenarios import load
    spec, worlds, years = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    scenario = load(spec)
    params = scenario.make_params()
    setting = scenario.setting(params)
    cpu, wall = time.process_time(), time.perf_counter()
    traj = simulate(scenario, params, setting, 1, np.arange(worlds), years, record="final")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu": cpu, "wall": wall, "actors": len(scenario.actors),
                      "rss_mib": rss, "events": len(traj.events)}))
""")


def measure(spec: str, worlds: int, years: int) -> dict[str, float]:
    """Run one case in a fresh interpreter; return its timings and peak memory."""
    out = subprocess.run([sys.executable, "-c", _CHILD, spec, str(worlds), str(years)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run() -> list[tuple[str, float, str]]:
    """Run every case once; return ``(label, seconds, note)`` rows."""
    rows = []
    for label, spec, worlds, years, target in CASES:
        m = measure(spec, worlds, years)
        rate = m["actors"] * worlds * years / m["cpu"]
        note = (f"{rate:.3g} actor-years/s (target {target:.0e}: {rate / target:.2f}x); "
                f"wall {m['wall']:.1f} s; peak memory {m['rss_mib']:.0f} MiB")
        if worlds == 10_000:
            note += " (target < 1024 MiB)"
        rows.append((label, m["cpu"], note))
    return rows


if __name__ == "__main__":
    for label, seconds, note in run():
        print(f"{label:45s} {seconds:8.2f} s  {note}")
