"""The Game page: lead a power one turn a year (:class:`powerbalance.game.session.Game`).

Games live in the server's memory (the most recent :data:`MAX_GAMES`, by an
unguessable id); a game is saved by downloading its record (seed and moves, JSON) and
resumed by posting it back, which replays it bit for bit. Every number shown comes from
the library: the advisor is the engine's own estimates as the player's power perceives
them, the end summary compares the player's world with AI-only worlds from the same start.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from powerbalance.web.app import Lab, get_lab
from powerbalance.web.payloads import plain
from powerbalance.web.schemas import LimitError, ScenarioSpec, resolve_spec

router = APIRouter(prefix="/api/game", tags=["game"])

#: Games kept in memory (the least recently used is dropped first).
MAX_GAMES = 64
#: Longest game, in years; most AI-only worlds in an end summary.
MAX_GAME_YEARS = 300
MAX_SUMMARY_WORLDS = 64
#: Scenarios the Game page offers first (a power of each is suggested).
FEATURED = {"warring-states": "Qin", "cold-war-1950": "USA", "europe-1713": "Britain"}
_LOCK = threading.Lock()

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class NewGame(BaseModel):
    """Start a game: scenario, power, seed, level, length."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioSpec = "warring-states"
    player: Name | None = None
    seed: int = Field(0, ge=0, le=2**63 - 1)
    level: Literal["beginner", "intermediate", "expert", "multipolar"] = "intermediate"
    years: int = Field(50, ge=1, le=MAX_GAME_YEARS)


LeverValue = float | bool | Name | None


class Move(BaseModel):
    """One turn: the levers in words (missing ones take the passive move's value) and the
    rival whose demand is challenged, if any."""

    model_config = ConfigDict(extra="forbid")

    move: Annotated[dict[Annotated[str, StringConstraints(max_length=32)], LeverValue],
                    Field(default_factory=dict, max_length=16)]
    challenge: Name | None = None


class Answer(BaseModel):
    """The player's answer in a crisis."""

    model_config = ConfigDict(extra="forbid")

    answer: Literal["escalate", "back_down"]


def _games(lab: Lab) -> OrderedDict[str, Any]:
    games: OrderedDict[str, Any] = lab.memo.setdefault("games", OrderedDict())
    return games


def _keep(lab: Lab, game: Any) -> str:
    gid = secrets.token_hex(12)
    with _LOCK:
        games = _games(lab)
        games[gid] = game
        while len(games) > MAX_GAMES:
            games.popitem(last=False)
    return gid


def _get(lab: Lab, gid: str) -> Any:
    with _LOCK:
        games = _games(lab)
        if gid not in games:
            raise HTTPException(404, f"no game {gid!r} (games are kept in memory: download "
                                     "the save to resume later)")
        games.move_to_end(gid)
        return games[gid]


def _view(gid: str, game: Any) -> dict[str, Any]:
    return plain({"id": gid, **game.view()})


def _check_scenario(lab: Lab, spec: str) -> str:
    if spec in lab.scenarios:
        raise LimitError("scenario", "the Game page plays built-in scenarios only")
    resolved = resolve_spec(spec, lab.data)
    if resolved.startswith("cow:"):
        raise LimitError("scenario", "the Game page plays built-in scenarios only")
    return resolved


@router.get("/setup")
def setup(lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The scenarios the page offers, each with its powers (majors first) and a suggestion."""
    from powerbalance.scenarios import load
    from powerbalance.web.schemas import builtin_names

    memo: dict[str, Any] = lab.memo
    if "game_setup" not in memo:
        rows = []
        names = [n for n in builtin_names() if not n.startswith("random")]
        for name in [*FEATURED, *(n for n in names if n not in FEATURED)]:
            if name not in names:
                continue
            scen = load(name)
            powers = [a.name for a in scen.actors if a.major and not a.reserve]
            powers += [a.name for a in scen.actors if not a.major and not a.reserve]
            rows.append({"name": name, "powers": powers,
                         "suggested": FEATURED.get(name, powers[0]), "years": scen.years})
        memo["game_setup"] = {"scenarios": rows, "levels": ["beginner", "intermediate",
                                                            "expert", "multipolar"]}
    return memo["game_setup"]  # type: ignore[no-any-return]


@router.post("")
def new_game(req: NewGame, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Start a game; returns its id and first view."""
    from powerbalance.game.session import Game

    spec = _check_scenario(lab, req.scenario)
    game = Game(spec, req.player, seed=req.seed, level=req.level, years=req.years)
    return _view(_keep(lab, game), game)


@router.get("/{gid}")
def game_view(gid: str, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The current view of a game."""
    return _view(gid, _get(lab, gid))


def _guarded(call: Any) -> Any:
    try:
        return call()
    except ValueError as exc:  # a move the game does not accept now: 409, one line
        if isinstance(exc, LimitError):
            raise
        raise HTTPException(409, str(exc)) from None


@router.post("/{gid}/turn")
def play_turn(gid: str, req: Move, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Play a turn (a crisis, if one opens, waits for ``/answer``)."""
    game = _get(lab, gid)
    with _LOCK:
        _guarded(lambda: game.play(req.move, req.challenge))
    return _view(gid, game)


@router.post("/{gid}/answer")
def answer(gid: str, req: Answer, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The player's answer in the open crisis."""
    game = _get(lab, gid)
    with _LOCK:
        _guarded(lambda: game.respond(req.answer))
    return _view(gid, game)


@router.get("/{gid}/record")
def record(gid: str, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The game's record (seed and moves): the save file."""
    return plain(_get(lab, gid).record())


@router.post("/load")
def load_game(body: dict[str, Any], lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Resume a saved game: its record is replayed move by move (bit for bit)."""
    from powerbalance.game.session import replay

    if len(body.get("turns", [])) > MAX_GAME_YEARS:
        raise LimitError("turns", f"at most {MAX_GAME_YEARS} turns")
    _check_scenario(lab, str(body.get("scenario", "")))
    game = replay(body, source="saved game")
    return _view(_keep(lab, game), game)


@router.get("/{gid}/summary")
def summary(gid: str, lab: Annotated[Lab, Depends(get_lab)],
            worlds: Annotated[int, Query(ge=2, le=MAX_SUMMARY_WORLDS)] = 16) -> dict[str, Any]:
    """The player's history against the AI-only worlds from the same start."""
    game = _get(lab, gid)
    return plain(game.summary(worlds=worlds))
