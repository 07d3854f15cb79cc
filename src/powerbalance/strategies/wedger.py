"""The wedge strategy (挑撥…不使結盟對抗我國): divide a coalition forming against oneself."""

from __future__ import annotations

from powerbalance.model.fastops import nonzero
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import wedge_target
from powerbalance.strategies.registry import register


@register
class Wedger(Strategy):
    """Pays or pressures would-be members of a coalition aimed at itself to stay out.

    Crawford (2011, "Preventing enemy coalitions: how wedge strategies shape
    power politics", *International Security* 35(4)): a state facing an
    encircling coalition uses selective accommodation (rewards) to keep a
    pivotal member out of it, rather than fighting all of them; Bismarck's
    Reinsurance Treaty and Britain's appeasement of Italy are his cases, and
    the persuaders of the Warring States (Zhang Yi) practised it. Balance-of-
    threat logic (Walt 1987) tells the wedger who the would-be members are:
    actors whose top threat it is. When two or more of them exist (not allied
    with it) and the coalition is still forming (some of them not yet allied
    with another), it pays the uncommitted one whose perceived,
    distance-discounted capability would add most to the coalition
    ``Params.wedge_payment`` of its wealth each year; a payee that finds the
    sum worth at least ``Params.wedge_price`` of its own wealth stays out of
    alliance-making that year (:mod:`powerbalance.model.subversion`), so a
    wedger can buy off the small but not the rich. A member too rich to buy it
    pressures instead (Crawford's coercive wedge: the threat of punishment):
    the member stays out when it is intimidated, i.e. the wedger threatens it
    by at least ``Params.balance_threshold`` times its own capability.
    Otherwise it behaves as a status-quo power: base spending, accepts
    alliances, defends allies, never initiates war.
    """

    name = "wedger"
    uid = 9
    classifier = {
        "concept": "wedge strategy (挑撥離間), selective accommodation",
        "stochastic": False,
        "reads": frozenset({"own", "system"}),
        "initiates_war": False,
        "makes_alliances": False,
    }
    references = ("Crawford 2011", "Walt 1987")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Pay the most valuable would-be member of a coalition forming against it."""
        params = obs.params
        actions = Actions.defensive(obs, params.base_spend)
        pay, pay_spend = actions.pay.copy(), actions.pay_spend.copy()
        pressure = actions.pressure.copy()
        bw, i = nonzero(mask)
        if len(bw):
            member = wedge_target(obs, bw, i)
            some = member >= 0
            bw, i, member = bw[some], i[some], member[some]
            wealth = obs.state.wealth
            affordable = (params.wedge_payment * wealth[bw, i]
                          >= params.wedge_price * wealth[bw, member]) & (params.wedge_payment > 0)
            pay[bw[affordable], i[affordable]] = member[affordable]
            pay_spend[bw[affordable], i[affordable]] = params.wedge_payment
            pressure[bw[~affordable], i[~affordable]] = member[~affordable]
        return actions.replace(spend=actions.spend + pay_spend, pay=pay, pay_spend=pay_spend,
                               pressure=pressure)
