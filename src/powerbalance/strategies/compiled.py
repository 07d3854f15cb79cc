"""The strategies' work on the compiled engine: numba kernels for their hottest helpers.

The NumPy functions of the strategy modules are the specification; each kernel here mirrors
one of them (its comment names which) with the same floating-point operations in the same
order (no ``fastmath``), so a compiled run is bit-identical to the reference one
(tests/model/test_compiled.py). A change of a rule there is made in the kernel too. As the
engine's own kernels (:mod:`powerbalance.model.compiled_kernels`) they are compiled with
``cache=True``, and this module, which imports numba, is imported only when a strategy
decides on the compiled engine (``Setting.engine``), so the NumPy engine and ``import
powerbalance`` never pay for numba. :func:`kernels` lists them by name, as
:func:`powerbalance.model.compiled.kernels` lists the engine's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import exp1
from powerbalance.model.numba_cache import numba

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


@jit
def seeker_pairs_kernel(bw: Any, i: Any, n: int, adjacent: Any, alliance: Any,
                        turned: Any) -> Any:
    # hegemon_seeker.HegemonSeeker.decide's candidate pairs: nonzero(rows_of(adjacent) &
    # ((rows_of(alliance) <= 0) | turned)), in C order (by row, then target index).
    rows = np.empty(len(bw) * n, dtype=np.int64)
    targets = np.empty(len(bw) * n, dtype=np.int64)
    count = 0
    for r in range(len(bw)):
        base = (bw[r] * n + i[r]) * n
        for j in range(n):
            if adjacent[base + j] and (alliance[base + j] <= 0 or turned[r]):
                rows[count] = r
                targets[count] = j
                count += 1
    return rows[:count].copy(), targets[:count].copy()


@jit
def _maximum(a: float, b: float) -> float:
    # np.maximum(a, b) for a constant b that is not NaN: NaN propagates.
    return a if (a > b or a != a) else b


@numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy", inline="always")
def expected_net_gain(p: float, own: float, enemy: float, value: float,
                      productivity: float, forces: float, wealth: float,
                      conquest_rate: float, horizon: float, cap: float,
                      destructiveness: float, peace_odds: float, damage_weight: float,
                      war_damage: float, phoenix: float, log_keep: float) -> float:
    # hegemon_seeker.expected_net_gain of one pair (i attacks j) with odds p, the two
    # sides own and enemy, the frontier value of j to i and i's productivity, forces and
    # wealth; expected_war_years (cap = max(horizon, 1)) and damage_years inlined in their
    # NumPy order (log_keep is detmath.log(1 - phoenix_rate)). Inlined (inline="always")
    # into seeker_choice_kernel (no call per pair), which compiled_hegemon.decision_kernel
    # calls too: one text of the rule for both compiled paths.
    gain = p * conquest_rate * value * productivity * horizon
    enemy_share = enemy / _maximum(own + enemy, 1e-300)
    ends = (p if 1.0 - p < peace_odds else 0.0) + (1.0 - p if p < peace_odds else 0.0)
    years = 1.0 / _maximum(ends, 1e-300) if ends * cap > 1.0 else cap
    cost = years * destructiveness * enemy_share * forces
    if damage_weight:
        share = 2.0 * war_damage * enemy_share
        share = share if (share < 1.0 or share != share) else 1.0
        after = _maximum(years, horizon) - years
        if phoenix <= 0:
            peace = after
        elif phoenix >= 1:
            peace = 0.0
        else:
            peace = (1.0 - phoenix) * (1.0 - exp1(after * log_keep)) / phoenix
        lost = years * (years + 1.0) / 2.0 + years * peace
        cost = cost + (damage_weight * share * wealth * lost)
    return gain - cost


@jit
def seeker_choice_kernel(rows: Any, n_rows: int, b: Any, i: Any, j: Any, n: int, own: Any,
                         enemy: Any, odds: Any, by_odds: bool, frontier: Any,
                         productivity: Any, forces: Any, wealth: Any, conquest_rate: float,
                         horizon: float, destructiveness: float, peace_odds: float,
                         damage_weight: float, war_damage: float, phoenix: float,
                         log_keep: float, attack_odds: float) -> Any:
    # hegemon_seeker.expected_net_gain (and, with by_odds, the "odds" rule's net = odds),
    # then first_max_per_group over the rows (the first maximum of each row's pairs) and
    # the attack rule: the target where the best net gain is positive and its odds reach
    # attack_odds, else -1. expected_war_years and damage_years are inlined in their
    # NumPy order; log_keep is detmath.log(1 - phoenix_rate). Indices are read unsigned (u:
    # all are >= 0), as in model.compiled_kernels.side_kernel.
    target = np.full(n_rows, -1, dtype=np.int64)
    cap = max(horizon, 1.0)
    u = np.uint64
    start = 0
    while start < len(rows):
        r = rows[u(start)]
        best = 0.0
        pick = -1
        q = start
        while q < len(rows) and rows[u(q)] == r:
            p = odds[u(q)]
            if by_odds:
                net = p
            else:
                wb, wi, wj = b[u(q)], i[u(q)], j[u(q)]
                net = expected_net_gain(
                    p, own[u(q)], enemy[u(q)], np.float64(frontier[u((wb * n + wi) * n + wj)]),
                    productivity[u(wb * n + wi)], forces[u(wb * n + wi)],
                    wealth[u(wb * n + wi)],
                    conquest_rate, horizon, cap, destructiveness, peace_odds,
                    damage_weight, war_damage, phoenix, log_keep)
            if pick < 0 or net > best:
                best, pick = net, q
            q += 1
        if best > 0 and odds[u(pick)] >= attack_odds:
            target[u(r)] = j[u(pick)]
        start = q
    return target


@jit
def wedge_target_kernel(bw: Any, i: Any, n: int, top_threat: Any, alive: Any,
                        alliance: Any, perceived: Any, reach_in: Any) -> Any:
    # common.wedge_target: per row, among the would-be members of the coalition against i
    # (coalition_against: live, i their top threat, not allied with i), when there are two
    # or more, the free ones (allied with no other member) weighted by their perceived
    # capability x reach_in (float32, as the NumPy product); the first maximum, if >= 0.
    # Indices are read unsigned (u: all are >= 0), as in model.compiled_kernels.side_kernel.
    out = np.full(len(bw), -1, dtype=np.int64)
    member = np.zeros(n, dtype=np.bool_)
    u = np.uint64
    for r in range(len(bw)):
        wb, wi = bw[r], i[r]
        count = 0
        for k in range(n):
            member[k] = (top_threat[u(wb * n + k)] == wi and alive[u(wb * n + k)]
                         and alliance[u((wb * n + wi) * n + k)] <= 0)
            count += member[k]
        if count < 2:
            continue
        best = np.float32(0.0)
        target = 0
        for k in range(n):
            free = member[k]
            if free:
                for m in range(n):
                    if member[m] and alliance[u((wb * n + k) * n + m)] > 0:
                        free = False
                        break
            cell = (wb * n + wi) * n + k
            weight = perceived[u(cell)] * reach_in[u(cell)] if free else np.float32(-1.0)
            if k == 0 or weight > best:
                best, target = weight, k
        if best >= 0:
            out[r] = target
    return out


def kernels() -> dict[str, Any]:
    """The strategies' compiled kernels by name."""
    return {"seeker_pairs": seeker_pairs_kernel, "seeker_choice": seeker_choice_kernel,
            "wedge_target": wedge_target_kernel}


