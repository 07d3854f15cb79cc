"""The ``strategies`` and ``tournament`` commands."""

from __future__ import annotations

import pandas as pd

from powerbalance.cli import main


def test_strategies_lists_and_filters(capsys):
    assert main(["strategies", "--details"]) == 0
    out = capsys.readouterr().out
    for name in ("internal-balancer", "offshore-balancer", "penetrator", "wedger"):
        assert name in out
    assert main(["strategies", "--initiates-war"]) == 0
    out = capsys.readouterr().out
    assert "hegemon-seeker" in out and "status-quo" not in out
    assert main(["strategies", "--reads", "memory", "--where", "makes_alliances=true"]) == 0
    out = capsys.readouterr().out
    assert "external-balancer" in out and "wedger" not in out


def test_strategies_bad_filter_is_one_line(capsys):
    assert main(["strategies", "--where", "colour=red"]) == 2
    err = capsys.readouterr().err
    assert "colour" in err and "concept" in err and len(err.strip().splitlines()) == 1
    assert main(["strategies", "--reads", "minds"]) == 2


def test_tournament_prints_and_writes(tmp_path, capsys):
    out = tmp_path / "t"
    rc = main(["tournament", "warring-states", "--strategies", "status-quo,hegemon-seeker",
               "--worlds", "5", "--years", "10", "--seed", "2", "--out", str(out),
               "--evolve", "2", "--dynamics", "replicator", "--plot", str(tmp_path / "t.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "hegemon-seeker" in text and "replicator" in text
    assert (tmp_path / "t.png").stat().st_size > 1000
    table = pd.read_parquet(out / "tournament.parquet")
    assert set(table["strategy"]) == {"status-quo", "hegemon-seeker"}


def test_tournament_bad_strategy_exits_2(tmp_path, capsys):
    rc = main(["tournament", "warring-states", "--strategies", "status-quo,appeaser",
               "--worlds", "2", "--out", str(tmp_path / "x")])
    assert rc == 2
    assert "appeaser" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
