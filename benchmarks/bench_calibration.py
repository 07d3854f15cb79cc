"""Benchmark of ``powerbalance calibrate`` throughput on the 1816 system (not part of CI).

Target (issue 12): a calibration of ~10,000 simulated histories of the 1816 system
(``cow:1816``, 100 years) in under 30 minutes on 2 cores, i.e. at least 5.6 histories/s.
The small case here (``BENCH_CALIBRATION_POINTS`` design points, default 8, x 10 worlds,
97 years, in-process and on 2 local processes) gives the throughput, histories per
second of wall time including the facts of every world, and extrapolates it to 10,000
histories. Skipped without ``../shared/data``.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TARGET_HISTORIES = 10_000


def _spec(points: int) -> dict[str, object]:
    return {"name": "bench", "scenario": "cow:1816,majors=hegemon-seeker",
            "data": str(DATA.resolve()), "years": 97, "seed": 1,
            "method": {"points": points, "replicates": 10, "accept": 0.25, "task_size": 10},
            "priors": {"attack_odds": {"range": [0.3, 0.95]},
                       "conquest_rate": {"range": [0.05, 0.9]}}}


def run() -> list[tuple[str, float, str]]:
    """Run once; return ``(label, value, note)`` rows."""
    if not (DATA / "cow_war_inter_v4_ddy_peacesciencer.csv").is_file():
        return [("calibration: no ../shared/data, skipped", 0.0, "")]
    from powerbalance.experiments.calibration import calibrate, parse_calibration_spec

    points = int(os.environ.get("BENCH_CALIBRATION_POINTS", "8"))
    rows = []
    for workers in (None, 2):
        spec = parse_calibration_spec(_spec(points), source="bench")
        own, kids = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryDirectory() as tmp:
            result = calibrate(spec, Path(tmp) / "cal", workers=workers,
                               backend="processes" if workers else None)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (time.process_time() - own + after.ru_utime + after.ru_stime
               - kids.ru_utime - kids.ru_stime)
        rate = result.histories_per_second
        label = "in-process" if workers is None else f"{workers} processes"
        rows.append((f"calibrate cow:1816 x 97 years, {label} (histories/s)", rate,
                     f"{result.runs} histories in {result.seconds:.1f} s wall, {cpu:.1f} s CPU"))
        rows.append((f"  -> {TARGET_HISTORIES} histories, {label} (minutes of wall)",
                     TARGET_HISTORIES / rate / 60 if rate else float("inf"),
                     "target < 30 min on 2 cores"))
        # a shared machine inflates the wall time; CPU seconds per history tell what two
        # dedicated cores would do
        rows.append((f"  -> {TARGET_HISTORIES} histories on 2 dedicated cores (minutes, "
                     "from CPU s)", TARGET_HISTORIES * cpu / result.runs / 2 / 60,
                     f"{cpu / result.runs:.3f} CPU s per history"))
    return rows


if __name__ == "__main__":
    for label, value, note in run():
        print(f"{label:60s} {value:8.3f}  {note}")
