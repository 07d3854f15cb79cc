"""Running a scenario: a batch of worlds for some years, recorded as arrays.

:func:`simulate` is the loop over years around the pure
:func:`~powerbalance.model.step.step`. Worlds are simulated in chunks of
``batch_size`` (to bound memory); because every random stream depends only
on the master seed and the *global* world index, the result is bit-identical
whatever the chunking.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.model.derived import territory
from powerbalance.model.economy import capability_share
from powerbalance.model.events import Events
from powerbalance.model.state import Setting, WorldState, batch_bytes, check_memory
from powerbalance.model.step import step
from powerbalance.model.war import Campaigns
from powerbalance.params import Params
from powerbalance.scenarios.model import Scenario

RECORD_LEVELS = ("full", "system", "final")


@dataclass
class Trajectory:
    """Recorded arrays of a run, years on the first axis (year 0 = the start).

    Actor arrays are (T+1, B, N); ``alliance_pairs`` lists (year, world, i, j)
    for allied pairs i < j each year (kept as ``alliances``: a few bytes a pair); events
    carry their year.
    """

    worlds: npt.NDArray[np.int64]
    share: npt.NDArray[np.float32]
    wealth: npt.NDArray[np.float32]
    military: npt.NDArray[np.float32]
    territory: npt.NDArray[np.int16]
    alive: npt.NDArray[np.bool_]
    wars: npt.NDArray[np.int32]
    """(T+1, B) wars fought each year (0 at year 0)."""
    events: Events
    event_year: npt.NDArray[np.int32]
    alliances: list[tuple[int, npt.NDArray[Any]]]
    """(year, flat positions in the (B, N, N) alliance matrix of the allied pairs i < j),
    one entry per recorded year, positions ascending (so in world order)."""
    final_state: WorldState
    campaigns: Campaigns
    """Participants of every campaign (``start`` is the year the war began)."""
    campaign_year: npt.NDArray[np.int32]
    """(rows,) the year of each campaign row."""
    map_worlds: npt.NDArray[np.int64]
    """Global indices of the worlds whose province owners were recorded."""
    owners: npt.NDArray[np.int16]
    """(T+1, M, P) owner of each province in the recorded map worlds (-1 unowned)."""
    seconds: float = 0.0
    record: str = "full"
    norms: npt.NDArray[np.float32] | None = None
    """(T+1, B, 2) strength of each norm of the law of nations (None when ``Params.law`` is
    off; see :mod:`powerbalance.model.law`)."""

    @property
    def alliance_pairs(self) -> npt.NDArray[np.int32]:
        """(rows, 4) year, world (batch position), i and j of every allied pair i < j, year
        by year, each year in (world, i, j) order."""
        n = self.share.shape[2]
        parts = [np.column_stack([np.full(len(pos), year), pos // (n * n), pos // n % n,
                                  pos % n]).astype(np.int32) for year, pos in self.alliances]
        return np.concatenate(parts) if parts else np.zeros((0, 4), np.int32)

    def worlds_slice(self, lo: int, hi: int) -> Trajectory:
        """The trajectory of the batch positions ``lo:hi`` alone (actor arrays are views).

        The tables of a batch are the tables of its slices one after the other (every
        table is ordered by world first), so a run builds and writes them a slice at a
        time and never holds the tables of a whole batch.
        """
        hi = min(hi, len(self.worlds))
        ev, c = self.events, self.campaigns
        at_ev = (ev.world >= lo) & (ev.world < hi)
        at_c = (c.world >= lo) & (c.world < hi)
        n = self.share.shape[2]
        first, last = lo * n * n, hi * n * n
        alliances = [(year, pos[np.searchsorted(pos, first):np.searchsorted(pos, last)] - first)
                     for year, pos in self.alliances]
        worlds = self.worlds[lo:hi]
        at_map = np.isin(self.map_worlds, worlds)
        return Trajectory(
            worlds=worlds, share=self.share[:, lo:hi], wealth=self.wealth[:, lo:hi],
            military=self.military[:, lo:hi], territory=self.territory[:, lo:hi],
            alive=self.alive[:, lo:hi], wars=self.wars[:, lo:hi],
            events=Events(ev.world[at_ev] - lo, ev.kind[at_ev], ev.actor[at_ev],
                          ev.other[at_ev], ev.value[at_ev]),
            event_year=self.event_year[at_ev], alliances=alliances,
            final_state=self.final_state.select(np.arange(lo, hi)),
            campaigns=Campaigns(c.world[at_c] - lo, c.initiator[at_c], c.target[at_c],
                                c.start[at_c], c.actor[at_c], c.side[at_c],
                                c.committed[at_c], c.lost[at_c]),
            campaign_year=self.campaign_year[at_c], map_worlds=self.map_worlds[at_map],
            owners=self.owners[:, at_map], seconds=self.seconds, record=self.record,
            norms=None if self.norms is None else self.norms[:, lo:hi],
        )


def simulate(scenario: Scenario, params: Params, setting: Setting, seed: int,
             worlds: npt.ArrayLike, years: int, record: str = "full",
             progress: Callable[[int], None] | None = None,
             map_worlds: npt.ArrayLike = (), engine: str | None = None) -> Trajectory:
    """Simulate the given global world indices for ``years`` years in one batch.

    ``record``: ``full`` keeps every year; ``system`` the same (system tables
    are computed from it) but no alliance pairs; ``final`` only the start and
    the last year. ``map_worlds``: global indices of worlds whose province
    owners are recorded every recorded year (for maps and animations).
    ``progress`` is called with the number of years done. ``engine``: ``numpy`` or
    ``compiled`` (see :mod:`powerbalance.model.compiled`; the results are bit-identical);
    None: the setting's own (``Setting.engine``).
    """
    if record not in RECORD_LEVELS:
        raise ValueError(f"record must be one of {RECORD_LEVELS}")
    if engine is not None:
        setting = setting.with_engine(engine)
    worlds = np.asarray(worlds, dtype=np.int64).reshape(-1)
    keep_all = record != "final"
    slots = years + 1 if keep_all else 2
    n_map = int(np.isin(worlds, np.asarray(map_worlds, dtype=np.int64)).sum())
    check_memory(batch_bytes(len(worlds), len(scenario.actors), setting.n_provinces, slots,
                             n_map), f"{len(worlds)} worlds x {years} years at once",
                 source="run", field="batch_size", hint="fewer worlds per batch")
    state = scenario.initial_state(params, setting, seed, worlds)
    b, n = state.batch, state.n_actors
    traj: dict[str, Any] = {
        "share": np.zeros((slots, b, n), np.float32),
        "wealth": np.zeros((slots, b, n), np.float32),
        "military": np.zeros((slots, b, n), np.float32),
        "territory": np.zeros((slots, b, n), np.int16),
        "alive": np.zeros((slots, b, n), bool),
        "wars": np.zeros((slots, b), np.int32),
    }
    map_pos = np.flatnonzero(np.isin(worlds, np.asarray(map_worlds, dtype=np.int64)))
    owners = np.zeros((slots, len(map_pos), setting.n_provinces), np.int16)
    norms = np.zeros((slots, b, 2), np.float32) if params.law else None
    events: list[Events] = []
    event_years: list[np.ndarray] = []
    alliances: list[tuple[int, np.ndarray]] = []
    pair_dtype = np.int32 if b * n * n < 2**31 else np.int64
    campaigns: list[Campaigns] = []
    campaign_years: list[np.ndarray] = []
    upper = np.triu(np.ones((n, n), dtype=bool), 1)  # each pair once (built once a run)
    # The last recorded owners and alliances and what was derived from them: most years
    # leave them the same arrays (the state is immutable), so the same records.
    last: dict[str, Any] = {"owner": None, "alliance": None}
    start = time.perf_counter()

    def store(slot: int, s: WorldState, wars: np.ndarray | None) -> None:
        traj["share"][slot] = capability_share(s.wealth, s.military, s.alive, params)
        traj["wealth"][slot] = s.wealth
        traj["military"][slot] = s.military
        if s.owner is not last["owner"]:
            last["owner"], last["territory"] = s.owner, territory(s.owner, s.n_actors)
        traj["territory"][slot] = last["territory"]
        traj["alive"][slot] = s.alive
        owners[slot] = s.owner[map_pos]
        if norms is not None:
            norms[slot] = params.norm_start if s.norms is None else s.norms
        if wars is not None:
            traj["wars"][slot] = wars
        if record == "full":
            if s.alliance is not last["alliance"]:
                last["alliance"] = s.alliance
                last["allied"] = np.flatnonzero((s.alliance > 0) & upper).astype(pair_dtype)
            alliances.append((s.year, last["allied"]))

    store(0, state, None)
    for year in range(1, years + 1):
        state, rec = step(state, setting, params)
        if len(rec.events):
            events.append(rec.events)
            event_years.append(np.full(len(rec.events), year, np.int32))
        if len(rec.campaigns.world):
            campaigns.append(rec.campaigns)
            campaign_years.append(np.full(len(rec.campaigns.world), year, np.int32))
        if keep_all or year == years:
            store(year if keep_all else 1, state, rec.wars)
        if progress is not None:
            progress(year)
    ev = Events.concat(events)
    return Trajectory(
        worlds=worlds, events=ev,
        event_year=np.concatenate(event_years) if event_years else np.zeros(0, np.int32),
        alliances=alliances,
        final_state=state, campaigns=Campaigns.concat(campaigns),
        campaign_year=(np.concatenate(campaign_years) if campaign_years
                       else np.zeros(0, np.int32)),
        seconds=time.perf_counter() - start, record=record,
        map_worlds=worlds[map_pos], owners=owners, norms=norms, **traj,
    )
