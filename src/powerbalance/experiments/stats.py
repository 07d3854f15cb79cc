"""Statistics researchers publish from a sweep.

* :func:`mean_ci`, :func:`proportion_ci` and :func:`outcome_table`: outcome
  means (Student t interval) and proportions (Wilson score interval) with
  confidence intervals per design point.
* :func:`sobol_indices`: first-order and total Sobol indices of an outcome to
  each parameter (SALib, on a Sobol/Saltelli design).
* :func:`kaplan_meier` and :func:`plot_survival`: Kaplan-Meier survival of
  states by group (lifelines).
* :func:`fit_war_sizes`: maximum-likelihood power-law fit of war sizes with
  the ``powerlaw`` package (exponent, x_min, comparison with a log-normal).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps

from powerbalance.errors import InputError


def mean_ci(x: npt.ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval (mean, lo, hi); NaN bounds for n < 2.

    >>> m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    >>> m, round(lo, 3), round(hi, 3)
    (2.0, -0.484, 4.484)
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = len(a)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = float(a.mean())
    if n < 2:
        return m, math.nan, math.nan
    half = float(sps.t.ppf(0.5 + level / 2, n - 1) * a.std(ddof=1) / math.sqrt(n))
    return m, m - half, m + half


def proportion_ci(k: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Proportion and Wilson score interval (p, lo, hi).

    >>> p, lo, hi = proportion_ci(5, 10)
    >>> p, round(lo, 4), round(hi, 4)
    (0.5, 0.2366, 0.7634)
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    z = float(sps.norm.ppf(0.5 + level / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return p, lo, hi


def outcome_table(runs: pd.DataFrame, outcomes: Sequence[str] | None = None,
                  by: str | Sequence[str] = "point", level: float = 0.95) -> pd.DataFrame:
    """Per group: for each outcome the mean (or proportion), CI bounds and n.

    Boolean outcomes get Wilson intervals, numeric ones t intervals. Columns
    are ``OUTCOME``, ``OUTCOME_lo``, ``OUTCOME_hi`` and ``n``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    for k in keys:
        if k not in runs.columns:
            raise InputError(f"unknown column {k!r}", source="outcome_table", field="by",
                             allowed=", ".join(runs.columns))
    if outcomes is None:
        from powerbalance.experiments.outcomes import SUMMARY_COLUMNS

        outcomes = [c for c in SUMMARY_COLUMNS if c in runs.columns]
    for o in outcomes:
        if o not in runs.columns:
            raise InputError(f"unknown outcome {o!r}", source="outcome_table", field="outcome",
                             allowed=", ".join(runs.columns))
    rows = []
    for key, group in runs.groupby(keys, sort=True):
        row: dict[str, Any] = dict(zip(keys, key if isinstance(key, tuple) else (key,),
                                       strict=True))
        row["n"] = len(group)
        for o in outcomes:
            col = group[o]
            if col.dtype == bool:
                est, lo, hi = proportion_ci(int(col.sum()), len(col), level)
            else:
                est, lo, hi = mean_ci(col.astype("float64").to_numpy(na_value=np.nan), level)
            row[o], row[f"{o}_lo"], row[f"{o}_hi"] = est, lo, hi
        rows.append(row)
    return pd.DataFrame(rows)


def sobol_indices(problem: dict[str, Any], y: npt.ArrayLike, second_order: bool = False,
                  seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with bootstrap CI half-widths.

    ``y`` holds one value per design point of a SALib Sobol/Saltelli sample of
    ``problem`` (in its order), e.g. the proportion of runs with a hegemon at
    each point.
    """
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float)
    if np.isnan(y).any():
        raise InputError("the outcome has missing values at some design points",
                         source="sobol_indices", field="y", allowed="a value at every point")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sobol.analyze(problem, y, calc_second_order=second_order,
                            conf_level=level, seed=seed, print_to_console=False)
    return pd.DataFrame({
        "parameter": problem["names"],
        "S1": res["S1"], "S1_conf": res["S1_conf"],
        "ST": res["ST"], "ST_conf": res["ST_conf"],
    })


def kaplan_meier(lifetimes: pd.DataFrame, group: str | None = None,
                 duration: str = "duration", event: str = "died",
                 level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival curves, one per group: group, time, survival, lo, hi, at_risk.

    >>> df = pd.DataFrame({"duration": [1, 2, 2, 3, 5], "died": [1, 1, 0, 1, 0]})
    >>> kaplan_meier(df)["survival"].round(2).tolist()
    [1.0, 0.8, 0.6, 0.3, 0.3]
    """
    from lifelines import KaplanMeierFitter

    for c in (duration, event) + ((group,) if group else ()):
        if c not in lifetimes.columns:
            raise InputError(f"unknown column {c!r}", source="kaplan_meier", field="group",
                             allowed=", ".join(lifetimes.columns))
    parts = []
    groups = lifetimes.groupby(group, sort=True, observed=True) if group else [("all",
                                                                                lifetimes)]
    for key, g in groups:
        km = KaplanMeierFitter(alpha=1 - level)
        km.fit(g[duration].to_numpy(dtype=float), g[event].to_numpy(dtype=bool))
        sf = km.survival_function_.iloc[:, 0]
        ci = km.confidence_interval_
        table = km.event_table
        parts.append(pd.DataFrame({
            "group": str(key[0] if isinstance(key, tuple) else key),
            "time": sf.index.to_numpy(dtype=float),
            "survival": sf.to_numpy(),
            "lo": ci.iloc[:, 0].to_numpy(),
            "hi": ci.iloc[:, 1].to_numpy(),
            "at_risk": table["at_risk"].reindex(sf.index).to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)


def plot_survival(curves: pd.DataFrame, path: str | Path, title: str = "Survival of states"
                  ) -> Path:
    """Step plot of :func:`kaplan_meier` curves with CI bands, saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, g in curves.groupby("group", sort=True):
        line = ax.step(g["time"], g["survival"], where="post", label=str(name))[0]
        ax.fill_between(g["time"], g["lo"], g["hi"], step="post", alpha=0.15,
                        color=line.get_color())
    ax.set_xlabel("year")
    ax.set_ylabel("probability of survival")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def fit_war_sizes(sizes: npt.ArrayLike, xmin: float | None = None) -> dict[str, float]:
    """Maximum-likelihood power-law fit of war sizes (Clauset, Shalizi & Newman 2009).

    Returns ``alpha`` (exponent), ``sigma`` (its standard error), ``xmin``,
    ``n`` and ``n_tail`` (wars at or above x_min), and the log-likelihood ratio
    ``R`` of power law versus log-normal with its p-value ``p`` (R > 0 favours
    the power law; a small p means the sign of R is significant).
    """
    import powerlaw

    x = np.asarray(sizes, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    if len(x) < 10:
        raise InputError(f"only {len(x)} positive war sizes", source="fit_war_sizes",
                         field="sizes", allowed="at least 10 wars")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fit = powerlaw.Fit(x, xmin=xmin, discrete=False, verbose=False)
        r, p = fit.distribution_compare("power_law", "lognormal", normalized_ratio=True)
        pl = fit.power_law
        sigma = getattr(pl, "standard_err", None)
        sigma = pl.sigma if sigma is None else sigma
    return {"alpha": float(pl.alpha), "sigma": float(sigma),
            "xmin": float(pl.xmin), "n": float(len(x)),
            "n_tail": float((x >= pl.xmin).sum()), "R": float(r), "p": float(p)}
