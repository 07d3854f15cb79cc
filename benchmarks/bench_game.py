"""Benchmarks of the game (:mod:`powerbalance.game`): environment steps and a turn.

``run()`` returns (label, value, note) rows; run as a script to print them::

    python benchmarks/bench_game.py [--steps 400] [--worlds 1024]

- the PettingZoo ``ParallelEnv`` of warring-states with one played actor (random
  moves), in env steps per second; the issue's target is 5,000/s in one process;
- the batched env (:class:`powerbalance.game.BatchedEnv`) in world-steps and
  actor-steps per second (every actor of every world acts each step); target 1e6
  actor-steps/s;
- one turn of the game for people (:meth:`Game.play` plus the view the page draws:
  the advisor's estimates), server-side, in milliseconds; target < 100 ms.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from powerbalance.game import BatchedEnv, parallel_env
from powerbalance.game.session import Game


def parallel_steps(steps: int) -> float:
    """Env steps per second of the ParallelEnv (episodes restarted as they end)."""
    env = parallel_env("warring-states", seed=0, players=["Qin"], max_years=300)
    env.reset()
    space = env.action_space("Qin")
    space.seed(0)
    start = time.perf_counter()
    for _ in range(steps):
        if not env.agents:
            env.reset()
        env.step({"Qin": space.sample()})
    return steps / (time.perf_counter() - start)


def batched_steps(worlds: int, steps: int) -> float:
    """World-steps per second of the batched env."""
    env = BatchedEnv("warring-states", seed=0, players=["Qin"], worlds=worlds,
                     max_years=steps + 1)
    env.reset()
    moves = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps):
        env.step(moves.integers(0, env.nvec, size=(worlds, 1, env.n_levers)))
    return worlds * steps / (time.perf_counter() - start)


def turn_ms(turns: int) -> float:
    """Median milliseconds of one turn and its view."""
    game = Game("cold-war-1950", "USA", seed=0, years=turns + 1)
    times = []
    for _ in range(turns):
        start = time.perf_counter()
        game.play({"spend": 0.1})
        game.view()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def run(steps: int = 400, worlds: int = 1024) -> list[tuple[str, float, str]]:
    """The benchmark rows."""
    par = parallel_steps(steps)
    bat = batched_steps(worlds, 20)
    actors = 7
    return [
        ("ParallelEnv warring-states, 1 played actor", par, "env steps/s (target 5,000)"),
        (f"BatchedEnv warring-states, {worlds} worlds", bat, "world-steps/s"),
        (f"BatchedEnv warring-states, {worlds} worlds", bat * actors,
         "actor-steps/s (target 1e6)"),
        ("one game turn + view (cold-war-1950)", turn_ms(30), "ms median (target < 100)"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--worlds", type=int, default=1024)
    ns = parser.parse_args()
    for label, value, note in run(ns.steps, ns.worlds):
        print(f"{label:55s} {value:11.3f}  {note}")
