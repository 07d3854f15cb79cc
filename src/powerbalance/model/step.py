"""One year of the model: the pure function ``step(state, setting, params)``.

Phases, in the order of docs/model.md (One year): economy, perception, policy
(captured actors follow their captor), diplomacy (side payments, offers from
distrusted actors refused, alliances, then subversion), war (with
deterrence), memory of the year (reputation), bookkeeping. The randomness of a year is a
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
from powerbalance.model.reputation import remember, screen_offers
from powerbalance.model.state import F64, I64, Setting, WorldState
from powerbalance.model.subversion import follow_captors, side_payments, subversion
from powerbalance.model.war import war
from powerbalance.params import Params


@dataclass(frozen=True)
class YearRecord:
    """What one step reports besides the new state."""

    events: Events
    wars: I64
    """(B,) wars fought (not deterred) in each world this year."""
    war_losses: F64
    """(B, N) military each actor lost in this year's wars (attrition, nuclear
    devastation, and the forces of actors destroyed)."""


def step(state: WorldState, setting: Setting, params: Params) -> tuple[WorldState, YearRecord]:
    """Advance every world of the batch by one year."""
    state = economy(state, setting, params)
    obs = Observation(state, setting, params)
    actions = follow_captors(state, decide(obs))
    state = state.replace(spend=np.where(state.alive, actions.spend, 0.0))
    state, actions, paid = side_payments(state, actions, params)
    actions, refused = screen_offers(state, actions, params)
    state, diplomatic = diplomacy(state, actions, obs, params)
    state, subverted = subversion(state, actions, obs, setting, params)
    before = state.military
    state, fighting, wars = war(state, actions, obs, setting, params)
    losses = np.maximum(before - state.military, 0.0)
    state, remembered = remember(state, actions, obs, fighting + diplomatic, params)
    state = state.replace(year=state.year + 1)
    events = Events.concat(paid + refused + diplomatic + subverted + fighting + remembered)
    return state, YearRecord(events, wars, losses)
