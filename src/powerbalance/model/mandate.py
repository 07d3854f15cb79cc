"""The concert's mandate: who it would send against an outlaw, and whether it can.

One selection rule shared by the mandate itself (:func:`powerbalance.model.law.intervene`)
and by the deterrent expectation of it (``concert_deterrence``:
:meth:`powerbalance.model.perception.Observation.expected_defence` and
:func:`powerbalance.model.law.expected_intervention`), so that the threat an attacker
weighs is the one the concert would carry out: a self-enforcing expectation, credible
because it would be acted on (Slantchev 2005, "Territory and commitment: the Concert of
Europe as self-enforcing equilibrium", *Security Studies* 14(4)).
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.state import F64, I64, BoolA, WorldState
from powerbalance.params import Params


def opposition(state: WorldState, b: I64, violator: I64, joint: BoolA, params: Params
               ) -> tuple[F64, BoolA, BoolA, F64]:
    """What it takes to contend with each violator (world b, violator): (K, N) the shares,
    the possible opponents (the live actors other than the violator and its allies), the
    violator's allies, and (K,) the capability needed, ``contend_ratio`` times the violator's
    plus its live allies' (Polybius I.83; Oppenheim 1905, s. 51). ``joint`` (K, N) marks the
    concert members acting jointly against it: their alliance with it is no shield. The one
    computation :func:`powerbalance.model.law.coalition` and the concert's mandate share."""
    k = len(b)
    rows = np.arange(k)
    share = state.last_share[b]
    possible = state.alive[b].copy()
    possible[rows, violator] = False
    allied = (state.alliance[b, violator, :] > 0) | (state.alliance[b, :, violator] > 0)
    allied &= ~joint
    possible &= ~allied
    side = share[rows, violator] + np.where(allied & state.alive[b], share, 0.0).sum(axis=1)
    need = params.contend_ratio * side
    return share, possible, allied, need


def interveners(state: WorldState) -> BoolA:
    """(B, N) the concert's interveners (``WorldState.interveners``: every member unless
    ``concert_interveners`` names the Troppau signatories), live or not."""
    assert state.concert is not None
    return state.concert if state.interveners is None else state.interveners


def executor(state: WorldState, b: I64, outlaw: I64, candidates: BoolA, params: Params
             ) -> tuple[I64, F64, BoolA, F64]:
    """The mandate's executor against each outlaw (world b, outlaw): (K,) the strongest of
    ``candidates`` (K, N) by last year's share (the first of equals), or -1 where there is
    none or it cannot contend alone with the outlaw and its allies (its share under
    ``contend_ratio`` times theirs, the live interveners no shield for the outlaw:
    :func:`opposition`), with :func:`opposition`'s shares, the outlaw's allies and the
    capability needed. The congresses mandated one power that could do the job (Schroeder
    1994, *The Transformation of European Politics*, ch. 13)."""
    strongest = np.argmax(np.where(candidates, state.last_share[b], -1.0), axis=1)
    joint = interveners(state)[b] & state.alive[b]
    share, _, allied, need = opposition(state, b, outlaw, joint, params)
    rows = np.arange(len(b))
    can = candidates[rows, strongest] & (share[rows, strongest] >= need)
    return np.where(can, strongest, -1).astype(np.int64), share, allied, need


def deterrent_candidates(state: WorldState, b: I64, outlaw: I64) -> BoolA:
    """(K, N) the candidates for the mandate against each would-be outlaw (world b,
    outlaw), as an attacker expects them: the live interveners other than it that border
    it. Formed from this year's positions: next year's other wars and vetoes, which the
    mandate also weighs (:func:`powerbalance.model.law.intervene`), are not foreseen (a
    stated reading)."""
    near = (interveners(state)[b] & state.alive[b]
            & state.adjacent[b, :, outlaw] & state.alive[b, outlaw][:, None])
    near[np.arange(len(b)), outlaw] = False
    return np.asarray(near)


def expected_executor(state: WorldState, params: Params) -> I64:
    """(B, N) for each live non-member e of the concert, the executor the mandate would
    send against e were e an outlaw (:func:`executor` over :func:`deterrent_candidates`;
    -1: none, or none that can contend alone, and for members and the dead)."""
    assert state.concert is not None
    out = np.full(state.concert.shape, -1, dtype=np.int64)
    b, e = np.nonzero(~state.concert & state.alive)
    if not len(b):
        return out
    b, e = b.astype(np.int64), e.astype(np.int64)
    out[b, e] = executor(state, b, e, deterrent_candidates(state, b, e), params)[0]
    return out
