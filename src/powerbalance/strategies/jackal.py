"""Jackal bandwagoning: preying on the weakened victims of a stronger revisionist."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import best_attack, take_rows
from powerbalance.strategies.registry import register


@register
class Jackal(Strategy):
    """Strikes the weakened victims of a stronger revisionist to share the spoils.

    Schweller (1994, "Bandwagoning for profit: bringing the revisionist state
    back in", *International Security* 19(1)) distinguishes *jackal*
    bandwagoning: a limited-aims revisionist follows a stronger one ("the
    lion") and picks off the victims it has weakened, for profit rather than
    security. It is opportunism, neither balancing nor buck-passing.

    Each year the actor looks for revisionists stronger than itself (as it
    perceives them): actors that attacked someone last year. Their targets
    that border it, are not its allies and are not itself are its prey; it
    attacks the one against which its estimated odds are best when they reach
    ``Params.late_entry_odds``. Those who fought the prey remember the late
    strike as exploitation (:mod:`powerbalance.model.reputation`). It makes no
    alliance offers, accepts them, defends its allies and joins their
    offensive wars, and spends the base burden.
    """

    name = "jackal"
    uid = 10
    classifier = {
        "concept": "jackal bandwagoning (Schweller), opportunism",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": True,
        "makes_alliances": False,
    }
    references = ("Schweller 1994",)

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Attack the best-odds victim of a stronger revisionist."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        attack = actions.attack.copy()
        bw, i = nonzero(mask)
        if len(bw):
            n = state.n_actors
            rows = np.arange(len(bw))
            victim_of = take_rows(state.last_target, bw)               # (R, N)
            stronger = take_rows(obs.perceived.reshape(-1, n), bw * n + i) > obs.share[bw, i][
                :, None]
            lion = (victim_of >= 0) & stronger & take_rows(state.alive, bw)
            lion[rows, i] = False
            r, k = nonzero(lion)
            prey = np.zeros((len(bw), n), dtype=bool)
            prey[r, victim_of[r, k]] = True
            prey[rows, i] = False
            attack[bw, i] = best_attack(obs, bw, i, prey, params.late_entry_odds)
        return actions.replace(attack=attack,
                               join_offence=np.ones_like(actions.join_offence))
