"""Learning environments on the engine: PettingZoo, Gymnasium and a batched version.

- :func:`parallel_env` / :class:`PowerBalanceParallelEnv`: a PettingZoo ``ParallelEnv``
  with one agent per played actor (agent names are the actors' names); the other actors
  follow their registry strategies.
- :class:`PowerBalanceEnv`: the Gymnasium single-agent version (one played actor).
- :class:`BatchedEnv`: many worlds stepped at once by the engine's batch axis, for
  training at engine speed (arrays in, arrays out).

**Observation** (all three): a ``Box`` of ``9 N + 6`` float32 values for N actors,
what the played actor perceives (see :class:`powerbalance.game.core.Layout`): nine
blocks of N values (the perceived capability share of each actor with the year's
estimation error, the threat each poses to it, its own estimate of its odds of
beating each, alive, neighbour, its commitment to each, each one's commitment to
it, its grievance against each, at war with each) then its own spending (share of
``max_spend``), cohesion, nuclear status (0, 0.5, 1), resolve, the year (share of the
scenario's years) and its prestige.

**Engine**: ``engine="numpy"`` or ``"compiled"`` (the same results); by default the
compiled one, or ``$POWERBALANCE_ENGINE`` where it is set (the faster: see
:class:`powerbalance.game.core.World`).

**Action**: a ``MultiDiscrete`` move over the levers of
:mod:`powerbalance.game.levers`.

**Reward** of a played actor each year: its true capability share after the year plus
``PRESTIGE_WEIGHT`` (0.1) times its prestige (:func:`powerbalance.game.core.prestige`:
the capability-weighted affinity of every other actor towards it), or
``DEATH_PENALTY`` (-1) in the year it is eliminated (then it is terminated). All
agents terminate when one actor is left (the system is unified); all are truncated
after ``max_years`` years.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import numpy.typing as npt
from gymnasium import spaces
from pettingzoo import ParallelEnv

from powerbalance import rng
from powerbalance.game.core import DEATH_PENALTY, PRESTIGE_WEIGHT, World
from powerbalance.game.levers import LEVERS, choices, passive_move
from powerbalance.scenarios.model import Scenario

#: Default episode length (years).
MAX_YEARS = 100


def _year_rewards(world: World, alive_before: npt.NDArray[np.bool_],
                  players_prestige: npt.NDArray[np.float64] | None = None
                  ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_],
                             npt.NDArray[np.bool_]]:
    """(B, P) rewards and eliminations of the players, and (B,) unified worlds
    (``players_prestige``: ``world.prestige(world.players)``, if already computed)."""
    s = world.state
    pl = world.players
    alive = s.alive[:, pl]
    if players_prestige is None:
        players_prestige = world.prestige(pl)
    value = world.share()[:, pl] + PRESTIGE_WEIGHT * players_prestige
    died = alive_before & ~alive
    reward = np.where(alive, value, np.where(died, DEATH_PENALTY, 0.0))
    unified = s.alive.sum(axis=1) <= 1
    return reward, died, unified


class PowerBalanceParallelEnv(ParallelEnv):  # type: ignore[misc]
    """PettingZoo ``ParallelEnv`` of a scenario (see the module docstring)."""

    metadata = {"name": "powerbalance_v0", "render_modes": ["ansi"], "is_parallelizable": True}

    def __init__(self, scenario: str | Scenario = "warring-states", seed: int = 0,
                 players: list[str] | tuple[str, ...] | None = None,
                 max_years: int = MAX_YEARS, render_mode: str | None = None,
                 overrides: dict[str, object] | None = None, engine: str | None = None) -> None:
        self.world = World(scenario, seed=seed, players=players, overrides=overrides,
                           engine=engine)
        self._seed = int(seed)
        self.max_years = int(max_years)
        self.render_mode = render_mode
        self.possible_agents = [self.world.names[i] for i in self.world.players]
        self.agents = list(self.possible_agents)
        n = len(self.world.names)
        # One space object per agent (each can be seeded on its own).
        self._obs_spaces = {a: spaces.Box(self.world.low, self.world.high, dtype=np.float32)
                            for a in self.possible_agents}
        self._act_spaces = {a: spaces.MultiDiscrete(choices(n)) for a in self.possible_agents}
        self._passive = passive_move(self.world.params)
        self._index = {a: k for k, a in enumerate(self.possible_agents)}

    def observation_space(self, agent: str) -> spaces.Space:  # type: ignore[override]
        """The Box of :class:`~powerbalance.game.core.Layout` (the same bounds for all)."""
        return self._obs_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:  # type: ignore[override]
        """``MultiDiscrete`` over :data:`~powerbalance.game.levers.LEVERS`."""
        return self._act_spaces[agent]

    def _observations(self, agents: list[str]) -> dict[str, npt.NDArray[np.float32]]:
        obs = self.world.observe()[0]
        return {a: obs[self._index[a]] for a in agents}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Start a new game (``seed`` replaces the seed given at construction)."""
        if seed is not None:
            self._seed = int(seed)
        self.world.reset(self._seed)
        self.agents = list(self.possible_agents)
        return self._observations(self.agents), {a: {"year": 0} for a in self.agents}

    def step(self, actions: dict[str, Any]) -> tuple[dict[str, Any], ...]:
        """One year: ``actions`` maps each live agent to its move (a missing agent plays the
        passive move)."""
        acting = self.agents
        moves = np.array([actions.get(a, self._passive) if a in acting else self._passive
                          for a in self.possible_agents], dtype=np.int64)
        world = self.world
        before = world.state.alive[:, world.players]  # a copy (fancy indexing)
        world.step(moves[None])
        # The players' prestige once for the rewards and the observation (the same state
        # and standing: nothing changes between them).
        pres = world.prestige(world.players)
        reward, died, unified = _year_rewards(world, before, pres)
        year = world.state.year
        truncate = year >= self.max_years
        ended = (died[0] | unified[0]).tolist()
        gain = reward[0].tolist()
        obs = world.observe(players_prestige=pres)[0]
        rewards, terms, truncs, infos, out = {}, {}, {}, {}, {}
        for a in acting:
            k = self._index[a]
            rewards[a] = gain[k]
            terms[a] = ended[k]
            truncs[a] = truncate and not ended[k]
            infos[a] = {"year": year}
            out[a] = obs[k]
        self.agents = [a for a in acting if not (terms[a] or truncs[a])]
        return out, rewards, terms, truncs, infos

    def render(self) -> str | None:
        """Text: the year and each actor's true capability share (``ansi`` mode)."""
        if self.render_mode != "ansi":
            return None
        share = self.world.share()[0]
        rows = [f"year {self.world.state.year}"] + [
            f"{name:>12} {share[i]:6.3f}{'' if self.world.state.alive[0, i] else ' (dead)'}"
            for i, name in enumerate(self.world.names)]
        return "\n".join(rows)

    def close(self) -> None:
        """Nothing to release."""


