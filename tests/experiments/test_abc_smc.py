"""ABC-SMC (Beaumont et al. 2009; Toni et al. 2009) on toy models whose posterior is known
in closed form, the importance weights and kernel, and one SMC calibration end to end.

Toy model: a normal mean. The prior is uniform on [-5, 5], the summary a model draws is
theta + N(0, s^2) (s = 0.05, narrow against the prior) and the observed summary is 1.
The exact posterior is N(1, s^2) (the box
cuts nothing visible); the ABC posterior at tolerance eps (uniform kernel |d| <= eps) is
that normal convolved with U(-eps, eps): mean 1, variance s^2 + eps^2 / 3.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest

from powerbalance.experiments.calibration import (
    RESULT_FILES,
    Population,
    abc_smc,
    calibrate,
    parse_calibration_spec,
    smc_proposals,
    smc_weights,
    weighted_covariance,
    weighted_quantile,
)

NOISE = 0.05
OBSERVED = np.array([1.0, -2.0])
BOUNDS = np.array([[-5.0, 5.0], [-5.0, 5.0]])


def toy_run(seed: int, dims: int = 1, generations: int = 6, first: int = 2000,
            proposals: int = 1000) -> tuple[list[Population], int]:
    """ABC-SMC on the normal-mean toy; returns the populations and the simulations made."""
    rng = np.random.default_rng([seed, 99])
    bounds = BOUNDS[:dims]
    obs = OBSERVED[:dims]
    calls = [0]

    def distance(theta: np.ndarray) -> np.ndarray:
        calls[0] += len(theta)
        summary = theta + rng.normal(0.0, NOISE, size=theta.shape)
        return np.asarray(np.sqrt(((summary - obs) ** 2).sum(axis=1)))

    theta0 = rng.uniform(bounds[:, 0], bounds[:, 1], size=(first, dims))
    pops = abc_smc(bounds, theta0, distance(theta0), accept=0.05, generations=generations,
                   proposals=proposals, quantile=0.5,
                   simulate=lambda g, th: distance(th), seed=seed)
    return pops, calls[0]


def _moments(pop: Population, j: int = 0) -> tuple[float, float]:
    w = pop.weight / pop.weight.sum()
    mean = float(w @ pop.theta[:, j])
    return mean, float(w @ (pop.theta[:, j] - mean) ** 2)


@pytest.mark.parametrize("seed", range(5))
def test_smc_finds_the_posterior_of_a_normal_mean(seed: int) -> None:
    pops, _ = toy_run(seed)
    eps = [p.epsilon for p in pops]
    # the schedule shrinks until the population's size holds it up (then it hovers there)
    assert eps[2] < eps[1] < eps[0] and max(eps[4:]) < eps[0] / 4
    final = pops[-1]
    assert len(final.weight) >= len(pops[0].weight)  # the population keeps its size
    ess = 1.0 / float(np.sum(final.weight ** 2))
    assert ess > 30
    mean, var = _moments(final)
    target_var = NOISE ** 2 + final.epsilon ** 2 / 3
    # the weighted mean is within 4 standard errors (effective sample size) of the truth
    assert abs(mean - 1.0) < 4 * math.sqrt(target_var / ess)
    # and the weighted variance within a chi-square-like band of the ABC posterior's
    assert 0.6 * target_var < var < 1.5 * target_var
    assert NOISE ** 2 * 0.6 < var  # not collapsed below the exact posterior


def test_smc_narrows_the_rejection_posterior_at_fewer_simulations() -> None:
    """After the first design, each generation costs `proposals` simulations; SMC reaches a
    tolerance that rejection on a design of the same total size does not."""
    pops, calls = toy_run(0)
    rejection, _ = toy_run(1, generations=0, first=calls)
    assert pops[-1].epsilon < 0.5 * rejection[0].epsilon
    assert _moments(pops[0])[1] > 2 * _moments(pops[-1])[1]  # generation 0 is wide


def test_smc_in_two_dimensions_recovers_both_means() -> None:
    pops, _ = toy_run(3, dims=2, generations=5)
    final = pops[-1]
    ess = 1.0 / float(np.sum(final.weight ** 2))
    for j in range(2):
        mean, var = _moments(final, j)
        assert abs(mean - OBSERVED[j]) < 4 * math.sqrt(var / ess)
    assert final.theta.shape[1] == 2


def test_smc_is_deterministic_from_the_master_seed() -> None:
    a, _ = toy_run(7, generations=3)
    b, _ = toy_run(7, generations=3)
    c, _ = toy_run(8, generations=3)
    assert all(np.array_equal(p.theta, q.theta) and np.array_equal(p.weight, q.weight)
               for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[-1].theta, c[-1].theta)


def test_importance_weights_are_inverse_kernel_mixtures() -> None:
    prev = Population(np.array([[0.0], [1.0]]), np.array([0.1, 0.2]), np.array([0.5, 0.5]),
                      0.2, 10, np.array([0, 1]))
    var = 2.0 * float(weighted_covariance(prev.theta, prev.weight)[0, 0])  # 2 x 0.25
    assert var == pytest.approx(0.5)
    theta = np.array([[0.5], [3.0]])
    w = smc_weights(theta, prev)

    def mix(x: float) -> float:
        return sum(0.5 * math.exp(-0.5 * (x - c) ** 2 / var) for c in (0.0, 1.0))

    assert w.sum() == pytest.approx(1.0)
    assert w[1] / w[0] == pytest.approx(mix(0.5) / mix(3.0), rel=1e-9)


def test_proposals_stay_in_the_prior_box_and_follow_the_kernel() -> None:
    prev = Population(np.array([[0.9, 0.0], [1.0, 0.3]]), np.zeros(2), np.array([0.5, 0.5]),
                      1.0, 2, np.array([0, 1]))
    cov = weighted_covariance(prev.theta, prev.weight)
    assert np.allclose(cov, [[0.0025, 0.0075], [0.0075, 0.0225]])
    wide = np.array([[-10.0, 10.0], [-10.0, 10.0]])
    out = smc_proposals(prev, wide, 20_000, np.random.default_rng(0))
    # a particle drawn by weight plus the kernel N(0, 2 cov): covariance 3 cov
    assert np.allclose(np.cov(out.T), 3 * cov, rtol=0.05, atol=1e-6)
    tight = np.array([[0.0, 1.0], [-1.0, 1.0]])
    out = smc_proposals(prev, tight, 4000, np.random.default_rng(1))
    assert ((out >= tight[:, 0]) & (out <= tight[:, 1])).all()


def test_weighted_quantile_of_uniform_weights_is_a_sample_quantile() -> None:
    x = np.arange(1.0, 10.0)
    assert weighted_quantile(x, np.ones(9), 0.5) == 5.0
    assert weighted_quantile(x, np.r_[np.zeros(8), 1.0], 0.1) == 9.0


# ------------------------------------------------------------------ end to end


def test_smc_calibration_writes_weighted_posterior_and_resumes(tmp_path) -> None:
    from tests.experiments.test_calibration import tiny

    spec = parse_calibration_spec(
        tiny(kind="abc-smc", generations=2, proposals=4, points=6), source="tiny")
    out = tmp_path / "cal"
    first = calibrate(spec, out)
    assert first.runs == 6 * 2 + 2 * 4 * 2  # the design, then two generations of 4
    for name in RESULT_FILES:
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "generations").iterdir()) == ["01", "02"]
    gens = pd.read_parquet(out / "generations.parquet")
    assert gens["generation"].tolist() == [0, 1, 2]
    assert (np.diff(gens["epsilon"]) <= 0).all()
    post = pd.read_parquet(out / "posterior.parquet")
    assert post["weight"].sum() == pytest.approx(1.0)
    dist = pd.read_parquet(out / "distances.parquet")
    assert sorted(dist["generation"].unique()) == [0, 1, 2] and len(dist) == 6 + 8
    params = tomllib.loads((out / "calibrated-params.toml").read_text())["params"]
    for name, (lo, hi) in spec.priors.items():
        assert lo <= params[name] <= hi
        assert params[name] == weighted_quantile(post[name].to_numpy(),
                                                 post["weight"].to_numpy(), 0.5)
    again = calibrate(spec, out)
    assert again.runs == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), post)


@pytest.mark.parametrize(("method", "field", "allowed"), [
    ({"kind": "abc-rejection", "generations": 2}, "method.generations", "abc-smc"),
    ({"kind": "abc-smc", "generations": 51}, "method.generations", "0 to 50"),
    ({"kind": "abc-smc", "quantile": 1.0}, "method.quantile", "0 < quantile < 1"),
    ({"kind": "abc-smc", "proposals": 0}, "method.proposals", ">= 1"),
])
def test_bad_smc_settings_name_the_field(method, field, allowed) -> None:
    from powerbalance.errors import InputError
    from tests.experiments.test_calibration import tiny

    with pytest.raises(InputError) as err:
        parse_calibration_spec(tiny(**method), source="cal.toml")
    assert err.value.field == field and allowed in (err.value.allowed or "")
