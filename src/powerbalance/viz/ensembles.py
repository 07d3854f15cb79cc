"""Ensembles of worlds: fan charts, survival curves, war-size distributions, tournaments.

The survival (Kaplan–Meier) and power-law tail estimators are small local
implementations so that the plots need nothing beyond numpy and pandas.

References
----------
- Kaplan, E. L. & Meier, P. (1958). "Nonparametric estimation from incomplete
  observations". *JASA* 53(282): 457-481.
- Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). "Power-law
  distributions in empirical data". *SIAM Review* 51(4): 661-703.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from powerbalance.errors import InputError
from powerbalance.viz._common import WAR_KINDS, new_axes, style_axes
from powerbalance.viz.colors import palette

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _arms(arms: Mapping[str, pd.DataFrame] | pd.DataFrame,
          by: str | None) -> dict[str, pd.DataFrame]:
    if isinstance(arms, pd.DataFrame):
        if by is None:
            return {"all worlds": arms}
        if by not in arms.columns:
            raise InputError(f"no column {by!r}", source="table", field="by",
                             allowed=", ".join(map(str, arms.columns)))
        return {str(k): g for k, g in arms.groupby(by, observed=True, sort=True)}
    return {str(k): v for k, v in arms.items()}


def fan_quantiles(system: pd.DataFrame, column: str = "largest_share",
                  quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
    """Quantiles of ``column`` across worlds, per year: a year x quantile frame.

    >>> df = pd.DataFrame({"world": [0, 1, 2] * 2, "year": [0] * 3 + [1] * 3,
    ...                    "largest_share": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]})
    >>> fan_quantiles(df, quantiles=[0.5])[0.5].round(2).tolist()
    [0.3, 0.6]
    """
    if column not in system.columns:
        raise InputError(f"no column {column!r}", source="system", field="column",
                         allowed=", ".join(map(str, system.columns)))
    wide = system.pivot_table(index="year", columns="world", values=column, observed=True)
    values = np.nanquantile(wide.to_numpy(dtype=np.float64), list(quantiles), axis=1)
    return pd.DataFrame(values.T, index=wide.index, columns=list(quantiles))


def fan_chart(
    arms: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    column: str = "largest_share",
    by: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Median and 50%/90% bands of a system column (the largest share) over time, by arm.

    ``arms`` is a dict name -> system table, or one system table (split by
    the column ``by`` when given).
    """
    groups = _arms(arms, by)
    fig, ax = new_axes(ax, figsize=(7.0, 4.0))
    for (name, table), color in zip(groups.items(), palette(len(groups)), strict=True):
        q = fan_quantiles(table, column)
        years = q.index.to_numpy()
        ax.fill_between(years, q[0.05], q[0.95], color=color, alpha=0.15, linewidth=0)
        ax.fill_between(years, q[0.25], q[0.75], color=color, alpha=0.35, linewidth=0)
        n = table["world"].nunique()
        ax.plot(years, q[0.5], color=color, linewidth=1.8, label=f"{name} (n={n}): median")
    ax.set_xlabel("year")
    ax.set_ylabel(column.replace("_", " "))
    if column in ("largest_share", "hhi", "con"):
        ax.set_ylim(0, 1)
    ax.set_title(title if title is not None else
                 f"{column.replace('_', ' ').capitalize()} across worlds (bands: 50%, 90%)")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    style_axes(ax)
    return fig


# ---------------------------------------------------------------- survival


