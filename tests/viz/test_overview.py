"""The overview figure and saving figures at a pixel size."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from PIL import Image

from powerbalance.errors import InputError
from powerbalance.viz import overview_figure, save_figure


def test_overview_has_shares_and_map(small_run, tmp_path):
    fig = overview_figure(small_run, world=0)
    left, right = fig.axes[:2]
    areas = [c for c in left.collections if isinstance(c, PolyCollection)]
    assert len(areas) == small_run.actors["actor"].nunique()
    # the map panel draws one marker per province
    offsets = right.collections[3].get_offsets()
    assert len(offsets) == len(small_run.map)
    path = save_figure(fig, tmp_path / "ov.png", width_px=900, height_px=400)
    with Image.open(path) as img:
        assert img.size == (900, 400)
        arr = np.asarray(img.convert("L"))
    assert arr.std() > 10  # not blank


def test_overview_without_map_world(small_run):
    fig = overview_figure(small_run, world=2)  # only world 0 has a map
    assert "no map recorded" in fig.axes[1].texts[0].get_text()


def test_overview_unknown_world(small_run):
    with pytest.raises(InputError, match="world"):
        overview_figure(small_run, world=99)


@pytest.mark.parametrize(("w", "h"), [(640, 480), (1234, 567), (333, None), (None, 250)])
def test_save_figure_pixel_size(small_run, tmp_path, w, h):
    fig = overview_figure(small_run)
    ratio = fig.get_figwidth() / fig.get_figheight()
    path = save_figure(fig, tmp_path / "f.png", width_px=w, height_px=h, dpi=73)
    with Image.open(path) as img:
        width, height = img.size
    assert width == (w if w is not None else round(h * ratio))
    assert height == (h if h is not None else round(w / ratio))


def test_save_figure_rejects_bad_size(small_run, tmp_path):
    with pytest.raises(InputError, match="width_px"):
        save_figure(overview_figure(small_run), tmp_path / "f.png", width_px=3)
