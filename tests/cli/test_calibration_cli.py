"""``calibrate``, ``validate`` and ``run --params`` from the command line (fixture data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerbalance.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "facts"

SPEC = f"""name = "tiny"
scenario = "cow:1900"
data = "{FIXTURES}"
years = 4
seed = 5
facts = ["war onsets per year"]
[method]
points = 3
replicates = 2
accept = 0.34
[priors]
attack_odds = {{ range = [0.3, 0.9] }}
"""


def test_calibrate_then_run_and_validate_with_its_params(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", str(spec), "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    assert "fit:" in text and "posterior" in text and "attack_odds" in text
    params = out / "calibrated-params.toml"
    run_dir = tmp_path / "run"
    assert main(["run", "cow:1900,data=" + str(FIXTURES), "--years", "3", "--params",
                 str(params), "--out", str(run_dir)]) == 0
    manifest = json.loads((run_dir / "manifest.json").read_text())
    summary = json.loads((out / "calibration.json").read_text())
    assert manifest["params"]["attack_odds"] == pytest.approx(
        summary["calibrated"]["attack_odds"])
    capsys.readouterr()
    assert main(["validate", "--params", str(out), "--data", str(FIXTURES), "--window",
                 "1900:4", "--worlds", "2", "--no-history"]) == 0
    text = capsys.readouterr().out
    assert "out of sample" in text and "1900" in text


@pytest.mark.parametrize(("body", "needle"), [
    (SPEC.replace("[0.3, 0.9]", "[0.3, 1.9]"), "priors.attack_odds.range[1]"),
    (SPEC.replace("accept = 0.34", "accept = 2"), "method.accept"),
    (SPEC.replace('years = 4', 'years = "x"'), "years"),
    (SPEC + "extra = 1\n", "priors.extra"),
    (SPEC.replace("[method]", "[method]\nextra = 1"), "method.extra"),
    ("not toml [", "not valid TOML"),
])
def test_bad_specs_exit_2_with_one_line_and_write_nothing(tmp_path, capsys, body, needle):
    spec = tmp_path / "cal.toml"
    spec.write_text(body, encoding="utf-8")
    out = tmp_path / "never"
    assert main(["calibrate", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and str(spec) in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(("args", "needle"), [
    (["validate", "--window", "1900-4"], "--window"),
    (["validate", "--worlds", "1"], "--worlds"),
    (["validate", "--params", "no-such.toml"], "--params"),
    (["run", "warring-states", "--params", "no-such.toml"], "--params"),
])
def test_bad_options_exit_2(capsys, args, needle):
    assert main([*args, "--data", str(FIXTURES)] if args[0] == "validate" else args) == 2
    assert needle in capsys.readouterr().err


def test_a_result_file_edited_by_hand_is_no_longer_replaced(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", str(spec), "--out", str(out), "-q"]) == 0
    with (out / "fit.csv").open("a", encoding="utf-8") as fh:
        fh.write("my note\n")
    edited = (out / "fit.csv").read_bytes()
    capsys.readouterr()
    assert main(["calibrate", str(spec), "--out", str(out), "-q"]) == 2
    assert "not written by powerbalance" in capsys.readouterr().err
    assert (out / "fit.csv").read_bytes() == edited


@pytest.mark.parametrize("body,field", [
    ("[calibration]\nname = 'x'\n", "params"),          # no [params] table
    ("params = 3\n", "params"),                         # not a table
    ("[params]\nattack_odds = [\n", "--params"),        # not valid TOML
    ("[extra]\n[params]\nattack_odds = 0.5\n", "extra"),  # a table the file may not hold
])
def test_a_bad_params_file_exits_2_naming_the_field(tmp_path, capsys, body, field):
    path = tmp_path / "p.toml"
    path.write_text(body, encoding="utf-8")
    assert main(["run", "warring-states", "--years", "2", "--params", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}: {field}:" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.toml"]


def test_calibrate_options_replace_the_method_and_run_smc(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", str(spec), "--out", str(out), "-q", "--points", "4",
                 "--accept", "0.5", "--generations", "1", "--proposals", "3"]) == 0
    assert "ABC-SMC populations" in capsys.readouterr().out
    summary = json.loads((out / "calibration.json").read_text())
    assert summary["method"] == "abc-smc" and summary["points"] == 4 + 3
    assert [g["proposals"] for g in summary["generations"]] == [4, 3]
    assert (out / "generations" / "01").is_dir()


@pytest.mark.parametrize(("args", "needle"), [
    (["--generations", "-1"], "method.generations"),
    (["--proposals", "0"], "method.proposals"),
    (["--accept", "0"], "method.accept"),
])
def test_bad_method_options_exit_2_and_write_nothing(tmp_path, capsys, args, needle):
    spec = tmp_path / "cal.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", str(spec), "--out", str(out), *args]) == 2
    assert needle in capsys.readouterr().err
    assert not out.exists()
