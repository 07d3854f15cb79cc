"""Reputation and memory: who abandoned, exploited or attacked whom, and what it costs them.

Realists say the non-balancing policies are expedients that others see
through. Actors therefore remember, in decaying (B, N, N) arrays of the
state (``Params.memory_decay`` a year):

- **abandonment** (``WorldState.abandonment[b, i, j]``): j was allied to
  someone who was attacked and sent nothing (an ``abandoned`` event), or only
  a token share below 0.25 of its forces (balking, weight
  ``Params.balk_weight``). The abandoned ally remembers it with weight 1,
  every other actor with ``Params.reputation_spread`` (reputations are public
  but second-hand: Crescenzi 2007, "Reputation and interstate conflict",
  *AJPS* 51(2); Mercer 1996, *Reputation and International Politics*, doubts
  they travel at all, which ``reputation_spread = 0`` models).
- **exploitation** (``WorldState.exploitation[b, i, j]``): j struck late
  (a jackal's strike, a ``late_entry`` event): it attacked an actor that i
  had fought last year while j itself had fought no one and was not i's ally
  (Schweller 1994 on jackals; an ally entering late, or a strike on a target
  that threatened the striker itself, is balancing: Mearsheimer 2001, ch. 8;
  threatened means the target is its top threat at ``Params.balance_threshold``
  times its own share or more, the test the balancers use); or j
  allied with its own top threat when that actor is also i's top threat
  (bandwagoning, alignment with the source of danger: Walt 1987), weight
  ``Params.bandwagon_weight``. Spread to witnesses as above.
- **aggression** is the existing ``WorldState.hostility`` (war phase).

Memory is used: an actor refuses alliance offers from anyone it distrusts
(abandonment plus exploitation at least ``Params.distrust_threshold``:
an ``alliance_refused`` event) and breaks existing alliances with them;
external balancers punish bandwagoners and late strikers they remember
(:mod:`powerbalance.strategies.external_balancer`).
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.actions import Actions
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import nonzero, sorted_unique
from powerbalance.model.perception import Observation
from powerbalance.model.state import F32, F64, I64, WorldState, any_set, none_chosen
from powerbalance.params import Params

#: Below this share of its forces an ally's help counts as balking.
TOKEN_SHARE = 0.25


def distrust(state: WorldState) -> F32:
    """(B, N, N) i's remembered abandonment plus exploitation by j."""
    return np.asarray(state.abandonment + state.exploitation, dtype=np.float32)


def screen_offers(state: WorldState, actions: Actions,
                  params: Params) -> tuple[Actions, list[Events]]:
    """Refuse offers from distrusted actors before diplomacy; return actions and events.

    An offer from i to j is refused (and withdrawn) when j would accept offers
    this year but distrusts i at least ``Params.distrust_threshold``.
    """
    if none_chosen(actions.offer):
        return actions, []
    bw, i = nonzero(state.alive & (actions.offer >= 0))
    if not len(bw):
        return actions, []
    j = actions.offer[bw, i]
    level = state.abandonment[bw, j, i] + state.exploitation[bw, j, i]
    refuse = ((level >= params.distrust_threshold) & actions.accept[bw, j] & state.alive[bw, j]
              & (state.alliance[bw, i, j] <= 0) & (j != i))
    if not refuse.any():
        return actions, []
    offer = actions.offer.copy()
    offer[bw[refuse], i[refuse]] = -1
    ev = Events.make(EventKind.ALLIANCE_REFUSED, bw[refuse], j[refuse], i[refuse], level[refuse])
    return actions.replace(offer=offer), [ev]


