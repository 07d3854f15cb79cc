"""Helpers shared by the plot modules: fonts, figures, legends, world selection, war spans.

Fonts: importing :mod:`powerbalance.viz` appends one CJK font to matplotlib's
``font.family`` (:func:`configure_fonts`), so that Chinese, Japanese and Korean
names (秦, 楚, 齊 ... in the Warring States scenarios) render instead of boxes;
matplotlib (>= 3.6) takes each glyph from the first family that has it, so
Latin text keeps the user's font. The font is Noto Sans CJK (SIL Open Font
License 1.1) shipped by the ``noto-cjk-sans-otc`` package, a dependency, so
every install has it; a system copy (Debian's ``fonts-noto-cjk``) or another
CJK font from :data:`CJK_FAMILIES` is used where that package is missing.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from powerbalance.errors import InputError

#: Default figure dots per inch (screen); :func:`powerbalance.viz.save_figure` sets its own.
DPI = 100

#: War event kinds that put ``actor`` and ``other`` on opposite sides.
WAR_KINDS = ("war_won", "war_lost")


#: CJK font families, best first: Traditional Chinese forms suit the historical scenarios.
CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK HK",
                "Noto Sans CJK KR", "Source Han Sans TC", "Source Han Sans SC",
                "WenQuanYi Zen Hei", "Droid Sans Fallback")


@functools.cache
def cjk_font() -> font_manager.FontEntry | None:
    """The font used for CJK glyphs: the packaged Noto Sans CJK, else a system CJK font.

    Returns matplotlib's entry for it (``name``, ``fname``, ``index`` in a
    collection), or None when no CJK font is installed at all.
    """
    try:
        import noto_cjk_sans_otc  # the OFL font file, shipped as a dependency
    except ImportError:  # pragma: no cover - an install without the dependency
        pass
    else:
        path = str(noto_cjk_sans_otc.FONT_PATH)
        if not any(f.fname == path for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(path)
    by_name: dict[str, font_manager.FontEntry] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.style == "normal" and entry.weight in (400, "normal", "regular"):
            by_name.setdefault(entry.name, entry)
    return next((by_name[n] for n in CJK_FAMILIES if n in by_name), None)


def configure_fonts() -> str | None:
    """Append the CJK font (:func:`cjk_font`) to ``font.family``; return its family name.

    Idempotent; the families already there stay first, so only glyphs they
    lack (CJK ideographs) come from the CJK font.
    """
    font = cjk_font()
    if font is None:
        return None
    families = list(mpl.rcParams["font.family"])
    if font.name not in families:
        mpl.rcParams["font.family"] = [*families, font.name]
    return font.name


def cjk_font_path() -> Path | None:
    """The file of the CJK font (for embedding it in HTML), or None."""
    font = cjk_font()
    return Path(font.fname) if font is not None else None


configure_fonts()

#: CSS family of the CJK font that HTML reports embed (:func:`cjk_font_face_css`).
HTML_CJK_FAMILY = "powerbalance CJK"
#: Unicode blocks drawn from the CJK font: radicals to ideographs (with kana and Hangul
#: letters), Hangul syllables, compatibility ideographs, full-width forms, extension B+.
CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
              (0x20000, 0x2FA1F))


def cjk_chars(text: str) -> str:
    """The distinct CJK characters of ``text`` (see :data:`CJK_RANGES`), sorted.

    >>> cjk_chars("Qin 秦 and Chu 楚, Qin 秦")
    '楚秦'
    """
    found = {c for c in text if any(lo <= ord(c) <= hi for lo, hi in CJK_RANGES)}
    return "".join(sorted(found))


@functools.lru_cache(maxsize=8)
def _font_subset(chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = cjk_font()
    assert font is not None
    with TTFont(font.fname, fontNumber=font.index, lazy=True) as tt:
        options = subset.Options()
        options.layout_features = []  # plain glyphs: no ligatures or vertical forms needed
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(tt)
        buf = io.BytesIO()
        tt.save(buf)
    return buf.getvalue()


def cjk_font_face_css(text: str) -> str:
    """A CSS ``@font-face`` embedding the CJK font, cut down to the CJK characters of ``text``.

    An HTML page with it renders its Chinese names in any browser, without
    a CJK font installed and without a download (the font is a ``data:``
    URI of a few kB). Empty when ``text`` has no CJK character or no CJK
    font is installed. Use the family :data:`HTML_CJK_FAMILY`.
    """
    chars = cjk_chars(text)
    if not chars or cjk_font() is None:
        return ""
    data = base64.b64encode(_font_subset(chars)).decode("ascii")
    return (f'@font-face{{font-family:"{HTML_CJK_FAMILY}";'
            f'src:url(data:font/otf;base64,{data}) format("opentype")}}')


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


# ---------------------------------------------------------------- legends

#: A legend lists at most this many series; the rest are folded into one "others" entry.
LEGEND_MAX_ENTRIES = 16
#: Colour of the series folded into "others".
OTHERS_COLOR = "#B0B0B0"


def spread_pick(values: Sequence[float], k: int = LEGEND_MAX_ENTRIES) -> list[int]:
    """Indices of at most ``k`` series whose ``values`` spread evenly from highest to lowest.

    The series a folded legend names: the highest, the lowest and evenly
    spaced ranks between, highest first.

    >>> spread_pick([0.5, 0.9, 0.1, 0.3, 0.7], k=3)
    [1, 0, 2]
    """
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    if len(order) <= k:
        return order
    ranks = np.unique(np.round(np.linspace(0, len(order) - 1, k)).astype(int))
    return [order[r] for r in ranks]


def legend_columns(ax: Axes, entries: int, fontsize_pt: float) -> int:
    """Columns a legend of ``entries`` needs to fit the height of ``ax`` (at least 1)."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    height_pt = ax.get_position().height * fig.get_size_inches()[1] * 72.0
    rows = max(int(height_pt / (1.7 * fontsize_pt)), 4)
    return max(math.ceil(entries / rows), 1)


