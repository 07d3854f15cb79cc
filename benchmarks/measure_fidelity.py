"""Figures of issue 11's second field review on the two arms of the warring-states claim.

Run from the repository root: ``python benchmarks/measure_fidelity.py [--worlds 300]
[--seed 0]``. Prints, per arm (合縱 ``vertical``, 連橫 ``horizontal``):

- the hegemon-seeker's decisions with a target that is worth it on the stakes (odds at
  least ``attack_odds`` and a positive expected gain) and how many of them its expected cost
  vetoed (no such target with a positive net gain);
- the share of multilateral wars (more than two states on the two sides together);
- Qin's hegemony at the end (the claim's statistic).

Not a timed benchmark (``benchmarks/run.py`` runs only the ``bench_*`` modules).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from powerbalance.experiments import claims
from powerbalance.experiments.results import run
from powerbalance.strategies import hegemon_seeker

_counts = {"worth": 0, "vetoed": 0}
_plain = hegemon_seeker.expected_net_gain


def _counting(obs: Any, b: np.ndarray, i: np.ndarray, j: np.ndarray) -> Any:
    """The seeker's rule, counting per deciding actor (consecutive rows of one (b, i))."""
    net, odds = _plain(obs, b, i, j)
    if len(b):
        n = obs.state.n_actors
        actor = b * n + i
        worth_row = odds >= obs.params.attack_odds
        gain_ok = worth_row & (_gain(obs, b, i, j, odds) > 0)
        pays = gain_ok & (net > 0)
        worth = np.unique(actor[gain_ok])
        paying = np.unique(actor[pays])
        _counts["worth"] += len(worth)
        _counts["vetoed"] += len(np.setdiff1d(worth, paying))
    return net, odds


def _gain(obs: Any, b: np.ndarray, i: np.ndarray, j: np.ndarray, odds: np.ndarray) -> Any:
    from powerbalance.model.derived import frontier_value

    state, params = obs.state, obs.params
    n = state.n_actors
    frontier = state.frontier if state.frontier is not None else frontier_value(
        state.owner, n, obs.setting)
    value = frontier.reshape(-1)[(b * n + i) * n + j].astype(np.float64)
    return odds * params.conquest_rate * value * state.productivity[b, i] * params.stake_horizon


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hegemon_seeker.expected_net_gain = _counting  # type: ignore[assignment]
    exp = claims.get("warring-states")
    stat = exp.statistics["qin_hegemony"][1]
    for arm in exp.arms:
        _counts.update(worth=0, vetoed=0)
        scen = arm.build()
        result = run(scen, worlds=args.worlds, seed=args.seed, overrides=arm.overrides,
                     record="full")
        wars = result.wars
        sides = wars["initiator_side"].map(len) + wars["target_side"].map(len)
        multi = float((sides > 2).mean()) if len(wars) else float("nan")
        qin = float(np.mean(stat(result, scen)))
        print(f"{arm.label}: seeker decisions worth it on the stakes {_counts['worth']}, "
              f"vetoed by the expected cost {_counts['vetoed']}; wars {len(wars)}, "
              f"multilateral share {multi:.3f}; Qin hegemony {qin:.3f}")


if __name__ == "__main__":
    main()
