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
from powerbalance.model.derived import derive, territory
from powerbalance.model.deterrence import deterrence
from powerbalance.model.events import EventKind, Events
from powerbalance.model.perception import Observation
from powerbalance.model.state import F64, I64, Setting, WorldState
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
    hostility: F64
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
                       state.capital.copy(), state.hostility * (1.0 - params.hostility_decay),
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
    """Fight one round of wars (at most one per attacker) and conquer; updates ``s``."""
    n = state.n_actors
    nw = len(b)
    rows = np.arange(nw)
    alive_w = state.alive[b]
    k_def = state.alliance[b, :, t]
    k_att = state.alliance[b, :, a]
    helper = (k_def > 0) & alive_w & (k_att <= 0)
    helper[rows, a] = False
    helper[rows, t] = False
    join = actions.join[b]
    w_def = np.where(helper, k_def * join, 0.0)
    abandon = helper & (join <= 0)
    if abandon.any():
        wi, k = np.nonzero(abandon)
        events.append(Events.make(EventKind.ABANDONED, b[wi], k, t[wi]))
    w_def[rows, t] = 1.0
    w_att = np.zeros_like(w_def)
    w_att[rows, a] = 1.0

    engaged = (w_att > 0) | (w_def > 0)
    wi, k = np.nonzero(engaged)
    count = np.bincount(b[wi] * n + k, minlength=state.batch * n).reshape(state.batch, n)
    forces = s.military[b] / np.maximum(count[b], 1)
    reach = obs.reach[b, :, t]
    c_att = w_att * forces
    c_def = w_def * forces
    s_att = (c_att * reach).sum(axis=1)
    s_def = (c_def * reach).sum(axis=1)
    p = victory_probability(s_att, s_def, params)
    u = rng.uniform(state.keys, state.year, rng.Stream.WAR, (n,), sub=round_)[b, a]
    att_wins = u < p

    total = np.maximum(s_att + s_def, 1e-12)
    loss = (c_att * (params.destructiveness * s_def / total)[:, None]
            + c_def * (params.destructiveness * s_att / total)[:, None])
    wi, k = np.nonzero(loss > 0)
    lost = np.bincount(b[wi] * n + k, weights=loss[wi, k], minlength=state.batch * n)
    s.military -= lost.reshape(state.batch, n)
    np.maximum(s.military, 0.0, out=s.military)
    hits = np.bincount(np.concatenate([b * n + a, b * n + t]), minlength=state.batch * n)
    s.productivity *= detmath.power(1.0 - params.war_damage, hits.reshape(state.batch, n))

    # Nuclear threshold: the side facing defeat may escalate.
    nuc = state.nuclear[b].astype(np.int64)
    nuc_att = np.where(w_att > 0, nuc, 0).max(axis=1)
    nuc_def = np.where(w_def > 0, nuc, 0).max(axis=1)
    loser_nuc = np.where(att_wins, nuc_def, nuc_att)
    winner_nuc = np.where(att_wins, nuc_att, nuc_def)
    esc_u = rng.uniform(state.keys, state.year, rng.Stream.ESCALATION, (n,), sub=round_)[b, a]
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

    size = loss.sum(axis=1)
    events.append(Events.make(EventKind.WAR_WON, b[att_wins], a[att_wins], t[att_wins],
                              size[att_wins]))
    events.append(Events.make(EventKind.WAR_LOST, b[~att_wins], a[~att_wins], t[~att_wins],
                              size[~att_wins]))
    wi, k = np.nonzero(w_def > 0)
    join_sel = k != t[wi]
    events.append(Events.make(EventKind.WAR_JOINED, b[wi][join_sel], k[join_sel],
                              t[wi][join_sel], c_def[wi, k][join_sel]))

    # The defending side remembers the aggression (balance of threat).
    wi, k = np.nonzero(w_def > 0)
    grudge = np.bincount((b[wi] * n + k) * n + a[wi], minlength=state.batch * n * n)
    s.hostility += grudge.reshape(state.batch, n, n)

    decided = ~mutual
    winners = np.where(att_wins[:, None], w_att > 0, w_def > 0) & decided[:, None]
    loser = np.where(att_wins, t, a)
    wi, k = np.nonzero(winners)
    if len(wi):
        won = np.zeros(state.batch * n * n, dtype=bool)
        won[(b[wi] * n + k) * n + loser[wi]] = True
        _conquer(state, setting, params, s, won, np.unique(b), round_, events)


def _conquer(state: WorldState, setting: Setting, params: Params, s: _Scratch,
             won: np.ndarray, worlds: I64, round_: int, events: list[Events]) -> None:
    """Move frontier provinces of losers to adjacent winners (``won[b, x, loser]``)."""
    n, p = state.n_actors, setting.n_provinces
    src, dst = setting.link_src, setting.link_dst
    owner = s.owner[worlds]
    o_src, o_dst = owner[:, src], owner[:, dst]
    valid = (o_src >= 0) & (o_dst >= 0) & (o_src != o_dst)
    flat = (worlds[:, None] * n + np.where(valid, o_src, 0)) * n + np.where(valid, o_dst, 0)
    claim = valid & won[flat]
    cw, cl = np.nonzero(claim)
    if not len(cw):
        return
    keys = state.keys[worlds]
    prio = rng.uniform(keys, state.year, rng.Stream.CLAIM, (len(src),), sub=round_)[cw, cl]
    key = (prio * 2**16).astype(np.int64) << 20 | o_src[cw, cl]
    flat_best = np.full(len(worlds) * p, -1, dtype=np.int64)
    np.maximum.at(flat_best, cw * p + dst[cl], key)
    best = flat_best.reshape(len(worlds), p)
    u = rng.uniform(keys, state.year, rng.Stream.CONQUEST, (p,), sub=round_)
    taken = (best >= 0) & (u < params.conquest_rate)
    if not taken.any():
        return
    claimant = best & ((1 << 20) - 1)
    new_owner = np.where(taken, claimant, owner)

    if params.capital_loss_kills:
        cap = s.capital[worlds]
        tw, q = np.nonzero(taken)
        old = owner[tw, q]
        fell = cap[tw, old] == q
        for w_i, victim, captor in zip(tw[fell], old[fell], claimant[tw[fell], q[fell]],
                                       strict=True):
            new_owner[w_i] = np.where(owner[w_i] == victim, captor, new_owner[w_i])

    moved = new_owner != owner
    tw, q = np.nonzero(moved)
    codes, counts = np.unique((tw * n + new_owner[tw, q]) * n + owner[tw, q], return_counts=True)
    cw2, rest = np.divmod(codes, n * n)
    winner, victim = np.divmod(rest, n)
    events.append(Events.make(EventKind.CONQUEST, worlds[cw2], winner, victim,
                              counts.astype(float)))
    s.owner[worlds] = new_owner
    s.changed[worlds[np.unique(tw)]] = True


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
    alliance = state.alliance.copy()
    alliance[changed] *= alive_c[:, :, None] & alive_c[:, None, :]
    fresh = derive(owner, capital, alive_c, setting, params, state.year)
    cached = {}
    for name in ("adjacent", "capital_distance", "reach", "base"):
        arr = getattr(state, name).copy()
        arr[changed] = getattr(fresh, name)
        cached[name] = arr
    return state.replace(alive=alive, military=military, productivity=productivity,
                         wealth=wealth, owner=s.owner, capital=full_capital,
                         hostility=s.hostility, alliance=alliance, **cached)
