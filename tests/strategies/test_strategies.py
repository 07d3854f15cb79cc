"""Each strategy against scripted opponents (see ``harness.py``), plus short runs that
check its defining behaviour in the engine."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.model.subversion import follow_captors
from powerbalance.params import Params
from powerbalance.strategies import registry
from tests.conftest import event_rows, line_scenario, simulate_scenario
from tests.strategies.harness import EXACT, Situation, StrategyTestCase, actor, edit

BASE = Params().base_spend


def _fought(a: int, b: int):
    """A setup: actors a and b fought each other last year."""
    def setup(state):
        state = edit(state, "fought", (0, a, b), True)
        return edit(state, "fought", (0, b, a), True)
    return setup


class TestStatusQuo(StrategyTestCase):
    name = "status-quo"
    expected_classifier = {"initiates_war": False, "stochastic": False}
    situations = (
        Situation("never attacks even a much weaker neighbour",
                  [actor("A", [0], military=10.0), actor("B", [1], military=0.1)], 0,
                  lambda a, o, f: a.attack[0, f] == -1 and a.spend[0, f] == BASE
                  and a.offer[0, f] == -1, provinces=2),
        Situation("defends cohesion once it falls below the trigger",
                  [actor("A", [0]), actor("B", [1])], 0,
                  lambda a, o, f: a.counter_spend[0, f] == Params().counter_spend,
                  provinces=2, setup=lambda s: edit(s, "cohesion", (0, 0), 0.5)),
    )


class TestInternalBalancer(StrategyTestCase):
    name = "internal-balancer"
    expected_classifier = {"initiates_war": False, "makes_alliances": False}
    situations = (
        Situation("keeps the base burden when it is already superior",
                  [actor("A", [0], military=10.0), actor("B", [1], military=1.0)], 0,
                  lambda a, o, f: a.spend[0, f] == BASE and a.offer[0, f] == -1
                  and not a.accept[0, f], provinces=2),
        Situation("arms against a stronger neighbour, without alliances",
                  [actor("A", [0], military=1.0), actor("B", [1], military=10.0),
                   actor("C", [2])], 0,
                  lambda a, o, f: a.spend[0, f] > BASE and a.offer[0, f] == -1, provinces=3),
    )

    def test_spending_rises_with_the_threat(self):
        spends = []
        for rival in (1.1, 1.5, 2.5):
            sit = Situation("", [actor("A", [0], military=1.0),
                                 actor("B", [1], military=rival)], 0,
                            lambda a, o, f: True, provinces=2)
            from tests.strategies.harness import decide_in
            actions, _ = decide_in(self.name, sit)
            spends.append(actions.spend[0, 0])
        assert spends[0] < spends[1] < spends[2] <= Params().max_spend

    def test_spending_answers_the_rivals_power_arriving_not_its_own_reach(self):
        """Ten steps apart, a mobile rival's power arrives almost whole (reach_in), so the
        balancer arms more against it; the balancer's own mobility (its reach out) changes
        nothing, since the rival's forces, not its own, have to cover the distance."""
        from tests.strategies.harness import decide_in

        def spend(own_mobility: float, rival_mobility: float) -> float:
            sit = Situation("", [actor("A", [0], military=1.0, mobility=own_mobility),
                                 actor("B", [11], military=3.0, mobility=rival_mobility)], 0,
                            lambda a, o, f: True, provinces=12)
            actions, obs = decide_in(self.name, sit)
            assert obs.top_threat[0, 0] == 1
            return float(actions.spend[0, 0])

        plain = spend(1.0, 1.0)
        assert BASE < plain < spend(1.0, 4.0) < Params().max_spend
        assert spend(4.0, 1.0) == plain


