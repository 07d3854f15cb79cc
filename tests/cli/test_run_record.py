"""``powerbalance run --record full|system|final``: what the run folder keeps."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from powerbalance.cli import main


@pytest.mark.parametrize("record", ["full", "system", "final"])
def test_record_level_chooses_the_years_and_tables_kept(tmp_path, record):
    out = tmp_path / record
    args = ["run", "warring-states", "--worlds", "2", "--years", "12", "--seed", "4",
            "--out", str(out)]
    assert main([*args, "--record", record] if record != "full" else args) == 0
    assert json.loads((out / "manifest.json").read_text())["record"] == record
    system = pd.read_parquet(out / "system.parquet")
    actors = pd.read_parquet(out / "actors.parquet")
    years = [0, 12] if record == "final" else list(range(13))
    assert sorted(system["year"].unique()) == years
    assert sorted(actors["year"].unique()) == years
    alliances = pd.read_parquet(out / "alliances.parquet")
    assert (len(alliances) > 0) == (record == "full")
    assert len(pd.read_parquet(out / "events.parquet")) > 0  # every level keeps the events


def test_the_final_year_is_the_same_whatever_is_recorded(tmp_path):
    for record in ("full", "final"):
        assert main(["run", "warring-states", "--worlds", "2", "--years", "12", "--seed", "4",
                     "--record", record, "--out", str(tmp_path / record)]) == 0
    full, final = (pd.read_parquet(tmp_path / r / "actors.parquet") for r in ("full", "final"))
    pd.testing.assert_frame_equal(full[full["year"] == 12].reset_index(drop=True),
                                  final[final["year"] == 12].reset_index(drop=True))


def test_unknown_record_level_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "warring-states", "--record", "some", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "--record" in err and "full, system, final" in err and "Traceback" not in err
    assert not out.exists()
