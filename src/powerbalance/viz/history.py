"""History from real data: concentration and polarity (e.g. COW 1816-2016) and major powers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from powerbalance.errors import InputError
from powerbalance.viz._common import style_axes
from powerbalance.viz.colors import POLARITY_COLORS, actor_colors
from powerbalance.viz.timeseries import polarity_band

#: Optional columns of a history table drawn with CON and HHI: label, colour, line style.
OPTIONAL_LINES: dict[str, tuple[str, str, str]] = {
    "leader_share": ("leader's share", "#009E73", "-."),
    "mp_con": ("CON (major powers)", "#CC79A7", ":"),
}


def wide_powers(powers: pd.DataFrame) -> pd.DataFrame:
    """Major powers' shares as a year x power frame, from a long or a wide table.

    Long: columns year, share and one of power/name/actor/state; wide:
    column year and one column per power.

    >>> long = pd.DataFrame({"year": [1, 1, 2], "power": ["A", "B", "A"],
    ...                      "share": [0.5, 0.2, 0.6]})
    >>> wide_powers(long).to_dict("list")
    {'A': [0.5, 0.6], 'B': [0.2, nan]}
    """
    if "year" not in powers.columns:
        raise InputError("no column 'year'", source="powers", field="year",
                         allowed="a long (year, power, share) or wide (year, ...) table")
    key = next((c for c in ("power", "name", "actor", "state") if c in powers.columns), None)
    if key is not None and "share" in powers.columns:
        wide = powers.pivot_table(index="year", columns=key, values="share", observed=True,
                                  sort=False)
        wide.columns = pd.Index([str(c) for c in wide.columns])
        return wide.sort_index()
    return powers.set_index("year").sort_index()


def history_plot(history: pd.DataFrame, powers: pd.DataFrame | None = None, *,
                 title: str | None = None) -> Figure:
    """Concentration and polarity of a real (or any yearly) system, with major powers' shares.

    ``history`` has columns year, con, hhi, polarity (and optionally
    leader_share, mp_con: see :data:`OPTIONAL_LINES`), as written by
    ``powerbalance history --format csv``; ``powers`` (optional) is a long or
    wide table of major powers' shares (see :func:`wide_powers`).
    Top: CON and HHI; middle: polarity band; bottom: the powers' shares.
    """
    need = {"year", "con", "hhi", "polarity"}
    missing = need - set(history.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", source="history",
                         field="columns", allowed=", ".join(sorted(need)))
    rows = history.sort_values("year")
    years = rows["year"].to_numpy()
    nrows = 3 if powers is not None else 2
    ratios = [4, 1, 4][:nrows]
    fig = Figure(figsize=(8.0, 2.2 + 1.0 * sum(ratios) / 2), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, 1, sharex=True, height_ratios=ratios)
    top, band = axes[0], axes[1]
    top.plot(years, rows["con"], color="#D55E00", linewidth=1.6, label="CON")
    top.plot(years, rows["hhi"], color="#0072B2", linewidth=1.6, linestyle="--", label="HHI")
    shown = ["con", "hhi"]
    for col, (label, color, style) in OPTIONAL_LINES.items():
        if col in rows.columns and rows[col].notna().any():
            top.plot(years, rows[col], color=color, linewidth=1.2, linestyle=style, label=label)
            shown.append(col)
    top.set_ylim(0, max(1e-9, float(np.nanmax(rows[shown].to_numpy(dtype=float)))) * 1.15)
    top.set_ylabel("concentration")
    top.legend(frameon=False, fontsize="small", loc="upper left")
    style_axes(top)
    drawn = polarity_band(band, years, rows["polarity"])
    band.set_yticks([])
    band.set_ylabel("polarity", rotation=0, ha="right", va="center")
    band.legend([Patch(facecolor=POLARITY_COLORS.get(n, "#CCCCCC")) for n in drawn], drawn,
                loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize="x-small")
    for side in ("top", "right", "left"):
        band.spines[side].set_visible(False)
    if powers is not None:
        wide = wide_powers(powers)
        colors = actor_colors(wide.columns)
        ax = axes[2]
        for name in wide.columns:
            ax.plot(wide.index, wide[name], color=colors[str(name)], linewidth=1.4,
                    label=str(name))
        ax.set_ylabel("share of capabilities")
        ax.set_ylim(0, None)
        ax.legend(frameon=False, fontsize="x-small", loc="center left",
                  bbox_to_anchor=(1.0, 0.5))
        style_axes(ax)
    axes[-1].set_xlabel("year")
    axes[-1].set_xlim(years.min() - 0.5, years.max() + 0.5)
    fig.suptitle(title if title is not None else
                 f"Concentration and polarity, {years.min()}-{years.max()}")
    return fig


def dyad_plot(dyad: pd.DataFrame, a: str, b: str) -> Figure:
    """The capability ratio of a pair over time (``powerbalance history --dyad A,B``).

    ``dyad`` has columns year, ratio (CINC of a over b) and optionally
    milex_ratio; the ratio is drawn on a log scale with parity (1) marked.
    """
    missing = {"year", "ratio"} - set(dyad.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", source="dyad", field="columns",
                         allowed="year, ratio[, milex_ratio]")
    fig = Figure(figsize=(8.0, 3.6), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.plot(dyad["year"], dyad["ratio"], color="#0072B2", linewidth=1.6, label="CINC ratio")
    if "milex_ratio" in dyad.columns and dyad["milex_ratio"].notna().any():
        ax.plot(dyad["year"], dyad["milex_ratio"], color="#D55E00", linewidth=1.2,
                linestyle="--", label="military expenditure ratio")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")
    ax.set_ylabel(f"{a} / {b}")
    ax.legend(frameon=False, fontsize="small")
    style_axes(ax)
    fig.suptitle(f"Capability ratio {a} / {b}")
    return fig
