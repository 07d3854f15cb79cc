"""``powerbalance play``: the game in the terminal (rich prompts; scriptable on stdin).

Each turn prints the advisor (threats, demands on you, each rival's likely move) and asks
for a move as ``lever=value`` words, e.g. ``spend=0.1 offer=Chu pressure=Wei``, or an
empty line for the passive move; ``challenge=RIVAL`` questions a rival's demand on you or
an ally; ``quit`` ends the session (saving it with ``--save``). In a crisis it asks
``escalate`` or ``back_down``. Names with spaces are quoted: ``offer="West Germany"``.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.prompt import Prompt
from rich.table import Table

from powerbalance.cli.app import app, console

_BOOLS = {"1": True, "yes": True, "true": True, "y": True, "0": False, "no": False,
          "false": False, "n": False}


def parse_move(line: str) -> tuple[dict[str, Any], str | None]:
    """A typed move: the levers in words and the challenged rival (None if none).

    >>> parse_move('spend=0.1 offer="West Germany" leave=no challenge=USSR')
    ({'spend': 0.1, 'offer': 'West Germany', 'leave': False}, 'USSR')
    """
    move: dict[str, Any] = {}
    challenge = None
    for token in shlex.split(line):
        key, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"{token!r}: write lever=value")
        if key == "challenge":
            challenge = value
        elif key in ("spend", "defend", "join_offence"):
            try:
                move[key] = float(value)
            except ValueError:
                raise ValueError(f"{key}: {value!r} is not a number") from None
        elif key in ("accept", "leave"):
            if value.lower() not in _BOOLS:
                raise ValueError(f"{key}: {value!r} (allowed: yes or no)")
            move[key] = _BOOLS[value.lower()]
        else:
            move[key] = value or None
    return move, challenge


def _show_advice(game: Any) -> None:
    adv = game.advice()
    console.print(f"\nYear {adv['year'] + 1} of {game.years}. {adv['player']}: share "
                  f"{adv['share']:.3f}, prestige {adv['prestige']:+.3f}", highlight=False)
    table = Table("rival", "seen share", "threat", "your odds", "their odds", "likely move",
                  title="advisor (your own estimates)")
    for r in adv["rivals"][:8]:
        likely = ", ".join(f"{k} {v}" for k, v in r["likely"].items() if v) or "-"
        flag = " (ally)" if r["allied"] else (" (neighbour)" if r["neighbour"] else "")
        table.add_row(r["name"] + flag, f"{r['perceived_share']:.3f}", f"{r['threat']:.3f}",
                      f"{r['my_odds']:.2f}", f"{r['their_odds']:.2f}", likely)
    console.print(table)
    for d in adv["war_risk"]:
        console.print(f"warning: {d['rival']} is likely to {d['issue']} {d['target']} "
                      f"(challenge={d['rival']} to question it)", highlight=False)


def _print_new(game: Any, start: int) -> int:
    for line in game.transcript[start:]:
        console.print(line, highlight=False)
    return len(game.transcript)


@app.command("play")
def play_command(
    scenario: Annotated[str, typer.Argument(help="Scenario to play.")] = "warring-states",
    player: Annotated[str | None, typer.Option(help="The power you lead (default: the "
                                                    "scenario's first actor).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the world.")] = 0,
    level: Annotated[str, typer.Option(help="beginner, intermediate, expert or multipolar "
                                            "(where the minor powers act too).")]
    = "intermediate",
    years: Annotated[int | None, typer.Option(help="Length of the game in years "
                                                   "(default 50).")] = None,
    load: Annotated[Path | None, typer.Option(help="Continue a saved game (replayed bit "
                                                   "for bit).")] = None,
    save: Annotated[Path | None, typer.Option(help="Save the game here when it ends or "
                                                   "you quit.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an earlier save of ours.")] = False,
) -> None:
    """Lead a power through the years (and its crises) against the engine's strategies."""
    from powerbalance.game.session import Game
    from powerbalance.game.session import load as load_game
    from powerbalance.outputs import Output, check_output

    if save is not None:
        check_output(Output(save, "game", folder=False, option="--save"), force)
    game = load_game(load) if load is not None else Game(scenario, player, seed=seed,
                                                          level=level, years=years)
    shown = _print_new(game, 0)
    while not game.over:
        crisis = game.crisis
        try:
            if crisis is not None and crisis.open:
                console.print(f"CRISIS at DEFCON {crisis.defcon}: {game.names[crisis.initiator]}"
                              f"'s {crisis.issue} on {game.names[crisis.target]}",
                              highlight=False)
                answer = Prompt.ask("escalate or back_down", console=console,
                                    choices=["escalate", "back_down"])
                game.respond(answer)
            else:
                _show_advice(game)
                line = Prompt.ask("move", console=console, default="", show_default=False)
                if line.strip() == "quit":
                    break
                move, challenge = parse_move(line)
                game.play(move, challenge)
        except EOFError:
            break
        except ValueError as exc:
            console.print(f"not a move: {exc}", highlight=False)
            continue
        shown = _print_new(game, shown)
    if game.over:
        summary = game.summary(worlds=8)
        ens = summary["ensemble"]
        console.print(f"Your share at the end: {summary['mine'][-1]:.3f}; without you "
                      f"(AI-only worlds from the same start) the median was "
                      f"{ens['median'][-1]:.3f} (10-90%: {ens['p10'][-1]:.3f}-"
                      f"{ens['p90'][-1]:.3f}), survival {ens['survived']:.0%}.",
                      highlight=False)
    if save is not None:
        game.save(save, force=force)
        console.print(f"saved {save}", highlight=False)