class TestExternalBalancer(StrategyTestCase):
    name = "external-balancer"
    expected_classifier = {"initiates_war": False, "makes_alliances": True}
    big = actor("Big", [0, 1], wealth=20.0, military=20.0)
    situations = (
        Situation("offers an alliance to the other small actor against the threat",
                  [big, actor("B1", [2], 2.0), actor("B2", [3], 2.0)], 1,
                  lambda a, o, f: a.offer[0, f] == 2),
        Situation("of two partners offers to the stronger one near the threat",
                  [actor("Big", [1], 20.0, 20.0), actor("B1", [2], 2.0),
                   actor("Weak", [0], 1.0, 0.5), actor("Strong", [3], 4.0, 3.0)], 1,
                  lambda a, o, f: a.offer[0, f] == 3),
        Situation("leaves only alliances whose threat has passed, never all at once",
                  [actor("Big", [0, 1], wealth=0.1, military=0.0), actor("B1", [2], 2.0),
                   actor("B2", [3], 2.0)], 1,
                  lambda a, o, f: bool(a.leave_passed[0, f]) and not a.leave[0, f],
                  alliances=[["B1", "B2"]]),
        Situation("a strong actor balances a weaker but rising rival (threat has a trend)",
                  [actor("S", [0], 6.0, 6.0), actor("R", [1], 5.0, 5.0),
                   actor("P", [2], 1.0, 1.0)], 0,
                  lambda a, o, f: a.offer[0, f] == 2, provinces=3,
                  setup=lambda s: edit(s, "momentum", (0, 1), 0.2)),
        Situation("the same rival without the trend is no threat to it",
                  [actor("S", [0], 6.0, 6.0), actor("R", [1], 5.0, 5.0),
                   actor("P", [2], 1.0, 1.0)], 0,
                  lambda a, o, f: a.offer[0, f] == -1, provinces=3),
        Situation("never offers to a known defector",
                  [big, actor("B1", [2], 2.0), actor("B2", [3], 2.0)], 1,
                  lambda a, o, f: a.offer[0, f] != 2,
                  setup=lambda s: edit(s, "abandonment", (0, 1, 2), 5.0)),
        Situation("punishes a bandwagoner it remembers, when the odds are good",
                  [actor("E", [0], military=10.0), actor("X", [1], military=1.0)], 0,
                  lambda a, o, f: a.attack[0, f] == 1, provinces=2,
                  setup=lambda s: edit(s, "exploitation", (0, 0, 1), 2.0)),
        Situation("does not attack anyone it holds nothing against",
                  [actor("E", [0], military=10.0), actor("X", [1], military=1.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1, provinces=2),
    )


class TestWedger(StrategyTestCase):
    name = "wedger"
    expected_classifier = {"initiates_war": False}
    coalition = [actor("W", [0, 1], wealth=20.0, military=20.0),
                 actor("B1", [2], 2.0, strategy="external-balancer"),
                 actor("B2", [3], 2.0, strategy="external-balancer")]
    situations = (
        Situation("pays one member of a forming coalition to stay out", coalition, 0,
                  lambda a, o, f: a.pay[0, f] in (1, 2) and a.pay_spend[0, f] > 0),
        Situation("pays the member that would add most to the coalition",
                  [actor("W", [0, 1], wealth=20.0, military=20.0),
                   actor("B1", [2], 1.0, 0.5, strategy="external-balancer"),
                   actor("B2", [3], 4.0, 2.0, strategy="external-balancer")], 0,
                  lambda a, o, f: a.pay[0, f] == 2 and a.pressure[0, f] == -1),
        Situation("pressures a member too rich to buy",
                  [actor("W", [0, 1], wealth=20.0, military=20.0),
                   actor("B1", [2], 1.0, 0.5, strategy="external-balancer"),
                   actor("B2", [3], 12.0, 6.0, strategy="external-balancer")], 0,
                  lambda a, o, f: a.pressure[0, f] == 2 and a.pay[0, f] == -1),
        Situation("pays nobody when no coalition can form",
                  [actor("W", [0], 20.0, 20.0), actor("B1", [1], 2.0)], 0,
                  lambda a, o, f: a.pay[0, f] == -1, provinces=2),
    )

    def test_the_paid_member_stays_out_and_the_coalition_never_forms(self):
        formed = {}
        for big in ("wedger", "status-quo"):
            actors = [dict(a) for a in self.coalition]
            actors[0]["strategy"] = big
            traj = simulate_scenario(line_scenario(actors, params=EXACT), years=6)
            formed[big] = len(event_rows(traj, "alliance_formed"))
            if big == "wedger":
                paid = event_rows(traj, "side_payment")
                assert len(paid) == 6 and set(paid[:, 3].astype(int)) <= {1, 2}
        assert formed == {"wedger": 0, "status-quo": 1}


def _aimed(a: int, b: int, threat: int):
    """A setup: the alliance of a and b is recorded as aimed at ``threat``."""
    def setup(state):
        return edit(edit(state, "aim", (0, a, b), threat), "aim", (0, b, a), threat)
    return setup


class TestBandwagoner(StrategyTestCase):
    name = "bandwagoner"
    expected_classifier = {"makes_alliances": True}
    actors = [actor("D", [0], wealth=20.0, military=20.0), actor("Bw", [1], 1.0, 0.5),
              actor("C", [2, 3], 5.0, 3.0)]
    situations = (
        Situation("allies with the dominant neighbour", actors, 1,
                  lambda a, o, f: a.offer[0, f] == 0),
        Situation("stays with its patron", actors, 1,
                  lambda a, o, f: a.offer[0, f] == -1 and not a.leave[0, f],
                  alliances=[["D", "Bw"]]),
        Situation("stays loyal to its patron when another is only slightly more threatening",
                  [actor("D", [0], 10.0, 10.0), actor("Bw", [1], 1.0, 0.5),
                   actor("E", [2, 3], 11.0, 11.0)], 1,
                  lambda a, o, f: a.offer[0, f] == -1 and not a.leave[0, f],
                  alliances=[["D", "Bw"]], setup=_aimed(0, 1, 0)),
        Situation("stays with its patron while the patron still threatens it, even when "
                  "another overshadows it",
                  [actor("D", [0], 10.0, 10.0), actor("Bw", [1], 1.0, 0.5),
                   actor("E", [2, 3], 30.0, 30.0)], 1,
                  lambda a, o, f: a.offer[0, f] == -1 and not a.leave[0, f],
                  alliances=[["D", "Bw"]], setup=_aimed(0, 1, 0)),
        Situation("changes patron once its patron's threat has passed",
                  [actor("D", [0], 1.0, 0.5), actor("Bw", [1], 3.0, 3.0),
                   actor("E", [2, 3], 20.0, 20.0)], 1,
                  lambda a, o, f: a.offer[0, f] == 2 and bool(a.leave[0, f]),
                  alliances=[["D", "Bw"]], setup=_aimed(0, 1, 0)),
        Situation("does not bandwagon when no one threatens it, and leaves the alignment "
                  "whose threat has passed",
                  [actor("D", [0], 2.0, 1.0), actor("Bw", [1], 20.0, 20.0),
                   actor("C", [2, 3], 2.0, 1.0)], 1,
                  lambda a, o, f: a.offer[0, f] == -1 and bool(a.leave_passed[0, f])
                  and not a.leave[0, f],
                  alliances=[["D", "Bw"]], setup=_aimed(0, 1, 0)),
        Situation("its patron is the rising power, not a larger static one",
                  [actor("D", [0], 12.0, 12.0), actor("Bw", [1], 1.0, 0.5),
                   actor("E", [2], 10.0, 10.0)], 1,
                  lambda a, o, f: a.offer[0, f] == 2, provinces=3,
                  setup=lambda s: edit(s, "momentum", (0, 2), 0.1)),
        Situation("accepts no other alliance while with its patron", actors, 1,
                  lambda a, o, f: not a.accept[0, f], alliances=[["D", "Bw"]]),
        Situation("is open to offers while not yet with its patron", actors, 1,
                  lambda a, o, f: bool(a.accept[0, f])),
        Situation("leaves a coalition against its patron", actors, 1,
                  lambda a, o, f: a.offer[0, f] == 0 and bool(a.leave[0, f]),
                  alliances=[["C", "Bw"]]),
        Situation("fights its patron's wars (answers offensive calls), starts none",
                  [actor("D", [0], 20.0, 20.0), actor("Bw", [1], 5.0, 5.0),
                   actor("C", [2, 3], 2.0, 0.5)], 1,
                  lambda a, o, f: a.join_offence[0, f] == 1.0 and a.attack[0, f] == -1,
                  setup=_fought(0, 2), alliances=[["D", "Bw"]]),
    )

    def test_the_patron_spares_it_and_it_fights_the_patrons_war_on_its_side(self):
        # H (the seeker) borders V and Bw; Bw allies with H, H attacks V, Bw joins H's side.
        scen = line_scenario([
            # V, not Bw, is H's top threat (H accepts no alliance from its top threat).
            actor("V", [0], 4.0, 2.0), actor("H", [1], 10.0, 10.0, strategy="hegemon-seeker"),
            actor("Bw", [2], 2.0, 1.0, strategy="bandwagoner"),
        ], provinces=3, params={**EXACT, "concession_odds": 0.0, "seeker_wedges": False,
                                # H holds over half the capability: it spares its allies
                                # only while it needs them (seeker_spares_until).
                                "seeker_spares_until": 1.0})
        traj = simulate_scenario(scen, years=6, worlds=4)
        formed = event_rows(traj, "alliance_formed")
        assert ((formed[:, 2] == 1) & (formed[:, 3] == 2)).any()
        joined = event_rows(traj, "war_joined")
        assert ((joined[:, 2] == 2) & (joined[:, 3] == 1)).any()   # Bw on H's side
        war = np.concatenate([event_rows(traj, "war_won"), event_rows(traj, "war_lost")])
        pair = {(int(a), int(b)) for a, b in war[:, 2:4]}
        assert (1, 2) not in pair and (2, 1) not in pair          # the patron spares it

    def test_alliance_with_the_patron_forms(self):
        traj = simulate_scenario(line_scenario(
            [{**a, "strategy": "bandwagoner"} if a["name"] == "Bw" else a for a in self.actors],
            params=EXACT), years=2)
        formed = {tuple(r) for r in event_rows(traj, "alliance_formed")[:, 2:4].astype(int)}
        assert (0, 1) in formed


class TestBalker(StrategyTestCase):
    name = "balker"
    expected_classifier = {"initiates_war": False, "makes_alliances": False}
    situations = (
        Situation("joins only when pressed by a stronger ally, sends a token share",
                  [actor("X", [0]), actor("Bk", [1])], 1,
                  lambda a, o, f: a.join[0, f] == Params().balk_share and a.accept[0, f]
                  and a.accept_ratio[0, f] == Params().balk_pressure
                  and a.offer[0, f] == -1 and a.join_offence[0, f] == 0.0,
                  provinces=2, alliances=[["X", "Bk"]]),
        Situation("pressed by a demand (it fought last year) it accepts anyone",
                  [actor("X", [0]), actor("Bk", [1])], 1,
                  lambda a, o, f: a.accept_ratio[0, f] == 0.0, provinces=2,
                  setup=_fought(0, 1)),
    )

    def test_joins_but_contributes_no_more_than_its_minimal_share(self):
        scen = line_scenario([
            actor("H", [0], 10.0, 10.0, strategy="hegemon-seeker"),
            actor("X", [1, 2], 3.0, 1.0), actor("Bk", [3], 5.0, 4.0, strategy="balker"),
        ], params={**EXACT, "attack_odds": 0.5}, alliances=[["X", "Bk"]])
        traj = simulate_scenario(scen, years=10, worlds=4)
        joined = event_rows(traj, "war_joined")
        mine = joined[joined[:, 2] == 2]
        assert len(mine) > 0
        cap = Params().balk_share * traj.military[:, :, 2].max()
        assert (mine[:, 4] <= cap + 1e-9).all()


def _war(initiator: int, target: int):
    """A setup: ``initiator`` is at war with ``target`` (and they fought last year)."""
    def setup(state):
        return _fought(initiator, target)(edit(state, "war_target", (0, initiator), target))
    return setup


class TestBuckPasser(StrategyTestCase):
    name = "buck-passer"
    expected_classifier = {"initiates_war": False}
    # The threat T borders a buck-catcher C and the buck-passer BP (a line C - T - BP).
    trio = [actor("T", [1], 20.0, 3.0), actor("C", [0], 3.0, 2.0), actor("BP", [2], 3.0, 9.0)]
    # T, rich but lightly armed, fights C; C is weak (failing) or strongly armed (holding).
    failing = [actor("T", [1], 20.0, 6.0), actor("C", [0], 3.0, 1.0), actor("BP", [2], 3.0, 2.0)]
    holding = [actor("T", [1], 20.0, 3.0), actor("C", [0], 3.0, 9.0), actor("BP", [2], 3.0, 2.0)]
    situations = (
        Situation("passes the buck to a catcher: stays out of the threat's wars, arms",
                  [actor("T", [1], 20.0, 10.0), actor("C", [0], 3.0, 2.0),
                   actor("BP", [2], 3.0, 2.0)], 2,
                  lambda a, o, f: a.shirk[0, f] == 0 and a.offer[0, f] == -1
                  and a.attack[0, f] == -1 and a.spend[0, f] > BASE and a.join[0, f] == 1.0,
                  provinces=3, params={"buck_alarm": 10.0}, setup=_fought(0, 1)),
        Situation("balances late when the threat nears hegemony: joins the catcher's war, "
                  "starts none", trio, 2,
                  lambda a, o, f: a.shirk[0, f] == -1 and a.offer[0, f] == 1
                  and a.attack[0, f] == -1, provinces=3, params={"buck_alarm": 0.1},
                  setup=_war(0, 1)),
        Situation("joins the catcher's own offensive war against the threat", trio, 2,
                  lambda a, o, f: a.offer[0, f] == 1 and a.join_offence[0, f] == 1.0,
                  provinces=3, params={"buck_alarm": 0.1}, setup=_war(1, 0)),
        Situation("joins no offensive war while none is against the threat", trio, 2,
                  lambda a, o, f: a.join_offence[0, f] == 0.0,
                  provinces=3, params={"buck_alarm": 0.1}, setup=_war(0, 1)),
        Situation("a failing catcher: joins its war against the threat although the threat "
                  "is far from hegemony", failing, 2,
                  lambda a, o, f: a.shirk[0, f] == -1 and a.offer[0, f] == 1
                  and a.attack[0, f] == -1,
                  provinces=3, params={"buck_alarm": 10.0}, setup=_war(0, 1)),
        Situation("a catcher holding its own is left to fight", holding, 2,
                  lambda a, o, f: a.shirk[0, f] == 0 and a.offer[0, f] == -1,
                  provinces=3, params={"buck_alarm": 10.0}, setup=_war(0, 1)),
        Situation("already allied with the failing catcher: fights on its side, no offer",
                  failing, 2,
                  lambda a, o, f: a.shirk[0, f] == -1 and a.offer[0, f] == -1,
                  provinces=3, params={"buck_alarm": 10.0}, setup=_war(0, 1),
                  alliances=[["C", "BP"]]),
        Situation("a neighbour that the threat does not threaten is no catcher",
                  [actor("X", [0], 1.0, 0.5), actor("BP", [1], 3.0, 9.0),
                   actor("T", [2], 20.0, 3.0)], 1,
                  lambda a, o, f: a.shirk[0, f] == -1 and a.attack[0, f] == -1,
                  provinces=3, params={"buck_alarm": 10.0}, alliances=[["X", "T"]],
                  setup=_fought(2, 0)),
        Situation("balances when no catcher is left: stands against the threat, strikes not",
                  [actor("T", [0], 20.0, 3.0), actor("BP", [1], 3.0, 9.0)], 1,
                  lambda a, o, f: a.shirk[0, f] == -1 and a.attack[0, f] == -1,
                  provinces=2, params={"buck_alarm": 10.0}, setup=_fought(0, 1)),
        Situation("offers an alliance against the threat when nobody is fighting it",
                  [actor("C", [0], 3.0, 2.0), actor("T", [1], 20.0, 3.0),
                   actor("BP", [2], 3.0, 9.0)], 2,
                  lambda a, o, f: a.offer[0, f] == 0 and a.shirk[0, f] == -1,
                  provinces=3, params={"buck_alarm": 0.1}),
        Situation("never raids the threat's weakened victim",
                  [actor("T", [0], 20.0, 10.0), actor("V", [1], 1.0, 0.2),
                   actor("BP", [2], 3.0, 5.0)], 2,
                  lambda a, o, f: a.attack[0, f] != 1, provinces=3,
                  params={"buck_alarm": 10.0}, setup=_fought(0, 1)),
        Situation("stays quiet while nobody threatens it",
                  [actor("A", [0], 5.0, 5.0), actor("B", [1], 2.0, 0.5),
                   actor("C", [2], 5.0, 3.0)], 2,
                  lambda a, o, f: a.attack[0, f] == -1 and a.shirk[0, f] == -1, provinces=3,
                  setup=_fought(0, 1)),
    )

    def test_stays_out_of_the_catchers_war_then_enters_against_the_threat(self):
        # C (the catcher) is allied with BP; T attacks C. While passing the buck BP sends
        # nothing against T; once T nears hegemony BP fights T on C's side.
        def run(alarm: float):
            scen = line_scenario([
                actor("T", [1], 20.0, 6.0, strategy="hegemon-seeker"),
                actor("C", [0], 3.0, 2.0), actor("BP", [2], 3.0, 4.0, strategy="buck-passer"),
            ], provinces=3, alliances=[["C", "BP"]],
                params={**EXACT, "buck_alarm": alarm, "concession_odds": 0.0,
                        "buck_failing_odds": 0.0})
            return simulate_scenario(scen, years=4, worlds=6, seed=1)

        passing = run(10.0)
        called = event_rows(passing, "ally_called")
        mine = called[called[:, 2] == 2]
        assert len(mine) and (mine[:, 4] == 0).all()
        assert not (event_rows(passing, "war_joined")[:, 2] == 2).any()
        late = run(0.1)
        joined = event_rows(late, "war_joined")
        assert ((joined[:, 2] == 2) & (joined[:, 3] == 1)).any()  # on the catcher's side
        war = np.concatenate([event_rows(late, "war_won"), event_rows(late, "war_lost")])
        assert not ((war[:, 2] == 2) & (war[:, 3] == 1)).any()  # never against the catcher

    def test_joins_a_failing_catchers_ongoing_war_instead_of_starting_its_own(self):
        # No alliance at the start: T attacks C; C is failing, so BP allies with C and fights
        # in C's war against T (a war_joined on C's side), never a war of its own.
        def run(failing_odds: float):
            scen = line_scenario([
                actor("T", [1, 3], 20.0, 8.0, strategy="hegemon-seeker"),
                actor("C", [0], 3.0, 1.0), actor("BP", [2], 3.0, 4.0, strategy="buck-passer"),
            ], provinces=4,
                params={**EXACT, "buck_alarm": 10.0, "concession_odds": 0.0,
                        "buck_failing_odds": failing_odds, "seeker_wedges": False})
            return simulate_scenario(scen, years=6, worlds=6, seed=1)

        late = run(0.5)
        joined = event_rows(late, "war_joined")
        mine = joined[joined[:, 2] == 2]
        assert len(mine) and (mine[:, 3] == 1).all()            # on C's side only
        begun = event_rows(late, "war_begun")
        assert not (begun[:, 2] == 2).any()                     # no war of its own
        formed = event_rows(late, "alliance_formed")
        assert ((formed[:, 2] == 1) & (formed[:, 3] == 2)).any()
        passing = run(0.0)                                      # never judged failing
        assert not (event_rows(passing, "war_joined")[:, 2] == 2).any()


class TestJackal(StrategyTestCase):
    name = "jackal"
    expected_classifier = {"initiates_war": True, "makes_alliances": False}

    @staticmethod
    def _victim(lion_strength: float):
        def setup(state):
            state = edit(state, "last_target", (0, 0), 1)
            return _fought(0, 1)(state)
        return ([actor("L", [0], lion_strength, lion_strength), actor("V", [1], 2.0, 0.5),
                 actor("J", [2], 5.0, 3.0)], setup)

    situations = (
        Situation("strikes the weakened victim of a stronger revisionist",
                  _victim(20.0)[0], 2, lambda a, o, f: a.attack[0, f] == 1, provinces=3,
                  setup=_victim(20.0)[1]),
        Situation("leaves alone the victim of a weaker attacker",
                  _victim(1.0)[0], 2, lambda a, o, f: a.attack[0, f] == -1, provinces=3,
                  setup=_victim(1.0)[1]),
        Situation("stays quiet while nobody fights",
                  _victim(20.0)[0], 2, lambda a, o, f: a.attack[0, f] == -1, provinces=3),
    )


class TestPenetrator(StrategyTestCase):
    name = "penetrator"
    expected_classifier = {"initiates_war": False}
    situations = (
        Situation("subverts its rival and does not attack",
                  [actor("P", [0], 10.0), actor("T", [1], 5.0)], 0,
                  lambda a, o, f: a.subvert[0, f] == 1 and a.subvert_spend[0, f] > 0
                  and a.attack[0, f] == -1, provinces=2),
        Situation("moves on once a rival is its client",
                  [actor("P", [0], 10.0), actor("T", [1], 5.0), actor("R", [2], 1.0)], 0,
                  lambda a, o, f: a.subvert[0, f] == 2, provinces=3,
                  setup=lambda s: edit(s, "captor", (0, 1), 0)),
    )

    def test_subversion_captures_and_the_captured_follow(self):
        scen = line_scenario([actor("P", [0], 20.0, 2.0, strategy="penetrator"),
                              actor("T", [1], 5.0, 1.0)], provinces=2, params=EXACT)
        traj = simulate_scenario(scen, years=40)
        captured = event_rows(traj, "captured")
        assert len(captured) and captured[0, 2] == 1 and captured[0, 3] == 0
        assert len(event_rows(traj, "subverted")) >= captured[0, 1]
        # A captured actor's policy follows its captor.
        state = traj.final_state
        params = scen.make_params()
        from powerbalance.strategies.base import Actions
        state = edit(state, "captor", (0, 1), 0)
        state = edit(state, "alliance", (0,), 0.0)
        passive = Actions.passive(1, 2, params.base_spend)
        followed = follow_captors(state, passive)
        assert followed.offer[0, 1] == 0 and followed.join[0, 1] == 1.0

    def test_counter_subversion_holds_off_an_equal_rival(self):
        scen = line_scenario([actor("P", [0], 5.0, 2.0, strategy="penetrator"),
                              actor("T", [1], 5.0, 2.0)], provinces=2, params=EXACT)
        traj = simulate_scenario(scen, years=60)
        assert len(event_rows(traj, "subverted")) > 50
        assert not len(event_rows(traj, "captured"))
        assert traj.final_state.cohesion[0, 1] < 1.0

    def test_fragmentation_secedes_into_a_reserve_slot(self):
        scen = line_scenario([
            actor("P", [0], 30.0, 2.0, strategy="penetrator"),
            actor("T", [1, 2, 3, 4], 5.0, 1.0),
            {"name": "Rebels", "reserve": True},
        ], provinces=5, params={**EXACT, "counter_spend": 0.0})
        traj = simulate_scenario(scen, years=60)
        assert not traj.alive[0, 0, 2]
        seceded = event_rows(traj, "secession")
        assert len(seceded) == 1 and seceded[0, 2] == 2 and seceded[0, 3] == 1
        year = int(seceded[0, 1])
        assert traj.alive[year, 0, 2] and traj.territory[year, 0, 2] >= 1
        assert traj.territory[year, 0].sum() == 5
        captured = event_rows(traj, "captured")
        assert ((captured[:, 2] == 2) & (captured[:, 3] == 0)).any()


class TestHegemonSeeker(StrategyTestCase):
    name = "hegemon-seeker"
    expected_classifier = {"initiates_war": True}
    situations = (
        Situation("attacks a weaker neighbour",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                  lambda a, o, f: a.attack[0, f] == 1 and a.spend[0, f] == Params().bid_spend,
                  provinces=2),
        Situation("does not attack a stronger one",
                  [actor("H", [0], 2.0, 1.0), actor("W", [1], 10.0, 10.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1, provinces=2),
        Situation("wedges the coalition forming against it",
                  TestWedger.coalition, 0, lambda a, o, f: a.pay[0, f] in (1, 2)),
        Situation("spares its ally while it needs allies (below seeker_spares_until)",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0),
                   actor("X", [2], 12.0, 12.0)], 0,
                  lambda a, o, f: (a.attack[0, f] == -1 and not a.leave[0, f]
                                   and a.accept[0, f] and o.share[0, f] < 0.5),
                  provinces=3, alliances=[["H", "W"]],
                  # H's own help to W counts for nothing (a hollow record), so only the
                  # alliance itself keeps H from attacking.
                  setup=lambda s: edit(s, "calls", (0, 0), 1e6)),
        Situation("turns on its ally once a hegemon (Schweller 1994: the lion and the jackal)",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                  lambda a, o, f: (a.attack[0, f] == 1 and a.leave_ally[0, f] == 1
                                   and not a.leave[0, f] and not a.accept[0, f]),
                  provinces=2, alliances=[["H", "W"]],
                  setup=lambda s: edit(s, "calls", (0, 0), 1e6)),
        Situation("leaves every alliance at once under seeker_exit 'all' (the old rule)",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                  lambda a, o, f: (a.attack[0, f] == 1 and a.leave[0, f]
                                   and not a.accept[0, f]),
                  provinces=2, alliances=[["H", "W"]], params={"seeker_exit": "all"},
                  setup=lambda s: edit(s, "calls", (0, 0), 1e6)),
        Situation("spares its ally for ever at seeker_spares_until 1",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1 and not a.leave[0, f],
                  provinces=2, alliances=[["H", "W"]], params={"seeker_spares_until": 1.0},
                  setup=lambda s: edit(s, "calls", (0, 0), 1e6)),
        Situation("attacks where the expected net gain is largest, not the best odds",
                  [actor("Poor", [0], 0.5, 0.2), actor("H", [1, 4], 10.0, 10.0),
                   actor("Rich", [2, 3], 3.0, 1.0)], 1,
                  lambda a, o, f: a.attack[0, f] == 2, provinces=5),
        Situation("does not attack when the expected attrition exceeds the gain",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1, provinces=2,
                  params={"stake_horizon": 0.1, "destructiveness": 1.0}),
        Situation("counts the war's damage to its economy (seeker_damage_weight, default)",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 5.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1, provinces=2,
                  params={"war_damage": 1.0}),
        Situation("but not at seeker_damage_weight 0",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 5.0)], 0,
                  lambda a, o, f: a.attack[0, f] == 1, provinces=2,
                  params={"war_damage": 1.0, "seeker_damage_weight": 0.0}),
        Situation("expects little damage from a war on a tiny state (the enemy's share)",
                  [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 0.2)], 0,
                  lambda a, o, f: a.attack[0, f] == 1, provinces=2,
                  params={"war_damage": 1.0}),
        Situation("attacks a target whose ally's record is hollow",
                  [actor("H", [0], 10.0, 5.0), actor("W", [1], 2.0, 1.0),
                   actor("A", [2], 10.0, 6.0)], 0,
                  lambda a, o, f: a.attack[0, f] == 1, provinces=3, alliances=[["W", "A"]],
                  setup=lambda s: edit(s, "calls", (0, 2), 20.0)),
        Situation("is deterred by the same ally with a kept record",
                  [actor("H", [0], 10.0, 5.0), actor("W", [1], 2.0, 1.0),
                   actor("A", [2], 10.0, 6.0)], 0,
                  lambda a, o, f: a.attack[0, f] == -1, provinces=3, alliances=[["W", "A"]],
                  setup=lambda s: edit(edit(s, "calls", (0, 2), 20.0), "honoured", (0, 2),
                                       20.0)),
    )


