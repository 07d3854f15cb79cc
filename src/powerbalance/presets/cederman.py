"""Cederman (1994; *Emergent Actors in World Politics*, 1997, ch. 4): emergent polarity.

A batch of B worlds, each a ``rows x cols`` grid (10 x 10 by default) of
provinces that start as as many one-province states. A state's resources are
the sum of its provinces' (equal) production; a state with k hostile fronts
(neighbouring states it is at war with, or that attack it) spreads its
defence over them. Each step, synchronously in every world:

1. **Decisions.** A *predatory* state (a share ``predators`` of the states,
   drawn per world) that is not already attacking picks, with probability
   ``attack_probability``, its weakest neighbouring state and attacks it.
   Status-quo states never attack.
2. **Battles.** On each front the attacker concentrates ``concentration`` of
   its resources (the rest defends its other fronts); the defender holds
   its resources divided by its number of fronts, plus, with ``alliances``,
   the front share of every status-quo neighbour of the defender that also
   borders the attacker (a defensive alliance of the threatened). The
   attacker takes the defender's frontier province facing it when its local
   strength, times a noise factor ``N(1, noise)``, exceeds ``superiority``
   times the defence: 2 is *offence dominance*, 3 *defence dominance*.
3. **Conquest.** A state whose capital falls dies and all its provinces pass
   to the conqueror; otherwise the province changes hands. Each province is
   taken by at most one attacker per step (the strongest local ratio).
4. **War ends** when the target dies or with probability ``peace_probability``.

The report is the distribution of polarity classes after ``steps`` steps
(1,000 by default): 1, 2, 3-10 and more than 10 surviving states
(:func:`powerbalance.analysis.cederman_class`).

Compare with Cederman (1997), ch. 4, figures 4.5-4.7 (polarity outcomes as
the share of predators, offence dominance and alliances vary): more
predators and offence dominance push the system towards uni- and bipolarity;
defence dominance and alliances keep it multipolar or fragmented.
Departures from the original: one province per state at the start and
equal production (the original has a resource-accumulation and tax model);
a single front allocation rule (``concentration``) instead of the original's
adaptive reallocation; wars end stochastically; no state-internal dynamics.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance import rng
from powerbalance.analysis import CEDERMAN_NAMES, cederman_class
from powerbalance.errors import InputError
from powerbalance.experiments.results import RunResult
from powerbalance.model.events import EventKind
from powerbalance.model.geography import square_grid
from powerbalance.presets import batch_progress
from powerbalance.presets.params import PresetParams

_S_INIT, _S_STEP = 211, 212


@dataclass(frozen=True)
class CedermanParams(PresetParams):
    """Parameters of the Cederman emergent-polarity preset."""

    rows: int = 10
    """Grid rows."""
    cols: int = 10
    """Grid columns."""
    steps: int = 1000
    """Steps per run."""
    predators: float = 0.3
    """Share of predatory states (drawn per world)."""
    superiority: float = 2.0
    """Local superiority ratio needed to take a province (2 offence, 3 defence dominance)."""
    concentration: float = 0.5
    """Share of its resources an attacker commits to the front it attacks."""
    attack_probability: float = 0.1
    """Probability per step that an idle predator starts a war."""
    peace_probability: float = 0.05
    """Probability per step that an ongoing war ends."""
    noise: float = 0.1
    """Standard deviation of the battle noise factor N(1, noise)."""
    alliances: bool = False
    """Status-quo neighbours of a victim that also border the attacker help defend it."""

    def checks(self) -> list[tuple[str, bool, str]]:
        """(field, whether its value is allowed, the allowed range in words)."""
        return [
            ("rows", 1 <= self.rows <= 200, "1 to 200"),
            ("cols", 2 <= self.cols <= 200, "2 to 200"),
            ("steps", 1 <= self.steps <= 1_000_000, "1 to 1000000"),
            ("predators", 0 <= self.predators <= 1, "0 to 1"),
            ("superiority", self.superiority > 0, "> 0"),
            ("concentration", 0 < self.concentration <= 1, "0 to 1"),
            ("attack_probability", 0 <= self.attack_probability <= 1, "0 to 1"),
            ("peace_probability", 0 <= self.peace_probability <= 1, "0 to 1"),
            ("noise", 0 <= self.noise <= 1, "0 to 1"),
        ]


@dataclass
class CedState:
    """State of a batch of worlds; states are indexed by their initial province."""

    step: int
    keys: rng.U64
    owner: npt.NDArray[np.int64]
    """(B, P) owning state of each province."""
    alive: npt.NDArray[np.bool_]
    """(B, N) with N = P."""
    predator: npt.NDArray[np.bool_]
    war: npt.NDArray[np.int64]
    """(B, N) the state each state is attacking, -1 none."""


def _links(params: CedermanParams) -> npt.NDArray[np.int64]:
    return square_grid(params.rows, params.cols).land


def initial_state(params: CedermanParams, seed: int, worlds: npt.ArrayLike) -> CedState:
    """One state per province; predators drawn per world (counter-based)."""
    worlds = np.asarray(worlds, dtype=np.int64).reshape(-1)
    keys = rng.world_keys(seed, worlds)
    p = params.rows * params.cols
    u = rng.uniform(keys, 0, _S_INIT, (p,))
    b = len(worlds)
    return CedState(step=0, keys=keys, owner=np.broadcast_to(np.arange(p), (b, p)).copy(),
                    alive=np.ones((b, p), bool), predator=u < params.predators,
                    war=np.full((b, p), -1, np.int64))


def step(state: CedState, params: CedermanParams,
         links: npt.NDArray[np.int64]) -> tuple[CedState, dict[str, npt.NDArray[Any]]]:
    """One synchronous step of every world (pure). Returns the new state and its events."""
    t = state.step + 1
    keys = state.keys
    b, p = state.owner.shape
    n = p
    rows = np.arange(b)[:, None]
    owner, alive, war = state.owner, state.alive, state.war.copy()
    u = rng.uniform(keys, t, _S_STEP, (3 * n,))
    u_attack, u_peace, u_tie = u[:, :n], u[:, n:2 * n], u[:, 2 * n:3 * n]
    z = rng.normal(keys, t, _S_STEP, (2 * len(links),), sub=1)
    resources = np.zeros((b, n))
    np.add.at(resources, (np.broadcast_to(rows, owner.shape), owner), 1.0)
    # State adjacency from province links (both directions).
    la, lb = owner[:, links[:, 0]], owner[:, links[:, 1]]
    border = la != lb
    adj = np.zeros((b, n, n), bool)
    bw, e = np.nonzero(border)
    adj[bw, la[bw, e], lb[bw, e]] = True
    adj[bw, lb[bw, e], la[bw, e]] = True
    # 4. wars end (target dead, no longer a neighbour, or peace)
    tgt = np.maximum(war, 0)
    ongoing = (war >= 0) & alive & alive[rows, tgt] & adj[rows, np.arange(n)[None, :], tgt]
    war = np.where(ongoing & (u_peace >= params.peace_probability), war, -1)
    # 1. idle predators pick the weakest neighbour (ties by a random key)
    idle = alive & state.predator & (war < 0) & (u_attack < params.attack_probability)
    score = np.where(adj, resources[:, None, :] + 0.5 * u_tie[:, None, :], np.inf)
    weakest = np.argmin(score, axis=2)
    has = adj.any(axis=2)
    war = np.where(idle & has, weakest, war)
    # Fronts: each state's number of hostile neighbours (attacking it or attacked by it).
    hostile = np.zeros((b, n, n), bool)
    aw, ai = np.nonzero(war >= 0)
    hostile[aw, ai, war[aw, ai]] = True
    hostile |= hostile.transpose(0, 2, 1)
    fronts = np.maximum(hostile.sum(axis=2), 1)
    # 2. battles on province links facing an attacker and its target
    events: dict[str, list[np.ndarray]] = {"conquest": [], "death": []}
    a_dir = np.concatenate([la, lb], axis=1)       # attacker side of each directed link
    d_dir = np.concatenate([lb, la], axis=1)
    prov_d = np.broadcast_to(np.concatenate([links[:, 1], links[:, 0]]), a_dir.shape)
    attacking = (war[rows, a_dir] == d_dir) & (a_dir != d_dir)
    cw, ce = np.nonzero(attacking)
    new_owner = owner.copy()
    new_alive = alive.copy()
    if len(cw):
        att, dfd = a_dir[cw, ce], d_dir[cw, ce]
        # the attacker concentrates on this front unless it is its only one
        a_local = resources[cw, att] * np.where(fronts[cw, att] > 1, params.concentration, 1.0)
        d_local = resources[cw, dfd] / fronts[cw, dfd]
        if params.alliances:
            helpers = adj[cw, dfd] & adj[cw, att] & ~state.predator[cw] & alive[cw]
            helpers[np.arange(len(cw)), att] = False
            helpers[np.arange(len(cw)), dfd] = False
            d_local = d_local + (helpers * (resources[cw] / fronts[cw])).sum(axis=1)
        noise = np.maximum(1.0 + params.noise * z[cw, ce], 0.05)
        ratio = a_local * noise / np.maximum(d_local, 1e-12)
        win = ratio > params.superiority
        cw, ce, att, dfd, ratio = cw[win], ce[win], att[win], dfd[win], ratio[win]
        prov = prov_d[cw, ce]
        # one attacker per province: the strongest ratio (then the lowest attacker index)
        order = np.lexsort((att, -ratio, prov, cw))
        cw, prov, att, dfd = cw[order], prov[order], att[order], dfd[order]
        first = np.ones(len(cw), bool)
        first[1:] = (cw[1:] != cw[:-1]) | (prov[1:] != prov[:-1])
        cw, prov, att, dfd = cw[first], prov[first], att[first], dfd[first]
        new_owner[cw, prov] = att
        events["conquest"].append(np.column_stack([cw, att, dfd]))
        # 3. a fallen capital (the state's initial province) kills the state
        fallen = prov == dfd
        if fallen.any():
            fw, fa, fd = cw[fallen], att[fallen], dfd[fallen]
            # the provinces of the dead pass to the captor (relabelling; chains in the same
            # step resolve by applying the map until it is stable)
            relabel = np.broadcast_to(np.arange(n), (b, n)).copy()
            relabel[fw, fd] = fa
            for _ in range(n):
                nxt = relabel[rows, relabel]
                if np.array_equal(nxt, relabel):
                    break
                relabel = nxt
            new_owner = relabel[rows, new_owner]
            new_alive[fw, fd] = False
            events["death"].append(np.column_stack([fw, fd, fa]))
    counts = np.zeros((b, n))
    np.add.at(counts, (np.broadcast_to(rows, new_owner.shape), new_owner), 1.0)
    alive_now = new_alive & (counts > 0)
    war = np.where(alive_now, war, -1)
    out = {k: (np.concatenate(v) if v else np.zeros((0, 3), np.int64)) for k, v in events.items()}
    return CedState(step=t, keys=keys, owner=new_owner, alive=alive_now,
                    predator=state.predator, war=war), out


@dataclass
class CedRun:
    """Recorded arrays of a batch of worlds (steps on the first axis, every ``every``)."""

    worlds: npt.NDArray[np.int64]
    steps: npt.NDArray[np.int64]
    """Recorded steps."""
    territory: npt.NDArray[np.int16]
    """(T, B, N) provinces held."""
    wars: npt.NDArray[np.int32]
    """(T, B) wars under way."""
    owners: npt.NDArray[np.int16]
    """(T, M, P) province owners of the first ``M`` worlds."""
    events: npt.NDArray[np.int64]
    """(E, 5): step, world position, kind (EventKind), actor, other."""
    predator: npt.NDArray[np.bool_]
    seconds: float
    params: CedermanParams


def simulate(params: CedermanParams, seed: int, worlds: npt.ArrayLike,
             steps: int | None = None, every: int = 10, map_worlds: int = 1,
             progress: Callable[[int], None] | None = None) -> CedRun:
    """Run the given global world indices for ``steps`` steps in one batch.

    ``progress`` is called with the number of steps done after each step.
    """
    params.validate()
    steps = params.steps if steps is None else steps
    links = _links(params)
    state = initial_state(params, seed, worlds)
    b, n = state.alive.shape
    rec = np.unique(np.r_[np.arange(0, steps + 1, max(every, 1)), steps])
    territory = np.zeros((len(rec), b, n), np.int16)
    wars = np.zeros((len(rec), b), np.int32)
    m = min(map_worlds, b)
    owners = np.zeros((len(rec), m, n), np.int16)
    events: list[np.ndarray] = []
    rows = np.arange(b)[:, None]
    start = time.perf_counter()

    def store(k: int, s: CedState) -> None:
        counts = np.zeros((b, n), np.int16)
        np.add.at(counts, (np.broadcast_to(rows, s.owner.shape), s.owner), 1)
        territory[k] = counts
        wars[k] = (s.war >= 0).sum(axis=1)
        owners[k] = s.owner[:m]

    store(0, state)
    k = 1
    for t in range(1, steps + 1):
        state, ev = step(state, params, links)
        if progress is not None:
            progress(t)
        for kind, arr in ((EventKind.CONQUEST, ev["conquest"]), (EventKind.DEATH, ev["death"])):
            if len(arr):
                events.append(np.column_stack([np.full(len(arr), t), arr[:, 0],
                                               np.full(len(arr), int(kind)), arr[:, 1:3]]))
        if k < len(rec) and rec[k] == t:
            store(k, state)
            k += 1
    return CedRun(worlds=np.asarray(worlds, dtype=np.int64).reshape(-1), steps=rec,
                  territory=territory, wars=wars, owners=owners,
                  events=np.concatenate(events) if events else np.zeros((0, 5), np.int64),
                  predator=state.predator, seconds=time.perf_counter() - start, params=params)


DESCRIPTION = ("Cederman (1997), Emergent Actors, ch. 4: a 10 x 10 grid of states, predators "
               "and status-quo states, offence or defence dominance, optional alliances.")


def summary(run: CedRun) -> dict[str, Any]:
    """Distribution of polarity classes at the last step (1, 2, 3-10, >10 survivors)."""
    final = run.territory[-1].astype(np.float64)
    code = cederman_class(final)
    b = len(run.worlds)
    dist = {name: float((code == i).sum() / b) for i, name in enumerate(CEDERMAN_NAMES)}
    return {"polarity": dist, "survivors": float((final > 0).sum(axis=1).mean()),
            "worlds": b, "steps": int(run.steps[-1])}


def tables(run: CedRun, seed: int, started: float | None = None) -> RunResult:
    """The run's tables (engine layout; wealth = military = provinces held)."""
    from powerbalance.experiments.tables import events_frame
    from powerbalance.presets import tables as pt

    started = time.time() if started is None else started
    p = run.params
    n = p.rows * p.cols
    names = [f"C{r}_{c}" for r in range(p.rows) for c in range(p.cols)]
    strategy = ["predator" if x else "status-quo" for x in run.predator[0]] if len(
        run.worlds) == 1 else ["mixed"] * n
    power = run.territory.astype(np.float32)
    alive = run.territory > 0
    actors = pt.actor_table(run.worlds, run.steps, power, alive, run.territory, names, strategy)
    if len(run.worlds) > 1:  # each world's own predators
        pred = np.where(run.predator, "predator", "status-quo")
        per_row = np.repeat(pred[None], len(run.steps), axis=0)
        actors["strategy"] = pd_categorical(np.swapaxes(per_row, 0, 1).reshape(-1))
    system = pt.system_table(run.worlds, run.steps, power, alive, run.wars, names)
    e = run.events
    events = events_frame(world=run.worlds[e[:, 1]], year=e[:, 0], kind=e[:, 2],
                            actor=e[:, 3], other=e[:, 4], value=np.ones(len(e)), names=names)
    grid = square_grid(p.rows, p.cols)
    static, links = pt.static_map(names, grid.coords, grid.value, grid.land,
                                  dict(enumerate(names)))
    manifest = pt.manifest("cederman-polarity", DESCRIPTION, asdict(p), seed, len(run.worlds),
                           int(run.worlds[0]) if len(run.worlds) else 0, int(run.steps[-1]),
                           int(run.steps[1] - run.steps[0]) if len(run.steps) > 1 else 1,
                           names, started, run.seconds)
    return pt.result(actors=actors, system=system, events=events,
                     alliances=pt.empty_alliances(),
                     provinces=pt.province_table(run.worlds, run.steps, run.owners),
                     map=static, links=links, manifest=manifest)


