"""Offshore balancing (離岸平衡): back the rival of a hegemon rising in another region."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_any, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import regional_shares
from powerbalance.strategies.registry import register


@register
class OffshoreBalancer(Strategy):
    """Stays out of another region until a regional hegemon arises there, then backs its rival.

    Mearsheimer (2001, *The Tragedy of Great Power Politics*, ch. 7): an
    insular great power protected by the stopping power of water does not
    fight on other continents while their local powers balance one another;
    once one of them approaches regional hegemony it intervenes on the side of
    that hegemon's strongest rival, and withdraws when the threat recedes
    (Layne 1997, "From preponderance to offshore balancing", *International
    Security* 22(1)). The actor watches every region other than its own: when
    an actor holds at least ``Params.regional_hegemony_share`` of a region's
    capability as it perceives it, it offers an alliance to that hegemon's
    strongest regional rival (the most dominant hegemon first) and fights for
    it; while no foreign hegemon exists it makes no alliances, accepts none,
    and leaves those it has once the hegemon's share falls
    ``Params.offshore_exit`` below the threshold. It spends the base burden and
    never initiates war.
    """

    name = "offshore-balancer"
    uid = 6
    classifier = {
        "concept": "offshore balancing (離岸平衡)",
        "stochastic": False,
        "reads": frozenset({"own", "system"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Mearsheimer 2001", "Layne 1997")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Back the strongest rival of the most dominant foreign regional hegemon."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        offer, accept, leave = (actions.offer.copy(), np.zeros_like(actions.accept),
                                actions.leave.copy())
        bw, i = nonzero(mask)
        if len(bw):
            region = obs.setting.region
            share, _ = regional_shares(obs, bw, i)
            foreign = (region[None, :] != region[i][:, None]) & obs.alive[bw]
            dominance = np.where(foreign, share, 0.0)
            level, hegemon = row_max_argmax(dominance)
            allied = state.alliance[bw, i] > 0
            foreign_allies = row_any(allied & foreign)
            active = (level >= params.regional_hegemony_share) | (
                foreign_allies & (level >= params.regional_hegemony_share - params.offshore_exit))
            same = (region[None, :] == region[hegemon][:, None]) & foreign
            same[np.arange(len(bw)), hegemon] = False
            rival_score = np.where(same, share, -1.0)
            top_rival, rival = row_max_argmax(rival_score)
            has_rival = top_rival > 0
            back = active & has_rival
            with_rival = allied[np.arange(len(bw)), rival]
            offer[bw[back], i[back]] = np.where(with_rival[back], -1, rival[back])
            accept[bw[back], i[back]] = True
            leave[bw, i] = ~active & row_any(allied)
        return actions.replace(offer=offer, accept=accept, leave=leave)
