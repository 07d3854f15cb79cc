"""Phase 5, war: declaration, deterrence, allies, victory, costs, conquest, death.

Wars are fought within the year. An attack needs a live, adjacent target
(land or sea border). Deterrence is checked first (:mod:`.deterrence`). The
target's allies are called: each sends ``join`` of its forces times its
commitment (a balker sends a token share, a buck-passer nothing, which is an
*abandonment*); allies committed to both sides stay out. An actor in several
wars splits its forces evenly among them. Strength is committed forces times
the loss-of-strength gradient of the distance to the target's capital.

The outcome is drawn from the victory function (:mod:`.victory`). Each side
loses ``destructiveness`` times the enemy's share of total strength of its
committed forces (Lanchester-style attrition), and both principals lose
``war_damage`` of productivity. A nuclear-armed side facing defeat crosses
the nuclear threshold with probability ``nuclear_escalation``: against a
nuclear enemy both principals are devastated (MAD) and the war ends with no
winner; against a non-nuclear enemy that enemy is devastated and loses.

Each frontier province of the loser bordering a member of the winning side
passes to that member with probability ``conquest_rate`` (a province claimed
by several winners goes to one at random). An actor left with no province,
or whose capital falls when ``capital_loss_kills`` is set, dies; its
territory passes on. Capitals that fall otherwise move to the actor's most
productive remaining province.

With ``update_order = "serial"`` wars are resolved one at a time in a random
order per world, each seeing the forces and borders the previous left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from powerbalance import detmath, rng
from powerbalance.model.derived import (
    adjacency,
    reach,
    territorial_base,
    territory,
)
from powerbalance.model.deterrence import deterrence
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import sorted_unique, unique_counts
from powerbalance.model.perception import Observation
from powerbalance.model.state import F32, F64, I64, PAIR, Setting, WorldState
from powerbalance.model.victory import victory_probability
from powerbalance.params import Params
from powerbalance.strategies.base import Actions


@dataclass
class _Scratch:
    """Copies of the arrays a war year changes (the input state stays untouched)."""

    military: F64
    productivity: F64
    owner: I64
    capital: I64
    hostility: F32
    changed: np.ndarray
    """(B,) worlds whose borders changed this year."""


def war(state: WorldState, actions: Actions, obs: Observation, setting: Setting,
        params: Params) -> tuple[WorldState, list[Events], I64]:
    """Resolve this year's wars; return new state, events and wars fought per world."""
    alive = state.alive
    n = state.n_actors
    events: list[Events] = []
    b, a = np.nonzero(alive & (actions.attack >= 0))
    t = actions.attack[b, a]
    ok = (t != a) & alive[b, t] & obs.adjacent[b, a, t]
    b, a, t = b[ok], a[ok], t[ok]

    deterred, failed, accident = deterrence(state, b, a, t, params)
    if deterred.any():
        events.append(Events.make(EventKind.DETERRENCE_HELD, b[deterred], a[deterred],
                                  t[deterred]))
    if failed.any():
        events.append(Events.make(EventKind.DETERRENCE_FAILED, b[failed], a[failed],
                                  t[failed], accident[failed].astype(float)))
    b, a, t = b[~deterred], a[~deterred], t[~deterred]

    # Attacking an ally (an alliance formed this very year) breaks the alliance.
    betrayed = state.alliance[b, a, t] > 0
    if betrayed.any():
        bb, lo, hi = b[betrayed], np.minimum(a, t)[betrayed], np.maximum(a, t)[betrayed]
        events.append(Events.make(EventKind.ALLIANCE_BROKEN, bb, lo, hi))
        alliance = state.alliance.copy()
        alliance[bb, lo, hi] = 0.0
        alliance[bb, hi, lo] = 0.0
        state = state.replace(alliance=alliance)

    scratch = _Scratch(state.military.copy(), state.productivity.copy(), state.owner.copy(),
                       state.capital.copy(), state.hostility * PAIR(1.0 - params.hostility_decay),
                       np.zeros(state.batch, dtype=bool))
    wars_per_world = np.bincount(b, minlength=state.batch)

    if params.update_order == "serial" and len(b):
        prio = rng.uniform(state.keys, state.year, rng.Stream.ORDER, (n,))[b, a]
        order = np.lexsort((prio, b))
        b, a, t = b[order], a[order], t[order]
        start = np.searchsorted(b, b)  # first war of each world in sorted order
        rank = np.arange(len(b)) - start
        for r in range(int(rank.max()) + 1):
            sel = rank == r
            bs, as_, ts = b[sel], a[sel], t[sel]
            # A war whose attacker or target was wiped out by an earlier one is off.
            held = territory(scratch.owner, n)
            live = (held[bs, as_] > 0) & (held[bs, ts] > 0)
            _resolve(state, actions, obs, setting, params, scratch, bs[live], as_[live],
                     ts[live], r, events)
    elif len(b):
        _resolve(state, actions, obs, setting, params, scratch, b, a, t, 0, events)

    new_state = _bury_the_dead(state, scratch, setting, params, events)
    return new_state, events, wars_per_world


