"""The overview figure of a run (shares and final map) and saving figures at a pixel size."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from powerbalance.errors import InputError
from powerbalance.viz.colors import actor_colors, actor_names
from powerbalance.viz.maps import map_plot
from powerbalance.viz.timeseries import shares_plot

if TYPE_CHECKING:
    from powerbalance.experiments.results import RunResult


def overview_figure(result: RunResult, world: int = 0) -> Figure:
    """Two panels for one world of a run: capability shares over time and the final map.

    Left: stacked capability shares of ``world`` with war years shaded;
    right: the map at the last year, provinces coloured by owner and capitals
    marked. When province owners were not recorded for ``world`` (see
    ``map_worlds`` in :func:`powerbalance.run`), the right panel says so.

    >>> import powerbalance as pb
    >>> fig = overview_figure(pb.run("warring-states", years=5, worlds=1, seed=1))
    >>> len(fig.axes)
    2
    """
    names = actor_names(result.actors)
    colors = actor_colors(names)
    fig = Figure(figsize=(12.0, 5.0), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1.15, 1.0])
    shares_plot(result.actors, result.system, world=world, colors=colors, ax=left)
    mapped = result.provinces is not None and (result.provinces["world"] == world).any()
    if mapped and not result.map.empty:
        last = int(result.provinces.loc[result.provinces["world"] == world, "year"].max())
        map_plot(result.map, result.links, result.provinces, names=names, year=last,
                 world=world, events=result.events, colors=colors, ax=right)
    else:
        right.set_axis_off()
        right.text(0.5, 0.5, f"no map recorded for world {world}\n(see map_worlds)",
                   ha="center", va="center", transform=right.transAxes, color="#606060")
    scen = result.manifest.get("scenario", {}) if isinstance(result.manifest, dict) else {}
    name = scen.get("name") if isinstance(scen, dict) else None
    if name:
        fig.suptitle(f"{name}, seed {result.manifest.get('seed', '?')}, world {world}")
    return fig


def save_figure(fig: Figure, path: str | Path, width_px: int | None = None,
                height_px: int | None = None, dpi: float = 100) -> Path:
    """Write ``fig`` as an image of exactly the requested pixel size: PNG, SVG or PDF.

    The format follows the suffix (``.png``, ``.svg``, ``.pdf``; PNG for any
    other). Without a size, the figure's own size at ``dpi`` is used; with
    only one of ``width_px``/``height_px``, the other follows the figure's
    aspect ratio (for SVG and PDF the size is ``pixels / dpi`` inches).

    >>> import io
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); _ = fig.add_subplot().plot([0, 1])
    >>> from PIL import Image
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = save_figure(fig, os.path.join(d, "a.png"), width_px=321, height_px=123)
    ...     Image.open(p).size
    (321, 123)
    """
    path = Path(path)
    if dpi <= 0:
        raise InputError(f"{dpi}", source="save_figure", field="dpi", allowed="> 0")
    for label, v in (("width_px", width_px), ("height_px", height_px)):
        if v is not None and (not isinstance(v, int) or v < 16):
            raise InputError(f"{v!r}", source="save_figure", field=label,
                             allowed="an integer >= 16")
    w_in, h_in = fig.get_size_inches()
    if width_px is not None and height_px is None:
        height_px = max(int(round(width_px * h_in / w_in)), 1)
    elif height_px is not None and width_px is None:
        width_px = max(int(round(height_px * w_in / h_in)), 1)
    if width_px is not None and height_px is not None:
        # A hair over the exact size: Agg truncates width * dpi to whole pixels.
        fig.set_size_inches((width_px + 1e-3) / dpi, (height_px + 1e-3) / dpi)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lower().lstrip(".")
    fig.savefig(path, dpi=dpi, facecolor="white",
                format=fmt if fmt in ("png", "svg", "pdf") else "png")
    return path
