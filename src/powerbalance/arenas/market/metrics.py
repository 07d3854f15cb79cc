"""Stylised facts of firm growth measured on a market run's firm table.

Gibrat's law (Gibrat 1931): a firm's growth rate does not depend on its size, so the
slope of log growth on log size is zero; proportionate growth makes the size
distribution right-skewed (Sutton 1997, "Gibrat's legacy", *JEL* 35(1): 40-59).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def gibrat_slope(actors: pd.DataFrame) -> float:
    """OLS slope of ``log(revenue_t+1 / revenue_t)`` on ``log revenue_t`` over the firm-years
    alive in both years (consecutive recorded years; NaN when there are fewer than three)."""
    a = actors[actors["alive"] & (actors["revenue"] > 0)]
    a = a.sort_values(["world", "actor", "year"])
    nxt = a.groupby(["world", "actor"], observed=True)[["year", "revenue"]].shift(-1)
    ok = (nxt["year"] == a["year"] + 1).to_numpy()
    if ok.sum() < 3:
        return float("nan")
    x = np.log(a["revenue"].to_numpy()[ok])
    y = np.log(nxt["revenue"].to_numpy(dtype=float)[ok]) - x
    return float(stats.linregress(x, y).slope)


def size_skewness(actors: pd.DataFrame) -> float:
    """Skewness of the firms' revenue shares at the last recorded year (pooled over worlds)."""
    last = actors[(actors["year"] == actors["year"].max()) & actors["alive"]]
    return float(stats.skew(last["share"].to_numpy(dtype=float)))
