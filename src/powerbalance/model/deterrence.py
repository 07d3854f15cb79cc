"""Nuclear deterrence (docs/model.md, One year: war and deterrence).

A target is *protected* when it has a secure second strike (``nuclear == 2``)
or a live ally committed to it at least ``Params.extended_commitment`` has one
(extended deterrence: Schelling 1966, *Arms and Influence*). An attack on a
protected target is deterred unless the attacker's resolve is at least
``Params.resolve_threshold`` (an actor willing to be destroyed cannot be
deterred) or an accident / miscalculation happens (probability
``Params.deterrence_accident``; Sagan 1993, *The Limits of Safety*).
Deterrence covers only the nuclear powers and their committed allies: wars
elsewhere (proxy wars) go on.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from powerbalance import rng
from powerbalance.model.state import I64, WorldState
from powerbalance.params import Params

BoolA = npt.NDArray[np.bool_]


def deterrence(state: WorldState, b: I64, a: I64, t: I64,
               params: Params) -> tuple[BoolA, BoolA, BoolA]:
    """For wars (b, a -> t): (deterred, failed, accident) masks.

    ``failed`` marks attacks that go ahead against a protected target;
    ``accident`` those among them that went ahead by accident.
    """
    nuc2 = state.nuclear[b] == 2
    ally = (state.alliance[b, :, t] >= params.extended_commitment) & nuc2 & state.alive[b]
    ally[np.arange(len(b)), a] = False
    protected = (state.nuclear[b, t] == 2) | ally.any(axis=1)
    resolute = state.resolve[b, a] >= params.resolve_threshold
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.DETERRENCE, a)
    accident = u < params.deterrence_accident
    deterred = protected & ~resolute & ~accident
    failed = protected & ~deterred
    return deterred, failed, failed & accident & ~resolute
