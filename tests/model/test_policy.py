"""The policy phase decides by the strategies passed in with the setting (``Setting.policy``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.model.perception import Observation
from powerbalance.model.policy import decide
from powerbalance.model.step import step
from powerbalance.scenarios import load
from powerbalance.strategies import registry


def _start(worlds: int = 6):  # type: ignore[no-untyped-def]
    scen = load("warring-states")
    params = scen.make_params()
    setting = scen.setting(params)
    return scen.initial_state(params, setting, 0, np.arange(worlds)), setting, params


def test_a_scenarios_setting_carries_the_registrys_strategies() -> None:
    state, setting, params = _start()
    assert setting.policy is registry.instance
    asked: list[int] = []

    def counting(strategy_id: int):  # type: ignore[no-untyped-def]
        asked.append(strategy_id)
        return registry.instance(strategy_id)

    obs = Observation(state, setting, params)
    mine = decide(Observation(state, dataclasses.replace(setting, policy=counting), params))
    theirs = decide(obs)
    assert sorted(asked) == sorted(set(state.strategy[state.alive].tolist()))
    assert len(asked) > 1  # several strategies in the scenario
    for name in ("spend", "attack", "offer", "join", "subvert"):
        assert np.array_equal(getattr(mine, name), getattr(theirs, name)), name


def test_another_policy_changes_what_the_actors_do() -> None:
    state, setting, params = _start()
    quiet = dataclasses.replace(setting,
                                policy=lambda _: registry.instance(registry.id_of("status-quo")))
    attacks = np.zeros(2, dtype=int)
    for k, s in enumerate((setting, quiet)):
        st = state
        for _ in range(15):
            attacks[k] += int((decide(Observation(st, s, params)).attack >= 0).sum())
            st = step(st, s, params)[0]
    assert attacks[0] > 0 and attacks[1] == 0  # status-quo states never attack


def test_a_setting_without_a_policy_is_refused() -> None:
    state, setting, params = _start(1)
    bare = dataclasses.replace(setting, policy=None)
    with pytest.raises(ValueError, match="no policy"):
        step(state, bare, params)
