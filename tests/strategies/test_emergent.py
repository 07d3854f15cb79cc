"""Seeded ensembles of the emergent claims: the security dilemma, and reputation.

Bounds are far from the observed values (see the comments), so a correct model
passes them with overwhelming probability.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tests.conftest import event_rows, line_scenario, simulate_scenario
from tests.strategies.harness import actor


def test_two_internal_balancers_spiral_into_arms_and_insecurity():
    """Claim 6 of docs/theory-checked.md: two internal balancers facing each other arm in a spiral
    and end up less secure than two status-quo actors who do not."""
    out = {}
    for strategy in ("internal-balancer", "status-quo"):
        scen = line_scenario([actor("A", [0], 10.0, 3.0, strategy=strategy),
                              actor("B", [1], 10.0, 3.0, strategy=strategy)], provinces=2)
        traj = simulate_scenario(scen, years=40, worlds=200, seed=5)
        military, wealth = traj.military[-1].astype(float), traj.wealth[-1].astype(float)
        burden = military / wealth                     # military stock per unit of output
        security = wealth / military[:, ::-1]          # own output per unit of rival forces
        spend = traj.final_state.spend           # share of output spent on arms
        out[strategy] = (burden.mean(), security.mean(), traj.wars.sum(), spend.mean())
    spiral, calm = out["internal-balancer"], out["status-quo"]
    assert spiral[0] > 3 * calm[0]      # observed: 2.4 versus 0.26
    assert spiral[1] < calm[1] / 3      # observed: 0.44 versus 3.96
    assert spiral[2] == calm[2] == 0    # neither initiates: the spiral is not a war
    assert spiral[3] > 5 * calm[3]      # observed: 0.24 (ceiling 0.25) versus 0.03


def test_an_ally_abandoned_by_a_buck_passer_later_refuses_its_offer():
    """The buck-passer shirks while it passes the buck; when it must balance after all, the
    ally it abandoned refuses it (reputation), across an ensemble of worlds."""
    from powerbalance.model.events import EventKind
    from powerbalance.model.step import step

    scen = line_scenario([
        actor("T", [2], 20.0, 12.0, strategy="hegemon-seeker"),
        actor("C", [1, 0], 3.0, 2.0), actor("BP", [3, 4], 3.0, 4.0, strategy="buck-passer"),
    ], provinces=5, alliances=[["C", "BP"]],
        params={"misperception": 0.0, "growth_noise": 0.0, "concession_odds": 0.0,
                "seeker_wedges": False})
    passing = scen.make_params({"buck_alarm": 10.0})
    setting = scen.setting(passing)
    state = scen.initial_state(passing, setting, 0, np.arange(100))
    # One year of passing the buck (the threat attacks the catcher at once), then the
    # buck-passer must balance: a single abandonment is remembered at full weight only the
    # next year (memory decays).
    state, rec = step(state, setting, passing)
    kinds = [rec.events]
    abandoned = {int(w) for e in kinds for w, k, a in zip(e.world, e.kind, e.actor, strict=True)
                 if k == EventKind.ABANDONED and a == 2}
    assert len(abandoned) > 30
    late = dataclasses.replace(passing, buck_alarm=0.0)
    state, rec = step(state, setting, late)
    ev = rec.events
    refused = {int(w) for w, k, a, o in zip(ev.world, ev.kind, ev.actor, ev.other, strict=True)
               if k == EventKind.ALLIANCE_REFUSED and a == 1 and o == 2}
    alive = {w for w in abandoned if state.alive[w, :2].all()}
    assert len(alive) > 20
    assert len(refused & alive) > 0.9 * len(alive)
    assert not refused - abandoned  # nobody refuses a buck-passer that kept faith


def test_a_balancer_punishes_a_bandwagoner_but_not_a_bystander():
    """Others see through bandwagoning: the balancer remembers the alignment with its own
    top threat and attacks the bandwagoner; the same actor as a bystander is left alone."""
    attacks = {}
    for strategy in ("bandwagoner", "status-quo"):
        scen = line_scenario([
            actor("Patron", [0], 100.0, 3.0),                    # rich, lightly armed
            actor("Balancer", [1], 10.0, 20.0, strategy="external-balancer"),
            actor("Small", [2], 2.0, 1.0, strategy=strategy),
        ], provinces=3, params={"misperception": 0.0, "growth_noise": 0.0})
        traj = simulate_scenario(scen, years=5, worlds=10, seed=2)
        wars = np.concatenate([event_rows(traj, "war_won"), event_rows(traj, "war_lost")])
        hits = wars[(wars[:, 2] == 1) & (wars[:, 3] == 2)]
        attacks[strategy] = len(np.unique(hits[:, 0]))
    assert attacks == {"bandwagoner": 10, "status-quo": 0}
