"""Mechanisms of the market arena: each rule, switched or mutated, changes what a test sees.

States are built by hand (a leader, rivals of known sizes and war chests) and stepped once
with the other rules switched off; stochastic rules are checked over seeded ensembles with
binomial bounds. No test pins the verdict of the market claim.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.analysis.parties import GUIDELINES, VERDICTS, assess_merger
from powerbalance.arenas import load
from powerbalance.arenas.market import rules
from powerbalance.arenas.market.metrics import gibrat_slope
from powerbalance.arenas.run import simulate
from powerbalance.rng import world_keys

QUIET = ("growth_sd=0,war_rate=0,counter_rate=0,bid_rate=0,entry_rate=0,exit_share=0,"
         "entrant_share=0.01")


def params(extra: str = "", firms: int = 4, segments: int = 1):  # type: ignore[no-untyped-def]
    spec = f"market:firms={firms},segments={segments},{QUIET}" + (f",{extra}" if extra else "")
    return load(spec).params


def state(revenue: list[float], chest: list[float], worlds: int = 1,
          segments: int = 1) -> rules.MarketState:
    n = len(revenue)
    r = np.zeros((worlds, n, segments))
    r[:, :, 0] = revenue
    zeros = np.zeros(worlds, dtype=np.int64)
    return rules.MarketState(revenue=r, chest=np.tile(np.array(chest, dtype=float), (worlds, 1)),
                             alive=np.ones((worlds, n), dtype=bool), entries=zeros, exits=zeros,
                             takeovers=zeros, blocked=zeros, price_wars=zeros,
                             leader=np.zeros(worlds, dtype=np.int64))


def keys(worlds: int = 1, seed: int = 0) -> np.ndarray:
    return world_keys(seed, np.arange(worlds))


def test_merger_verdict_codes_agree_with_assess_merger() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        shares = rng.dirichlet(np.full(int(rng.integers(2, 9)), rng.uniform(0.2, 3)))
        i, j = rng.choice(len(shares), 2, replace=False)
        pct = 100 * shares
        pre, delta = float((pct**2).sum()), float(2 * pct[i] * pct[j])
        for edition, g in GUIDELINES.items():
            code = int(g.verdict_codes(pre + delta, delta, pct[i] + pct[j]))
            assert VERDICTS[code] == assess_merger(list(shares), int(i), int(j),
                                                   edition=edition).verdict


def test_gibrat_growth_is_proportionate_and_mean_one() -> None:
    p = dataclasses.replace(params(firms=8), growth_sd=0.2)
    s = state([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0], [0.0] * 8, worlds=4000)
    out = rules.step(s, p, keys(4000), 0)
    factor = out.revenue[:, :, 0] / s.revenue[:, :, 0]
    # the same distribution at every size: mean 1 (exp(sd z - sd^2/2)) and spread 0.2 in logs
    assert np.abs(factor.mean(axis=0) - 1).max() < 0.02
    assert np.abs(np.log(factor).std(axis=0) - 0.2).max() < 0.01
    slope = np.polyfit(np.log(s.revenue[:, :, 0]).ravel(), np.log(factor).ravel(), 1)[0]
    assert abs(slope) < 0.005


def test_gibrat_slope_reads_a_run_and_is_near_zero_without_contests() -> None:
    run = simulate("market:preset=gibrat,firms=6", worlds=200, years=20, seed=3)
    assert abs(gibrat_slope(run.actors)) < 0.01


def test_antitrust_blocks_a_presumptively_harmful_takeover() -> None:
    # shares 40/30/20/10: leader 0 can pay for firm 1 (30 x 1.3 = 39 <= 50)
    s = state([40.0, 30.0, 20.0, 10.0], [50.0, 0.0, 0.0, 0.0])
    on = rules.step(s, params("bid_rate=1,antitrust=on,guidelines=2010"), keys(), 0)
    assert on.blocked.tolist() == [1] and on.takeovers.tolist() == [0] and on.alive.all()
    off = rules.step(s, params("bid_rate=1,antitrust=off,strategy=status-quo"), keys(), 0)
    assert off.takeovers.tolist() == [1] and not off.alive[0, 1]
    assert off.revenue[0, 0, 0] == pytest.approx(70.0)
    # the chest after a year (50 x 0.8 + 10% of 40) pays the price 30 x 1.3
    assert off.chest[0, 0] == pytest.approx(50.0 * 0.8 + 4.0 - 39.0)
    # the target's joint-venture partners counter-bid with their chests (2 + 1)
    jv = rules.step(s, params("bid_rate=1,antitrust=off,strategy=external-balancer"), keys(), 0)
    assert jv.chest[0, 0] == pytest.approx(50.0 * 0.8 + 4.0 - 39.0 - 3.0)


def test_the_guidelines_edition_decides() -> None:
    """Shares 38/8/6 x 8: post-merger HHI 2,020, increase 608: highly concentrated under 1992
    and 2023 (above 1,800), moderately concentrated under 2010 (only a concern)."""
    s = state([38.0, 8.0] + [6.0] * 9, [20.0] + [0.0] * 10)
    verdict = {e: rules.step(s, params(f"bid_rate=1,antitrust=on,guidelines={e}", firms=11),
                             keys(), 0).blocked[0] for e in (1992, 2010, 2023)}
    assert verdict == {1992: 1, 2010: 0, 2023: 1}


def test_bandwagoners_sell_without_premium_and_are_spared_price_wars() -> None:
    s = state([40.0, 30.0, 20.0, 10.0], [33.0, 0.0, 0.0, 0.0])  # 30.4 pays 30, not 39
    sq = rules.step(s, params("bid_rate=1,antitrust=off,strategy=status-quo"), keys(), 0)
    bw = rules.step(s, params("bid_rate=1,antitrust=off,strategy=bandwagoner"), keys(), 0)
    assert not bw.alive[0, 1] and sq.alive[0, 1] and not sq.alive[0, 2]
    war = params("war_rate=1,strategy=bandwagoner", firms=4)
    out = rules.step(s, war, keys(), 0)
    assert out.price_wars.tolist() == [0]  # every rival is an ally of the leader


def test_price_war_is_a_tullock_contest_moving_the_stake() -> None:
    worlds = 20_000
    p = params("war_rate=1,war_stake=0.1,war_cost=0,margin=0,payout=0,strategy=status-quo", firms=2)
    s = state([10.0, 10.0], [3.0, 1.0], worlds=worlds)
    out = rules.step(s, p, keys(worlds, 1), 0)
    leader_won = out.revenue[:, 0, 0] > 10.0
    # p = 3 / (3 + 1) = 0.75; 4 standard errors
    assert abs(leader_won.mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / worlds)
    assert np.allclose(out.revenue.sum(axis=(1, 2)), 20.0)  # the stake moves, nothing is lost
    assert np.allclose(np.abs(out.revenue[:, 0, 0] - 10.0), 1.0)


def test_the_joint_venture_pools_war_chests_in_defence() -> None:
    worlds = 20_000
    s = state([10.0, 5.0, 5.0], [3.0, 1.0, 2.0], worlds=worlds)
    bal = rules.step(s, params("war_rate=1,war_cost=0,margin=0,payout=0,strategy=external-balancer",
                                firms=3),
                     keys(worlds, 2), 0)
    sq = rules.step(s, params("war_rate=1,war_cost=0,margin=0,payout=0,strategy=status-quo",
                              firms=3), keys(worlds, 2), 0)
    won = lambda out: (out.revenue[:, 0, 0] > 10.0).mean()  # noqa: E731
    # alone a rival defends with its own chest (p = 3/4 or 3/5); in the venture with 3: 1/2
    assert abs(won(bal) - 0.5) < 0.015
    assert abs(won(sq) - (0.75 + 0.6) / 2) < 0.015


def test_buck_passers_concede_price_wars_and_spend_nothing() -> None:
    s = state([10.0, 10.0], [1.0, 100.0], worlds=200)
    out = rules.step(s, params("war_rate=1,strategy=buck-passer", firms=2), keys(200), 0)
    assert (out.revenue[:, 0, 0] > 10.0).all()
    assert np.allclose(out.chest[:, 1], 100.0 * 0.8 + 0.1 * 10.0)


def test_the_balancers_counter_attack_the_leader() -> None:
    s = state([10.0, 5.0, 5.0], [0.0, 1.0, 1.0], worlds=50)
    out = rules.step(s, params("counter_rate=1,war_cost=0,margin=0,payout=0,"
                               "strategy=external-balancer", firms=3), keys(50), 0)
    assert (out.price_wars == 1).all()
    assert np.allclose(out.revenue[:, 0, 0], 9.0)  # a chest of 0 always loses: 10% to the venture
    no = rules.step(s, params("counter_rate=1,strategy=status-quo", firms=3), keys(50), 0)
    assert (no.price_wars == 0).all()


def test_exit_below_the_exit_share_and_entry_into_empty_slots() -> None:
    s = state([100.0, 0.1, 50.0], [0.0] * 3, worlds=4000)
    out = rules.step(s, params("exit_share=0.01,entrant_share=0.05", firms=3), keys(4000), 0)
    assert not out.alive[:, 1].any() and out.alive[:, [0, 2]].all()
    assert (out.exits == 1).all()
    s2 = dataclasses.replace(out, exits=out.exits * 0)
    nxt = rules.step(s2, params("exit_share=0.01,entrant_share=0.05,entry_rate=0.3",
                                firms=3), keys(4000), 1)
    rate = nxt.alive[:, 1].mean()
    assert abs(rate - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 4000)
    entered = nxt.alive[:, 1]
    assert np.allclose(nxt.revenue[entered, 1].sum(axis=1), 0.05 * 150.0)
    leader_only = state([0.001, 0.0005], [0.0, 0.0])
    alone = rules.step(leader_only, params("exit_share=0.9,entrant_share=0.95", firms=2),
                       keys(), 0)
    assert alone.alive[0, 0]


def test_measures_follow_the_guidelines_levels() -> None:
    s = state([40.0, 30.0, 20.0, 10.0], [0.0] * 4)
    system, actors = rules.measure(s, params("guidelines=2010"))
    assert system["hhi"][0] == pytest.approx(3000.0)
    assert rules.LEVELS[system["level"][0]] == GUIDELINES[2010].level(3000.0)
    assert system["largest_share"][0] == pytest.approx(0.4) and not system["monopoly"][0]
    assert actors["share"][0].tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
