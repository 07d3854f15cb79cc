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


def law_summary(system: pd.DataFrame, events: pd.DataFrame,
                collapse: float = 0.1) -> pd.DataFrame:
    """Per world: the law of nations over a run (``Params.law`` on; docs/law.md).

    Columns: ``violations`` (aggressions and broken treaties), ``violations_per_decade``,
    ``punished_share`` (share of violations sanctioned; NaN without any),
    ``unpunishable_share`` (share whose violator no possible coalition could punish),
    ``norm_end`` (mean strength of the two norms at the last year), ``norm_low`` (the
    lowest strength the weaker norm reached) and ``law_lifetime``: the first year the
    weaker norm fell below ``collapse`` (``Params.law_collapse``), or the number of years
    run when it never did (the lifetime is then censored: ``law_died`` is False). The
    weaker norm, because a norm that regrows once nobody is left to violate it (the peace
    of an empire) does not undo the death of the law.

    >>> sys = pd.DataFrame({"world": [0, 0, 0], "year": [0, 1, 2],
    ...                     "norm_territory": [0.5, 0.05, 0.0], "norm_treaty": [0.5, 0.1, 0.0]})
    >>> ev = pd.DataFrame({"world": [0], "year": [1], "kind": ["aggression"], "value": [-1.0]})
    >>> law_summary(sys, ev)[["violations", "law_lifetime", "law_died"]].values.tolist()
    [[1, 1, True]]
    """
    norms = [c for c in system.columns if c.startswith("norm_")]
    if not norms:
        raise ValueError("the system table has no norm columns: the run had law off")
    sys = system.assign(norm_mean=system[norms].mean(axis=1),
                        norm_min=system[norms].min(axis=1))
    worlds = np.sort(sys["world"].unique())
    years = sys.groupby("world")["year"].max().reindex(worlds)
    dead = sys[sys["norm_min"] < collapse].groupby("world")["year"].min()
    low = sys.groupby("world")["norm_min"].min().reindex(worlds)
    kinds = events["kind"].astype(str)
    viol = events[kinds.isin(["aggression", "treaty_broken"])]
    count = viol.groupby("world").size().reindex(worlds, fill_value=0)
    punished = (viol["value"] > 0).groupby(viol["world"]).sum().reindex(worlds, fill_value=0)
    unpunishable = (viol["value"] < 0).groupby(viol["world"]).sum().reindex(worlds,
                                                                            fill_value=0)
    last = sys.sort_values("year").groupby("world")["norm_mean"].last().reindex(worlds)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "world": worlds,
            "violations": count.to_numpy(),
            "violations_per_decade": (10.0 * count / years.clip(lower=1)).to_numpy(),
            "punished_share": (punished / count.where(count > 0)).to_numpy(dtype=float),
            "unpunishable_share": (unpunishable / count.where(count > 0)).to_numpy(dtype=float),
            "norm_end": last.to_numpy(),
            "norm_low": low.to_numpy(),
            "law_lifetime": dead.reindex(worlds).fillna(years).astype(int).to_numpy(),
            "law_died": dead.reindex(worlds).notna().to_numpy(),
        })
