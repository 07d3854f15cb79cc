"""Bandwagoning (搭車): siding with the threat and sharing its spoils."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import row_any, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import best_attack, rows_of
from powerbalance.strategies.registry import register


@register
class Bandwagoner(Strategy):
    """Aligns with the most threatening (strongest nearby) actor and shares its gains.

    Walt (1987, *The Origins of Alliances*) defines bandwagoning as alignment
    with the source of danger, the weak state's appeasement of a threat it
    cannot resist; Schweller (1994, "Bandwagoning for profit: bringing the
    revisionist state back in", *International Security* 19(1)) adds the
    jackal that joins a rising revisionist to share the spoils. Each year the
    actor offers an alliance to its patron, the actor it finds most
    threatening before discounting allies (so the patron stays the patron
    once allied), until they are allied, leaves any other alliance while it
    is not yet with the patron, and fights for the patron. Sharing the gains:
    it attacks a neighbour that its patron fought last year when its own estimated odds reach
    ``Params.late_entry_odds``. Others see through it: actors whose top threat
    the patron is remember the alignment as exploitation
    (:mod:`powerbalance.model.reputation`), refuse it as an ally and, if they
    are balancers, punish it. It spends the base burden and starts no war
    except against its patron's enemies.
    """

    name = "bandwagoner"
    classifier = {
        "concept": "bandwagoning (搭車), free-riding with the threat",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system", "memory"}),
        "initiates_war": True,
        "makes_alliances": True,
    }
    references = ("Walt 1987", "Schweller 1994", "Waltz 1979")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Ally with the top threat; prey on the patron's last enemies."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        offer, leave, attack = actions.offer.copy(), actions.leave.copy(), actions.attack.copy()
        bw, i = np.nonzero(mask)
        if len(bw):
            # The patron: the most threatening actor before any alliance discount (an ally
            # stays the patron although allies are not threats).
            own_row = bw * state.n_actors + i
            raw = rows_of(obs.perceived, own_row) * rows_of(obs.reach, own_row)
            if params.hostility_weight:
                raw *= 1.0 + params.hostility_weight * rows_of(state.hostility, own_row)
            raw = np.where(state.alive[bw], raw, 0.0)
            raw[np.arange(len(bw)), i] = 0.0
            top, patron = row_max_argmax(raw)
            some = top > 0
            bw, i, patron = bw[some], i[some], patron[some]
            allied = rows_of(state.alliance, bw * state.n_actors + i) > 0
            with_patron = allied[np.arange(len(bw)), patron]
            offer[bw, i] = np.where(with_patron, -1, patron)
            leave[bw, i] = row_any(allied) & ~with_patron
            prey = rows_of(state.fought, bw * state.n_actors + patron)
            prey[np.arange(len(bw)), patron] = False
            target = best_attack(obs, bw, i, prey, params.late_entry_odds)
            attack[bw, i] = target
        return actions.replace(offer=offer, leave=leave, attack=attack)
