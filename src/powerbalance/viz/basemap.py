"""A coastline basemap for maps on real geography (provinces with ``lon``/``lat``).

The land is Natural Earth's 1:50m land (public domain), shipped with the
package as the TopoJSON file of the ``world-atlas`` npm package (ISC
licence; ``viz/data/LICENSE-land-50m.txt``), so nothing is downloaded at run
time. Maps use an equirectangular projection whose x axis is stretched by
``1 / cos(latitude)`` at the map's centre (the plate carrée of the region
drawn), good enough for the extent of a scenario.

References
----------
- Natural Earth, 1:50m physical and cultural vectors, version 4.1.0,
  https://www.naturalearthdata.com/.
- Bostock, M. (2013-2019). world-atlas 2.0.2: pre-built TopoJSON from Natural Earth.
- Bostock, M. & Metcalf, C. TopoJSON format specification, version 1.0.
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch
from matplotlib.path import Path

#: Fill and outline of land, and the colour of the sea, on maps with real geography.
LAND = "#F3F1EA"
COAST = "#A7A39A"
SEA = "#EAF2F8"
#: The fewest degrees shown around the provinces of a map on real geography.
MIN_PAD_DEG = 2.0


def has_geography(map_: pd.DataFrame) -> bool:
    """True when every province of the map table has a finite ``lon`` and ``lat``."""
    if not {"lon", "lat"} <= set(map_.columns) or map_.empty:
        return False
    values = map_[["lon", "lat"]].to_numpy(dtype=np.float64)
    return bool(np.isfinite(values).all())


def decode_arcs(topology: dict) -> list[npt.NDArray[np.float64]]:
    """The arcs of a quantized TopoJSON topology as (k, 2) arrays of (lon, lat) degrees.

    >>> topo = {"transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    ...         "arcs": [[[0, 0], [2, 0], [0, 2]]]}
    >>> decode_arcs(topo)[0].tolist()
    [[10.0, 20.0], [11.0, 20.0], [11.0, 21.0]]
    """
    scale = np.asarray(topology["transform"]["scale"], dtype=np.float64)
    translate = np.asarray(topology["transform"]["translate"], dtype=np.float64)
    return [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + translate
            for arc in topology["arcs"]]


def ring(arcs: list[npt.NDArray[np.float64]], indices: list[int]) -> npt.NDArray[np.float64]:
    """One closed ring from arc indices (``~i`` is arc ``i`` reversed), shared ends once."""
    parts = []
    for k, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts)


def unwrap_ring(xy: npt.NDArray[np.float64]) -> list[npt.NDArray[np.float64]]:
    """A ring that crosses the antimeridian as copies that each draw continuously.

    Longitudes are made continuous (no step over 180 degrees) and the ring is
    returned with its copy shifted by 360 degrees to the other side of the
    map. A ring around a pole (its unwrapped end misses its start), like
    Antarctica's, is already cut at the antimeridian and returned as it is.

    >>> fiji = np.array([[179.0, -17.0], [-179.0, -17.0], [-179.0, -16.0], [179.0, -17.0]])
    >>> [r[:, 0].tolist() for r in unwrap_ring(fiji)]
    [[179.0, 181.0, 181.0, 179.0], [-181.0, -179.0, -179.0, -181.0]]
    """
    step = np.diff(xy[:, 0])
    if not (np.abs(step) > 180.0).any():
        return [xy]
    lon = xy[0, 0] + np.r_[0.0, np.cumsum((step + 180.0) % 360.0 - 180.0)]
    if abs(lon[-1] - lon[0]) > 1e-6:  # around a pole
        return [xy]
    out = np.column_stack([lon, xy[:, 1]])
    shift = -360.0 if lon.max() > 180.0 else 360.0
    return [out, out + [shift, 0.0]]


@functools.cache
def land_path() -> Path:
    """All land of Natural Earth 1:50m as one compound :class:`~matplotlib.path.Path`.

    Lakes (inner rings) wind the other way round, so they stay open under
    the non-zero fill rule.
    """
    text = resources.files("powerbalance.viz").joinpath("data/land-50m.json").read_text(
        encoding="utf-8")
    topology = json.loads(text)
    arcs = decode_arcs(topology)
    vertices, codes = [], []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for indices in polygon:
                for xy in unwrap_ring(ring(arcs, indices)):
                    vertices.append(xy)
                    kind = np.full(len(xy), Path.LINETO, dtype=np.uint8)
                    kind[0] = Path.MOVETO
                    kind[-1] = Path.CLOSEPOLY
                    codes.append(kind)
    return Path(np.concatenate(vertices), np.concatenate(codes))


def wrap_segments(segments: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Segments (k, 2, 2) in degrees, each crossing the antimeridian split in two.

    A link from 170 E to 170 W goes the short way, off the right edge and
    in again from the left, instead of across the whole map.

    >>> wrap_segments(np.array([[[170.0, 60.0], [-170.0, 62.0]]])).tolist()
    [[[170.0, 60.0], [190.0, 62.0]], [[-190.0, 60.0], [-170.0, 62.0]]]
    """
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2)
    dx = segments[:, 1, 0] - segments[:, 0, 0]
    far = np.abs(dx) > 180.0
    if not far.any():
        return segments
    shift = -360.0 * np.sign(dx[far])
    first = segments[far].copy()
    first[:, 1, 0] += shift
    second = segments[far].copy()
    second[:, 0, 0] -= shift
    return np.concatenate([segments[~far], first, second])


def geo_extent(lon: npt.ArrayLike, lat: npt.ArrayLike,
               pad: float = 0.08) -> tuple[float, float, float, float]:
    """(west, east, south, north) around the points: ``pad`` of their span, at least
    :data:`MIN_PAD_DEG` degrees, within the globe."""
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    px = max(pad * float(np.ptp(lon)), MIN_PAD_DEG)
    py = max(pad * float(np.ptp(lat)), MIN_PAD_DEG)
    return (max(float(lon.min()) - px, -180.0), min(float(lon.max()) + px, 180.0),
            max(float(lat.min()) - py, -90.0), min(float(lat.max()) + py, 90.0))


def draw_basemap(ax: Axes, extent: tuple[float, float, float, float]) -> PathPatch:
    """Draw sea and land into ``ax`` limited to ``extent``; set the aspect; return the land."""
    west, east, south, north = extent
    ax.set_facecolor(SEA)
    land = PathPatch(land_path(), facecolor=LAND, edgecolor=COAST, linewidth=0.6, zorder=0)
    ax.add_patch(land)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    middle = math.radians(0.5 * (south + north))
    ax.set_aspect(1.0 / max(math.cos(middle), 0.2), adjustable="box")
    return land