class TestOffshoreBalancer(StrategyTestCase):
    name = "offshore-balancer"
    expected_classifier = {"initiates_war": False, "makes_alliances": True}

    @staticmethod
    def _actors(h: float, r: float, s: float, island_hegemon: bool = False):
        region = "island" if island_hegemon else "continent"
        return [actor("H", [0], h, h, region=region), actor("R", [1], r, r, region="continent"),
                actor("S", [2], s, s, region="continent"),
                actor("O", [3], 5.0, 5.0, region="island")]

    situations = (
        Situation("does nothing while the other region is balanced",
                  _actors(3.0, 3.0, 3.0), 3,
                  lambda a, o, f: a.offer[0, f] == -1 and not a.accept[0, f]),
        Situation("backs the strongest rival of a regional hegemon abroad",
                  _actors(20.0, 4.0, 2.0), 3,
                  lambda a, o, f: a.offer[0, f] == 1 and a.accept[0, f]),
        Situation("ignores a dominant power in its own region",
                  _actors(20.0, 4.0, 4.0, island_hegemon=True), 3,
                  lambda a, o, f: a.offer[0, f] == -1,
                  params={"regional_hegemony_share": 0.55}),
        Situation("withdraws once the hegemon has fallen back",
                  _actors(3.0, 3.0, 3.0), 3, lambda a, o, f: bool(a.leave[0, f]),
                  alliances=[["O", "R"]]),
    )


