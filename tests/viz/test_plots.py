"""Each plot returns a figure with the expected artists and saves a PNG of the size asked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from powerbalance.errors import InputError
from powerbalance.viz import (
    actor_colors,
    actor_names,
    alliance_durations,
    alliance_plot,
    concentration_plot,
    fan_chart,
    history_plot,
    kaplan_meier,
    lifetimes,
    map_plot,
    outcome_plot,
    palette,
    save_figure,
    shares_plot,
    survival_plot,
    tournament_plot,
    war_size_plot,
    war_sizes,
)


def saved_size(fig: Figure, path, w: int = 640, h: int = 400) -> tuple[int, int]:
    """Save at w x h; return the PNG's size after checking it is not blank."""
    save_figure(fig, path, width_px=w, height_px=h)
    with Image.open(path) as img:
        arr = np.asarray(img.convert("L"), dtype=np.float64)
        assert arr.std() > 5, "blank image"
        return img.size


def test_palette_is_colour_blind_safe_for_seven():
    assert palette(7)[0] == "#E69F00"
    assert len(set(palette(16))) == 16


def test_actor_colors_consistent(small_run):
    names = actor_names(small_run.actors)
    assert names == small_run.manifest["scenario"]["actors"]
    assert actor_colors(names) == actor_colors(list(names))
    assert len(set(actor_colors(names).values())) == len(names)


def test_shares_plot_one_area_per_actor(small_run, tmp_path):
    fig = shares_plot(small_run.actors, small_run.system, world=1)
    ax = fig.axes[0]
    areas = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(areas) == 7
    colors = actor_colors(actor_names(small_run.actors))
    assert np.allclose(areas[0].get_facecolor()[0], to_rgba(colors["Qin"]))
    assert saved_size(fig, tmp_path / "s.png") == (640, 400)


def test_shares_plot_shades_war_years(warlike_run):
    system = warlike_run.system
    world = int(system.loc[system["active_wars"] > 0, "world"].iloc[0])
    fig = shares_plot(warlike_run.actors, system, world=world)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "war" in labels


def test_concentration_plot(small_run, tmp_path):
    fig = concentration_plot(small_run.system, world=0)
    top = fig.axes[0]
    assert [ln.get_label() for ln in top.get_lines()] == ["HHI", "CON"]
    assert saved_size(fig, tmp_path / "c.png", 500, 300) == (500, 300)


def test_map_plot_colours_by_owner(small_run, tmp_path):
    names = actor_names(small_run.actors)
    fig = map_plot(small_run.map, small_run.links, small_run.provinces, names=names, year=0)
    ax = fig.axes[0]
    dots = [c for c in ax.collections
            if isinstance(c, PathCollection) and len(c.get_offsets()) == len(small_run.map)]
    assert len(dots) == 1
    owners = small_run.provinces.query("world == 0 and year == 0").sort_values("province")
    colors = actor_colors(names)
    qin = np.flatnonzero(owners["owner"].to_numpy() == 0)
    assert np.allclose(dots[0].get_facecolor()[qin[0]], to_rgba(colors["Qin"]))
    styles = [c.get_linestyle() for c in ax.collections if isinstance(c, LineCollection)]
    assert len(styles) >= 2  # land solid and sea dashed
    assert saved_size(fig, tmp_path / "m.png") == (640, 400)


def test_map_plot_draws_fronts(warlike_run):
    ev = warlike_run.events
    mapped = warlike_run.provinces["world"].unique()  # the worlds whose map was recorded
    wars = ev[ev["kind"].astype(str).isin(["war_won", "war_lost"]) & ev["world"].isin(mapped)]
    assert not wars.empty, "the fixture run must have a war in a recorded world"
    world, year = int(wars["world"].iloc[0]), int(wars["year"].iloc[0])
    fig = map_plot(warlike_run.map, warlike_run.links, warlike_run.provinces,
                   names=actor_names(warlike_run.actors), year=year, world=world, events=ev)
    fronts = [c for c in fig.axes[0].collections
              if isinstance(c, LineCollection) and c.get_label() == "war front"]
    assert len(fronts) == 1 and len(fronts[0].get_segments()) >= 1


def test_map_plot_unknown_year(small_run):
    with pytest.raises(InputError, match="year"):
        map_plot(small_run.map, small_run.links, small_run.provinces,
                 names=actor_names(small_run.actors), year=999)


