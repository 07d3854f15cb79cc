"""Benchmark of ``report`` and ``sweep-report`` on the README's sweep (not part of CI).

The sweep is ``examples/sweep-warring-states.toml`` (a Sobol design of 80
points x 100 replicates = 8,000 runs of 300 years; about 33,000 wars),
run once with 2 worker processes into a temporary folder, or taken from
``$POWERBALANCE_BENCH_SWEEP`` when that names a finished copy of it. Each
command then runs in its own process, as a user types it; the rows are its
wall time, CPU time (user + system, from ``os.wait4``) and peak memory.

Target (issue 10): each command under 30 s of wall time. Before the power-law
x_min search was vectorised they took 7-8 minutes (more than 320 s of CPU).

Run as a script (``python benchmarks/bench_report.py``) or through ``make bench``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent / "examples" / "sweep-warring-states.toml"


def measure(args: list[str]) -> tuple[float, float, float]:
    """Run ``python -m powerbalance.cli ARGS`` in its own process: (wall s, CPU s, peak MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "powerbalance.cli", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"powerbalance {' '.join(args)} failed: {err.strip()[-500:]}")
    peak_mib = usage.ru_maxrss / 1024  # kilobytes on Linux
    return wall, usage.ru_utime + usage.ru_stime, peak_mib


def run() -> list[tuple[str, float, str]]:
    """Build (or reuse) the sweep, then time each command; ``(label, value, note)`` rows."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        given = os.environ.get("POWERBALANCE_BENCH_SWEEP")
        folder = Path(given) if given else tmp / "ws"
        rows: list[tuple[str, float, str]] = [("load_average_1min", os.getloadavg()[0],
                                                "before the benchmark")]
        if not given:
            wall, _, _ = measure(["sweep", str(SPEC), "--out", str(folder), "--workers", "2",
                                  "--backend", "processes", "--quiet"])
            rows.append(("sweep_build_seconds", wall, "s (8,000 runs, 2 workers; setup)"))
        cases = {"sweep_report": ["sweep-report", str(folder)],
                 "report": ["report", str(folder), "--out", str(tmp / "report.html")]}
        for name, args in cases.items():
            wall, cpu, peak = measure(args)
            rows += [(f"{name}_seconds", wall, "s wall (target < 30)"),
                     (f"{name}_cpu_seconds", cpu, "s CPU (user + system)"),
                     (f"{name}_peak_mib", peak, "MiB peak resident memory")]
        rows.append(("load_average_1min_after", os.getloadavg()[0], "after the benchmark"))
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Print the rows as a table."""
    for label, value, note in run():
        print(f"{label:28s} {value:12.3f}  {note}")


if __name__ == "__main__":
    main()
