"""A game for a person: one turn a year, an advisor, crises, save, load and replay.

:class:`Game` plays one actor of a scenario in world 0 of a seed; the other actors
follow their strategies. Each turn the player sets the levers of
:mod:`powerbalance.game.levers` (in words: ``{"spend": 0.1, "offer": "Chu"}``) and may
challenge a rival's demand on it or an ally (:mod:`powerbalance.game.crisis`); a crisis
waits for the player's answers (:meth:`Game.respond`) before the year is played.

A game is its record: scenario, power, seed, level and the moves (with the crisis
answers) of every turn, as JSON (:meth:`Game.record`, :meth:`Game.save`). Loading
(:func:`load`) replays the moves on the engine and checks the digest of the final state
saved with them, so a loaded game is the saved game bit for bit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from powerbalance.errors import InputError
from powerbalance.game import crisis as ladder
from powerbalance.game.core import World
from powerbalance.game.levers import (
    JOIN_LEVELS,
    LEVERS,
    describe,
    encode,
    passive_move,
    spend_levels,
)
from powerbalance.model.events import EventKind
from powerbalance.outputs import write_file

FORMAT = "powerbalance-game"
VERSION = 1
#: The levels: the rivals' boldness in crises (see :mod:`powerbalance.game.crisis`), the
#: estimation error of every actor (``Params.misperception``: a beginner's rivals misjudge
#: more, so they bluff and fold more often), and whether the minor powers (the actors a
#: scenario does not mark ``major``) act: below the multipolar level they start nothing
#: (no demand, offer, leaving, payment, pressure or subversion) but still arm, accept
#: offers and defend their allies, as the minor countries of Crawford's game do.
LEVELS: dict[str, dict[str, float]] = {
    "beginner": {"boldness": 0.8, "misperception": 0.2, "minors_act": 0.0},
    "intermediate": {"boldness": 1.0, "misperception": 0.1, "minors_act": 0.0},
    "expert": {"boldness": 1.25, "misperception": 0.05, "minors_act": 0.0},
    "multipolar": {"boldness": 1.25, "misperception": 0.05, "minors_act": 1.0},
}
#: Default length of a game (years), at most the scenario's own.
GAME_YEARS = 50
#: Events of the year shown to the player when they involve it.
_SHOWN = {EventKind.DEMAND: "{a} demands provinces of {o}",
          EventKind.CONCESSION: "{a} concedes provinces to {o}",
          EventKind.WAR_BEGUN: "war: {a} against {o}",
          EventKind.WAR_ENDED: "the war of {a} against {o} ends",
          EventKind.CONQUEST: "{a} takes provinces from {o}",
          EventKind.ALLIANCE_FORMED: "alliance of {a} and {o}",
          EventKind.ALLIANCE_BROKEN: "the alliance of {a} and {o} ends",
          EventKind.DEATH: "{a} is destroyed",
          EventKind.PRESSURED: "{a} pressures {o}",
          EventKind.SIDE_PAYMENT: "{a} pays {o} to stay out",
          EventKind.CAPTURED: "{a}'s policy is captured by {o}",
          EventKind.DETERRENCE_HELD: "{a} is deterred from attacking {o}",
          EventKind.NUCLEAR_WAR: "{a} crosses the nuclear threshold against {o}"}


@dataclass
class Turn:
    """One turn of the record: the move in words, the challenge, the crisis answers."""

    move: dict[str, Any]
    challenge: str | None = None
    answers: list[str] = field(default_factory=list)


class Game:
    """One game (see the module docstring)."""

    def __init__(self, scenario: str = "warring-states", player: str | None = None,
                 seed: int = 0, level: str = "intermediate", years: int | None = None
                 ) -> None:
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}", source="game", field="level",
                             allowed=", ".join(LEVELS))
        self.scenario_name = scenario
        self.level = level
        overrides: dict[str, object] = {"misperception": LEVELS[level]["misperception"]}
        self.world = World(scenario, seed=seed, players=[player] if player else None,
                           overrides=overrides)
        if not LEVELS[level]["minors_act"]:
            self.world.held = held_minors(self.world)
        self.me = self.world.players[0]
        self.boldness = LEVELS[level]["boldness"]
        limit = self.world.scenario.years
        self.years = min(years if years is not None else GAME_YEARS, limit)
        if self.years < 1:
            raise InputError(f"{years} years", source="game", field="years",
                             allowed=f"1 to {limit}")
        self.turns: list[Turn] = []
        self.crisis: ladder.Crisis | None = None
        self._pending: tuple[list[int], Turn] | None = None
        self.over = ""
        """"" while the game goes on; then "nuclear_war", "eliminated", "unified" or
        "completed"."""
        self.transcript: list[str] = []
        self.history: list[dict[str, float]] = [self._snapshot()]

    # ------------------------------------------------------------------ what the player sees
    @property
    def names(self) -> tuple[str, ...]:
        """Actor names."""
        return self.world.names

    @property
    def player(self) -> str:
        """The played actor's name."""
        return self.names[self.me]

    @property
    def year(self) -> int:
        """Turns played (the engine's year)."""
        return int(self.world.state.year)

    def _snapshot(self) -> dict[str, float]:
        return {"year": self.year, "share": float(self.world.share()[0, self.me]),
                "prestige": float(self.world.prestige()[0, self.me])}

    def _allies(self) -> list[int]:
        s = self.world.state
        return [j for j in range(s.n_actors) if j != self.me and s.alliance[0, self.me, j] > 0]

    def demands_on_me(self) -> list[dict[str, Any]]:
        """The rivals' likely demands and pressures on the player or its allies this year
        (the engine's own decision on the current state): what can be challenged."""
        preview = self.world.preview()
        s = self.world.state
        mine = {self.me, *self._allies()}
        out = []
        for j in range(s.n_actors):
            if j == self.me or not s.alive[0, j]:
                continue
            for issue in ("attack", "pressure"):
                t = int(getattr(preview, issue)[0, j])
                if t in mine:
                    out.append({"rival": self.names[j], "issue": issue,
                                "target": self.names[t]})
        return out

    def advice(self) -> dict[str, Any]:
        """The advisor: threats, odds of war and each rival's likely move, all the engine's
        own estimates as the player's actor perceives them (its misperception included)."""
        obs, s, me = self.world.perception, self.world.state, self.me
        live = [j for j in range(s.n_actors) if j != me and s.alive[0, j]]
        idx = np.asarray(live, dtype=np.int64)
        zeros = np.zeros(len(idx), np.int64)
        mine = obs.win_odds(zeros, np.full(len(idx), me), idx) if len(idx) else np.zeros(0)
        theirs = obs.win_odds(zeros, idx, np.full(len(idx), me)) if len(idx) else np.zeros(0)
        preview = self.world.preview()
        rivals = []
        for k, j in enumerate(live):
            move = {lever: self._target_name(int(getattr(preview, lever)[0, j]))
                    for lever in ("attack", "offer", "pressure", "pay", "subvert")}
            rivals.append({
                "name": self.names[j],
                "perceived_share": round(float(obs.perceived[0, me, j]), 4),
                "threat": round(float(obs.threat[0, me, j]), 4),
                "my_odds": round(float(mine[k]), 3),
                "their_odds": round(float(theirs[k]), 3),
                "neighbour": bool(s.adjacent[0, me, j]),
                "allied": bool(s.alliance[0, me, j] > 0),
                "likely": move,
            })
        rivals.sort(key=lambda r: -float(r["threat"]))  # type: ignore[arg-type]
        return {
            "year": self.year, "player": self.player,
            "share": round(float(self.world.share()[0, me]), 4),
            "prestige": round(float(self.world.prestige()[0, me]), 4),
            "threats": [r["name"] for r in rivals[:3]],
            "war_risk": [{"rival": d["rival"], "target": d["target"], "issue": d["issue"]}
                         for d in self.demands_on_me()],
            "rivals": rivals,
        }

    def _target_name(self, t: int) -> str | None:
        return self.names[t] if t >= 0 else None

    def view(self) -> dict[str, Any]:
        """Everything a front end shows: the year, the end, the crisis, the advisor."""
        c = self.crisis
        return {
            "scenario": self.world.scenario.name, "player": self.player, "level": self.level,
            "year": self.year, "years": self.years, "over": self.over,
            "names": list(self.names), "alive": self.world.state.alive[0].tolist(),
            "defcon": c.defcon if c is not None else ladder.PEACE,
            "crisis": None if c is None else {
                "initiator": self.names[c.initiator], "target": self.names[c.target],
                "issue": c.issue, "challenger": self.names[c.challenger], "defcon": c.defcon,
                "to_move": self.names[c.to_move], "outcome": c.outcome,
                "history": [[self.names[a], m, d] for a, m, d in c.history]},
            "spend_levels": spend_levels(self.world.params).tolist(),
            "join_levels": list(JOIN_LEVELS), "passive": passive_words(self),
            "advice": None if self.over else self.advice(),
            "history": self.history,
            "transcript": self.transcript[-40:],
        }

    # ------------------------------------------------------------------ playing
    def play(self, move: dict[str, Any] | None = None, challenge: str | None = None
             ) -> dict[str, Any]:
        """Play this year's move (levers in words; missing ones are the passive move's).

        ``challenge``: a rival whose demand or pressure on the player or an ally
        (:meth:`demands_on_me`) the player questions. A crisis, if one opens, waits for
        :meth:`respond`; otherwise the year is played. Returns :meth:`view`.
        """
        if self.over:
            raise ValueError(f"the game is over ({self.over})")
        if self.crisis is not None and self.crisis.open:
            raise ValueError("a crisis awaits your answer")
        words = dict(move or {})
        lv = encode(words, self.names, self.world.params)
        turn = Turn(describe(lv, self.names, self.world.params), challenge)
        self.transcript.append(f"year {self.year + 1}: {self.player} {self._words(lv)}")
        self.crisis = self._open(lv, challenge)
        self._pending = (lv, turn)
        self._advance()
        return self.view()

    def respond(self, answer: str) -> dict[str, Any]:
        """The player's answer in the open crisis: ``escalate`` or ``back_down``."""
        c = self.crisis
        if c is None or not c.open or c.to_move != self.me or self._pending is None:
            raise ValueError("no crisis awaits your answer")
        if answer not in ladder.ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ladder.ANSWERS)}")
        self._pending[1].answers.append(answer)
        self._answer(answer)
        self._advance()
        return self.view()

    def _words(self, lv: list[int]) -> str:
        words = describe(lv, self.names, self.world.params)
        parts = [f"spend {words['spend']:.2f}"]
        parts += [f"{k} {v}" for k, v in words.items()
                  if k in ("attack", "offer", "pay", "pressure", "subvert") and v]
        parts += [k for k in ("leave",) if words[k]]
        return ", ".join(parts)

    def _open(self, lv: list[int], challenge: str | None) -> ladder.Crisis | None:
        s = self.world.state
        if challenge:
            demands = [d for d in self.demands_on_me() if d["rival"] == challenge]
            if not demands:
                raise ValueError(f"{challenge} makes no demand on you or your allies this year")
            d = demands[0]
            c = ladder.open_crisis(self.names.index(challenge), self.names.index(d["target"]),
                                   d["issue"], self.me)
            self.transcript.append(f"  crisis: {self.player} challenges {challenge}'s "
                                   f"{d['issue']} on {d['target']} (DEFCON {c.defcon})")
            return c
        for issue in ("attack", "pressure"):
            t = lv[LEVERS.index(issue)] - 1
            if t < 0 or t == self.me or not s.alive[0, t]:
                continue
            if issue == "attack" and not s.adjacent[0, self.me, t]:
                continue
            if ladder.ai_escalates(self._odds(t, self.me), float(s.resolve[0, t]),
                                   self.boldness, ladder.PEACE):
                c = ladder.open_crisis(self.me, t, issue, t)
                self.transcript.append(f"  crisis: {self.names[t]} challenges "
                                       f"{self.player}'s {issue} (DEFCON {c.defcon})")
                return c
        return None

    def _odds(self, i: int, j: int) -> float:
        """Actor i's own estimate of its odds of beating j."""
        one = np.zeros(1, np.int64)
        return float(self.world.perception.win_odds(one, one + i, one + j)[0])

    def _answer(self, answer: str) -> None:
        c = self.crisis
        assert c is not None
        who = self.names[c.to_move]
        c, delta = ladder.answer(c, answer, self.world.state.keys[0], self.year)
        self.crisis = c
        if answer == "back_down":
            self.transcript.append(f"  {who} backs down (DEFCON {c.defcon})")
        elif c.outcome == "nuclear_war":
            how = "an accident" if c.accident else "escalation"
            self.transcript.append(f"  {who} escalates: nuclear war by {how}")
        else:
            self.transcript.append(f"  {who} escalates (DEFCON {c.defcon})")
        if delta is not None:
            for actor, change in delta:
                self.world.standing[0, int(actor)] += change

    def _advance(self) -> None:
        """Let the rivals answer while it is their move; play the year once the crisis is
        settled (or none opened)."""
        s = self.world.state
        while self.crisis is not None and self.crisis.open and self.crisis.to_move != self.me:
            k = self.crisis.to_move
            up = ladder.ai_escalates(self._odds(k, self.me), float(s.resolve[0, k]),
                                     self.boldness, self.crisis.defcon)
            self._answer("escalate" if up else "back_down")
        if self.crisis is not None and self.crisis.open:
            return  # the player's move
        assert self._pending is not None
        lv, turn = self._pending
        self._pending = None
        self.turns.append(turn)
        withdraw: tuple[tuple[int, str], ...] = ()
        c = self.crisis
        if c is not None and c.outcome == "nuclear_war":
            self.over = "nuclear_war"
            self.transcript.append("  the world ends in nuclear war: game over for everyone")
            self.history.append({**self._snapshot(), "share": 0.0})
            return
        if c is not None and c.loser == c.initiator:
            if c.initiator == self.me:
                lv = list(lv)
                lv[LEVERS.index(c.issue)] = 0
            else:
                withdraw = ((c.initiator, c.issue),)
        self.crisis = None
        record = self.world.step(np.asarray(lv)[None, None], withdraw)
        self._report(record.events)
        self.history.append(self._snapshot())
        s = self.world.state
        if not s.alive[0, self.me]:
            self.over = "eliminated"
        elif s.alive[0].sum() <= 1:
            self.over = "unified"
        elif self.year >= self.years:
            self.over = "completed"
        if self.over:
            self.transcript.append(f"game over: {self.over}")

    def _report(self, events: Any) -> None:
        for kind, a, o in zip(events.kind.tolist(), events.actor.tolist(),
                              events.other.tolist(), strict=True):
            text = _SHOWN.get(EventKind(kind))
            if text and self.me in (a, o):
                self.transcript.append("  " + text.format(
                    a=self.names[a], o=self.names[o] if o >= 0 else "-"))
        self.transcript.append(f"  share {float(self.world.share()[0, self.me]):.4f}, "
                               f"prestige {float(self.world.prestige()[0, self.me]):+.4f}")

    # ------------------------------------------------------------------ summary
    def summary(self, worlds: int = 16) -> dict[str, Any]:
        """The player's history against the AI-only ensemble from the same start: the same
        scenario, seed and level (its minor powers held or not) with nobody playing, worlds
        0 to ``worlds - 1`` (world 0 is the player's world without the player)."""
        w = self.world
        years = max(self.year, 1)
        ai = World(w.scenario, seed=w.seed, players=[], worlds=np.arange(worlds),
                   params=w.params)
        if not LEVELS[self.level]["minors_act"]:
            ai.held = held_minors(ai)  # the level's rule for every minor (the player's too)
        shares = [ai.share()[:, self.me]]
        for _ in range(years):
            ai.step(np.zeros((worlds, 0, len(LEVERS)), np.int64))
            shares.append(ai.share()[:, self.me])
        share = np.array(shares)
        q = np.quantile(share, [0.1, 0.5, 0.9], axis=1)
        return {
            "player": self.player, "over": self.over, "years": self.year,
            "mine": [h["share"] for h in self.history],
            "ensemble": {"year": list(range(years + 1)), "p10": q[0].round(5).tolist(),
                         "median": q[1].round(5).tolist(), "p90": q[2].round(5).tolist(),
                         "survived": float(ai.state.alive[:, self.me].mean())},
            "prestige": [h["prestige"] for h in self.history],
        }

    # ------------------------------------------------------------------ save, load, replay
    def digest(self) -> str:
        """SHA-256 of the game's state (the engine state and the crisis standings)."""
        s = self.world.state
        h = hashlib.sha256()
        for arr in (s.wealth, s.military, s.owner, s.alive, s.alliance, s.hostility,
                    self.world.standing):
            h.update(np.ascontiguousarray(arr).tobytes())
        h.update(f"{s.year}:{self.over}".encode())
        return h.hexdigest()

    def record(self) -> dict[str, Any]:
        """The game as JSON-ready data: its seed and the player's moves."""
        return {
            "format": FORMAT, "version": VERSION, "scenario": self.scenario_name,
            "player": self.player, "seed": self.world.seed, "level": self.level,
            "years": self.years,
            "turns": [{"move": t.move, "challenge": t.challenge, "answers": t.answers}
                      for t in self.turns],
            "final": {"year": self.year, "over": self.over, "digest": self.digest()},
        }

    def save(self, path: str | Path, force: bool = False) -> Path:
        """Write :meth:`record` as JSON with the safe-write policy of
        :mod:`powerbalance.outputs` (a file powerbalance did not write is never replaced)."""
        text = json.dumps(self.record(), indent=1, ensure_ascii=False) + "\n"
        return write_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                          kind="game", force=force)


