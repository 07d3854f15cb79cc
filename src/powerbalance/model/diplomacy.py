"""Phase 4, diplomacy: alliances form and dissolve.

An alliance forms when an actor offers one and the other accepts: it must be
alive, open to offers this year, not leaving its alliances, the proposer must
not be its own top threat, and the proposer's capability share must be at
least the accepter's ``accept_ratio`` times its own (a balker joins only when
pressed by a stronger ally). Both become committed to each other with
``Params.alliance_commitment``, and the alliance records the threat it is
aimed at: the proposer's top threat (Walt 1987: alliances answer a threat).

An actor that leaves dissolves all its alliances; one that leaves one named ally
(``Actions.leave_ally``, the hegemon-seeker's gradual exit) dissolves that alliance only. An
actor that leaves
*passed* alliances (``Actions.leave_passed``, the external balancer) dissolves
only those whose threat has passed: the recorded threat is dead, or it
threatens neither member by more than ``balance_exit`` times that member's own
capability (an alliance without a recorded threat, such as one in force at the
start, is judged against the leaver's current top threat). A great power
therefore keeps the alliances that protect weaker partners from a rival that
does not threaten itself. Nothing is hard-wired: any pair can ally and part
again ("no permanent friends, no permanent enemies": Palmerston, 1848).
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.actions import Actions
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import nonzero, sorted_unique
from powerbalance.model.perception import Observation
from powerbalance.model.state import I64, PAIR, WorldState, none_chosen
from powerbalance.params import Params

#: No (world, actor) pairs.
_NOBODY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def diplomacy(state: WorldState, actions: Actions, obs: Observation,
              params: Params) -> tuple[WorldState, list[Events]]:
    """Apply leaving and offers; return the new state and alliance events."""
    alive = state.alive
    # Copied at the first change (a year without one keeps the same array: the state is
    # immutable, so an unchanged array is shared).
    k = state.alliance
    events: list[Events] = []

    leave = actions.leave & alive
    lw, li = nonzero(leave)
    pw_, pi_ = nonzero(actions.leave_passed & alive & ~leave)
    ow, oi = (_NOBODY if none_chosen(actions.leave_ally)
              else nonzero(alive & ~leave & (actions.leave_ally >= 0)))
    if len(lw) or len(pw_) or len(ow):
        # Only the leavers' rows matter: dissolve each of their alliances both ways.
        rows = k[lw, li] > 0
        ri, j = nonzero(rows)
        bw, i = lw[ri], li[ri]
        if len(pw_):
            pb, pi, pj = _passed(state, obs, params, pw_, pi_)
            bw, i, j = np.concatenate([bw, pb]), np.concatenate([i, pi]), np.concatenate([j, pj])
        if len(ow):  # one named alliance each (Actions.leave_ally), if it is in force
            oj = actions.leave_ally[ow, oi]
            held = k[ow, oi, oj] > 0
            bw = np.concatenate([bw, ow[held]])
            i, j = np.concatenate([i, oi[held]]), np.concatenate([j, oj[held]])
        if len(bw):  # (most years no alliance ends)
            lo, hi = np.minimum(i, j), np.maximum(i, j)
            n = state.n_actors
            codes = sorted_unique((bw * n + lo) * n + hi)  # two leavers share one event
            ew, rest = np.divmod(codes, n * n)
            elo, ehi = np.divmod(rest, n)
            events.append(Events.make(EventKind.ALLIANCE_BROKEN, ew, elo, ehi))
            k = k.copy()
            k[ew, elo, ehi] = 0.0
            k[ew, ehi, elo] = 0.0
            if state.pact_offence[ew, elo, ehi].any():  # a treaty's obligation ends with it
                pact = state.pact_offence.copy()
                pact[ew, elo, ehi] = pact[ew, ehi, elo] = 0.0
                state = state.replace(pact_offence=pact)

    compiled_offers = obs.setting.engine == "compiled" and not none_chosen(actions.offer)
    if compiled_offers:  # the offers and the tests below in one pass, the same ones
        from powerbalance.model import compiled

        bw, i, j = compiled.accepted_offers(obs, actions, leave, k)
    else:
        bw, i = _NOBODY if none_chosen(actions.offer) else nonzero(alive & (actions.offer >= 0))
    if len(bw):
        if not compiled_offers:
            j = actions.offer[bw, i]
            ok = (
                alive[bw, j] & (j != i) & actions.accept[bw, j] & ~leave[bw, j]
                & (obs.top_threat[bw, j] != i) & (k[bw, i, j] <= 0)
                & (obs.share[bw, i] >= actions.accept_ratio[bw, j] * obs.share[bw, j])
            )
            bw, i, j = bw[ok], i[ok], j[ok]
        if len(bw):
            aim = state.aim.copy()
            target = obs.top_threat[bw, i].astype(np.int16)
            aim[bw, i, j] = target
            aim[bw, j, i] = target
            state = state.replace(aim=aim)
            lo, hi = np.minimum(i, j), np.maximum(i, j)
            n = state.n_actors
            codes = sorted_unique((bw * n + lo) * n + hi)
            fw, rest = np.divmod(codes, n * n)
            flo, fhi = np.divmod(rest, n)
            if k is state.alliance:
                k = k.copy()
            k[fw, flo, fhi] = params.alliance_commitment
            k[fw, fhi, flo] = params.alliance_commitment
            events.append(Events.make(EventKind.ALLIANCE_FORMED, fw, flo, fhi))
    return (state if k is state.alliance else state.replace(alliance=k)), events


def _passed(state: WorldState, obs: Observation, params: Params, bw: I64,
            i: I64) -> tuple[I64, I64, I64]:
    """(world, actor, ally) of the alliances of actors (bw, i) whose threat has passed."""
    if obs.setting.engine == "compiled":
        from powerbalance.model import compiled

        return compiled.passed(obs, params, bw, i)
    n = state.n_actors
    own_row = bw * n + i
    # (np.flatnonzero and divmod: several times faster than np.nonzero on a 2-D mask.)
    ri, j = np.divmod(np.flatnonzero(np.take(state.alliance.reshape(-1, n), own_row, axis=0)
                                     > 0), n)
    b, i, row = bw[ri], i[ri], own_row[ri]
    aim = state.aim.reshape(-1)[row * n + j].astype(np.int64)
    if (aim < 0).any():
        aim = np.where(aim >= 0, aim, obs.top_threat.reshape(-1)[row])
    # held(b, x, T): T still threatens x by balance_exit times x's capability (a dead T
    # threatens nobody). First the leaver's own view (most alliances stop there), then the
    # partner's for the rest. Read only at the cells asked for, not over the whole
    # (B, N, N) threat (the same comparisons, so the same answers).
    threat, share = obs.threat.reshape(-1), obs.share.reshape(-1)

    def held(w: I64, x: I64, t: I64) -> np.ndarray:
        value = threat[(w * n + x) * n + t]
        return (value >= (params.balance_exit * share[w * n + x]).astype(PAIR)) & (value > 0)

    safe = np.maximum(aim, 0)
    rest = np.flatnonzero(~held(b, i, safe) | (aim < 0))
    b, i, j, aim = b[rest], i[rest], j[rest], aim[rest]
    gone = (aim < 0) | ~held(b, j, np.maximum(aim, 0))
    return b[gone], i[gone], j[gone]