def test_every_strategy_of_the_model_is_registered_and_tested():
    tested = {cls.name for cls in StrategyTestCase.__subclasses__()}
    required = {"internal-balancer", "external-balancer", "wedger", "bandwagoner", "balker",
                "buck-passer", "jackal", "penetrator", "hegemon-seeker", "offshore-balancer",
                "status-quo"}
    assert required <= set(registry.names())
    assert required <= tested


def test_offshore_balancer_backs_the_rival_once_a_continental_hegemon_rises():
    def run(**over):
        scen = line_scenario([
            actor("H", [0, 1], 6.0, 6.0, strategy="hegemon-seeker", region="continent"),
            actor("S", [2], 2.0, 1.0, region="continent"),
            actor("R", [3, 4], 4.0, 3.0, region="continent"),
            actor("O", [5], 8.0, 4.0, strategy="offshore-balancer", region="island"),
        ], provinces=6, params={**EXACT, "attack_odds": 0.55, **over})
        return simulate_scenario(scen, years=10, worlds=4, seed=1)

    traj = run()
    formed = event_rows(traj, "alliance_formed")
    with_o = formed[(formed[:, 2] == 3) | (formed[:, 3] == 3)]
    assert {(int(a), int(b)) for a, b in with_o[:, 2:4]} == {(2, 3)}  # the rival R
    assert set(with_o[:, 0].astype(int)) == {0, 1, 2, 3}
    # Without a hegemon in sight (regional threshold out of reach) it does nothing.
    calm = run(regional_hegemony_share=0.99)
    formed = event_rows(calm, "alliance_formed")
    assert not ((formed[:, 2] == 3) | (formed[:, 3] == 3)).any()


