"""Tables of a preset run, in the layout of :mod:`powerbalance.experiments.tables`.

Presets hold one power stock per state, so ``wealth`` and ``military`` both
carry it; ``share`` is the state's share of the live states' total. The
tables are a :class:`~powerbalance.experiments.results.RunResult`, so the
analysis and plotting layers (``viz.overview_figure``, ``viz.survival_plot``,
``powerbalance show``) read them as they read a run of the main engine.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.analysis import normalize_shares
from powerbalance.experiments.results import RunResult
from powerbalance.experiments.tables import system_frame


def actor_table(worlds: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
                power: npt.NDArray[np.floating], alive: npt.NDArray[np.bool_],
                territory: npt.NDArray[np.integer], names: list[str],
                strategy: list[str], region: str = "world") -> pd.DataFrame:
    """One row per world x recorded year x state; arrays are (T, B, N)."""
    t, b, n = power.shape
    share = normalize_shares(power)

    def flat(arr: np.ndarray) -> np.ndarray:
        return np.swapaxes(arr, 0, 1).reshape(-1)

    actor = np.tile(np.arange(n), t * b)
    cats = list(dict.fromkeys(strategy))
    codes = np.array([cats.index(s) for s in strategy])
    return pd.DataFrame({
        "world": np.repeat(worlds, t * n).astype(np.int32),
        "year": np.tile(np.repeat(years, n), b).astype(np.int32),
        "actor": actor.astype(np.int16),
        "name": pd.Categorical.from_codes(actor, categories=names),
        "region": pd.Categorical.from_codes(np.zeros(len(actor), np.int64),
                                            categories=[region]),
        "strategy": pd.Categorical.from_codes(codes[actor], categories=cats),
        "alive": flat(alive),
        "share": flat(share).astype(np.float32),
        "wealth": flat(power).astype(np.float32),
        "military": flat(power).astype(np.float32),
        "territory": flat(territory).astype(np.int16),
    })


def system_table(worlds: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
                 power: npt.NDArray[np.floating], alive: npt.NDArray[np.bool_],
                 wars: npt.NDArray[np.integer], names: list[str],
                 hegemony_share: float = 0.5) -> pd.DataFrame:
    """One row per world x recorded year with the engine's system columns (one region)."""
    return system_frame(worlds, years, normalize_shares(power), alive, wars, names,
                        hegemony_share)


def empty_alliances() -> pd.DataFrame:
    """An alliance table with no rows."""
    return pd.DataFrame({"world": np.zeros(0, np.int32), "year": np.zeros(0, np.int32),
                         "actor": np.zeros(0, np.int16), "ally": np.zeros(0, np.int16)})


def province_table(worlds: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
                   owners: npt.NDArray[np.integer] | None) -> pd.DataFrame:
    """Owner of every province per recorded year, (T, M, P) owners (None: no rows)."""
    if owners is None:
        return pd.DataFrame({"world": np.zeros(0, np.int32), "year": np.zeros(0, np.int32),
                             "province": np.zeros(0, np.int32), "owner": np.zeros(0, np.int16)})
    t, m, p = owners.shape
    return pd.DataFrame({
        "world": np.repeat(worlds[:m], t * p).astype(np.int32),
        "year": np.tile(np.repeat(years, p), m).astype(np.int32),
        "province": np.tile(np.arange(p), t * m).astype(np.int32),
        "owner": np.swapaxes(owners, 0, 1).reshape(-1).astype(np.int16),
    })


def static_map(ids: list[str], coords: npt.NDArray[np.float64], value: npt.NDArray[np.float64],
               links: npt.NDArray[np.int64], capital_of: dict[int, str]) -> tuple[pd.DataFrame,
                                                                                  pd.DataFrame]:
    """The ``map`` and ``links`` tables."""
    provinces = pd.DataFrame({
        "province": np.arange(len(ids), dtype=np.int32), "id": ids, "x": coords[:, 0],
        "y": coords[:, 1], "value": value, "lon": np.nan, "lat": np.nan,
        "initial_capital_of": [capital_of.get(q, "") for q in range(len(ids))],
    })
    link = pd.DataFrame({"a": links[:, 0], "b": links[:, 1], "kind": "land", "cost": 1.0})
    return provinces, link


def manifest(preset: str, description: str, params: dict[str, Any], seed: int, worlds: int,
             first_world: int, turns: int, every: int, names: list[str], started: float,
             sim_seconds: float) -> dict[str, Any]:
    """A run manifest like the engine's (``scenario`` names the preset)."""
    from powerbalance import __version__

    return {
        "scenario": {"name": preset, "origin": f"preset:{preset}", "description": description,
                     "sources": [], "actors": names},
        "preset": preset,
        "params": params,
        "overrides": {},
        "seed": seed, "worlds": worlds, "first_world": first_world, "years": turns,
        "record_every": every, "record": "full", "version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "timings": {"simulate_seconds": sim_seconds, "total_seconds": time.time() - started},
    }


def result(**frames: Any) -> RunResult:
    """A :class:`RunResult` from the tables and manifest."""
    return RunResult(**frames)
