"""Building blocks shared by several strategies (vectorised over the rows of one strategy).

Every helper takes the rows ``(bw, i)`` of the actors deciding (from
``nonzero(mask)``) and returns one value per row.
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import first_max_per_group, nonzero, row_any, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import F64, I64, BoolA


def rows_of(pair: np.ndarray, flat_rows: I64) -> np.ndarray:
    """Rows ``pair[b, i, :]`` of a (B, N, N) array for flat row numbers ``b * N + i``
    (one take on the leading axis, cheaper than fancy indexing on two axes)."""
    b, n, _ = pair.shape
    return take_rows(pair.reshape(b * n, n), flat_rows)


def take_rows(a: np.ndarray, rows: I64) -> np.ndarray:
    """``a[rows]`` for a 2-D array: ``np.take`` along the leading axis copies whole rows,
    several times faster than fancy indexing when rows are short."""
    return np.take(a, rows, axis=0)


def best_attack(obs: Observation, bw: I64, i: I64, candidates: BoolA, min_odds: float) -> I64:
    """Per row, the candidate with the best estimated odds if they reach ``min_odds``, else -1.

    Candidates must also border the actor and not be allied with it. Odds are
    computed for the candidate pairs only (sparse); ties go to the lowest index.
    """
    out = np.full(len(bw), -1, dtype=np.int64)
    state = obs.state
    own_row = bw * state.n_actors + i
    rows, j = nonzero(candidates & rows_of(state.adjacent, own_row)
                         & (rows_of(state.alliance, own_row) <= 0))
    if not len(rows):
        return out
    odds = obs.win_odds(bw[rows], i[rows], j)
    pick, best = first_max_per_group(rows, odds)
    go = best >= min_odds
    out[rows[pick[go]]] = j[pick[go]]
    return out


def coalition_against(obs: Observation, bw: I64, i: I64) -> BoolA:
    """(R, N) would-be members of a coalition aimed at actor i: live actors whose top
    threat is i and who are not allied with i."""
    state = obs.state
    n = state.n_actors
    return ((take_rows(obs.top_threat, bw) == i[:, None]) & take_rows(state.alive, bw)
            & (rows_of(state.alliance, bw * n + i) <= 0))


def wedge_target(obs: Observation, bw: I64, i: I64) -> I64:
    """Per row, the would-be coalition member to pay to stay out (-1 if none).

    A coalition is *forming* against i when two or more actors have i as their
    top threat and at least one of them is not yet allied with another: the
    member paid is the one among those not yet committed whose (perceived,
    distance-discounted) capability would add most to the coalition: its own power
    arriving at i (:attr:`Observation.reach_in`, with the member's mobility). Members
    already allied with each other are not paid (the coalition has formed;
    money cannot buy it apart this year).
    """
    if obs.setting.engine == "compiled":  # the same members, weights and first maximum
        from powerbalance.strategies import compiled

        state = obs.state
        return compiled.kernels()["wedge_target"](  # type: ignore[no-any-return]
            bw, i, state.n_actors, obs.top_threat.reshape(-1), state.alive.reshape(-1),
            state.alliance.reshape(-1), obs.perceived.reshape(-1), obs.reach_in.reshape(-1))
    out = np.full(len(bw), -1, dtype=np.int64)
    members = coalition_against(obs, bw, i)
    rows = np.flatnonzero(members.sum(axis=1) >= 2)
    if not len(rows):
        return out
    members = members[rows]
    brow = bw[rows]
    # A member is free when it is allied with no other member. Each actor has one top
    # threat, so member entries number at most N per world: gather only their rows.
    n = obs.state.n_actors
    mr, mk = nonzero(members)
    linked = row_any((rows_of(obs.state.alliance, brow[mr] * n + mk) > 0) & members[mr])
    free = members.copy()
    free[mr, mk] = ~linked
    own_row = brow * n + i[rows]
    weight = rows_of(obs.perceived, own_row)
    weight *= rows_of(obs.reach_in, own_row)   # the member's power arriving at i (its mobility)
    # -1 where not free: as np.where(free, weight, -1.0) for finite weights >= +0.
    weight *= free
    weight -= ~free
    best, target = row_max_argmax(weight)
    go = best >= 0
    out[rows[go]] = target[go]
    return out


def distrusted(obs: Observation, bw: I64, i: I64) -> BoolA:
    """(R, N) actors that actor i distrusts (remembered abandonment plus exploitation
    at least ``Params.distrust_threshold``)."""
    state = obs.state
    threshold = obs.params.distrust_threshold
    if not len(bw) or memory_peak(obs) < threshold:  # nobody distrusts anybody yet
        return np.zeros((len(bw), state.n_actors), dtype=bool)
    own_row = bw * state.n_actors + i
    return (rows_of(state.abandonment, own_row) + rows_of(state.exploitation, own_row)
            >= threshold)


def memory_peak(obs: Observation) -> float:
    """An upper bound of anyone's remembered abandonment plus exploitation this year
    (computed once per observation)."""
    return obs.abandonment_peak + obs.exploitation_peak


def regional_shares(obs: Observation, bw: I64, i: I64) -> tuple[F64, F64]:
    """Perceived regional shares as seen by each row: ``(share_in_region (R, N),
    region_total (R, number of regions))``."""
    region = obs.setting.region
    n_regions = len(obs.setting.region_names)
    onehot = np.zeros((len(region), n_regions))
    onehot[np.arange(len(region)), region] = 1.0
    seen = np.where(obs.alive[bw], obs.perceived[bw, i], 0.0)
    totals = seen @ onehot
    denom = totals[:, region]
    share = np.divide(seen, denom, out=np.zeros_like(seen), where=denom > 0)
    return share, totals


def threatened(obs: Observation, mask: BoolA) -> BoolA:
    """(B, N) actors of ``mask`` whose top threat exceeds ``Params.balance_threshold``
    times their own capability."""
    return (mask & (obs.top_threat >= 0)
            & (obs.top_threat_level >= obs.params.balance_threshold * obs.share))


def balancing_partner(obs: Observation, bw: I64, i: I64) -> I64:
    """Per row, the partner to offer an alliance against the top threat (-1 if none).

    The strongest live actor not yet allied with i nor committed to the threat
    T, weighted by how close it stands to T (those T threatens most are
    natural partners), never T itself nor an actor i distrusts.
    """
    if obs.setting.engine == "compiled":  # the same scores and first maximum, compiled
        from powerbalance.model import compiled_war

        return compiled_war.balancing_partner(obs, bw, i, distrusted(obs, bw, i) if (
            memory_peak(obs) >= obs.params.distrust_threshold) else None)
    state = obs.state
    n = state.n_actors
    threat = np.maximum(obs.top_threat[bw, i], 0)
    own_row, threat_row = bw * n + i, bw * n + threat   # rows of the flattened (B*N, N)
    candidate = rows_of(state.alliance, own_row) <= 0
    candidate &= state.alliance[bw, :, threat] <= 0   # not committed to the threat
    candidate &= take_rows(state.alive, bw)
    at = np.arange(len(bw))
    candidate[at, i] = False
    candidate[at, threat] = False
    if memory_peak(obs) >= obs.params.distrust_threshold:
        candidate &= ~distrusted(obs, bw, i)
    # Gathered rows are fresh arrays: weight and mask them in place.
    score = rows_of(obs.perceived, own_row)
    score *= rows_of(obs.reach, threat_row)   # near the threat
    # Non-candidates score -1. Scores are finite and >= +0, so this arithmetic equals
    # np.where(candidate, score, -1.0) bit for bit, without branching on a random mask.
    score *= candidate
    score -= ~candidate
    best, partner = row_max_argmax(score)
    return np.where(best > 0, partner, -1)


def internal_spend(obs: Observation, bw: I64, i: I64) -> F64:
    """Per row, the internal balancer's military spending (share of wealth).

    Spending moves from last year's by ``Params.internal_gain`` times the
    relative gap between ``Params.internal_margin`` times the top threat's
    projected military (as perceived) and the actor's own, between
    ``Params.base_spend`` and ``Params.max_spend`` (Waltz 1979, ch. 6;
    Richardson 1960 reaction coefficients).
    """
    state, params = obs.state, obs.params
    top = obs.top_threat[bw, i]
    t = np.maximum(top, 0)
    rival = state.military[bw, t] * obs.noise[bw, i, t] * obs.reach_in[bw, i, t]
    rival = np.where(top >= 0, rival, 0.0)
    own = np.maximum(state.military[bw, i], 1e-9)
    gap = (params.internal_margin * rival - own) / own
    prev = np.maximum(state.spend[bw, i], params.base_spend)
    return np.asarray(np.clip(prev + params.internal_gain * gap, params.base_spend,
                              max(params.max_spend, params.base_spend)), dtype=np.float64)


def buck_catcher(obs: Observation, bw: I64, i: I64, threat: I64) -> I64:
    """Per row, the buck-catcher for actor i against its threat T (-1 if none).

    Another live actor, neither i nor T, whose own top threat is also T
    (threatened by the same threat: Mearsheimer 2001, ch. 5); the strongest of
    them as i perceives it, ties to the lowest index.
    """
    state = obs.state
    n = state.n_actors
    same = (take_rows(obs.top_threat, bw) == threat[:, None]) & take_rows(state.alive, bw)
    at = np.arange(len(bw))
    same[at, i] = False
    same[at, np.maximum(threat, 0)] = False
    same &= (threat >= 0)[:, None]
    score = rows_of(obs.perceived, bw * n + i)
    score *= same
    score -= ~same
    best, catcher = row_max_argmax(score)
    return np.where(best >= 0, catcher, -1)


def preventive_target(obs: Observation, bw: I64, i: I64) -> I64:
    """Per row, the rising challenger a declining actor strikes preventively (-1 if none).

    Copeland (2000, *The Origins of Major War*): a power in decline facing a
    rising rival wages preventive war before it is overtaken. The actor's
    capability share must be shrinking (negative smoothed growth) and the
    target a neighbour whose share grows and has reached
    ``Params.preventive_ratio`` of its own (as perceived); the best odds among
    such neighbours win when they reach ``Params.attack_odds``.
    """
    state, params = obs.state, obs.params
    n = state.n_actors
    out = np.full(len(bw), -1, dtype=np.int64)
    declining = state.momentum[bw, i] < 0
    if not declining.any():
        return out
    rows = np.flatnonzero(declining)
    b, me = bw[rows], i[rows]
    seen = rows_of(obs.perceived, b * n + me)
    rising = (take_rows(state.momentum, b) > 0) & (
        seen >= params.preventive_ratio * obs.share[b, me][:, None])
    rising[np.arange(len(b)), me] = False
    out[rows] = best_attack(obs, b, me, rising, params.attack_odds)
    return out