def _record(memory: np.ndarray, b: I64, victim: I64, culprit: I64, weight: F64,
            spread: float) -> None:
    """Add ``weight`` to the victim's memory of the culprit, ``spread * weight`` to others'."""
    if not len(b):
        return
    _, n, _ = memory.shape
    flat = memory.reshape(-1)
    if spread > 0:
        # Each record adds to its column (b, :, culprit), np.add.at's sums (float32 cell +
        # float64 weight, rounded to float32, in record order) by fancy-indexed adds
        # without np.add.at's per-element cost (N cells a record): records in rounds, the
        # r-th record of each column in round r, so a round's columns are distinct (each
        # cell added to once) and a column's records add in their order.
        ws = weight * spread
        for sel in _rounds(b * n + culprit):
            memory[b[sel], :, culprit[sel]] += ws[sel][:, None]
        np.add.at(flat, (b * n + victim) * n + culprit, weight * (1.0 - spread))
        memory[b, culprit, culprit] = 0.0
    else:
        np.add.at(flat, (b * n + victim) * n + culprit, weight)


def _rounds(code: I64) -> list[slice | I64]:
    """Positions of ``code`` in rounds: round r holds each value's r-th occurrence (one
    round, all positions, when the values are distinct)."""
    if len(code) == 1 or len(sorted_unique(code)) == len(code):
        return [slice(None)]
    order = np.argsort(code, kind="stable")
    ranked = code[order]
    start = np.ones(len(code), dtype=bool)
    start[1:] = ranked[1:] != ranked[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(code)), 0))
    rank = np.empty(len(code), dtype=np.int64)
    rank[order] = np.arange(len(code)) - first
    return [np.flatnonzero(rank == r) for r in range(int(rank.max()) + 1)]


