"""``powerbalance experiment`` and ``powerbalance preset`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerbalance.cli import main
from powerbalance.experiments.claims import EXPERIMENTS


def test_list_shows_all_eight_claims(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "--list"]) == 0
    out = capsys.readouterr().out
    for name in EXPERIMENTS:
        assert name in out


def test_experiment_prints_arms_difference_and_verdict(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "exp"
    rc = main(["experiment", "stopping-power-of-water", "--worlds", "20", "--years", "60",
               "--seed", "2", "--out", str(out_dir), "--plot", str(tmp_path / "arms.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "ocean" in text and "95% CI" in text and "verdict" in text
    summary = json.loads((out_dir / "experiment.json").read_text())
    assert summary["worlds"] == 20 and summary["seed"] == 2
    assert (out_dir / "no-ocean" / "system.parquet").is_file()
    assert (tmp_path / "arms.png").stat().st_size > 1000


def test_experiment_ablates_and_bands_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "exp"
    rc = main(["experiment", "security-dilemma", "--worlds", "6", "--years", "12",
               "--ablate", "--robustness", "3", "--probe-worlds", "4", "--out", str(out_dir)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "ablation" in text and ("carried by" in text or "no single mechanism" in text)
    assert "holds in" in text and "of 3" in text and "sensitivity" in text
    summary = json.loads((out_dir / "experiment.json").read_text())
    assert summary["robustness"]["n"] == 3 and summary["robustness"]["worlds"] == 4
    assert (out_dir / "ablation.csv").is_file() and (out_dir / "robustness.csv").is_file()
    assert "levels:" in text and (out_dir / "ablation_levels.csv").is_file()


@pytest.mark.parametrize("args,needle", [
    (["experiment", "security-dilemma", "--robustness", "-1"], "robustness"),
    (["experiment", "security-dilemma", "--probe-worlds", "1"], "probe-worlds"),
    (["experiment", "polarity-from-data", "--ablate", "--worlds", "2"], "compares no arms"),
    (["experiment", "nonsense"], "unknown experiment"),
    (["experiment", "security-dilemma", "--worlds", "1"], "worlds"),
    (["experiment", "security-dilemma", "--plot", "x.jpg"], "png"),
    (["preset", "nonsense"], "unknown preset"),
    (["preset", "cusack-stoll", "--set", "width=-1"], "width"),
])
def test_mistakes_exit_2(args: list[str], needle: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert needle in capsys.readouterr().err


def test_preset_prints_survival(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["preset", "cusack-stoll", "--worlds", "3", "--turns", "60", "--out",
               str(tmp_path / "cs"), "--plot", str(tmp_path / "cs.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "Kaplan-Meier" in text and "universal empire" in text
    assert main(["show", str(tmp_path / "cs")]) == 0
    assert (tmp_path / "cs.png").stat().st_size > 1000
    assert main(["preset", "cederman-polarity", "--worlds", "2", "--steps", "40",
                 "--set", "rows=4", "--set", "cols=4", "--plot", str(tmp_path / "c.png")]) == 0
    assert (tmp_path / "c.png").stat().st_size > 1000
    assert "polarity after 40 steps" in capsys.readouterr().out


def test_run_of_a_preset_name_points_to_the_preset_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cusack-stoll"]) == 2
    assert "powerbalance preset cusack-stoll" in capsys.readouterr().err
