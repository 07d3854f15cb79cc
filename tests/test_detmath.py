"""The small-array path of :mod:`powerbalance.detmath` gives the array path's bits."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance import detmath


def _array_path(fn, x: np.ndarray) -> np.ndarray:
    """``fn`` on ``x`` through the NumPy polynomial (the small path switched off)."""
    small, detmath.SMALL = detmath.SMALL, -1
    try:
        return fn(x)
    finally:
        detmath.SMALL = small


def _values() -> np.ndarray:
    rng = np.random.default_rng(0)
    edges = [0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 1.5, -2.5, 709.78, 709.7800001, 709.0,
             710.0, 800.0, -745.0, -745.0000001, -744.9, -708.5, -720.0, np.inf, -np.inf,
             np.log(2.0) / 2, -np.log(2.0) / 2, 1e-17, 5e-324]
    return np.concatenate([edges, rng.normal(0, 3, 3000), rng.uniform(-750, 712, 3000),
                           rng.normal(0, 1e-8, 500)])


@pytest.mark.parametrize("fn", [detmath.exp, detmath.log])
def test_small_arrays_bit_identical_to_the_array_path(fn) -> None:
    x = _values()
    if fn is detmath.log:  # positive finite inputs, and a few others the array path takes
        x = np.concatenate([np.abs(x[np.isfinite(x)]) + 0.0, np.exp(np.linspace(-700, 700,
                                                                                   2000))])
    with np.errstate(all="ignore"):
        whole = _array_path(fn, x)
        for k in range(0, len(x), 7):  # 7 values at a time: the small path
            part = x[k:k + 7]
            got = fn(part)
            assert got.dtype == np.float64 and got.shape == part.shape
            assert got.view(np.uint64).tolist() == whole[k:k + 7].view(np.uint64).tolist(), \
                part


def test_small_path_declines_to_the_array_path() -> None:
    """NaN in exp, non-positive or non-finite values in log: the array path's values."""
    with np.errstate(all="ignore"):
        for fn, bad in ((detmath.exp, [1.0, np.nan]), (detmath.log, [1.0, 0.0, -2.0, np.inf])):
            x = np.array(bad)
            np.testing.assert_array_equal(fn(x), _array_path(fn, x))
    assert detmath.exp(np.float64(2.0)).shape == () and detmath.log(3.0).shape == ()