def _resolve(state: WorldState, actions: Actions, obs: Observation, setting: Setting,
             params: Params, s: _Scratch, b: I64, a: I64, t: I64, round_: int,
             events: list[Events]) -> None:
    """Fight one round of wars (at most one per attacker) and conquer; updates ``s``.

    Participants are kept as sparse lists (war, actor, side, weight), so the
    cost grows with the number of belligerents, not with wars x actors.
    """
    n = state.n_actors
    nw = len(b)
    rows = np.arange(nw)
    # The target's allies: committed to it, alive, not committed to the attacker too.
    k_def = state.alliance[b, :, t]
    hw, hk = np.nonzero(k_def > 0)
    ok = (state.alive[b[hw], hk] & (state.alliance[b[hw], hk, a[hw]] <= 0)
          & (hk != a[hw]) & (hk != t[hw]))
    hw, hk = hw[ok], hk[ok]
    join = actions.join[b[hw], hk]
    abandon = join <= 0
    if abandon.any():
        events.append(Events.make(EventKind.ABANDONED, b[hw[abandon]], hk[abandon],
                                  t[hw[abandon]]))
    help_weight = (k_def[hw, hk] * join)[~abandon]
    hw, hk = hw[~abandon], hk[~abandon]

    # Participants, ordered by war then actor.
    pw = np.concatenate([rows, rows, hw])
    pk = np.concatenate([a, t, hk])
    side = np.concatenate([np.zeros(nw, np.int64), np.ones(nw + len(hw), np.int64)])
    weight = np.concatenate([np.ones(2 * nw), help_weight])
    order = np.lexsort((pk, pw))
    pw, pk, side, weight = pw[order], pk[order], side[order], weight[order]
    pb = b[pw]
    slot = pb * n + pk
    engaged = np.bincount(slot, minlength=state.batch * n)
    committed = weight * (s.military.reshape(-1)[slot] / engaged[slot])
    strength = committed * obs.reach[pb, pk, t[pw]]
    sides = np.bincount(pw * 2 + side, weights=strength, minlength=2 * nw).astype(np.float64)
    s_att, s_def = sides[0::2], sides[1::2]
    p = victory_probability(s_att, s_def, params)
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.WAR, a, sub=round_)
    att_wins = u < p

    total = np.maximum(s_att + s_def, 1e-12)
    frac = np.where(side == 0, (params.destructiveness * s_def / total)[pw],
                    (params.destructiveness * s_att / total)[pw])
    loss = committed * frac
    lost = np.bincount(slot, weights=loss, minlength=state.batch * n)
    s.military -= lost.reshape(state.batch, n)
    np.maximum(s.military, 0.0, out=s.military)
    hit, count_hit = unique_counts(np.concatenate([b * n + a, b * n + t]))
    flat_prod = s.productivity.reshape(-1)
    flat_prod[hit] *= detmath.power(1.0 - params.war_damage, count_hit)

    # Nuclear threshold: the side facing defeat may escalate.
    nuc_side = np.zeros(2 * nw, dtype=np.int64)
    np.maximum.at(nuc_side, pw * 2 + side, state.nuclear.reshape(-1)[slot].astype(np.int64))
    nuc_att, nuc_def = nuc_side[0::2], nuc_side[1::2]
    loser_nuc = np.where(att_wins, nuc_def, nuc_att)
    winner_nuc = np.where(att_wins, nuc_att, nuc_def)
    esc_u = rng.uniform_at(state.keys[b], state.year, rng.Stream.ESCALATION, a, sub=round_)
    escalate = (loser_nuc >= 1) & (esc_u < params.nuclear_escalation)
    mutual = escalate & (winner_nuc >= 1)
    one_sided = escalate & ~mutual
    if escalate.any():
        dev = 1.0 - params.nuclear_devastation
        hit_a = mutual | (one_sided & ~att_wins)  # attacker hit when it was winning
        hit_t = mutual | (one_sided & att_wins)
        victims = np.concatenate([b[hit_a] * n + a[hit_a], b[hit_t] * n + t[hit_t]])
        hit = np.bincount(victims, minlength=state.batch * n).reshape(state.batch, n)
        factor = detmath.power(dev, hit)
        s.productivity *= factor
        s.military *= factor
        escalator = np.where(att_wins, t, a)
        enemy = np.where(att_wins, a, t)
        events.append(Events.make(EventKind.NUCLEAR_WAR, b[escalate], escalator[escalate],
                                  enemy[escalate], mutual[escalate].astype(float)))
        att_wins = np.where(one_sided, ~att_wins, att_wins)

    size = np.bincount(pw, weights=loss, minlength=nw)
    events.append(Events.make(EventKind.WAR_WON, b[att_wins], a[att_wins], t[att_wins],
                              size[att_wins]))
    events.append(Events.make(EventKind.WAR_LOST, b[~att_wins], a[~att_wins], t[~att_wins],
                              size[~att_wins]))
    helper = (side == 1) & (pk != t[pw])
    events.append(Events.make(EventKind.WAR_JOINED, pb[helper], pk[helper], t[pw[helper]],
                              committed[helper]))

    # The defending side remembers the aggression (balance of threat).
    # (world, defender, attacker) is unique within a round: each attacker fights once.
    defender = side == 1
    s.hostility.reshape(-1)[slot[defender] * n + a[pw[defender]]] += 1.0

    decided = ~mutual
    winner_side = np.where(att_wins, 0, 1)
    winners = (side == winner_side[pw]) & decided[pw]
    if winners.any():
        loser = np.where(att_wins, t, a)
        won = np.zeros(state.batch * n * n, dtype=bool)
        won[slot[winners] * n + loser[pw[winners]]] = True
        lost_b, lost_a = b[decided], loser[decided]
        _conquer(state, setting, params, s, won, lost_b, lost_a, round_, events)


