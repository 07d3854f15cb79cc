"""Summaries of a run: who unified the system, when, and the polarity at the end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerbalance.analysis import POLARITY_NAMES
from powerbalance.experiments.stats import proportion_ci


def unification(system: pd.DataFrame, names: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """How often each actor (and anyone) unified the system, and the median year.

    A world is *unified* in the first year only one actor is alive; the
    unifier is that year's leader. ``ci_low`` and ``ci_high`` bound the share
    with the 95% Wilson interval (:func:`powerbalance.experiments.stats.proportion_ci`).

    >>> sys = pd.DataFrame({"world": [0, 0, 1, 1], "year": [0, 1, 0, 1],
    ...                     "live_actors": [2, 1, 2, 2], "leader": [0, 1, 0, 0]})
    >>> unification(sys, ["A", "B"])[["actor", "worlds", "share"]].values.tolist()
    [['A', 0, 0.0], ['B', 1, 0.5], ['anyone', 1, 0.5]]
    """
    worlds = system["world"].nunique()
    one = system[system["live_actors"] == 1]
    first = one.sort_values(["world", "year"]).drop_duplicates("world")
    rows = []
    for idx, name in enumerate(names):
        sel = first[first["leader"] == idx]
        rows.append(_row(name, sel["year"], worlds))
    rows.append(_row("anyone", first["year"], worlds))
    return pd.DataFrame(rows)


def _row(name: str, years: pd.Series, worlds: int) -> dict[str, object]:
    n = len(years)
    p, lo, hi = proportion_ci(n, worlds) if worlds else (0.0, 0.0, 0.0)
    return {
        "actor": name, "worlds": n, "share": p, "ci_low": lo, "ci_high": hi,
        "median_year": float(np.median(years)) if n else float("nan"),
    }


def final_polarity(system: pd.DataFrame) -> pd.DataFrame:
    """Share of worlds in each polarity class at the last recorded year."""
    last = system[system["year"] == system["year"].max()]
    counts = last["polarity"].astype(str).value_counts()
    total = len(last)
    return pd.DataFrame({
        "polarity": list(POLARITY_NAMES),
        "worlds": [int(counts.get(name, 0)) for name in POLARITY_NAMES],
        "share": [counts.get(name, 0) / total if total else 0.0 for name in POLARITY_NAMES],
    })
