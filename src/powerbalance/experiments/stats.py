"""The statistics of the package: every confidence interval and fit is computed here.

* :func:`proportion_ci` (and the vectorised :func:`proportion_interval`):
  proportions with the Wilson score interval (Wilson 1927) or the exact
  Clopper-Pearson interval (Clopper & Pearson 1934), from statsmodels (Wilson
  in closed form, checked against statsmodels, so that importing this module
  costs no scipy.stats).
* :func:`mean_ci`: means with the Student t interval (scipy.stats);
  :func:`paired_difference`: the mean of paired differences with its t
  interval, for comparisons on common random numbers.
* :func:`format_interval`: the one way an estimate and its interval are
  printed, with enough decimals that small intervals stay visible
  ("0.0% [0.0%, 0.4%]" for 0 of 1,000, never "0.0%-0.0%").
* :func:`outcome_table`: outcome means and proportions with confidence
  intervals per design point.
* :func:`sobol_indices`: first-order and total Sobol indices of an outcome to
  each parameter (SALib, on a Sobol/Saltelli design), with bootstrap
  intervals seeded through :func:`derived_seed`, so a report is reproducible
  bit for bit.
* :func:`death_times` and :func:`lifetimes`: when each state died (or the
  last year, censored), from alive arrays or from a run's actors table; the
  sweep's ``lifetimes`` dataset is built with the same function.
* :func:`kaplan_meier` and :func:`plot_survival`: Kaplan-Meier survival of
  states by group (lifelines); the plot is drawn by
  :func:`powerbalance.viz.survival_plot`.
* :func:`fit_war_sizes` and :func:`power_law_ccdf`: maximum-likelihood
  power-law fit of war sizes (x_min by the Kolmogorov-Smirnov method of
  Clauset, Shalizi & Newman 2009; exponent, its error and the Vuong comparison
  with a truncated log-normal, vectorised here and checked against the
  ``powerlaw`` package in the tests), and the tail it implies.

These are the only implementations of these statistics in the package: the
experiments, tournaments, summaries, CLI tables and the plots in
:mod:`powerbalance.viz` call them and only draw or print.

References: E. B. Wilson (1927), "Probable inference, the law of succession,
and statistical inference", *JASA* 22(158): 209-212. C. J. Clopper & E. S.
Pearson (1934), "The use of confidence or fiducial limits illustrated in the
case of the binomial", *Biometrika* 26(4): 404-413. B. Efron & R. J.
Tibshirani (1993), *An Introduction to the Bootstrap*, Chapman & Hall.
A. Saltelli et al. (2010), "Variance based sensitivity analysis of model
output", *Computer Physics Communications* 181: 259-270. A. Clauset, C. R.
Shalizi & M. E. J. Newman (2009), "Power-law distributions in empirical
data", *SIAM Review* 51(4): 661-703.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.errors import InputError

#: Interval methods for proportions: statsmodels' names of Wilson and Clopper-Pearson.
PROPORTION_METHODS = {"wilson": "wilson", "clopper-pearson": "beta"}

#: Purposes of the random streams of the statistics, mixed into :func:`derived_seed`.
SEED_PURPOSES = {"sobol": 1, "robustness": 2, "random-walk": 3}


def derived_seed(seed: int, purpose: str) -> int:
    """A positive 32-bit seed for the statistics' resampling, derived from a master seed.

    The master seed and the purpose (a key of :data:`SEED_PURPOSES`) are
    expanded by :class:`numpy.random.SeedSequence`, so every purpose gets its
    own stream and the same master seed always gives the same seed. It is
    never 0: SALib treats a seed of 0 as "no seed" and draws from the global
    random state.

    >>> derived_seed(2026, "sobol") == derived_seed(2026, "sobol")
    True
    >>> derived_seed(2026, "sobol") != derived_seed(2027, "sobol") and derived_seed(0, "sobol") > 0
    True
    """
    if purpose not in SEED_PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    state = np.random.SeedSequence([int(seed) % 2**64, SEED_PURPOSES[purpose]])
    value = int(state.generate_state(1, np.uint32)[0])
    return value or 1


def mean_ci(x: npt.ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student t confidence interval (mean, lo, hi); NaN bounds for n < 2.

    NaN values are dropped. A sample without spread has the interval [mean, mean].
    The interval is ``scipy.stats.t.interval`` with n - 1 degrees of freedom
    around the mean, with scale the standard error.

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
    se = float(a.std(ddof=1)) / math.sqrt(n)
    if se == 0.0:
        return m, m, m
    from scipy.special import stdtrit  # the t quantile, without scipy.stats' 0.7 s import

    half = float(stdtrit(n - 1, (1.0 + level) / 2.0)) * se
    return m, m - half, m + half


def paired_difference(high: npt.ArrayLike, low: npt.ArrayLike, level: float = 0.95
                      ) -> dict[str, float]:
    """Mean of the paired differences ``high - low`` with one-sided t bounds at ``level``.

    Pairs are the same world under two arms (common random numbers), so
    the differences are independent across worlds. Returns ``difference``,
    its standard error ``se``, ``ci_low`` (the lower one-sided bound at
    ``level``) and ``ci_high`` (the upper one), each the t quantile with
    n - 1 degrees of freedom times the standard error away from the mean;
    both equal the mean when n < 2 or the differences have no spread.

    >>> d = paired_difference([2.0, 3.0, 4.0], [1.0, 1.0, 1.0], level=0.95)
    >>> d["difference"], round(d["se"], 4), round(d["ci_low"], 3)
    (2.0, 0.5774, 0.314)
    """
    d = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    se = float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    from scipy.special import stdtrit

    t = float(stdtrit(n - 1, level)) if n > 1 else 0.0
    return {"difference": mean, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se}


def proportion_interval(k: npt.ArrayLike, n: int, level: float = 0.95,
                        method: str = "wilson"
                        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bounds (lo, hi) of the interval of each proportion ``k / n``, element-wise.

    ``method`` is ``wilson`` (the score interval, Wilson 1927) or
    ``clopper-pearson`` (the exact interval, Clopper & Pearson 1934, from
    ``statsmodels.stats.proportion.proportion_confint``; Wilson is the same
    formula in closed form). A count of 0
    has lower bound exactly 0, a count of n upper bound exactly 1.

    >>> lo, hi = proportion_interval([0, 5], 10)
    >>> lo.round(4).tolist(), hi.round(4).tolist()
    ([0.0, 0.2366], [0.2775, 0.7634])
    """
    if method not in PROPORTION_METHODS:
        raise InputError(f"unknown method {method!r}", source="proportion_interval",
                         field="method", allowed=", ".join(PROPORTION_METHODS))
    counts = np.asarray(k, dtype=np.float64)
    if n <= 0:
        nan = np.full(counts.shape, np.nan)
        return nan, nan
    if method == "wilson":
        lo, hi = _wilson(counts, n, level)
    else:
        from statsmodels.stats.proportion import proportion_confint

        lo, hi = proportion_confint(counts, n, alpha=1 - level,
                                    method=PROPORTION_METHODS[method])
    lo = np.where(counts <= 0, 0.0, np.clip(lo, 0.0, 1.0))
    hi = np.where(counts >= n, 1.0, np.clip(hi, 0.0, 1.0))
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def _wilson(counts: npt.NDArray[np.float64], n: int, level: float
            ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The Wilson score interval (Wilson 1927) in closed form, as statsmodels'
    ``proportion_confint(method="wilson")`` computes it (the tests compare the two);
    written out because statsmodels imports scipy.stats (0.7 s), which ``facts`` avoids."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    q = counts / n
    denom = 1.0 + z * z / n
    centre = (q + z * z / (2.0 * n)) / denom
    half = z * np.sqrt(q * (1.0 - q) / n + z * z / (4.0 * n * n)) / denom
    return centre - half, centre + half


def proportion_ci(k: int, n: int, level: float = 0.95, method: str = "wilson"
                  ) -> tuple[float, float, float]:
    """Proportion and its interval (p, lo, hi): Wilson score by default (see
    :func:`proportion_interval`); NaN for n = 0.

    >>> p, lo, hi = proportion_ci(5, 10)
    >>> p, round(lo, 4), round(hi, 4)
    (0.5, 0.2366, 0.7634)
    >>> [round(v, 4) for v in proportion_ci(0, 1000)]
    [0.0, 0.0, 0.0038]
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    lo, hi = proportion_interval(k, n, level, method)
    return k / n, float(lo), float(hi)


def interval_decimals(lo: float, hi: float, minimum: int = 1, maximum: int = 8) -> int:
    """Decimals that show an interval's width with at least one significant digit.

    At least ``minimum`` and at most ``maximum``; ``minimum`` when the width
    is 0 or not finite.

    >>> interval_decimals(0.0, 0.38), interval_decimals(0.0, 0.0038), interval_decimals(2, 7)
    (1, 3, 1)
    """
    width = hi - lo
    if not math.isfinite(width) or width <= 0:
        return minimum
    return int(min(maximum, max(minimum, -math.floor(math.log10(width)))))


def format_interval(estimate: float, lo: float, hi: float, *, percent: bool = False,
                    minimum: int | None = None, bounds_only: bool = False) -> str:
    """``estimate [lo, hi]`` with enough decimals that the interval's width shows.

    ``percent`` prints fractions as percentages; ``minimum`` is the least
    number of decimals (default 1 for percentages, 2 otherwise);
    ``bounds_only`` leaves the estimate out (``[lo, hi]``). Missing values
    print as ``-``.

    >>> format_interval(*proportion_ci(0, 1000), percent=True)
    '0.0% [0.0%, 0.4%]'
    >>> format_interval(*proportion_ci(0, 100000), percent=True)
    '0.000% [0.000%, 0.004%]'
    >>> format_interval(2.0, -0.484, 4.484), format_interval(2.0, -0.484, 4.484, bounds_only=True)
    ('2.00 [-0.48, 4.48]', '[-0.48, 4.48]')
    """
    scale, unit = (100.0, "%") if percent else (1.0, "")
    least = (1 if percent else 2) if minimum is None else minimum
    digits = interval_decimals(scale * lo, scale * hi, least)

    def show(v: float) -> str:
        return f"{scale * v:.{digits}f}{unit}" if math.isfinite(v) else "-"

    interval = f"[{show(lo)}, {show(hi)}]"
    return interval if bounds_only else f"{show(estimate)} {interval}"


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
    each point. The indices are Saltelli et al.'s (2010) estimators
    (``SALib.analyze.sobol``); the half-widths are the normal quantile times
    the bootstrap standard error (the standard bootstrap interval, Efron &
    Tibshirani 1993, ch. 13), its resamples drawn from
    :func:`derived_seed` of the master ``seed``, so identical data and seed
    give identical intervals (SALib itself would draw from the global random
    state for a seed of 0).
    """
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float)
    if np.isnan(y).any():
        raise InputError("the outcome has missing values at some design points",
                         source="sobol_indices", field="y", allowed="a value at every point")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sobol.analyze(problem, y, calc_second_order=second_order,
                            conf_level=level, seed=derived_seed(seed, "sobol"),
                            print_to_console=False)
    return pd.DataFrame({
        "parameter": problem["names"],
        "S1": res["S1"], "S1_conf": res["S1_conf"],
        "ST": res["ST"], "ST_conf": res["ST_conf"],
    })


