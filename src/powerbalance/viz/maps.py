"""The map of a world: provinces coloured by owner, links, capitals, war fronts; animations."""

from __future__ import annotations

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
from powerbalance.viz._common import new_axes, one_world, war_pairs
from powerbalance.viz.colors import UNOWNED, WAR, actor_colors


class MapDrawer:
    """Draws the map of one world into axes and redraws it for another year.

    The static parts (links, positions) are drawn once; :meth:`update` only
    recolours provinces, moves fronts and capitals, so animations are cheap.

    Parameters
    ----------
    map_: the static provinces table (province, x, y, value, initial_capital_of).
    links: the links table (a, b, kind).
    provinces: owners per world, year and province (``owner`` -1 = unowned).
    names: actor names by index (scenario order).
    world: which world.
    events: the events table, for war fronts (optional).
    colors: actor name -> colour.
    """

    def __init__(self, map_: pd.DataFrame, links: pd.DataFrame, provinces: pd.DataFrame,
                 names: Sequence[str], *, world: int = 0, events: pd.DataFrame | None = None,
                 colors: dict[str, str] | None = None) -> None:
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
        self.xy = self.map[["x", "y"]].to_numpy(dtype=np.float64)
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
        return np.stack([self.xy[a], self.xy[b]], axis=1) if len(a) else np.zeros((0, 2, 2))

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
            handles = [Line2D([], [], color="#9A9A9A", lw=0.8, label="land link"),
                       Line2D([], [], color="#5B8DB8", lw=0.8, ls="--", label="sea link"),
                       Line2D([], [], color=WAR, lw=2.6, label="war front"),
                       Line2D([], [], marker="*", color="black", ls="", ms=9, label="capital"),
                       Line2D([], [], marker="x", color="#404040", ls="", ms=6,
                              label="fallen capital")]
            ax.legend(handles=handles, loc="lower left", fontsize="x-small", frameon=True,
                      framealpha=0.8)
        self.update(year)
        return ax

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

    Provinces are markers at their (x, y) sized by value and coloured by
    owner; land links are solid, sea links dashed; capitals held by their
    actor are stars, fallen capitals crosses; links between provinces of
    actors at war that year (from ``events``) are drawn as red fronts.
    """
    drawer = MapDrawer(map_, links, provinces, names, world=world, events=events, colors=colors)
    fig, ax = new_axes(ax, figsize=(6.0, 5.0))
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
        """A 128-colour palette from ``frame`` plus swatches of every actor, war and unowned."""
        colors = [*self.drawer.colors.values(), UNOWNED, WAR, "#FFFFFF", "#000000"]
        sample = Image.new("RGB", (frame.width, frame.height + 32), "white")
        sample.paste(frame, (0, 0))
        for k, color in enumerate(colors):
            sample.paste(Image.new("RGB", (32, 32), color), (32 * k % frame.width,
                                                             frame.height))
        return sample.quantize(colors=128, method=Image.Quantize.MAXCOVERAGE)

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
    figsize: tuple[float, float] = (6.0, 5.0),
    dpi: float = 80,
    interval_ms: int = 100,
) -> MapAnimation:
    """An animation of the map of ``world``, one frame per recorded year (or per ``years``).

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
