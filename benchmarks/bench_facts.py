"""Benchmark of ``powerbalance facts`` on the real files (not part of CI).

Target (issue 12): the facts from the real files in under 2 s. Measured in one
process after the imports (loading every file, all facts, the power-law fit and
its 300-resample bootstrap), wall and CPU seconds, and the whole command in a
fresh process (imports included; its CPU seconds from ``RUSAGE_CHILDREN``).
Skipped without ``../shared/data``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def run() -> list[tuple[str, float, str]]:
    """Run once; return ``(label, seconds, note)`` rows."""
    if not (DATA / "cow_war_inter_v4_ddy_peacesciencer.csv").is_file():
        return [("facts: no ../shared/data, skipped", 0.0, "")]
    from powerbalance.analysis.facts import compute_facts, from_data

    compute_facts(from_data(DATA), bootstrap=10)  # warm the lazy imports (scipy.special)
    rows = []
    for boot in (0, 300):
        wall, cpu = time.perf_counter(), time.process_time()
        inputs = from_data(DATA)
        loaded = time.perf_counter() - wall
        compute_facts(inputs, seed=2026, bootstrap=boot)
        rows.append((f"facts from the real files, bootstrap {boot} (wall)",
                     time.perf_counter() - wall, f"loading {loaded:.2f} s; target < 2 s"))
        rows.append((f"facts from the real files, bootstrap {boot} (CPU)",
                     time.process_time() - cpu, ""))
    exe = Path(sys.executable).with_name("powerbalance")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([str(exe), "facts", "--data", str(DATA), "--format", "csv"], check=True,
                   capture_output=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rows.append(("powerbalance facts --data (fresh process, imports included; wall)", wall, ""))
    rows.append(("powerbalance facts --data (fresh process, imports included; CPU)", cpu,
                 "target < 2 s"))
    return rows


if __name__ == "__main__":
    for label, seconds, note in run():
        print(f"{label:60s} {seconds:8.3f}  {note}")
