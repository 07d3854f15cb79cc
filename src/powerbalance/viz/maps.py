"""The map of a world: provinces coloured by owner, links, capitals, war fronts; animations."""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import animation
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from powerbalance.errors import InputError
from powerbalance.viz._common import (
    LEGEND_MAX_ENTRIES,
    new_axes,
    one_world,
    outside_legend,
    war_pairs,
)
from powerbalance.viz.basemap import (
    COAST,
    LAND,
    SEA,
    draw_basemap,
    geo_extent,
    has_geography,
    wrap_segments,
)
from powerbalance.viz.colors import UNOWNED, WAR, actor_colors


class MapDrawer:
    """Draws the map of one world into axes and redraws it for another year.

    The static parts (links, positions) are drawn once; :meth:`update` only
    recolours provinces, moves fronts and capitals, so animations are cheap.
    When every province has a ``lon`` and ``lat`` (real-world scenarios), the
    map is drawn on real geography over a coastline basemap
    (:mod:`powerbalance.viz.basemap`); otherwise at the provinces' (x, y).
    A key beside the map names the actors' colours.

    Parameters
    ----------
    map_: the static provinces table (province, x, y, value, initial_capital_of;
        optionally lon, lat).
    links: the links table (a, b, kind).
    provinces: owners per world, year and province (``owner`` -1 = unowned).
    names: actor names by index (scenario order).
    world: which world.
    events: the events table, for war fronts (optional).
    colors: actor name -> colour.
    geography: draw on lon/lat over coastlines (default: when the map has them).
    """

    def __init__(self, map_: pd.DataFrame, links: pd.DataFrame, provinces: pd.DataFrame,
                 names: Sequence[str], *, world: int = 0, events: pd.DataFrame | None = None,
                 colors: dict[str, str] | None = None, geography: bool | None = None) -> None:
        self.map = map_.sort_values("province").reset_index(drop=True)
        self.links = links
        self.names = [str(n) for n in names]
        self.world = world
        self.events = events
        self.colors = dict(colors) if colors is not None else actor_colors(self.names)
        rows = one_world(provinces, world, "provinces")
        wide = rows.pivot(index="year", columns="province", values="owner")
        wide = wide.reindex(columns=self.map["province"], fill_value=-1).fillna(-1)
        self.years = wide.index.to_numpy()
        self.owners = wide.to_numpy(dtype=np.int64)
        self.geography = has_geography(self.map) if geography is None else geography
        if self.geography and not has_geography(self.map):
            raise InputError("provinces without lon/lat", source="map", field="lon, lat",
                             allowed="finite degrees for every province")
        self.xy = self.map[["lon", "lat"] if self.geography else ["x", "y"]].to_numpy(
            dtype=np.float64)
        rgba = [to_rgba(self.colors.get(n, UNOWNED)) for n in self.names]
        self._rgba = np.array([*rgba, to_rgba(UNOWNED)])  # index -1 -> unowned
        cap = self.map["initial_capital_of"].astype(str).to_numpy()
        index = {n: i for i, n in enumerate(self.names)}
        self.capitals = np.array([i for i, c in enumerate(cap) if c in index], dtype=np.int64)
        self.capital_of = np.array([index[c] for c in cap if c in index], dtype=np.int64)
        self.ax: Axes | None = None

    def owners_at(self, year: int) -> np.ndarray:
        """Owner index of each province in ``year`` (-1 unowned)."""
        pos = np.searchsorted(self.years, year)
        if pos >= len(self.years) or self.years[pos] != year:
            raise InputError(f"no map recorded for year {year}", source="provinces",
                             field="year", allowed=f"{self.years.min()}..{self.years.max()}")
        return self.owners[pos]

    def _segments(self, mask: np.ndarray) -> np.ndarray:
        a = self.links["a"].to_numpy()[mask]
        b = self.links["b"].to_numpy()[mask]
        if not len(a):
            return np.zeros((0, 2, 2))
        segments = np.stack([self.xy[a], self.xy[b]], axis=1)
        return wrap_segments(segments) if self.geography else segments

    def _front_segments(self, owner: np.ndarray, year: int) -> np.ndarray:
        pairs = war_pairs(self.events, self.world, year)
        if not pairs or self.links.empty:
            return np.zeros((0, 2, 2))
        a = self.links["a"].to_numpy()
        b = self.links["b"].to_numpy()
        oa, ob = owner[a], owner[b]
        lo, hi = np.minimum(oa, ob), np.maximum(oa, ob)
        kinds = self.links["kind"].astype(str).to_numpy()
        at_war = np.array([(int(x), int(y)) in pairs for x, y in zip(lo, hi, strict=True)])
        mask = at_war & (kinds != "none") if len(at_war) else np.zeros(0, bool)
        return self._segments(mask)

    def draw(self, ax: Axes, year: int, *, labels: bool = True, legend: bool = True) -> Axes:
        """Draw the map at ``year`` into ``ax``; return ``ax``."""
        self.ax = ax
        kinds = self.links["kind"].astype(str).to_numpy() if not self.links.empty else np.array([])
        ax.add_collection(LineCollection(list(self._segments(kinds == "land")), colors="#9A9A9A",
                                         linewidths=0.8, zorder=1, label="land link"))
        ax.add_collection(LineCollection(list(self._segments(kinds == "sea")), colors="#5B8DB8",
                                         linewidths=0.8, linestyles="--", zorder=1,
                                         label="sea link"))
        self.fronts = LineCollection([], colors=WAR, linewidths=2.6,
                                     zorder=2, label="war front")
        ax.add_collection(self.fronts)
        value = self.map["value"].to_numpy(dtype=np.float64)
        size = 40.0 + 160.0 * value / max(float(value.max()), 1e-9)
        self.scatter: PathCollection = ax.scatter(self.xy[:, 0], self.xy[:, 1], s=size,
                                                  c=np.zeros((len(self.xy), 4)),
                                                  edgecolors="#404040", linewidths=0.5,
                                                  zorder=3)
        cxy = self.xy[self.capitals] if len(self.capitals) else np.zeros((0, 2))
        self.held = ax.scatter(cxy[:, 0], cxy[:, 1], marker="*", s=110, c="black",
                               edgecolors="white", linewidths=0.6, zorder=4, label="capital")
        self.lost = ax.scatter(cxy[:, 0], cxy[:, 1], marker="x", s=40, c="#404040",
                               linewidths=1.2, zorder=4, label="fallen capital")
        self.labels = []
        if labels:
            for p, i in zip(self.capitals, self.capital_of, strict=True):
                self.labels.append(ax.annotate(self.names[i], self.xy[p], xytext=(5, 4),
                                               textcoords="offset points", fontsize=7,
                                               zorder=5))
        self.title = ax.set_title("")
        if self.geography:
            draw_basemap(ax, geo_extent(self.xy[:, 0], self.xy[:, 1]))
        else:
            pad_x = 0.05 * max(np.ptp(self.xy[:, 0]), 1e-9)
            pad_y = 0.05 * max(np.ptp(self.xy[:, 1]), 1e-9)
            ax.set_xlim(self.xy[:, 0].min() - pad_x, self.xy[:, 0].max() + pad_x)
            ax.set_ylim(self.xy[:, 1].min() - pad_y, self.xy[:, 1].max() + pad_y)
            ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#CCCCCC")
        if legend:
            self.legend(ax)
        self.update(year)
        return ax

    def key_actors(self) -> tuple[list[int], int]:
        """Actors named in the colour key and how many are folded into "others".

        The key lists the actors that own a province in some drawn year, in
        scenario order; beyond :data:`~powerbalance.viz._common.LEGEND_MAX_ENTRIES`
        it keeps those holding the most provinces at their peak.
        """
        owners = self.owners[self.owners >= 0]
        peak = np.zeros(len(self.names), dtype=np.int64)
        for row in self.owners:
            counts = np.bincount(row[row >= 0], minlength=len(self.names))
            peak = np.maximum(peak, counts[:len(self.names)])
        present = [i for i in range(len(self.names)) if peak[i] > 0] if len(owners) else []
        if len(present) <= LEGEND_MAX_ENTRIES:
            return present, 0
        kept = sorted(sorted(present, key=lambda i: (-peak[i], i))[:LEGEND_MAX_ENTRIES - 1])
        return kept, len(present) - len(kept)

    def legend(self, ax: Axes) -> None:
        """The key beside the map: actors' colours, then links, fronts and capitals."""
        shown, others = self.key_actors()
        handles: list = [Line2D([], [], marker="o", ls="", ms=7, markerfacecolor=self._rgba[i],
                                markeredgecolor="#404040", markeredgewidth=0.5)
                         for i in shown]
        labels = [self.names[i] for i in shown]
        if others:
            handles.append(Line2D([], [], marker="o", ls="", ms=7, markerfacecolor="#B0B0B0",
                                  markeredgecolor="#404040", markeredgewidth=0.5))
            labels.append(f"{others} other actors")
        if (self.owners < 0).any():
            handles.append(Line2D([], [], marker="o", ls="", ms=7, markerfacecolor=UNOWNED,
                                  markeredgecolor="#404040", markeredgewidth=0.5))
            labels.append("unowned")
        symbols = [(Line2D([], [], color="#9A9A9A", lw=0.8), "land link"),
                   (Line2D([], [], color="#5B8DB8", lw=0.8, ls="--"), "sea link"),
                   (Line2D([], [], color=WAR, lw=2.6), "war front"),
                   (Line2D([], [], marker="*", color="black", ls="", ms=9), "capital"),
                   (Line2D([], [], marker="x", color="#404040", ls="", ms=6),
                    "fallen capital")]
        kinds = set(self.links["kind"].astype(str)) if not self.links.empty else set()
        for handle, label in symbols:
            if label.endswith("link") and label.split()[0] not in kinds:
                continue
            handles.append(handle)
            labels.append(label)
        outside_legend(ax, handles, labels, fontsize="x-small")

    def update(self, year: int) -> list:
        """Redraw the changing parts for ``year``; return the changed artists."""
        owner = self.owners_at(year)
        self.scatter.set_facecolor(self._rgba[owner])
        held = owner[self.capitals] == self.capital_of if len(self.capitals) else np.zeros(0)
        cxy = self.xy[self.capitals] if len(self.capitals) else np.zeros((0, 2))
        self.held.set_offsets(cxy[held.astype(bool)] if len(cxy) else cxy)
        self.lost.set_offsets(cxy[~held.astype(bool)] if len(cxy) else cxy)
        for text, h in zip(self.labels, held, strict=True):
            text.set_alpha(1.0 if h else 0.45)
        self.fronts.set_segments(list(self._front_segments(owner, year)))
        self.title.set_text(f"World {self.world}, year {year}")
        return [self.scatter, self.held, self.lost, self.fronts, self.title, *self.labels]