def outside_legend(ax: Axes, handles: Sequence[Artist], labels: Sequence[str], *,
                   others: int = 0, others_label: str = "others",
                   fontsize: str | float = "small", title: str | None = None) -> Legend:
    """A legend outside the axes, on their right, that never covers the data.

    The rule, whatever the number of series: the legend sits beside the axes
    (anchored at their upper right corner; constrained layout shrinks the
    axes to make room), in as many columns as the axes' height needs. At most
    :data:`LEGEND_MAX_ENTRIES` series are listed: callers pass the most
    important first, fold the rest (draw them in :data:`OTHERS_COLOR`) and
    give their count as ``others``, listed as one entry "N others".
    """
    handles, labels = list(handles), list(labels)
    if others:
        handles.append(Line2D([], [], color=OTHERS_COLOR, linewidth=4))
        labels.append(f"{others} {others_label}")
    size_pt = font_manager.FontProperties(size=fontsize).get_size_in_points()
    ncols = legend_columns(ax, len(labels), size_pt)
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                     borderaxespad=0.0, frameon=False, fontsize=fontsize, ncols=ncols,
                     title=title, title_fontsize=fontsize, columnspacing=1.0,
                     handlelength=1.5)


# ---------------------------------------------------------------- time axis

#: Smallest yearly change (of any plotted share or index) that counts as something happening.
ACTIVE_TOLERANCE = 1e-3
#: Years shown after the last change, as a fraction of the active period (at least
#: :data:`ACTIVE_MIN_MARGIN` years).
ACTIVE_MARGIN = 0.25
#: The fewest years shown after the last change.
ACTIVE_MIN_MARGIN = 10


def active_until(years: np.ndarray, values: np.ndarray, busy: Iterable[int] = (),
                 tol: float = ACTIVE_TOLERANCE) -> int:
    """The last year a time axis needs to show: the active period plus a margin.

    The rule: the *last change* is the last year in which any column of
    ``values`` (rows = ``years``) moved by more than ``tol`` from the year
    before, or a year in ``busy`` (e.g. years of war); the axis ends
    ``max(ACTIVE_MIN_MARGIN, ACTIVE_MARGIN x (last change - first year))``
    years after it, or at the last year if that comes first. A system that
    keeps changing is shown whole.

    >>> years = np.arange(100)
    >>> flat_after_20 = np.minimum(years, 20)[:, None] / 20.0
    >>> int(active_until(years, flat_after_20))
    30
    >>> int(active_until(years, flat_after_20, busy=[60]))
    75
    """
    years = np.asarray(years)
    if len(years) < 2:
        return int(years[-1]) if len(years) else 0
    values = np.asarray(values, dtype=np.float64).reshape(len(years), -1)
    moved = np.flatnonzero(np.nanmax(np.abs(np.diff(values, axis=0)), axis=1, initial=0.0)
                           > tol)
    last = int(years[moved[-1] + 1]) if len(moved) else int(years[0])
    for year in busy:
        last = max(last, int(year))
    margin = max(ACTIVE_MIN_MARGIN, math.ceil(ACTIVE_MARGIN * (last - int(years[0]))))
    return min(last + margin, int(years[-1]))


def mark_cropped(ax: Axes, shown_until: int, last_year: int) -> None:
    """Say on ``ax`` that the time axis stops at ``shown_until`` because nothing changes after."""
    if shown_until >= last_year:
        return
    ax.annotate(f"no change to year {last_year} →", xy=(1.0, 0.0), xycoords="axes fraction",
                xytext=(0, 3), textcoords="offset points", ha="right", va="bottom",
                fontsize="x-small", color="#505050", zorder=6)
