"""Phase 3, policy: every actor's strategy chooses its actions.

All actors decide on the same :class:`~powerbalance.model.perception.Observation`
(synchronous decisions). Each strategy present in the batch decides once for
the whole batch, and each actor keeps the rows of its own strategy. An optional
override (:data:`ActionOverride`) then replaces the decisions of some actors (a
player's, a learning agent's); without one the result is the strategies' alone.

The core imports no strategy: which strategy an actor's id stands for comes from above,
as the :data:`Policy` of the :class:`~powerbalance.model.state.Setting` (a scenario's
setting carries :func:`powerbalance.strategies.registry.instance`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from powerbalance.model.actions import Actions
from powerbalance.model.perception import Observation
from powerbalance.model.state import BoolA

#: ``override(obs, actions) -> actions``: called after the strategies decide, it returns
#: the year's actions with some actors' replaced (e.g. ``actions.where(mask, mine)``).
ActionOverride = Callable[[Observation, Actions], Actions]


class Decider(Protocol):
    """What the engine asks of a strategy: the actions of the actors of ``mask``."""

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Actions whose values matter where ``mask`` (B, N) is true."""
        ...


#: ``policy(strategy_id) -> Decider``: the strategy an id of ``WorldState.strategy`` stands
#: for (the strategy registry's :func:`~powerbalance.strategies.registry.instance`).
Policy = Callable[[int], Decider]


def decide(obs: Observation, override: ActionOverride | None = None) -> Actions:
    """Actions of all actors of the batch under their own strategies, then ``override``."""
    state, policy = obs.state, obs.setting.policy
    if policy is None:
        raise ValueError("the setting has no policy: build it with Scenario.setting (or "
                         "Setting.build(..., policy=registry.instance))")
    passive = Actions.passive(state.batch, state.n_actors, obs.params.base_spend)
    present = np.flatnonzero(np.bincount(state.strategy[state.alive]))
    choices = []
    # (Each strategy's live actors: one comparison per strategy with the dead set to -1,
    # the same masks as (strategy == sid) & alive since every id is >= 0.)
    live_strategy = np.where(state.alive, state.strategy, -1) if len(present) > 1 else None
    for sid in present.tolist():
        mask = (state.strategy == sid) & state.alive if live_strategy is None \
            else live_strategy == sid
        choices.append((mask, policy(int(sid)).decide(obs, mask)))
    # Each actor keeps its own strategy's rows: passive.where(m1, a1).where(m2, a2)...,
    # merged in one pass.
    actions = passive.where_all(choices)
    return actions if override is None else override(obs, actions)
