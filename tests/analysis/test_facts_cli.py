"""``powerbalance facts`` and ``powerbalance history --region/--dyad`` on the fixtures."""

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from powerbalance.cli import main

FIX = Path(__file__).parent / "fixtures" / "facts"
COW = Path(__file__).parent / "fixtures" / "cow"


def test_facts_on_a_data_folder_as_json(capsys):
    assert main(["facts", "--data", str(FIX), "--bootstrap", "0", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["fact"]: r for r in out["rows"]}
    assert rows["war onsets per year"]["value"] == pytest.approx(0.5)
    assert rows["state deaths per state-year (exits from the system)"]["n"] == 36
    assert out["source"] == "data"
    assert any("polarity (great powers): 1900-1909 bipolar" in n for n in out["notes"])


def test_facts_window_and_csv(capsys):
    assert main(["facts", "--data", str(FIX), "--from", "1903", "--to", "1909",
                 "--bootstrap", "0", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(df.columns) == ["fact", "value", "lo", "hi", "n", "years", "interval"]
    assert df.set_index("fact").loc["war onsets per year", "years"] == "1903-1904"


@pytest.mark.parametrize(("argv", "message"), [
    (["facts", "--data", "/nonexistent-folder-xyz"], "not a folder"),
    (["facts", "--data", "FIXDIR", "--from", "1905", "--to", "1901"], "after"),
    (["facts", "--data", "FIXDIR", "--seed", "-1"], "seed"),
    (["facts", "--data", "FIXDIR", "--bootstrap", "-3"], "bootstrap"),
    (["facts", "no-such-run-folder"], "manifest.json"),
    (["facts", "FIXDIR", "--data", "FIXDIR"], "manifest.json"),
])
def test_facts_user_mistakes_are_one_line_exit_2(capsys, argv, message):
    argv = [str(FIX) if a == "FIXDIR" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err


def test_facts_on_a_run_folder(capsys, tmp_path):
    assert main(["run", "warring-states", "--worlds", "2", "--years", "20", "--seed", "3",
                 "--out", str(tmp_path / "ws")]) == 0
    capsys.readouterr()
    assert main(["facts", str(tmp_path / "ws"), "--bootstrap", "0", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "simulation"
    assert any("wars: wars.parquet" in n for n in out["notes"])  # the engine's wars table
    facts = {r["fact"] for r in out["rows"]}
    assert "war onsets per year" in facts and "MID onsets per year" not in facts


def test_history_polarity_column_is_the_great_power_rule(capsys):
    assert main(["history", "--data", str(FIX), "--nmc-version", "6", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"polarity", "cinc_polarity", "pole1", "pole2", "gp_con"} <= set(df.columns)
    assert set(df["polarity"]) == {"bipolar"}  # UKG and RUS equal; the USA a tenth
    # by name: the CINC-only rule on all states stays available
    assert df["cinc_polarity"].notna().all()


def test_history_region_and_dyad(capsys, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIX, data)
    (data / "maoz.csv").write_text("ccode,regstdate,regenddate,globstdate,globenddate\n"
                                   "200,1900-01-01,1904-12-31,,\n")
    png = tmp_path / "r.png"
    assert main(["history", "--data", str(data), "--region", "europe", "--plot", str(png),
                 "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    # Europe: UKG, FRN, RUS (codes 200-399); the USA is not in it
    assert df.set_index("year").loc[1900, "powers"] == 3
    marks = df.set_index("year")["regional_powers"]
    assert marks.loc[1903] == "UKG" and marks.loc[1906] == ""
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["history", "--data", str(data), "--region", "UKG,USA", "--format",
                 "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df["powers"].max() == 2
    png2 = tmp_path / "d.png"
    assert main(["history", "--data", str(data), "--dyad", "UKG,FRN", "--plot", str(png2),
                 "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df["ratio"].tolist() == pytest.approx([2.0] * 6)  # 10 against 5 while FRN lives
    assert png2.read_bytes()[:4] == b"\x89PNG"
    # an existing file is never replaced
    before = png2.read_bytes()
    assert main(["history", "--data", str(data), "--dyad", "UKG,FRN", "--plot",
                 str(png2)]) == 2
    assert "exists" in capsys.readouterr().err and png2.read_bytes() == before


@pytest.mark.parametrize(("extra", "message"), [
    (["--region", "atlantis"], "unknown region"),
    (["--region", "UKG,XYZ"], "unknown state"),
    (["--dyad", "UKG"], "not a pair"),
    (["--dyad", "UKG,UKG"], "same state"),
    (["--dyad", "UKG,FRN", "--region", "europe"], "both"),
])
def test_history_region_mistakes(capsys, extra, message):
    assert main(["history", "--data", str(FIX), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_history_of_a_simulated_region(capsys, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    rows = []
    for world in (0, 1):
        for year in range(4):
            # east: two equal powers in world 0 (bipolar), one dominant in world 1
            east = (0.3, 0.3) if world == 0 else (0.56, 0.04)
            for actor, (region, share) in enumerate(zip(("east", "east", "west"),
                                                        (*east, 0.4), strict=True)):
                rows.append({"world": world, "year": year, "actor": actor, "region": region,
                             "alive": True, "share": share})
    pd.DataFrame(rows).to_parquet(run / "actors.parquet")
    assert main(["history", "--run", str(run), "--region", "east", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df["worlds"].tolist() == [2] * 4
    assert df["bipolar"].tolist() == [0.5] * 4 and df["unipolar"].tolist() == [0.5] * 4
    assert main(["history", "--run", str(run), "--region", "north"]) == 2
    assert "east, west" in capsys.readouterr().err


def test_facts_of_data_against_a_run(capsys, tmp_path):
    assert main(["run", "warring-states", "--worlds", "3", "--years", "20", "--seed", "3",
                 "--out", str(tmp_path / "ws")]) == 0
    capsys.readouterr()
    assert main(["facts", str(tmp_path / "ws"), "--data", str(FIX), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["fact"]: r for r in out["rows"]}
    onsets = rows["war onsets per year"]
    assert onsets["observed"] == pytest.approx(0.5) and onsets["worlds"] == 3
    assert onsets["model_lo"] <= onsets["model_median"] <= onsets["model_hi"]
    assert 0.0 <= onsets["percentile"] <= 1.0
    assert "MID onsets per year" not in rows  # the model has none to compare