def parallel_env(scenario: str | Scenario = "warring-states", seed: int = 0,
                 players: list[str] | tuple[str, ...] | None = None,
                 **kwargs: Any) -> PowerBalanceParallelEnv:
    """A PettingZoo ``ParallelEnv`` of ``scenario`` with the named actors played (the first
    actor by default); see :class:`PowerBalanceParallelEnv` for the keyword arguments.

    >>> env = parallel_env("warring-states", seed=1, players=["Qin", "Chu"])
    >>> obs, infos = env.reset()
    >>> sorted(obs), obs["Qin"].shape
    (['Chu', 'Qin'], (69,))
    """
    return PowerBalanceParallelEnv(scenario, seed, players, **kwargs)


class PowerBalanceEnv(gym.Env):  # type: ignore[misc]
    """Gymnasium single-agent environment: one played actor (see the module docstring).

    ``reset(seed=s)`` starts the game of seed ``s``; ``reset()`` without a seed starts
    the next game from the environment's own random generator (seeded by the
    constructor's ``seed``).
    """

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, scenario: str | Scenario = "warring-states", seed: int = 0,
                 player: str | None = None, max_years: int = MAX_YEARS,
                 render_mode: str | None = None,
                 overrides: dict[str, object] | None = None) -> None:
        self._env = PowerBalanceParallelEnv(scenario, seed, [player] if player else None,
                                            max_years, render_mode, overrides)
        self.agent = self._env.possible_agents[0]
        self.observation_space = self._env.observation_space(self.agent)
        self.action_space = self._env.action_space(self.agent)
        self.render_mode = render_mode
        self._first_seed = int(seed)

    @property
    def world(self) -> World:
        """The worlds behind the environment."""
        return self._env.world

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[npt.NDArray[np.float32], dict[str, Any]]:
        """Start a game (see the class docstring)."""
        first = self._np_random is None
        super().reset(seed=seed if seed is not None else (self._first_seed if first else None))
        game_seed = int(self.np_random.integers(2**31))
        obs, infos = self._env.reset(seed=game_seed)
        return obs[self.agent], {**infos[self.agent], "seed": game_seed}

    def step(self, action: npt.ArrayLike) -> tuple[npt.NDArray[np.float32], float, bool, bool,
                                                   dict[str, Any]]:
        """One year with the played actor's move."""
        if self.agent not in self._env.agents:
            raise RuntimeError("step() after the episode ended: call reset()")
        obs, rew, term, trunc, info = self._env.step({self.agent: np.asarray(action)})
        return (obs[self.agent], rew[self.agent], term[self.agent], trunc[self.agent],
                info[self.agent])

    def render(self) -> str | None:
        """See :meth:`PowerBalanceParallelEnv.render`."""
        return self._env.render()


