"""Benchmarks of the game (:mod:`powerbalance.game`): environment steps and a turn.

Each case runs in its own process under ``benchmarks/run.py`` (``cases()`` /
``run_case()``); run as a script to print them all::

    python benchmarks/run.py game                # the harness (3 repeats, CPU, memory)
    python benchmarks/bench_game.py [--steps 400] [--worlds 1024]

- ``parallel``: the PettingZoo ``ParallelEnv`` of warring-states with one played actor
  (random moves, episodes restarted as they end), in env steps per second; the issue's
  target is 5,000/s in one process;
- ``batched``: the batched env (:class:`powerbalance.game.BatchedEnv`, finished worlds
  restarted) in world-steps and actor-steps per second (every actor of every world acts
  each step); target 1e6 actor-steps/s;
- ``turn``: one turn of the game for people (:meth:`Game.play` plus the view the page
  draws: the advisor's estimates), server-side, in milliseconds; target < 100 ms.

The env cases also split each step's time between the engine's year
(:func:`powerbalance.model.step.step`, the strategies of the actors nobody plays
included) and the env's own work (observation, rewards, restarts, and the players'
levers applied inside the engine's override hook), so the gap to a target is
attributed to the one that costs it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import powerbalance.game.core as game_core
from powerbalance.game import BatchedEnv, parallel_env
from powerbalance.game.session import Game

Row = tuple[str, float, str]


#: The clock of the split: this process's CPU time, which other processes on a shared
#: machine disturb less than the wall clock does (the rates are given by both).
cpu = time.process_time


@contextmanager
def _timed(name: str, clock: dict[str, float]) -> Iterator[None]:
    """Add the CPU time of every call of ``powerbalance.game.core.<name>`` to
    ``clock[name]`` while the block runs (the module's own reference is wrapped)."""
    original: Callable[..., Any] = getattr(game_core, name)
    clock[name] = 0.0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = cpu()
        try:
            return original(*args, **kwargs)
        finally:
            clock[name] += cpu() - start

    setattr(game_core, name, wrapper)
    try:
        yield
    finally:
        setattr(game_core, name, original)


def _split(label: str, steps: int, total: float, clock: dict[str, float]) -> list[Row]:
    """Per-step CPU milliseconds of the engine and of the env (levers in the hook
    included); ``total`` is the loop's CPU time."""
    engine = clock["step"] - clock["apply_levers"]
    env = total - engine
    return [(f"{label}: engine's year", 1000 * engine / steps, "CPU ms per step"),
            (f"{label}: env's own work", 1000 * env / steps,
             f"CPU ms per step ({100 * env / total:.0f}% of the step)")]


def parallel_case(steps: int = 400) -> list[Row]:
    """Env steps per second of the ParallelEnv, and the split of a step."""
    env = parallel_env("warring-states", seed=0, players=["Qin"], max_years=300)
    env.reset()
    space = env.action_space("Qin")
    space.seed(0)
    for _ in range(100):  # warm-up: imports, first-year caches, and the compiled kernels
        env.step({"Qin": space.sample()})  # that load on first use (a war, a death)
        if not env.agents:
            env.reset()
    env.reset()
    moves = [{"Qin": space.sample()} for _ in range(steps)]  # the agent's work, not timed
    clock: dict[str, float] = {}
    with _timed("step", clock), _timed("apply_levers", clock):
        start, start_cpu = time.perf_counter(), cpu()
        for move in moves:
            if not env.agents:
                env.reset()
            env.step(move)
        total, total_cpu = time.perf_counter() - start, cpu() - start_cpu
    label = "ParallelEnv warring-states, 1 played actor"
    return [(label, steps / total, "env steps/s (target 5,000)"),
            (label, steps / total_cpu, "env steps per CPU second"),
            *_split(label, steps, total_cpu, clock)]


def batched_case(worlds: int = 1024, steps: int = 20) -> list[Row]:
    """World-steps and actor-steps per second of the batched env (restarting finished
    worlds), and the split of a step."""
    # Warm-up on a twin env, so that the compiled kernels a year loads only on first use
    # (a recovery after a war, a strategy's rarer branch) are loaded from numba's cache
    # before the clock starts: one warm-up step left two such loads (a quarter of a
    # second) inside the 20 timed steps. The timed env plays the same years as before.
    twin = BatchedEnv("warring-states", seed=1, players=["Qin"], worlds=worlds)
    warm = np.random.default_rng(1).integers(0, twin.nvec, size=(worlds, 1, twin.n_levers))
    for _ in range(30):
        twin.step(warm)
    env = BatchedEnv("warring-states", seed=0, players=["Qin"], worlds=worlds)
    env.reset()
    moves = np.random.default_rng(0).integers(0, env.nvec,
                                              size=(steps + 1, worlds, 1, env.n_levers))
    env.step(moves[-1])  # warm-up
    actors = len(env.world.names)
    clock: dict[str, float] = {}
    restarts = 0
    with _timed("step", clock), _timed("apply_levers", clock):
        start, start_cpu = time.perf_counter(), cpu()
        for move in moves[:-1]:
            *_, info = env.step(move)
            restarts += int(info["_final_obs"].sum())
        total, total_cpu = time.perf_counter() - start, cpu() - start_cpu
    label = f"BatchedEnv warring-states, {worlds} worlds"
    rate = worlds * steps / total
    return [(label, rate, f"world-steps/s ({restarts} worlds restarted)"),
            (label, rate * actors, "actor-steps/s (target 1e6)"),
            (label, worlds * steps * actors / total_cpu, "actor-steps per CPU second"),
            *_split(label, steps, total_cpu, clock)]


def turn_case(turns: int = 30) -> list[Row]:
    """Median milliseconds of one turn and its view."""
    game = Game("cold-war-1950", "USA", seed=0, years=turns + 1)
    times = []
    for _ in range(turns):
        start = time.perf_counter()
        game.play({"spend": 0.1})
        game.view()
        times.append(time.perf_counter() - start)
    return [("one game turn + view (cold-war-1950)", 1000 * float(np.median(times)),
             "ms median (target < 100)")]


def cases() -> list[str]:
    """The cases, each run alone in a fresh interpreter by benchmarks/run.py."""
    return ["parallel", "batched", "turn"]


def run_case(case: str) -> list[Row]:
    """The rows of one case."""
    return {"parallel": parallel_case, "batched": batched_case, "turn": turn_case}[case]()


def run(steps: int = 400, worlds: int = 1024) -> list[Row]:
    """Every row, in one process."""
    return [*parallel_case(steps), *batched_case(worlds), *turn_case()]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--worlds", type=int, default=1024)
    ns = parser.parse_args()
    for label, value, note in run(ns.steps, ns.worlds):
        print(f"{label:62s} {value:11.3f}  {note}")
