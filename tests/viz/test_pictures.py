"""Pictures a person wants to look at: CJK glyphs, zoomed time axes, a palette for 40+ actors,
legends beside the plot, maps on real geography, SVG/PDF output."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import PathPatch

import powerbalance as pb
from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.scenarios import builtin_path, load
from powerbalance.scenarios.loader import parse
from powerbalance.viz import (
    actor_names,
    fan_chart,
    map_animation,
    map_plot,
    palette,
    save_animation,
    shares_plot,
    survival_plot,
)
from powerbalance.viz._common import (
    HTML_CJK_FAMILY,
    LEGEND_MAX_ENTRIES,
    active_until,
    cjk_font,
    cjk_font_face_css,
)
from powerbalance.viz.basemap import land_path
from powerbalance.viz.colors import OKABE_ITO, min_distance, to_ucs
from powerbalance.viz.report import Report

NAMES = "秦 楚 齊 燕 趙 魏 韓 合縱 連橫"
REAL_WORLD = ("cold-war-1950", "europe-1713", "napoleon-1805", "vienna-1815", "europe-1939",
              "unipolar-2000", "warring-states", "warring-states-horizontal-alliance")
CHROMIUM = Path("/usr/bin/chromium")


def draw(fig: Figure) -> None:
    FigureCanvasAgg(fig).draw()


# ---------------------------------------------------------------- CJK


def test_chinese_names_render_without_missing_glyphs():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], label="秦 Qin")
    ax.set_title(NAMES)
    ax.set_xlabel("年 year")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
        fig.savefig(io.BytesIO(), format="pdf")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_the_cjk_font_covers_the_scenario_names():
    font = cjk_font()
    assert font is not None
    cmap = FT2Font(font.fname, face_index=font.index).get_charmap()
    text = builtin_path("warring-states").read_text(encoding="utf-8")  # province names
    chars = {c for c in NAMES + text if ord(c) > 0x2E80}
    assert chars and all(ord(c) in cmap for c in chars)


def test_html_report_embeds_the_cjk_glyphs_it_uses():
    from fontTools.ttLib import TTFont

    css = cjk_font_face_css("Qin 秦 and Chu 楚")
    assert HTML_CJK_FAMILY in css
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", css)
    assert data is not None
    import base64

    font = TTFont(io.BytesIO(base64.b64decode(data.group(1))))
    cmap = font.getBestCmap()
    assert ord("秦") in cmap and ord("楚") in cmap and ord("齊") not in cmap  # a subset
    assert len(data.group(1)) < 40_000
    assert cjk_font_face_css("only Latin text") == ""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_chinese_text_renders_in_headless_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    report = Report("戰國 report")
    report.section("秦 and 楚", "合縱 versus 連橫: 齊 燕 趙 魏 韓")
    page_file = tmp_path / "cjk.html"
    page_file.write_text(report.to_html(), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.evaluate("document.fonts.ready")
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "section p"})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        finally:
            browser.close()
    # Every ideograph is drawn by a font that has it: the embedded one (or a system CJK font).
    cjk = [f for f in fonts if f["familyName"] == HTML_CJK_FAMILY or "CJK" in f["familyName"]]
    assert sum(f["glyphCount"] for f in cjk) >= len("合縱連橫齊燕趙魏韓")


# ---------------------------------------------------------------- time axis


def test_active_until_rule():
    years = np.arange(301)
    flat_after_29 = np.minimum(years, 29)[:, None] / 29.0
    assert active_until(years, flat_after_29) == 29 + 10  # at least 10 years of margin
    late = np.minimum(years, 100)[:, None] / 100.0
    assert active_until(years, late) == 125  # 25% of the active period
    assert active_until(years, years[:, None] / 300.0) == 300  # always changing: all shown
    assert active_until(years, flat_after_29, busy=[200]) == 250  # a war counts as change


def test_shares_plot_zooms_to_the_years_before_unification():
    """A real run whose shares are frozen, and its wars ended, after year 40 (by
    construction, so the test does not depend on when the model unifies a world): the
    axis ends a margin after the last change, with a note; ``crop=False`` shows all."""
    r = pb.run("warring-states-horizontal-alliance", years=300, worlds=1, seed=2026)
    actors, system = r.actors.copy(), r.system.copy()
    at_40 = actors.loc[actors["year"] == 40].set_index("actor")
    late = actors["year"] > 40
    for column in ("share", "alive"):
        actors.loc[late, column] = actors.loc[late, "actor"].map(at_40[column]).to_numpy()
    system.loc[system["year"] > 40, "active_wars"] = 0
    wide = pb.viz.share_matrix(actors, 0)
    moved = wide.diff().abs().max(axis=1)
    last_change = int(moved[moved > 1e-3].index.max())
    assert last_change <= 40
    fig = shares_plot(actors, system)
    lo, hi = fig.axes[0].get_xlim()
    assert last_change < hi <= 40 + max(10, 0.25 * 40) + 1
    assert any("no change to year 300" in t.get_text() for t in fig.axes[0].texts)
    whole = shares_plot(actors, system, crop=False)
    assert whole.axes[0].get_xlim()[1] == 300


# ---------------------------------------------------------------- palette


@pytest.mark.parametrize("n", [40, 60])
def test_palette_stays_distinct_for_many_actors(n):
    colors = palette(n)
    assert len(set(colors)) == n
    # Stated bound: 12 CAM02-UCS units (the golden-angle palette before gave 2.8 and 2.7).
    assert min_distance(colors) > 12.0
    lightness = to_ucs(colors[len(OKABE_ITO):])[:, 0]  # the generated ones
    assert lightness.min() >= 29.9 and lightness.max() <= 88.1  # readable on white, with black


def test_palette_keeps_colour_blind_safe_colours_first():
    assert palette(7) == list(OKABE_ITO)
    assert palette(40)[:7] == list(OKABE_ITO)
    assert palette(60)[:40] == palette(40)  # growing the cast keeps everyone's colour


# ---------------------------------------------------------------- legends


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def survival_curves(groups: int) -> pd.DataFrame:
    t = np.arange(0, 100, 5, dtype=float)
    return pd.concat([pd.DataFrame({"group": f"point {g}", "time": t,
                                    "survival": np.exp(-t * (0.002 + 0.0003 * g)),
                                    "at_risk": 50}) for g in range(groups)])


def assert_legend_beside_axes(fig: Figure, max_entries: int = LEGEND_MAX_ENTRIES + 1) -> None:
    draw(fig)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    assert not overlaps(box, ax.get_window_extent(renderer))  # never covers the data
    assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1  # and is fully shown
    assert fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1
    assert len(legend.get_texts()) <= max_entries


def test_survival_legend_of_80_series_does_not_cover_the_plot():
    fig = survival_plot(survival_curves(80))
    assert_legend_beside_axes(fig)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts[-1] == f"{80 - LEGEND_MAX_ENTRIES} other groups"
    assert "point 0 (n=50)" in texts and "point 79 (n=50)" in texts  # highest and lowest


def test_fan_chart_legend_of_40_arms_beside_the_plot(small_run):
    arms = {f"arm {k}": small_run.system for k in range(40)}
    assert_legend_beside_axes(fan_chart(arms))


def test_shares_legend_of_40_actors_folds_the_smallest():
    r = pb.run("random:actors=40", years=5, worlds=1, seed=1)
    fig = shares_plot(r.actors, r.system)
    assert_legend_beside_axes(fig, LEGEND_MAX_ENTRIES + 2)  # + "war"
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"{40 - (LEGEND_MAX_ENTRIES - 1)} other actors" in texts


# ---------------------------------------------------------------- geography


def test_province_lon_lat_are_validated():
    base = {"name": "t", "map": {"topology": "graph", "provinces": [
        {"id": "a", "lon": 10.0, "lat": 50.0}, {"id": "b"}], "land": [["a", "b"]]},
        "actors": [{"name": "A", "provinces": ["a"], "capital": "a"},
                   {"name": "B", "provinces": ["b"], "capital": "b"}]}
    lonlat = parse(base, "t.toml").province_map.lonlat
    assert lonlat[0].tolist() == [10.0, 50.0] and np.isnan(lonlat[1]).all()
    for key, bad in (("lon", 200.0), ("lat", -91.0), ("lon", float("nan")), ("lat", "north")):
        data = {**base, "map": {**base["map"], "provinces": [
            {"id": "a", key: bad}, {"id": "b"}]}}
        with pytest.raises(InputError, match=rf"map\.provinces\[0\]\.{key}"):
            parse(data, "t.toml")


def test_map_table_carries_lon_lat(small_run):
    assert {"lon", "lat"} <= set(small_run.map.columns)
    assert np.isfinite(small_run.map[["lon", "lat"]].to_numpy()).all()
    abstract = pb.run("security-dilemma", years=2, worlds=1, seed=1)
    assert abstract.map[["lon", "lat"]].isna().all().all()


@pytest.mark.parametrize("name", REAL_WORLD)
def test_real_world_provinces_lie_on_land(name):
    lonlat = load(name).province_map.lonlat
    assert lonlat is not None and np.isfinite(lonlat).all()
    assert (np.abs(lonlat[:, 0]) <= 180).all() and (np.abs(lonlat[:, 1]) <= 90).all()
    # Within 1.5 degrees of the Natural Earth land (coastal and island provinces included).
    ring = 1.5 * np.array([[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [0.7, 0.7],
                           [-0.7, 0.7], [0.7, -0.7], [-0.7, -0.7]])
    near = land_path().contains_points((lonlat[:, None, :] + ring[None]).reshape(-1, 2))
    assert near.reshape(len(lonlat), -1).any(axis=1).all()


def test_map_with_coordinates_is_drawn_on_a_coastline_basemap(small_run):
    fig = map_plot(small_run.map, small_run.links, small_run.provinces,
                   names=actor_names(small_run.actors))
    ax = fig.axes[0]
    assert any(isinstance(p, PathPatch) for p in ax.patches)  # the land
    west, east = ax.get_xlim()
    lon = small_run.map["lon"]
    assert west < lon.min() and lon.max() < east
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(actor_names(small_run.actors)) <= set(texts)  # the colour key


def test_map_without_coordinates_keeps_its_layout():
    r = pb.run("random:actors=5", years=2, worlds=1, seed=1)
    fig = map_plot(r.map, r.links, r.provinces, names=actor_names(r.actors))
    ax = fig.axes[0]
    assert not any(isinstance(p, PathPatch) for p in ax.patches)
    offsets = ax.collections[3].get_offsets()
    assert np.allclose(np.sort(offsets[:, 0]), np.sort(r.map["x"].to_numpy()))


def test_gif_is_bigger_and_has_a_colour_key(small_run, tmp_path):
    from PIL import Image

    anim = map_animation(small_run.map, small_run.links, small_run.provinces,
                         names=actor_names(small_run.actors), years=[0, 10])
    texts = [t.get_text() for t in anim.fig.axes[0].get_legend().get_texts()]
    assert "Qin" in texts and "Chu" in texts
    path = save_animation(anim, tmp_path / "map.gif")
    with Image.open(path) as gif:
        assert gif.size == (800, 560)


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_writes_svg_and_pdf(tmp_path, suffix, magic):
    out = tmp_path / f"ws{suffix}"
    assert main(["run", "warring-states", "--worlds", "1", "--years", "5", "--seed", "1",
                 "--plot", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_plot_refuses_other_formats(tmp_path):
    out = tmp_path / "ws.jpg"
    assert main(["run", "warring-states", "--worlds", "1", "--years", "5", "--plot",
                 str(out)]) == 2
    assert not out.exists()
