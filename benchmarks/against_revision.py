"""The engine of this checkout against the engine of another git revision, paired.

The machine this project is benchmarked on changes speed by a factor of two or more from
one hour to the next, so a figure of an earlier day (an issue's "today's figures", a
README table) cannot be compared with a figure of now. This script runs the same
simulation with both engines in turn (old, new, old, new, ...: each run in its own fresh
process, the simulation's CPU time measured inside it with ``time.process_time``) and
prints each side's median rate, the median of the pair-by-pair ratios, each ratio and a
sign test of the pairs (whether one engine is faster more often than chance allows)::

    .venv/bin/python benchmarks/against_revision.py 025f3e5 --spec warring-states \\
        --worlds 10000 --years 300 --pairs 5

The other revision's ``src`` is extracted with ``git archive`` into a temporary folder
this script creates and removes; nothing in the checkout is written. Each side runs with
its own default engine (a revision older than the compiled engine has only NumPy's);
``--engine`` picks one for this checkout's side. An untimed pair of at most 100 worlds
runs first, so that numba's compilation falls outside the timed pairs.

Run it with the machine otherwise idle: the pairing cancels a drift in the machine's speed,
not a load on the other core, which slows the two engines unequally (their memory traffic
differs: the README's Performance section gives both figures of one comparison). The load
average is printed before and after the pairs, so that a reader can tell which a figure is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The child: ``bench_engine``'s throughput case (one simulation after an untimed warm-up)
#: on whichever package ``PYTHONPATH`` names.
_CHILD = """
import json, sys
sys.path.append(sys.argv[1])
from bench_engine import _throughput
rows = _throughput("", sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), 1.0, sys.argv[5])
print(json.dumps({"cpu": rows[0][1], "rate": rows[2][1]}))
"""


def _run(src: Path, args: argparse.Namespace, engine: str, worlds: int) -> dict[str, float]:
    """One simulation in a fresh interpreter on the package at ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    child = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT / "benchmarks"),
                            args.spec, str(worlds),
                            str(args.years), engine], env=env, capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"the simulation on {src} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _verdict(ratios: list[float]) -> str:
    """Each pair's ratio, how many pairs favour this checkout, and the two-sided sign test
    of "neither engine is faster" (scipy's exact binomial test): a median above or below 1
    means little when the pairs split evenly."""
    from scipy.stats import binomtest

    faster = sum(r > 1 for r in ratios)
    decided = sum(r != 1 for r in ratios)   # (a tie says nothing either way)
    p = binomtest(faster, decided).pvalue if decided else 1.0
    listed = ", ".join(f"{r:.3f}" for r in ratios)
    return (f"pairs: {listed}; this checkout faster in {faster} of {len(ratios)} "
            f"(sign test p = {p:.2g})")


def main(argv: list[str] | None = None) -> int:
    """Run the pairs and print the medians and the paired ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the other git revision (a commit, tag or branch)")
    parser.add_argument("--spec", default="warring-states")
    parser.add_argument("--worlds", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--engine", default="", help="this checkout's engine (default: "
                        "its default)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="pb-revision-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.revision, "src"],
                                 capture_output=True)
        if archive.returncode != 0:
            print(f"against_revision.py: revision {args.revision!r}: "
                  f"{archive.stderr.decode().strip()}", file=sys.stderr)
            return 2
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
        # An untimed pair first: numba compiles each side's kernels into that side's cache
        # (the extracted revision's is new), some only at the first war, decades in.
        warm = min(args.worlds, 100)
        load_before = os.getloadavg()[0]
        _run(folder / "src", args, "", warm)
        _run(ROOT / "src", args, args.engine, warm)
        old, new = [], []
        for _ in range(args.pairs):
            old.append(_run(folder / "src", args, "", args.worlds))
            new.append(_run(ROOT / "src", args, args.engine, args.worlds))
    finally:
        shutil.rmtree(folder)  # the script's own temporary folder
    ratios = [n["rate"] / o["rate"] for o, n in zip(old, new, strict=True)]
    case = f"{args.spec} x {args.worlds:,} worlds x {args.years} years"
    pairs = f"{args.pairs} pair{'' if args.pairs == 1 else 's'}"
    print(f"{case}, {pairs} (actor-years per CPU second of the simulation)")
    print(f"  {args.revision:>12}: {statistics.median(o['rate'] for o in old):.3g}")
    print(f"  {'this checkout':>12}: {statistics.median(n['rate'] for n in new):.3g}")
    print(f"  ratio this/{args.revision}: median {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
    print("  " + _verdict(ratios))
    print(f"  load average (1 min): {load_before:.2f} before the pairs, "
          f"{os.getloadavg()[0]:.2f} after (this script's own run counts 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
