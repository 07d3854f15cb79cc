"""The alliance network of one world at a year (no networkx needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from powerbalance.errors import InputError
from powerbalance.viz._common import new_axes, one_world
from powerbalance.viz.colors import UNOWNED, actor_names, colors_for


def alliance_durations(alliances: pd.DataFrame, world: int, year: int) -> pd.DataFrame:
    """Allied pairs of ``world`` in ``year`` with the years they have been allied without a break.

    Returns columns actor, ally, years (1 = formed this year).

    >>> al = pd.DataFrame({"world": 0, "year": [1, 2, 3, 3, 5], "actor": [0, 0, 0, 1, 0],
    ...                    "ally": [1, 1, 1, 2, 1]})
    >>> alliance_durations(al, 0, 3).values.tolist()
    [[0, 1, 3], [1, 2, 1]]
    """
    rows = alliances[(alliances["world"] == world) & (alliances["year"] <= year)]
    now = rows[rows["year"] == year][["actor", "ally"]].drop_duplicates()
    out = []
    for a, b in zip(now["actor"], now["ally"], strict=True):
        yrs = np.sort(rows.loc[(rows["actor"] == a) & (rows["ally"] == b), "year"].to_numpy())
        gaps = np.flatnonzero(np.diff(yrs) > 1)
        start = yrs[gaps[-1] + 1] if len(gaps) else yrs[0]
        out.append((int(a), int(b), int(year - start + 1)))
    return pd.DataFrame(out, columns=["actor", "ally", "years"]).sort_values(
        ["actor", "ally"], ignore_index=True)


def node_positions(n: int, map_: pd.DataFrame | None, names: list[str]) -> np.ndarray:
    """(n, 2) node positions: the actors' initial capitals on the map, else a circle."""
    if map_ is not None and "initial_capital_of" in map_.columns:
        caps = map_.set_index(map_["initial_capital_of"].astype(str))
        if all(name in caps.index for name in names):
            return caps.loc[names, ["x", "y"]].to_numpy(dtype=np.float64)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    return np.column_stack([np.cos(angle), np.sin(angle)])


def alliance_plot(
    actors: pd.DataFrame,
    alliances: pd.DataFrame,
    *,
    map_: pd.DataFrame | None = None,
    year: int | None = None,
    world: int = 0,
    colors: dict[str, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Alliance network of ``world`` at ``year`` (default: the last year).

    Nodes are actors at their initial capitals (when ``map_`` is given) or
    on a circle, sized by capability share; dead actors are hollow grey.
    Edges are alliances, wider the longer the alliance has lasted without a
    break (its commitment).
    """
    rows = one_world(actors, world, "actors")
    year = int(rows["year"].max()) if year is None else int(year)
    now = rows[rows["year"] == year].sort_values("actor")
    if now.empty:
        raise InputError(f"no rows for year {year}", source="actors", field="year",
                         allowed=f"{rows['year'].min()}..{rows['year'].max()}")
    names = actor_names(actors)
    palette = colors_for(actors, colors)
    n = len(names)
    pos = node_positions(n, map_, names)
    share = np.zeros(n)
    alive = np.zeros(n, dtype=bool)
    share[now["actor"].to_numpy()] = now["share"].to_numpy(dtype=np.float64)
    alive[now["actor"].to_numpy()] = now["alive"].to_numpy(dtype=bool)
    fig, ax = new_axes(ax, figsize=(6.0, 5.0))
    pairs = alliance_durations(alliances, world, year)
    if len(pairs):
        seg = np.stack([pos[pairs["actor"].to_numpy()], pos[pairs["ally"].to_numpy()]], axis=1)
        widths = 1.0 + 5.0 * np.sqrt(pairs["years"].to_numpy() / max(year, 1))
        ax.add_collection(LineCollection(list(seg), linewidths=widths, colors="#505050",
                                         alpha=0.65, zorder=1))
    sizes = 60.0 + 2400.0 * share
    face = [palette.get(name, UNOWNED) if alive[i] else "none" for i, name in enumerate(names)]
    edge = ["#303030" if alive[i] else "#A0A0A0" for i in range(n)]
    ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c=face, edgecolors=edge, linewidths=1.0, zorder=2)
    for i, name in enumerate(names):
        label = f"{name}\n{share[i]:.0%}" if alive[i] else f"{name}\n(dead)"
        ax.annotate(label, pos[i], xytext=(0, -14 - 10 * np.sqrt(share[i])),
                    textcoords="offset points", ha="center", va="top", fontsize=7, zorder=3)
    span = np.ptp(pos, axis=0).max() if n > 1 else 1.0
    lo, hi = pos.min(axis=0) - 0.15 * span, pos.max(axis=0) + 0.15 * span
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#CCCCCC")
    ax.set_title(title if title is not None else
                 f"Alliances, world {world}, year {year} ({len(pairs)} pairs)")
    return fig
