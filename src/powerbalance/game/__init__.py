"""Play the engine: a game for people and environments for learning agents.

- :func:`parallel_env`: a PettingZoo ``ParallelEnv`` (one agent per played actor);
  :class:`PowerBalanceEnv` its Gymnasium single-agent version; :class:`BatchedEnv`
  many worlds at once (:mod:`powerbalance.game.env`).
- :class:`Game`: a game for a person, one turn a year, with an advisor, crises in the
  manner of Crawford's *Balance of Power* (1985) and save/load/replay
  (:mod:`powerbalance.game.session`, :mod:`powerbalance.game.crisis`).

Everything runs on the engine's own :func:`~powerbalance.model.step.step`: played actors
take their moves through its override hook, the others follow their strategies.
The engine never imports this package.
"""

from powerbalance.game.core import World, prestige
from powerbalance.game.env import BatchedEnv, PowerBalanceEnv, PowerBalanceParallelEnv, parallel_env
from powerbalance.game.levers import LEVERS

__all__ = ["LEVERS", "BatchedEnv", "PowerBalanceEnv", "PowerBalanceParallelEnv", "World",
           "parallel_env", "prestige"]