def test_a_declining_seeker_strikes_a_rising_challenger_preventively():
    from tests.strategies.harness import decide_in

    def attack(my_trend: float, their_trend: float) -> int:
        sit = Situation("", [actor("H", [0], 10.0, 10.0), actor("C", [1], 9.5, 8.0)], 0,
                        lambda a, o, f: True, provinces=2,
                        params={"stake_horizon": 0.0, "attack_odds": 0.5},
                        setup=lambda s: edit(edit(s, "momentum", (0, 0), my_trend),
                                             "momentum", (0, 1), their_trend))
        actions, _ = decide_in("hegemon-seeker", sit)
        return int(actions.attack[0, 0])

    assert attack(0.0, 0.0) == -1         # the stake alone does not pay (no horizon)
    assert attack(-0.02, 0.03) == 1       # decline against a rising challenger: prevention
    assert attack(0.01, 0.03) == -1       # not declining
    assert attack(-0.02, -0.01) == -1     # the challenger is not rising


def test_the_odds_rule_of_the_seeker_is_a_switch():
    from tests.strategies.harness import decide_in

    sit = next(s for s in TestHegemonSeeker.situations if "net gain is largest" in s.description)
    assert "net gain" in sit.description
    odds_rule = Situation(sit.description, sit.actors, sit.focal, sit.expect,
                          provinces=sit.provinces, params={"seeker_rule": "odds"})
    assert decide_in("hegemon-seeker", sit)[0].attack[0, 1] == 2
    assert decide_in("hegemon-seeker", odds_rule)[0].attack[0, 1] == 0


