"""Cusack & Stoll (1990), *Exploring Realpolitik*: the REALPOLITIK model as a preset.

A batch of B worlds of N states (98 by default) on a random regular graph of
degree 8. Each state holds a single power stock. Each turn of each world:

1. **Protagonist.** One live state is drawn with probability proportional to
   its power (inverse CDF of the cumulative power with one counter-based
   uniform per world).
2. **Target.** It looks at its weakest live neighbour and attacks when its own
   noisy estimate favours it: ``P * e1 > T * e2`` with estimate errors
   ``e ~ N(1, noise)`` (``noise`` = 0.2 in the original).
3. **Coalitions.** The target, then the protagonist, seek allies among the
   protagonist's other neighbours, smallest first (the smallest winning
   coalition): each invitee joins when its own noisy estimate says the
   coalition, with it and the smaller invitees, beats the other side; the
   inviter stops at the first prefix it estimates to be winning.
4. **War.** The protagonist's side wins with probability
   ``v(A, D) = 1 / (1 + (D/A)^(1/width))``, a logistic function of the log
   power ratio, properly normalised: ``v(A, D) + v(D, A) = 1`` and
   ``v = 0.5`` at equal power for every width. Every participant loses
   ``C = (1 - (LSR - 0.5) / 0.5) * cost`` of its power (LSR = the larger
   side's share of both sides' power; ``cost`` = 0.25), the losers pay
   ``reparations`` (20%) of what remains to the winners (in proportion to
   the winners' power); with the *Versailles rule* the losing principal
   surrenders part of its power to the winning principal (by default the share
   equal to the winner's probability of victory; ``versailles_transfer``).
5. **Growth.** Every live state's power grows by a Cauchy(0.03, 0.05) draw
   (the ratio of two table normals) clipped to [-30%, +15%].
6. **Death.** A state below power 1 dies; its borders pass to its conqueror
   (the winning principal of the war it lost; none if it died of decline).

Vectorised over worlds: every per-world sequential choice (one protagonist
per turn, coalition prefixes) is an array operation over the batch, and every
random number is a pure function of (seed, global world index, turn, stream,
element), so world k of any batch is bit-identical to world k run alone.

Compare with Cusack & Stoll (1990), ch. 5-6: the survival of states over 500
turns (their figures of the number of surviving states per run) and the
share of runs ending in a universal empire (rare under the balance-of-power
rules with the noise of the original; common with the Versailles rule).
Departures from the original: the original processes coalition invitations
one state at a time with re-evaluation after each acceptance; here each
invitee assumes that the smaller invitees joined (one array pass); growth is
applied every turn to every state; the victory function's width replaces the
original's tabulated probabilities.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance import detmath, rng
from powerbalance.experiments.results import RunResult
from powerbalance.model.events import EventKind
from powerbalance.model.geography import random_regular
from powerbalance.presets import batch_progress
from powerbalance.presets.params import PresetParams

#: Readings of the Versailles rule (see :attr:`CusackStollParams.versailles_transfer`).
VERSAILLES_TRANSFERS = ("victory-probability", "whole", "loser-probability")

# Random streams of the preset (disjoint from the engine's Stream values).
_S_NOISE, _S_INIT = 202, 205


@dataclass(frozen=True)
class CusackStollParams(PresetParams):
    """Parameters of the Cusack-Stoll preset (defaults: the original's standard run)."""

    states: int = 98
    """Number of states."""
    degree: int = 8
    """Degree of the random regular graph of borders."""
    graph_seed: int = 0
    """Seed of the border graph (the same graph in every world)."""
    turns: int = 500
    """Turns per run."""
    power_mean: float = 10.0
    """Mean of the initial power, N(mean, sd) floored at 1."""
    power_sd: float = 3.33
    """Standard deviation of the initial power."""
    noise: float = 0.2
    """Standard deviation of estimate errors N(1, noise)."""
    width: float = 0.5
    """Width of the victory function (smaller = more decisive)."""
    cost: float = 0.25
    """War cost of an evenly matched war (share of power)."""
    reparations: float = 0.2
    """Share of the losers' power paid to the winners."""
    versailles: bool = False
    """The Versailles rule: the losing principal surrenders power to the winning principal."""
    versailles_transfer: str = "victory-probability"
    """How much it surrenders: ``victory-probability``, the share of its power equal to
    the winner's probability of victory (the reading of Horvath's 2020 reimplementation,
    github.com/benhorvath/statesim); ``whole``, all of it (this preset's first reading);
    ``loser-probability``, the share equal to the loser's own probability of victory
    (an exploratory reading). None reproduces both published figures
    (docs/presets.md)."""
    growth_location: float = 0.03
    """Location of the Cauchy growth rate per turn."""
    growth_scale: float = 0.05
    """Scale of the Cauchy growth rate per turn."""
    growth_min: float = -0.30
    """Lower clip of growth per turn."""
    growth_max: float = 0.15
    """Upper clip of growth per turn."""
    death_power: float = 1.0
    """A state below this power dies."""

    def checks(self) -> list[tuple[str, bool, str]]:
        """(field, whether its value is allowed, the allowed range in words)."""
        return [
            ("states", 3 <= self.states <= 5000, "3 to 5000"),
            ("degree", 1 <= self.degree < self.states and self.states * self.degree % 2 == 0,
             "1 to states-1, states x degree even"),
            ("turns", 1 <= self.turns <= 1_000_000, "1 to 1000000"),
            ("power_sd", self.power_sd >= 0, ">= 0"),
            ("noise", 0 <= self.noise <= 1, "0 to 1"),
            ("width", self.width > 0, "> 0"),
            ("cost", 0 <= self.cost <= 1, "0 to 1"),
            ("reparations", 0 <= self.reparations <= 1, "0 to 1"),
            ("growth_scale", self.growth_scale >= 0, ">= 0"),
            ("growth_min", -1 < self.growth_min <= self.growth_max, "> -1 and <= growth_max"),
            ("versailles_transfer", self.versailles_transfer in VERSAILLES_TRANSFERS,
             ", ".join(VERSAILLES_TRANSFERS)),
        ]


def victory(a: npt.ArrayLike, d: npt.ArrayLike, width: float) -> npt.NDArray[np.float64]:
    """Probability that power ``a`` beats power ``d``: a logistic function of log(a/d).

    ``1 / (1 + exp(-log(a/d) / width))``: 0.5 at equal power for every width,
    and ``victory(a, d) + victory(d, a) == 1``.

    >>> float(victory(5.0, 5.0, 0.1)), float(victory(5.0, 5.0, 3.0))
    (0.5, 0.5)
    >>> round(float(victory(2.0, 1.0, 0.5)), 3)
    0.8
    """
    a = np.asarray(a, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    m = 1.0 / width
    if m == round(m) and 1 <= m <= 8:  # integer exponent: exact products, no exp/log
        ak, dk = a.copy(), d.copy()
        for _ in range(int(m) - 1):
            ak, dk = ak * a, dk * d
        total = ak + dk
        return np.divide(ak, total, out=np.full_like(total, 0.5), where=total > 0)
    x = detmath.log(np.maximum(a, 1e-300) / np.maximum(d, 1e-300)) / width
    return np.asarray(1.0 / (1.0 + detmath.exp(-x)), dtype=np.float64)


@dataclass
class CSState:
    """State of a batch of Cusack-Stoll worlds (arrays with a leading batch axis)."""

    turn: int
    keys: rng.U64
    power: npt.NDArray[np.float64]
    """(B, N) power of each state (0 once dead)."""
    alive: npt.NDArray[np.bool_]
    adjacent: npt.NDArray[np.bool_]
    """(B, N, N) current borders (a dead state's borders pass to its conqueror)."""


@dataclass
class CSTurn:
    """What happened in one turn of every world (one entry per world)."""

    protagonist: npt.NDArray[np.int64]
    target: npt.NDArray[np.int64]
    """-1 where no war."""
    war: npt.NDArray[np.bool_]
    protagonist_won: npt.NDArray[np.bool_]
    attacker_side: npt.NDArray[np.bool_]
    """(B, N) members of the protagonist's side (where war)."""
    defender_side: npt.NDArray[np.bool_]
    died: npt.NDArray[np.bool_]
    """(B, N) states that died this turn."""
    conqueror: npt.NDArray[np.int64]
    """(B, N) who took a dead state's borders (-1 none)."""
    size: npt.NDArray[np.float64]
    """(B,) power lost in the war."""


def initial_state(params: CusackStollParams, seed: int, worlds: npt.ArrayLike) -> CSState:
    """Initial powers N(mean, sd) floored at 1 on the shared random regular graph."""
    worlds = np.asarray(worlds, dtype=np.int64).reshape(-1)
    keys = rng.world_keys(seed, worlds)
    n = params.states
    z = rng.normal(keys, 0, _S_INIT, (n,))
    power = np.maximum(params.power_mean + params.power_sd * z, 1.0)
    adj = _borders(n, params.degree, params.graph_seed)
    return CSState(turn=0, keys=keys, power=power, alive=np.ones_like(power, dtype=bool),
                   adjacent=np.broadcast_to(adj, (len(worlds), n, n)).copy())


@functools.lru_cache(maxsize=16)
def _borders(n: int, degree: int, graph_seed: int) -> npt.NDArray[np.bool_]:
    """The (n, n) borders of the shared random regular graph, read-only (a pure function of
    its arguments, drawn once a process: the drawing costs more than a batch's turns)."""
    graph = random_regular(n, degree, graph_seed)
    adj = np.zeros((n, n), dtype=bool)
    adj[graph.land[:, 0], graph.land[:, 1]] = True
    adj[graph.land[:, 1], graph.land[:, 0]] = True
    adj.flags.writeable = False
    return adj


def _coalition(cand: npt.NDArray[np.bool_], power: npt.NDArray[np.float64],
               own: npt.NDArray[np.float64], opponent: npt.NDArray[np.float64],
               e_self: npt.NDArray[np.float64], e_other: npt.NDArray[np.float64],
               e_lead: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Members joining a side of power ``own`` against ``opponent``, smallest first.

    Invitee k (in ascending power) joins when its estimate of the side with
    itself and all smaller candidates beats its estimate of the opponent; the
    inviter stops at the first joined prefix it estimates to be winning. The
    estimate factors ``e = 1 + noise * z`` (``e_self``, ``e_other``: per invitee,
    indexed by its rank, i.i.d. draws; ``e_lead``: the inviter's two) multiply
    the powers as the estimating state sees them.
    """
    b, n = power.shape
    key = np.where(cand, power, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    r = np.arange(b)[:, None]
    sp = key[r, order]
    sc = sp < np.inf
    sp = np.where(sc, sp, 0.0)
    prefix = own[:, None] + np.cumsum(sp, axis=1)
    joins = sc & (prefix * e_self > opponent[:, None] * e_other)
    side = own[:, None] + np.cumsum(sp * joins, axis=1)
    winning = side * e_lead[:, :1] > (opponent * e_lead[:, 1])[:, None]
    stop = np.where(winning.any(axis=1), np.argmax(winning, axis=1), n - 1)
    keep = joins & (np.arange(n)[None, :] <= stop[:, None])
    out = np.zeros_like(cand)
    out[r, order] = keep
    return out


def _draws(keys: rng.U64, t: int, n: int) -> tuple[npt.NDArray[np.float64],
                                                    npt.NDArray[np.float64]]:
    """The turn's random numbers from one counter-based call: 2 uniforms and 6n+8 normals.

    Word 0 gives the two uniforms (32 bits each); the other words give four
    16-bit table normals each (as :func:`powerbalance.rng.normal`).
    """
    m = 6 * n + 8
    words = rng._bits(keys, t, _S_NOISE, 1 + (m + 3) // 4)
    halves = words[:, :1].astype("<u8").view("<u4")
    u = (halves.astype(np.float64) + 0.5) * (1.0 / 2**32)
    idx = words[:, 1:].astype("<u8").view("<u2")[:, :m]
    return u, rng._NORMAL_TABLE[idx]


def step(state: CSState, params: CusackStollParams) -> tuple[CSState, CSTurn]:
    """One turn of every world (pure: returns a new state).

    Dead states have power 0 and no borders, so masks by ``alive`` are implicit.
    """
    t = state.turn + 1
    keys, n = state.keys, params.states
    b = len(keys)
    rows = np.arange(b)
    power, alive, adj = state.power, state.alive, state.adjacent
    u, z = _draws(keys, t, n)
    g = z[:, 4 * n + 8:]
    e = 1.0 + params.noise * z[:, :4 * n + 8]  # estimate factors N(1, noise)
    # 1. protagonist in proportion to power
    cum = np.cumsum(power, axis=1)
    pick = np.argmax(cum > u[:, :1] * cum[:, -1:], axis=1)
    # 2. weakest neighbour, attacked when the protagonist's estimate favours it
    nb = adj[rows, pick]
    target = np.argmin(np.where(nb, power, np.inf), axis=1)
    p_pow, t_pow = power[rows, pick], power[rows, target]
    war = nb[rows, target] & (p_pow * e[:, 0] > t_pow * e[:, 1])
    if not war.any():
        return _quiet_turn(state, params, t, pick, g)
    cand = nb & war[:, None]
    cand[rows, target] = False
    # 3. the target's coalition, then the protagonist's among the rest
    defenders = _coalition(cand, power, t_pow, p_pow, e[:, 8:8 + n], e[:, 8 + n:8 + 2 * n],
                           e[:, 2:4])
    d_total = t_pow + (power * defenders).sum(axis=1)
    attackers = _coalition(cand & ~defenders, power, p_pow, d_total, e[:, 8 + 2 * n:8 + 3 * n],
                           e[:, 8 + 3 * n:], e[:, 4:6])
    attackers[rows, pick] |= war
    defenders[rows, target] |= war
    a_total = (power * attackers).sum(axis=1)
    d_total = (power * defenders).sum(axis=1)
    # 4. war: victory, costs, reparations
    p_win = victory(np.maximum(a_total, 1e-12), np.maximum(d_total, 1e-12), params.width)
    won = war & (u[:, 1] < p_win)
    both = np.maximum(a_total + d_total, 1e-12)
    lsr = np.maximum(a_total, d_total) / both
    cost = war * ((1.0 - (lsr - 0.5) / 0.5) * params.cost)
    fighting = attackers | defenders
    power = power * (1.0 - cost[:, None] * fighting)
    winners = np.where(won[:, None], attackers, defenders)
    losers = fighting & ~winners
    paid = power * (losers * params.reparations)
    w_pow = power * winners
    w_tot = np.maximum(w_pow.sum(axis=1, keepdims=True), 1e-300)
    power = power - paid + paid.sum(axis=1, keepdims=True) * w_pow / w_tot
    winner_principal = np.where(won, pick, target)
    if params.versailles:
        loser_principal = np.where(won, target, pick)
        wb = np.flatnonzero(war)
        if params.versailles_transfer == "whole":
            gain = power[wb, loser_principal[wb]]
        elif params.versailles_transfer == "loser-probability":
            gain = power[wb, loser_principal[wb]] * np.where(won, 1.0 - p_win, p_win)[wb]
        else:  # the share the winner was expected to win: its probability of victory
            gain = power[wb, loser_principal[wb]] * np.where(won, p_win, 1.0 - p_win)[wb]
        power[wb, winner_principal[wb]] += gain
        power[wb, loser_principal[wb]] -= gain
    size = cost * both
    # 5. growth (Cauchy as a ratio of two normals, clipped); 6. death
    power, alive, died = _grow_and_die(g, params, power, alive)
    conqueror = np.where(died & losers, winner_principal[:, None], -1)
    new_adj = adj
    dw = np.flatnonzero(died.any(axis=1))
    if len(dw):
        new_adj = adj.copy()
        sub = new_adj[dw]
        dead = died[dw]
        conq = winner_principal[dw]
        passes = (dead & losers[dw])[:, :, None] & sub
        inherited = passes.any(axis=1)
        rr = np.arange(len(dw))
        inherited &= alive[dw, conq][:, None]
        sub[rr, conq] |= inherited
        sub[rr, :, conq] |= inherited
        sub[dead] = False
        sub.transpose(0, 2, 1)[dead] = False
        sub[rr, conq, conq] = False
        new_adj[dw] = sub
    rec = CSTurn(protagonist=pick, target=np.where(war, target, -1), war=war,
                 protagonist_won=won, attacker_side=attackers, defender_side=defenders,
                 died=died, conqueror=conqueror, size=size)
    return CSState(turn=t, keys=keys, power=power, alive=alive, adjacent=new_adj), rec


def _grow_and_die(g: npt.NDArray[np.float64], params: CusackStollParams,
                  power: npt.NDArray[np.float64], alive: npt.NDArray[np.bool_],
                  ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_],
                             npt.NDArray[np.bool_]]:
    """Cauchy growth (ratio ``g`` of two normals, clipped), then death below
    ``death_power``."""
    n = power.shape[1]
    growth = params.growth_location + params.growth_scale * (g[:, :n] / g[:, n:])
    growth = np.minimum(np.maximum(growth, params.growth_min), params.growth_max)
    power = power * (1.0 + growth)
    died = alive & (power < params.death_power)
    alive = alive & ~died
    return power * alive, alive, died


def _quiet_turn(state: CSState, params: CusackStollParams, t: int,
                pick: npt.NDArray[np.int64],
                g: npt.NDArray[np.float64]) -> tuple[CSState, CSTurn]:
    """A turn without war in any world: growth and decline only (borders of states that
    die of decline vanish)."""
    b, n = state.power.shape
    power, alive, died = _grow_and_die(g, params, state.power, state.alive)
    adj = state.adjacent
    if died.any():
        adj = adj.copy()
        adj[died] = False
        adj.transpose(0, 2, 1)[died] = False
    none = np.zeros((b, n), bool)
    rec = CSTurn(protagonist=pick, target=np.full(b, -1), war=np.zeros(b, bool),
                 protagonist_won=np.zeros(b, bool), attacker_side=none, defender_side=none,
                 died=died, conqueror=np.full((b, n), -1), size=np.zeros(b))
    return CSState(turn=t, keys=state.keys, power=power, alive=alive, adjacent=adj), rec


@dataclass
class CSRun:
    """Recorded arrays of a batch of Cusack-Stoll worlds (turns on the first axis)."""

    worlds: npt.NDArray[np.int64]
    power: npt.NDArray[np.float32]
    """(T+1, B, N) power."""
    alive: npt.NDArray[np.bool_]
    protagonist: npt.NDArray[np.int64]
    """(T, B)."""
    target: npt.NDArray[np.int64]
    """(T, B) the target, -1 where no war."""
    protagonist_won: npt.NDArray[np.bool_]
    size: npt.NDArray[np.float64]
    """(T, B) power destroyed by the war."""
    death_turn: npt.NDArray[np.int64]
    """(B, N) turn of death, -1 if alive at the end."""
    conqueror: npt.NDArray[np.int64]
    """(B, N) who took a dead state's borders (-1 none)."""
    joined: npt.NDArray[np.int64]
    """(J, 4) turn, world position, helper, principal it fought beside."""
    seconds: float = 0.0
    params: CusackStollParams = field(default_factory=CusackStollParams)


def _records(state: Any, turns: int) -> tuple[np.ndarray, ...]:
    """The arrays a run records, for both engines: power and alive at every turn (turn 0
    from ``state``), protagonist, target, outcome and size of each turn's war, and each
    state's death turn and conqueror (-1: none)."""
    b, n = state.power.shape
    power = np.zeros((turns + 1, b, n), np.float32)
    alive = np.zeros((turns + 1, b, n), bool)
    power[0], alive[0] = state.power, state.alive
    return (power, alive, np.zeros((turns, b), np.int64), np.zeros((turns, b), np.int64),
            np.zeros((turns, b), bool), np.zeros((turns, b)),
            np.full((b, n), -1, np.int64), np.full((b, n), -1, np.int64))


def simulate(params: CusackStollParams, seed: int, worlds: npt.ArrayLike,
             turns: int | None = None, record_joined: bool = True,
             progress: Callable[[int], None] | None = None,
             engine: str | None = None) -> CSRun:
    """Run the given global world indices for ``turns`` turns in one batch.

    ``progress`` is called with the number of turns done after each turn (the compiled
    engine runs the turns in chunks of :data:`PROGRESS_CHUNK` when it is given, and calls
    it for each turn of a chunk once the chunk is done). ``engine``: ``numpy`` (the
    reference: :func:`step` turn by turn over the batch) or ``compiled`` (one numba kernel,
    :mod:`powerbalance.presets.compiled_cusack_stoll`, world by world; every recorded
    array bit-identical to the reference's); None: the default engine
    (:func:`powerbalance.model.engines.default_engine`).
    """
    from powerbalance.model.engines import check_engine, default_engine

    params.validate()
    engine = default_engine() if engine is None else check_engine(engine, "cusack-stoll")
    turns = params.turns if turns is None else turns
    if engine == "compiled":
        return _simulate_compiled(params, seed, worlds, turns, record_joined, progress)
    state = initial_state(params, seed, worlds)
    b, n = state.power.shape
    power, alive, prot, targ, won, size, death, conqueror = _records(state, turns)
    joined: list[np.ndarray] = []
    start = time.perf_counter()
    for t in range(turns):
        state, rec = step(state, params)
        power[t + 1], alive[t + 1] = state.power, state.alive
        if progress is not None:
            progress(t + 1)
        prot[t], targ[t], won[t], size[t] = rec.protagonist, rec.target, rec.protagonist_won, \
            rec.size
        if record_joined and rec.war.any():
            helpers = rec.attacker_side | rec.defender_side
            wb = np.flatnonzero(rec.war)
            helpers[wb, rec.protagonist[wb]] = False
            helpers[wb, rec.target[wb]] = False
            hw, hk = np.nonzero(helpers)
            if len(hw):
                beside = np.where(rec.attacker_side[hw, hk], rec.protagonist[hw], rec.target[hw])
                joined.append(np.column_stack([np.full(len(hw), t + 1), hw, hk, beside]))
        if rec.died.any():
            death[rec.died] = t + 1
            conqueror[rec.died] = rec.conqueror[rec.died]
    return CSRun(worlds=np.asarray(worlds, dtype=np.int64).reshape(-1), power=power,
                 alive=alive, protagonist=prot, target=targ, protagonist_won=won, size=size,
                 death_turn=death, conqueror=conqueror,
                 joined=np.concatenate(joined) if joined else np.zeros((0, 4), np.int64),
                 seconds=time.perf_counter() - start, params=params)


#: Turns per call of the compiled kernel when a ``progress`` hook is given (the hook is
#: called once the chunk is done; without a hook every turn runs in one call).
PROGRESS_CHUNK = 25


def _simulate_compiled(params: CusackStollParams, seed: int, worlds: npt.ArrayLike,
                       turns: int, record_joined: bool,
                       progress: Callable[[int], None] | None) -> CSRun:
    """:func:`simulate` by the compiled kernel (the same recorded arrays, bit for bit)."""
    from powerbalance.presets import compiled_cusack_stoll as kernel

    state = initial_state(params, seed, worlds)
    b, n = state.power.shape
    # turns 1.. written by the kernel
    power, alive, prot, targ, won, size, death, conqueror = _records(state, turns)
    pw = np.ascontiguousarray(state.power, dtype=np.float64)
    al = np.ascontiguousarray(state.alive)
    adj = np.ascontiguousarray(state.adjacent)
    live = np.ascontiguousarray(np.argsort(~al, axis=1, kind="stable"), dtype=np.int64)
    n_live = al.sum(axis=1).astype(np.int64)
    m = 1.0 / params.width
    exponent = int(m) if m == round(m) and 1 <= m <= 8 else 0  # as victory's exact path
    transfer = {"victory-probability": kernel.VICTORY_PROBABILITY, "whole": kernel.WHOLE,
                "loser-probability": kernel.LOSER_PROBABILITY}[params.versailles_transfer]
    stream = np.uint64((_S_NOISE & 0xFF) << 36)
    chunk = turns if progress is None else PROGRESS_CHUNK
    # about two helpers a war: room for four a turn (grown if need be), at most 64 MiB
    joined = np.empty((min(4 * b * max(min(chunk, turns), 1) + 4 * n, 1 << 21), 4), np.int64)
    parts = []
    scratch = (np.zeros(n), np.zeros((5, n + 1), np.int64), np.zeros((3, n), bool),
               np.zeros((3, 64), np.int64), np.zeros(64))
    start = time.perf_counter()
    for first in range(0, turns, max(chunk, 1)):
        last = min(first + chunk, turns)
        n_joined, world, turn = 0, 0, first
        while world < b:
            n_joined, world, turn = kernel.run_kernel(
                state.keys, stream, rng._NORMAL_TABLE, first, last, float(params.noise),
                exponent, float(params.width), float(params.cost), float(params.reparations),
                bool(params.versailles), transfer, float(params.growth_location),
                float(params.growth_scale), float(params.growth_min),
                float(params.growth_max), float(params.death_power), bool(record_joined), pw,
                al, adj, live, n_live, power, alive, prot, targ, won, size, death, conqueror,
                joined, n_joined, world, turn, *scratch)
            if world < b:  # joined is full: twice as long, and resume where it stopped
                joined = np.concatenate([joined, np.empty_like(joined)])
        if n_joined:  # the kernel's order is world, turn: the reference's is turn, world
            parts.append(np.empty((n_joined, 4), np.int64))
            kernel.order_by_turn(joined[:n_joined], first + 1, last,
                                 np.zeros(last - first, np.int64), parts[-1])
        if progress is not None:
            for t in range(first, last):
                progress(t + 1)
    return CSRun(worlds=np.asarray(worlds, dtype=np.int64).reshape(-1), power=power,
                 alive=alive, protagonist=prot, target=targ, protagonist_won=won, size=size,
                 death_turn=death, conqueror=conqueror,
                 joined=(parts[0] if len(parts) == 1 else np.concatenate(parts) if parts
                         else np.zeros((0, 4), np.int64)),
                 seconds=time.perf_counter() - start, params=params)


DESCRIPTION = ("Cusack & Stoll (1990), Exploring Realpolitik: 98 states on a random 8-regular "
               "graph, one protagonist per turn, coalitions inside wars, 500 turns.")


def names_of(n: int) -> list[str]:
    """State names S00, S01, ... (zero-padded to the width of n - 1)."""
    width = len(str(n - 1))
    return [f"S{i:0{width}d}" for i in range(n)]


def tables(cs: CSRun, seed: int, every: int = 1, started: float | None = None) -> RunResult:
    """The run's tables (actors and system every ``every`` turns, plus the last turn)."""
    from powerbalance.experiments.tables import events_frame
    from powerbalance.presets import tables as pt

    started = time.time() if started is None else started
    p = cs.params
    t_all = cs.power.shape[0] - 1
    years = np.unique(np.r_[np.arange(0, t_all + 1, max(every, 1)), t_all])
    names = names_of(p.states)
    power, alive = cs.power[years], cs.alive[years]
    wars = np.zeros((len(years), len(cs.worlds)), np.int64)
    wars[1:] = [(cs.target[max(y0, 0):y1] >= 0).sum(axis=0)
                for y0, y1 in zip(years[:-1], years[1:], strict=True)]
    actors = pt.actor_table(cs.worlds, years, power, alive, alive.astype(np.int16), names,
                            ["realpolitik"] * p.states)
    system = pt.system_table(cs.worlds, years, power, alive, wars, names)
    tw, wb = np.nonzero(cs.target >= 0)
    kind = np.where(cs.protagonist_won[tw, wb], int(EventKind.WAR_WON), int(EventKind.WAR_LOST))
    dw, di = np.nonzero(cs.death_turn >= 0)
    j = cs.joined
    events = events_frame(
        world=np.r_[cs.worlds[wb], cs.worlds[j[:, 1]], cs.worlds[dw]],
        year=np.r_[tw + 1, j[:, 0], cs.death_turn[dw, di]],
        kind=np.r_[kind, np.full(len(j), int(EventKind.WAR_JOINED)),
                   np.full(len(dw), int(EventKind.DEATH))],
        actor=np.r_[cs.protagonist[tw, wb], j[:, 2], di],
        other=np.r_[cs.target[tw, wb], j[:, 3], cs.conqueror[dw, di]],
        value=np.r_[cs.size[tw, wb], np.zeros(len(j)), np.zeros(len(dw))],
        names=names,
    )
    graph = random_regular(p.states, p.degree, p.graph_seed)
    angle = 2 * np.pi * np.arange(p.states) / p.states
    coords = np.column_stack([np.cos(angle), np.sin(angle)])
    static, links = pt.static_map(names, coords, np.ones(p.states), graph.land,
                                  dict(enumerate(names)))
    manifest = pt.manifest("cusack-stoll", DESCRIPTION, asdict(p), seed, len(cs.worlds),
                           int(cs.worlds[0]) if len(cs.worlds) else 0, t_all, every, names,
                           started, cs.seconds)
    return pt.result(actors=actors, system=system, events=events,
                     alliances=pt.empty_alliances(),
                     provinces=pt.province_table(cs.worlds, years, None), map=static,
                     links=links, manifest=manifest)


def summary(cs: CSRun) -> dict[str, Any]:
    """Survival of states and universal empires: the figures to compare with the book.

    ``km``: Kaplan-Meier survival of states by turn (deaths observed, states alive
    at the end censored); ``median_death_turn``: the turn at which half the
    states have died (NaN if fewer than half die); ``empire_share``: share of
    worlds with one state left; ``empire_turn_median``: the median, over the worlds
    that reach one, of the first turn with one state left (NaN if none does);
    ``survivors``: mean number of states alive at the end.
    """
    import pandas as pd

    from powerbalance.experiments.stats import kaplan_meier

    t_all = cs.power.shape[0] - 1
    d = cs.death_turn.reshape(-1)
    observed = d >= 0
    km = kaplan_meier(pd.DataFrame({"duration": np.where(observed, d, t_all),
                                    "died": observed}))
    below = km[km["survival"] <= 0.5]
    survivors = cs.alive[-1].sum(axis=1)
    one_left = cs.alive.sum(axis=2) == 1  # (T+1, B)
    reached = one_left.any(axis=0)
    empire_turns = np.argmax(one_left, axis=0)[reached]
    return {
        "km": km,
        "median_death_turn": float(below["time"].iloc[0]) if len(below) else float("nan"),
        "empire_share": float((survivors == 1).mean()),
        "empire_turn_median": float(np.median(empire_turns)) if len(empire_turns)
        else float("nan"),
        "survivors": float(survivors.mean()),
        "worlds": len(cs.worlds),
        "turns": t_all,
    }


def run(worlds: int = 1, seed: int = 0, turns: int | None = None,
        overrides: dict[str, Any] | None = None, every: int = 1, first_world: int = 0,
        batch_size: int = 1000, progress: Callable[[int, int], None] | None = None,
        engine: str | None = None) -> tuple[RunResult, dict[str, Any]]:
    """Run the preset: (tables, summary). Results do not depend on ``batch_size``, nor on
    ``engine`` (see :func:`simulate`).

    ``progress`` is called with (turns done, total turns) over all batches.

    >>> result, summ = run(worlds=2, turns=20, seed=1, overrides={"states": 20, "degree": 4})
    >>> int(result.system["year"].max()), summ["worlds"]
    (20, 2)
    """
    started = time.time()
    params = CusackStollParams().with_overrides(overrides)
    turns = params.turns if turns is None else turns
    starts = range(first_world, first_world + worlds, batch_size)
    parts = [simulate(params, seed, np.arange(lo, min(lo + batch_size, first_world + worlds)),
                      turns, progress=batch_progress(progress, k, len(starts), turns),
                      engine=engine)
             for k, lo in enumerate(starts)]
    cs = parts[0] if len(parts) == 1 else _concat(parts)
    return tables(cs, seed, every, started), summary(cs)


def _concat(parts: list[CSRun]) -> CSRun:
    offset = np.cumsum([0] + [len(p.worlds) for p in parts[:-1]])
    joined = [np.column_stack([p.joined[:, 0], p.joined[:, 1] + o, p.joined[:, 2:]])
              for p, o in zip(parts, offset, strict=True)]
    return CSRun(
        worlds=np.concatenate([p.worlds for p in parts]),
        power=np.concatenate([p.power for p in parts], axis=1),
        alive=np.concatenate([p.alive for p in parts], axis=1),
        protagonist=np.concatenate([p.protagonist for p in parts], axis=1),
        target=np.concatenate([p.target for p in parts], axis=1),
        protagonist_won=np.concatenate([p.protagonist_won for p in parts], axis=1),
        size=np.concatenate([p.size for p in parts], axis=1),
        death_turn=np.concatenate([p.death_turn for p in parts]),
        conqueror=np.concatenate([p.conqueror for p in parts]),
        joined=np.concatenate(joined), seconds=sum(p.seconds for p in parts),
        params=parts[0].params,
    )
