"""Checks of command-line values, before anything runs or is written.

Every number a user gives is finite and inside a stated range, every loop a
user controls is bounded, and an output path is a real folder name. Each
failure is an :class:`~powerbalance.errors.InputError` naming the option and
the allowed range (the CLI prints it as one line and exits with code 2).
"""

from __future__ import annotations

import math
from pathlib import Path

from powerbalance.errors import InputError

#: Longest simulation (years; the same limit as scenario files). The random counters
#: hold 20 bits of year, so 100,000 years is also well inside what the streams allow.
MAX_YEARS = 100_000
#: Most worlds of one run or arm (memory is estimated separately, before anything runs).
MAX_WORLDS = 10**9
#: Largest master seed (numpy's SeedSequence takes any non-negative integer; 2**64 - 1
#: keeps seeds printable and storable as unsigned 64-bit integers).
MAX_SEED = 2**64 - 1
#: Most worlds simulated in one array program.
MAX_BATCH = 10**6
#: Most generations of the tournament's evolutionary dynamics, and largest Moran population.
MAX_GENERATIONS = 10**6
MAX_POPULATION = 10**6
#: Most local workers of a sweep.
MAX_WORKERS = 1024
#: Most preset turns (Cederman steps, Cusack-Stoll turns).
MAX_TURNS = 1_000_000


def check_int(value: int | None, option: str, lo: int, hi: int) -> None:
    """Refuse an integer option outside ``lo..hi`` (``None`` means the default).

    >>> check_int(10_000_000, "--years", 1, MAX_YEARS)
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: --years: years: 10000000 out of range (allowed: 1 to 100000)
    """
    if value is None:
        return
    if not lo <= value <= hi:
        raise InputError(f"{value} out of range", source=option, field=option.lstrip("-"),
                         allowed=f"{lo} to {hi}")


def check_float(value: float | None, option: str, lo: float, hi: float, *,
                open_low: bool = False, open_high: bool = False) -> None:
    """Refuse a non-finite number or one outside ``lo..hi`` (optionally open at either end).

    >>> check_float(float("nan"), "--confidence", 0, 1, open_low=True, open_high=True)
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: --confidence: confidence: nan out of range (allowed: 0 < x < 1)
    """
    if value is None:
        return
    above = value > lo if open_low else value >= lo
    below = value < hi if open_high else value <= hi
    if not (math.isfinite(value) and above and below):
        allowed = f"{lo:g} {'<' if open_low else '<='} x {'<' if open_high else '<='} {hi:g}"
        raise InputError(f"{value} out of range", source=option, field=option.lstrip("-"),
                         allowed=allowed)


def check_out(path: Path | None, option: str = "--out") -> None:
    """Refuse, before anything runs, an output folder path that names no folder of its own
    (:func:`powerbalance.outputs.check_name`: ``''``, ``.``, ``..``, the current folder or
    one of its parents).

    >>> check_out(Path("."))
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: .: --out: not a valid output path (allowed: a path \
ending in a new file or folder name, e.g. results/run1)
    """
    if path is not None:
        from powerbalance.outputs import Output, check_name

        check_name(Output(path, "output", folder=True, option=option))


def check_run_options(*, years: int | None = None, worlds: int | None = None,
                      seed: int | None = None, batch_size: int | None = None,
                      min_worlds: int = 1) -> None:
    """The common options of simulating commands: years, worlds, seed, batch size."""
    check_int(years, "--years", 1, MAX_YEARS)
    check_int(worlds, "--worlds", min_worlds, MAX_WORLDS)
    check_int(seed, "--seed", 0, MAX_SEED)
    check_int(batch_size, "--batch-size", 1, MAX_BATCH)
