"""Concentration and polarity on hand-computed vectors, plus properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from powerbalance.analysis import (
    PolarityRules,
    concentration,
    effective_number,
    hhi,
    polarity,
)

shares_vectors = arrays(
    np.float64, st.integers(2, 12), elements=st.floats(0.01, 100.0, allow_nan=False)
)


def test_hhi_hand_computed():
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)
    assert hhi([50, 30, 20], scale=10_000) == pytest.approx(3800.0)


def test_enp_is_inverse_hhi_and_con_bounds():
    s = np.array([0.4, 0.4, 0.2])
    assert effective_number(s) == pytest.approx(1 / 0.36)
    assert concentration([0.25] * 4) == pytest.approx(0.0)
    assert concentration([1.0, 0.0, 0.0, 0.0]) == pytest.approx(1.0)
    # CON from the formula: sqrt((0.36 - 1/3) / (2/3))
    assert concentration(s) == pytest.approx(np.sqrt((0.36 - 1 / 3) / (2 / 3)))


def test_vectorised_matches_rowwise():
    rng = np.random.default_rng(1)
    x = rng.random((4, 5, 7))
    rows = np.array([[hhi(r) for r in block] for block in x])
    np.testing.assert_allclose(hhi(x), rows)


@given(shares_vectors)
def test_permutation_and_scale_invariance(v):
    perm = v[::-1]
    for f in (hhi, concentration, effective_number):
        assert f(v) == pytest.approx(f(perm), abs=1e-6)
        assert f(v) == pytest.approx(f(v * 7.5), abs=1e-6)


def test_polarity_classes_and_rules_are_parameters():
    codes = polarity([[1.0, 0, 0], [0.6, 0.2, 0.2], [0.45, 0.45, 0.1], [0.3, 0.3, 0.4]])
    assert codes.tolist() == [0, 1, 2, 3]
    # With a stricter pole threshold the 0.45/0.45 system is no longer bipolar.
    strict = PolarityRules(pole_share=0.5)
    assert polarity([0.45, 0.45, 0.1], strict) == 3
    with pytest.raises(ValueError):
        PolarityRules(pole_share=0.0)


@pytest.mark.parametrize("actors", [1, 2, 3, 8])
def test_power_measures_are_the_four_measures_bit_for_bit(actors: int) -> None:
    """power_measures normalises once; each value is the one-by-one function's, to the bit,
    on raw capabilities with dead (0), negative and NaN entries and leading axes."""
    from powerbalance.analysis.distribution import power_measures

    rng = np.random.default_rng(actors)
    x = rng.lognormal(0.0, 1.5, (40, 7, actors))
    x[rng.random(x.shape) < 0.3] = 0.0
    x[rng.random(x.shape) < 0.05] = -1.0
    x[rng.random(x.shape) < 0.05] = np.nan
    x[0, 0] = 0.0  # a world where nobody holds anything
    got = power_measures(x)
    for key, expected in [("hhi", hhi(x)), ("effective_number", effective_number(x)),
                          ("con", concentration(x)), ("polarity_code", polarity(x))]:
        assert got[key].shape == x.shape[:-1]
        assert got[key].dtype == expected.dtype
        assert np.array_equal(got[key], expected), key
