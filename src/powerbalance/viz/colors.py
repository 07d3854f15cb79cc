"""Colour-blind-safe palettes and one colour per actor, the same in every plot of a run.

Up to 7 actors get the Okabe–Ito palette (without black, which is kept for
text and capitals); up to 9 Paul Tol's *muted* palette; up to 16 both
combined. More actors get hues stepped by the golden angle with alternating
saturation and brightness, so that actors next to each other in the
scenario (often neighbours on the map) differ strongly; with that many
actors no palette is colour-blind safe.

References
----------
- Okabe, M. & Ito, K. (2008). *Color Universal Design (CUD): how to make
  figures and presentations that are friendly to colorblind people*.
- Tol, P. (2021). *Colour schemes*. SRON technical note SRON/EPS/TN/09-002.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence

import matplotlib as mpl
import pandas as pd

#: Okabe–Ito palette without black (orange, sky blue, bluish green, yellow,
#: blue, vermillion, reddish purple).
OKABE_ITO: tuple[str, ...] = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)
#: Paul Tol's muted qualitative palette.
TOL_MUTED: tuple[str, ...] = (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
    "#999933", "#AA4499",
)
#: Colour of unowned provinces and absent actors.
UNOWNED = "#DDDDDD"
#: Colour of war shading and fronts.
WAR = "#B2182B"
#: Colours of the polarity classes (Tol's *light* palette), by class name.
POLARITY_COLORS: dict[str, str] = {
    "unipolar": "#EE8866",
    "unipolar with great powers": "#EEDD88",
    "bipolar": "#77AADD",
    "multipolar": "#AAAA00",
}


def palette(n: int) -> list[str]:
    """``n`` distinct hex colours, colour-blind safe for ``n <= 16``.

    >>> palette(3)
    ['#E69F00', '#56B4E9', '#009E73']
    >>> len(palette(30)), len(set(palette(30)))
    (30, 30)
    """
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    if n <= len(TOL_MUTED):
        return list(TOL_MUTED[:n])
    both = list(OKABE_ITO) + list(TOL_MUTED)
    if n <= len(both):
        return both[:n]
    golden = (5.0**0.5 - 1.0) / 2.0
    out = []
    for i in range(n):
        hue = (i * golden) % 1.0
        sat = (0.75, 0.5, 0.95)[i % 3]
        val = (0.9, 0.7, 0.55)[(i // 3) % 3]
        out.append(mpl.colors.to_hex(colorsys.hsv_to_rgb(hue, sat, val)))
    return out


def actor_colors(names: Iterable[str]) -> dict[str, str]:
    """One colour per actor name, in the given (scenario) order.

    The colour depends only on the actor's position in ``names`` and on how
    many actors there are, so every plot of a run that passes the scenario's
    names (see :func:`actor_names`) colours an actor the same way.

    >>> actor_colors(["Qin", "Chu"])
    {'Qin': '#E69F00', 'Chu': '#56B4E9'}
    """
    names = list(dict.fromkeys(str(n) for n in names))
    return dict(zip(names, palette(len(names)), strict=True))


def actor_names(actors: pd.DataFrame) -> list[str]:
    """The actors' names in scenario order, from an ``actors`` table.

    Uses the categories of the ``name`` column (scenario order) when it is
    categorical, else the names ordered by actor index.
    """
    col = actors["name"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [str(c) for c in col.cat.categories]
    order = actors.drop_duplicates("actor").sort_values("actor")
    return [str(n) for n in order["name"]]


def colors_for(actors: pd.DataFrame, colors: dict[str, str] | None = None) -> dict[str, str]:
    """``colors`` if given, else :func:`actor_colors` of the table's actors."""
    return dict(colors) if colors is not None else actor_colors(actor_names(actors))


def index_colors(names: Sequence[str], colors: dict[str, str]) -> list[str]:
    """Colours by actor index (position in ``names``), ``UNOWNED`` for unknown names."""
    return [colors.get(str(n), UNOWNED) for n in names]
