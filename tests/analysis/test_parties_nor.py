"""Parties, markets and merger guidelines; Niou-Ordeshook-Rose analysis."""

import itertools

import numpy as np
import pytest

from powerbalance.analysis import (
    GUIDELINES,
    assess_merger,
    effective_number_of_parties,
    hhi,
    market_hhi,
    merger_delta,
    nor_analysis,
)
from powerbalance.errors import InputError


def test_effective_number_of_parties():
    assert effective_number_of_parties([100, 100]) == pytest.approx(2.0)
    # seats 50/30/20: 1 / (0.25 + 0.09 + 0.04)
    assert effective_number_of_parties([50, 30, 20]) == pytest.approx(1 / 0.38)
    # identical to the inverse HHI of the shares
    v = [12, 7, 3, 1]
    assert effective_number_of_parties(v) == pytest.approx(1 / float(hhi(v)))
    with pytest.raises(InputError) as err:
        effective_number_of_parties([10, -5, 3])
    assert err.value.field == "seats[1]" and err.value.allowed == ">= 0"
    with pytest.raises(InputError, match="no values"):
        effective_number_of_parties([])


def test_market_hhi_and_merger_delta():
    assert market_hhi([0.4, 0.3, 0.2, 0.1]) == pytest.approx(3000.0)
    assert market_hhi([40, 30, 20, 10]) == pytest.approx(3000.0)
    shares = [40, 30, 20, 10]
    merged = [40, 30, 30]
    assert merger_delta(shares, 2, 3) == pytest.approx(
        float(market_hhi(merged) - market_hhi(shares)))
    with pytest.raises(InputError):
        merger_delta(shares, 1, 1)


def test_guideline_editions_differ():
    # A market of HHI 2000: highly concentrated in 1992 and 2023, moderate in 2010
    assert GUIDELINES[1992].level(2000) == "highly concentrated"
    assert GUIDELINES[2010].level(2000) == "moderately concentrated"
    assert GUIDELINES[2023].level(2000) == "highly concentrated"
    assert GUIDELINES[1992].level(999) == "unconcentrated"
    assert GUIDELINES[2010].level(1499) == "unconcentrated"
    assert GUIDELINES[2010].level(2500) == "moderately concentrated"
    assert GUIDELINES[2010].level(2501) == "highly concentrated"
    # 10 firms of 10 % each; two merge: post 1200, delta 200
    ten = [10] * 10
    assert assess_merger(ten, 0, 1, edition=1992).verdict == "potential concern"
    assert assess_merger(ten, 0, 1, edition=2010).verdict == "unlikely concern"
    assert assess_merger(ten, 0, 1, edition=2023).verdict == "unlikely concern"
    # 2023 share test: a merged share above 30 % with a delta above 100
    # 20 % + 11 % and 23 firms of 3 %: pre 400 + 121 + 207 = 728, delta 440
    market = [20, 11] + [3] * 23
    a = assess_merger(market, 0, 1, edition=2023)
    assert a.pre_hhi == pytest.approx(728) and a.delta == pytest.approx(440)
    assert a.post_hhi == pytest.approx(1168) and a.level == "not highly concentrated"
    assert a.verdict == "presumed harmful"
    assert assess_merger(market, 0, 1, edition=2010).verdict == "unlikely concern"
    assert assess_merger(market, 0, 1, edition=1992).verdict == "potential concern"
    with pytest.raises(InputError, match="edition"):
        assess_merger(market, 0, 1, edition=1984)


def brute_nor(r):
    n, total = len(r), sum(r)
    wins = {c: 2 * sum(r[i] for i in c) > total
            for k in range(n + 1) for c in itertools.combinations(range(n), k)}
    mwc = [c for c, w in wins.items() if w and all(not wins[tuple(j for j in c if j != i)]
                                                    for i in c)]
    ess = sorted({i for c in mwc for i in c})
    return sorted(mwc), ess


def test_nor_agrees_with_brute_force():
    rng = np.random.default_rng(42)
    for _ in range(40):
        n = int(rng.integers(1, 10))
        r = [int(x) for x in rng.integers(0, 12, n)]
        if sum(r) == 0:
            r[0] = 1
        res = nor_analysis(r)
        mwc, ess = brute_nor(r)
        assert res.minimal_winning_count == len(mwc), r
        assert list(res.minimal_winning) == mwc, r
        assert list(res.essential) == ess, r
        assert sorted(res.essential + res.inessential) == list(range(n))
        total = sum(r)
        assert res.balancers == tuple(i for i in range(n) if 2 * r[i] == total)


def test_nor_predominant_balancer_and_decimals():
    r = nor_analysis([6, 2, 1])
    assert r.predominant == 0 and r.essential == (0,) and r.inessential == (1, 2)
    assert r.minimal_winning == ((0,),)
    b = nor_analysis([0.5, 0.3, 0.2])  # decimals are exact: 0.5 is exactly half
    assert b.balancers == (0,) and b.predominant is None
    assert b.minimal_winning == ((0, 1), (0, 2))


def test_nor_thirty_actors_is_fast_and_consistent():
    import time

    rng = np.random.default_rng(1)
    r = [int(x) for x in rng.integers(1, 1000, 30)]
    t0 = time.perf_counter()
    res = nor_analysis(r)
    assert time.perf_counter() - t0 < 3.0
    from powerbalance.analysis import WeightedGame, count_minimal_winning

    g = WeightedGame(sum(r) + 1, [2 * x for x in r])
    assert res.minimal_winning_count == count_minimal_winning(g)
    assert res.minimal_winning is None  # too many to list


def test_nor_bad_input():
    with pytest.raises(InputError, match="negative"):
        nor_analysis([3, -1])
    with pytest.raises(InputError, match="no actors"):
        nor_analysis([])
