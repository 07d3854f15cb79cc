"""Crises in the manner of Chris Crawford's *Balance of Power* (Mindscape, 1985).

In Crawford's game a superpower's move (an intervention, aid to insurgents, a
treaty) can be *questioned* by the rival; then the two sides in turn either back
down or escalate, each escalation raising the tension one rung (DEFCON 4 to 1),
and whoever backs down loses prestige, more the higher the tension; the top rung
is nuclear war, which ends the game for everyone (Crawford, *Balance of Power:
International Politics as the Ultimate Global Game*, Microsoft Press 1986, ch. 5).

Here a **demand** (the ``attack`` lever: a demand for the frontier provinces of a
neighbour, resolved by the engine's concession-or-war rule) or a **pressure** (a
coercive wedge) of one actor on another can be challenged:

- the player's demand or pressure on a rival is challenged when that rival is willing
  to escalate at the opening rung (:func:`ai_escalates`);
- the player may challenge a rival's demand or pressure on itself or on an ally (the
  rivals' likely moves come from the engine's own decision on the current state).

The crisis opens at DEFCON 4 and the side that did not open it answers. Each answer is
``escalate`` (DEFCON - 1) or ``back_down``. Rules of this implementation (design
choices, stated here because the book gives no numbers):

- backing down at DEFCON d costs the one who backs down ``BACKDOWN_COST * (5 - d)`` of
  standing (its prestige, :func:`powerbalance.game.core.prestige`) and gives the winner
  half as much;
- each escalation to DEFCON d risks an **accident** (an incident that runs out of
  control) with probability ``ACCIDENT[d]``: 0.5% at 3, 2% at 2 (a drawn number of the
  game's seed, stream :data:`CRISIS_STREAM`); an accident, or escalating to DEFCON 1, is
  nuclear war (a war of annihilation where nobody is armed) and the game ends for all;
- when the initiator backs down its demand or pressure is withdrawn for the year; when
  the challenged side backs down the demand stands and the engine resolves it;
- a rival escalates when its own estimate of its odds of beating the other (the engine's
  :meth:`~powerbalance.model.perception.Observation.win_odds`, with its misperception)
  weighted by its resolve, ``odds * (0.5 + resolve) * boldness``, exceeds
  ``ESCALATION_BAR[d]`` for the rung it would climb to (the nearer war, the higher the
  bar); ``boldness`` is the game's level (beginner 0.8 to expert 1.25).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from powerbalance import rng

#: DEFCON of peace and of nuclear war.
PEACE, NUCLEAR_WAR = 5, 1
#: Standing lost per rung of tension by the side that backs down.
BACKDOWN_COST = 0.04
#: Probability of an accident on escalating to each DEFCON.
ACCIDENT = {4: 0.0, 3: 0.005, 2: 0.02, 1: 0.0}
#: What a rival's ``odds * (0.5 + resolve) * boldness`` must exceed to climb to each DEFCON.
ESCALATION_BAR = {4: 0.45, 3: 0.6, 2: 0.8, 1: 1.3}
#: The random stream of crisis accidents (the engine's streams are numbered below 64).
CRISIS_STREAM = 64
ANSWERS = ("escalate", "back_down")


@dataclass(frozen=True)
class Crisis:
    """One crisis: ``initiator`` demanded (``issue`` "attack" or "pressure") of ``target``;
    ``challenger`` questioned it. ``to_move`` answers next."""

    initiator: int
    target: int
    issue: str
    challenger: int
    to_move: int
    defcon: int = 4
    rungs: int = 0
    """Escalations so far (the index of the next accident draw)."""
    history: tuple[tuple[int, str, int], ...] = field(default_factory=tuple)
    """(actor, answer, DEFCON after it) for every answer."""
    outcome: str = ""
    """"" while open; then "backed_down" or "nuclear_war"."""
    loser: int = -1
    accident: bool = False

    @property
    def opponent(self) -> int:
        """The other side of the one to move."""
        other = self.target if self.challenger == self.target else self.challenger
        sides = (self.initiator, other)
        return sides[1] if self.to_move == sides[0] else sides[0]

    @property
    def open(self) -> bool:
        """Whether the crisis still awaits an answer."""
        return not self.outcome


def open_crisis(initiator: int, target: int, issue: str, challenger: int) -> Crisis:
    """A crisis at DEFCON 4 over ``initiator``'s ``issue`` on ``target``; the side that did
    not challenge answers first."""
    to_move = initiator if challenger != initiator else target
    return Crisis(initiator, target, issue, challenger, to_move)


def answer(crisis: Crisis, move: str, key: np.uint64, year: int
           ) -> tuple[Crisis, np.ndarray | None]:
    """The crisis after ``crisis.to_move`` answers ``move`` (:data:`ANSWERS`), and the
    standing change (index -> delta as a dict-like array pair) when it ends by a back-down.

    ``key`` is the world's random key and ``year`` the game year (the accident draw is a
    pure function of them and the rung).
    """
    if move not in ANSWERS:
        raise ValueError(f"answer must be one of {ANSWERS}, not {move!r}")
    if not crisis.open:
        raise ValueError("the crisis is over")
    me, other = crisis.to_move, crisis.opponent
    if move == "back_down":
        cost = BACKDOWN_COST * (PEACE - crisis.defcon)
        delta = np.array([[me, -cost], [other, cost / 2]])
        done = replace(crisis, outcome="backed_down", loser=me,
                       history=(*crisis.history, (me, move, crisis.defcon)))
        return done, delta
    defcon = crisis.defcon - 1
    u = float(rng.uniform_at(np.asarray([key], dtype=np.uint64), year, CRISIS_STREAM,
                             [crisis.rungs])[0])
    accident = u < ACCIDENT.get(defcon, 0.0)
    history = (*crisis.history, (me, move, NUCLEAR_WAR if accident else defcon))
    if accident or defcon <= NUCLEAR_WAR:
        return replace(crisis, defcon=NUCLEAR_WAR, rungs=crisis.rungs + 1, history=history,
                       outcome="nuclear_war", accident=accident), None
    return replace(crisis, defcon=defcon, rungs=crisis.rungs + 1, history=history,
                   to_move=other), None


def willingness(odds: float, resolve: float, boldness: float) -> float:
    """A rival's appetite for escalation: ``odds * (0.5 + resolve) * boldness``."""
    return odds * (0.5 + resolve) * boldness


def ai_escalates(odds: float, resolve: float, boldness: float, defcon: int) -> bool:
    """Whether a rival climbs from ``defcon`` to the next rung (see the module docstring)."""
    return willingness(odds, resolve, boldness) > ESCALATION_BAR[max(defcon - 1, NUCLEAR_WAR)]