def episode_seed(seed: int, episode: int) -> int:
    """The seed of a world's ``episode``-th game in a :class:`BatchedEnv` of master seed
    ``seed`` (the first game, episode 0, is the seed's own): a pure function of the two,
    so restarts never touch global randomness.

    >>> episode_seed(7, 0), episode_seed(7, 1) == episode_seed(7, 1) != episode_seed(7, 2)
    (7, True)
    """
    if episode == 0:
        return int(seed)
    return int(np.random.SeedSequence([int(seed), int(episode)]).generate_state(1, np.uint64)[0])


class BatchedEnv:
    """Many worlds at once: ``reset()`` -> obs (B, P, D); ``step(moves (B, P, L))`` -> obs,
    rewards (B, P), terminated (B, P), truncated (B,), info.

    World k is world k of the seed, bit for bit (the same as in a ParallelEnv of that
    seed with the same moves, whatever the batch size). A terminated actor gets reward 0
    until its world restarts. A world is **finished** when all its players are
    terminated or it has run ``max_years`` years (truncated).

    ``autoreset=True`` (the default) restarts finished worlds in the step that finishes
    them (Gymnasium's *same-step* autoreset): the returned ``obs`` row is the first
    observation of the world's next game, its last observation is in
    ``info["final_obs"]`` (rows where ``info["_final_obs"]`` is true), and ``rewards``,
    ``terminated`` and ``truncated`` are those of the step that ended the game. Game e of
    world k is played under the random key of world k of
    ``episode_seed(seed, e)`` (:func:`episode_seed`): a pure function of the master
    seed, the world and its game counter, so which worlds restart, and how they play,
    does not depend on the batch size or on the other worlds. The batch keeps one
    calendar (:meth:`World.restart`): a restarted world lives on from the batch's year;
    its clock (``info["year"]``, the observation's ``year`` field, ``max_years``) starts
    again at 0. Only the calendar year itself differs from a fresh game of that seed
    (it matters where ``Params.technology_growth`` is not 0).

    ``autoreset=False``: finished worlds run on until :meth:`reset` (a terminated actor
    stays terminated, reward 0), as fixed-length training episodes want.

    ``info`` also holds ``"episode"`` (B,): each world's game counter.
    """

    def __init__(self, scenario: str | Scenario = "warring-states", seed: int = 0,
                 players: list[str] | tuple[str, ...] | None = None, worlds: int = 64,
                 max_years: int = MAX_YEARS, overrides: dict[str, object] | None = None,
                 autoreset: bool = True, engine: str | None = None) -> None:
        self.world = World(scenario, seed=seed, players=players, worlds=np.arange(worlds),
                           overrides=overrides, engine=engine)
        self.max_years = int(max_years)
        self.autoreset = bool(autoreset)
        self.n_levers = len(LEVERS)
        self.nvec = choices(len(self.world.names))
        self._done = np.zeros((worlds, len(self.world.players)), bool)
        self._elapsed = np.zeros(worlds, dtype=np.int64)
        self._episode = np.zeros(worlds, dtype=np.int64)
        self._key_cache: dict[tuple[int, int], tuple[npt.NDArray[np.uint64],
                                                     dict[str, np.ndarray]]] = {}  # _episode_keys

    def reset(self, seed: int | None = None) -> npt.NDArray[np.float32]:
        """Start every world again (under ``seed`` if given; game counters restart)."""
        self.world.reset(self.world.seed if seed is None else seed)
        self._done[:] = False
        self._elapsed[:] = 0
        self._episode[:] = 0
        return self.world.observe(self._elapsed)

    def step(self, moves: npt.ArrayLike) -> tuple[npt.NDArray[np.float32],
                                                  npt.NDArray[np.float64],
                                                  npt.NDArray[np.bool_], npt.NDArray[np.bool_],
                                                  dict[str, npt.NDArray[Any]]]:
        """One year in every world (see the class docstring for what comes back)."""
        world = self.world
        before = world.state.alive[:, world.players]  # a copy (fancy indexing)
        world.step(moves)
        reward, died, unified = _year_rewards(world, before)
        reward[self._done] = 0.0
        self._done |= died
        self._done |= unified[:, None]
        self._elapsed += 1
        truncated = self._elapsed >= self.max_years
        terminated = self._done.copy()
        obs = world.observe(self._elapsed)
        info: dict[str, npt.NDArray[Any]] = {}
        if self.autoreset:
            finished = truncated | terminated.all(axis=1)
            info["final_obs"] = obs
            info["_final_obs"] = finished
            rows = np.flatnonzero(finished)
            if len(rows):
                obs = obs.copy()
                self._episode[rows] += 1
                world.restart(rows, *self._keys(rows))
                self._done[rows] = False
                self._elapsed[rows] = 0
                obs[rows] = world.observe(self._elapsed[rows], rows=rows)
        info["year"] = self._elapsed.copy()
        info["episode"] = self._episode.copy()
        return obs, reward, terminated, truncated, info

    def _keys(self, rows: npt.NDArray[np.int64]
              ) -> tuple[npt.NDArray[np.uint64], dict[str, np.ndarray]]:
        """The random keys of the current games of the worlds at ``rows``, and what those
        worlds draw from them (:meth:`World.key_draws`)."""
        games = self._episode[rows]
        first = int(games[0]) if len(games) else 0
        if (games == first).all():  # one game counter (most steps): gathers, no masks
            keys, drawn = self._episode_keys(first)
            return keys[rows], {name: value[rows] for name, value in drawn.items()}
        out = np.empty(len(rows), dtype=np.uint64)
        parts: dict[str, np.ndarray] = {}
        for e in np.unique(games).tolist():
            at = games == e
            keys, drawn = self._episode_keys(e)
            out[at] = keys[rows[at]]
            for name, value in drawn.items():
                if name not in parts:
                    parts[name] = np.empty((len(rows), *value.shape[1:]), value.dtype)
                parts[name][at] = value[rows[at]]
        return out, parts

    def _episode_keys(self, episode: int) -> tuple[npt.NDArray[np.uint64],
                                                   dict[str, np.ndarray]]:
        """(B,) the keys of game ``episode`` of every world (``rng.world_keys`` of the
        episode's seed, whose key of a world depends on that world alone) and what every
        world draws from its key (:meth:`World.key_draws`, drawn once per game counter
        instead of at each step that restarts some worlds); the last few episodes' are
        kept."""
        at = (self.world.seed, episode)
        cached = self._key_cache.get(at)
        if cached is None:
            keys = rng.world_keys(episode_seed(*at), self.world.worlds)
            cached = (keys, self.world.key_draws(keys))
            if len(self._key_cache) >= 8:
                self._key_cache.pop(next(iter(self._key_cache)))
            self._key_cache[at] = cached
        return cached


#: The Gymnasium id of :class:`PowerBalanceEnv` (``gymnasium.make(ENV_ID, player="Qin")``).
ENV_ID = "powerbalance/PowerBalance-v0"
if ENV_ID not in gym.registry:
    gym.register(id=ENV_ID, entry_point="powerbalance.game.env:PowerBalanceEnv")
