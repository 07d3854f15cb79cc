"""The crisis ladder: escalation to the top ends the game, backing down costs prestige,
accidents happen at their stated rate."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance import rng
from powerbalance.game import crisis as ladder
from powerbalance.game.session import Game


def test_escalating_to_the_top_is_nuclear_war():
    c = ladder.open_crisis(0, 1, "pressure", 1)
    assert c.to_move == 0 and c.defcon == 4
    key = rng.world_keys(1, [0])[0]
    seen = []
    while c.open:
        c, delta = ladder.answer(c, "escalate", key, 3)
        assert delta is None
        seen.append(c.defcon)
    assert c.outcome == "nuclear_war" and c.defcon == ladder.NUCLEAR_WAR
    assert seen == sorted(seen, reverse=True) and len(seen) <= 3
    with pytest.raises(ValueError, match="over"):
        ladder.answer(c, "escalate", key, 3)


def test_backing_down_costs_more_the_higher_the_tension():
    key = rng.world_keys(1, [0])[0]
    c = ladder.open_crisis(0, 1, "attack", 1)
    _, early = ladder.answer(c, "back_down", key, 0)
    c3, _ = ladder.answer(c, "escalate", key, 0)
    assert c3.open, "no accident at DEFCON 3 for this key"  # ACCIDENT[3] = 0.5%
    _, late = ladder.answer(c3, "back_down", key, 0)
    assert early[0, 0] == 0 and early[0, 1] < 0 < early[1, 1]
    assert late[0, 0] == 1 and late[0, 1] < early[0, 1]  # actor 1 backs down at DEFCON 3


def test_accidents_happen_at_the_stated_rate():
    keys = rng.world_keys(7, np.arange(20_000))
    c = ladder.Crisis(0, 1, "attack", 1, to_move=0, defcon=3)
    accidents = sum(ladder.answer(c, "escalate", k, 5)[0].accident for k in keys)
    p, n = ladder.ACCIDENT[2], len(keys)
    sd = np.sqrt(p * (1 - p) / n)
    assert abs(accidents / n - p) < 5 * sd


def _rival_always(monkeypatch, escalate: bool):
    monkeypatch.setattr(ladder, "ai_escalates", lambda *a, **k: escalate)


def test_a_game_escalated_to_the_top_ends_for_everyone(monkeypatch):
    _rival_always(monkeypatch, True)
    game = Game("cold-war-1950", "USA", seed=0, years=10)
    view = game.play({"pressure": "USSR"})
    assert view["crisis"]["challenger"] == "USSR" and view["defcon"] == 4
    while not game.over:
        view = game.respond("escalate")
    assert game.over == "nuclear_war" and view["defcon"] == ladder.NUCLEAR_WAR
    assert game.year == 0  # the year was never played
    assert any("nuclear war" in line for line in game.transcript)
    with pytest.raises(ValueError, match="over"):
        game.play({})


def test_backing_down_costs_the_player_prestige(monkeypatch):
    _rival_always(monkeypatch, True)
    backed = Game("cold-war-1950", "USA", seed=0, years=10)
    backed.play({"pressure": "USSR"})
    backed.respond("back_down")
    calm = Game("cold-war-1950", "USA", seed=0, years=10)
    calm.play({})  # the withdrawn pressure leaves the passive move
    usa = backed.me
    assert backed.world.state.military.tobytes() == calm.world.state.military.tobytes()
    cost = ladder.BACKDOWN_COST * (ladder.PEACE - 4)
    assert backed.world.standing[0, usa] == pytest.approx(-cost)
    assert backed.history[-1]["prestige"] == pytest.approx(calm.history[-1]["prestige"] - cost)
    ussr = backed.names.index("USSR")
    assert backed.world.standing[0, ussr] == pytest.approx(cost / 2)


def test_a_rival_that_backs_down_lets_the_players_demand_stand(monkeypatch):
    _rival_always(monkeypatch, False)
    game = Game("cold-war-1950", "USA", seed=0, years=10)
    view = game.play({"pressure": "USSR"})
    assert view["crisis"] is None and game.year == 1  # no challenge at all


def test_the_player_may_challenge_a_rivals_demand_only_when_there_is_one():
    game = Game("warring-states", "Han", seed=2, years=10)
    demands = game.demands_on_me()
    others = [n for n in game.names if n != "Han" and n not in {d["rival"] for d in demands}]
    with pytest.raises(ValueError, match="no demand"):
        game.play({}, challenge=others[0])


def test_ai_escalation_rule_reads_odds_resolve_and_level():
    assert ladder.ai_escalates(0.9, 0.5, 1.0, 4)
    assert not ladder.ai_escalates(0.2, 0.5, 1.0, 4)
    assert not ladder.ai_escalates(0.9, 0.5, 1.0, 2)  # the last rung needs more
    assert ladder.ai_escalates(0.5, 0.5, 1.25, 5) and not ladder.ai_escalates(0.5, 0.5, 0.8, 5)
