"""The training example runs, and its policy-gradient step moves the policy the right way."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_policy_gradient.py"


def _module():
    spec = importlib.util.spec_from_file_location("train_policy_gradient", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_trains_and_evaluates(capsys):
    out = _module().main(["--iterations", "2", "--worlds", "4", "--years", "3"])
    assert out["iterations"] == 2
    assert {"trained", "random", "passive", "difference"} <= set(out)
    assert "trained - random" in capsys.readouterr().out


def test_reinforce_raises_the_probability_of_a_rewarded_choice():
    m = _module()
    policy = m.LinearSoftmax(3, np.array([4, 2]), np.random.default_rng(0))
    obs = np.random.default_rng(1).random((5, 8, 3))
    moves = np.zeros((5, 8, 2), np.int64)
    moves[..., 0] = 2  # lever 0 chose 2 and was rewarded
    before = policy.probabilities(obs.reshape(-1, 3))[0][:, 2].mean()
    policy.update(obs, moves, np.ones((5, 8)), rate=0.5)
    after = policy.probabilities(obs.reshape(-1, 3))[0][:, 2].mean()
    assert before == np.float64(0.25) and after > before + 0.05


def test_returns_to_go_sum_the_future():
    m = _module()
    r = np.array([[1.0], [2.0], [3.0]])
    assert m.returns_to_go(r)[:, 0].tolist() == [6.0, 5.0, 3.0]
