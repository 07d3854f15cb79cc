"""Penetration (滲透): subverting a rival from inside."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.registry import register


@register
class Penetrator(Strategy):
    """Spends on subverting a rival's cohesion; captured rivals follow its policy.

    Walt (1987, *The Origins of Alliances*, ch. 7) names penetration, the
    manipulation of another state's domestic politics through bribery,
    propaganda and clients, as a means of alignment; Qin's agents bribed the
    courts of its rivals (Shiji ch. 81), and Cold War subversion is the modern
    case. Each year the actor spends ``Params.subversion_spend`` of its wealth
    subverting its most threatening rival not already captured by it (its
    clients only when no other rival is left), on top of the base military
    burden. A rival whose cohesion falls below
    ``Params.capture_threshold`` is captured and follows the penetrator's
    interests; below ``Params.fragment_threshold`` it fragments
    (:mod:`powerbalance.model.subversion`). It accepts alliances, defends
    allies, and never initiates war itself.
    """

    name = "penetrator"
    uid = 7
    classifier = {
        "concept": "penetration (滲透), subversion",
        "stochastic": False,
        "reads": frozenset({"own", "system"}),
        "initiates_war": False,
        "makes_alliances": False,
    }
    references = ("Walt 1987", "Waltz 1979")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Subvert the most threatening rival that is not yet a client."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        subvert, spend = actions.subvert.copy(), actions.subvert_spend.copy()
        bw, i = nonzero(mask)
        if len(bw) and params.subversion_spend > 0:
            mine = state.captor[bw] == i[:, None]
            threat = obs.threat[bw, i]
            # Clients count only when no other rival is left (pressure keeps them down).
            score = np.where(mine, 1e-9 * threat, threat)
            best, target = row_max_argmax(score)
            ok = best > 0
            subvert[bw[ok], i[ok]] = target[ok]
            spend[bw[ok], i[ok]] = params.subversion_spend
        return actions.replace(subvert=subvert, subvert_spend=spend,
                               spend=actions.spend + spend)
