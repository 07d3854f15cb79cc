"""``powerbalance play``: a scripted session on stdin, save and load, bad input."""

from __future__ import annotations

import io
import json

import pytest

from powerbalance.cli import main
from powerbalance.cli.play import parse_move


def _play(monkeypatch, capsys, argv: list[str], lines: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    rc = main(["play", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_a_scripted_session_plays_a_crisis_and_saves(tmp_path, monkeypatch, capsys):
    save = tmp_path / "game.json"
    rc, out, err = _play(monkeypatch, capsys,
                         ["cold-war-1950", "--player", "USA", "--years", "4",
                          "--save", str(save)],
                         "spend=0.1 pressure=USSR\nescalate\noffer=UK\nnonsense\n\nquit\n")
    assert rc == 0, err
    assert "CRISIS at DEFCON 4" in out and "USSR backs down" in out
    assert "not a move" in out  # the bad line is refused and asked again
    record = json.loads(save.read_text())
    assert [t["move"]["pressure"] for t in record["turns"]] == ["USSR", None, None]
    assert record["turns"][0]["answers"] == ["escalate"]
    # Loading replays it and plays to the end (the EOF of stdin ends the session).
    rc, out, err = _play(monkeypatch, capsys, ["--load", str(save), "--save", str(save),
                                                "--force"], "\n")
    assert rc == 0, err
    assert "without you" in out and "game over: completed" in out
    assert json.loads(save.read_text())["final"]["over"] == "completed"


def test_play_refuses_to_overwrite_without_force(tmp_path, monkeypatch, capsys):
    save = tmp_path / "mine.json"
    save.write_text("a user's file")
    rc, _, err = _play(monkeypatch, capsys, ["--save", str(save)], "quit\n")
    assert rc == 2 and "--save" in err and "Traceback" not in err
    assert save.read_text() == "a user's file"


@pytest.mark.parametrize("argv,needle", [
    (["warring-states", "--player", "Rome"], "players"),
    (["warring-states", "--level", "godlike"], "level"),
])
def test_bad_options_exit_2(monkeypatch, capsys, argv, needle):
    rc, _, err = _play(monkeypatch, capsys, argv, "quit\n")
    assert rc == 2 and needle in err


def test_parse_move_rejects_words_without_values():
    with pytest.raises(ValueError, match="lever=value"):
        parse_move("spend")
    with pytest.raises(ValueError, match="number"):
        parse_move("spend=lots")
