"""Out-of-sample validation: windows against the data, and the historical scenarios.

Windows run ``cow:1900`` on the fixture files (tests/analysis/fixtures/facts); the
historical scenarios are built in. Sizes are tiny: these tests check the mechanics
(columns, bands, percentiles, the statistics of the checks), never a verdict.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.results import run
from powerbalance.experiments.validation import (
    HISTORY,
    bid_fails,
    calibrated_params,
    history_checks,
    no_war_between,
    percentile_of,
    unification_year,
    validate_windows,
)
from powerbalance.scenarios import load

FIXTURES = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "facts"


def test_windows_compare_the_data_with_each_world():
    table = validate_windows({"attack_odds": 0.5}, FIXTURES, windows=((1900, 5),),
                             worlds=3, seed=1)
    assert list(table.columns) == ["window", "fact", "observed", "model_median", "model_lo",
                                   "model_hi", "percentile", "worlds"]
    assert set(table["window"]) == {"1900-1905"}
    assert "war onsets per year" in set(table["fact"])
    assert (table["worlds"] == 3).all()
    assert (table["model_lo"] <= table["model_median"]).all()
    assert (table["model_median"] <= table["model_hi"]).all()
    assert ((table["percentile"] >= 0) & (table["percentile"] <= 1)).all()


def test_window_facts_do_not_depend_on_the_executor():
    a = validate_windows({}, FIXTURES, windows=((1900, 4),), worlds=4, seed=2)
    b = validate_windows({}, FIXTURES, windows=((1900, 4),), worlds=4, seed=2, workers=2,
                         backend="processes")
    assert a.equals(b)


def test_params_come_from_a_calibration_folder_or_file(tmp_path):
    (tmp_path / "calibrated-params.toml").write_text(
        '[calibration]\nscenario = "cow:1816,majors=hegemon-seeker"\n'
        '[params]\nattack_odds = 0.4\n', encoding="utf-8")
    params, info = calibrated_params(tmp_path)
    assert params == {"attack_odds": 0.4}
    assert info["scenario"].startswith("cow:1816")
    assert calibrated_params(None) == ({}, {})
    (tmp_path / "bad.toml").write_text("[params]\nattack_odds = 4\n", encoding="utf-8")
    with pytest.raises(InputError, match="attack_odds"):
        calibrated_params(tmp_path / "bad.toml")


def test_percentile_counts_ties_half_and_never_as_above():
    assert percentile_of(1.0, [1.0, 1.0]) == 0.5
    assert percentile_of(1.0, [0.0, 0.0]) == 1.0
    assert percentile_of(112.0, [math.inf] * 3) == 0.0
    assert percentile_of(112.0, [20.0, 30.0, math.inf, math.inf]) == 0.5


def test_the_statistics_of_the_checks_read_the_run():
    scen = load("warring-states")
    result = run(scen, years=30, worlds=4, seed=0, record="system", map_worlds=0)
    years = unification_year("Qin")(result, scen)
    sysm = result.system
    for w, y in zip(sorted(sysm["world"].unique()), years, strict=True):
        one = sysm[(sysm["world"] == w) & (sysm["live_actors"] == 1)]
        if math.isinf(y):
            assert one.empty or (one["leader"] != 0).all()
        else:
            assert y == one["year"].min() and (one["leader"] == 0).all()
    fails = bid_fails("Qin")(result, scen)
    assert set(np.unique(fails)) <= {0.0, 1.0}
    # a world unified by Qin is its hegemon: its bid has not failed
    assert (fails[np.isfinite(years)] == 0).all()
    peace = no_war_between("Qin", "Chu")(result, scen)
    fought = set()
    for w, s1, s2 in zip(result.wars["world"], result.wars["initiator_side"],
                         result.wars["target_side"], strict=True):
        if (0 in s1 and 1 in s2) or (1 in s1 and 0 in s2):
            fought.add(int(w))
    assert [w for w, p in zip(sorted(sysm["world"].unique()), peace, strict=True)
            if p == 0] == sorted(fought)


def test_history_checks_table():
    checks = tuple(replace(c, years=min(c.years, 4)) for c in HISTORY)
    table = history_checks({}, worlds=2, seed=0, checks=checks)
    assert list(table["check"]) == [c.name for c in HISTORY]
    assert (table["worlds"] == 2).all()
    assert ((table["percentile"] >= 0) & (table["percentile"] <= 1)).all()
    assert {"happened", "statistic", "history", "model_median", "model_lo",
            "model_hi"} <= set(table.columns)