def death_times(alive: npt.ArrayLike, years: npt.ArrayLike
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Per state: the first recorded year it is not alive, else the last year (censored).

    ``alive`` is a (years, ...) boolean array, ``years`` the year of each
    row. Returns ``(duration, died)`` with the trailing shape of ``alive``.

    >>> d, died = death_times([[True, True], [True, False], [True, False]], [0, 5, 10])
    >>> d.tolist(), died.tolist()
    ([10, 5], [False, True])
    """
    a = np.asarray(alive, dtype=bool)
    y = np.asarray(years)
    dead = ~a
    died: npt.NDArray[np.bool_] = np.asarray(dead.any(axis=0), dtype=bool)
    duration: npt.NDArray[np.int64] = np.where(died, y[dead.argmax(axis=0)],
                                               y[-1]).astype(np.int64)
    return duration, died


def lifetimes(actors: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The lifetime of every world-actor of a run's actors table, for :func:`kaplan_meier`.

    Columns world, actor, [by], ``duration`` (the first year not alive, or
    the last year of the table if it survived) and ``died`` -- the schema of
    a sweep's ``lifetimes`` dataset, computed by the same :func:`death_times`.
    """
    key = ["world", "actor"]
    for c in [*key, "year", "alive"] + ([by] if by is not None else []):
        if c not in actors.columns:
            raise InputError(f"no column {c!r}", source="actors", field="by",
                             allowed=", ".join(map(str, actors.columns)))
    wide = actors.pivot_table(index="year", columns=key, values="alive", aggfunc="first",
                              observed=True, dropna=False)
    wide = wide.sort_index()
    alive = wide.astype("boolean").fillna(True).to_numpy(dtype=bool)  # unrecorded: not dead
    duration, died = death_times(alive, wide.index.to_numpy())
    out = wide.columns.to_frame(index=False)
    out["duration"] = duration
    out["died"] = died
    if by is not None:
        first = actors.drop_duplicates(key).set_index(key)[by]
        out[by] = first.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
        out = out[[*key, by, "duration", "died"]]
    return out


def kaplan_meier(lifetimes: pd.DataFrame, group: str | None = None,
                 duration: str = "duration", event: str = "died",
                 level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival curves, one per group: group, time, survival, lo, hi, at_risk.

    Each curve starts at time 0 with survival 1; ``at_risk`` counts the
    states at risk just before each time (so at time 0, the group's size).

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
    """Save :func:`kaplan_meier` curves with CI bands to ``path`` (PNG).

    Drawn by :func:`powerbalance.viz.survival_plot` (the one survival plot).
    """
    from powerbalance.viz.ensembles import survival_plot

    fig = survival_plot(curves, title=title)
    path = Path(path)
    fig.savefig(path, dpi=120, facecolor="white")
    return path


#: Most x_min candidates :func:`xmin_search` tries (distinct values at evenly spaced ranks).
XMIN_CANDIDATES = 2000

#: Exponents the power-law fit may take. The ``powerlaw`` package's default range is
#: [0, 3], which clamps steeper tails at 3 and biases the x_min search.
ALPHA_RANGE = (1.0, None)


def _ks_distances(distinct: npt.NDArray[np.float64], first: npt.NDArray[np.int64], n: int,
                  pick: npt.NDArray[np.int64], alphas: npt.NDArray[np.float64],
                  discrete: bool) -> npt.NDArray[np.float64]:
    """KS distance of each candidate ``distinct[pick]`` with exponent ``alphas``, vectorised
    over candidates in blocks of at most about four million cells."""
    out = np.empty(len(pick))
    log_x = np.log(distinct)
    block = max(1, 4_000_000 // max(1, len(distinct)))
    for b in range(0, len(pick), block):
        j = pick[b:b + block]
        a = alphas[b:b + block, None]
        k = np.arange(len(distinct))[None, :]
        above = k >= j[:, None]
        if discrete:
            from scipy.special import zeta

            fitted = 1.0 - zeta(a, distinct[None, :]) / zeta(a, distinct[j][:, None])
        else:
            rise = np.maximum(log_x[None, :] - log_x[j][:, None], 0.0)  # 0 below x_min
            fitted = -np.expm1((1.0 - a) * rise)
        m = (n - first[j])[:, None]
        empirical = (first[None, :] - first[j][:, None]) / m
        gap = np.where(above, np.abs(fitted - empirical), 0.0)
        out[b:b + block] = gap.max(axis=1)
    return out


def xmin_search(sizes: npt.ArrayLike, candidates: int = XMIN_CANDIDATES, *,
                discrete: bool = False) -> dict[str, float]:
    """The x_min of a power-law tail by the Kolmogorov-Smirnov method.

    For each candidate x_min the exponent is the maximum-likelihood estimate
    ``alpha = 1 + n_tail / sum(log(x / x_min))`` (exact for a continuous
    power law; Clauset, Shalizi & Newman 2009, eq. 3.1; with ``discrete`` their
    approximation eq. 3.7, ``x_min - 1/2`` in place of ``x_min``, and the exact
    discrete CDF through the Hurwitz zeta function) and the distance is the KS
    statistic between the tail's empirical CDF and the fitted one (their section
    3.3); the candidate with the smallest distance wins. This is the search of
    ``powerlaw.Fit``, vectorised over the candidates: that package refits every
    candidate numerically (about 15 ms each), which made the fit of 33,109 war
    sizes of a 8,000-run sweep take 7 minutes.

    The candidates are every distinct value but the largest when there are at
    most ``candidates`` of them; otherwise the distinct values at
    ``candidates`` evenly spaced ranks of the sorted sample (every 0.05% of
    the data for the default 2,000), so x_min is resolved to that quantile
    step -- far finer than its own sampling error. Returns ``xmin``,
    ``alpha``, ``D`` and ``candidates`` (the number tried).

    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.uniform(0.1, 1.0, 500), (1 - rng.random(2000)) ** (-1 / 1.5)]
    >>> found = xmin_search(x)
    >>> bool(0.8 < found["xmin"] < 1.3), round(found["alpha"], 1)
    (True, 2.5)
    """
    xs = np.sort(np.asarray(sizes, dtype=np.float64))
    n = len(xs)
    distinct, first = np.unique(xs, return_index=True)
    if len(distinct) < 2:
        raise InputError(f"only {len(distinct)} distinct sizes", source="xmin_search",
                         field="sizes", allowed="at least 2 distinct values")
    last = len(distinct) - 1  # the largest value leaves a tail of one value: no candidate
    if last <= candidates:
        pick = np.arange(last)
    else:
        ranks = np.linspace(0, first[last] - 1, candidates).astype(np.int64)
        pick = np.unique(np.searchsorted(distinct, xs[ranks], side="left"))
    tail_log_sum = np.cumsum(np.log(xs)[::-1])[::-1]  # sum of log x over xs[i:]
    i = first[pick]
    m = n - i
    shift = 0.5 if discrete else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 + m / (tail_log_sum[i] - m * np.log(distinct[pick] - shift))
    alphas = np.where(np.isfinite(alphas) & (alphas > 1.0), alphas, np.nan)
    d = _ks_distances(distinct, first, n, pick, np.nan_to_num(alphas, nan=2.0), discrete)
    d = np.where(np.isnan(alphas), np.inf, d)
    best = int(np.argmin(d))  # the first of equal distances, as the package's loop
    return {"xmin": float(distinct[pick[best]]), "alpha": float(alphas[best]),
            "D": float(d[best]), "candidates": float(len(pick))}


def _discrete_alpha(log_sum: float, n_tail: int, xmin: float) -> float:
    """Exact maximum-likelihood exponent of a discrete power law above ``xmin``
    (Clauset, Shalizi & Newman 2009, eq. 3.5: log L = -n log zeta(alpha, x_min) -
    alpha sum log x), by a vectorised grid on (1, 8] and golden-section refinement."""
    from scipy.special import zeta

    def loglik(a: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(-n_tail * np.log(zeta(a, xmin)) - a * log_sum)

    return _grid_argmax(loglik, np.linspace(1.0005, 8.0, 400))


def _grid_argmax(f: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
                 grid: npt.NDArray[np.float64]) -> float:
    """Where the vectorised ``f`` is largest: the best point of ``grid``, refined by 60
    golden-section steps between its two neighbours (``f`` unimodal there)."""
    k = int(np.argmax(f(grid)))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        fa, fb = f(np.array([a, b]))
        lo, hi = (lo, b) if fa >= fb else (a, hi)
    return float((lo + hi) / 2.0)


def _lognormal_tail(log_x: npt.NDArray[np.float64], log_xmin: float
                    ) -> tuple[float, float, npt.NDArray[np.float64]]:
    """Maximum-likelihood log-normal truncated at x_min (the rival of Clauset et al. 2009,
    section 5), and the log-likelihood of each point.

    With ``y = log x - log x_min`` and the truncation point ``t = (mu - log x_min) /
    sigma`` in standard units, the log-likelihood is ``-n log sigma - sum (y - t sigma)^2
    / (2 sigma^2) - n log Phi(t)`` plus terms free of the parameters. For a given ``t`` it
    is largest at ``sigma = (sqrt(m1^2 t^2 + 4 m2) - m1 t) / 2`` (``m1``, ``m2`` the mean
    of y and of y^2: the root of its derivative), so the fit is a one-dimensional
    profile likelihood in ``t``: a vectorised grid on [-80, 20] and golden-section
    refinement. When the tail is close to a power law the profile keeps rising as ``t ->
    -inf`` (the log-normal tends to the power law there); the fit then stops at the
    grid's end, where the ratio of the two likelihoods has converged.
    """
    from scipy.special import log_ndtr

    n = len(log_x)
    y = log_x - log_xmin
    m1, m2 = float(y.mean()), float((y * y).mean())

    def sigma_of(t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray((np.sqrt(m1 * m1 * t * t + 4.0 * m2) - m1 * t) / 2.0)

    def profile(t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        s = sigma_of(t)
        return np.asarray(-n * np.log(s) - n * (m2 - 2 * m1 * t * s + t * t * s * s)
                          / (2 * s * s) - n * log_ndtr(t))

    t_hat = _grid_argmax(profile, np.linspace(-80.0, 20.0, 2001))
    sigma_hat = float(sigma_of(np.array([t_hat]))[0])
    mu_hat = log_xmin + t_hat * sigma_hat
    z = (log_x - mu_hat) / sigma_hat
    points = (-log_x - math.log(sigma_hat) - 0.5 * math.log(2 * math.pi) - 0.5 * z * z
              - float(log_ndtr(t_hat)))
    return float(mu_hat), sigma_hat, np.asarray(points, dtype=np.float64)


def vuong_test(loglik_a: npt.ArrayLike, loglik_b: npt.ArrayLike) -> tuple[float, float]:
    """Normalised log-likelihood ratio of two non-nested models and its two-sided p-value.

    ``R = sum(l_a - l_b) / (sqrt(n) sd)`` with ``sd`` the standard deviation of the
    pointwise differences (population form), ``p = erfc(|R| / sqrt 2)``; R > 0 favours
    model a, a small p means the sign of R is significant (Vuong 1989, "Likelihood ratio
    tests for model selection and non-nested hypotheses", *Econometrica* 57(2): 307-333;
    Clauset, Shalizi & Newman 2009, eq. 5.4, as the ``powerlaw`` package computes it).

    >>> r, p = vuong_test([0.0, -1.0, -0.5], [-1.0, -1.0, -1.0])
    >>> round(r, 4), round(p, 4)
    (2.1213, 0.0339)
    """
    diff = np.asarray(loglik_a, dtype=np.float64) - np.asarray(loglik_b, dtype=np.float64)
    n = len(diff)
    if n == 0:
        return 0.0, 1.0
    sd = float(diff.std())
    if sd == 0.0:
        return (0.0, 1.0) if float(diff.sum()) == 0.0 else (math.copysign(math.inf, diff.sum()),
                                                             0.0)
    r = float(diff.sum()) / (math.sqrt(n) * sd)
    return r, math.erfc(abs(r) / math.sqrt(2.0))


def fit_war_sizes(sizes: npt.ArrayLike, xmin: float | None = None,
                  candidates: int = XMIN_CANDIDATES, *, discrete: bool = False
                  ) -> dict[str, float]:
    """Maximum-likelihood power-law fit of war sizes (Clauset, Shalizi & Newman 2009).

    x_min is ``xmin`` when given, else found by :func:`xmin_search` (over at
    most ``candidates`` values). Above it the exponent is the exact
    maximum-likelihood estimate (continuous: eq. 3.1, never clamped, see
    :data:`ALPHA_RANGE`; ``discrete``: eq. 3.5 through the Hurwitz zeta
    function), and the power law is compared with a log-normal truncated at
    x_min by :func:`vuong_test` (their section 5; continuous fits only: ``R`` and
    ``p`` are NaN for a discrete fit, whose rival would need a discrete log-normal). The
    ``powerlaw`` package computes the same and is the cross-check of the tests;
    it is not imported here because it imports matplotlib's pyplot (1.3 s).

    Returns ``alpha`` (exponent), ``sigma`` (its standard error (alpha - 1) /
    sqrt(n_tail), eq. 3.2), ``xmin``, ``D`` (the Kolmogorov-Smirnov distance of
    the fit), ``n`` and ``n_tail`` (wars at or above x_min), the log-normal's
    ``mu`` and ``sigma_lognormal``, and the normalised log-likelihood ratio ``R``
    of power law versus log-normal with its p-value ``p`` (R > 0 favours the
    power law; a small p means the sign of R is significant; Vuong 1989).
    """
    x = np.asarray(sizes, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    if len(x) < 10:
        raise InputError(f"only {len(x)} positive war sizes", source="fit_war_sizes",
                         field="sizes", allowed="at least 10 wars")
    if xmin is None:
        xmin = xmin_search(x, candidates, discrete=discrete)["xmin"]
    tail = np.sort(x[x >= xmin])
    m = len(tail)
    log_tail = np.log(tail)
    log_xmin = math.log(xmin)
    if m < 2 or float(log_tail.sum()) - m * log_xmin <= 0.0:
        raise InputError(f"no tail above x_min {xmin}", source="fit_war_sizes", field="xmin",
                         allowed="a value below the largest size")
    if discrete:
        alpha = _discrete_alpha(float(log_tail.sum()), m, xmin)
    else:
        alpha = 1.0 + m / (float(log_tail.sum()) - m * log_xmin)
    distinct, first = np.unique(tail, return_index=True)
    d = _ks_distances(distinct, first.astype(np.int64), m, np.array([0]), np.array([alpha]),
                      discrete)[0] if len(distinct) > 1 else 0.0
    mu, sigma_ln, lognormal = _lognormal_tail(log_tail, log_xmin)
    if discrete:  # the rival would need its discrete form too: not compared
        r = p = math.nan
    else:
        power = math.log(alpha - 1.0) - log_xmin - alpha * (log_tail - log_xmin)
        r, p = vuong_test(power, lognormal)
    return {"alpha": float(alpha), "sigma": float((alpha - 1.0) / math.sqrt(m)),
            "xmin": float(xmin), "D": float(d), "n": float(len(x)), "n_tail": float(m),
            "mu": mu, "sigma_lognormal": sigma_ln, "R": r, "p": p}


def power_law_ccdf(fit: dict[str, float], x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """P(X >= x) of the whole sample implied by a :func:`fit_war_sizes` fit, for x >= x_min.

    >>> power_law_ccdf({"alpha": 2.0, "xmin": 1.0, "n": 10.0, "n_tail": 5.0}, [1.0, 4.0])
    array([0.5  , 0.125])
    """
    xs = np.asarray(x, dtype=np.float64)
    return np.asarray((fit["n_tail"] / fit["n"]) * (xs / fit["xmin"]) ** (1.0 - fit["alpha"]),
                      dtype=np.float64)
