"""Phase 3, policy: every actor's strategy chooses its actions.

All actors decide on the same :class:`~powerbalance.model.perception.Observation`
(synchronous decisions). Each strategy present in the batch decides once for
the whole batch, and each actor keeps the rows of its own strategy.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.strategies import registry
from powerbalance.strategies.base import Actions, Strategy


@cache
def _instance(strategy_id: int) -> Strategy:
    return registry.by_id(strategy_id)()


def decide(obs: Observation) -> Actions:
    """Actions of all actors of the batch under their own strategies."""
    state = obs.state
    actions = Actions.passive(state.batch, state.n_actors, obs.params.base_spend)
    present = np.flatnonzero(np.bincount(state.strategy[state.alive],
                                         minlength=registry.id_count()))
    for sid in present.tolist():
        mask = (state.strategy == sid) & state.alive
        actions = actions.where(mask, _instance(int(sid)).decide(obs, mask))
    return actions
