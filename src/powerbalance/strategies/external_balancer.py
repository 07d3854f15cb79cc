"""External balancing (外部制衡): alliances against the most threatening actor."""

from __future__ import annotations

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.registry import register


@register
class ExternalBalancer(Strategy):
    """Joins or builds the coalition against the most threatening actor; leaves when it passes.

    Balance of power through alliances (Waltz 1979, *Theory of International
    Politics*, ch. 6) against the greatest *threat* rather than the greatest
    power (Walt 1987, *The Origins of Alliances*): threat combines capability,
    proximity and aggressive conduct. Each year the actor finds its top threat
    T; if T's perceived, distance-discounted capability exceeds
    ``Params.balance_threshold`` times its own, it offers an alliance to the
    strongest actor not yet allied with it or with T, weighting candidates by
    how close they stand to T (those T threatens most are natural partners).
    When the top threat falls below ``Params.balance_exit`` times its own
    capability it leaves its alliances ("no permanent friends"). It defends
    allies with all its forces.
    """

    name = "external-balancer"
    classifier = {
        "concept": "external balancing (外部制衡)",
        "stochastic": False,
        "reads": frozenset({"own", "system"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Waltz 1979", "Walt 1987")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Offer an alliance against the top threat while threatened; leave once relieved."""
        state, params = obs.state, obs.params
        top, level = obs.top_threat, obs.top_threat_level
        threatened = mask & (top >= 0) & (level >= params.balance_threshold * obs.share)
        relieved = mask & ((top < 0) | (level < params.balance_exit * obs.share))
        actions = Actions.passive(state.batch, state.n_actors, params.base_spend)
        offer = actions.offer.copy()
        bw, i = np.nonzero(threatened)
        if len(bw):
            threat = top[bw, i]
            near_threat = obs.reach[bw, threat, :]            # how close candidate j is to T
            allied_to_threat = state.alliance[bw, :, threat]  # is j committed to T?
            n = state.n_actors
            candidate = (
                obs.pair_alive[bw, i]
                & (state.alliance[bw, i] <= 0)
                & (allied_to_threat <= 0)
                & (np.arange(n)[None, :] != threat[:, None])
            )
            score = np.where(candidate, obs.perceived[bw, i] * near_threat, -1.0)
            partner = np.argmax(score, axis=1)
            found = score.max(axis=1) > 0
            offer[bw[found], i[found]] = partner[found]
        has_allies = (state.alliance > 0).any(axis=-1)
        return actions.replace(offer=offer, leave=relieved & has_allies)
