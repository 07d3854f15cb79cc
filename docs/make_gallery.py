"""Generate the gallery: every plot of :mod:`powerbalance.viz` on small seeded runs.

Writes PNGs (and one GIF) into ``docs/gallery/`` and the page ``docs/gallery.md``::

    python docs/make_gallery.py            # from the repository root

Everything is a pure function of the seeds below, so the images only change
when the model or the plots change.
"""

from __future__ import annotations

import inspect
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import powerbalance as pb  # noqa: E402
from powerbalance import viz  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "gallery"
PAGE = HERE / "gallery.md"
SEED = 2026


def runs() -> dict[str, pb.RunResult]:
    """The runs the gallery draws from (a few seconds on a laptop)."""
    return {
        "ws": pb.run("warring-states", years=300, worlds=200, seed=SEED),
        "bold": pb.run("warring-states", years=300, worlds=200, seed=SEED,
                       overrides={"attack_odds": 0.45}),
        "random": pb.run("random:actors=20", years=200, worlds=100, seed=SEED,
                         overrides={"capital_loss_kills": True}),
        "cold": pb.run("cold-war-1950", years=50, worlds=1, seed=SEED),
        "many": pb.run("random:actors=48", years=120, worlds=1, seed=SEED),
    }


def strategy_outcomes(result: pb.RunResult, boot: int = 400) -> pd.DataFrame:
    """Tournament-style table from a run: per strategy, survival and final share (95% bootstrap).

    Worlds are resampled with a local, seeded generator (never global random state).
    """
    last = result.actors[result.actors["year"] == result.actors["year"].max()]
    last = last.assign(final_share=last["share"].where(last["alive"], 0.0),
                       survived=last["alive"].astype(float))
    per_world = last.groupby(["strategy", "world"], observed=True)[
        ["survived", "final_share"]].mean()
    rng = np.random.default_rng(SEED)
    rows = []
    for strategy, frame in per_world.groupby(level="strategy", observed=True):
        values = frame.to_numpy()
        idx = rng.integers(0, len(values), size=(boot, len(values)))
        means = values[idx].mean(axis=1)
        for k, metric in enumerate(["survived", "final_share"]):
            lo, hi = np.quantile(means[:, k], [0.025, 0.975])
            rows.append({"strategy": str(strategy), "metric": metric,
                         "mean": values[:, k].mean(), "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def synthetic_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """An illustrative, synthetic 1816-2016 history (NOT real data: the shapes only)."""
    years = np.arange(1816, 2017)
    t = (years - 1816) / 200
    powers = pd.DataFrame({
        "year": years,
        "UK": 0.32 * np.exp(-2.5 * t) + 0.03,
        "USA": 0.05 + 0.30 / (1 + np.exp(-(years - 1900) / 15)) - 0.05 * t,
        "Russia/USSR": 0.12 + 0.08 * np.exp(-((years - 1975) / 25) ** 2),
        "Germany": 0.08 + 0.10 * np.exp(-((years - 1915) / 20) ** 2),
        "China": 0.10 + 0.12 * np.clip((years - 1980) / 36, 0, 1),
    })
    shares = powers.drop(columns="year").to_numpy()
    shares = shares / shares.sum(axis=1, keepdims=True)
    hhi = (shares**2).sum(axis=1)
    n = shares.shape[1]
    con = np.sqrt((hhi - 1 / n) / (1 - 1 / n))
    polarity = np.where(years < 1945, "multipolar",
                        np.where(years < 1991, "bipolar", "unipolar with great powers"))
    history = pd.DataFrame({"year": years, "con": con, "hhi": hhi, "polarity": polarity})
    return history, powers


def first_war_year(result: pb.RunResult, world: int = 0) -> int:
    """The first year with a war in ``world`` (for a map with fronts), else the last year."""
    ev = result.events
    wars = ev[ev["kind"].astype(str).isin(["war_won", "war_lost"]) & (ev["world"] == world)]
    return int(wars["year"].iloc[0]) if len(wars) else int(result.system["year"].max())


def entries(r: dict[str, pb.RunResult]) -> list[tuple[str, str, Callable[[], Figure]]]:
    """(file stem, caption, figure factory) for every plot of the gallery."""
    ws, bold, rnd, cold, many = r["ws"], r["bold"], r["random"], r["cold"], r["many"]
    names = viz.actor_names(ws.actors)
    war_year = first_war_year(ws)
    history, powers = synthetic_history()
    return [
        ("overview", "`overview_figure(result)`: shares of world 0 (war years shaded) and "
         "the final map.", lambda: viz.overview_figure(ws)),
        ("shares", "`shares_plot(actors, system, world=0)`: one stacked area per actor.",
         lambda: viz.shares_plot(ws.actors, ws.system, world=0)),
        ("concentration", "`concentration_plot(system, world=0)`: HHI, CON, effective number "
         "and the polarity class band.", lambda: viz.concentration_plot(ws.system, world=0)),
        ("map", f"`map_plot(map, links, provinces, names=..., year={war_year}, events=events)`:"
         " owners, land and (dashed) sea links, capitals and war fronts.",
         lambda: viz.map_plot(ws.map, ws.links, ws.provinces, names=names, year=war_year,
                              events=ws.events)),
        ("map-cold-war", "`map_plot(...)` of `cold-war-1950`: provinces with `lon`/`lat` are "
         "drawn on the Natural Earth coastlines shipped with the package.",
         lambda: viz.map_plot(cold.map, cold.links, cold.provinces,
                              names=viz.actor_names(cold.actors), events=cold.events)),
        ("map-48-actors", "`map_plot(...)` of `random:actors=48` at year 0: 48 colours chosen "
         "greedily far apart in CAM02-UCS (Okabe-Ito first); the key lists the 15 largest "
         "and counts the rest.",
         lambda: viz.map_plot(many.map, many.links, many.provinces,
                              names=viz.actor_names(many.actors), year=0)),
        ("alliances", "`alliance_plot(actors, alliances, map_=map)`: nodes at the capitals, "
         "sized by capability; edge width = years allied.",
         lambda: viz.alliance_plot(ws.actors, ws.alliances, map_=ws.map)),
        ("fan-chart", "`fan_chart({'attack_odds 0.6': ..., 'attack_odds 0.45': ...})`: median "
         "and 50%/90% bands of the largest share over 200 worlds per arm.",
         lambda: viz.fan_chart({"attack_odds 0.6 (default)": ws.system,
                                "attack_odds 0.45 (bolder)": bold.system})),
        ("survival", "`survival_plot(actors, by='strategy')`: Kaplan-Meier survival of actors, "
         "random:actors=20 with capital_loss_kills.",
         lambda: viz.survival_plot(rnd.actors, by="strategy")),
        ("war-sizes", "`war_size_plot(events)`: CCDF of war sizes with a power-law tail "
         "(MLE, x_min by KS distance, Clauset et al. 2009).",
         lambda: viz.war_size_plot(pd.concat([ws.events, bold.events]))),
        ("tournament", "`tournament_plot(table)`: survival and final share by strategy with "
         "95% bootstrap intervals (random:actors=20).",
         lambda: viz.tournament_plot(strategy_outcomes(rnd))),
        ("history", "`history_plot(history, powers)`: **synthetic illustrative data**, not "
         "COW; the real 1816-2016 series come from `powerbalance.analysis`.",
         lambda: viz.history_plot(history, powers,
                                  title="Concentration and polarity (synthetic example)")),
    ]


def main() -> int:
    """Write the gallery images and page; print sizes and timings."""
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    r = runs()
    print(f"runs: {time.perf_counter() - t0:.1f} s")
    lines = ["# Gallery", "",
             "Every plot of `powerbalance.viz`, made by `docs/make_gallery.py` from seeded runs "
             f"(seed {SEED}; Warring States, 200 worlds x 300 years unless noted). Regenerate "
             "with `python docs/make_gallery.py`. Actors keep the same colour in every plot "
             "of a run (`actor_colors`: Okabe-Ito for up to 7 actors, Tol's muted for 8-9, then "
             "a greedy max-min CAM02-UCS palette). Legends sit beside the axes; past 16 "
             "series the rest are folded into one \"others\" entry. Time axes stop 25% "
             "(at least 10 years) after the last change. `--plot` also writes `.svg` "
             "and `.pdf`.", "",
             "A whole run as one self-contained HTML file: "
             "`powerbalance report RUN_FOLDER [--out report.html] [--format html|png]`; the map "
             "as an animation: `powerbalance animate RUN_FOLDER --out map.gif`.", ""]
    for stem, caption, make in entries(r):
        t = time.perf_counter()
        path = viz.save_figure(make(), OUT / f"{stem}.png", dpi=90)
        kb = path.stat().st_size / 1024
        print(f"{path.name:<20} {kb:7.1f} KB {time.perf_counter() - t:6.2f} s")
        lines += [f"## {stem.replace('-', ' ').capitalize()}", "", caption, "",
                  f"![{stem}](gallery/{stem}.png)", ""]
    ws = r["ws"]
    anim = viz.map_animation(ws.map, ws.links, ws.provinces, names=viz.actor_names(ws.actors),
                             events=ws.events, years=list(range(0, 121, 2)))
    gif = viz.save_animation(anim, OUT / "map.gif", fps=12)
    print(f"{gif.name:<20} {gif.stat().st_size / 1024:7.1f} KB")
    lines += ["## Animation", "",
              "`save_animation(map_animation(map, links, provinces, names=...), 'map.gif')`: "
              "one frame per year (every second year of the first 120 here), 800 x 560 "
              "with the colour key.", "", "![map](gallery/map.gif)", ""]
    src = textwrap.dedent(inspect.getsource(strategy_outcomes))
    lines += ["## The tournament table", "",
              "The table behind the tournament plot, computed from a run:", "",
              "```python", src.rstrip(), "```", ""]
    PAGE.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {PAGE.name} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
