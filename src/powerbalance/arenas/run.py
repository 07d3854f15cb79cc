"""Run an arena over many worlds and keep its tables: one table format for every arena.

A run has a ``system`` table (one row per world and recorded year: the arena's system
metrics, with ``largest_share`` and the concentration measures every arena reports) and
an ``actors`` table (one row per world, year and actor: the arena's per-actor columns),
plus a manifest naming the arena, its options, its words, the seed and timings. Worlds
run in batches of global world indices; each world's random streams are keyed by its
global index (:func:`powerbalance.rng.world_keys`), so the tables do not depend on the
batch size. A run folder is written atomically by :func:`powerbalance.outputs.write_folder`.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.arenas import ArenaSpec, load
from powerbalance.rng import world_keys

#: What the tables keep: every year, or the start and the last year only.
RECORD_LEVELS = ("full", "system", "final")
#: Kind of the run folder (see :mod:`powerbalance.outputs`).
KIND = "arena-run"
#: Default batch: worlds per array program (memory grows with it, results do not).
DEFAULT_BATCH = 10_000


@dataclass
class ArenaRun:
    """The tables of an arena run and its manifest."""

    spec: ArenaSpec
    system: pd.DataFrame
    actors: pd.DataFrame
    manifest: dict[str, Any]

    def final(self) -> pd.DataFrame:
        """The system table at the last recorded year."""
        return self.system[self.system["year"] == self.system["year"].max()].reset_index(
            drop=True)

    def summary(self) -> list[tuple[str, str]]:
        """The arena's summary lines in its own words."""
        arena = self.spec.arena
        return arena.summary(self.system, self.actors, self.spec.params) if arena.summary else []

    def write_into(self, folder: Path) -> None:
        """Write ``system.parquet`` and ``actors.parquet`` into the empty ``folder``."""
        self.system.to_parquet(folder / "system.parquet", index=False)
        self.actors.to_parquet(folder / "actors.parquet", index=False)

    def write(self, folder: str | Path, force: bool = False) -> Path:
        """Write the tables and the manifest as one atomic folder output (an earlier arena
        run folder of ours is replaced only with ``force``)."""
        from powerbalance.outputs import write_folder

        return write_folder(folder, self.write_into, kind=KIND, manifest=self.manifest,
                            force=force)


def _system_frame(worlds: np.ndarray, years: list[int],
                  rows: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    b = len(worlds)
    cols: dict[str, Any] = {"world": np.tile(worlds, len(years)), "year": np.repeat(years, b)}
    for key in rows[0]:
        cols[key] = np.concatenate([m[key] for m in rows])
    return pd.DataFrame(cols)


def _actor_frame(spec: ArenaSpec, worlds: np.ndarray, years: list[int],
                 rows: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    b, t = len(worlds), len(years)
    n = next(iter(rows[0].values())).shape[1]
    cols: dict[str, Any] = {
        "world": np.tile(np.repeat(worlds, n), t), "year": np.repeat(years, b * n),
        "actor": np.tile(np.arange(n), b * t),
    }
    for key in rows[0]:
        cols[key] = np.concatenate([m[key].reshape(-1) for m in rows])
    frame = pd.DataFrame(cols)
    names = spec.arena.actor_names(spec.params)
    frame.insert(3, "name", pd.Categorical.from_codes(frame["actor"].to_numpy(), names))
    return frame


def simulate(spec: ArenaSpec | str, *, worlds: int, years: int | None = None, seed: int = 0,
             batch_size: int | None = None, record: str = "full", first_world: int = 0,
             progress: Callable[[int, int], None] | None = None) -> ArenaRun:
    """Run ``worlds`` worlds (global indices from ``first_world``) of an arena for ``years``
    years (default: the arena's) and return the tables, sorted by world and year."""
    spec = load(spec) if isinstance(spec, str) else spec
    arena, params = spec.arena, spec.params
    years = spec.default_years if years is None else years
    batch = DEFAULT_BATCH if batch_size is None else batch_size
    started = time.perf_counter()
    systems, actors = [], []
    index = np.arange(first_world, first_world + worlds)
    total = -(-worlds // batch) * years
    done = 0
    for lo in range(0, worlds, batch):
        ids = index[lo:lo + batch]
        keys = world_keys(seed, ids)
        state = arena.init(params, keys)
        sys_years: list[int] = []
        act_years: list[int] = []
        sys_rows, act_rows = [], []
        for year in range(years + 1):
            ends = year in (0, years)
            if ends or record != "final":
                s, a = arena.measure(state, params)
                sys_years.append(year)
                sys_rows.append(s)
                if ends or record == "full":
                    act_years.append(year)
                    act_rows.append(a)
            if year < years:
                state = arena.step(state, params, keys, year)
                done += 1
                if progress is not None:
                    progress(done, total)
        systems.append(_system_frame(ids, sys_years, sys_rows))
        actors.append(_actor_frame(spec, ids, act_years, act_rows))
    system = pd.concat(systems).sort_values(["world", "year"], kind="stable")
    system = system.reset_index(drop=True)
    actor = pd.concat(actors).sort_values(["world", "year", "actor"], kind="stable")
    actor = actor.reset_index(drop=True)
    if arena.finalize is not None:
        actor = arena.finalize(system, actor, params)
    from powerbalance import __version__

    manifest = {
        "arena": arena.name, "spec": spec.name, "options": spec.options,
        "words": arena.words.as_dict(), "seed": seed, "worlds": worlds, "years": years,
        "record": record, "first_world": first_world, "version": __version__,
        "python": platform.python_version(), "sources": list(arena.sources),
        "timings": {"simulate_seconds": time.perf_counter() - started},
    }
    return ArenaRun(spec=spec, system=system, actors=actor, manifest=manifest)


def load_arena_run(folder: str | Path) -> ArenaRun | None:
    """The arena run written to ``folder`` by :meth:`ArenaRun.write`, or None when the folder
    holds another kind of output (a scenario run, say)."""
    import json

    from powerbalance.experiments.results import read_parquet
    from powerbalance.outputs import folder_marker

    marker = folder_marker(folder)
    if marker is None or marker.get("kind") != KIND:
        return None
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    return ArenaRun(spec=load(str(manifest["spec"])),
                    system=read_parquet(Path(folder) / "system.parquet"),
                    actors=read_parquet(Path(folder) / "actors.parquet"), manifest=manifest)
