"""The one statistics module: interval methods, their coverage, formatting, seeding, fits.

Coverage is checked over seeded ensembles with bounds several standard errors
wide; each test names the mechanism it checks.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from powerbalance.experiments import stats

# ---------------------------------------------------------------- proportions


def test_wilson_matches_the_1927_formula() -> None:
    z = sps.norm.ppf(0.975)
    for k, n in [(1, 10), (7, 40), (500, 1000), (3, 1000)]:
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        _, lo, hi = stats.proportion_ci(k, n)
        assert (lo, hi) == pytest.approx((centre - half, centre + half), rel=1e-10)


def test_zero_of_a_thousand_has_a_real_upper_bound() -> None:
    p, lo, hi = stats.proportion_ci(0, 1000)
    assert p == 0.0 and lo == 0.0
    assert hi == pytest.approx(0.00383, abs=1e-5)  # Wilson: z^2 / (n + z^2)
    p, lo, hi = stats.proportion_ci(1000, 1000)
    assert hi == 1.0 and lo == pytest.approx(1 - 0.00383, abs=1e-5)
    _, _, cp_hi = stats.proportion_ci(0, 1000, method="clopper-pearson")
    assert cp_hi == pytest.approx(1 - 0.025 ** (1 / 1000), rel=1e-9)  # exact: (1-hi)^n = 2.5%


def test_clopper_pearson_never_undercovers() -> None:
    rng = np.random.default_rng(11)
    for p in (0.02, 0.3):
        ks = rng.binomial(60, p, size=4000)
        lo, hi = stats.proportion_interval(ks, 60, method="clopper-pearson")
        covered = np.mean((lo <= p) & (p <= hi))
        assert covered >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / len(ks))


def test_unknown_proportion_method_is_an_input_error() -> None:
    from powerbalance.errors import InputError

    with pytest.raises(InputError, match="wilson, clopper-pearson"):
        stats.proportion_ci(1, 2, method="wald")


def test_run_summary_interval_is_wilson_not_wald() -> None:
    from powerbalance.experiments.summary import unification

    worlds = 1000
    system = pd.DataFrame({"world": np.arange(worlds), "year": 0, "live_actors": 2,
                           "leader": 0})
    system.loc[0, "live_actors"] = 1  # 1 of 1,000 worlds unified by A, none by B
    rows = unification(system, ["A", "B"]).set_index("actor")
    assert rows.loc["B", "ci_low"] == 0.0 and rows.loc["B", "ci_high"] > 0.003
    assert rows.loc["A", "ci_low"] > 0.0  # Wald would clip 0.001 - 0.002 to 0
    assert (rows.loc["A", "ci_low"], rows.loc["A", "ci_high"]) == pytest.approx(
        stats.proportion_ci(1, worlds)[1:])


def test_monte_carlo_voting_estimate_uses_wilson() -> None:
    from powerbalance.analysis.voting import WeightedGame, monte_carlo_banzhaf

    est = monte_carlo_banzhaf(WeightedGame(3, [3, 1, 1]), 2000, seed=1)  # a dictator
    assert est.value[1] == 0.0 and est.low[1] == 0.0
    assert est.high[1] == pytest.approx(stats.proportion_ci(0, 2000)[2])  # Wald: 0


# ---------------------------------------------------------------- means


def test_mean_interval_is_student_t() -> None:
    x = np.array([1.0, 2.0, 4.0, 8.0])
    m, lo, hi = stats.mean_ci(x, 0.9)
    half = sps.t.ppf(0.95, 3) * x.std(ddof=1) / 2
    assert (lo, hi) == pytest.approx((m - half, m + half))
    assert stats.mean_ci([5.0, 5.0, 5.0]) == (5.0, 5.0, 5.0)
    assert all(math.isnan(v) for v in stats.mean_ci([1.0])[1:])


def test_paired_lower_bound_covers_at_its_level_with_few_worlds() -> None:
    # with 6 pairs a normal quantile would cover about 92%; the t bound covers 95%
    rng = np.random.default_rng(5)
    trials = 6000
    covered = 0
    for _ in range(trials):
        high, low = rng.normal(1.0, 1.0, 6), rng.normal(0.0, 1.0, 6)
        covered += stats.paired_difference(high, low, 0.95)["ci_low"] <= 1.0
    assert covered / trials == pytest.approx(0.95, abs=3 * math.sqrt(0.95 * 0.05 / trials))


def test_claims_and_tournaments_use_the_t_interval() -> None:
    from powerbalance.experiments.claims import _mean_row
    from powerbalance.experiments.tournament import summarise

    v = np.array([0.5, 1.5, 2.0, 4.0])
    row = _mean_row("arm", "wars", v, 0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(stats.mean_ci(v)[1:])
    binary = _mean_row("arm", "hegemon", np.array([0.0] * 20), 0.95)
    assert binary["ci_high"] == pytest.approx(stats.proportion_ci(0, 20)[2])
    entries = pd.DataFrame({"strategy": "s", "world": np.arange(4), "survival": v,
                            "final_share": v, "wars": v, "war_cost": v})
    t = summarise(entries).iloc[0]
    assert (t["wars_lo"], t["wars_hi"]) == pytest.approx(stats.mean_ci(v)[1:])


# ---------------------------------------------------------------- printing


@pytest.mark.parametrize(("args", "kwargs", "text"), [
    ((0.0, 0.0, 0.00383), {"percent": True}, "0.0% [0.0%, 0.4%]"),
    ((0.0, 0.0, 0.0000384), {"percent": True}, "0.000% [0.000%, 0.004%]"),
    ((0.5, 0.2366, 0.7634), {"percent": True}, "50.0% [23.7%, 76.3%]"),
    ((12.5, 12.49, 12.51), {}, "12.50 [12.49, 12.51]"),
    ((12.5, 12.499, 12.501), {}, "12.500 [12.499, 12.501]"),
    ((1.0, math.nan, math.nan), {}, "1.00 [-, -]"),
])
def test_format_interval_shows_the_width(args: tuple[float, float, float],
                                         kwargs: dict[str, bool], text: str) -> None:
    assert stats.format_interval(*args, **kwargs) == text


def test_cli_run_summary_prints_a_proper_interval(capsys: pytest.CaptureFixture[str]) -> None:
    from powerbalance.cli import main

    # one year: no world of 1,000 is unified, and the table says how rare that may be
    assert main(["run", "warring-states", "--worlds", "1000", "--years", "1"]) == 0
    text = capsys.readouterr().out
    assert "0.0% [0.0%, 0.4%]" in text and "0.0%-0.0%" not in text


# ---------------------------------------------------------------- Sobol seeding


def _ishigami() -> tuple[dict[str, object], np.ndarray]:
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 256, calc_second_order=False, seed=3)
    return problem, Ishigami.evaluate(x)


@pytest.mark.parametrize("seed", [0, 2026])
def test_sobol_intervals_are_reproducible_for_every_seed(seed: int) -> None:
    problem, y = _ishigami()
    np.random.seed(1)  # noqa: NPY002 (the global state SALib falls back on)
    a = stats.sobol_indices(problem, y, seed=seed)
    np.random.seed(2)  # noqa: NPY002 (the global state SALib falls back on)
    b = stats.sobol_indices(problem, y, seed=seed)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    other = stats.sobol_indices(problem, y, seed=seed + 1)
    assert not np.array_equal(a["S1_conf"].to_numpy(), other["S1_conf"].to_numpy())


def test_sweep_report_sobol_is_bit_identical_across_calls(tmp_path: Path) -> None:
    from powerbalance.experiments.spec import parse_spec
    from powerbalance.experiments.sweep import run_sweep, sweep_report

    spec = parse_spec({"name": "s", "scenario": "warring-states", "years": 8, "seed": 3,
                       "replicates": 3, "task_size": 3,
                       "design": {"kind": "sobol", "points": 2},
                       "parameters": {"attack_odds": {"range": [0.4, 0.8]},
                                      "bid_spend": {"range": [0.04, 0.16]}}})
    run_sweep(spec, tmp_path / "s")
    np.random.seed(1)  # noqa: NPY002 (the global state SALib falls back on)
    first = sweep_report(tmp_path / "s", sobol_outcome="wars")["sobol"]
    np.random.seed(2)  # noqa: NPY002 (the global state SALib falls back on)
    second = sweep_report(tmp_path / "s", sobol_outcome="wars")["sobol"]
    assert isinstance(first, pd.DataFrame) and isinstance(second, pd.DataFrame)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_derived_seed_separates_master_seeds() -> None:
    seeds = {stats.derived_seed(s, "sobol") for s in range(200)}
    assert len(seeds) == 200 and min(seeds) > 0
    with pytest.raises(ValueError):
        stats.derived_seed(1, "nope")


# ---------------------------------------------------------------- power law


def _pareto(rng: np.random.Generator, alpha: float, xmin: float, n: int) -> np.ndarray:
    return xmin * (1 - rng.random(n)) ** (-1 / (alpha - 1))


def test_xmin_search_agrees_with_the_powerlaw_package() -> None:
    import powerlaw

    rng = np.random.default_rng(5)
    x = np.r_[rng.uniform(0.1, 1.0, 300), _pareto(rng, 2.5, 1.0, 1200)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = powerlaw.Fit(x, verbose=False, parameter_ranges={"alpha": [1, None]})
    mine = stats.xmin_search(x)
    assert mine["candidates"] == len(np.unique(x)) - 1  # every distinct value tried
    assert mine["xmin"] == ref.xmin
    assert mine["alpha"] == pytest.approx(ref.alpha, rel=1e-9)
    assert mine["D"] == pytest.approx(ref.D, rel=1e-9)


def test_xmin_search_on_a_rank_grid_stays_close_to_the_full_search() -> None:
    rng = np.random.default_rng(6)
    x = np.r_[rng.uniform(0.1, 1.0, 2000), _pareto(rng, 2.2, 1.0, 6000)]
    full = stats.xmin_search(x, candidates=len(x))
    grid = stats.xmin_search(x, candidates=500)
    assert grid["candidates"] <= 500
    assert grid["D"] >= full["D"]  # the grid is a subset of the candidates
    assert grid["D"] == pytest.approx(full["D"], abs=0.005)
    assert grid["alpha"] == pytest.approx(full["alpha"], abs=0.05)


def test_steep_tails_are_not_clamped_at_three() -> None:
    rng = np.random.default_rng(7)
    x = _pareto(rng, 3.6, 2.0, 5000)
    fit = stats.fit_war_sizes(x, xmin=2.0)
    assert fit["alpha"] == pytest.approx(3.6, abs=4 * fit["sigma"])
    assert fit["alpha"] == pytest.approx(1 + len(x) / np.log(x / 2.0).sum(), rel=1e-3)
    free = stats.fit_war_sizes(x)
    assert free["alpha"] == pytest.approx(3.6, abs=0.25) and free["D"] < 0.05
