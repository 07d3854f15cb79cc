"""Seat allocation rules, vectorised over worlds: votes ``(B, P)`` to seats ``(B, P)``.

- Highest averages (divisor) methods: D'Hondt (divisors 1, 2, 3, ...; Jefferson) and
  Sainte-Laguë (1, 3, 5, ...; Webster): the seats go to the highest quotients (ties to
  the lower party index).
- Largest remainder with the Hare quota (Hamilton): each party gets the integer part of
  its quota and the remaining seats go to the largest remainders.
- First past the post: single-member districts, each won by the party with the most
  votes there; district votes are the national votes times per-district factors given
  by the caller (so the rule stays a pure function).

References: Gallagher, M. & Mitchell, P. (eds.) (2005). *The Politics of Electoral
Systems*, Oxford UP, appendix A (the formulas); Balinski, M. & Young, H. P. (2001).
*Fair Representation*, 2nd ed., Brookings (divisor and quota methods).

>>> import numpy as np
>>> votes = np.array([[100_000, 80_000, 30_000, 20_000]])
>>> dhondt(votes, 8).tolist(), sainte_lague(votes, 8).tolist()
([[4, 3, 1, 0]], [[3, 3, 1, 1]])
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError

I64 = npt.NDArray[np.int64]

#: The rules by their option name.
RULES = ("dhondt", "sainte-lague", "largest-remainder", "fptp")


def _check(votes: npt.ArrayLike, seats: int) -> npt.NDArray[np.float64]:
    v = np.asarray(votes, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] == 0:
        raise InputError(f"votes of shape {v.shape}", field="votes",
                         allowed="a (worlds, parties) array")
    if not np.isfinite(v).all() or (v < 0).any() or (v.sum(axis=1) <= 0).any():
        raise InputError("negative, non-finite or all-zero votes", field="votes",
                         allowed="non-negative numbers, some positive in every world")
    if isinstance(seats, bool) or not isinstance(seats, (int, np.integer)) or seats < 1:
        raise InputError(f"{seats!r} seats", field="seats", allowed="an integer >= 1")
    return v


def _divisor(votes: npt.ArrayLike, seats: int, step: float) -> I64:
    """Highest averages with quotients ``v / (step * s + 1)``, seat by seat from a lower
    bound that the method always reaches (so at most about one seat per party is left
    to the loop): with ``lam`` the last quotient to win a seat, D'Hondt gives
    ``floor(v / lam)`` seats and ``V / lam >= seats`` (the lower quota); Sainte-Laguë
    gives ``floor(v / (2 lam) + 1/2)`` and ``V / (2 lam) >= seats - P / 2``."""
    v = _check(votes, seats)
    b, p = v.shape
    rows = np.arange(b)
    share = v / v.sum(axis=1, keepdims=True)
    if step == 1.0:
        start = share * seats
    else:
        start = share * max(seats - p / 2, 0.0) + 0.5
    out = np.maximum(np.floor(start * (1 - 1e-12)).astype(np.int64), 0)
    left = seats - out.sum(axis=1)
    for _ in range(int(left.max(initial=0))):
        open_ = left > 0
        winner = np.argmax(share / (step * out + 1.0), axis=1)
        out[rows[open_], winner[open_]] += 1
        left -= open_
    return out


def dhondt(votes: npt.ArrayLike, seats: int) -> I64:
    """D'Hondt: each seat to the highest ``votes / (s + 1)``."""
    return _divisor(votes, seats, 1.0)


def sainte_lague(votes: npt.ArrayLike, seats: int) -> I64:
    """Sainte-Laguë: each seat to the highest ``votes / (2 s + 1)``."""
    return _divisor(votes, seats, 2.0)


def largest_remainder(votes: npt.ArrayLike, seats: int) -> I64:
    """Hare quota and largest remainders (ties to the lower party index).

    >>> largest_remainder(np.array([[47_000, 16_000, 15_800, 12_000, 6_100, 3_100]]),
    ...                   10).tolist()
    [[5, 2, 1, 1, 1, 0]]
    """
    v = _check(votes, seats)
    quota = v / v.sum(axis=1, keepdims=True) * seats
    base = np.floor(quota).astype(np.int64)
    left = seats - base.sum(axis=1, keepdims=True)
    order = np.argsort(-(quota - base), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(v.shape[1])[None, :].repeat(v.shape[0], 0),
                      axis=1)
    return base + (rank < left)


def fptp(votes: npt.ArrayLike, factors: npt.ArrayLike) -> I64:
    """First past the post in ``D`` districts: ``factors`` ``(B, D, P)`` multiply the
    national votes in each district; each district's seat goes to its plurality winner.

    >>> fptp(np.array([[40.0, 35.0, 25.0]]), np.ones((1, 5, 3))).tolist()
    [[5, 0, 0]]
    """
    v = _check(votes, 1)
    f = np.asarray(factors)
    # float32 when the factors are (the arena's): exact IEEE products, four times faster
    dtype = np.float32 if f.dtype == np.float32 else np.float64
    f = f.astype(dtype, copy=False)
    if f.ndim != 3 or f.shape[0] != v.shape[0] or f.shape[2] != v.shape[1]:
        raise InputError(f"factors of shape {f.shape}", field="factors",
                         allowed=f"a ({v.shape[0]}, districts, {v.shape[1]}) array")
    winner = np.argmax(v.astype(dtype)[:, None, :] * f, axis=2)
    b, p = v.shape
    flat = (np.arange(b)[:, None] * p + winner).reshape(-1)
    return np.bincount(flat, minlength=b * p).reshape(b, p).astype(np.int64)
