"""Internal balancing (內部制衡): self-strengthening against the top threat."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import internal_spend
from powerbalance.strategies.registry import register


@register
class InternalBalancer(Strategy):
    """Raises its military spending as the perceived threat rises; needs no alliances.

    Waltz (1979, *Theory of International Politics*, ch. 6) names internal
    balancing, "moves to increase economic capability, to increase military
    strength, to develop clever strategies", as the first means of self-help;
    the self-strengthening (自強) of a state that trusts no ally. Each year the
    actor compares its own military with the top threat's military as it
    perceives it, projected to its capital by the loss-of-strength gradient.
    It wants ``Params.internal_margin`` times the threat's forces; its spending
    (share of wealth) moves from last year's by ``Params.internal_gain`` times
    the relative gap, between ``Params.base_spend`` and ``Params.max_spend``.
    Because a margin above one is a security requirement beyond parity, two
    internal balancers facing each other spiral (the security dilemma: Jervis
    1978, "Cooperation under the security dilemma", *World Politics* 30(2);
    Richardson 1960, *Arms and Insecurity*). It neither offers nor accepts
    alliances, never initiates war, and defends itself.
    """

    name = "internal-balancer"
    uid = 5
    classifier = {
        "concept": "internal balancing (內部制衡), self-strengthening",
        "stochastic": False,
        "reads": frozenset({"own", "system"}),
        "initiates_war": False,
        "makes_alliances": False,
    }
    references = ("Waltz 1979", "Jervis 1978", "Richardson 1960")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Move spending towards superiority over the top threat's projected forces."""
        state, params = obs.state, obs.params
        spend = np.full((state.batch, state.n_actors), params.base_spend)
        bw, i = nonzero(mask)
        if len(bw):
            spend[bw, i] = internal_spend(obs, bw, i)
        actions = Actions.defensive(obs, spend)
        return actions.replace(accept=np.zeros_like(actions.accept))