def map_plot(
    map_: pd.DataFrame,
    links: pd.DataFrame,
    provinces: pd.DataFrame,
    *,
    names: Sequence[str],
    year: int | None = None,
    world: int = 0,
    events: pd.DataFrame | None = None,
    colors: dict[str, str] | None = None,
    ax: Axes | None = None,
    labels: bool = True,
    legend: bool = True,
) -> Figure:
    """The map of ``world`` at ``year`` (default: the last recorded year).

    Provinces are markers at their (x, y), or at their (lon, lat) over a
    coastline basemap when the map table has them, sized by value and
    coloured by owner; land links are solid, sea links dashed; capitals held
    by their actor are stars, fallen capitals crosses; links between
    provinces of actors at war that year (from ``events``) are drawn as red
    fronts. The key beside the map names the actors' colours.
    """
    drawer = MapDrawer(map_, links, provinces, names, world=world, events=events, colors=colors)
    height = 5.0
    if drawer.geography:  # as tall as the region is, for a 5-inch-wide map (key beside it)
        west, east, south, north = geo_extent(drawer.xy[:, 0], drawer.xy[:, 1])
        wide = (east - west) * math.cos(math.radians(0.5 * (south + north)))
        height = min(max(5.0 * (north - south) / max(wide, 1e-9) + 0.6, 3.2), 6.0)
    fig, ax = new_axes(ax, figsize=(7.5, height))
    drawer.draw(ax, int(drawer.years[-1]) if year is None else year, labels=labels,
                legend=legend)
    return fig


