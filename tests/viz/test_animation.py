"""The map animation: one frame per year, written as a GIF."""

from __future__ import annotations

import gc
import warnings

import numpy as np
import pytest
from matplotlib import animation
from PIL import Image

from powerbalance.errors import InputError
from powerbalance.viz import actor_names, map_animation, save_animation


def discard(holder: list[animation.Animation]) -> None:
    """Drop animations that were never saved, without matplotlib's warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Animation was deleted")
        holder.clear()
        gc.collect()


def test_animation_one_frame_per_year(small_run, tmp_path):
    r = small_run
    years = sorted(r.provinces.query("world == 0")["year"].unique())[:8]
    anim = map_animation(r.map, r.links, r.provinces, names=actor_names(r.actors),
                         events=r.events, years=years, figsize=(3.0, 2.5), dpi=50)
    path = save_animation(anim, tmp_path / "map.gif", fps=5)
    with Image.open(path) as gif:
        assert gif.n_frames == len(years)
        assert gif.size == (150, 125)


def test_animation_all_years_by_default(small_run):
    r = small_run
    held = [map_animation(r.map, r.links, r.provinces, names=actor_names(r.actors))]
    frames = list(held[0].new_frame_seq())
    discard(held)
    assert frames == list(range(31))


def test_save_animation_unknown_format(small_run, tmp_path):
    r = small_run
    held = [map_animation(r.map, r.links, r.provinces, names=actor_names(r.actors), years=[0])]
    with pytest.raises(InputError, match="format"):
        save_animation(held[0], tmp_path / "map.avi")
    discard(held)


def test_blitted_gif_matches_a_full_redraw(warlike_run, tmp_path):
    r = warlike_run
    ev = r.events
    wars = ev[ev["kind"].astype(str).isin(["war_won", "war_lost"]) & (ev["world"] == 0)]
    year = int(wars["year"].iloc[0]) if len(wars) else 40
    kwargs = {"names": actor_names(r.actors), "events": ev, "figsize": (4.0, 3.0), "dpi": 60}
    fast = map_animation(r.map, r.links, r.provinces, years=[0, year, 80], **kwargs)
    path = save_animation(fast, tmp_path / "fast.gif")
    held = [map_animation(r.map, r.links, r.provinces, years=[year], **kwargs)]
    held[0].fig.savefig(tmp_path / "full.png", dpi=60)
    discard(held)
    with Image.open(path) as gif, Image.open(tmp_path / "full.png") as png:
        gif.seek(1)
        a = np.asarray(gif.convert("RGB"), dtype=np.float64)
        b = np.asarray(png.convert("RGB"), dtype=np.float64)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 2.0  # only palette rounding differs
