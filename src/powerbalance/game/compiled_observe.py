"""The compiled kernel of the game's observation (:meth:`powerbalance.game.core.World.observe`
on the compiled engine): every block and scalar of the observation vector that is read
from the state and the year's :class:`~powerbalance.model.perception.Observation`, written
in one pass instead of some twenty NumPy assignments of a few thousand cells each (the
batched env observes 1024 worlds every step, and the assignments' fixed costs were most of
the work). The values are the NumPy assignments' own: the same copies and casts to
float32, the same float64 quotients before the cast. Imported by ``World.observe`` on the
compiled engine only (importing it imports numba).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import jit


@jit
def observation_fill(out: Any, players: Any, alive: Any, perceived: Any, threat: Any,
                     adjacent: Any, alliance: Any, hostility: Any, war_target: Any,
                     spend: Any, spend_scale: float, cohesion: Any, nuclear: Any,
                     resolve: Any, year: Any, prestige: Any, odds_world: Any,
                     odds_player: Any, odds_rival: Any, odds: Any) -> None:
    # World.observe's assignments, world by world and player by player, into out (B, P,
    # 9 N + 6), before its clip: the nine blocks of N (perceived share, threat, win odds,
    # alive, neighbour, my commitment, their commitment, grievance, at war), then spend /
    # spend_scale, cohesion, nuclear / 2, resolve, the year field (year: (B,), the float64
    # values the NumPy code assigns) and prestige (B, P). The win odds are 0 but at the
    # pairs (odds_world, odds_player, odds_rival), which hold odds.
    b, p, _ = out.shape
    n = alive.shape[1]
    one, zero = np.float32(1.0), np.float32(0.0)
    for w in range(b):
        for k in range(p):
            me = players[k]
            row = out[w, k]
            for j in range(n):
                live = alive[w, j]
                row[j] = perceived[w, me, j]
                row[n + j] = threat[w, me, j]
                row[2 * n + j] = zero
                row[3 * n + j] = one if live else zero
                row[4 * n + j] = one if adjacent[w, me, j] else zero
                row[5 * n + j] = alliance[w, me, j]
                row[6 * n + j] = alliance[w, j, me]
                row[7 * n + j] = hostility[w, me, j]
                war = (war_target[w, me] == j or war_target[w, j] == me) and live
                row[8 * n + j] = one if war else zero
            own = 9 * n
            row[own] = np.float32(spend[w, me] / spend_scale)
            row[own + 1] = np.float32(cohesion[w, me])
            row[own + 2] = np.float32(nuclear[w, me] / 2.0)
            row[own + 3] = np.float32(resolve[w, me])
            row[own + 4] = np.float32(year[w])
            row[own + 5] = np.float32(prestige[w, k])
    for q in range(len(odds)):
        out[odds_world[q], odds_player[q], 2 * n + odds_rival[q]] = np.float32(odds[q])