class MapAnimation(animation.FuncAnimation):
    """A :class:`~matplotlib.animation.FuncAnimation` of a map that knows its frames.

    Besides the usual ``save``, :meth:`write_gif` writes a GIF by blitting:
    the static parts (links, legend, axes) are rendered once and only the
    changing artists are redrawn per frame, several times faster than a
    full redraw per frame. :func:`save_animation` uses it for ``.gif``.
    """

    def __init__(self, fig: Figure, drawer: MapDrawer, frames: list[int],
                 interval_ms: int) -> None:
        self.drawer = drawer
        self.years = frames
        self.fig = fig
        """The figure the frames are drawn in."""
        super().__init__(fig, drawer.update, frames=frames, interval=interval_ms, blit=False,
                         repeat=False, cache_frame_data=False)

    def _palette(self, frame: Image.Image) -> Image.Image:
        """A GIF palette: every actor's colour, war, unowned, white, black (and land and sea
        on real geography) exactly, then the frame's most frequent other colours."""
        colors = [*self.drawer.colors.values(), UNOWNED, WAR, "#FFFFFF", "#000000"]
        if self.drawer.geography:
            colors += [LAND, SEA, COAST]
        exact = list(dict.fromkeys(colors))[:128]
        fixed = [int(round(255 * v)) for c in exact for v in to_rgba(c)[:3]]
        rest = frame.quantize(colors=256 - len(exact), method=Image.Quantize.MAXCOVERAGE)
        flat = fixed + (rest.getpalette() or [])[:3 * (256 - len(exact))]
        palette = Image.new("P", (1, 1))
        palette.putpalette(flat + [0] * (768 - len(flat)))
        return palette

    def write_gif(self, path: str | Path, fps: int = 10,
                  progress: Callable[[int, int], None] | None = None) -> Path:
        """Write the frames as an animated GIF (Pillow), looping forever; return ``path``.

        ``progress`` is called with (frames drawn, frames in all).
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self.fig
        canvas = FigureCanvasAgg(fig)
        moving = self.drawer.update(self.years[0])
        for artist in moving:
            artist.set_animated(True)
        try:
            canvas.draw()
            background = canvas.copy_from_bbox(fig.bbox)
            frames = []
            palette: Image.Image | None = None
            for year in self.years:
                canvas.restore_region(background)
                for artist in self.drawer.update(year):
                    fig.draw_artist(artist)
                rgb = Image.frombuffer("RGBA", canvas.get_width_height(),
                                       canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
                if palette is None:  # one palette for all frames: the colours never change
                    palette = self._palette(rgb)
                frames.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
                if progress is not None:
                    progress(len(frames), len(self.years))
        finally:
            for artist in moving:
                artist.set_animated(False)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frames[0].save(path, save_all=True, append_images=frames[1:], loop=0,
                       duration=max(int(round(1000 / fps)), 20), optimize=False)
        return path


def map_animation(
    map_: pd.DataFrame,
    links: pd.DataFrame,
    provinces: pd.DataFrame,
    *,
    names: Sequence[str],
    world: int = 0,
    events: pd.DataFrame | None = None,
    colors: dict[str, str] | None = None,
    years: Sequence[int] | None = None,
    figsize: tuple[float, float] = (8.0, 5.6),
    dpi: float = 100,
    interval_ms: int = 100,
) -> MapAnimation:
    """An animation of the map of ``world``, one frame per recorded year (or per ``years``).

    The default size is 800 x 560 pixels (``figsize`` x ``dpi``), with the
    colour key of actors beside the map.

    Save it with :func:`save_animation` (GIF, or MP4 where ffmpeg is
    present); frames are drawn by :meth:`MapDrawer.update`.
    """
    drawer = MapDrawer(map_, links, provinces, names, world=world, events=events, colors=colors)
    frames = [int(y) for y in (drawer.years if years is None else years)]
    if not frames:
        raise InputError("no years to animate", source="provinces", field="years",
                         allowed="at least one recorded year")
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    drawer.draw(ax, frames[-1])
    # Lay out once, then freeze the layout: frames only change colours and lines.
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    drawer.update(frames[0])
    return MapAnimation(fig, drawer, frames, interval_ms)


def save_animation(anim: animation.Animation, path: str | Path, *, fps: int = 10,
                   dpi: float | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Path:
    """Write an animation: GIF (Pillow) for ``.gif``, MP4 (ffmpeg, where present) for ``.mp4``.

    ``progress`` is called with (frames written, frames in all).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    writer: animation.AbstractMovieWriter
    if suffix == ".gif" and isinstance(anim, MapAnimation) and dpi is None:
        return anim.write_gif(path, fps, progress)
    if suffix == ".gif":
        writer = animation.PillowWriter(fps=fps)
    elif suffix == ".mp4":
        if shutil.which("ffmpeg") is None:
            raise InputError("ffmpeg is not installed", source=str(path), field="format",
                             allowed=".gif (or install ffmpeg for .mp4)")
        writer = animation.FFMpegWriter(fps=fps)
    else:
        raise InputError(f"unknown animation format {path.suffix!r}", source=str(path),
                         field="format", allowed=".gif, .mp4")
    path.parent.mkdir(parents=True, exist_ok=True)
    hook = None if progress is None else (lambda i, n: progress(i + 1, n))
    anim.save(str(path), writer=writer, dpi=dpi, progress_callback=hook)
    return path
