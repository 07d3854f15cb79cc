"""The package's own power-law fit (x_min search, exponent, truncated log-normal, Vuong test)
against the ``powerlaw`` package (Alstott, Bullmore & Plenz 2014), the independent
cross-check, on synthetic samples and, when ``../shared/data`` is there, on the COW war
sizes; and the closed-form Wilson and t intervals against statsmodels and scipy.stats."""

import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from powerbalance.experiments import stats

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def _reference(x: np.ndarray, discrete: bool = False):
    import powerlaw

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        ref = powerlaw.Fit(x, discrete=discrete, verbose=False,
                           parameter_ranges={"alpha": [1, None]})
        r, p = ref.distribution_compare("power_law", "lognormal", normalized_ratio=True)
    return ref, r, p


def _lognormal_loglik(x: np.ndarray, xmin: float, mu: float, sigma: float) -> float:
    from scipy.special import log_ndtr

    lx = np.log(x[x >= xmin])
    z = (lx - mu) / sigma
    return float(np.sum(-lx - math.log(sigma) - 0.5 * math.log(2 * math.pi) - 0.5 * z * z
                        - log_ndtr((mu - math.log(xmin)) / sigma)))


def _mixture(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.r_[rng.uniform(0.1, 1.0, 300), (1 - rng.random(1200)) ** (-1 / 1.5)]


@pytest.mark.parametrize("seed", [5, 11, 23])
def test_continuous_fit_matches_the_powerlaw_package(seed: int) -> None:
    x = _mixture(seed)
    mine = stats.fit_war_sizes(x)
    ref, r, p = _reference(x)
    assert mine["xmin"] == pytest.approx(ref.xmin, rel=1e-12)
    assert mine["alpha"] == pytest.approx(ref.alpha, rel=1e-9)
    assert mine["D"] == pytest.approx(ref.power_law.D, rel=1e-9)
    assert mine["n_tail"] == ref.n_tail
    # our truncated log-normal is at least as likely as the package's (it maximises better
    # or equally: the profile likelihood goes further along the ridge to mu -> -inf), and
    # both tests give the same verdict
    ours = _lognormal_loglik(x, mine["xmin"], mine["mu"], mine["sigma_lognormal"])
    theirs = _lognormal_loglik(x, ref.xmin, ref.lognormal.mu, ref.lognormal.sigma)
    assert ours >= theirs - 1e-6
    assert (mine["p"] > 0.1) == (p > 0.1)  # (R itself is not converged on that ridge)


def test_lognormal_fit_recovers_a_truncated_lognormal() -> None:
    rng = np.random.default_rng(3)
    mu, sigma = 2.0, 1.0
    draws = np.exp(rng.normal(mu, sigma, 40_000))
    xmin = math.exp(mu)
    fit = stats.fit_war_sizes(draws, xmin=xmin)
    assert fit["mu"] == pytest.approx(mu, abs=0.08)
    assert fit["sigma_lognormal"] == pytest.approx(sigma, abs=0.05)
    # a log-normal tail is no power law: the ratio favours the log-normal, significantly
    assert fit["R"] < -3 and fit["p"] < 0.01


def test_discrete_fit_matches_the_powerlaw_package() -> None:
    rng = np.random.default_rng(8)
    x = np.floor(5 * (1 - rng.random(2000)) ** (-1 / 1.3)).astype(float)
    mine = stats.fit_war_sizes(x, discrete=True)
    ref, _, _ = _reference(x, discrete=True)
    assert mine["xmin"] == ref.xmin
    assert mine["alpha"] == pytest.approx(ref.alpha, abs=2e-3)
    assert mine["D"] == pytest.approx(ref.power_law.D, abs=2e-3)
    assert math.isnan(mine["R"]) and math.isnan(mine["p"])  # no discrete rival: not compared


def test_vuong_test_is_the_packages_ratio() -> None:
    from powerlaw.statistics import loglikelihood_ratio

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=200), rng.normal(0.1, 1.2, size=200)
    r, p = stats.vuong_test(a, b)
    ref_r, ref_p = loglikelihood_ratio(a, b, normalized_ratio=True)
    assert r == pytest.approx(ref_r, rel=1e-12) and p == pytest.approx(ref_p, rel=1e-9)


@pytest.mark.skipif(not (DATA / "cow_war_inter_v4_ddy_peacesciencer.csv").is_file(),
                    reason="real data not available (../shared/data)")
@pytest.mark.parametrize("discrete", [False, True])
def test_fit_of_real_war_sizes_matches_the_powerlaw_package(discrete: bool) -> None:
    from powerbalance.analysis.facts import from_data

    deaths = from_data(DATA).wars["deaths"].to_numpy()
    deaths = deaths[np.isfinite(deaths) & (deaths > 0)]
    mine = stats.fit_war_sizes(deaths, discrete=discrete)
    ref, r, p = _reference(deaths, discrete=discrete)
    assert mine["xmin"] == ref.xmin == 7061  # the data README's tail of 51 wars
    assert mine["n_tail"] == 51
    assert mine["alpha"] == pytest.approx(ref.alpha, abs=1e-3)
    assert mine["D"] == pytest.approx(ref.power_law.D, abs=1e-3)
    if not discrete:
        assert mine["R"] == pytest.approx(r, abs=1e-3) and mine["p"] == pytest.approx(p, abs=1e-3)
        assert mine["mu"] == pytest.approx(ref.lognormal.mu, abs=0.05)


@pytest.mark.parametrize("n", [1, 7, 95, 2129])
def test_wilson_in_closed_form_is_statsmodels(n: int) -> None:
    from statsmodels.stats.proportion import proportion_confint

    k = np.arange(n + 1)
    lo, hi = stats.proportion_interval(k, n)
    ref_lo, ref_hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert np.allclose(lo[1:], ref_lo[1:], rtol=1e-12, atol=1e-15) and lo[0] == 0.0
    assert np.allclose(hi[:-1], ref_hi[:-1], rtol=1e-12, atol=1e-15) and hi[-1] == 1.0


def test_t_intervals_are_scipy_stats() -> None:
    from scipy import stats as sps

    x = np.random.default_rng(2).normal(3.0, 2.0, 17)
    m, lo, hi = stats.mean_ci(x, level=0.9)
    ref = sps.t.interval(0.9, 16, loc=x.mean(), scale=x.std(ddof=1) / math.sqrt(17))
    assert (lo, hi) == pytest.approx(ref, rel=1e-12)
    d = stats.paired_difference(x, np.zeros(17), level=0.95)
    assert d["ci_low"] == pytest.approx(x.mean() - sps.t.ppf(0.95, 16) * d["se"], rel=1e-12)


def test_the_facts_import_neither_scipy_stats_nor_powerlaw_nor_pyplot() -> None:
    fixture = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "facts"
    code = ("import sys; from powerbalance.analysis.facts import facts; "
            f"facts({str(fixture)!r}, data=True, bootstrap=20); "
            "print(sorted(m for m in ('scipy.stats', 'powerlaw', 'matplotlib.pyplot', "
            "'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
