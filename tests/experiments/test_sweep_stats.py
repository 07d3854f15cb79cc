"""Sweep statistics on known answers: CI coverage, Sobol on Ishigami, KM by hand, power law."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments import stats


def test_mean_ci_coverage_on_synthetic_data() -> None:
    rng = np.random.default_rng(1)
    samples = rng.normal(3.0, 2.0, size=(2000, 12))
    covered = 0
    for x in samples:
        _, lo, hi = stats.mean_ci(x, level=0.95)
        covered += lo <= 3.0 <= hi
    assert covered / len(samples) == pytest.approx(0.95, abs=0.015)


def test_wilson_coverage_on_synthetic_data() -> None:
    rng = np.random.default_rng(2)
    n, p = 40, 0.3
    ks = rng.binomial(n, p, size=3000)
    covered = sum(lo <= p <= hi for _, lo, hi in (stats.proportion_ci(int(k), n) for k in ks))
    assert covered / len(ks) == pytest.approx(0.95, abs=0.02)
    assert stats.proportion_ci(0, 10)[1] == 0.0 and stats.proportion_ci(10, 10)[2] == 1.0


def test_outcome_table_per_point() -> None:
    runs = pd.DataFrame({"point": [0, 0, 0, 1, 1, 1], "unified": [True, False, True] * 2,
                         "wars": [1, 2, 3, 4, 4, 4]})
    t = stats.outcome_table(runs, ["unified", "wars"])
    assert t["n"].tolist() == [3, 3]
    assert t["unified"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert t["wars"].tolist() == [2.0, 4.0]
    assert t.loc[0, "wars_lo"] < 2.0 < t.loc[0, "wars_hi"]
    with pytest.raises(InputError, match="unknown outcome"):
        stats.outcome_table(runs, ["nope"])


def test_sobol_on_ishigami_within_tolerance() -> None:
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 2048, calc_second_order=False, seed=3)
    y = Ishigami.evaluate(x)
    s = stats.sobol_indices(problem, y, seed=3).set_index("parameter")
    a, b = 7.0, 0.1  # analytic values (Ishigami & Homma 1990)
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    assert s.loc["x1", "S1"] == pytest.approx(v1 / v, abs=0.05)
    assert s.loc["x2", "S1"] == pytest.approx(v2 / v, abs=0.05)
    assert s.loc["x3", "S1"] == pytest.approx(0.0, abs=0.05)
    assert s.loc["x1", "ST"] == pytest.approx((v1 + v13) / v, abs=0.05)
    assert s.loc["x3", "ST"] == pytest.approx(v13 / v, abs=0.05)


def test_kaplan_meier_hand_computed() -> None:
    # durations 1,2,2+,3,5+ : S(1)=4/5, S(2)=4/5*3/4, S(3)=0.6*1/2 (two at risk)
    df = pd.DataFrame({"duration": [1, 2, 2, 3, 5, 4, 4], "died": [1, 1, 0, 1, 0, 1, 0],
                       "g": ["a"] * 5 + ["b"] * 2})
    km = stats.kaplan_meier(df, group="g")
    a = km[km.group == "a"].set_index("time")["survival"]
    assert a.loc[1.0] == pytest.approx(0.8)
    assert a.loc[2.0] == pytest.approx(0.6)
    assert a.loc[3.0] == pytest.approx(0.3)
    assert a.loc[5.0] == pytest.approx(0.3)
    b = km[km.group == "b"].set_index("time")["survival"]
    assert b.loc[4.0] == pytest.approx(0.5)
    assert (km["lo"] <= km["survival"] + 1e-12).all() and (km["survival"] <= km["hi"] + 1e-12).all()


def test_power_law_fit_recovers_exponent() -> None:
    rng = np.random.default_rng(4)
    alpha, xmin = 2.5, 1.0
    x = xmin * (1 - rng.random(3000)) ** (-1 / (alpha - 1))  # Pareto by inversion
    fit = stats.fit_war_sizes(x, xmin=xmin)
    assert fit["alpha"] == pytest.approx(alpha, abs=0.1)
    assert fit["xmin"] == xmin and fit["n_tail"] == 3000
    free = stats.fit_war_sizes(x)
    assert free["alpha"] == pytest.approx(alpha, abs=0.2)
    with pytest.raises(InputError, match="at least 10"):
        stats.fit_war_sizes([1.0, 2.0])
