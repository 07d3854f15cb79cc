"""One year of the model: the pure function ``step(state, setting, params)``.

Phases, in the order of MODEL.md section 4: economy, perception, policy,
diplomacy, war (with deterrence), bookkeeping. The randomness of a year is a
pure function of the worlds' keys and the year (see :mod:`powerbalance.rng`),
so ``step`` is deterministic given its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from powerbalance.model.diplomacy import diplomacy
from powerbalance.model.economy import economy
from powerbalance.model.events import Events
from powerbalance.model.perception import Observation
from powerbalance.model.policy import decide
from powerbalance.model.state import I64, Setting, WorldState
from powerbalance.model.war import war
from powerbalance.params import Params


@dataclass(frozen=True)
class YearRecord:
    """What one step reports besides the new state."""

    events: Events
    wars: I64
    """(B,) wars fought (not deterred) in each world this year."""


def step(state: WorldState, setting: Setting, params: Params) -> tuple[WorldState, YearRecord]:
    """Advance every world of the batch by one year."""
    state = economy(state, setting, params)
    obs = Observation(state, setting, params)
    actions = decide(obs)
    state = state.replace(spend=np.where(state.alive, actions.spend, 0.0))
    state, diplomatic = diplomacy(state, actions, obs, params)
    state, fighting, wars = war(state, actions, obs, setting, params)
    state = state.replace(year=state.year + 1)
    return state, YearRecord(Events.concat(diplomatic + fighting), wars)
