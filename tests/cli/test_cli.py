"""The command line: runs, lists, shows, and refuses bad input with exit code 2."""

import json

import pandas as pd
import pytest

from powerbalance.cli import main


def test_run_writes_a_folder_and_prints_the_table(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["run", "warring-states", "--worlds", "5", "--years", "20", "--seed", "3",
               "--out", str(out), "--set", "sea_cost=3"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "unified by" in text and "polarity at the end" in text and "Qin" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["worlds"] == 5
    assert manifest["params"]["sea_cost"] == 3.0
    system = pd.read_parquet(out / "system.parquet")
    assert sorted(system["world"].unique()) == [0, 1, 2, 3, 4]
    assert system["year"].max() == 20
    assert main(["show", str(out)]) == 0
    assert "events" in capsys.readouterr().out


def test_run_on_workers_writes_and_prints_what_one_process_does(tmp_path, capsys):
    args = ["run", "warring-states", "--worlds", "9", "--years", "30", "--seed", "2",
            "--batch-size", "4"]
    texts = []
    for workers in ("1", "2"):
        assert main([*args, "--workers", workers, "--out", str(tmp_path / workers)]) == 0
        texts.append(capsys.readouterr().out.replace(str(tmp_path / workers), "RUN"))
    assert texts[0] == texts[1] and "unified by" in texts[0]
    for table in (tmp_path / "1").glob("*.parquet"):
        assert (tmp_path / "2" / table.name).read_bytes() == table.read_bytes()


@pytest.mark.parametrize("args,needle", [
    (["run", "warring-states", "--set", "sea_cost=-1"], "sea_cost"),
    (["run", "warring-states", "--set", "nonsense"], "key=value"),
    (["run", "warring-states", "--set", "teleport=1"], "unknown parameter"),
    (["run", "no-such-scenario"], "unknown scenario"),
    (["run", "warring-states", "--worlds", "0"], "worlds"),
    (["run", "warring-states", "--workers", "0"], "workers"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args, needle):
    out = tmp_path / "never"
    rc = main([*args, "--out", str(out)])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_scenario_file_is_named(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "b"\n[map]\ntopology = "graph"\n[[map.provinces]]\nid = "a"\n'
                   '[[actors]]\nname = "X"\nprovinces = ["a"]\ncapital = "a"\nwealth = -3\n')
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "actors[0].wealth" in err and "from 0 to 1e+15" in err


def test_scenarios_and_params_list(capsys):
    assert main(["scenarios"]) == 0
    assert "warring-states" in capsys.readouterr().out
    assert main(["params"]) == 0
    assert "sea_cost" in capsys.readouterr().out


def test_show_refuses_a_non_run_folder(tmp_path, capsys):
    assert main(["show", str(tmp_path)]) == 2
    assert "manifest.json" in capsys.readouterr().err


def test_unwritable_output_is_one_line_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rc = main(["run", "warring-states", "--years", "2", "--out", str(blocker / "run")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("args", [["run", "--bogus"], ["nosuchcmd"], ["run"]])
def test_usage_errors_exit_2_without_traceback(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1
    assert "--help" in err
