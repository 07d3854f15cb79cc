"""Ensembles of worlds: fan charts, survival curves, war-size distributions, tournaments.

The statistics drawn here (Kaplan–Meier survival, the power-law fit of war
sizes) are computed by :mod:`powerbalance.experiments.stats`, the one
implementation the sweeps use too; these functions only draw.

References
----------
- Kaplan, E. L. & Meier, P. (1958). "Nonparametric estimation from incomplete
  observations". *JASA* 53(282): 457-481.
- Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). "Power-law
  distributions in empirical data". *SIAM Review* 51(4): 661-703.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from powerbalance.errors import InputError
from powerbalance.experiments import stats
from powerbalance.viz._common import (
    OTHERS_COLOR,
    WAR_KINDS,
    new_axes,
    outside_legend,
    panel_grid,
    spread_pick,
    style_axes,
)
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
    table = wide.to_numpy(dtype=np.float64)
    # The same quantiles; nanquantile loops in Python over the years, so only where needed.
    quantile = np.nanquantile if np.isnan(table).any() else np.quantile
    values = quantile(table, list(quantiles), axis=1)
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
    the column ``by`` when given). The legend sits outside the axes
    (:func:`~powerbalance.viz._common.outside_legend`); with more than
    :data:`~powerbalance.viz._common.LEGEND_MAX_ENTRIES` arms, only arms whose
    final medians spread evenly from highest to lowest keep a colour, bands
    and a legend entry; the others are thin grey medians, counted as one entry.
    """
    groups = _arms(arms, by)
    fig, ax = new_axes(ax, figsize=(7.0, 4.0))
    fans = {name: fan_quantiles(table, column) for name, table in groups.items()}
    named = set(spread_pick([float(q[0.5].iloc[-1]) for q in fans.values()]))
    colors = iter(palette(len(named)))
    handles, labels = [], []
    for k, (name, q) in enumerate(fans.items()):
        years = q.index.to_numpy()
        if k not in named:  # folded into "others": the median only, thin and grey
            ax.plot(years, q[0.5], color=OTHERS_COLOR, linewidth=0.8, zorder=1)
            continue
        color = next(colors)
        ax.fill_between(years, q[0.05], q[0.95], color=color, alpha=0.15, linewidth=0)
        ax.fill_between(years, q[0.25], q[0.75], color=color, alpha=0.35, linewidth=0)
        n = groups[name]["world"].nunique()
        labels.append(f"{name} (n={n}): median")
        (line,) = ax.plot(years, q[0.5], color=color, linewidth=1.8, zorder=2, label=labels[-1])
        handles.append(line)
    ax.set_xlabel("year")
    ax.set_ylabel(column.replace("_", " "))
    if column in ("largest_share", "hhi", "con"):
        ax.set_ylim(0, 1)
    ax.set_title(title if title is not None else
                 f"{column.replace('_', ' ').capitalize()} across worlds (bands: 50%, 90%)")
    outside_legend(ax, handles, labels, others=len(fans) - len(named),
                   others_label="other arms: median")
    style_axes(ax)
    return fig


def outcome_plot(table: pd.DataFrame, x: str, outcomes: Sequence[str], *,
                 title: str | None = None) -> Figure:
    """Outcomes across design points: the estimate and its CI band against parameter ``x``.

    ``table`` is an outcome table of
    :func:`~powerbalance.experiments.stats.outcome_table` (columns ``x``,
    ``OUTCOME``, ``OUTCOME_lo``, ``OUTCOME_hi``); one panel per outcome.
    """
    missing = {x, *outcomes} - set(table.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", source="outcomes",
                         field="columns", allowed=", ".join(map(str, table.columns)))
    rows = table.sort_values(x)
    fig, axes = panel_grid(len(outcomes), 2, 3.8, 2.9)
    xs = rows[x].to_numpy(dtype=np.float64)
    for ax, name in zip(axes, outcomes, strict=True):
        est = rows[name].to_numpy(dtype=np.float64)
        lo = rows.get(f"{name}_lo", rows[name]).to_numpy(dtype=np.float64)
        hi = rows.get(f"{name}_hi", rows[name]).to_numpy(dtype=np.float64)
        ax.fill_between(xs, lo, hi, color="#0072B2", alpha=0.2, linewidth=0)
        ax.plot(xs, est, color="#0072B2", marker="o", markersize=3, linewidth=1.6)
        ax.set_xlabel(x.replace("_", " "))
        ax.set_title(name.replace("_", " "), fontsize="medium")
        style_axes(ax)
    fig.suptitle(title if title is not None else "Outcomes across design points (band: CI)")
    return fig


# ---------------------------------------------------------------- survival