def pd_categorical(values: npt.NDArray[Any]) -> Any:
    """A pandas categorical of string values."""
    import pandas as pd

    return pd.Categorical(values)


#: Bytes one world of a step allocates per (state, state) pair: the boolean adjacency and
#: the float64 target scores with their temporaries (measured, rounded up).
_PAIR_BYTES = 26


def _batch_that_fits(params: CedermanParams, batch_size: int) -> int:
    """The largest batch not above ``batch_size`` whose step fits in the memory budget
    (results do not depend on the batch size); refuse, in one line, a grid whose single
    world does not fit."""
    from powerbalance.model.state import format_bytes, memory_budget

    n = params.rows * params.cols
    per_world = _PAIR_BYTES * n * n
    budget = memory_budget()
    if per_world > budget:
        raise InputError(f"a {params.rows} x {params.cols} grid needs about "
                         f"{format_bytes(per_world)} per world and step", source="preset",
                         field="rows x cols",
                         allowed=f"at most {format_bytes(budget)}, 50% of the memory "
                                 "available now")
    return max(1, min(batch_size, budget // per_world))


def run(worlds: int = 1, seed: int = 0, steps: int | None = None,
        overrides: dict[str, Any] | None = None, every: int = 10, first_world: int = 0,
        batch_size: int = 200, progress: Callable[[int, int], None] | None = None
        ) -> tuple[RunResult, dict[str, Any]]:
    """Run the preset: (tables, summary). Results do not depend on ``batch_size``.

    ``progress`` is called with (steps done, total steps) over all batches.

    >>> result, summ = run(worlds=2, steps=20, seed=1, overrides={"rows": 4, "cols": 4})
    >>> summ["worlds"], int(result.system["year"].max())
    (2, 20)
    """
    started = time.time()
    params = CedermanParams().with_overrides(overrides)
    length = params.steps if steps is None else steps
    batch_size = _batch_that_fits(params, batch_size)
    starts = range(first_world, first_world + worlds, batch_size)
    parts = [simulate(params, seed, np.arange(lo, min(lo + batch_size, first_world + worlds)),
                      steps, every, progress=batch_progress(progress, k, len(starts), length))
             for k, lo in enumerate(starts)]
    if len(parts) == 1:
        cr = parts[0]
    else:
        offset = np.cumsum([0] + [len(x.worlds) for x in parts[:-1]])
        cr = CedRun(
            worlds=np.concatenate([x.worlds for x in parts]), steps=parts[0].steps,
            territory=np.concatenate([x.territory for x in parts], axis=1),
            wars=np.concatenate([x.wars for x in parts], axis=1), owners=parts[0].owners,
            events=np.concatenate([np.column_stack([x.events[:, 0], x.events[:, 1] + o,
                                                    x.events[:, 2:]])
                                   for x, o in zip(parts, offset, strict=True)]),
            predator=np.concatenate([x.predator for x in parts]),
            seconds=sum(x.seconds for x in parts), params=params)
    return tables(cr, seed, started), summary(cr)
