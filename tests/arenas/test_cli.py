"""``powerbalance run ARENA`` on the command line: summary in arena words, outputs, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from powerbalance.cli import main


def test_run_market_prints_in_market_words_and_writes_its_tables(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m"
    rc = main(["run", "market:firms=5", "--worlds", "6", "--years", "8", "--seed", "3",
               "--out", str(out), "--plot", str(tmp_path / "m.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "firm" in text and "HHI" in text and "antitrust" in text
    system = pd.read_parquet(out / "system.parquet")
    actors = pd.read_parquet(out / "actors.parquet")
    assert len(system) == 6 * 9 and len(actors) == 6 * 9 * 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["words"]["actor"] == "firm" and manifest["seed"] == 3
    assert manifest["output"]["kind"] == "arena-run"
    assert (tmp_path / "m.png").stat().st_size > 1000
    assert main(["show", str(out)]) == 0  # the same summary, read back from the folder
    assert capsys.readouterr().out == text.split("run folder:")[0]
    # a second run to the same folder needs --force, and with it replaces our own folder
    assert main(["run", "market:firms=5", "--worlds", "2", "--years", "2", "--out",
                 str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["run", "market:firms=5", "--worlds", "2", "--years", "2", "--out", str(out),
                 "--force"]) == 0
    assert len(pd.read_parquet(out / "system.parquet")) == 2 * 3


def test_run_parliament_with_set_and_a_preset(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["run", "parliament:preset=westminster", "--worlds", "4", "--years", "9",
               "--set", "seats=21"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "effective number of parties" in text and "Banzhaf" in text
    assert "rule=fptp" in text and "seats=21" in text


def test_run_constitution_preset_prints_and_plots_in_constitution_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    rc = main(["run", "constitution:preset=presidential", "--worlds", "5", "--years", "12",
               "--out", str(out), "--plot", str(tmp_path / "c.png")])
    assert rc == 0
    text = capsys.readouterr().out
    for word in ("branch", "competence", "power grab", "rule of law", "executive constraint"):
        assert word in text, word
    actors = pd.read_parquet(out / "actors.parquet")
    assert set(actors["name"]) == {"executive", "lower chamber", "upper chamber", "court"}
    assert json.loads((out / "manifest.json").read_text())["words"]["contest"] == "power grab"
    assert (tmp_path / "c.png").stat().st_size > 1000


@pytest.mark.parametrize("args,needle", [
    (["run", "market:firms=99"], "firms: firms = 99 out of range (allowed: int from 2 to 64)"),
    (["run", "parliament:rule=stv"], "rule"),
    (["run", "constitution:preset=tyranny"],
     "preset: unknown preset 'tyranny' (allowed: presidential"),
    (["run", "constitution:court=maybe"], "court"),
    (["run", "market", "--params", "p.toml"], "--params"),
    (["run", "market", "--record", "some"], "record"),
    (["run", "market", "--worlds", "0"], "--worlds"),
    (["run", "market", "--set", "firms"], "--set"),
    (["run", "market(firms=3)", "--set", "firms=4"], "--set"),
    (["run", "market", "--plot", "x.jpg"], "--plot"),
    (["run", "market", "--engine", "numpy"], "--engine"),
    (["run", "parliament", "--workers", "2"], "--workers"),
])
def test_mistakes_are_one_line_and_exit_2_writing_nothing(
        args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*args, "--out", "out"]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_scenarios_lists_the_arenas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    text = capsys.readouterr().out
    assert "market" in text and "parliament:preset=westminster" in text
    assert "constitution:preset=mixed" in text
