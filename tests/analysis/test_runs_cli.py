"""``analyze`` on a hand-built run folder, and the analysis CLI commands."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from powerbalance.analysis.runs import analyze_run
from powerbalance.cli import main

FIX = Path(__file__).parent / "fixtures" / "cow"

# world, year -> shares of actors 0, 1, 2 (actor 2 dies in world 0, year 3)
SHARES = {
    (0, 1): (0.6, 0.3, 0.1), (0, 2): (0.45, 0.45, 0.1), (0, 3): (0.3, 0.7, 0.0),
    (1, 1): (0.2, 0.2, 0.6), (1, 2): (0.2, 0.2, 0.6), (1, 3): (0.25, 0.25, 0.5),
}
REGIONS = ("west", "west", "east")


@pytest.fixture
def run_folder(tmp_path):
    rows = []
    for (w, y), shares in SHARES.items():
        for a, s in enumerate(shares):
            rows.append({"world": w, "year": y, "actor": a, "name": f"A{a}",
                         "region": REGIONS[a], "alive": s > 0, "share": s, "wealth": s * 10,
                         "military": s * 5, "territory": 1})
    actors = pd.DataFrame(rows).astype({"world": "int32", "year": "int32", "actor": "int16",
                                        "share": "float32", "wealth": "float32",
                                        "military": "float32", "territory": "int16"})
    actors.to_parquet(tmp_path / "actors.parquet")
    pd.DataFrame({"world": [0, 1], "year": [1, 3], "actor": [1, 0], "ally": [2, 2]}).to_parquet(
        tmp_path / "alliances.parquet")
    (tmp_path / "manifest.json").write_text(json.dumps({"scenario": "test", "worlds": 2}))
    return tmp_path


def test_analyze_run_hand_computed(run_folder):
    r = analyze_run(run_folder)
    per = r.per_year.set_index(["world", "year"])
    assert per.loc[(0, 1), "hegemon"] == 0
    assert per.loc[(0, 2), "hegemon"] == -1
    assert per.loc[(0, 3), "hegemon"] == 1 and per.loc[(0, 3), "live_actors"] == 2
    assert per.loc[(1, 3), "hegemon"] == -1  # exactly half is not more than half
    assert per.loc[(0, 1), "hhi"] == pytest.approx(0.36 + 0.09 + 0.01, rel=1e-6)
    assert per.loc[(0, 2), "ratio"] == pytest.approx(1.0)
    assert per.loc[(0, 3), "cederman"] == "bipolar"
    assert per.loc[(1, 1), "cederman"] == "multipolar"
    assert r.transitions[["world", "year", "dominant", "challenger"]].values.tolist() == [
        [0, 3, 0, 1]]
    reg = {(row.world, row.year, row.region): row.actor for row in r.regional.itertuples()}
    assert reg[(0, 1, "west")] == 0 and (0, 2, "west") not in reg
    assert reg[(0, 3, "west")] == 1 and (0, 3, "east") not in reg
    assert reg[(1, 1, "east")] == 2 and (1, 1, "west") not in reg
    bal = r.balancing.set_index(["world", "year"])
    assert bal.loc[(0, 1), "against_leader"] == pytest.approx(0.4, rel=1e-6)
    assert bal.loc[(0, 1), "with_leader"] == 0.0
    assert bal.loc[(1, 3), "with_leader"] == pytest.approx(0.25, rel=1e-6)
    assert bal.loc[(1, 3), "unaligned"] == pytest.approx(0.25, rel=1e-6)
    summ = dict(zip(r.summary.metric, r.summary.value, strict=True))
    assert summ["worlds"] == 2
    assert summ["final: share of worlds with a hegemon"] == 0.5
    assert summ["power transitions (total)"] == 1
    assert summ["final: regional hegemons per world (mean)"] == 1.0
    assert r.manifest["scenario"] == "test"


def test_analyze_cli_json_and_errors(run_folder, capsys, tmp_path):
    per_year = tmp_path / "per_year.csv"
    assert main(["analyze", str(run_folder), "--format", "json", "--per-year",
                 str(per_year)]) == 0
    out = json.loads(capsys.readouterr().out)
    summ = {r["metric"]: r["value"] for r in out["rows"]}
    assert summ["power transitions (total)"] == 1
    assert out["transitions"][0]["challenger"] == 1
    assert len(pd.read_csv(per_year)) == 6
    (run_folder / "actors.parquet").unlink()
    assert main(["analyze", str(run_folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "actors.parquet" in err and "\n" not in err
    pd.DataFrame({"world": [0], "year": [1]}).to_parquet(run_folder / "actors.parquet")
    assert main(["analyze", str(run_folder)]) == 2
    err = capsys.readouterr().err
    assert "missing column 'actor'" in err


def test_power_index_unsc(capsys):
    rc = main(["power-index", "--quota", "39", *["7"] * 5, *["1"] * 10, "--format", "json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["ss_exact"] for r in out["rows"]] == ["421/2145"] * 5 + ["4/2145"] * 10
    assert out["vetoes"] == ["P1", "P2", "P3", "P4", "P5"]
    rc = main(["power-index", "-q", "6", "4", "3", "2", "1", "--names", "a,b,c,d",
               "--index", "bz,dp,pgi", "--format", "csv"])
    assert rc == 0
    df = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert df["bz_exact"].tolist() == ["5/12", "1/4", "1/4", "1/12"]
    assert df["pgi_exact"].tolist() == ["2/7", "2/7", "2/7", "1/7"]
    assert df["player"].tolist() == ["a", "b", "c", "d"]


def test_power_index_composite_game(capsys):
    # "9 of 15 members" and "all 5 permanent members" is the UNSC again
    rc = main(["power-index", "--quota", "9", *["1"] * 15, "--and",
               "5:" + ",".join(["1"] * 5 + ["0"] * 10), "--index", "ss", "--format", "json"])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["ss_exact"] for r in rows] == ["421/2145"] * 5 + ["4/2145"] * 10
    assert main(["power-index", "--quota", "2", "1", "1", "--and", "1:1"]) == 2
    assert "1 weights for 2 players" in capsys.readouterr().err


def test_power_index_table_and_monte_carlo(capsys):
    assert main(["power-index", "--quota", "12", "4", "4", "4", "2", "2", "1"]) == 0
    out = capsys.readouterr().out
    assert "dummies: P6" in out and "7/30" in out
    assert main(["power-index", "--quota", "51", "50", "49", "1", "--index", "ss",
                 "--samples", "3000", "--seed", "4", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["ss_low"] <= 2 / 3 <= rows[0]["ss_high"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["power-index", "--quota", "3"], "no weights"),
    (["power-index", "--quota", "50", "10", "20"], "quota"),
    (["power-index", "--quota", "5", "3", "-2"], "weights[1]"),
    (["power-index", "--quota", "5", "3", "x"], "not a number"),
    (["power-index", "--quota", "5", "3", "4", "--index", "xx"], "allowed: ss, bz, pb, dp, pgi"),
    (["power-index", "--quota", "5", "3", "4", "--format", "xml"], "allowed: table, csv, json"),
    (["parties"], "no seats"),
    (["parties", "10", "-5", "3"], "negative seat count"),
    (["parties", "10", "5", "--edition", "1999"], "allowed: 1992, 2010, 2023"),
    (["history", "--data", "/nonexistent-folder-xyz"], "not a folder"),
])
def test_bad_input_gives_one_line_and_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err
    assert err.startswith("error:") and "\n" not in err


def test_parties(capsys):
    assert main(["parties", "120", "80", "40", "10", "--names", "A,B,C,D",
                 "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    shares = [120 / 250, 80 / 250, 40 / 250, 10 / 250]
    assert out["effective_number_of_parties"] == pytest.approx(1 / sum(s * s for s in shares))
    assert out["hhi"] == pytest.approx(10_000 * sum(s * s for s in shares))
    assert out["quota"] == "126"
    # 120 seats need any one partner: Banzhaf 1/2 for A, 1/6 for each other party
    assert [r["bz"] for r in out["rows"]] == pytest.approx([0.5, 1 / 6, 1 / 6, 1 / 6])


def test_history_on_fixtures(capsys, tmp_path):
    png = tmp_path / "h.png"
    rc = main(["history", "--data", str(FIX), "--nmc-version", "6", "--format", "json",
               "--plot", str(png)])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["year"]: r for r in out["rows"]}
    assert rows[1816]["leader"] == 200
    assert rows[1816]["leader_share"] == pytest.approx((3.225 / 6) / (1.075 / 6 + 3.225 / 6
                                                                      + 1.7 / 4))
    assert out["nmc_file"] == "nmc-v6-fixture.csv"
    assert png.read_bytes()[:4] == b"\x89PNG"
    rc = main(["history", "--data", str(FIX), "--majors-only", "--from", "1816", "--to",
               "1816", "--format", "csv"])
    assert rc == 0
    df = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert df["states"].tolist() == [2]


def test_history_env_variable_and_bad_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POWERBALANCE_DATA", str(FIX))
    assert main(["history", "--from", "1817", "--to", "1817"]) == 0
    assert "1817" in capsys.readouterr().out
    bad = tmp_path / "data"
    bad.mkdir()
    shutil.copy(FIX / "majors-fixture.csv", bad)
    (bad / "NMC_5_0.csv").write_text("ccode,year,milex,milper,irst,pec,tpop,upop\n"
                                     "2,1816,1,1,1,1,1,1\n2,1817,1,1,1,1,?,1\n")
    assert main(["history", "--data", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "NMC_5_0.csv" in err and "tpop" in err and "\n" not in err
    (bad / "NMC_5_0.csv").unlink()
    assert main(["history", "--data", str(bad)]) == 2
    assert "no nmc file found" in capsys.readouterr().err


def test_analyze_prints_wars_and_alliance_reliability_by_strategy(run_folder, capsys):
    events = pd.DataFrame({
        "world": [0, 0, 0, 0, 1], "year": [1, 1, 1, 2, 3],
        "kind": ["war_won", "ally_called", "ally_called", "ally_called", "concession"],
        "actor": [0, 1, 2, 2, 1], "other": [1, 2, 1, 0, 0], "value": [3.0, 0.5, 0.0, 1.0, 2.0]})
    events.to_parquet(run_folder / "events.parquet")
    actors = pd.read_parquet(run_folder / "actors.parquet")
    actors["strategy"] = actors["actor"].map({0: "hegemon-seeker", 1: "balker",
                                              2: "buck-passer"})
    actors.to_parquet(run_folder / "actors.parquet")
    pd.DataFrame({"world": [0, 0], "war": [0, 1], "start": [1, 2], "end": [2, None],
                  "initiator": [0, 0], "target": [1, 2], "outcome": ["initiator won", "ongoing"],
                  "campaigns": [2, 1], "initiator_side": [[0], [0, 2]], "target_side": [[1], [2]],
                  "initiator_losses": [1.0, 2.0], "target_losses": [3.0, 4.0],
                  "provinces_to_initiator_side": [2, 0], "provinces_to_target_side": [0, 1]}
                 ).astype({"end": "Int32"}).to_parquet(run_folder / "wars.parquet")
    assert main(["analyze", str(run_folder), "--format", "json"]) == 0
    summ = {r["metric"]: r["value"] for r in json.loads(capsys.readouterr().out)["rows"]}
    assert summ["wars (total)"] == 2
    assert summ["war duration in years (mean of ended wars)"] == 2.0
    assert summ["battle losses per war (mean, both sides)"] == 5.0
    assert summ["provinces transferred per war (mean)"] == 1.5
    assert summ["demands conceded without war (total)"] == 1
    assert summ["provinces transferred by concession (total)"] == 2
    # Actor 1 was attacked in world 0, year 1: calls to its side there are defensive.
    assert summ["defensive calls to buck-passer allies: made"] == 1
    assert summ["defensive calls to buck-passer allies: share of calls honoured"] == 0.0
    assert summ["offensive calls to buck-passer allies: share of calls answered with forces"] == 1.0
    assert summ["offensive calls to buck-passer allies: mean share of its forces an ally sent"] \
        == 1.0
    assert summ["offensive calls to balker allies: mean share of its forces an ally sent"] == 0.5
    assert not any("honoured" in k for k in summ if k.startswith("offensive"))


def test_every_run_folder_has_a_wars_table_that_matches_the_events(tmp_path):
    import powerbalance as pb
    from powerbalance.experiments.results import load_run

    pb.run("warring-states-horizontal-alliance", years=40, worlds=6, seed=5,
           out=tmp_path / "r", batch_size=4)
    run = load_run(tmp_path / "r")
    wars, ev = run.wars, run.events
    kind = ev["kind"].astype(str)
    assert len(wars) == (kind == "war_begun").sum() > 0
    assert wars.groupby("world")["war"].apply(lambda s: list(s) == list(range(len(s)))).all()
    ended = wars[wars["end"].notna()]
    assert (ended["end"] >= ended["start"]).all()
    assert len(ended) == (kind == "war_ended").sum()
    campaigns = (kind == "war_won").sum() + (kind == "war_lost").sum()
    assert wars["campaigns"].sum() == campaigns
    assert all(s[0] == i for s, i in zip(wars["initiator_side"], wars["initiator"], strict=True))
    assert all(s[0] == t for s, t in zip(wars["target_side"], wars["target"], strict=True))
    size = ev[kind.isin(["war_won", "war_lost"])]["value"].sum()
    assert (wars["initiator_losses"] + wars["target_losses"]).sum() == pytest.approx(size)
    assert set(wars["outcome"]) <= {"initiator won", "target won", "no winner", "broken off",
                                    "ongoing"}
