"""The batched env's restarts of finished worlds (same-step autoreset)."""

from __future__ import annotations

import numpy as np

from powerbalance import rng
from powerbalance.game import BatchedEnv, World
from powerbalance.game.env import episode_seed
from powerbalance.game.levers import passive_move

#: Fields of an observation that hold no perception noise (the same for a game restarted
#: at any calendar year): every rival block but the perceived share, threat and odds.
EXACT_BLOCKS = ("alive", "neighbour", "my_commitment", "their_commitment", "grievance",
                "at_war")
EXACT_FIELDS = ("spend", "cohesion", "nuclear", "resolve", "year")


def _moves(worlds: int, steps: int, env: BatchedEnv) -> np.ndarray:
    """Random moves (steps, worlds, 1, L): each world's own stream (world k's moves do not
    depend on the batch size)."""
    return np.stack([np.random.default_rng([7, k]).integers(0, env.nvec, size=(steps, 1,
                                                                                 env.n_levers))
                     for k in range(worlds)], axis=1)


def test_a_finished_world_restarts_and_the_others_play_on_unchanged():
    # Wei under random moves (random demands on its neighbours) dies early in some worlds.
    worlds, steps = 8, 12
    auto = BatchedEnv("warring-states", seed=3, players=["Wei"], worlds=worlds, max_years=60)
    plain = BatchedEnv("warring-states", seed=3, players=["Wei"], worlds=worlds,
                       max_years=60, autoreset=False)
    obs_a, obs_p = auto.reset(), plain.reset()
    assert obs_a.tobytes() == obs_p.tobytes()
    moves = _moves(worlds, steps, auto)
    lay = auto.world.layout
    restarted_at: dict[int, int] = {}
    for t in range(steps):
        obs_a, rew_a, term_a, trunc_a, info = auto.step(moves[t])
        obs_p, rew_p, term_p, trunc_p = plain.step(moves[t])[:4]
        live = np.array([k not in restarted_at for k in range(worlds)])
        # Until a world first restarts, both envs play the same game, bit for bit.
        assert rew_a[live].tobytes() == rew_p[live].tobytes()
        assert (term_a[live] == term_p[live]).all()
        assert info["final_obs"][live].tobytes() == obs_p[live].tobytes()
        finished = np.flatnonzero(info["_final_obs"])
        assert (info["_final_obs"] == (trunc_a | term_a.all(axis=1))).all()
        for k in finished.tolist():
            if k in restarted_at:
                continue
            restarted_at[k] = t
            assert term_p[k, 0] and not trunc_a[k]  # Wei died (or the system unified)
            assert info["episode"][k] == 1 and info["year"][k] == 0
            # Its new game starts from the scenario's initial state under the key of world
            # k of the next game's seed.
            fresh = World("warring-states", seed=episode_seed(3, 1), players=["Wei"],
                          worlds=[k])
            assert auto.world.state.keys[k] == rng.world_keys(episode_seed(3, 1), [k])[0]
            for name in ("alive", "owner", "wealth", "military", "alliance", "hostility",
                         "strategy", "cohesion"):
                got = getattr(auto.world.state, name)[k]
                assert got.tobytes() == getattr(fresh.state, name)[0].tobytes(), name
            first = fresh.observe()[0, 0]
            for name in (*EXACT_BLOCKS, *EXACT_FIELDS):
                sl = lay.slice(name)
                assert obs_a[k, 0, sl].tobytes() == first[sl].tobytes(), name
            assert obs_a[k].tobytes() != info["final_obs"][k].tobytes()
        # Worlds that never finished are untouched by the others' restarts.
        never = np.array([k not in restarted_at for k in range(worlds)])
        assert obs_a[never].tobytes() == obs_p[never].tobytes()
    assert 0 < len(restarted_at) < worlds  # the ensemble has both kinds of world
    assert auto.world.state.year == steps  # one calendar for the batch


def test_restarts_are_the_same_whatever_the_batch_size():
    steps = 30
    small = BatchedEnv("warring-states", seed=5, players=["Zhao", "Wei"], worlds=3,
                       max_years=7)
    large = BatchedEnv("warring-states", seed=5, players=["Zhao", "Wei"], worlds=6,
                       max_years=7)
    small.reset()
    large.reset()
    g = np.random.default_rng(1)
    restarts = 0
    for _ in range(steps):
        mv = g.integers(0, small.nvec, size=(6, 2, small.n_levers))
        a = small.step(mv[:3])
        b = large.step(mv)
        for x, y in zip(a[:4], b[:4], strict=True):
            assert x.tobytes() == y[:3].tobytes()
        for key in ("final_obs", "_final_obs", "year", "episode"):
            assert a[4][key].tobytes() == b[4][key][:3].tobytes(), key
        restarts += int(a[4]["_final_obs"].sum())
    # Truncation every 7 years plus early deaths: several games per world.
    assert restarts >= 3 * (steps // 7)
    assert (small.world.state.keys == large.world.state.keys[:3]).all()


def test_a_truncated_world_restarts_its_clock_and_takes_a_new_key():
    env = BatchedEnv("warring-states", seed=2, players=["Qin"], worlds=4, max_years=3)
    env.reset()
    passive = np.broadcast_to(passive_move(env.world.params), (4, 1, env.n_levers))
    first_keys = env.world.state.keys.copy()
    years = []
    for _ in range(7):
        obs, _, _, trunc, info = env.step(passive)
        years.append(info["year"].copy())
    # Clocks run 1, 2, then 0 at each truncation (every world starts a new game).
    assert [int(y[0]) for y in years] == [1, 2, 0, 1, 2, 0, 1]
    assert (info["episode"] == 2).all()
    assert (env.world.state.keys != first_keys).all()
    year_field = env.world.layout.slice("year")
    assert np.allclose(obs[:, 0, year_field], 1 / env.world.scenario.years)


def test_episode_seeds_are_distinct_and_pure():
    seeds = [episode_seed(11, e) for e in range(50)]
    assert seeds[0] == 11 and len(set(seeds)) == 50
    assert [episode_seed(11, e) for e in range(50)] == seeds


def test_restarts_after_a_reset_under_another_seed_take_that_seeds_keys():
    # The keys of each game are kept per (seed, game): a reset under a new seed must not
    # reuse the old seed's.
    env = BatchedEnv("warring-states", seed=2, players=["Qin"], worlds=3, max_years=2)
    passive = np.broadcast_to(passive_move(env.world.params), (3, 1, env.n_levers))
    for seed in (2, 9):
        env.reset(seed=seed)
        for _ in range(2):
            env.step(passive)
        want = rng.world_keys(episode_seed(seed, 1), np.arange(3))
        assert env.world.state.keys.tolist() == want.tolist()
