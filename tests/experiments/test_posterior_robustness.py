"""Robustness bands drawn from a calibration's accepted particles (``--posterior DIR``).

The calibration folders here are written by hand (a posterior.parquet of two particles with
known weights and its calibration.json), so what a band draws is known by construction.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.experiments import plausible
from powerbalance.experiments.claims import robustness_band
from tests.experiments.test_claims import _product, _synthetic


def _calibration(folder: Path, weights: tuple[float, float] = (0.1, 0.9)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"point": [3, 8], "attack_odds": [0.55, 0.7], "distance": [0.2, 0.1],
                  "rank": [2, 1], "weight": list(weights), "generation": [2, 2]}
                 ).to_parquet(folder / "posterior.parquet", index=False)
    (folder / "calibration.json").write_text(json.dumps({
        "scenario": "cow:1816", "priors": {"attack_odds": [0.3, 0.95]},
        "calibrated": {"attack_odds": 0.7, "peace_odds": 0.45}}), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _no_registered_posteriors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plausible, "POSTERIORS", {})


def test_draws_follow_the_particle_weights_and_the_seed(tmp_path: Path) -> None:
    sampler, info = plausible.calibration_posterior(_calibration(tmp_path / "cal"))
    assert info["fitted"] == ["attack_odds"] and info["fixed"] == {"peace_odds": 0.45}
    draws = sampler(4000, 7)
    share = sum(d["attack_odds"] == 0.7 for d in draws) / len(draws)
    assert abs(share - 0.9) < 4 * (0.9 * 0.1 / 4000) ** 0.5  # binomial bound
    assert {d["attack_odds"] for d in draws} == {0.55, 0.7}
    assert all(d["peace_odds"] == 0.45 for d in draws)  # the calibration's fixed value
    assert sampler(200, 7) == sampler(200, 7) and sampler(200, 7) != sampler(200, 8)


def test_a_band_counts_the_particles_where_the_claim_holds(tmp_path: Path) -> None:
    """The synthetic claim holds exactly where attack_odds > 0.6: at the particle 0.7."""
    exp = _synthetic(_product("hostility_decay", "attack_odds", offset=0.6))
    plausible.use_calibration(_calibration(tmp_path / "cal"), {a.scenario for a in exp.arms})
    rb = robustness_band(exp, 12, worlds=2, years=1, seed=3)
    assert rb.source == "calibrated posterior"
    assert set(rb.points["attack_odds"]) <= {0.55, 0.7}
    assert rb.holds == int((rb.points["attack_odds"] == 0.7).sum())
    assert (rb.points["holds"] == (rb.points["attack_odds"] > 0.6)).all()


def test_experiment_robustness_from_a_posterior_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cal = _calibration(tmp_path / "cal", weights=(0.5, 0.5))
    out_dir = tmp_path / "exp"
    rc = main(["experiment", "security-dilemma", "--worlds", "4", "--years", "6",
               "--robustness", "4", "--probe-worlds", "2", "--posterior", str(cal),
               "--out", str(out_dir)])
    assert rc == 0
    text = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "draws from 2 particles" in text and "calibrated posterior" in text
    summary = json.loads((out_dir / "experiment.json").read_text())
    assert summary["robustness"]["source"] == "calibrated posterior"
    band = pd.read_csv(out_dir / "robustness.csv")
    assert len(band) == 4 and set(band["attack_odds"]) <= {0.55, 0.7}
    assert (band["peace_odds"] == 0.45).all()


@pytest.mark.parametrize("args,needle", [
    (["--posterior", "{cal}"], "--robustness"),
    (["--robustness", "2", "--posterior", "{missing}"], "posterior.parquet"),
])
def test_posterior_mistakes_exit_2_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        needle: str) -> None:
    cal = _calibration(tmp_path / "cal")
    out_dir = tmp_path / "exp"
    filled = [a.format(cal=cal, missing=tmp_path / "none") for a in args]
    rc = main(["experiment", "security-dilemma", "--worlds", "2", *filled,
               "--out", str(out_dir)])
    assert rc == 2
    assert needle in " ".join(capsys.readouterr().err.split())
    assert not out_dir.exists()


def test_an_empty_posterior_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "cal"
    folder.mkdir()
    pd.DataFrame({"point": [], "attack_odds": [], "weight": []}).to_parquet(
        folder / "posterior.parquet")
    with pytest.raises(InputError, match="no accepted particle"):
        plausible.calibration_posterior(folder)
