"""Time series of one world: capability shares (stacked) and concentration/polarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from powerbalance.analysis import POLARITY_NAMES
from powerbalance.viz._common import new_axes, one_world, spans, style_axes, war_years
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
) -> Figure:
    """Capability shares of one world over time: one stacked area per actor.

    Years with at least one active war (``system.active_wars > 0``) are shaded.

    Parameters
    ----------
    actors: the actors table (world, year, actor, name, alive, share).
    system: the system table, for the war shading (optional).
    world: which world to draw.
    colors: actor name -> colour (default :func:`~powerbalance.viz.actor_colors`).
    ax: draw into these axes instead of a new figure.
    legend: add a legend of actors (and of the war shading).
    title: the axes title (default ``"Capability shares, world N"``).
    """
    fig, ax = new_axes(ax)
    wide = share_matrix(actors, world)
    palette = colors_for(actors, colors)
    names = list(wide.columns)
    years = wide.index.to_numpy()
    ax.stackplot(years, wide.to_numpy().T, labels=names,
                 colors=[palette.get(n, "#999999") for n in names],
                 edgecolor="white", linewidth=0.3, zorder=2)
    n_wars = shade_wars(ax, system, world)
    ax.set_xlim(years.min(), max(years.max(), years.min() + 1))
    ax.set_ylim(0, 1)
    ax.set_xlabel("year")
    ax.set_ylabel("capability share")
    ax.set_title(title if title is not None else f"Capability shares, world {world}")
    style_axes(ax, grid=False)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        handles, labels = handles[::-1], labels[::-1]
        if n_wars:
            handles.append(Patch(facecolor=WAR, alpha=0.22, label="war"))
            labels.append("war")
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  frameon=False, fontsize="small", ncols=1 if len(labels) <= 16 else 2)
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
