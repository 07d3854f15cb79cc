"""Calibration: spec validation, the ABC rejection step, and a small calibration end to end.

The end-to-end tests run ``cow:1900`` on the hand-written fixture files of
tests/analysis/fixtures/facts (three states, a few years), so they need no licensed data.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.calibration import (
    RESULT_FILES,
    abc_accept,
    calibrate,
    load_calibration_spec,
    parse_calibration_spec,
    running_threshold,
)

FIXTURES = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "facts"


def tiny(**method: Any) -> dict[str, Any]:
    """A calibration of cow:1900 on the fixture files, 5 years, a few points."""
    return {"name": "tiny", "scenario": "cow:1900", "data": str(FIXTURES), "years": 5,
            "seed": 3, "facts": ["war onsets per year",
                                 "share of states in a defensive alliance "
                                 "(mean of yearly shares)"],
            "method": {"points": 4, "replicates": 2, "accept": 0.5, **method},
            "priors": {"attack_odds": {"range": [0.3, 0.9]},
                       "conquest_rate": {"range": [0.1, 0.9]}}}


# ------------------------------------------------------------------ spec


@pytest.mark.parametrize(("change", "field", "allowed"), [
    ({"priors": {"attack_odds": {"range": [0.2, 1.5]}}}, "priors.attack_odds.range[1]",
     "0 to 1"),
    ({"priors": {"no_such": {"range": [0, 1]}}}, "priors.no_such", "attack_odds"),
    ({"priors": {"attack_odds": {"range": [0.8, 0.2]}}}, "priors.attack_odds.range", "lo < hi"),
    ({"priors": {"attack_odds": {"values": [0.2]}}}, "priors.attack_odds", "range"),
    ({"priors": {}}, "priors", "[priors]"),
    ({"method": {"accept": 0}}, "method.accept", "0 < accept <= 1"),
    ({"method": {"design": "grid"}}, "method.design", "lhs | sobol"),
    ({"method": {"kind": "smc"}}, "method.kind", "abc-rejection"),
    ({"method": {"replicates": 0}}, "method.replicates", ">= 1"),
    ({"method": {"points": 6, "design": "sobol"}}, "method.points", "power of 2"),
    ({"years": 0}, "years", ">= 1"),
    ({"colour": 1}, "colour", "priors"),
    ({"facts": []}, "facts", "powerbalance facts"),
    ({"data": "no/such/folder"}, "data", "COW files"),
])
def test_bad_specs_name_file_field_and_allowed(tmp_path, change, field, allowed):
    spec = {**tiny(), **change}
    with pytest.raises(InputError) as err:
        parse_calibration_spec(spec, source="cal.toml", base_dir=tmp_path)
    assert err.value.source == "cal.toml"
    assert err.value.field == field
    assert allowed in (err.value.allowed or "")


def test_spec_file_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "data").symlink_to(FIXTURES)
    (tmp_path / "cal.toml").write_text(
        'scenario = "cow:1900"\ndata = "data"\nyears = 5\n'
        '[priors]\nattack_odds = { range = [0.3, 0.9] }\n', encoding="utf-8")
    spec = load_calibration_spec(tmp_path / "cal.toml")
    assert spec.data == str((tmp_path / "data").resolve())
    assert f"data={spec.data}" in spec.sweep.scenario
    assert spec.window == (1900, 1905)
    assert spec.priors == {"attack_odds": (0.3, 0.9)}
    assert spec.sweep.keep == ("summaries", "facts")


def test_the_example_spec_is_valid(monkeypatch):
    monkeypatch.setenv("POWERBALANCE_DATA", str(FIXTURES.parent / "cow"))  # has 1816
    path = Path(__file__).resolve().parents[2] / "examples" / "calibrate-cow1816.toml"
    spec = load_calibration_spec(path)
    assert spec.sweep.replicates * spec.sweep.points == 10_000  # the size
    assert spec.window == (1816, 1913)


# ------------------------------------------------------------------ ABC


def test_abc_accepts_the_points_closest_to_the_data():
    rng = np.random.default_rng(0)
    points, reps = 40, 3
    truth = rng.uniform(0, 1, size=points)  # a point's mean fact is its parameter
    rows = [{"point": p, "replicate": r, "fact": f, "value": truth[p] * k + rng.normal(0, 1e-3)}
            for p in range(points) for r in range(reps) for f, k in (("a", 1.0), ("b", 10.0))]
    pw = pd.DataFrame(rows)
    out = abc_accept(pw, {"a": 0.5, "b": 5.0}, accept=0.1)
    assert out["accepted"].sum() == 4
    accepted = truth[out.loc[out["accepted"], "point"].to_numpy()]
    rejected = truth[out.loc[~out["accepted"], "point"].to_numpy()]
    # the accepted are exactly the 4 points nearest 0.5
    assert np.abs(accepted - 0.5).max() < np.abs(rejected - 0.5).min()
    # facts are scaled: "b" (10 x the spread) does not dominate the distance
    assert out["scale: b"].iloc[0] == pytest.approx(10 * out["scale: a"].iloc[0], rel=0.01)
    assert sorted(out["rank"]) == list(range(1, points + 1))


def test_points_with_an_undefined_fact_are_never_accepted():
    pw = pd.DataFrame({"point": [0, 1, 2], "replicate": 0, "fact": "x",
                       "value": [math.nan, 5.0, 9.0]})
    out = abc_accept(pw, {"x": 0.0}, accept=1.0)
    assert math.isinf(out.loc[0, "distance"])
    assert out["accepted"].tolist() == [False, True, True]


def test_running_threshold_never_rises():
    d = pd.DataFrame({"point": range(100),
                      "distance": np.random.default_rng(1).exponential(size=100)})
    th = running_threshold(d, accept=0.1)
    assert th["points"].iloc[-1] == 100
    # the k-th smallest of more points at a fixed share can rise, but the first-n minimum
    # is a lower envelope: the threshold stays above the global minimum and is finite
    assert (th["threshold"] >= d["distance"].min()).all()
    assert np.isfinite(th["threshold"]).all()


# ------------------------------------------------------------------ end to end


def test_calibration_writes_its_folder_and_resumes(tmp_path):
    spec = parse_calibration_spec(tiny(), source="tiny")
    out = tmp_path / "cal"
    first = calibrate(spec, out)
    assert first.runs == 8
    for name in RESULT_FILES:
        assert (out / name).is_file(), name
    post = pd.read_parquet(out / "posterior.parquet")
    assert len(post) == 2 and list(post["rank"]) == [1, 2]
    dist = pd.read_parquet(out / "distances.parquet")
    assert len(dist) == 4 and dist["accepted"].sum() == 2
    assert (post["distance"].max() <= dist.loc[~dist["accepted"], "distance"].min())
    params = tomllib.loads((out / "calibrated-params.toml").read_text())["params"]
    for name, (lo, hi) in spec.priors.items():
        assert lo <= params[name] <= hi
        assert params[name] == pytest.approx(float(np.median(post[name])))
    fit = pd.read_csv(out / "fit.csv")
    assert set(spec.facts) <= set(fit["fact"])
    assert fit.loc[fit["fitted"], "fact"].tolist() == list(spec.facts)
    assert (fit["model_lo"] <= fit["model_median"]).all()
    assert (fit["model_median"] <= fit["model_hi"]).all()
    assert ((fit["percentile"] >= 0) & (fit["percentile"] <= 1)).all()
    # a re-run continues: nothing is simulated again, the posterior is the same
    again = calibrate(spec, out)
    assert again.runs == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), post)


def test_calibration_is_identical_on_two_processes(tmp_path):
    spec = parse_calibration_spec(tiny(), source="tiny")
    a = calibrate(spec, tmp_path / "a")
    b = calibrate(spec, tmp_path / "b", workers=2, backend="processes")
    pd.testing.assert_frame_equal(a.distances, b.distances)


def test_a_foreign_file_in_the_folder_is_refused_and_kept(tmp_path):
    spec = parse_calibration_spec(tiny(), source="tiny")
    out = tmp_path / "cal"
    out.mkdir()
    (out / "fit.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError):
        calibrate(spec, out)
    assert (out / "fit.csv").read_text(encoding="utf-8") == "mine"
    assert not (out / "simulations").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not part of a calibration"):
        calibrate(spec, other)
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_a_fact_the_data_lack_is_an_input_error(tmp_path):
    spec = parse_calibration_spec({**tiny(), "facts": ["no such fact"]}, source="cal.toml")
    with pytest.raises(InputError) as err:
        calibrate(spec, tmp_path / "cal")
    assert err.value.field == "facts[0]"
    assert not (tmp_path / "cal").exists()