def remember(state: WorldState, actions: Actions, obs: Observation, year_events: list[Events],
             params: Params) -> tuple[WorldState, list[Events]]:
    """Update memories from this year's events; break alliances with the distrusted."""
    n = state.n_actors
    ev = year_events[0] if len(year_events) == 1 else Events.concat(year_events)
    keep = np.float32(1.0 - params.memory_decay)
    # A memory that is all zero stays the same array until something is recorded in it
    # (then it is copied: states are never modified in place).
    if obs.setting.engine == "compiled":  # (the same test, stopping at the first memory)
        from powerbalance.model.compiled import any_set as some
    else:
        some = any_set
    aband = state.abandonment * keep if some(state.abandonment) else state.abandonment
    expl = state.exploitation * keep if some(state.exploitation) else state.exploitation
    if not len(ev):  # a quiet year (most of a small world's): memories only fade
        return state.replace(abandonment=aband, exploitation=expl,
                             fought=np.zeros(state.fought.shape, dtype=bool)), []
    out: list[Events] = []
    culprits: list[tuple[I64, I64]] = []

    # Abandonment, and balking (a token share).
    sel = ev.kind == EventKind.ABANDONED
    b, k, t = ev.world[sel], ev.actor[sel], ev.other[sel]
    w = np.ones(len(b))
    joined = ev.kind == EventKind.WAR_JOINED
    jb, jk, jt = ev.world[joined], ev.actor[joined], ev.other[joined]
    war_sel = (ev.kind == EventKind.WAR_WON) | (ev.kind == EventKind.WAR_LOST)
    wb, wa, wt = ev.world[war_sel], ev.actor[war_sel], ev.other[war_sel]
    # (np.zeros, calloc, rather than zeros_like, an empty array and a fill of it.)
    attacked = np.zeros(state.fought.shape, dtype=bool)
    attacked[wb, wa, wt] = True
    # A token share counts as balking only in an ally's defence (offensive help is a
    # favour, not an obligation).
    defending = attacked[jb, :, jt].any(axis=1) if len(jb) else np.zeros(0, dtype=bool)
    token = (actions.join[jb, jk] < TOKEN_SHARE) & defending
    if token.any():
        b = np.concatenate([b, jb[token]])
        k = np.concatenate([k, jk[token]])
        t = np.concatenate([t, jt[token]])
        w = np.concatenate([w, np.full(int(token.sum()), params.balk_weight)])
    if len(b):
        if aband is state.abandonment:
            aband = aband.copy()
        _record(aband, b, t, k, w, params.reputation_spread)
        culprits.append((b, k))

    # Who fought whom this year.
    fought = np.zeros(state.fought.shape, dtype=bool)
    fought[wb, wa, wt] = True
    fought[wb, wt, wa] = True
    if len(jb):
        # A helper fought the enemies of the principal it helped: its attackers, or the
        # targets it attacked.
        enemies = attacked[jb, :, jt] | attacked[jb, jt, :]
        r, a = nonzero(enemies)
        fought[jb[r], jk[r], a] = True
        fought[jb[r], a, jk[r]] = True

    # Late entry (buck-passing): a attacks t, which z fought last year, while a fought no one.
    if len(wb):
        prev = state.fought
        others = prev[wb, wt].copy()
        others[np.arange(len(wb)), wa] = False
        late = ~prev[wb, wa].any(axis=1) & others.any(axis=1)
        # A strike on a target that threatens the striker itself (its top threat, at least
        # balance_threshold times its own share) is balancing against it, not a jackal's raid.
        late &= ~((obs.top_threat[wb, wa] == wt)
                  & (obs.top_threat_level[wb, wa] >= params.balance_threshold * obs.share[wb, wa]))
        # Joining a war on the side of one who fought t is balancing, not exploitation.
        others &= ~(state.alliance[wb, wa] > 0)
        r, z = nonzero(others & late[:, None])
        if len(r):
            lb, la, lt = wb[r], wa[r], wt[r]
            if expl is state.exploitation:
                expl = expl.copy()
            _record(expl, lb, z, la, np.ones(len(r)), params.reputation_spread)
            out.append(Events.make(EventKind.LATE_ENTRY, lb, la, z, lt.astype(float)))
            culprits.append((lb, la))

    # Bandwagoning: x allies with y, the actor that threatens x most, and y is also o's
    # top threat (balancers ally *against* their top threat, so they are not suspected).
    formed = ev.kind == EventKind.ALLIANCE_FORMED
    if formed.any() and params.bandwagon_weight > 0:
        fb, lo, hi = ev.world[formed], ev.actor[formed], ev.other[formed]
        fb2 = np.concatenate([fb, fb])
        x = np.concatenate([lo, hi])
        y = np.concatenate([hi, lo])
        with_threat = obs.top_threat[fb2, x] == y
        fb2, x, y = fb2[with_threat], x[with_threat], y[with_threat]
        watchers = obs.top_threat[fb2] == y[:, None]
        rows = np.arange(len(fb2))
        watchers[rows, x] = False
        watchers[rows, y] = False
        r, o = nonzero(watchers & state.alive[fb2])
        if len(r):
            if expl is state.exploitation:
                expl = expl.copy()
            np.add.at(expl.reshape(-1), (fb2[r] * n + o) * n + x[r], params.bandwagon_weight)
            culprits.append((fb2[r], x[r]))

    changes: dict[str, np.ndarray] = {"abandonment": aband, "exploitation": expl,
                                      "fought": fought}
    # Only entries recorded this year can have crossed the threshold (decay only lowers
    # distrust), and each record touches column [b, :, culprit]: check those columns.
    if culprits:
        cb = np.concatenate([c[0] for c in culprits])
        ck = np.concatenate([c[1] for c in culprits])
        code = sorted_unique(cb * n + ck)
        cb, ck = np.divmod(code, n)
        level = aband[cb, :, ck] + expl[cb, :, ck]
        bad = (state.alliance[cb, :, ck] > 0) & (level >= params.distrust_threshold)
        r, holder = nonzero(bad)
        if len(r):
            bw_, x, y = cb[r], holder, ck[r]
            lo, hi = np.minimum(x, y), np.maximum(x, y)
            pairs = sorted_unique((bw_ * n + lo) * n + hi)
            pw, rest = np.divmod(pairs, n * n)
            plo, phi = np.divmod(rest, n)
            out.append(Events.make(EventKind.ALLIANCE_BROKEN, pw, plo, phi))
            alliance = state.alliance.copy()
            alliance[pw, plo, phi] = 0.0
            alliance[pw, phi, plo] = 0.0
            changes["alliance"] = alliance
    return state.replace(**changes), out
