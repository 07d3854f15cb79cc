"""The Game page's API: start, turns, a crisis, save and resume, the summary, limits."""

from __future__ import annotations

import time

import pytest

from powerbalance.game import crisis as ladder


def _new(client, **body):
    res = client.post("/api/game", json={"scenario": "cold-war-1950", "player": "USA",
                                         "years": 6, **body})
    assert res.status_code == 200, res.text
    return res.json()


def test_setup_offers_the_featured_powers(client):
    setup = client.get("/api/game/setup").json()
    rows = {r["name"]: r for r in setup["scenarios"]}
    assert rows["warring-states"]["suggested"] == "Qin"
    assert rows["cold-war-1950"]["suggested"] == "USA"
    assert "USSR" in rows["cold-war-1950"]["powers"]
    assert rows["europe-1713"]["suggested"] == "Britain"
    assert "escape-test" not in rows


def _rival_challenges_then_folds(monkeypatch):
    """The rival questions the opening move and backs down at the next rung (the crisis
    flow does not depend on the engine's odds of the day)."""
    monkeypatch.setattr(ladder, "ai_escalates", lambda odds, resolve, bold, defcon:
                        defcon == ladder.PEACE)


def test_a_game_plays_turns_and_a_crisis_and_resumes_from_its_save(client, monkeypatch):
    _rival_challenges_then_folds(monkeypatch)
    view = _new(client)
    gid = view["id"]
    assert view["year"] == 0 and view["advice"]["player"] == "USA"
    assert {r["name"] for r in view["advice"]["rivals"]} >= {"USSR", "China"}
    view = client.post(f"/api/game/{gid}/turn",
                       json={"move": {"spend": 0.1, "pressure": "USSR"}}).json()
    assert view["crisis"]["challenger"] == "USSR" and view["defcon"] == 4
    assert client.post(f"/api/game/{gid}/turn", json={"move": {}}).status_code == 409
    view = client.post(f"/api/game/{gid}/answer", json={"answer": "escalate"}).json()
    assert view["year"] == 1 and view["crisis"] is None
    for _ in range(2):
        view = client.post(f"/api/game/{gid}/turn", json={"move": {"offer": "UK"}}).json()
    record = client.get(f"/api/game/{gid}/record").json()
    assert len(record["turns"]) == 3
    resumed = client.post("/api/game/load", json=record)
    assert resumed.status_code == 200, resumed.text
    again = resumed.json()
    assert again["id"] != gid and again["year"] == 3
    assert again["transcript"] == view["transcript"]
    assert client.get(f"/api/game/{again['id']}/record").json()["final"] == record["final"]


def test_a_turn_answers_in_well_under_a_second(client):
    gid = _new(client)["id"]
    start = time.perf_counter()
    client.post(f"/api/game/{gid}/turn", json={"move": {"spend": 0.1}})
    assert time.perf_counter() - start < 5  # a generous bound; the benchmark measures it


def test_summary_compares_with_the_ai_only_worlds(client):
    gid = _new(client, years=2)["id"]
    for _ in range(2):
        view = client.post(f"/api/game/{gid}/turn", json={"move": {}}).json()
    assert view["over"] == "completed" and view["advice"] is None
    s = client.get(f"/api/game/{gid}/summary", params={"worlds": 4}).json()
    assert len(s["mine"]) == 3 and len(s["ensemble"]["median"]) == 3


@pytest.mark.parametrize("body,status", [
    ({"scenario": "../etc/passwd"}, 422),
    ({"scenario": "escape-test"}, 422),
    ({"player": "Atlantis", "scenario": "warring-states"}, 422),
    ({"years": 10_000}, 422),
    ({"level": "godlike"}, 422),
])
def test_bad_new_games_are_refused(client, body, status):
    assert client.post("/api/game", json=body).status_code == status


def test_bad_moves_and_unknown_games(client):
    gid = _new(client)["id"]
    res = client.post(f"/api/game/{gid}/turn", json={"move": {"attack": "Atlantis"}})
    assert res.status_code == 409 and "Atlantis" in res.json()["detail"]
    assert client.post(f"/api/game/{gid}/answer", json={"answer": "escalate"}).status_code \
        == 409
    assert client.get("/api/game/nope").status_code == 404
    bad = client.post("/api/game/load", json={"format": "chess", "scenario": "warring-states"})
    assert bad.status_code == 422


def test_nuclear_war_ends_the_web_game(client, monkeypatch):
    monkeypatch.setattr(ladder, "ai_escalates", lambda *a, **k: True)
    gid = _new(client)["id"]
    view = client.post(f"/api/game/{gid}/turn", json={"move": {"pressure": "USSR"}}).json()
    while not view["over"]:
        view = client.post(f"/api/game/{gid}/answer", json={"answer": "escalate"}).json()
    assert view["over"] == "nuclear_war" and view["defcon"] == 1