def test_alliance_plot(small_run, tmp_path):
    year = int(small_run.alliances.query("world == 0")["year"].max())
    fig = alliance_plot(small_run.actors, small_run.alliances, map_=small_run.map, year=year)
    ax = fig.axes[0]
    pairs = small_run.alliances.query("world == 0 and year == @year")
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(edges[0].get_segments()) == len(pairs) > 0
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(nodes[0].get_offsets()) == 7
    qin = small_run.map.query("initial_capital_of == 'Qin'")[["x", "y"]].to_numpy()[0]
    assert np.allclose(nodes[0].get_offsets()[0], qin)
    assert saved_size(fig, tmp_path / "a.png") == (640, 400)


def test_alliance_durations():
    al = pd.DataFrame({"world": 0, "year": [1, 2, 3, 4], "actor": 0, "ally": 1})
    assert alliance_durations(al, 0, 4)["years"].tolist() == [4]
    assert alliance_durations(al, 0, 5).empty


def test_fan_chart_arms(small_run, tmp_path):
    sys = small_run.system
    fig = fan_chart({"a": sys, "b": sys[sys["world"] < 2]})
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 4
    median = ax.get_lines()[0].get_ydata()
    expected = sys.groupby("year")["largest_share"].median().to_numpy()
    assert np.allclose(median, expected)
    assert saved_size(fig, tmp_path / "f.png") == (640, 400)


def test_fan_chart_by_column(small_run):
    sys = small_run.system.assign(arm=np.where(small_run.system["world"] % 2, "odd", "even"))
    assert len(fan_chart(sys, by="arm").axes[0].get_lines()) == 2
    with pytest.raises(InputError, match="nope"):
        fan_chart(sys, by="nope")


def test_kaplan_meier_with_censoring():
    km = kaplan_meier(pd.DataFrame({"duration": [1, 1, 2, 4, 4],
                                    "died": [True, False, True, True, False]}))
    # 5 at risk, 1 death at t=1 -> 0.8; 3 at risk at 2, 1 death -> 0.8*2/3; t=4: 2 at risk, 1 death
    assert km["time"].tolist() == [0.0, 1.0, 2.0, 4.0]
    assert np.allclose(km["survival"], [1.0, 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3 * 0.5])
    assert km["at_risk"].tolist() == [5, 5, 3, 2]


def test_lifetimes_and_survival_plot(warlike_run, tmp_path):
    life = lifetimes(warlike_run.actors, by="strategy")
    assert len(life) == 6 * 7
    assert (life.loc[~life["died"], "duration"] == 80).all()
    fig = survival_plot(warlike_run.actors, by="strategy")
    n_groups = warlike_run.actors["strategy"].nunique()
    assert len(fig.axes[0].get_lines()) == n_groups
    assert len(fig.axes[0].collections) == n_groups  # a CI band per curve
    assert saved_size(fig, tmp_path / "k.png") == (640, 400)
    # the same curves drawn from a kaplan_meier table (as a sweep does) give the same steps
    curves = kaplan_meier(life, group="strategy")
    again = survival_plot(curves)
    for a, b in zip(fig.axes[0].get_lines(), again.axes[0].get_lines(), strict=True):
        assert np.array_equal(a.get_ydata(), b.get_ydata())
        assert a.get_label() == b.get_label()


def test_survival_detects_deaths():
    rows = []
    for w in range(2):
        for a in range(2):
            for y in range(4):
                rows.append({"world": w, "year": y, "actor": a, "name": f"a{a}",
                             "alive": not (a == 1 and y >= 2), "share": 0.5})
    life = lifetimes(pd.DataFrame(rows))
    assert life.set_index(["world", "actor"])["duration"].to_dict() == {
        (0, 0): 3, (0, 1): 2, (1, 0): 3, (1, 1): 2}
    assert life["died"].tolist() == [False, True, False, True]


def test_war_size_plot(warlike_run, tmp_path):
    sizes = war_sizes(warlike_run.events)
    fig = war_size_plot(warlike_run.events)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_lines()[0].get_xdata()) == len(sizes)
    assert saved_size(fig, tmp_path / "w.png") == (640, 400)


