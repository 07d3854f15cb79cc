"""Phase 3, policy: every actor's strategy chooses its actions.

All actors decide on the same :class:`~powerbalance.model.perception.Observation`
(synchronous decisions). Each strategy present in the batch decides once for
the whole batch, and each actor keeps the rows of its own strategy. An optional
override (:data:`ActionOverride`) then replaces the decisions of some actors (a
player's, a learning agent's); without one the result is the strategies' alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.strategies import registry
from powerbalance.strategies.base import Actions, Strategy

#: ``override(obs, actions) -> actions``: called after the strategies decide, it returns
#: the year's actions with some actors' replaced (e.g. ``actions.where(mask, mine)``).
ActionOverride = Callable[[Observation, Actions], Actions]


@cache
def _instance(strategy_id: int) -> Strategy:
    return registry.by_id(strategy_id)()


def decide(obs: Observation, override: ActionOverride | None = None) -> Actions:
    """Actions of all actors of the batch under their own strategies, then ``override``."""
    state = obs.state
    actions = Actions.passive(state.batch, state.n_actors, obs.params.base_spend)
    present = np.flatnonzero(np.bincount(state.strategy[state.alive],
                                         minlength=registry.id_count()))
    for sid in present.tolist():
        mask = (state.strategy == sid) & state.alive
        actions = actions.where(mask, _instance(int(sid)).decide(obs, mask))
    return actions if override is None else override(obs, actions)