def test_the_seeker_turns_exactly_at_seeker_spares_until():
    # The boundary of the turn (Schweller 1994): at a capability share equal to
    # seeker_spares_until it no longer spares its ally; just above its share it still does.
    from tests.strategies.harness import decide_in

    def decide(spares_until: float | None):  # type: ignore[no-untyped-def]
        params = {} if spares_until is None else {"seeker_spares_until": spares_until}
        sit = Situation("", [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0)], 0,
                        lambda a, o, f: True, provinces=2, alliances=[["H", "W"]],
                        params=params, setup=lambda s: edit(s, "calls", (0, 0), 1e6))
        return decide_in("hegemon-seeker", sit)

    share = float(decide(None)[1].share[0, 0])
    assert 0.5 < share < 1.0
    at, _ = decide(share)
    assert at.leave_ally[0, 0] == 1 and not at.accept[0, 0] and at.attack[0, 0] == 1
    above, _ = decide(share + 0.01)
    assert above.leave_ally[0, 0] == -1 and above.accept[0, 0] and above.attack[0, 0] == -1


def test_the_seeker_past_the_share_leaves_only_the_ally_it_attacks():
    """seeker_exit 'gradual' (Schweller 1994, a stated choice): H, a hegemon allied with a
    weak neighbour W and with a partner F beyond W (provinces on a line), turns on W alone, one
    alliance this year; F stays allied. Under 'all' it leaves both at once."""
    from tests.strategies.harness import decide_in

    def decide(**params):  # type: ignore[no-untyped-def]
        sit = Situation("", [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0),
                             actor("F", [2], 1.0, 1.0)], 0, lambda a, o, f: True,
                        provinces=3, alliances=[["H", "W"], ["H", "F"]], params=params,
                        setup=lambda s: edit(s, "calls", (0, 0), 1e6))
        return decide_in("hegemon-seeker", sit)

    gradual, obs = decide()
    assert obs.share[0, 0] >= Params().seeker_spares_until
    assert not obs.state.adjacent[0, 0, 2]
    assert gradual.attack[0, 0] == 1 and gradual.leave_ally[0, 0] == 1
    assert not gradual.leave[0, 0] and not gradual.accept[0, 0]
    every, _ = decide(seeker_exit="all")
    assert every.leave[0, 0] and every.attack[0, 0] == 1
    # with nothing to gain from attacking its ally, it leaves no alliance at all
    idle, _ = decide(stake_horizon=0.1, destructiveness=1.0)
    assert idle.attack[0, 0] == -1 and idle.leave_ally[0, 0] == -1 and not idle.leave[0, 0]


