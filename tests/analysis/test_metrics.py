"""Entropy, Gini, ratios, classes, hegemony, transitions and balancing."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from powerbalance.analysis import (
    CEDERMAN_NAMES,
    balancing,
    balancing_frame,
    cederman_class,
    effective_number,
    entropy,
    first_second_ratio,
    gini,
    hegemon,
    hhi,
    power_transitions,
    regional_hegemons,
    transitions_frame,
)

vectors = arrays(np.float64, st.integers(2, 12), elements=st.floats(0.01, 100.0))


def brute_gini(x):
    x = np.asarray(x, dtype=float)
    x = x[x > 0]
    n = len(x)
    return sum(abs(a - b) for a, b in itertools.product(x, x)) / (2 * n * n * x.mean())


def test_hand_computed_metrics():
    s = [0.5, 0.25, 0.25]
    assert entropy(s) == pytest.approx(-(0.5 * math.log(0.5) + 0.5 * math.log(0.25)))
    assert entropy(s, base=2) == pytest.approx(1.5)
    assert gini([1, 2, 3, 4]) == pytest.approx(brute_gini([1, 2, 3, 4]))
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)  # sum|xi-xj| = 20, 2*16*2.5 = 80
    assert first_second_ratio([0.1, 0.6, 0.3]) == pytest.approx(2.0)
    assert math.isinf(float(first_second_ratio([1.0, 0.0])))
    assert hhi([0.5, 0.25, 0.25], scale=10_000) == pytest.approx(3750.0)
    assert effective_number([0.5, 0.25, 0.25]) == pytest.approx(1 / 0.375)


def test_gini_ignores_dead_actors_unless_asked():
    assert gini([0.5, 0.5, 0.0]) == pytest.approx(0.0)
    assert gini([0.5, 0.5, 0.0], include_zeros=True) == pytest.approx(brute_gini(
        [0.5, 0.5, 1e-300]), abs=1e-9)


def test_cederman_classes_by_survivors():
    rows = np.zeros((5, 12))
    for k, n in enumerate([0, 1, 2, 10, 11]):
        rows[k, :n] = 1.0
    assert cederman_class(rows).tolist() == [-1, 0, 1, 2, 3]
    assert CEDERMAN_NAMES[int(cederman_class([1, 1, 1]))] == "multipolar"
    assert cederman_class(rows[3], bounds=(1, 2, 5)) == 3


def test_hegemony_global_and_regional():
    assert hegemon([[0.6, 0.3, 0.1], [0.5, 0.5, 0.0]]).tolist() == [0, -1]
    assert hegemon([0.4, 0.35, 0.25], threshold=0.3) == 0
    cap = np.array([[6.0, 1.0, 1.0, 3.0, 3.0], [1.0, 1.0, 1.0, 5.0, 1.0]])
    reg = regional_hegemons(cap, ["eu", "eu", "eu", "as", "as"])
    assert reg["eu"].tolist() == [0, -1]
    assert reg["as"].tolist() == [-1, 3]


@given(vectors)
def test_invariances(v):
    rng = np.random.default_rng(0)
    p = rng.permutation(len(v))
    for f in (entropy, gini, first_second_ratio):
        assert f(v) == pytest.approx(f(v[p]), rel=1e-9, abs=1e-12)
        assert f(v) == pytest.approx(f(v * 3.7), rel=1e-9, abs=1e-12)
    assert 0.0 <= gini(v) <= 1.0
    assert entropy(v) <= math.log(len(v)) + 1e-9
    assert gini(v) == pytest.approx(brute_gini(v), abs=1e-9)


def test_vectorised_over_worlds_and_years():
    x = np.random.default_rng(5).random((3, 4, 6))
    for f in (entropy, gini, first_second_ratio, cederman_class, hegemon):
        rows = np.array([[f(r) for r in block] for block in x])
        np.testing.assert_allclose(f(x), rows)


def test_power_transitions_with_persistence_and_death():
    cap = np.array([[5, 3], [4, 4.5], [5, 4], [4, 6], [4, 7]], dtype=float)
    t1 = power_transitions(cap, years=[1, 2, 3, 4, 5], actors=["A", "B"])
    assert [(t.year, t.dominant, t.challenger) for t in t1] == [(2, "A", "B"), (3, "B", "A"),
                                                                (4, "A", "B")]
    t2 = power_transitions(cap, years=[1, 2, 3, 4, 5], actors=["A", "B"], persistence=2)
    assert [(t.year, t.challenger) for t in t2] == [(4, "B")]
    assert t2[0].dominant_value == 4 and t2[0].challenger_value == 6
    # the leader dies: succession, not a transition
    dead = np.array([[5, 3], [0, 3], [0, 4]], dtype=float)
    assert power_transitions(dead) == []


def test_transitions_frame_by_world():
    df = pd.DataFrame({"world": [0, 0, 0, 0, 1, 1, 1, 1], "year": [1, 1, 2, 2] * 2,
                       "actor": [1, 2] * 4, "share": [0.6, 0.4, 0.4, 0.6, 0.6, 0.4, 0.7, 0.3]})
    out = transitions_frame(df, by=["world"])
    assert out[["world", "year", "dominant", "challenger"]].values.tolist() == [[0, 2, 1, 2]]


def test_balancing_hand_computed():
    b = balancing([0.4, 0.1, 0.2, 0.2, 0.1], [(0, 1), (2, 3), (3, 1)])
    # leader 0 allied with 1; 2 and 3 allied without the leader; 4 unaligned
    assert b.leader == 0 and b.leader_share == pytest.approx(0.4)
    assert b.with_leader == pytest.approx(0.1)
    assert b.against_leader == pytest.approx(0.4)
    assert b.unaligned == pytest.approx(0.1)
    assert b.leader_share + b.with_leader + b.against_leader + b.unaligned == pytest.approx(1)


def test_balancing_frame_matches_single_year_function():
    rng = np.random.default_rng(9)
    rows, pairs = [], []
    expected = {}
    for year in range(5):
        s = rng.random(6)
        prs = [(int(a), int(b)) for a, b in itertools.combinations(range(6), 2)
               if rng.random() < 0.3]
        rows += [{"year": year, "actor": i, "share": s[i]} for i in range(6)]
        pairs += [{"year": year, "actor": a, "ally": b} for a, b in prs]
        expected[year] = balancing(s, prs)
    out = balancing_frame(pd.DataFrame(rows), pd.DataFrame(pairs)).set_index("year")
    for year, b in expected.items():
        r = out.loc[year]
        assert r.leader == b.leader
        assert r.with_leader == pytest.approx(b.with_leader)
        assert r.against_leader == pytest.approx(b.against_leader)
        assert r.unaligned == pytest.approx(b.unaligned)
