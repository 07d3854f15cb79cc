"""Outcome tables of a sweep task, computed straight from the recorded arrays.

For a batch of replicates of one design point:

``summaries``
    one row per run: final live actors, unified (one actor left), hegemon ever
    and at the end, year of first hegemony (null if never), largest share,
    HHI, CON and effective number at the end, wars fought, total war size
    (forces lost in all wars), deaths.
``lifetimes``
    one row per run and actor: the year it died (``died``) or the last year
    (censored), for survival analysis.
``wars``
    one row per war: year, attacker, defender, size (forces lost by both
    sides), whether the attacker won; for war-size distributions.
``system``
    the per-year system table of :func:`powerbalance.experiments.tables.system_table`.

Every table carries ``point`` and ``replicate`` (= the global world index).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerbalance.experiments import tables
from powerbalance.experiments.runner import Trajectory
from powerbalance.experiments.stats import death_times
from powerbalance.model.events import EventKind
from powerbalance.model.state import Setting
from powerbalance.params import Params
from powerbalance.scenarios.model import Scenario

#: Per-run summary columns (besides point, replicate, world, seed).
SUMMARY_COLUMNS = ("final_live_actors", "unified", "hegemon_ever", "hegemon_end",
                   "first_hegemony_year", "largest_share_end", "hhi_end", "con_end",
                   "effective_number_end", "wars", "war_size_total", "deaths")


def summaries(traj: Trajectory, setting: Setting, params: Params, point: int,
              seed: int) -> pd.DataFrame:
    """One row per replicate of the batch (see the module docstring)."""
    b = len(traj.worlds)
    share = np.where(traj.alive, traj.share.astype(np.float64), 0.0)
    live = traj.alive.sum(axis=-1)
    hegemon = (share.max(axis=-1) >= params.hegemony_share) | (live == 1)  # (T+1, B)
    end = tables.system_metrics(traj.share[-1], traj.alive[-1], params.hegemony_share,
                               setting.region, params.regional_hegemony_share)
    ever = hegemon.any(axis=0)
    years = tables.record_years(traj, len(traj.share) - 1)
    first = pd.array(np.where(ever, years[hegemon.argmax(axis=0)], 0), dtype="Int32")
    first[~ever] = pd.NA
    ev = traj.events
    war = (ev.kind == EventKind.WAR_WON) | (ev.kind == EventKind.WAR_LOST)
    death = ev.kind == EventKind.DEATH
    return pd.DataFrame({
        "point": np.full(b, point, np.int32),
        "replicate": traj.worlds.astype(np.int64),
        "world": traj.worlds.astype(np.int64),
        "seed": np.full(b, seed, np.int64),
        "final_live_actors": live[-1].astype(np.int16),
        "unified": live[-1] == 1,
        "hegemon_ever": ever,
        "hegemon_end": hegemon[-1],
        "first_hegemony_year": first,
        "largest_share_end": end["largest_share"],
        "hhi_end": end["hhi"],
        "con_end": end["con"],
        "effective_number_end": end["effective_number"],
        "wars": traj.wars.sum(axis=0).astype(np.int32),
        "war_size_total": np.bincount(ev.world[war], weights=ev.value[war], minlength=b),
        "deaths": np.bincount(ev.world[death], minlength=b).astype(np.int16),
    })


def lifetimes(traj: Trajectory, scenario: Scenario, point: int) -> pd.DataFrame:
    """One row per replicate and actor: ``duration`` (years) and ``died``.

    Computed by :func:`powerbalance.experiments.stats.death_times`, as
    :func:`powerbalance.experiments.stats.lifetimes` does for a run's actors.
    """
    t, b, n = traj.alive.shape
    duration, died = death_times(traj.alive, tables.record_years(traj, t - 1))  # (B, N)
    a = scenario.actors
    return pd.DataFrame({
        "point": np.full(b * n, point, np.int32),
        "replicate": np.repeat(traj.worlds, n).astype(np.int64),
        "actor": np.tile(np.arange(n), b).astype(np.int16),
        "name": np.tile(np.array([x.name for x in a], dtype=object), b),
        "strategy": np.tile(np.array([x.strategy for x in a], dtype=object), b),
        "region": np.tile(np.array([x.region for x in a], dtype=object), b),
        "duration": duration.reshape(-1).astype(np.int32),
        "died": died.reshape(-1),
    })


def wars(traj: Trajectory, point: int) -> pd.DataFrame:
    """One row per war (sorted by replicate, year, attacker, defender)."""
    ev = traj.events
    sel = (ev.kind == EventKind.WAR_WON) | (ev.kind == EventKind.WAR_LOST)
    df = pd.DataFrame({
        "point": np.full(int(sel.sum()), point, np.int32),
        "replicate": traj.worlds[ev.world[sel]].astype(np.int64),
        "year": traj.event_year[sel].astype(np.int32),
        "attacker": ev.actor[sel].astype(np.int16),
        "defender": ev.other[sel].astype(np.int16),
        "size": ev.value[sel],
        "attacker_won": ev.kind[sel] == EventKind.WAR_WON,
    })
    return df.sort_values(["replicate", "year", "attacker", "defender"], kind="stable",
                          ignore_index=True)


def system(traj: Trajectory, scenario: Scenario, setting: Setting, params: Params,
           point: int) -> pd.DataFrame:
    """The per-year system table with ``point`` and ``replicate`` in front."""
    df = tables.system_table(traj, scenario, setting, params, len(traj.share) - 1)
    df = df.rename(columns={"world": "replicate"})
    df["replicate"] = df["replicate"].astype(np.int64)
    df.insert(0, "point", np.full(len(df), point, np.int32))
    return df.sort_values(["replicate", "year"], kind="stable", ignore_index=True)
