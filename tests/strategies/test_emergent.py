"""Seeded ensembles of the emergent claims: the security dilemma, and reputation.

Bounds are far from the observed values (see the comments), so a correct model
passes them with overwhelming probability.
"""

from __future__ import annotations

import numpy as np

from powerbalance.scenarios import load
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


def test_abandoners_are_later_refused_alliances_more_often_than_loyal_actors():
    scen = load("random:actors=8,provinces=3,inequality=1.0,seed=1,"
                "mix=hegemon-seeker:1+external-balancer:1+buck-passer:1")
    traj = simulate_scenario(scen, years=40, worlds=150, seed=3)
    abandoned = event_rows(traj, "abandoned")
    refused = event_rows(traj, "alliance_refused")   # actor refused other's offer
    n = traj.alive.shape[2]
    first = np.full((traj.alive.shape[1], n), np.inf)
    np.minimum.at(first, (abandoned[:, 0].astype(int), abandoned[:, 2].astype(int)),
                  abandoned[:, 1])
    years = np.arange(1, traj.alive.shape[0])[:, None, None]
    alive = traj.alive[1:]
    after = alive & (years > first[None])
    loyal = alive & np.isinf(first)[None]
    w, y, who = refused[:, 0].astype(int), refused[:, 1], refused[:, 3].astype(int)
    ref_after = (y > first[w, who]).sum()
    ref_loyal = np.isinf(first[w, who]).sum()
    assert after.sum() > 300 and loyal.sum() > 3000
    rate_after = ref_after / after.sum()
    rate_loyal = ref_loyal / loyal.sum()
    assert rate_after > 5 * rate_loyal  # observed: 0.16 versus 0.0025 per actor-year


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