def _seeker_world(alliances=None, setup=None, **params):  # type: ignore[no-untyped-def]
    """H (p0) faces W (p1); A (p2) may defend W; X (p3) is H's partner in a war on Y (p4)."""
    from tests.strategies.harness import decide_in

    sit = Situation("", [actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0),
                         actor("A", [2], 10.0, 6.0), actor("X", [3], 1.0, 1.0),
                         actor("Y", [4], 1.0, 1.0)], 0, lambda a, o, f: True, provinces=5,
                    params={"decisiveness": 2.0, **params}, alliances=alliances, setup=setup)
    _, obs = decide_in("hegemon-seeker", sit)
    return obs


def test_the_seekers_expected_cost_is_the_attrition_and_damage_the_war_model_inflicts():
    from powerbalance.model.derived import frontier_value
    from powerbalance.model.victory import victory_probability, war_damage_share
    from powerbalance.strategies.hegemon_seeker import (
        damage_years,
        expected_net_gain,
        expected_war_years,
    )

    one = np.array([0])

    def cost(obs) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        state, p = obs.state, obs.params
        net, odds = expected_net_gain(obs, one, one * 0, one + 1)
        value = float(frontier_value(state.owner, 5, obs.setting)[0, 0, 1])
        gain = float(odds[0]) * p.conquest_rate * value * state.productivity[0, 0] * p.stake_horizon
        own, enemy = obs.war_sides(one, one * 0, one + 1)
        assert odds[0] == pytest.approx(victory_probability(own, enemy, p)[0])
        # Over the expected campaign-years of the war (the engine's ending rule: at the
        # default peace_odds it ends in the first campaign the favourite wins).
        years = float(expected_war_years(odds, p)[0])
        assert years == pytest.approx(1.0 / max(float(odds[0]), 1.0 - float(odds[0])))
        want = (years * p.destructiveness * float(enemy[0] / (own[0] + enemy[0]))
                * obs.forces[0, 0]
                + war_damage_share(p.war_damage, enemy / (own + enemy))[0]
                * state.wealth[0, 0] * float(damage_years(p, years)))
        return gain - float(net[0]), want

    # H also fights Y on X's side (it fought Y last year): it commits half its forces.
    busy = lambda s: edit(edit(s, "war_target", (0, 3), 4), "fought", (0, 0, 4), True)  # noqa: E731
    for obs in (_seeker_world(), _seeker_world(alliances=[["W", "A"]]),
                _seeker_world(alliances=[["H", "X"]], setup=busy)):
        got, want = cost(obs)
        assert got == pytest.approx(want, rel=1e-9)
    assert _seeker_world(alliances=[["H", "X"]], setup=busy).forces[0, 0] == pytest.approx(5.0)
    # The allies joining the defence raise the expected attrition.
    assert cost(_seeker_world(alliances=[["W", "A"]]))[0] > cost(_seeker_world())[0]
    # A one-campaign war's damage lasts the horizon less what the phoenix factor regains.
    p = Params()
    r, h = p.phoenix_rate, p.stake_horizon
    assert damage_years(p) == pytest.approx((1 - (1 - r) ** h) / r)
    assert damage_years(dataclasses.replace(p, phoenix_rate=0.0)) == h
    assert damage_years(p) < h
    # A war of T campaign-years: each loss in full until the war ends, recovery only after.
    t = 3.0
    by_year = sum(t - k for k in range(3)) + t * sum((1 - r) ** y for y in range(1, 8))
    assert damage_years(p, t) == pytest.approx(by_year)
    assert damage_years(dataclasses.replace(p, phoenix_rate=0.0), t) == pytest.approx(
        sum(h - k for k in range(3)))


