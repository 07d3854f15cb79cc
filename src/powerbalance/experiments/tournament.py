"""Strategy tournaments over matched worlds, and evolutionary dynamics of strategy shares.

A **tournament** puts a list of S strategies into the actor seats of a
scenario in S *profiles* that rotate them (a Latin square): in profile k,
actor a plays strategy ``strategies[(a + k) mod S]``, so across the profiles
every seat plays every strategy exactly once (Axelrod 1984, *The Evolution of
Cooperation*, round robins; here seats differ in size and place, and the
rotation balances them). Every profile faces the **same worlds**: the same
global world indices under the same master seed, hence the same random
streams (common random numbers, which make the comparison of strategies
far more precise than independent samples). All profiles of a chunk of
worlds run as one array program.

For each strategy the table reports, over the actors that played it (alive
at the start), the **survival** rate, the mean **final share** of capability
(0 for the dead), the **wars** fought (as attacker, target or joining ally)
and their **cost** (military lost in wars), each with a 95% confidence
interval. Intervals treat the world as the unit (the entries of one world
are averaged first; worlds are independent): the Student t interval of the
mean over worlds.

The **evolutionary** option lets the shares x_s of strategies in a
population change by success over generations. Each generation simulates
the worlds with every actor's strategy drawn from x (per world and actor,
from a counter-based stream, so the draw is batch-invariant) and measures
each strategy's fitness f_s as the mean final share of its actors.

- ``replicator``: x_s ← x_s f_s / Σ_r x_r f_r (Taylor & Jonker 1978, "Evolutionary
  stable strategies and game dynamics", *Mathematical Biosciences* 40).
- ``moran``: a finite population of ``population`` individuals; each
  generation has ``population`` birth-death events, the parent drawn in
  proportion to count × fitness, the one replaced uniformly (Moran 1958;
  Nowak et al. 2004, "Emergence of cooperation and evolutionary stability in
  finite populations", *Nature* 428).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance import rng
from powerbalance.errors import InputError
from powerbalance.model.economy import capability_share
from powerbalance.model.events import EventKind
from powerbalance.model.state import Setting, WorldState
from powerbalance.model.step import step
from powerbalance.outputs import write_folder
from powerbalance.params import Params
from powerbalance.scenarios import Scenario, load
from powerbalance.strategies import registry

DYNAMICS = ("replicator", "moran")
METRICS = ("survival", "final_share", "wars", "war_cost")


@dataclass
class TournamentResult:
    """Tables of a tournament: per strategy, per entry, and per generation."""

    table: pd.DataFrame
    """One row per strategy: entries, and mean, ci_low, ci_high of each metric."""
    entries: pd.DataFrame
    """One row per profile x world x actor seat (alive at the start)."""
    evolution: pd.DataFrame
    """One row per generation x strategy: share, fitness (empty without ``evolve``)."""
    manifest: dict[str, Any] = field(default_factory=dict)

    def long(self) -> pd.DataFrame:
        """The table as (strategy, metric, mean, lo, hi) rows, for ``viz.tournament_plot``."""
        rows = []
        for rec in self.table.to_dict("records"):
            for metric in METRICS:
                rows.append({"strategy": rec["strategy"], "metric": metric,
                             "mean": rec[metric], "lo": rec[f"{metric}_lo"],
                             "hi": rec[f"{metric}_hi"]})
        return pd.DataFrame(rows)

    def write(self, folder: str | Path, force: bool = False) -> Path:
        """Write ``tournament.parquet``, ``entries.parquet``, ``evolution.parquet`` and
        ``manifest.json`` atomically into ``folder`` (an earlier tournament folder of ours
        is replaced only with ``force``; see :mod:`powerbalance.outputs`)."""
        def fill(tmp: Path) -> None:
            self.table.to_parquet(tmp / "tournament.parquet", index=False)
            self.entries.to_parquet(tmp / "entries.parquet", index=False)
            self.evolution.to_parquet(tmp / "evolution.parquet", index=False)

        return write_folder(folder, fill, kind="tournament", manifest=self.manifest,
                            force=force)


@dataclass
class _Outcome:
    """Per row (world of a profile) and actor: what a tournament measures."""

    alive0: npt.NDArray[np.bool_]
    alive: npt.NDArray[np.bool_]
    share: npt.NDArray[np.float64]
    wars: npt.NDArray[np.int64]
    cost: npt.NDArray[np.float64]


def play(scenario: Scenario, params: Params, setting: Setting, state: WorldState,
         years: int, progress: Callable[[int], None] | None = None) -> _Outcome:
    """Simulate a prepared batch for ``years``; count wars and their cost per actor."""
    b, n = state.batch, state.n_actors
    alive0 = state.alive.copy()
    wars = np.zeros(b * n, dtype=np.int64)
    cost = np.zeros((b, n))
    fought = (int(EventKind.WAR_WON), int(EventKind.WAR_LOST))
    for year in range(years):
        state, rec = step(state, setting, params)
        ev = rec.events
        war = np.isin(ev.kind, fought)
        joined = ev.kind == EventKind.WAR_JOINED
        idx = np.concatenate([ev.world[war] * n + ev.actor[war], ev.world[war] * n + ev.other[war],
                              ev.world[joined] * n + ev.actor[joined]])
        if len(idx):
            wars += np.bincount(idx, minlength=b * n)
        cost += rec.war_losses
        if progress is not None:
            progress(year + 1)
    share = capability_share(state.wealth, state.military, state.alive, params)
    return _Outcome(alive0, state.alive.copy(), np.where(state.alive, share, 0.0),
                    wars.reshape(b, n), cost)


def _check(scenario: str | Scenario, strategies: list[str], worlds: int, years: int | None,
           seed: int) -> tuple[Scenario, int]:
    scen = scenario if isinstance(scenario, Scenario) else load(scenario)
    if not strategies:
        raise InputError("no strategies", source="--strategies", field="strategies",
                         allowed=", ".join(registry.names()))
    for name in strategies:
        registry.get(name, "--strategies")
    if len(set(strategies)) != len(strategies):
        raise InputError("a strategy is named twice", source="--strategies",
                         field="strategies", allowed="distinct names")
    if not isinstance(worlds, int) or worlds < 1:
        raise InputError(f"{worlds!r}", source="--worlds", field="worlds", allowed=">= 1")
    if not isinstance(seed, int) or seed < 0:
        raise InputError(f"{seed!r}", source="--seed", field="seed", allowed=">= 0")
    years = scen.years if years is None else years
    if not isinstance(years, int) or years < 1:
        raise InputError(f"{years!r}", source="--years", field="years", allowed=">= 1")
    return scen, years


def profiles(strategies: list[str], n_actors: int) -> npt.NDArray[np.int16]:
    """(S, N) registry ids: profile k gives actor a ``strategies[(a + k) mod S]``.

    >>> profiles(["status-quo", "balker"], 3).tolist() == [
    ...     [registry.id_of(s) for s in ("status-quo", "balker", "status-quo")],
    ...     [registry.id_of(s) for s in ("balker", "status-quo", "balker")]]
    True
    """
    ids = np.array([registry.id_of(s) for s in strategies], dtype=np.int16)
    s = len(ids)
    k = np.arange(s)[:, None]
    a = np.arange(n_actors)[None, :]
    return ids[(a + k) % s]


def _ci(per_world: pd.DataFrame, column: str) -> tuple[float, float, float]:
    """Mean over worlds with its 95% t interval; one world gives [mean, mean]."""
    from powerbalance.experiments.stats import mean_ci  # the one statistics module

    m, lo, hi = mean_ci(per_world[column].to_numpy(dtype=np.float64))
    return (m, m, m) if len(per_world) < 2 else (m, lo, hi)


def summarise(entries: pd.DataFrame) -> pd.DataFrame:
    """Per strategy: entries, and each metric's mean and 95% interval (worlds as units)."""
    rows = []
    for strategy, frame in entries.groupby("strategy", observed=True, sort=True):
        per_world = frame.groupby("world")[list(METRICS)].mean()
        row: dict[str, Any] = {"strategy": str(strategy), "entries": len(frame)}
        for metric in METRICS:
            m, lo, hi = _ci(per_world, metric)
            row[metric], row[f"{metric}_lo"], row[f"{metric}_hi"] = m, lo, hi
        rows.append(row)
    return pd.DataFrame(rows)


