"""The learning environments: API checkers, determinism, what a player sees, the levers."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test, parallel_seed_test

from powerbalance.errors import InputError
from powerbalance.game import BatchedEnv, PowerBalanceEnv, World, parallel_env
from powerbalance.game.core import PRESTIGE_WEIGHT, RIVAL_BLOCKS, SELF_FIELDS, Layout
from powerbalance.game.levers import LEVERS, choices, describe, encode, passive_move, to_actions
from powerbalance.model.events import EventKind
from powerbalance.model.step import step
from powerbalance.scenarios import load


def test_parallel_env_passes_the_pettingzoo_api_test():
    parallel_api_test(parallel_env("warring-states", seed=3, players=["Qin", "Chu", "Han"]),
                      num_cycles=120)


def test_parallel_env_passes_the_pettingzoo_seed_test():
    parallel_seed_test(lambda: parallel_env("warring-states", seed=0, players=["Qin", "Chu"],
                                            max_years=30))


def test_gymnasium_env_passes_check_env():
    check_env(PowerBalanceEnv("warring-states", seed=2, player="Zhao"),
              skip_render_check=True)


def test_cold_war_env_passes_the_api_test():
    parallel_api_test(parallel_env("cold-war-1950", seed=1, players=["USA", "USSR"],
                                   max_years=30), num_cycles=40)


def _play(env, seed: int, years: int, move_seed: int):
    obs, _ = env.reset(seed=seed)
    moves = np.random.default_rng(move_seed)
    out = [np.concatenate([obs[a] for a in sorted(obs)])]
    rewards = []
    for _ in range(years):
        if not env.agents:
            break
        acts = {a: moves.integers(0, env.action_space(a).nvec) for a in env.agents}
        obs, rew, *_ = env.step(acts)
        out.append(np.concatenate([obs[a] for a in sorted(obs)]))
        rewards.append(sorted(rew.items()))
    return out, rewards


def test_same_seed_and_moves_give_the_same_trajectory():
    a = _play(parallel_env("warring-states", players=["Qin", "Wei"]), 11, 40, 5)
    b = _play(parallel_env("warring-states", players=["Qin", "Wei"]), 11, 40, 5)
    assert len(a[0]) == len(b[0]) > 10
    for x, y in zip(a[0], b[0], strict=True):
        assert x.tobytes() == y.tobytes()
    assert a[1] == b[1]
    c = _play(parallel_env("warring-states", players=["Qin", "Wei"]), 12, 40, 5)
    assert any(x.tobytes() != y.tobytes() for x, y in zip(a[0], c[0], strict=False))


def test_an_identity_override_changes_nothing():
    """The engine hook is neutral: an override that returns the strategies' actions gives
    the run without one, bit for bit."""
    scenario = load("warring-states")
    params = scenario.make_params()
    setting = scenario.setting(params)
    s1 = s2 = scenario.initial_state(params, setting, 4, np.arange(3))
    for _ in range(15):
        s1, _ = step(s1, setting, params)
        s2, _ = step(s2, setting, params, override=lambda obs, actions: actions)
    assert s1.military.tobytes() == s2.military.tobytes()
    assert s1.owner.tobytes() == s2.owner.tobytes()


def test_serial_update_order_calls_the_override_at_every_activation():
    scenario = load("warring-states")
    params = scenario.make_params({"update_order": "serial"})
    setting = scenario.setting(params)
    state = scenario.initial_state(params, setting, 1, np.arange(2))
    calls = []
    step(state, setting, params, override=lambda obs, a: calls.append(1) or a)
    assert len(calls) == len(scenario.actors)


def test_observation_is_the_players_perception_not_the_truth():
    world = World("warring-states", seed=5, players=["Qin"])
    for _ in range(3):
        world.step(np.array(passive_move(world.params))[None, None])
    obs = world.observe()[0, 0]
    lay = world.layout
    true = world.share()[0]
    seen = obs[lay.slice("perceived_share")]
    qin = 0
    assert seen[qin] == pytest.approx(true[qin], rel=1e-6)  # self-knowledge is exact
    others = np.arange(1, len(true))
    # Others are seen through the year's estimation error (misperception 0.1).
    assert np.abs(seen[others] / true[others] - 1).max() > 0.01
    assert lay.size == len(RIVAL_BLOCKS) * len(true) + len(SELF_FIELDS) == obs.shape[0]
    exact = World("warring-states", seed=5, players=["Qin"], overrides={"misperception": 0.0})
    exact_seen = exact.observe()[0, 0][lay.slice("perceived_share")]
    np.testing.assert_allclose(exact_seen, exact.share()[0], rtol=1e-6)


def test_observation_stays_in_its_space_over_random_games():
    env = BatchedEnv("warring-states", seed=9, players=["Qin", "Yan"], worlds=16,
                     max_years=60)
    obs = env.reset()
    moves = np.random.default_rng(0)
    for _ in range(60):
        assert ((obs >= env.world.low) & (obs <= env.world.high)).all()
        obs, *_ = env.step(moves.integers(0, env.nvec, size=(16, 2, len(LEVERS))))


def test_batched_world_k_is_the_parallel_env_world_of_the_same_index_zero():
    env = parallel_env("warring-states", seed=21, players=["Chu"])
    obs, _ = env.reset()
    batched = BatchedEnv("warring-states", seed=21, players=["Chu"], worlds=4)
    bobs = batched.reset()
    moves = np.random.default_rng(1)
    for _ in range(25):
        assert obs["Chu"].tobytes() == bobs[0, 0].tobytes()
        mv = moves.integers(0, choices(7), size=len(LEVERS))
        obs, rew, term, trunc, _ = env.step({"Chu": mv})
        bobs, brew, bterm, btrunc, info = batched.step(np.broadcast_to(mv, (4, 1, len(LEVERS))))
        assert rew["Chu"] == brew[0, 0]
        assert (term["Chu"], trunc["Chu"]) == (bool(bterm[0, 0]), bool(btrunc[0]))
        if "Chu" not in env.agents:
            # The batched world restarted in the same step (autoreset): the parallel env's
            # last observation is the batched env's final observation of world 0.
            assert info["_final_obs"][0]
            assert obs["Chu"].tobytes() == info["final_obs"][0, 0].tobytes()
            break


def test_reward_is_share_plus_weighted_prestige():
    env = parallel_env("warring-states", seed=2, players=["Qi"])
    env.reset()
    _, rew, *_ = env.step({"Qi": passive_move(env.world.params)})
    qi = env.world.names.index("Qi")
    want = env.world.share()[0, qi] + PRESTIGE_WEIGHT * env.world.prestige()[0, qi]
    assert rew["Qi"] == pytest.approx(want)


def test_attack_lever_makes_a_demand_on_a_neighbour():
    world = World("warring-states", seed=7, players=["Qin"])
    names = world.names
    neighbours = np.flatnonzero(world.state.adjacent[0, 0])
    assert len(neighbours)
    target = int(neighbours[0])
    move = encode({"attack": names[target], "spend": 0.25}, names, world.params)
    record = world.step(np.array(move)[None, None])
    ev = record.events
    mine = (ev.kind == EventKind.DEMAND) & (ev.actor == 0) & (ev.other == target)
    begun = (ev.kind == EventKind.WAR_BEGUN) & (ev.actor == 0)
    conceded = (ev.kind == EventKind.CONCESSION) & (ev.other == 0)
    deterred = ev.kind == EventKind.DETERRENCE_HELD
    assert mine.any() or begun.any() or conceded.any() or deterred.any()
    assert world.state.spend[0, 0] >= 0.25


def test_invalid_targets_mean_none():
    world = World("warring-states", seed=1, players=["Qin"])
    lv = np.zeros((1, 1, len(LEVERS)), np.int64)
    lv[0, 0, LEVERS.index("offer")] = 1  # itself
    lv[0, 0, LEVERS.index("attack")] = 1
    lv[0, 0, LEVERS.index("pressure")] = 99  # out of range: clipped to the last actor
    actions = to_actions(lv, [0], world.state, world.params)
    assert actions.offer[0, 0] == -1 and actions.attack[0, 0] == -1
    assert actions.pressure[0, 0] == 6


def test_describe_and_encode_are_inverse():
    world = World("warring-states", seed=1, players=["Qin"])
    move = encode({"spend": 0.1, "offer": "Chu", "pay": "Yan", "leave": True, "defend": 0.5},
                  world.names, world.params)
    words = describe(move, world.names, world.params)
    assert words["offer"] == "Chu" and words["pay"] == "Yan" and words["leave"] is True
    assert words["spend"] == pytest.approx(0.1) and words["defend"] == 0.5
    assert encode(words, world.names, world.params) == move
    with pytest.raises(ValueError, match="unknown actor"):
        encode({"attack": "Rome"}, world.names, world.params)


def test_unknown_player_is_an_input_error():
    with pytest.raises(InputError, match="Qin"):
        parallel_env("warring-states", players=["Rome"])


def test_layout_bounds_cover_every_position():
    lay = Layout(7)
    low, high = lay.bounds()
    assert (high > low).all() and len(low) == lay.size == 69


def test_gymnasium_make_builds_the_registered_env_and_it_passes_check_env():
    import gymnasium as gym

    from powerbalance.game.env import ENV_ID

    env = gym.make(ENV_ID, scenario="cold-war-1950", player="USSR", max_years=20)
    assert env.unwrapped.agent == "USSR"
    check_env(env.unwrapped, skip_render_check=True)
    obs, _ = env.reset(seed=3)
    assert env.observation_space.contains(obs)


@pytest.mark.parametrize("consecutive", [False, True])
def test_levers_replace_only_the_live_players_columns(consecutive: bool):
    """apply_levers gives what the strategies' actions merged with to_actions at the live
    players would: the players' columns hold their moves, the dead player's and every
    other actor's columns are the strategies' own. ``consecutive``: two players in
    neighbouring columns, all alive (the columns written through a slice, no merge)."""
    from powerbalance.game.levers import apply_levers
    from powerbalance.model.perception import Observation
    from powerbalance.model.policy import decide

    names = load("warring-states").names
    players = list(names[2:4]) if consecutive else ["Qin", "Chu"]
    world = World("warring-states", seed=4, players=players, worlds=np.arange(6))
    alive = np.array(world.state.alive)
    if not consecutive:
        alive[2, world.players[1]] = False  # Chu dead in world 2
    state = world.state.replace(alive=alive)
    strategies = decide(Observation(state, world.setting, world.params))
    levers = np.random.default_rng(3).integers(0, choices(7), size=(6, 2, len(LEVERS)))
    got = apply_levers(strategies, levers, world.players, state, world.params)
    mine = to_actions(levers, world.players, state, world.params)
    mask = np.zeros((6, 7), bool)
    mask[:, world.players] = True
    want = strategies.where(mask & alive, mine)
    others = ~(mask & alive)
    changed = 0
    for name in ("spend", "attack", "offer", "accept", "leave", "join", "subvert", "pay",
                 "pay_spend", "pressure", "shirk", "join_offence", "accept_ratio",
                 "leave_passed", "counter_spend", "subvert_spend"):
        a, w = np.asarray(getattr(got, name)), np.asarray(getattr(want, name))
        assert a.tobytes() == w.astype(a.dtype).tobytes(), name
        assert (a[others] == np.asarray(getattr(strategies, name))[others]).all(), name
        changed += int((a != np.asarray(getattr(strategies, name))).any())
    assert changed >= 5  # the moves did change the players' actions
