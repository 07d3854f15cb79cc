"""Kernels of the compiled engine for the policy phase's glue
(:func:`powerbalance.model.policy.decide`): the masks of the strategies present and the merge
of their actions, each in one pass over the batch instead of several NumPy passes per
strategy and field. The NumPy code of :mod:`powerbalance.model.policy` and
:meth:`powerbalance.model.actions.Actions.where_all` is the specification; these kernels
only select and copy values (no arithmetic), so a compiled run keeps every bit. Imported on
the first use of the compiled engine only (importing it imports numba).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import jit


@jit
def strategy_masks_kernel(strategy: Any, alive: Any) -> Any:
    # policy.decide's np.flatnonzero(np.bincount(strategy[alive])) (the ids of the strategies
    # of live actors, increasing) and, per id, the mask (strategy == id) & alive, as rows of
    # one (K, B*N) array; who[c] = 1 + the row of c's mask (0: dead). ok is False when a
    # live actor's id is negative (np.bincount raises: the caller takes the NumPy path) or
    # more than 127 strategies are present (who is int8).
    size = len(strategy)
    top: Any = -1
    for c in range(size):
        if alive[c]:
            sid = np.int64(strategy[c])
            if sid < 0:
                return (np.zeros(0, dtype=np.int64), np.zeros((0, size), dtype=np.bool_),
                        np.zeros(size, dtype=np.int8), False)
            top = max(top, sid)
    counts = np.zeros(top + 1, dtype=np.int64)
    for c in range(size):
        if alive[c]:
            counts[np.int64(strategy[c])] += 1
    slot = np.zeros(top + 1, dtype=np.int64)
    k = 0
    for x in range(top + 1):
        if counts[x]:
            k += 1
            slot[x] = k
    if k > 127:   # (who holds int8)
        return (np.zeros(0, dtype=np.int64), np.zeros((0, size), dtype=np.bool_),
                np.zeros(size, dtype=np.int8), False)
    present = np.empty(k, dtype=np.int64)
    for x in range(top + 1):
        if counts[x]:
            present[slot[x] - 1] = x
    masks = np.zeros((k, size), dtype=np.bool_)
    who = np.zeros(size, dtype=np.int8)
    for c in range(size):
        if alive[c]:
            q = slot[np.int64(strategy[c])]
            who[c] = np.int8(q)
            masks[q - 1, c] = True
    return present, masks, who, True


@jit
def merge_kernel(who: Any, q: int, source: Any, step: int, base: Any, base_step: int,
                 out: Any) -> None:
    # Actions.where_all of disjoint masks, one field and one choice: out[c] = the source's
    # value at c where who[c] is q, else base's (the actions merged into; with base_step < 0
    # out's own, written by an earlier choice). A source or base of step 0 is one value for
    # all (a broadcast constant). Values are copied, never computed.
    if base_step < 0:
        for c in range(len(out)):
            if who[c] == q:
                out[c] = source[c * step]
        return
    for c in range(len(out)):
        out[c] = source[c * step] if who[c] == q else base[c * base_step]


def strategy_masks(strategy: Any, alive: Any) -> tuple[Any, Any, Any] | None:
    """``(present, masks, who)`` of :func:`strategy_masks_kernel` for (B, N) ``strategy`` and
    ``alive``: the ids of the strategies of live actors (increasing), their (K, B, N) masks
    and each actor's 1 + row in them (0: dead); None where NumPy must decide (a negative id
    of a live actor, which ``np.bincount`` rejects, or over 127 strategies present)."""
    b, n = alive.shape
    present, masks, who, ok = strategy_masks_kernel(
        np.ascontiguousarray(strategy).reshape(-1), np.ascontiguousarray(alive).reshape(-1))
    if not ok:
        return None
    return present, masks.reshape(len(present), b, n), who


def _flat(a: Any) -> tuple[Any, int]:
    """A 1-D contiguous array of the values of (B, N) ``a`` and its step: 0 with the one
    value of a broadcast constant (every stride 0), else 1."""
    if a.size and not any(a.strides):
        return np.array([a[(0,) * a.ndim]], dtype=a.dtype), 0
    return np.ascontiguousarray(a).reshape(-1), 1


def merge(base: Any, choices: Any, who: Any) -> Any:
    """``base.where_all(choices)`` where the choices' masks are disjoint and ``who`` (B*N,)
    gives each cell's 1 + the index of the choice whose mask holds it (0: none): the same
    fields merged (where_all's rules), each in one pass of :func:`merge_kernel` when every
    array of the field has base's dtype and shape, else by where_all itself."""
    from powerbalance.model.actions import _ACTION_NAMES, Actions

    fresh = base.fresh
    for _, other in choices:
        fresh = fresh & other.fresh
    merged = dict(base.__dict__)
    for name in _ACTION_NAMES:
        if name in fresh:
            continue
        mine = base.__dict__[name]
        untouched = name in base.fresh
        writers: list[int] = []
        for k, (_, other) in enumerate(choices):
            theirs = other.__dict__[name]
            if (untouched and name in other.fresh) or (not writers and mine is theirs):
                continue   # where_all skips it (the values would not change)
            writers.append(k)
            untouched = False
        if not writers:
            continue
        arrays = [mine] + [choices[k][1].__dict__[name] for k in writers]
        if any(a.dtype != mine.dtype or a.shape != mine.shape for a in arrays):
            # (where_all's own promotion and broadcasting)
            merged[name] = base.where_all(choices).__dict__[name]
            continue
        out = np.empty(mine.shape, dtype=mine.dtype)
        flat = out.reshape(-1)
        kept, kept_step = _flat(mine)
        for k, a in zip(writers, arrays[1:], strict=True):
            source, step = _flat(a)
            merge_kernel(who, k + 1, source, step, kept, kept_step, flat)
            kept_step = -1   # the later choices write into out
        merged[name] = out
    result = object.__new__(Actions)
    result.__dict__.update(merged)
    object.__setattr__(result, "_fresh", fresh)
    return result