def lifetimes(actors: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Time of death of every world-actor (first year not alive), censored at the last year.

    Returns columns world, actor, [by], duration, observed (True if it died).
    """
    key = ["world", "actor"]
    end = actors.groupby(key, observed=True)["year"].max()
    dead = actors.loc[~actors["alive"].to_numpy(dtype=bool), [*key, "year"]]
    death = dead.groupby(key, observed=True)["year"].min()
    out = pd.DataFrame({"end": end})
    out["death"] = death.reindex(out.index)
    out["observed"] = out["death"].notna()
    out["duration"] = out["death"].fillna(out["end"]).astype(np.int64)
    out = out.drop(columns=["end", "death"]).reset_index()
    if by is not None:
        if by not in actors.columns:
            raise InputError(f"no column {by!r}", source="actors", field="by",
                             allowed=", ".join(map(str, actors.columns)))
        first = actors.drop_duplicates(key).set_index(key)[by]
        out[by] = first.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
    return out


def kaplan_meier(durations: npt.ArrayLike, observed: npt.ArrayLike) -> pd.DataFrame:
    """The Kaplan–Meier survival estimate: columns time, at_risk, deaths, survival.

    Row 0 is time 0 with survival 1 (deaths at time 0 count at time 0).

    >>> km = kaplan_meier([2, 3, 3, 5], [True, True, False, False])
    >>> km[["time", "survival"]].round(3).values.tolist()
    [[0.0, 1.0], [2.0, 0.75], [3.0, 0.5], [5.0, 0.5]]
    """
    d = np.asarray(durations, dtype=np.float64)
    e = np.asarray(observed, dtype=bool)
    times, idx = np.unique(d, return_inverse=True)
    deaths = np.bincount(idx, weights=e, minlength=len(times)).astype(np.int64)
    leaving = np.bincount(idx, minlength=len(times))
    at_risk = len(d) - np.r_[0, np.cumsum(leaving)[:-1]]
    surv = np.cumprod(1.0 - np.divide(deaths, at_risk, out=np.zeros(len(times)),
                                      where=at_risk > 0))
    frame = pd.DataFrame({"time": times, "at_risk": at_risk, "deaths": deaths,
                          "survival": surv})
    if len(times) == 0 or times[0] > 0:
        head = pd.DataFrame({"time": [0.0], "at_risk": [len(d)], "deaths": [0],
                             "survival": [1.0]})
        frame = pd.concat([head, frame], ignore_index=True)
    return frame


def survival_plot(actors: pd.DataFrame, *, by: str | None = "strategy", ax: Axes | None = None,
                  title: str | None = None) -> Figure:
    """Fraction of actors alive over time (Kaplan–Meier), by group (a column of ``actors``)."""
    life = lifetimes(actors, by)
    groups = {"all actors": life} if by is None else {
        str(k): g for k, g in life.groupby(by, observed=True, sort=True)}
    fig, ax = new_axes(ax, figsize=(6.5, 4.0))
    end = float(actors["year"].max())
    for (name, g), color in zip(groups.items(), palette(len(groups)), strict=True):
        km = kaplan_meier(g["duration"], g["observed"])
        t = np.r_[km["time"].to_numpy(), end]
        s = np.r_[km["survival"].to_numpy(), km["survival"].iloc[-1]]
        ax.step(t, s, where="post", color=color, linewidth=1.8, label=f"{name} (n={len(g)})")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max(end, 1.0))
    ax.set_xlabel("year")
    ax.set_ylabel("fraction alive")
    ax.set_title(title if title is not None else "Survival of actors (Kaplan–Meier)")
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    style_axes(ax)
    return fig


# ---------------------------------------------------------------- power laws


@dataclass(frozen=True)
class PowerLawFit:
    """A continuous power-law tail p(x) ~ x^-alpha for x >= xmin (Clauset et al. 2009)."""

    alpha: float
    """The MLE exponent 1 + n / sum(ln(x / xmin))."""
    xmin: float
    """The lower bound of the tail, chosen to minimise ``ks``."""
    n_tail: int
    """Observations at or above ``xmin``."""
    n: int
    """All observations."""
    ks: float
    """Kolmogorov–Smirnov distance between the tail and the fitted law."""

    @property
    def sigma(self) -> float:
        """Standard error of ``alpha``: (alpha - 1) / sqrt(n_tail)."""
        return (self.alpha - 1.0) / np.sqrt(self.n_tail) if self.n_tail else float("nan")

    def ccdf(self, x: npt.ArrayLike) -> np.ndarray:
        """P(X >= x) of the whole sample implied by the fit, for x >= xmin."""
        xs = np.asarray(x, dtype=np.float64)
        return (self.n_tail / self.n) * (xs / self.xmin) ** (1.0 - self.alpha)


def fit_power_law(values: npt.ArrayLike, xmin: float | None = None, *, min_tail: int = 10,
                  max_candidates: int = 200) -> PowerLawFit:
    """Fit a continuous power-law tail by maximum likelihood, choosing ``xmin`` by KS distance.

    For each candidate ``xmin`` (the distinct observations, thinned to at
    most ``max_candidates`` evenly spaced quantiles, leaving at least
    ``min_tail`` points in the tail) the exponent is the MLE
    ``alpha = 1 + n / sum(ln(x_i / xmin))``; the candidate whose fitted CDF is
    closest (KS distance) to the empirical tail wins. Non-positive and
    non-finite values are dropped.

    >>> rng = np.random.default_rng(0)
    >>> x = (1 - rng.random(5000)) ** (-1 / 1.5)   # Pareto, alpha = 2.5, xmin = 1
    >>> fit = fit_power_law(x, xmin=1.0)
    >>> round(fit.alpha, 1), fit.n_tail
    (2.5, 5000)
    """
    x = np.asarray(values, dtype=np.float64)
    x = np.sort(x[np.isfinite(x) & (x > 0)])
    if len(x) < 2:
        raise InputError(f"{len(x)} positive values", source="values", field="values",
                         allowed="at least 2 positive values")
    logs = np.log(x)
    suffix = np.r_[np.cumsum(logs[::-1])[::-1], 0.0]  # sum of logs from index i on

    def fit_at(i: int) -> tuple[float, float]:
        n = len(x) - i
        denom = suffix[i] - n * logs[i]
        alpha = float(1.0 + n / denom) if denom > 0 else float("inf")
        tail = x[i:]
        emp = np.arange(n) / n
        model = 1.0 - (tail / x[i]) ** (1.0 - alpha) if np.isfinite(alpha) else np.ones(n)
        return alpha, float(np.max(np.abs(emp - model)))

    if xmin is not None:
        i = int(np.searchsorted(x, xmin, side="left"))
        if i >= len(x) - 1:
            raise InputError(f"xmin {xmin} leaves fewer than 2 values", source="values",
                             field="xmin", allowed=f"<= {x[-2]}")
        alpha, ks = fit_at(i)
        return PowerLawFit(alpha, float(x[i]), len(x) - i, len(x), ks)
    firsts = np.unique(x[: max(len(x) - min_tail, 1)], return_index=True)[1]
    if len(firsts) > max_candidates:
        firsts = firsts[np.linspace(0, len(firsts) - 1, max_candidates).astype(np.int64)]
    best: PowerLawFit | None = None
    for i in firsts:
        alpha, ks = fit_at(int(i))
        if np.isfinite(alpha) and (best is None or ks < best.ks):
            best = PowerLawFit(alpha, float(x[i]), len(x) - int(i), len(x), ks)
    if best is None:
        raise InputError("no tail could be fitted", source="values", field="values",
                         allowed="values with a spread")
    return best


def war_sizes(events: pd.DataFrame) -> np.ndarray:
    """Sizes (forces lost by both sides) of all wars in an events table."""
    kinds = events["kind"].astype(str)
    v = events.loc[kinds.isin(WAR_KINDS), "value"].to_numpy(dtype=np.float64)
    return v[np.isfinite(v) & (v > 0)]


def war_size_plot(events: pd.DataFrame, *, xmin: float | None = None, ax: Axes | None = None,
                  title: str | None = None) -> Figure:
    """The CCDF P(X >= x) of war sizes on log-log axes, with a fitted power-law tail."""
    sizes = np.sort(war_sizes(events))
    fig, ax = new_axes(ax, figsize=(6.0, 4.2))
    style_axes(ax)
    ax.set_title(title if title is not None else "War sizes: complementary CDF")
    if len(sizes) < 2:
        ax.text(0.5, 0.5, f"{len(sizes)} wars: nothing to fit", ha="center", va="center",
                transform=ax.transAxes, color="#606060")
        return fig
    ccdf = 1.0 - np.arange(len(sizes)) / len(sizes)
    ax.loglog(sizes, ccdf, marker="o", linestyle="", markersize=3, color="#0072B2",
              alpha=0.7, label=f"wars (n={len(sizes)})")
    try:
        fit = fit_power_law(sizes, xmin, min_tail=min(10, max(len(sizes) // 2, 2)))
    except InputError:
        fit = None
    if fit is not None:
        xs = np.geomspace(fit.xmin, sizes[-1], 50)
        ax.loglog(xs, fit.ccdf(xs), color="#D55E00", linewidth=2,
                  label=(f"power law: α = {fit.alpha:.2f} ± {fit.sigma:.2f}, "
                         f"x_min = {fit.xmin:.3g} (n = {fit.n_tail})"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("war size (forces lost by both sides)")
    ax.set_ylabel("P(size ≥ x)")
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    return fig


# ---------------------------------------------------------------- tournaments


def tournament_plot(results: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Strategy x outcome: one panel per metric, a bar per strategy with its interval.

    ``results`` has columns strategy, metric, mean, lo, hi (one row per
    strategy and metric).
    """
    need = {"strategy", "metric", "mean", "lo", "hi"}
    missing = need - set(results.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", source="tournament",
                         field="columns", allowed=", ".join(sorted(need)))
    metrics = list(dict.fromkeys(results["metric"].astype(str)))
    strategies = list(dict.fromkeys(results["strategy"].astype(str)))
    colors = dict(zip(strategies, palette(len(strategies)), strict=True))
    ncols = min(len(metrics), 3)
    nrows = -(-len(metrics) // ncols) if metrics else 1
    fig = Figure(figsize=(3.6 * max(ncols, 1), 0.5 + (0.35 * len(strategies) + 0.9) * nrows),
                 dpi=100, layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, max(ncols, 1), squeeze=False)).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        rows = results[results["metric"].astype(str) == metric].set_index(
            results.loc[results["metric"].astype(str) == metric, "strategy"].astype(str))
        rows = rows.reindex(strategies)
        y = np.arange(len(strategies))
        mean = rows["mean"].to_numpy(dtype=np.float64)
        err = np.vstack([mean - rows["lo"].to_numpy(dtype=np.float64),
                         rows["hi"].to_numpy(dtype=np.float64) - mean])
        ax.barh(y, mean, xerr=np.abs(err), color=[colors[s] for s in strategies],
                error_kw={"ecolor": "#303030", "capsize": 3, "linewidth": 1})
        ax.set_yticks(y, strategies)
        ax.invert_yaxis()
        ax.set_title(metric.replace("_", " "), fontsize="medium")
        style_axes(ax)
    for ax in axes[len(metrics):]:
        ax.set_axis_off()
    fig.suptitle(title if title is not None else "Tournament: outcome by strategy (mean, interval)")
    return fig
