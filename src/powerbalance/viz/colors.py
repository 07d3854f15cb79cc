"""Colour-blind-safe palettes and one colour per actor, the same in every plot of a run.

Up to 7 actors get the Okabe–Ito palette (without black, which is kept for
text and capitals); 8 or 9 Paul Tol's *muted* palette. More actors get the
Okabe–Ito colours first, then colours chosen one at a time, each as far as
possible (in the perceptually uniform CAM02-UCS space) from every colour
already chosen and from white (the background), black (text, capitals) and
the grey of unowned provinces: a greedy max-min ("Glasbey") palette. Every
new colour is thus far from all earlier ones, actors next to each other in
the scenario included; the minimum distance between any two of 40 (60)
actors is 16.9 (14.1) CAM02-UCS units, where the golden-angle hues used
before gave 2.8 (2.7). Beyond 9 actors no palette is colour-blind safe.

References
----------
- Okabe, M. & Ito, K. (2008). *Color Universal Design (CUD): how to make
  figures and presentations that are friendly to colorblind people*.
- Tol, P. (2021). *Colour schemes*. SRON technical note SRON/EPS/TN/09-002.
- Glasbey, C., van der Heijden, G., Toh, V. F. K. & Gray, A. (2007).
  "Colour displays for categorical images". *Color Research & Application*
  32(4): 304-309 (the greedy max-min palette).
- Luo, M. R., Cui, G. & Li, C. (2006). "Uniform colour spaces based on
  CIECAM02 colour appearance model". *Color Research & Application* 31(4):
  320-330 (CAM02-UCS, computed by the ``colorspacious`` package).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import colorspacious
import matplotlib as mpl
import numpy as np
import numpy.typing as npt
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


#: Steps per sRGB channel of the candidate grid of :func:`glasbey_palette`.
GRID_STEPS = 24
#: Lightness range (CAM02-UCS J') of generated colours: not too dark for black capitals and
#: labels, not too light against white.
LIGHTNESS = (30.0, 88.0)


def to_ucs(colors: Sequence[str]) -> npt.NDArray[np.float64]:
    """CAM02-UCS coordinates (J', a', b') of hex colours, an (n, 3) array."""
    rgb = np.array([mpl.colors.to_rgb(c) for c in colors], dtype=np.float64).reshape(-1, 3)
    return np.asarray(colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS"))


def min_distance(colors: Sequence[str]) -> float:
    """Smallest CAM02-UCS distance between two of ``colors`` (inf for fewer than two)."""
    ucs = to_ucs(colors)
    d = np.linalg.norm(ucs[:, None, :] - ucs[None, :, :], axis=-1)
    np.fill_diagonal(d, np.inf)
    return float(d.min()) if len(colors) > 1 else float("inf")


@functools.cache
def _candidates() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The sRGB candidate grid within :data:`LIGHTNESS`, and its CAM02-UCS coordinates."""
    axis = np.linspace(0.0, 1.0, GRID_STEPS + 1)
    rgb = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1).reshape(-1, 3)
    ucs = np.asarray(colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS"))
    keep = (ucs[:, 0] >= LIGHTNESS[0]) & (ucs[:, 0] <= LIGHTNESS[1])
    return rgb[keep], ucs[keep]


@functools.cache
def glasbey_palette(n: int, first: tuple[str, ...] = OKABE_ITO,
                    avoid: tuple[str, ...] = ("#FFFFFF", "#000000", UNOWNED)) -> tuple[str, ...]:
    """``n`` colours: ``first``, then each next one the grid colour farthest from all before.

    Distances are CAM02-UCS; the colours in ``avoid`` count as chosen but are
    not returned. Deterministic (ties go to the first grid colour).
    """
    out = list(first[:n])
    rgb, ucs = _candidates()
    nearest = np.full(len(ucs), np.inf)
    for chosen in to_ucs([*avoid, *out]):
        nearest = np.minimum(nearest, np.linalg.norm(ucs - chosen, axis=1))
    while len(out) < n:
        k = int(np.argmax(nearest))
        out.append(mpl.colors.to_hex(rgb[k]).upper())
        nearest = np.minimum(nearest, np.linalg.norm(ucs - ucs[k], axis=1))
    return tuple(out)


def palette(n: int) -> list[str]:
    """``n`` distinct hex colours, colour-blind safe for ``n <= 9``.

    >>> palette(3)
    ['#E69F00', '#56B4E9', '#009E73']
    >>> len(palette(30)), len(set(palette(30)))
    (30, 30)
    >>> palette(12)[:7] == palette(7)
    True
    """
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    if n <= len(TOL_MUTED):
        return list(TOL_MUTED[:n])
    return list(glasbey_palette(n))


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