def survival_plot(table: pd.DataFrame, *, by: str | None = "strategy", ax: Axes | None = None,
                  title: str | None = None, level: float = 0.95) -> Figure:
    """Fraction of states alive over time (Kaplan–Meier step curves with CI bands), by group.

    ``table`` is either a curves table of
    :func:`~powerbalance.experiments.stats.kaplan_meier` (columns group,
    time, survival, lo, hi, at_risk; ``by`` is ignored) or a run's actors
    table, whose lifetimes (:func:`~powerbalance.experiments.stats.lifetimes`)
    are grouped by its column ``by`` (None: one curve). Legend rule as in
    :func:`fan_chart`: outside the axes; beyond
    :data:`~powerbalance.viz._common.LEGEND_MAX_ENTRIES` groups, those whose
    final survival spreads evenly from highest to lowest are named, the
    others drawn thin grey and counted as one entry.
    """
    if "survival" in table.columns:
        curves = table
        end = float(curves["time"].max()) if len(curves) else 0.0
    else:
        life = stats.lifetimes(table, by)
        curves = stats.kaplan_meier(life, group=by, level=level)
        if by is None:
            curves = curves.assign(group="all actors")
        end = float(table["year"].max())
    groups = {str(k): g for k, g in curves.groupby("group", observed=True, sort=False)}
    fig, ax = new_axes(ax, figsize=(6.5, 4.0))
    named = set(spread_pick([float(g["survival"].iloc[-1]) for g in groups.values()]))
    colors = iter(palette(len(named)))
    handles, labels = [], []
    for k, (name, g) in enumerate(groups.items()):
        t = np.r_[g["time"].to_numpy(dtype=np.float64), end]
        s = np.r_[g["survival"].to_numpy(dtype=np.float64), g["survival"].iloc[-1]]
        if k not in named:  # folded into "others": the curve only, thin and grey
            ax.step(t, s, where="post", color=OTHERS_COLOR, linewidth=0.8, zorder=1)
            continue
        color = next(colors)
        n = int(g["at_risk"].iloc[0]) if "at_risk" in g.columns else None
        labels.append(name if n is None else f"{name} (n={n})")
        (line,) = ax.step(t, s, where="post", color=color, linewidth=1.8, zorder=2,
                          label=labels[-1])
        handles.append(line)
        if {"lo", "hi"} <= set(g.columns):
            lo = np.r_[g["lo"].to_numpy(dtype=np.float64), g["lo"].iloc[-1]]
            hi = np.r_[g["hi"].to_numpy(dtype=np.float64), g["hi"].iloc[-1]]
            ax.fill_between(t, lo, hi, step="post", color=color, alpha=0.15, linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max(end, 1.0))
    ax.set_xlabel("year")
    ax.set_ylabel("fraction alive")
    ax.set_title(title if title is not None else "Survival of actors (Kaplan–Meier)")
    outside_legend(ax, handles, labels, others=len(groups) - len(named),
                   others_label="other groups")
    style_axes(ax)
    return fig


# ---------------------------------------------------------------- power laws


def war_sizes(events: pd.DataFrame) -> np.ndarray:
    """Sizes (forces lost by both sides) of all wars in an events table."""
    kinds = events["kind"].astype(str)
    v = events.loc[kinds.isin(WAR_KINDS), "value"].to_numpy(dtype=np.float64)
    return v[np.isfinite(v) & (v > 0)]


def war_size_plot(wars: pd.DataFrame | npt.ArrayLike, *, xmin: float | None = None,
                  fit: Mapping[str, float] | None = None, ax: Axes | None = None,
                  title: str | None = None) -> Figure:
    """The CCDF P(X >= x) of war sizes on log-log axes, with a fitted power-law tail.

    ``wars`` is a run's events table, a sweep's ``wars`` table (column
    ``size``) or the sizes themselves. The tail is the fit of
    :func:`~powerbalance.experiments.stats.fit_war_sizes` (``fit`` if given,
    else fitted here with ``xmin``; none with fewer than 10 wars).
    """
    if isinstance(wars, pd.DataFrame):
        raw = wars["size"].to_numpy(dtype=np.float64) if "size" in wars.columns \
            else war_sizes(wars)
    else:
        raw = np.asarray(wars, dtype=np.float64)
    sizes = np.sort(raw[np.isfinite(raw) & (raw > 0)])
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
    if fit is None and len(sizes) >= 10:
        try:
            fit = stats.fit_war_sizes(sizes, xmin)
        except InputError:
            fit = None
    if fit is not None:
        xs = np.geomspace(fit["xmin"], sizes[-1], 50)
        ax.loglog(xs, stats.power_law_ccdf(dict(fit), xs), color="#D55E00", linewidth=2,
                  label=(f"power law: α = {fit['alpha']:.2f} ± {fit['sigma']:.2f}, "
                         f"x_min = {fit['xmin']:.3g} (n = {fit['n_tail']:.0f})"))
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
    fig, axes = panel_grid(len(metrics), 3, 3.6, 0.35 * len(strategies) + 0.9, extra_h=0.5)
    for ax, metric in zip(axes, metrics, strict=True):
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
    fig.suptitle(title if title is not None else "Tournament: outcome by strategy (mean, interval)")
    return fig
