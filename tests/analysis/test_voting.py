"""Voting power: textbook values, properties and agreement with brute force."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerbalance.analysis.voting import (
    CompositeGame,
    WeightedGame,
    banzhaf,
    banzhaf_absolute,
    batch_power,
    batch_swings_pivots,
    count_minimal_winning,
    deegan_packel,
    dummy_players,
    holler,
    minimal_winning_coalitions,
    monte_carlo_banzhaf,
    monte_carlo_shapley_shubik,
    pivot_counts,
    shapley_shubik,
    swing_counts,
    veto_players,
)
from powerbalance.errors import InputError

UNSC = WeightedGame(39, [7] * 5 + [1] * 10)


# ---------------------------------------------------------------- brute force (independent)


def brute_swings(q, w):
    n = len(w)
    out = [0] * n
    for mask in range(2**n):
        total = sum(w[j] for j in range(n) if mask >> j & 1)
        for i in range(n):
            if not mask >> i & 1 and total < q <= total + w[i]:
                out[i] += 1
    return out


def brute_pivots(q, w):
    """Shapley-Shubik numerators by sizes: sum over losing S with S+i winning of
    |S|! (n-1-|S|)!."""
    n = len(w)
    out = [0] * n
    for mask in range(2**n):
        total = sum(w[j] for j in range(n) if mask >> j & 1)
        s = bin(mask).count("1")
        for i in range(n):
            if not mask >> i & 1 and total < q <= total + w[i]:
                out[i] += math.factorial(s) * math.factorial(n - 1 - s)
    return out


def brute_mwc(q, w):
    n = len(w)
    out = []
    for r in range(1, n + 1):
        for c in itertools.combinations(range(n), r):
            t = sum(w[i] for i in c)
            if t >= q and all(t - w[i] < q for i in c):
                out.append(c)
    return sorted(out)


def random_game(rng, n_max=12, w_max=20):
    n = int(rng.integers(1, n_max + 1))
    w = [int(x) for x in rng.integers(0, w_max + 1, n)]
    if sum(w) == 0:
        w[0] = 1
    q = int(rng.integers(1, sum(w) + 1))
    return q, w


# ---------------------------------------------------------------- textbook values


def test_un_security_council_shapley_shubik():
    ss = shapley_shubik(UNSC)
    assert ss[:5] == [Fraction(421, 2145)] * 5
    assert ss[5:] == [Fraction(4, 2145)] * 10
    assert veto_players(UNSC) == [0, 1, 2, 3, 4]


def test_composite_unsc_equals_weighted_form():
    comp = CompositeGame([WeightedGame(9, [1] * 15), WeightedGame(5, [1] * 5 + [0] * 10)])
    assert shapley_shubik(comp) == shapley_shubik(UNSC)
    assert banzhaf(comp) == banzhaf(UNSC)
    assert swing_counts(comp) == swing_counts(UNSC)


def test_eec_1958_luxembourg_is_a_dummy():
    eec = WeightedGame(12, [4, 4, 4, 2, 2, 1], names=["F", "D", "I", "NL", "B", "L"])
    assert dummy_players(eec) == [5]
    for index in (shapley_shubik, banzhaf, banzhaf_absolute, deegan_packel, holler):
        assert index(eec)[5] == 0
    # Shapley-Shubik of the 1958 Council: 7/30 for the large, 3/20 for NL and B
    assert shapley_shubik(eec)[:5] == [Fraction(7, 30)] * 3 + [Fraction(3, 20)] * 2


def test_banzhaf_textbook_values():
    assert banzhaf(WeightedGame(6, [4, 3, 2, 1])) == [Fraction(5, 12), Fraction(1, 4),
                                                      Fraction(1, 4), Fraction(1, 12)]
    assert banzhaf(WeightedGame(51, [50, 49, 1])) == [Fraction(3, 5), Fraction(1, 5),
                                                      Fraction(1, 5)]


def test_deegan_packel_and_holler_by_hand():
    g = WeightedGame(6, [4, 3, 2, 1])
    # minimal winning: {0,1}, {0,2}, {1,2,3}
    assert minimal_winning_coalitions(g) == [(0, 1), (0, 2), (1, 2, 3)]
    assert deegan_packel(g) == [Fraction(1, 3), Fraction(1, 6) + Fraction(1, 9),
                                Fraction(1, 6) + Fraction(1, 9), Fraction(1, 9)]
    assert holler(g) == [Fraction(2, 7), Fraction(2, 7), Fraction(2, 7), Fraction(1, 7)]


# ---------------------------------------------------------------- brute-force agreement


def test_exact_agreement_with_brute_force_on_random_games():
    rng = np.random.default_rng(20260101)
    for _ in range(60):
        q, w = random_game(rng)
        g = WeightedGame(q, w)
        assert swing_counts(g) == brute_swings(q, w), (q, w)
        assert pivot_counts(g) == brute_pivots(q, w), (q, w)
        mwc = brute_mwc(q, w)
        assert minimal_winning_coalitions(g) == mwc, (q, w)
        assert count_minimal_winning(g) == len(mwc), (q, w)


def test_composite_games_agree_with_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(10):
        q1, w = random_game(rng, n_max=9)
        w2 = [int(x) for x in rng.integers(0, 5, len(w))]
        if sum(w2) == 0:
            w2[0] = 1
        q2 = int(rng.integers(1, sum(w2) + 1))
        comp = CompositeGame([WeightedGame(q1, w), WeightedGame(q2, w2)])
        n = len(w)
        win = {m: sum(w[j] for j in range(n) if m >> j & 1) >= q1
               and sum(w2[j] for j in range(n) if m >> j & 1) >= q2 for m in range(2**n)}
        sw = [sum(1 for m in range(2**n) if not m >> i & 1 and win[m | 1 << i] and not win[m])
              for i in range(n)]
        assert swing_counts(comp) == sw


# ---------------------------------------------------------------- properties


weights_st = st.lists(st.integers(0, 30), min_size=1, max_size=9).filter(lambda w: sum(w) > 0)


@settings(max_examples=40, deadline=None)
@given(weights_st, st.data())
def test_properties(w, data):
    q = data.draw(st.integers(1, sum(w)))
    g = WeightedGame(q, w)
    ss, bz = shapley_shubik(g), banzhaf(g)
    assert sum(ss) == 1
    assert sum(bz) == 1 or all(x == 0 for x in bz)
    for i in dummy_players(g):
        assert ss[i] == 0 and bz[i] == 0
    # symmetric players (equal weights) get equal values
    for i, j in itertools.combinations(range(len(w)), 2):
        if w[i] == w[j]:
            assert ss[i] == ss[j] and bz[i] == bz[j]
    # invariance to multiplying weights and quota by a constant
    k = data.draw(st.integers(2, 7))
    g2 = WeightedGame(q * k, [x * k for x in w])
    assert shapley_shubik(g2) == ss and banzhaf(g2) == bz
    # and to a common rational factor
    g3 = WeightedGame(Fraction(q, 3), [Fraction(x, 3) for x in w])
    assert shapley_shubik(g3) == ss


def test_large_game_is_exact_and_sums_to_one():
    rng = np.random.default_rng(3)
    w = [int(x) for x in rng.integers(1, 60, 120)]
    g = WeightedGame(sum(w) // 2 + 1, w)
    ss = shapley_shubik(g)
    assert sum(ss) == 1
    bz = banzhaf_absolute(g)
    assert all(isinstance(x, Fraction) for x in bz)
    # heavier players never have less power (weighted games are monotone in weight)
    order = np.argsort(w, kind="stable")
    vals = [ss[i] for i in order]
    assert all(a <= b for a, b in itertools.pairwise(vals))


# ---------------------------------------------------------------- Monte Carlo


def test_monte_carlo_intervals_cover_exact_values_and_are_seeded():
    g = WeightedGame(6, [4, 3, 2, 1])
    est = monte_carlo_shapley_shubik(g, 20_000, seed=11, level=0.999)
    exact = [float(x) for x in shapley_shubik(g)]
    assert np.all(est.low <= exact) and np.all(exact <= est.high)
    again = monte_carlo_shapley_shubik(g, 20_000, seed=11)
    np.testing.assert_array_equal(est.value, again.value)
    other = monte_carlo_shapley_shubik(g, 20_000, seed=12)
    assert not np.array_equal(est.value, other.value)
    pb = monte_carlo_banzhaf(g, 20_000, seed=5, level=0.999)
    exact_pb = [float(x) for x in banzhaf_absolute(g)]
    assert np.all(pb.low <= exact_pb) and np.all(exact_pb <= pb.high)
    assert np.all(pb.stderr > 0) and np.all(pb.stderr < 0.01)


# ---------------------------------------------------------------- bad input


def test_bad_games():
    with pytest.raises(InputError, match="no players"):
        WeightedGame(1, [])
    with pytest.raises(InputError) as err:
        WeightedGame(50, [10, 20])
    assert err.value.field == "quota" and "30" in str(err.value)
    with pytest.raises(InputError) as err:
        WeightedGame(5, [3, -1, 4])
    assert err.value.field == "weights[1]"
    with pytest.raises(InputError, match="names"):
        WeightedGame(5, [3, 4], names=["a"])
    with pytest.raises(InputError, match="different numbers"):
        CompositeGame([WeightedGame(1, [1]), WeightedGame(1, [1, 1])])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_batch_counts_are_the_exact_counts_game_by_game(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 12, size=(25, n))
    weights[:, 0] += 1  # a positive total, so a quota exists
    total = weights.sum(axis=1)
    quota = rng.integers(1, total + 1)
    swings, pivots = batch_swings_pivots(quota, weights, chunk_cells=2**n * 7)  # 4 blocks
    bz, ss = batch_power(quota, weights)
    for k in range(len(weights)):
        game = WeightedGame(int(quota[k]), weights[k].tolist())
        assert swings[k].tolist() == swing_counts(game)
        assert pivots[k].tolist() == pivot_counts(game)
        assert bz[k].tolist() == [float(x) for x in banzhaf(game)]  # the same floats
        assert ss[k].tolist() == [float(x) for x in shapley_shubik(game)]


def test_batch_counts_refuse_what_they_cannot_count() -> None:
    with pytest.raises(ValueError, match="players"):
        batch_swings_pivots([1], np.ones((1, 17), dtype=np.int64))
    with pytest.raises(ValueError, match="non-negative"):
        batch_swings_pivots([1], [[2, -1]])
    with pytest.raises(ValueError, match="games"):
        batch_swings_pivots([1, 2], [[2, 1]])


# ---------------------------------------------------------------- compiled Shapley-Shubik


game_st = st.lists(st.integers(0, 12), min_size=1, max_size=9).filter(lambda w: sum(w) > 0)


@settings(max_examples=60, deadline=None)
@given(game_st, st.data())
def test_compiled_pivot_counts_are_the_reference_and_brute_force(w, data):
    """The numba kernel's counts are the NumPy reference's and the brute-force definition's,
    the same integers, on small games with repeated and zero weights, players at or above
    the quota and the quota at its extremes (1 and the total)."""
    pytest.importorskip("numba")
    from unittest import mock

    from powerbalance.analysis import voting

    q = data.draw(st.one_of(st.just(1), st.just(sum(w)), st.integers(1, sum(w))))
    g = WeightedGame(q, w)
    assert (voting._size_weight_windows_compiled(w, q)
            == voting._size_weight_windows(w, q))
    reference = pivot_counts(g)
    with mock.patch.object(voting, "COMPILED_SHAPLEY_WORK", 0):  # the kernel, whatever n
        fast = pivot_counts(g)
        ss = shapley_shubik(g)
    assert fast == reference == brute_pivots(q, w)
    assert all(type(x) is int for x in fast)
    assert ss == [Fraction(c, math.factorial(len(w))) for c in reference] and sum(ss) == 1


def test_compiled_counts_of_a_large_game_are_the_reference():
    pytest.importorskip("numba")
    from powerbalance.analysis import voting

    rng = np.random.default_rng(18)
    w = [int(x) for x in rng.integers(0, 40, 150)] + [0, 300]  # a zero and a heavy player
    q = sum(w) // 2 + 1
    assert voting._size_weight_windows_compiled(w, q) == voting._size_weight_windows(w, q)


def test_without_numba_the_reference_counts():
    import sys
    from unittest import mock

    from powerbalance.analysis import voting

    w, q = [5, 3, 3, 0, 1], 7
    with mock.patch.dict(sys.modules, {"powerbalance.analysis.compiled_voting": None}):
        assert voting._size_weight_windows_compiled(w, q) == voting._size_weight_windows(w, q)
