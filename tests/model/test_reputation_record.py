"""``reputation._record`` adds records by fancy-indexed adds in rounds; these tests hold it
to the plain ``np.add.at`` form it replaces, bit for bit, including records that repeat a
column (the case a single fancy-indexed add would get wrong: repeated cells add once)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from powerbalance.model.reputation import _record, _rounds


def _reference(memory: np.ndarray, b: np.ndarray, victim: np.ndarray, culprit: np.ndarray,
               weight: np.ndarray, spread: float) -> None:
    # The np.add.at form: each record adds spread x weight to every actor's memory of the
    # culprit and the rest to the victim's, in record order.
    _, n, _ = memory.shape
    flat = memory.reshape(-1)
    if spread > 0:
        idx = ((b * n)[:, None] + np.arange(n)[None, :]) * n + culprit[:, None]
        np.add.at(flat, idx.ravel(), np.repeat(weight * spread, n))
        np.add.at(flat, (b * n + victim) * n + culprit, weight * (1.0 - spread))
        memory[b, culprit, culprit] = 0.0
    else:
        np.add.at(flat, (b * n + victim) * n + culprit, weight)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), records=st.integers(1, 40),
       spread=st.sampled_from([0.0, 0.25, 0.5, 1.0]))
def test_record_matches_add_at_bit_for_bit(seed: int, records: int, spread: float) -> None:
    rng = np.random.default_rng(seed)
    batch, n = 3, 5  # few columns, so most draws repeat one
    memory = rng.random((batch, n, n)).astype(np.float32)
    b = rng.integers(0, batch, records)
    victim = rng.integers(0, n, records)
    culprit = rng.integers(0, n, records)
    weight = rng.random(records) * 3.0
    expected = memory.copy()
    _reference(expected, b, victim, culprit, weight, spread)
    _record(memory, b, victim, culprit, weight, spread)
    assert memory.tobytes() == expected.tobytes()


def test_rounds_put_each_values_occurrences_in_successive_rounds() -> None:
    code = np.array([4, 1, 4, 4, 2, 1])
    rounds = [np.asarray(r) for r in _rounds(code)]
    assert [r.tolist() for r in rounds] == [[0, 1, 4], [2, 5], [3]]
    for r in rounds:  # distinct values within a round
        assert len(set(code[r].tolist())) == len(r)
    assert _rounds(np.array([3, 1, 2])) == [slice(None)]
