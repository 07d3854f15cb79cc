"""The map animation: one frame per year, written as a GIF."""

from __future__ import annotations

import gc
import warnings

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