def tournament(
    scenario: str | Scenario,
    strategies: list[str],
    *,
    worlds: int = 100,
    seed: int = 0,
    years: int | None = None,
    overrides: dict[str, Any] | None = None,
    evolve: int = 0,
    dynamics: str = "replicator",
    population: int = 100,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> TournamentResult:
    """Run a tournament of ``strategies`` on ``worlds`` matched worlds of a scenario.

    See the module docstring for the design. ``evolve`` > 0 adds that many
    generations of evolutionary ``dynamics`` (``replicator`` or ``moran``,
    the latter with a population of ``population``). ``progress`` is called
    with (steps done, total steps).

    >>> r = tournament("warring-states", ["status-quo", "hegemon-seeker"], worlds=4,
    ...                years=5, seed=1)
    >>> sorted(r.table["strategy"])
    ['hegemon-seeker', 'status-quo']
    >>> bool(((r.table["survival"] >= 0) & (r.table["survival"] <= 1)).all())
    True
    """
    scen, years = _check(scenario, strategies, worlds, years, seed)
    if dynamics not in DYNAMICS:
        raise InputError(f"unknown dynamics {dynamics!r}", source="--dynamics",
                         field="dynamics", allowed=" | ".join(DYNAMICS))
    if not isinstance(evolve, int) or evolve < 0:
        raise InputError(f"{evolve!r}", source="--evolve", field="evolve", allowed=">= 0")
    if population < 2:
        raise InputError(f"{population}", source="--population", field="population",
                         allowed=">= 2")
    if batch_size < 1:
        raise InputError(f"{batch_size}", source="--batch-size", field="batch_size",
                         allowed=">= 1")
    params = scen.make_params(overrides)
    setting = scen.setting(params)
    n = len(scen.actors)
    prof = profiles(strategies, n)
    s = len(strategies)
    started = time.perf_counter()
    per_chunk = max(1, batch_size // s)
    chunks = list(range(0, worlds, per_chunk))
    total = len(chunks) * years + evolve * len(range(0, worlds, batch_size)) * years
    done = 0

    def tick(k: int) -> None:
        if progress is not None:
            progress(done + k, total)

    tick(0)  # the total, before the first year is simulated
    parts = []
    for lo in chunks:
        ids = np.arange(lo, min(lo + per_chunk, worlds))
        base = scen.initial_state(params, setting, seed, ids)
        rows = np.tile(np.arange(len(ids)), s)
        state = base.select(rows)
        state = state.replace(strategy=np.repeat(prof, len(ids), axis=0))
        out = play(scen, params, setting, state, years, tick)
        done += years
        profile = np.repeat(np.arange(s), len(ids))
        parts.append(_entries(out, state.strategy, ids[rows], profile, scen))
    entries = pd.concat(parts, ignore_index=True)
    table = summarise(entries)

    evolution = pd.DataFrame(columns=["generation", "strategy", "share", "fitness"])
    if evolve:
        evolution, done = _evolve(scen, params, setting, strategies, worlds, seed, years,
                                  evolve, dynamics, population, batch_size, done, total,
                                  progress)
    manifest = {
        "scenario": {"name": scen.name, "origin": scen.origin, "actors": list(scen.names)},
        "strategies": strategies, "worlds": worlds, "seed": seed, "years": years,
        "profiles": [[registry.names_by_id()[int(x)] for x in row] for row in prof],
        "overrides": overrides or {}, "evolve": evolve, "dynamics": dynamics,
        "population": population, "seconds": time.perf_counter() - started,
    }
    return TournamentResult(table=table, entries=entries, evolution=evolution,
                            manifest=manifest)


def _entries(out: _Outcome, strategy: np.ndarray, worlds: np.ndarray, profile: np.ndarray,
             scen: Scenario) -> pd.DataFrame:
    """One row per (row, actor) alive at the start."""
    r, a = np.nonzero(out.alive0)
    names = registry.names_by_id()
    return pd.DataFrame({
        "profile": profile[r].astype(np.int16),
        "world": worlds[r].astype(np.int32),
        "actor": a.astype(np.int16),
        "name": pd.Categorical.from_codes(a, categories=list(scen.names)),
        "strategy": pd.Categorical.from_codes(strategy[r, a].astype(np.int64), categories=names),
        "survival": out.alive[r, a].astype(np.float64),
        "final_share": out.share[r, a],
        "wars": out.wars[r, a].astype(np.int32),
        "war_cost": out.cost[r, a],
    })


def _evolve(scen: Scenario, params: Params, setting: Setting, strategies: list[str],
            worlds: int, seed: int, years: int, generations: int, dynamics: str,
            population: int, batch_size: int, done: int, total: int,
            progress: Callable[[int, int], None] | None) -> tuple[pd.DataFrame, int]:
    """Generations of replicator or Moran dynamics over the strategies' shares."""
    ids = np.array([registry.id_of(name) for name in strategies], dtype=np.int16)
    s = len(ids)
    counts = np.full(s, population // s)
    counts[: population - counts.sum()] += 1
    x = counts / population if dynamics == "moran" else np.full(s, 1.0 / s)
    pop_key = rng.world_keys(seed, [2**40])  # a key of its own, apart from the worlds'
    rows = []
    n = len(scen.actors)
    for gen in range(generations):
        fitness_sum = np.zeros(s)
        fitness_n = np.zeros(s)
        for lo in range(0, worlds, batch_size):
            wid = np.arange(lo, min(lo + batch_size, worlds))
            state = scen.initial_state(params, setting, seed, wid)
            u = rng.uniform(state.keys, gen, rng.Stream.EVOLUTION, (n,))
            cum = np.cumsum(x)
            pick = np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), s - 1)
            state = state.replace(strategy=ids[pick])

            def tick(k: int, base: int = done) -> None:
                if progress is not None:
                    progress(base + k, total)

            out = play(scen, params, setting, state, years, tick)
            done += years
            live = out.alive0
            fitness_sum += np.bincount(pick[live], weights=out.share[live], minlength=s)
            fitness_n += np.bincount(pick[live], minlength=s)
        fitness = np.divide(fitness_sum, fitness_n, out=np.zeros(s), where=fitness_n > 0)
        for k in range(s):
            rows.append({"generation": gen, "strategy": strategies[k], "share": x[k],
                         "fitness": fitness[k], "entries": int(fitness_n[k])})
        if dynamics == "replicator":
            mean = float((x * fitness).sum())
            x = x * fitness / mean if mean > 0 else x
        else:
            u = rng.uniform(pop_key, gen, rng.Stream.EVOLUTION, (2 * population,), sub=1)[0]
            for e in range(population):
                w = counts * fitness
                w = w if w.sum() > 0 else counts.astype(float)
                cw = np.cumsum(w)
                parent = min(int(np.searchsorted(cw, u[2 * e] * cw[-1], side="right")), s - 1)
                cc = np.cumsum(counts)
                dead = min(int(np.searchsorted(cc, u[2 * e + 1] * cc[-1], side="right")), s - 1)
                counts[parent] += 1
                counts[dead] -= 1
            x = counts / population
    for k in range(s):
        rows.append({"generation": generations, "strategy": strategies[k], "share": x[k],
                     "fitness": float("nan"), "entries": 0})
    return pd.DataFrame(rows), done
