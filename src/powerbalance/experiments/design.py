"""Designs: the design points of a sweep (full grid, Latin hypercube, Sobol/Saltelli).

A design is a table with one row per design point (``point`` = 0, 1, ...)
and one column per varied parameter. Latin hypercube and Sobol samples are
drawn in the unit cube with SALib (seeded, so the design is reproducible)
and mapped onto each parameter's range; a ``values`` axis maps equal bins of
the unit interval onto its levels. The Sobol design is SALib's Saltelli
sample, in SALib's order, so :func:`powerbalance.experiments.stats.sobol_indices`
can analyse it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments.spec import SweepSpec


@dataclass(frozen=True)
class Task:
    """One unit of work: replicates ``first .. first + count - 1`` of one design point.

    Replicate r is simulated as global world index r under the master seed, so
    every design point sees the same random streams (common random numbers).
    """

    point: int
    first: int
    count: int

    @property
    def key(self) -> str:
        """File stem of the task, e.g. ``p00003-r000000``."""
        return f"p{self.point:05d}-r{self.first:06d}"


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem of a spec (unit bounds for ``values`` axes)."""
    return {
        "num_vars": len(spec.axes),
        "names": spec.parameter_names,
        "bounds": [[a.lo, a.hi] if a.continuous else [0.0, 1.0] for a in spec.axes],
    }


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """The design in the unit cube, (points, parameters); grids return levels' indices."""
    d = len(spec.axes)
    problem = {"num_vars": d, "names": spec.parameter_names, "bounds": [[0.0, 1.0]] * d}
    assert spec.points is not None
    if spec.design == "lhs":
        from SALib.sample import latin

        return np.asarray(latin.sample(problem, spec.points, seed=spec.design_seed))
    from SALib.sample import sobol

    return np.asarray(sobol.sample(problem, spec.points, calc_second_order=spec.second_order,
                                   scramble=True, seed=spec.design_seed))


def n_points(spec: SweepSpec) -> int:
    """Number of design points, without building the design."""
    d = len(spec.axes)
    if spec.design == "grid":
        # math.prod: Python integers, so many large axes cannot wrap around to a small count
        return math.prod(len(a.grid()) for a in spec.axes) if d else 1
    assert spec.points is not None
    if spec.design == "lhs":
        return spec.points
    return spec.points * (2 * d + 2 if spec.second_order else d + 2)


def check_size(spec: SweepSpec, max_runs: int | None = None) -> int:
    """Total runs (points x replicates); an InputError if above the cap."""
    cap = spec.max_runs if max_runs is None else max_runs
    runs = n_points(spec) * spec.replicates
    if runs > cap:
        raise InputError(f"the design has {n_points(spec)} points x {spec.replicates} "
                         f"replicates = {runs} runs, more than the maximum of {cap}",
                         source=spec.source, field="max_runs",
                         allowed=f"at most {cap} runs (raise max_runs or --max-runs)")
    return runs


def build_design(spec: SweepSpec) -> pd.DataFrame:
    """The design points: columns ``point`` and one per varied parameter.

    >>> from powerbalance.experiments.spec import parse_spec
    >>> s = parse_spec({"scenario": "warring-states", "years": 5, "parameters": {
    ...     "attack_odds": {"range": [0.4, 0.8], "steps": 3},
    ...     "gradient": {"values": ["logistic", "exponential"]}}})
    >>> d = build_design(s)
    >>> len(d), list(d.columns)
    (6, ['point', 'attack_odds', 'gradient'])
    """
    names = spec.parameter_names
    if spec.design == "grid":
        rows: list[tuple[Any, ...]] = list(itertools.product(*(a.grid() for a in spec.axes)))
    else:
        unit = unit_sample(spec)
        rows = [tuple(a.from_unit(float(u[j])) for j, a in enumerate(spec.axes)) for u in unit]
    frame = pd.DataFrame(rows, columns=names) if names else pd.DataFrame(index=range(1))
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int32))
    return frame.reset_index(drop=True)


def point_overrides(spec: SweepSpec, design: pd.DataFrame, point: int) -> dict[str, Any]:
    """The parameter overrides of one design point (fixed values included)."""
    row = design.iloc[point]
    out = dict(spec.fixed)
    for a in spec.axes:
        value = row[a.name]
        out[a.name] = value.item() if isinstance(value, np.generic) else value
    return out


def make_tasks(spec: SweepSpec, n: int) -> list[Task]:
    """All tasks of a design of ``n`` points: blocks of ``replicates_per_task``."""
    size = spec.replicates_per_task
    return [Task(p, first, min(size, spec.replicates - first))
            for p in range(n) for first in range(0, spec.replicates, size)]
