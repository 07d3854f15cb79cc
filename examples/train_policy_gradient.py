"""Train a simple policy-gradient agent on the game and compare it with a random policy.

The agent plays Qin in warring-states (the other six follow their strategies) on the
batched environment (:class:`powerbalance.game.BatchedEnv`: many worlds stepped at once
by the engine). Its policy is a linear softmax per lever over the observation (what Qin
perceives), trained by REINFORCE with a per-year baseline (Williams 1992, "Simple
statistical gradient-following algorithms for connectionist reinforcement learning",
*Machine Learning* 8). After training, the greedy policy, the random policy and the
passive move are evaluated on the same held-out worlds (another seed: common random
numbers), and the paired difference of episode returns is reported with a 95%
confidence interval.

    python examples/train_policy_gradient.py --minutes 3

Run with ``--help`` for the options. Nothing is written to disk.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from powerbalance.game import BatchedEnv
from powerbalance.game.levers import passive_move


class LinearSoftmax:
    """One linear softmax head per lever: logits = W_k @ [obs, 1]."""

    def __init__(self, obs_size: int, nvec: np.ndarray, rng: np.random.Generator) -> None:
        self.nvec = nvec
        self.weights = [np.zeros((int(k), obs_size + 1)) for k in nvec]
        self.rng = rng

    def _features(self, obs: np.ndarray) -> np.ndarray:
        return np.concatenate([obs, np.ones((*obs.shape[:-1], 1))], axis=-1)

    def probabilities(self, obs: np.ndarray) -> list[np.ndarray]:
        """(B, k) choice probabilities of each lever."""
        x = self._features(obs)
        out = []
        for w in self.weights:
            z = x @ w.T
            z -= z.max(axis=-1, keepdims=True)
            p = np.exp(z)
            out.append(p / p.sum(axis=-1, keepdims=True))
        return out

    def act(self, obs: np.ndarray, greedy: bool = False) -> np.ndarray:
        """(B, L) moves."""
        probs = self.probabilities(obs)
        if greedy:
            return np.stack([p.argmax(axis=-1) for p in probs], axis=-1)
        u = self.rng.random((len(obs), len(probs)))
        return np.stack([(p.cumsum(axis=-1) < u[:, [k]]).sum(axis=-1).clip(0, p.shape[1] - 1)
                         for k, p in enumerate(probs)], axis=-1)

    def update(self, obs: np.ndarray, moves: np.ndarray, advantage: np.ndarray,
               rate: float) -> None:
        """One REINFORCE step: obs (T, B, D), moves (T, B, L), advantage (T, B)."""
        x = self._features(obs).reshape(-1, obs.shape[-1] + 1)
        a = advantage.reshape(-1)
        probs = self.probabilities(obs.reshape(-1, obs.shape[-1]))
        for k, (w, p) in enumerate(zip(self.weights, probs, strict=True)):
            onehot = np.zeros_like(p)
            onehot[np.arange(len(p)), moves.reshape(-1, len(self.weights))[:, k]] = 1.0
            grad = ((onehot - p) * a[:, None]).T @ x / len(a)
            w += rate * grad


def episode(env: BatchedEnv, policy, seed: int, years: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Play ``years`` years in every world; (obs, moves, rewards) with time first."""
    obs = env.reset(seed)[:, 0]
    all_obs, all_moves, all_rewards = [], [], []
    for _ in range(years):
        moves = policy(obs)
        nxt, reward, *_ = env.step(moves[:, None, :])
        all_obs.append(obs)
        all_moves.append(moves)
        all_rewards.append(reward[:, 0])
        obs = nxt[:, 0]
    return np.array(all_obs), np.array(all_moves), np.array(all_rewards)


def returns_to_go(rewards: np.ndarray) -> np.ndarray:
    """Undiscounted sums of the rewards from each year to the end (T, B)."""
    return rewards[::-1].cumsum(axis=0)[::-1]


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Train, evaluate, print the comparison; returns the mean returns and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="training time budget")
    parser.add_argument("--iterations", type=int, default=10_000,
                        help="most training iterations (the time budget usually ends first)")
    parser.add_argument("--worlds", type=int, default=128, help="worlds per iteration")
    parser.add_argument("--years", type=int, default=30, help="years per episode")
    parser.add_argument("--rate", type=float, default=0.5, help="learning rate")
    parser.add_argument("--seed", type=int, default=0)
    ns = parser.parse_args(argv)

    rng = np.random.default_rng(ns.seed)
    env = BatchedEnv("warring-states", seed=ns.seed, players=["Qin"], worlds=ns.worlds,
                     max_years=ns.years, autoreset=False)  # fixed-length episodes
    obs_size = env.world.layout.size
    policy = LinearSoftmax(obs_size, env.nvec, rng)
    deadline = time.perf_counter() + 60 * ns.minutes
    it = 0
    while it < ns.iterations and time.perf_counter() < deadline:
        obs, moves, rewards = episode(env, policy.act, ns.seed * 100_000 + it + 1, ns.years)
        ret = returns_to_go(rewards)
        advantage = ret - ret.mean(axis=1, keepdims=True)  # the per-year baseline
        advantage /= advantage.std() + 1e-9
        policy.update(obs, moves, advantage, ns.rate)
        it += 1
        if it % 10 == 0:
            print(f"iteration {it}: mean return {rewards.sum(axis=0).mean():.3f}", flush=True)

    eval_seed = 10**6 + ns.seed
    nvec = env.nvec

    def random_policy(obs: np.ndarray) -> np.ndarray:
        return rng.integers(0, nvec, size=(len(obs), len(nvec)))

    passive = np.array(passive_move(env.world.params))
    results = {}
    for name, pol in [("trained", lambda o: policy.act(o, greedy=True)),
                      ("random", random_policy),
                      ("passive", lambda o: np.broadcast_to(passive, (len(o), len(passive))))]:
        results[name] = episode(env, pol, eval_seed, ns.years)[2].sum(axis=0)
    diff = results["trained"] - results["random"]
    half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
    print(f"\n{it} iterations of {ns.worlds} worlds x {ns.years} years; evaluation on "
          f"{ns.worlds} held-out worlds (seed {eval_seed}):")
    for name, r in results.items():
        print(f"  {name:8s} mean return {r.mean():8.3f}")
    print(f"  trained - random: {diff.mean():+.3f} (95% CI {diff.mean() - half:+.3f} to "
          f"{diff.mean() + half:+.3f})")
    verdict = "beats" if diff.mean() - half > 0 else "does not (yet) beat"
    print(f"  the trained policy {verdict} the random policy")
    return {"iterations": float(it), **{k: float(v.mean()) for k, v in results.items()},
            "difference": float(diff.mean()), "half_width": float(half)}


if __name__ == "__main__":
    main()