def test_the_seekers_expected_cost_grows_with_the_expected_length_of_the_war():
    from powerbalance.strategies.hegemon_seeker import (
        damage_years,
        expected_net_gain,
        expected_war_years,
    )

    p = Params()
    odds = np.array([0.9, 0.75, 0.6, 0.5, 0.3])
    years = expected_war_years(odds, p)
    # At peace_odds 1/2 the war ends in the first campaign the favourite wins: geometric.
    assert years[:3] == pytest.approx(1.0 / odds[:3])
    assert years[4] == pytest.approx(1.0 / 0.7)
    assert years[3] == p.stake_horizon          # nobody concedes an even war: the horizon
    # A lower peace_odds: the campaign's loser concedes only when far behind, longer wars.
    stubborn = dataclasses.replace(p, peace_odds=0.2)
    assert expected_war_years(np.array([0.9]), stubborn)[0] == pytest.approx(1 / 0.9)
    assert expected_war_years(np.array([0.7]), stubborn)[0] == p.stake_horizon
    assert (np.diff(damage_years(p, np.array([1.0, 1.5, 2.0, 4.0]))) > 0).all()
    # The same world, the same odds and shares: only the expected length differs.
    one = np.array([0])

    def priced(**params) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
        """(net gain, odds, expected campaign-years) of H attacking W."""
        obs = _seeker_world(alliances=[["W", "A"]], **params)
        net, odds = expected_net_gain(obs, one, one * 0, one + 1)
        return float(net[0]), float(odds[0]), float(expected_war_years(odds, obs.params)[0])

    (short_net, short_odds, short), (long_net, long_odds, long) = (
        priced(), priced(peace_odds=0.01))
    assert short_odds == long_odds               # the same gain, shares and odds
    assert 1.0 <= short < long == Params().stake_horizon
    assert long_net < short_net                  # a longer war costs more





def test_a_failing_catcher_is_judged_against_the_threat_and_its_allies():
    from powerbalance.strategies.buck_passer import catcher_failing
    from tests.strategies.harness import decide_in

    def failing(allied: bool) -> bool:
        # C (p0) wages a war on T (p1); BP (p2) watches; Q (p3), strongly armed, may be T's
        # ally (a kept record).
        sit = Situation("", [actor("T", [1], 20.0, 3.0), actor("C", [0], 3.0, 9.0),
                             actor("BP", [2], 3.0, 2.0), actor("Q", [3], 1.0, 12.0)], 2,
                        lambda a, o, f: True, provinces=4, params={"buck_alarm": 10.0},
                        setup=_war(1, 0), alliances=[["T", "Q"]] if allied else None)
        _, obs = decide_in("buck-passer", sit)
        assert obs.top_threat[0, 2] == 0
        one = np.array([0])
        return bool(catcher_failing(obs, one, one + 2, one * 0, one + 1)[0])

    assert not failing(False) and failing(True)


def test_a_failing_catcher_is_judged_on_the_side_each_principal_fights():
    # T's ally Q is bound by a defensive pact (it declared join_offence 0) or an offensive
    # one (1). Q defends T whichever pact, so when the catcher C started the war Q counts
    # for T; when T attacks C, Q adds to T's side only if its pact obliges it to join.
    from powerbalance.strategies.buck_passer import catcher_failing
    from tests.strategies.harness import decide_in

    def failing(initiator: int, target: int, pledge: float | None) -> bool:
        def setup(state):  # type: ignore[no-untyped-def]
            state = _war(initiator, target)(state)
            return state if pledge is None else edit(state, "join_offence", (0, 3), pledge)

        sit = Situation("", [actor("T", [1], 20.0, 3.0), actor("C", [0], 3.0, 9.0),
                             actor("BP", [2], 3.0, 2.0), actor("Q", [3], 1.0, 12.0)], 2,
                        lambda a, o, f: True, provinces=4, params={"buck_alarm": 10.0},
                        setup=setup, alliances=None if pledge is None else [["T", "Q"]])
        _, obs = decide_in("buck-passer", sit)
        assert obs.top_threat[0, 2] == 0
        one = np.array([0])
        return bool(catcher_failing(obs, one, one + 2, one * 0, one + 1)[0])

    # C started the war on T: T defends, with Q's help under either pact.
    assert not failing(1, 0, None) and failing(1, 0, 0.0) and failing(1, 0, 1.0)
    # T attacks C: a defensive pact leaves Q out of T's attack, an offensive one brings it.
    assert not failing(0, 1, None) and not failing(0, 1, 0.0) and failing(0, 1, 1.0)


def test_the_seeker_cost_ablation_leaves_out_the_expected_damage_only():
    from powerbalance.experiments.mechanisms import MECHANISMS
    from powerbalance.model.victory import war_damage_share
    from powerbalance.strategies.hegemon_seeker import (
        damage_years,
        expected_net_gain,
        expected_war_years,
    )

    off = MECHANISMS["seeker-cost"].overrides
    assert off == {"seeker_damage_weight": 0.0} and MECHANISMS["seeker-cost"].doc
    one = np.array([0])
    full, ablated = _seeker_world(alliances=[["W", "A"]]), _seeker_world(
        alliances=[["W", "A"]], **off)
    (net, odds), (net_off, odds_off) = (expected_net_gain(o, one, one * 0, one + 1)
                                        for o in (full, ablated))
    assert odds[0] == odds_off[0]
    own, enemy = full.war_sides(one, one * 0, one + 1)
    damage = (war_damage_share(full.params.war_damage, enemy / (own + enemy))[0]
              * full.state.wealth[0, 0]
              * damage_years(full.params, expected_war_years(odds, full.params))[0])
    assert damage > 0 and net_off[0] - net[0] == pytest.approx(damage, rel=1e-9)
