"""The interstate model as one arena among the others: the same worlds, the same tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerbalance.arenas import get, is_arena, load, scenario_of
from powerbalance.arenas.run import simulate
from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.experiments.results import load_run, run


def test_the_spec_names_a_scenario_in_every_form() -> None:
    assert is_arena("interstate:warring-states")
    assert scenario_of("interstate:warring-states") == "warring-states"
    assert scenario_of("interstate(scenario=cold-war)") == "cold-war"
    assert scenario_of("interstate:random:actors=5,seed=2") == "random:actors=5,seed=2"
    assert scenario_of("interstate") == "warring-states"  # the option's default
    assert scenario_of("warring-states") is None and scenario_of("market:firms=3") is None
    spec = load("interstate:random:actors=5,seed=2")
    assert spec.params.scenario.names == ("A0", "A1", "A2", "A3", "A4")
    assert load(spec.name).params.scenario.names == spec.params.scenario.names  # round trip
    assert spec.default_years == spec.params.scenario.years
    words = get("interstate").words
    assert (words.actor, words.map_unit, words.contest, words.alliance) == (
        "state", "province", "war", "alliance")


def test_a_bad_scenario_is_the_loaders_one_line_error() -> None:
    with pytest.raises(InputError) as err:
        load("interstate:no-such-scenario")
    assert "\n" not in str(err.value) and "no-such-scenario" in str(err.value)


def test_arena_worlds_are_the_scenario_runners_worlds() -> None:
    arena = simulate("interstate:warring-states", worlds=5, years=12, seed=4)
    engine = run("warring-states", worlds=5, years=12, seed=4)
    keys = ["world", "year", "actor"]
    a = arena.actors.sort_values(keys).reset_index(drop=True)
    e = engine.actors.sort_values(keys).reset_index(drop=True)
    for col in ("share", "alive", "wealth", "military", "territory"):
        assert np.array_equal(a[col].to_numpy(), e[col].to_numpy()), col  # bit for bit
    s = arena.system.sort_values(["world", "year"]).reset_index(drop=True)
    t = engine.system.sort_values(["world", "year"]).reset_index(drop=True)
    for col in ("largest_share", "hhi", "effective_number", "hegemon", "live_actors"):
        assert np.array_equal(s[col].to_numpy(), t[col].to_numpy()), col
    assert e["share"].nunique() > 20  # the worlds moved: the comparison is not of constants


def test_arena_tables_do_not_depend_on_the_batch() -> None:
    whole = simulate("interstate:warring-states", worlds=6, years=8, seed=2)
    batched = simulate("interstate:warring-states", worlds=6, years=8, seed=2, batch_size=4)
    pd.testing.assert_frame_equal(whole.actors, batched.actors)
    pd.testing.assert_frame_equal(whole.system, batched.system)
    other = simulate("interstate:warring-states", worlds=6, years=8, seed=3)
    assert not whole.actors["share"].equals(other.actors["share"])


def test_both_commands_write_bit_identical_tables(tmp_path: Path) -> None:
    argv = ["--worlds", "4", "--years", "9", "--seed", "5", "--set", "sea_cost=2"]
    assert main(["run", "interstate:warring-states", *argv, "--out", str(tmp_path / "a")]) == 0
    assert main(["run", "warring-states", *argv, "--out", str(tmp_path / "b")]) == 0
    a, b = load_run(tmp_path / "a"), load_run(tmp_path / "b")
    tables = ("system", "actors", "events", "alliances", "wars")
    for name in tables:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.manifest["overrides"] == {"sea_cost": "2"} == b.manifest["overrides"]
    assert len(a.events) > 0


def test_the_command_line_refuses_a_bad_scenario(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "never"
    assert main(["run", "interstate:no-such-scenario", "--out", str(out)]) == 2
    assert not out.exists() and "no-such-scenario" in capsys.readouterr().err