def held_minors(world: World) -> tuple[int, ...]:
    """The minor powers of a world's scenario (not ``major``), the player's own excepted."""
    return tuple(k for k, a in enumerate(world.scenario.actors)
                 if not a.major and k not in world.players)


def replay(record: dict[str, Any], source: str = "game") -> Game:
    """The game of a record, replayed move by move on the engine; an :class:`InputError`
    names a bad field, or says the replay does not reach the saved state."""

    def need(key: str, kind: type | tuple[type, ...], allowed: str) -> Any:
        value = record.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            raise InputError(f"{value!r}", source=source, field=key, allowed=allowed)
        return value

    if record.get("format") != FORMAT:
        raise InputError(f"{record.get('format')!r}", source=source, field="format",
                         allowed=repr(FORMAT))
    if record.get("version") != VERSION:
        raise InputError(f"{record.get('version')!r}", source=source, field="version",
                         allowed=str(VERSION))
    game = Game(need("scenario", str, "a scenario name"), need("player", str, "an actor"),
                seed=need("seed", int, "an integer"), level=need("level", str, "a level"),
                years=need("years", int, "a number of years"))
    turns = need("turns", list, "a list of turns")
    for k, t in enumerate(turns):
        where = f"turns[{k}]"
        if not isinstance(t, dict) or not isinstance(t.get("move"), dict):
            raise InputError("not a turn", source=source, field=where,
                             allowed='{"move": {...}, "challenge": ..., "answers": [...]}')
        try:
            game.play(t["move"], t.get("challenge"))
            for a in t.get("answers", []):
                game.respond(a)
        except ValueError as exc:
            raise InputError(str(exc), source=source, field=where,
                             allowed="a move the game accepts at that turn") from None
    final = record.get("final")
    if isinstance(final, dict) and final.get("digest") not in (None, game.digest()):
        raise InputError("the replay does not reach the saved state (the engine changed "
                         "since the game was saved)", source=source, field="final.digest",
                         allowed="a game saved by this version")
    return game


def load(path: str | Path) -> Game:
    """Load and replay a saved game (:func:`replay`)."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read a saved game ({exc.__class__.__name__})",
                         source=str(path), field="file", allowed="a JSON game file") from None
    if not isinstance(record, dict):
        raise InputError("not a saved game", source=str(path), field="file",
                         allowed="a JSON object")
    return replay(record, source=str(path))


def passive_words(game: Game) -> dict[str, Any]:
    """The passive move of a game in words (the default of the front ends)."""
    return describe(passive_move(game.world.params), game.names, game.world.params)