def _conquer(state: WorldState, setting: Setting, params: Params, s: _Scratch,
             won: np.ndarray, lost_b: I64, lost_a: I64, round_: int,
             events: list[Events]) -> None:
    """Move frontier provinces of losers to adjacent winners (``won[b, x, loser]``).

    Only the losers' provinces are examined: for each, the links ending there
    (a CSR index of the map) name the neighbours that may claim it.
    """
    n, p = state.n_actors, setting.n_provinces
    worlds = sorted_unique(lost_b)
    row_of = np.full(state.batch, -1, dtype=np.int64)
    row_of[worlds] = np.arange(len(worlds))
    loser_flag = np.zeros((len(worlds), n + 1), dtype=bool)  # column n: unowned
    loser_flag[row_of[lost_b], lost_a] = True
    owner = s.owner[worlds]
    qw, q = np.nonzero(np.take_along_axis(loser_flag, np.where(owner >= 0, owner, n), axis=1))
    if not len(qw):
        return
    # Expand each loser province into the links that end at it.
    start, stop = setting.in_ptr[q], setting.in_ptr[q + 1]
    counts = stop - start
    rep = np.repeat(np.arange(len(q)), counts)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)
    cl = setting.in_links[start[rep] + offset]
    cw = qw[rep]
    claimer = owner[cw, setting.link_src[cl]]
    held_by = owner[cw, q[rep]]
    ok = (claimer >= 0) & (claimer != held_by)
    ok[ok] = won[(worlds[cw[ok]] * n + claimer[ok]) * n + held_by[ok]]
    cw, cl, claimer = cw[ok], cl[ok], claimer[ok]
    if not len(cw):
        return
    keys = state.keys[worlds]
    prio = rng.uniform_at(keys[cw], state.year, rng.Stream.CLAIM, cl, sub=round_)
    key = (prio * 2**16).astype(np.int64) << 20 | claimer
    flat_best = np.full(len(worlds) * p, -1, dtype=np.int64)
    np.maximum.at(flat_best, cw * p + setting.link_dst[cl], key)
    best = flat_best.reshape(len(worlds), p)
    bw, bq = np.nonzero(best >= 0)
    u = rng.uniform_at(keys[bw], state.year, rng.Stream.CONQUEST, bq, sub=round_)
    taken = np.zeros_like(best, dtype=bool)
    taken[bw, bq] = u < params.conquest_rate
    if not taken.any():
        return
    claimant = best & ((1 << 20) - 1)
    new_owner = np.where(taken, claimant, owner)

    if params.capital_loss_kills:
        # A fallen capital hands all of its owner's provinces to the captor.
        cap = s.capital[worlds]
        tw, tq = np.nonzero(taken)
        old = owner[tw, tq]
        fell = cap[tw, old] == tq
        heir = np.full((len(worlds), n + 1), -1, dtype=np.int64)
        heir[tw[fell], old[fell]] = claimant[tw[fell], tq[fell]]
        inherited = np.take_along_axis(heir, np.where(owner >= 0, owner, n), axis=1)
        new_owner = np.where(inherited >= 0, inherited, new_owner)

    moved = new_owner != owner
    tw, tq = np.nonzero(moved)
    codes, counts = unique_counts((tw * n + new_owner[tw, tq]) * n + owner[tw, tq])
    cw2, rest = np.divmod(codes, n * n)
    winner, victim = np.divmod(rest, n)
    events.append(Events.make(EventKind.CONQUEST, worlds[cw2], winner, victim,
                              counts.astype(float)))
    s.owner[worlds] = new_owner
    s.changed[worlds[sorted_unique(tw)]] = True


