"""Helpers shared by the plot modules: figures, world selection, war spans, styling."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from powerbalance.errors import InputError

#: Default figure dots per inch (screen); :func:`powerbalance.viz.save_figure` sets its own.
DPI = 100

#: War event kinds that put ``actor`` and ``other`` on opposite sides.
WAR_KINDS = ("war_won", "war_lost")


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.0)) -> tuple[Figure, Axes]:
    """The figure of ``ax``, or a new figure (no pyplot, no global state) with one axes."""
    if ax is not None:
        fig = ax.figure
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def panel_grid(n: int, max_cols: int, panel_w: float, panel_h: float,
               extra_h: float = 0.0) -> tuple[Figure, list[Axes]]:
    """A new figure with ``n`` panels in rows of at most ``max_cols``; unused cells hidden.

    Each panel is ``panel_w`` x ``panel_h`` inches (plus ``extra_h`` for the
    whole figure, e.g. a title). Returns the figure and the ``n`` axes.
    """
    ncols = max(min(n, max_cols), 1)
    nrows = max(-(-n // ncols), 1)
    fig = Figure(figsize=(panel_w * ncols, extra_h + panel_h * nrows), dpi=DPI,
                 layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel())
    for ax in axes[n:]:
        ax.set_axis_off()
    return fig, axes[:n]


def style_axes(ax: Axes, grid: bool = True) -> None:
    """Publication style: no top/right spines, a light grid behind the data."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if grid:
        ax.grid(True, color="#E5E5E5", linewidth=0.6, zorder=0)
        ax.set_axisbelow(True)


def one_world(table: pd.DataFrame, world: int, source: str = "table") -> pd.DataFrame:
    """The rows of ``world``; an :class:`InputError` naming the worlds present if absent."""
    rows = table[table["world"] == world]
    if rows.empty:
        present = np.unique(table["world"].to_numpy())
        shown = ", ".join(str(w) for w in present[:10]) + (" ..." if len(present) > 10 else "")
        raise InputError(f"no rows for world {world}", source=source, field="world",
                         allowed=shown or "none: the table is empty")
    return rows


def spans(years: Iterable[int]) -> list[tuple[float, float]]:
    """Contiguous runs of integer years as (start - 0.5, end + 0.5) spans.

    >>> spans([1, 2, 3, 7, 9, 10])
    [(0.5, 3.5), (6.5, 7.5), (8.5, 10.5)]
    """
    ys = np.unique(np.fromiter(years, dtype=np.int64))
    if ys.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(ys) > 1)
    starts = np.r_[ys[0], ys[breaks + 1]]
    ends = np.r_[ys[breaks], ys[-1]]
    return [(float(a) - 0.5, float(b) + 0.5) for a, b in zip(starts, ends, strict=True)]


def war_years(system: pd.DataFrame, world: int) -> np.ndarray:
    """Years in which ``world`` had at least one active war (from the system table)."""
    rows = system[(system["world"] == world) & (system["active_wars"] > 0)]
    return rows["year"].to_numpy()


def war_pairs(events: pd.DataFrame | None, world: int, year: int) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of actors fighting each other in ``world`` in ``year``.

    Attackers and targets come from ``war_won``/``war_lost`` events; an actor
    that joined the war of an ally (``war_joined``) fights that ally's attackers.
    """
    if events is None or events.empty:
        return set()
    ev = events[(events["world"] == world) & (events["year"] == year)]
    kinds = ev["kind"].astype(str)
    wars = ev[kinds.isin(WAR_KINDS)]
    pairs = {(int(min(a, b)), int(max(a, b)))
             for a, b in zip(wars["actor"], wars["other"], strict=True) if a >= 0 and b >= 0}
    joined = ev[kinds == "war_joined"]
    attackers: dict[int, set[int]] = {}
    for a, t in zip(wars["actor"], wars["other"], strict=True):
        attackers.setdefault(int(t), set()).add(int(a))
    for k, ally in zip(joined["actor"], joined["other"], strict=True):
        for a in attackers.get(int(ally), ()):
            if a != k:
                pairs.add((min(int(k), a), max(int(k), a)))
    return pairs
