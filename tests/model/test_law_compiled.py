"""The compiled engine's kernels of the law of nations (powerbalance.model.compiled_law) give
the NumPy reference's numbers bit for bit (a file of its own, outside the mutation harness's
law tests: it compiles the kernels)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from powerbalance.model import law
from powerbalance.params import Params

pytest.importorskip("numba")


def _state(rng: np.random.Generator, batch: int, n: int, density: float,
           ties: bool) -> SimpleNamespace:
    """A random batch of worlds as enforceable reads them: some actors dead, asymmetric
    alliances, norms anywhere in [0, 1]; with ``ties`` the shares are a few equal values
    (coalitions that exactly contend with an actor and its allies)."""
    if ties:
        share = rng.integers(1, 4, (batch, n)).astype(np.float64)
    else:
        share = rng.random((batch, n)) ** 3
    alive = rng.random((batch, n)) < 0.85
    share = np.where(alive, share, 0.0)
    share /= np.maximum(share.sum(axis=1, keepdims=True), 1e-300)
    alliance = np.where(rng.random((batch, n, n)) < density, rng.random((batch, n, n)),
                        0.0).astype(np.float32)
    compliance = rng.random((batch, n))
    if ties:
        compliance = np.round(compliance, 1)
    return SimpleNamespace(batch=batch, n_actors=n, alive=alive, last_share=share,
                           alliance=alliance, compliance=compliance,
                           norms=np.round(rng.random((batch, 2)), 1 if ties else 6))


@pytest.mark.parametrize("n", [1, 2, 5, 7, 8, 9, 13, 16, 31, 50])
@pytest.mark.parametrize("ties", [False, True])
def test_enforceable_kernel_is_the_reference_bit_for_bit(n, ties):
    rng = np.random.default_rng(n * 2 + ties)
    for density in (0.0, 0.15, 0.6):
        for ratio in (1.0, 0.5, 2.0):
            state = _state(rng, 300, n, density, ties)
            params = Params(law=True, contend_ratio=ratio)
            ref = law.enforceable(state, params)
            got = law.enforceable(state, params, "compiled")
            assert ref.dtype == got.dtype and ref.shape == got.shape == (300, 2)
            assert ref.tobytes() == got.tobytes(), (n, ties, density, ratio)


def test_the_comparison_is_not_vacuous():
    """Across the random worlds every outcome occurs: dominated worlds (0), fully and
    partly punishable compliance, and worlds where nobody is bound."""
    state = _state(np.random.default_rng(0), 2000, 7, 0.3, False)
    out = law.enforceable(state, Params(law=True), "compiled")
    assert (out == 0).any() and (out == 1).any() and ((out > 0) & (out < 1)).any()


@pytest.mark.parametrize("n", [2, 7, 9, 16, 31])
@pytest.mark.parametrize("concert", [False, True])
def test_coalition_kernel_is_the_reference_bit_for_bit(n, concert):
    """The sanctioners and the unpunishable of random violations, with and without a concert
    (policing, intervention), free-riding and ratios, the norm given or not."""
    rng = np.random.default_rng(100 + n + concert)
    for ties in (False, True):
        state = _state(rng, 200, n, 0.3, ties)
        state.concert = (rng.random((200, n)) < 0.4) if concert else None
        k = 400
        b = rng.integers(0, 200, k)
        violator = rng.integers(0, n, k)
        strength = state.norms[b, rng.integers(0, 2, k)]
        norm = rng.integers(0, 2, k)
        for overrides in ({}, {"law_free_riding": False}, {"contend_ratio": 0.5},
                          {"concert_policing": False}, {"concert_intervention": False}):
            params = Params(law=True, **overrides)
            for given in (norm, None):
                ref = law.coalition(state, b, violator, strength, params, given)
                got = law.coalition(state, b, violator, strength, params, given, "compiled")
                for x, y in zip(ref, got, strict=True):
                    assert x.dtype == y.dtype and x.shape == y.shape
                    assert np.array_equal(x, y), (n, concert, ties, overrides, given is None)
    assert ref[0].any() and ref[1].any() and not ref[1].all()


def test_the_coalition_kernels_limit_is_the_one_law_dispatches_on():
    from powerbalance.model import compiled_law

    assert law._PAIRWISE_MAX == compiled_law.PAIRWISE_MAX