@jit
def external_offers_kernel(mask: Any, top_threat: Any, level: Any, share: Any,
                           balance_threshold: float, alliance: Any, alive: Any, perceived: Any,
                           reach: Any, abandonment: Any, exploitation: Any, has_distrust: bool,
                           distrust32: bool, distrust_threshold: float) -> Any:
    # external_balancer.ExternalBalancer.decide's offers: -1 everywhere but at the actors of
    # mask that common.threatened finds threatened (top threat >= 0 and its level, float32
    # against the float64 balance_threshold * share, compared in float64 as NumPy does), whose
    # offer is common.balancing_partner's (the kernel balancing_partner_kernel of
    # model/compiled_war.py, row by row in C order). common.distrusted's test, when anybody
    # may distrust anybody (has_distrust): abandonment + exploitation in float32 against the
    # threshold in NumPy's dtype for it (distrust32: float32 for a Python float).
    # Flat C-ordered arrays, each (B, N) cell w * N + x and (B, N, N) cell (w * N + x) * N + y,
    # read at unsigned indices (u: all are >= 0), as in model.compiled_kernels.side_kernel.
    u = np.uint64
    b_, n = alive.shape
    offer = np.full((b_, n), -1, dtype=np.int64)
    out = offer.reshape(-1)
    thr32 = np.float32(distrust_threshold)
    pair, ab, ex = alliance.reshape(-1), abandonment.reshape(-1), exploitation.reshape(-1)
    seen, far = perceived.reshape(-1), reach.reshape(-1)
    live = alive.reshape(-1)
    for w in range(b_):
        for me in range(n):
            row = w * n + me
            if not (mask[w, me] and top_threat[w, me] >= 0
                    and level[w, me] >= balance_threshold * share[w, me]):
                continue
            threat = top_threat[w, me]
            mine, against = row * n, (w * n + threat) * n
            best = np.float32(0.0)
            pick = -1
            for j in range(n):
                # (The same tests, the cheapest first: the dead, a third to a half of the
                # actors of a long run of many, skip the strided read of j's row.)
                ok = (live[u(w * n + j)] and j != me and j != threat
                      and pair[u(mine + j)] <= 0 and pair[u((w * n + j) * n + threat)] <= 0)
                if ok and has_distrust:
                    memory = ab[u(mine + j)] + ex[u(mine + j)]
                    if (memory >= thr32) if distrust32 else (
                            np.float64(memory) >= distrust_threshold):
                        ok = False
                score = seen[u(mine + j)] * far[u(against + j)] if ok else np.float32(-1.0)
                if pick < 0 or score > best:
                    best = score
                    pick = j
            out[u(row)] = pick if best > 0 else -1
    return offer


def external_offers(obs: Any, mask: Any) -> Any:
    """:func:`external_offers_kernel` on an observation: the external balancer's (B, N) offers
    (a fresh array), bit for bit those of its NumPy rule."""
    state, params = obs.state, obs.params
    threshold = params.distrust_threshold
    has_distrust = (obs.abandonment_peak + obs.exploitation_peak) >= threshold
    distrust32 = np.result_type(state.abandonment.dtype, state.exploitation.dtype,
                                threshold) == np.float32
    c = np.ascontiguousarray
    return external_offers_kernel(
        c(mask), obs.top_threat, obs.top_threat_level, obs.share,
        float(params.balance_threshold), c(state.alliance), c(state.alive), c(obs.perceived),
        c(obs.reach), c(state.abandonment), c(state.exploitation), bool(has_distrust),
        bool(distrust32), float(threshold))
