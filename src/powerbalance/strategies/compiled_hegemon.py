"""The hegemon-seeker's whole decision on the compiled engine, in one numba kernel.

:class:`powerbalance.strategies.hegemon_seeker.HegemonSeeker` is the specification (its
NumPy path: :func:`~powerbalance.strategies.hegemon_seeker.reference_targets`,
:func:`~powerbalance.strategies.common.preventive_target` and
:func:`~powerbalance.strategies.common.wedge_target`); :func:`decision_kernel` mirrors it with
the same floating-point operations in the same order (no ``fastmath``), so a compiled run is
bit-identical to the reference one (tests/model/test_compiled.py). On a small world the
decision's cost was the Python around many small kernels and array operations (the
candidate pairs, the two side estimates, the odds, the net gains, the preventive motive, the
wedge), so it is one call here. The side estimates are the engine's own
(:func:`powerbalance.model.compiled_kernels.side_kernel`, with the Observation's memo of the
year, so later estimates of the same pairs reuse them). The odds are the contest function
of :func:`powerbalance.model.victory.victory_probability` at ``decisiveness`` 1 (the
default ratio form); another victory function keeps the several-kernel path
(:func:`~powerbalance.strategies.hegemon_seeker.compiled_targets`). Imported only on the
compiled engine (it imports numba), as :mod:`powerbalance.strategies.compiled`.

A change of a rule in the NumPy path is made in the kernel too (test_compiled.py fails
otherwise). numba's own cache would not see a change of a kernel this one calls from
another module (side_kernel, exp1, wedge_target_kernel); the cache folder of
:mod:`powerbalance.model.numba_cache`, named by a hash of every kernel module's source,
changes with such an edit, so the kernel is compiled afresh.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import side_kernel
from powerbalance.model.derived import frontier_value
from powerbalance.model.numba_cache import numba
from powerbalance.strategies.compiled import _maximum, seeker_choice_kernel, wedge_target_kernel
from powerbalance.strategies.hegemon_seeker import log_keep

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")

_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_EMPTY_F64 = np.zeros(0, dtype=np.float64)
_EMPTY_F32 = np.zeros(0, dtype=np.float32)
_EMPTY_BOOL = np.zeros(0, dtype=np.bool_)
#: Rows per chunk of decision_kernel (a chunk's worlds' data, ~2.5 kB a world at 7
#: actors, stay in a core's cache between the kernel's steps).
_CHUNK = 256


@jit
def _odds(own: Any, enemy: Any, noise: Any, b: Any, i: Any, j: Any, n: int) -> Any:
    # perception.Observation.win_odds after the two side estimates: the enemy side x i's
    # estimation error about j (war_sides), then victory.victory_probability's ratio form at
    # decisiveness 1: a / (a + d), each side floored at 1e-12 (np.maximum).
    odds = np.empty(len(b))
    u = np.uint64   # indices read unsigned (all >= 0), as in compiled_kernels.side_kernel
    for q in range(len(b)):
        e = enemy[q] * np.float64(noise[u((b[q] * n + i[q]) * n + j[q])])
        enemy[q] = e
        a = _maximum(own[q], 1e-12)
        d = _maximum(e, 1e-12)
        odds[q] = a / (a + d)
    return odds


@numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy", inline="always")
def _sides_and_odds(b: Any, me: Any, tj: Any, n: int, memo_offence: Any, memo_defence: Any,
                    forces: Any, ally_forces: Any, reach: Any, amphibious: Any,
                    has_amphibious: bool, allied: bool, alliance: Any, ally_ptr: Any,
                    ally_cells: Any, ally_bond: Any, willing: Any, join_offence: Any,
                    pact_offence: Any, deter: bool, executor: Any, noise: Any) -> Any:
    # perception.Observation.war_sides and win_odds of the pairs (me attacks tj): the
    # expected defence of tj against me (the concert's deterrent with deter), then the
    # expected offence of me against tj, both through side_kernel and its memo, and the
    # odds (_odds). Both the attack candidates and the preventive ones take this path.
    enemy = side_kernel(b, tj, me, n, False, memo_defence, forces, ally_forces, reach,
                        amphibious, has_amphibious, allied, alliance, ally_ptr,
                        ally_cells, ally_bond, willing, join_offence, pact_offence,
                        deter, executor)
    own = side_kernel(b, me, tj, n, True, memo_offence, forces, ally_forces, reach,
                      amphibious, has_amphibious, allied, alliance, ally_ptr,
                      ally_cells, ally_bond, willing, join_offence, pact_offence,
                      False, executor)
    odds = _odds(own, enemy, noise, b, me, tj, n)
    return own, enemy, odds


@jit
def _fresh(a: Any) -> Any:
    # a.copy() (C order) of a (B, N) default: np.full of its one value where it is a
    # read-only broadcast of one (Actions.passive's), which numba's copy would walk
    # element by element.
    if a.size and a.strides[0] == 0 and a.strides[1] == 0:
        return np.full(a.shape, a[0, 0])
    return a.copy()


@jit
def decision_kernel(bw: Any, i: Any, n: int, turned: Any, adjacent: Any, alliance: Any,
                    by_odds: bool, gradual: bool,
                    memo_offence: Any, memo_defence: Any, forces: Any, ally_forces: Any,
                    reach: Any, amphibious: Any, has_amphibious: bool, allied: bool,
                    ally_ptr: Any, ally_cells: Any, ally_bond: Any, willing: Any,
                    join_offence: Any, pact_offence: Any, deter: bool, executor: Any,
                    noise: Any,
                    frontier: Any, productivity: Any, wealth: Any, conquest_rate: float,
                    horizon: float, destructiveness: float, peace_odds: float,
                    damage_weight: float, war_damage: float, phoenix: float,
                    log_keep: float, attack_odds: float,
                    momentum: Any, perceived: Any, share: Any, preventive_ratio: float,
                    wedges: bool, top_threat: Any, alive: Any, reach_in: Any,
                    wedge_payment: float, attack0: Any, leave_ally0: Any, pay0: Any,
                    pay_spend0: Any, spend0: Any) -> Any:
    # HegemonSeeker.decide's actions for the rows (bw, i): copies of the (B, N) defaults
    # attack0, leave_ally0, pay0, pay_spend0 with the rows' attack, leave_ally and pay (and
    # wedge_payment where it pays) written, spend0 + pay_spend, and flags: 1 some row
    # attacks, 2 some row leaves an ally, 4 some row pays; an output no flag names is
    # empty (the caller reads none). The rows go in chunks of _CHUNK, each through the
    # steps below in turn.
    # 1. reference_targets: the candidates nonzero(adjacent & (alliance <= 0 | turned)) in
    #    C order; their sides (war_sides: the expected defence of j against i, the
    #    expected offence of i against j, both through side_kernel and its memo) and odds;
    #    then the choice of strategies.compiled.seeker_choice_kernel (the expected net gain
    #    or, by_odds, the odds; first_max_per_group; the target where the best net gain is
    #    > 0 and its odds reach attack_odds), the same kernel as the several-kernel path's
    #    (log_keep is detmath.log(1 - phoenix_rate)). Under seeker_exit "gradual"
    #    (gradual) leave_ally is that target where i is allied with it.
    # 2. common.preventive_target for the rows that attack nobody: declining (momentum
    #    < 0), the candidates rising (momentum > 0), perceived >= preventive_ratio x own
    #    share, not i, bordering i and not allied with it (best_attack); the first best
    #    odds if they reach attack_odds.
    # 3. common.wedge_target (wedge_target_kernel) when wedges.
    u = np.uint64   # indices read unsigned (all >= 0), as in compiled_kernels.side_kernel
    rows_n = len(bw)
    attack = np.full(rows_n, -1, dtype=np.int64)
    leave_ally = np.full(rows_n, -1, dtype=np.int64)
    member = np.full(rows_n if wedges else 0, -1, dtype=np.int64)
    size = min(rows_n, _CHUNK)
    rows = np.empty(size * n, dtype=np.int64)
    pj = np.empty(size * n, dtype=np.int64)
    # The odds of the chunk's attack candidates by cell r * n + j: the preventive
    # candidates are among them (adjacent, not allied, the same row), so step 2 reads
    # their odds here instead of estimating the sides a second time (the memo would
    # return the same values).
    chunk_odds = np.empty(size * n)
    # A chunk of rows at a time, each step over the whole chunk: its worlds' data stay in
    # the cache from one step to the next (each row's decision depends on its own world
    # only, and the memo's values do not depend on the order of the queries).
    for lo in range(0, rows_n, _CHUNK):
        hi = min(lo + _CHUNK, rows_n)
        cw, ci, cturned = bw[lo:hi], i[lo:hi], turned[lo:hi]
        cattack, cleave = attack[lo:hi], leave_ally[lo:hi]
        chunk_n = hi - lo
        count = 0
        for r in range(chunk_n):
            base = (cw[r] * n + ci[r]) * n
            for j in range(n):
                if adjacent[u(base + j)] and (alliance[u(base + j)] <= 0 or cturned[r]):
                    rows[count] = r
                    pj[count] = j
                    count += 1
        if count:
            cand = rows[:count]
            b, me, tj = cw[cand], ci[cand], pj[:count]
            own, enemy, odds = _sides_and_odds(
                b, me, tj, n, memo_offence, memo_defence, forces, ally_forces, reach,
                amphibious, has_amphibious, allied, alliance, ally_ptr, ally_cells,
                ally_bond, willing, join_offence, pact_offence, deter, executor, noise)
            for q in range(count):
                chunk_odds[rows[q] * n + pj[q]] = odds[q]
            target = seeker_choice_kernel(
                cand, chunk_n, b, me, tj, n, own, enemy, odds, by_odds, frontier,
                productivity, forces, wealth, conquest_rate, horizon, destructiveness,
                peace_odds, damage_weight, war_damage, phoenix, log_keep, attack_odds)
            for r in range(chunk_n):
                if target[r] >= 0:
                    cattack[r] = target[r]
                    if gradual and alliance[u((cw[r] * n + ci[r]) * n + target[r])] > 0:
                        cleave[r] = target[r]
        # The preventive motive of the idle rows: the first best odds among the rising
        # candidates (in increasing k), if they reach attack_odds.
        for r in range(chunk_n):
            w, wi = cw[r], ci[r]
            if cattack[r] >= 0 or not momentum[u(w * n + wi)] < 0:
                continue
            floor = preventive_ratio * share[u(w * n + wi)]
            base = (w * n + wi) * n
            pick = -1
            best = 0.0
            for k in range(n):
                if (momentum[u(w * n + k)] > 0 and perceived[u(base + k)] >= floor
                        and k != wi and adjacent[u(base + k)] and alliance[u(base + k)] <= 0):
                    p = chunk_odds[r * n + k]
                    if pick < 0 or p > best:
                        best, pick = p, k
            if pick >= 0 and best >= attack_odds:
                cattack[r] = pick
        if wedges:
            member[lo:hi] = wedge_target_kernel(cw, ci, n, top_threat, alive, alliance,
                                                perceived, reach_in)
    flags = 0
    for r in range(rows_n):
        if attack[r] >= 0:
            flags |= 1
        if leave_ally[r] >= 0:
            flags |= 2
        if wedges and member[r] >= 0:
            flags |= 4
    # Only the outputs a flag names are built (the caller reads no other): each a copy of
    # its default with the rows' values written.
    attack_out, leave_out, pay_out = attack0[:0, :0], leave_ally0[:0, :0], pay0[:0, :0]
    pay_spend_out, spend_out = pay_spend0[:0, :0], spend0[:0, :0]
    if flags & 1:
        attack_out = _fresh(attack0)
        at = attack_out.reshape(-1)
        for r in range(rows_n):
            at[bw[r] * n + i[r]] = attack[r]
    if flags & 2:
        leave_out = _fresh(leave_ally0)
        left = leave_out.reshape(-1)
        for r in range(rows_n):
            if leave_ally[r] >= 0:
                left[bw[r] * n + i[r]] = leave_ally[r]
    if flags & 4:
        pay_out, pay_spend_out = _fresh(pay0), _fresh(pay_spend0)
        paid, paid_spend = pay_out.reshape(-1), pay_spend_out.reshape(-1)
        for r in range(rows_n):
            if member[r] >= 0:
                cell = bw[r] * n + i[r]
                paid[cell] = member[r]
                paid_spend[cell] = wedge_payment
        spend_out = spend0 + pay_spend_out
    return attack_out, leave_out, pay_out, pay_spend_out, spend_out, flags


def fused(params: Any) -> bool:
    """Whether :func:`decision` covers ``params`` (the ratio victory function at
    decisiveness 1: the odds :func:`decision_kernel` computes itself)."""
    return bool(params.victory_function == "ratio" and params.decisiveness == 1.0)


def decision(obs: Any, actions: Any, bw: Any, i: Any, turned: Any, wedges: bool
             ) -> dict[str, Any]:
    """The fields of ``actions`` (the defensive actions) that :meth:`HegemonSeeker.decide`
    changes for its rows ``(bw, i)`` (``turned``: the rows that no longer spare their
    allies): ``attack`` (the stakes or the preventive motive), ``leave_ally`` (the ally it
    attacks under ``seeker_exit`` "gradual"), ``pay``, ``pay_spend`` and ``spend`` (the
    coalition member it pays when ``wedges``), each only where some row changes it: its
    rules on the compiled engine, for :func:`fused` parameters. The Observation's per-year
    arrays are its own (as :func:`powerbalance.model.compiled.side` reads them)."""
    state, params = obs.state, obs.params
    n = state.n_actors
    allied = bool(obs.allied)
    amphibious = obs._amphibious
    guard = obs._concert_guard
    willing = obs._willing_against if allied or guard is not None else _EMPTY_F32
    ptr, cells, bond = obs._allies_of if allied else (_EMPTY_I64, _EMPTY_I64, _EMPTY_F64)
    frontier = state.frontier
    if frontier is None:   # a state that has not been stepped yet
        frontier = frontier_value(state.owner, n, obs.setting)
    r = params.phoenix_rate
    if wedges:
        top, alive, reach_in = (obs.top_threat.reshape(-1), state.alive.reshape(-1),
                                obs.reach_in.reshape(-1))
    else:
        top, alive, reach_in = _EMPTY_I64, _EMPTY_BOOL, _EMPTY_F32
    attack, leave_ally, pay, pay_spend, spend, flags = decision_kernel(
        bw, i, n, turned, state.adjacent.reshape(-1), state.alliance.reshape(-1),
        params.seeker_rule == "odds", params.seeker_exit == "gradual",
        obs._memo(True, False), obs._memo(False, False), obs.forces.reshape(-1),
        obs.ally_forces.reshape(-1), obs.reach.reshape(-1),
        _EMPTY_F32 if amphibious is None else amphibious.reshape(-1), amphibious is not None,
        allied, ptr, cells, bond, willing.reshape(-1),
        np.ascontiguousarray(state.join_offence, dtype=np.float64).reshape(-1),
        np.ascontiguousarray(state.pact_offence).reshape(-1), guard is not None,
        _EMPTY_I64 if guard is None else guard, obs.noise.reshape(-1),
        np.ascontiguousarray(frontier).reshape(-1), state.productivity.reshape(-1),
        state.wealth.reshape(-1), float(params.conquest_rate), float(params.stake_horizon),
        float(params.destructiveness), float(params.peace_odds),
        float(params.seeker_damage_weight), float(params.war_damage), float(r), log_keep(r),
        float(params.attack_odds), state.momentum.reshape(-1), obs.perceived.reshape(-1),
        obs.share.reshape(-1), float(params.preventive_ratio), wedges, top, alive, reach_in,
        float(params.wedge_payment), actions.attack, actions.leave_ally, actions.pay,
        actions.pay_spend, actions.spend)
    changes: dict[str, Any] = {}
    if flags & 1:
        changes["attack"] = attack
    if flags & 2:
        changes["leave_ally"] = leave_ally
    if flags & 4:
        changes.update(spend=spend, pay=pay, pay_spend=pay_spend)
    return changes

