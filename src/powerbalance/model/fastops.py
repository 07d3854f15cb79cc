"""Reductions over the actor axis that stay fast when there are few actors.

NumPy reduces the last axis row by row; with a handful of actors (seven
Warring States) the per-row overhead dominates. For up to
:data:`SMALL_N` actors these functions instead combine the N columns with N-1
elementwise operations vectorised over all rows. Both paths are exact for
max/argmax/any (ties resolve to the lowest index, as ``np.argmax`` does).
Small arrays (at most :data:`SMALL_ROWS` rows, or :data:`SMALL_SIZE` elements) take
NumPy's own call, whose fixed cost is lower than the column scan's: a single world
calls these functions a few dozen times a year. The paths give the same values,
so results stay batch-invariant whichever is taken.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SMALL_N = 24
#: Arrays with at most this many rows (all axes but the last) reduce with NumPy's own call.
SMALL_ROWS = 256
#: Arrays with at most this many elements take NumPy's own ``nonzero``.
SMALL_SIZE = 4096


def row_max_argmax(a: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.floating],
                                                          npt.NDArray[np.int64]]:
    """(max, argmax) over the last axis; argmax takes the first maximum.

    >>> m, i = row_max_argmax(np.array([[1.0, 3.0, 3.0], [5.0, 0.0, 1.0]]))
    >>> m.tolist(), i.tolist()
    ([3.0, 5.0], [1, 0])
    """
    n = a.shape[-1]
    if a.size <= SMALL_ROWS * n:
        return a.max(axis=-1), a.argmax(axis=-1)
    if n > SMALL_N:
        idx = np.argmax(a, axis=-1)
        return np.take_along_axis(a, idx[..., None], axis=-1)[..., 0], idx
    # Few columns: put the actor axis first (one contiguous copy) and scan it with
    # elementwise operations vectorised over all rows (``argmax`` along a leading axis
    # would copy again). A later column wins only when strictly greater, so the first
    # maximum is kept, as ``np.argmax`` does.
    # The index is updated arithmetically, idx += greater * (j - idx), in int8 (N <= 24):
    # masked writes branch on an unpredictable mask and are several times slower.
    columns = np.ascontiguousarray(np.moveaxis(a, -1, 0))
    best = columns[0].copy()
    idx = np.zeros(best.shape, dtype=np.int8)
    greater = np.empty(best.shape, dtype=bool)
    step = np.empty(best.shape, dtype=np.int8)
    for j in range(1, n):
        np.greater(columns[j], best, out=greater)
        np.subtract(j, idx, out=step)
        step *= greater
        idx += step
        np.maximum(best, columns[j], out=best)
    return best, idx.astype(np.int64)


def nonzero(a: npt.NDArray[np.generic]) -> tuple[npt.NDArray[np.int64], ...]:
    """``np.nonzero(a)`` (indices in C order), several times faster for 2-D and 3-D arrays:
    one ``np.flatnonzero`` and integer division instead of numpy's per-axis walk.

    >>> [x.tolist() for x in nonzero(np.array([[0, 1], [1, 1]]))]
    [[0, 1, 1], [1, 0, 1]]
    """
    if a.size <= SMALL_SIZE:
        return a.nonzero()  # (the method: np.nonzero's dispatch costs as much on small arrays)
    flat = np.flatnonzero(a)
    if a.ndim <= 1:
        return (flat,)
    out = []
    for size in a.shape[:0:-1]:
        flat, idx = np.divmod(flat, size)
        out.append(idx)
    out.append(flat)
    return tuple(out[::-1])


def sorted_unique(a: npt.NDArray[np.integer]) -> npt.NDArray[np.integer]:
    """``np.unique(a)`` for a 1-D integer array: sort, then drop repeats (much faster
    than NumPy's hash-based ``unique`` on the short arrays of a year).

    >>> sorted_unique(np.array([5, 1, 5, 3])).tolist()
    [1, 3, 5]
    """
    return unique_counts(a)[0]


def unique_counts(a: npt.NDArray[np.integer]) -> tuple[npt.NDArray[np.integer],
                                                       npt.NDArray[np.int64]]:
    """``np.unique(a, return_counts=True)`` for a 1-D integer array, by sorting.

    >>> values, counts = unique_counts(np.array([5, 1, 5, 3]))
    >>> values.tolist(), counts.tolist()
    ([1, 3, 5], [1, 1, 2])
    """
    a = np.sort(a)
    first = np.empty(len(a), dtype=bool)
    first[:1] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    # The group sizes (``np.diff(starts, append=len(a))``, without its concatenation, the
    # larger cost on the short arrays of a small world).
    counts = np.empty(len(starts), dtype=np.int64)
    if len(starts):
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = len(a) - starts[-1]
    return a[starts], counts


def any_nonzero(a: npt.NDArray[np.floating]) -> bool:
    """``a.any()`` for a float array, from its maximum and minimum (SIMD reductions,
    several times faster than ``any`` on large arrays); NaN counts as non-zero.

    >>> any_nonzero(np.zeros((2, 3))), any_nonzero(np.array([0.0, -0.5])), any_nonzero(np.zeros(0))
    (False, True, False)
    """
    return bool(a.max(initial=0.0) != 0 or a.min(initial=0.0) != 0)


def row_any(a: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Logical or over the last axis.

    >>> row_any(np.array([[False, True], [False, False]])).tolist()
    [True, False]
    """
    n = a.shape[-1]
    if n > SMALL_N or a.size <= SMALL_ROWS * n:
        return np.any(a, axis=-1)
    out = a[..., 0].copy()
    for j in range(1, n):
        out |= a[..., j]
    return out


def first_max_per_group(groups: npt.NDArray[np.integer],
                        values: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.int64],
                                                                    npt.NDArray[np.floating]]:
    """For values sorted by group, the position of each group's first maximum and its value.

    ``groups`` must be non-decreasing (as ``np.nonzero`` returns rows). No sorting.

    >>> pos, best = first_max_per_group(np.array([0, 0, 0, 2, 2]),
    ...                                 np.array([1.0, 3.0, 3.0, 5.0, 4.0]))
    >>> pos.tolist(), best.tolist()
    ([1, 3], [3.0, 5.0])
    """
    if not len(groups):
        return np.zeros(0, dtype=np.int64), values[:0]
    # (Boolean masks filled in place: np.r_ costs more than the rest on a small world.)
    new = np.empty(len(groups), dtype=bool)
    new[0] = True
    np.not_equal(groups[1:], groups[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    best = np.maximum.reduceat(values, starts)
    sizes = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1] = len(groups) - starts[-1]
    hits = np.flatnonzero(values == np.repeat(best, sizes))
    first = np.ones(len(hits), dtype=bool)
    np.not_equal(groups[hits[1:]], groups[hits[:-1]], out=first[1:])
    return hits[first], best


def sum_over_middle(a: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """``a[b, k, j]`` summed over k, in float64, k in order (batch-invariant either way).

    >>> sum_over_middle(np.arange(8, dtype=np.float32).reshape(1, 2, 4)).tolist()
    [[4.0, 6.0, 8.0, 10.0]]
    """
    if a.shape[1] > SMALL_N:
        return a.sum(axis=1, dtype=np.float64)
    out = a[:, 0, :].astype(np.float64)
    for k in range(1, a.shape[1]):
        out += a[:, k, :]
    return out
