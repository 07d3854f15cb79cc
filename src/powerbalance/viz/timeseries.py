"""Time series of one world: capability shares (stacked) and concentration/polarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from powerbalance.analysis import POLARITY_NAMES
from powerbalance.viz._common import (
    LEGEND_MAX_ENTRIES,
    OTHERS_COLOR,
    active_until,
    mark_cropped,
    new_axes,
    one_world,
    outside_legend,
    spans,
    style_axes,
    war_years,
)
from powerbalance.viz.colors import POLARITY_COLORS, WAR, actor_names, colors_for


def share_matrix(actors: pd.DataFrame, world: int = 0) -> pd.DataFrame:
    """Capability shares of ``world`` as a year x actor-name frame (0 once dead).

    Columns follow the scenario order of the ``name`` column.
    """
    rows = one_world(actors, world, "actors")
    share = rows["share"].where(rows["alive"], 0.0).to_numpy(dtype=np.float64)
    wide = pd.DataFrame({"year": rows["year"].to_numpy(), "actor": rows["actor"].to_numpy(),
                         "share": share}).pivot(index="year", columns="actor", values="share")
    names = actor_names(actors)
    wide = wide.reindex(columns=range(len(names)), fill_value=0.0).fillna(0.0)
    wide.columns = pd.Index(names, name="actor")
    return wide


def shade_wars(ax: Axes, system: pd.DataFrame | None, world: int) -> int:
    """Shade the years with active wars in ``world``; return the number of shaded spans."""
    if system is None:
        return 0
    found = spans(war_years(system, world))
    for lo, hi in found:
        ax.axvspan(lo, hi, facecolor=WAR, alpha=0.22, linewidth=0, zorder=3)
    return len(found)


def shares_plot(
    actors: pd.DataFrame,
    system: pd.DataFrame | None = None,
    *,
    world: int = 0,
    colors: dict[str, str] | None = None,
    ax: Axes | None = None,
    legend: bool = True,
    title: str | None = None,
    crop: bool = True,
) -> Figure:
    """Capability shares of one world over time: one stacked area per actor.

    Years with at least one active war (``system.active_wars > 0``) are shaded.
    With more than :data:`~powerbalance.viz._common.LEGEND_MAX_ENTRIES`
    actors, the ones with the largest peak shares keep their colours and the
    rest are stacked as one grey "others" area. With ``crop``, the time axis
    stops a margin after the last change
    (:func:`~powerbalance.viz._common.active_until`: after unification, say)
    and says so.

    Parameters
    ----------
    actors: the actors table (world, year, actor, name, alive, share).
    system: the system table, for the war shading (optional).
    world: which world to draw.
    colors: actor name -> colour (default :func:`~powerbalance.viz.actor_colors`).
    ax: draw into these axes instead of a new figure.
    legend: add a legend of actors (and of the war shading), outside the axes.
    title: the axes title (default ``"Capability shares, world N"``).
    crop: end the time axis after the active period (False: all years).
    """
    fig, ax = new_axes(ax)
    wide = share_matrix(actors, world)
    palette = colors_for(actors, colors)
    others = 0
    if wide.shape[1] > LEGEND_MAX_ENTRIES:
        peak = wide.max(axis=0).to_numpy()
        keep = sorted(np.argsort(-peak, kind="stable")[:LEGEND_MAX_ENTRIES - 1])
        rest = wide.drop(columns=wide.columns[keep])
        others = rest.shape[1]
        wide = wide.iloc[:, keep].assign(**{"\0others": rest.sum(axis=1)})
    names = list(wide.columns)
    years = wide.index.to_numpy()
    ax.stackplot(years, wide.to_numpy().T, labels=names,
                 colors=[OTHERS_COLOR if n == "\0others" else palette.get(n, "#999999")
                         for n in names],
                 edgecolor="white", linewidth=0.3, zorder=2)
    n_wars = shade_wars(ax, system, world)
    until = int(years.max())
    if crop:
        busy = war_years(system, world) if system is not None else ()
        until = active_until(years, wide.to_numpy(), busy)
        mark_cropped(ax, until, int(years.max()))
    ax.set_xlim(years.min(), max(until, years.min() + 1))
    ax.set_ylim(0, 1)
    ax.set_xlabel("year")
    ax.set_ylabel("capability share")
    ax.set_title(title if title is not None else f"Capability shares, world {world}")
    style_axes(ax, grid=False)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        pairs = [(h, lab) for h, lab in zip(handles, labels, strict=True) if lab != "\0others"]
        handles, labels = [h for h, _ in pairs][::-1], [lab for _, lab in pairs][::-1]
        if n_wars:
            handles.append(Patch(facecolor=WAR, alpha=0.22, label="war"))
            labels.append("war")
        outside_legend(ax, handles, labels, others=others, others_label="other actors")
    return fig


def polarity_band(ax: Axes, years: np.ndarray, classes: pd.Series) -> list[str]:
    """Draw polarity classes as coloured spans; return the classes drawn (in legend order)."""
    values = classes.astype(str).to_numpy()
    drawn: list[str] = []
    if len(values) == 0:
        return drawn
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.r_[0, change]
    ends = np.r_[change, len(values)]
    for s, e in zip(starts, ends, strict=True):
        name = values[s]
        hi = years[e] - 0.5 if e < len(years) else years[-1] + 0.5
        ax.axvspan(years[s] - 0.5, hi, facecolor=POLARITY_COLORS.get(name, "#CCCCCC"),
                   linewidth=0)
        if name not in drawn:
            drawn.append(name)
    order = {n: i for i, n in enumerate(POLARITY_NAMES)}
    return sorted(drawn, key=lambda n: order.get(n, len(order)))


def concentration_plot(
    system: pd.DataFrame,
    *,
    world: int = 0,
    title: str | None = None,
) -> Figure:
    """Concentration and polarity of one world over time.

    Top: HHI and CON (left axis, 0-1) and the effective number of actors
    (right axis); bottom: a band coloured by polarity class. Years with
    active wars are shaded.
    """
    rows = one_world(system, world, "system").sort_values("year")
    years = rows["year"].to_numpy()
    fig = Figure(figsize=(7.0, 4.2), dpi=100, layout="constrained")
    ax, band = fig.subplots(2, 1, sharex=True, height_ratios=[5, 1])
    shade_wars(ax, system, world)
    ax.plot(years, rows["hhi"], color="#0072B2", label="HHI", linewidth=1.6)
    ax.plot(years, rows["con"], color="#D55E00", label="CON", linewidth=1.6, linestyle="--")
    ax.set_ylim(0, 1)
    ax.set_ylabel("concentration")
    right = ax.twinx()
    right.plot(years, rows["effective_number"], color="#009E73", linewidth=1.4,
               linestyle=":", label="effective number")
    right.set_ylim(0, max(float(rows["effective_number"].max()) * 1.1, 1.0))
    right.set_ylabel("effective number of actors")
    style_axes(ax)
    right.spines["top"].set_visible(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", frameon=False, fontsize="small")
    ax.set_title(title if title is not None else f"Concentration and polarity, world {world}")
    drawn = polarity_band(band, years, rows["polarity"])
    band.set_yticks([])
    band.set_xlim(years.min() - 0.5, years.max() + 0.5)
    band.set_xlabel("year")
    band.set_ylabel("polarity", rotation=0, ha="right", va="center")
    band.legend([Patch(facecolor=POLARITY_COLORS.get(n, "#CCCCCC")) for n in drawn], drawn,
                loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
                fontsize="x-small")
    for side in ("top", "right", "left"):
        band.spines[side].set_visible(False)
    return fig