def _bury_the_dead(state: WorldState, s: _Scratch, setting: Setting, params: Params,
                   events: list[Events]) -> WorldState:
    """Kill actors without provinces, move fallen capitals, refresh cached borders.

    Only worlds whose borders changed this year can have deaths or fallen
    capitals, so only they are examined.
    """
    changed = np.flatnonzero(s.changed)
    if not len(changed):
        return state.replace(military=s.military, productivity=s.productivity,
                             hostility=s.hostility)
    n = state.n_actors
    owner = s.owner[changed]
    count = territory(owner, n)
    was_alive = state.alive[changed]
    alive_c = was_alive & (count > 0)
    died = was_alive & ~alive_c
    capital = s.capital[changed]
    cap_owner = np.take_along_axis(owner, np.maximum(capital, 0), axis=1)
    lost_capital = alive_c & (cap_owner != np.arange(n)[None, :])
    if lost_capital.any():
        owned = owner >= 0
        bins = np.where(owned, np.arange(len(changed))[:, None] * n + owner, len(changed) * n)
        rank_key = np.where(owned, setting.value_rank[None, :], -1)
        best = np.full(len(changed) * n + 1, -1, dtype=np.int64)
        np.maximum.at(best, bins.ravel(), rank_key.ravel())
        by_rank = np.argsort(setting.value_rank)
        new_cap = by_rank[np.maximum(best[:-1].reshape(len(changed), n), 0)]
        capital = np.where(lost_capital, new_cap, capital)
    if died.any():
        dw, di = np.nonzero(died)
        events.append(Events.make(EventKind.DEATH, changed[dw], di, cap_owner[dw, di]))
    capital = np.where(alive_c, capital, -1)

    alive = state.alive.copy()
    alive[changed] = alive_c
    full_capital = s.capital.copy()
    full_capital[changed] = capital
    military, productivity, wealth = s.military, s.productivity, state.wealth.copy()
    military[changed] = np.where(alive_c, military[changed], 0.0)
    productivity[changed] = np.where(alive_c, productivity[changed], 0.0)
    wealth[changed] = np.where(alive_c, wealth[changed], 0.0)
    alliance = state.alliance
    dw, di = np.nonzero(died)
    if len(dw):
        alliance = alliance.copy()
        alliance[changed[dw], di, :] = 0.0
        alliance[changed[dw], :, di] = 0.0
    pair = alive_c[:, :, None] & alive_c[:, None, :]
    adjacent = state.adjacent.copy()
    adjacent[changed] = adjacency(owner, n, setting) & pair
    base = state.base.copy()
    fresh_base, _ = territorial_base(owner, capital, n, setting, params, state.year)
    base[changed] = np.where(alive_c, fresh_base, 0.0)
    cached = {"adjacent": adjacent, "base": base}
    mw, mi = np.nonzero(capital != state.capital[changed])
    if len(mw):
        # Capitals moved (or their actors died): re-measure only those actors' rows and
        # columns; the distance and the gradient are symmetric.
        distance, reach_ = state.capital_distance.copy(), state.reach.copy()
        gw = changed[mw]
        caps = np.maximum(full_capital[gw], 0)
        rows = setting.distance[np.maximum(full_capital[gw, mi], 0)[:, None], caps]
        gradient_rows = reach(rows, params, state.year)
        distance[gw, mi, :] = rows
        distance[gw, :, mi] = rows
        reach_[gw, mi, :] = gradient_rows
        reach_[gw, :, mi] = gradient_rows
        cached.update(capital_distance=distance, reach=reach_)
    return state.replace(alive=alive, military=military, productivity=productivity,
                         wealth=wealth, owner=s.owner, capital=full_capital,
                         hostility=s.hostility, alliance=alliance, **cached)
