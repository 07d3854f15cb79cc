"""The passive actions are built once per shape and spend and never change; merging
actions builds them without ``__init__`` but with every field."""

from __future__ import annotations

import numpy as np

from powerbalance.model.actions import _ACTION_NAMES, Actions


def test_passive_is_shared_and_cannot_be_changed() -> None:
    a = Actions.passive(2, 5, 0.05)
    assert Actions.passive(2, 5, 0.05) is a
    assert Actions.passive(2, 5, 0.1) is not a and Actions.passive(3, 5, 0.05).spend.shape == (3, 5)
    assert all(not getattr(a, name).flags.writeable for name in _ACTION_NAMES)
    b = a.replace(attack=np.full((2, 5), 3))
    assert (a.attack == -1).all() and (b.attack == 3).all() and "attack" not in b.fresh
    assert "attack" in Actions.passive(2, 5, 0.05).fresh


def test_where_merges_every_field() -> None:
    a = Actions.passive(1, 4, 0.05)
    b = a.replace(attack=np.array([[1, 2, 3, 0]]), spend=np.full((1, 4), 0.2))
    mask = np.array([[True, False, True, False]])
    m = a.where(mask, b)
    assert isinstance(m, Actions) and m.attack.tolist() == [[1, -1, 3, -1]]
    assert m.spend.tolist() == [[0.2, 0.05, 0.2, 0.05]]
    assert set(m.__dict__) >= set(_ACTION_NAMES) and m.fresh == a.fresh - {"attack", "spend"}


def _where(mine: Actions, mask: np.ndarray, other: Actions) -> Actions:
    """The rule of Actions.where, written with np.where (the reference of where_all)."""
    both = mine.fresh & other.fresh
    merged = {name: (getattr(mine, name) if name in both or getattr(mine, name) is
                     getattr(other, name) else np.where(mask, getattr(other, name),
                                                        getattr(mine, name)))
              for name in _ACTION_NAMES}
    out = Actions(**merged)
    object.__setattr__(out, "_fresh", both)
    return out


def test_where_all_is_the_chain_of_wheres_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    a = Actions.passive(2, 5, 0.05)
    b = a.replace(attack=rng.integers(-1, 5, (2, 5)), spend=rng.random((2, 5)))
    c = a.replace(spend=rng.random((2, 5)), join=np.full((2, 5), 2),   # an int in a float field
                  leave=np.ones((2, 5), dtype=bool))
    d = a.replace(attack=a.attack)   # the same array as the passive one: nothing to merge
    for overlap in (False, True):
        m1 = rng.random((2, 5)) < 0.5
        m2 = (rng.random((2, 5)) < 0.5) if overlap else ~m1
        choices = [(m1, b), (m2, c), (m1 | m2, d)]
        chain = a
        for mask, other in choices:
            chain = _where(chain, mask, other)
        one = a.where_all(choices)
        stepwise = a
        for mask, other in choices:
            stepwise = stepwise.where(mask, other)
        assert stepwise.fresh == chain.fresh
        assert all(getattr(stepwise, n).tobytes() == getattr(chain, n).tobytes()
                   for n in _ACTION_NAMES)
        assert one.fresh == chain.fresh
        for name in _ACTION_NAMES:
            x, y = getattr(one, name), getattr(chain, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
            assert (x is getattr(a, name)) == (y is getattr(a, name)), name


def test_where_broadcasts_a_mask_as_np_where() -> None:
    a = Actions.passive(2, 5, 0.05)
    b = a.replace(attack=np.arange(10).reshape(2, 5), spend=np.full((2, 5), 0.3))
    mask = np.array([[True], [False]])
    x, y = a.where(mask, b), _where(a, mask, b)
    assert all(getattr(x, n).tobytes() == getattr(y, n).tobytes() for n in _ACTION_NAMES)
    assert x.attack.tolist() == [[0, 1, 2, 3, 4], [-1] * 5]