def test_war_size_plot_draws_the_stats_fit():
    from powerbalance.experiments.stats import fit_war_sizes, power_law_ccdf

    rng = np.random.default_rng(42)
    sizes = np.r_[rng.uniform(0.1, 1.0, 200), (1 - rng.random(300)) ** (-1 / 1.2)]
    fit = fit_war_sizes(sizes)
    assert abs(fit["alpha"] - 2.2) < 0.3
    ax = war_size_plot(pd.DataFrame({"size": sizes})).axes[0]
    points, tail = ax.get_lines()
    assert len(points.get_xdata()) == len(sizes)
    assert tail.get_xdata()[0] == pytest.approx(fit["xmin"])
    assert np.allclose(tail.get_ydata(), power_law_ccdf(fit, tail.get_xdata()))
    assert f"α = {fit['alpha']:.2f}" in tail.get_label()
    assert len(war_size_plot(sizes[:5]).axes[0].get_lines()) == 1  # too few wars to fit


def test_tournament_plot(tmp_path):
    df = pd.DataFrame({"strategy": ["a", "b", "c"] * 2,
                       "metric": ["survival"] * 3 + ["share"] * 3,
                       "mean": [0.5, 0.6, 0.7, 0.1, 0.2, 0.3]})
    df["lo"], df["hi"] = df["mean"] - 0.05, df["mean"] + 0.05
    fig = tournament_plot(df)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 2
    assert len(visible[0].patches) == 3
    assert saved_size(fig, tmp_path / "t.png") == (640, 400)
    with pytest.raises(InputError, match="hi"):
        tournament_plot(df.drop(columns="hi"))


def test_outcome_plot_one_panel_per_outcome(tmp_path):
    from powerbalance.experiments.stats import outcome_table

    runs = pd.DataFrame({"point": np.repeat([0, 1, 2], 4), "x": np.repeat([0.1, 0.2, 0.3], 4),
                         "unified": [True, False] * 6, "wars": np.arange(12)})
    table = outcome_table(runs, ["unified", "wars"], by=["point", "x"])
    fig = outcome_plot(table, "x", ["unified", "wars"])
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 2
    assert visible[1].get_lines()[0].get_ydata().tolist() == [1.5, 5.5, 9.5]
    assert saved_size(fig, tmp_path / "o.png") == (640, 400)
    with pytest.raises(InputError, match="nope"):
        outcome_plot(table, "x", ["nope"])


def test_history_plot_synthetic(tmp_path):
    years = np.arange(1816, 2017)
    hist = pd.DataFrame({"year": years, "con": 0.3 + 0.05 * np.sin(years / 20),
                         "hhi": 0.2 + 0.03 * np.cos(years / 15),
                         "polarity": np.where(years < 1945, "multipolar",
                                              np.where(years < 1991, "bipolar", "unipolar"))})
    long = pd.DataFrame({"year": np.r_[years, years], "power": ["USA"] * 201 + ["UK"] * 201,
                         "share": np.r_[np.linspace(0.1, 0.3, 201), np.linspace(0.3, 0.05, 201)]})
    fig = history_plot(hist, long)
    assert len(fig.axes) == 3
    assert [ln.get_label() for ln in fig.axes[2].get_lines()] == ["USA", "UK"]
    band_labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert band_labels == ["unipolar", "bipolar", "multipolar"]
    assert saved_size(fig, tmp_path / "h.png", 800, 600) == (800, 600)
    assert len(history_plot(hist).axes) == 2


def test_plots_never_touch_global_random_state(small_run, warlike_run):
    import io
    import random

    from powerbalance.viz import overview_figure
    from powerbalance.viz.report import figure_png

    def render() -> bytes:
        buf = io.BytesIO()
        overview_figure(small_run).savefig(buf, format="png")
        return buf.getvalue() + figure_png(war_size_plot(warlike_run.events), 400)

    saved_np, saved_py = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        np.random.seed(1)  # noqa: NPY002  (the legacy global state is what is checked)
        random.seed(1)
        before_np, before_py = np.random.get_state()[1].copy(), random.getstate()  # noqa: NPY002
        first = render()
        assert np.array_equal(np.random.get_state()[1], before_np)  # noqa: NPY002
        assert random.getstate() == before_py
        np.random.seed(2)  # noqa: NPY002
        random.seed(2)
        assert render() == first
    finally:
        np.random.set_state(saved_np)  # noqa: NPY002
        random.setstate(saved_py)


def test_public_api_is_documented():
    import inspect

    from powerbalance import viz

    missing = []
    for name in viz.__all__:
        obj = getattr(viz, name)
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and callable(member) and not inspect.getdoc(member):
                    missing.append(f"{name}.{attr}")
    assert missing == []
