"""Counter-based random streams: one master seed, bit-identical per world.

Every random number in a run is a pure function of ``(master seed, world
index, year, stream, element)``. The master seed is expanded by
:class:`numpy.random.SeedSequence`; each world gets a 64-bit key derived from
it and its *global* index, and a draw hashes the key with a counter
(SplitMix64's Weyl step and finaliser; Steele, Lea & Flood 2014, "Fast
splittable pseudorandom number generators", OOPSLA). Because nothing depends
on how many worlds share an array, world *k* of a batch of 64 is
bit-identical to world *k* run alone, on any machine and with any number of
workers. No global random state is ever used.

Normal variates come from a 2**16-entry table of the inverse normal CDF
indexed by 16 random bits: a vectorised draw costs one hash per four
variates. The table truncates at about +/-4.17 standard deviations, which is
immaterial for the noise terms of the model.
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

U64 = npt.NDArray[np.uint64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)

#: Inverse normal CDF at the midpoints of 2**16 equal-probability bins.
_NORMAL_TABLE = ndtri((np.arange(2**16, dtype=np.float64) + 0.5) / 2**16)
_NORMAL_TABLE32 = _NORMAL_TABLE.astype(np.float32)


class Stream(IntEnum):
    """Named, disjoint random streams of the model (one per use)."""

    GROWTH = 1
    PERCEPTION = 2
    POLICY = 3
    DETERRENCE = 4
    WAR = 5
    ESCALATION = 6
    CONQUEST = 7
    CLAIM = 8
    ORDER = 9
    DIPLOMACY = 10
    SUBVERSION = 11
    SCENARIO = 12
    PROFILE = 13
    EVOLUTION = 14
    TRAIT = 15
    ACTIVATION = 16
    LAW = 17
    """Compliance dispositions with the law of nations (:mod:`powerbalance.model.law`)."""


def _little_endian(words: U64) -> U64:
    """The words in little-endian layout, so that views split them the same on any machine."""
    return words if _NATIVE_LITTLE else words.astype("<u8")


_NATIVE_LITTLE = np.dtype(np.uint64).byteorder in ("=", "<") and np.little_endian


def _mix(x: U64) -> U64:
    """SplitMix64 finaliser, in place on a uint64 array."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def world_keys(seed: int, worlds: npt.ArrayLike) -> U64:
    """64-bit keys of the given *global* world indices under a master seed.

    >>> k = world_keys(7, [0, 1, 2])
    >>> bool((world_keys(7, [2]) == k[2:]).all())
    True
    """
    master = np.random.SeedSequence(seed).generate_state(2, np.uint64)
    idx = np.asarray(worlds, dtype=np.uint64).reshape(-1)
    with np.errstate(over="ignore"):
        x = _mix(idx * _GOLDEN + master[0])
        x ^= master[1]
        return _mix(x)


def _bits(keys: U64, year: int, stream: int, n: int, sub: int = 0) -> U64:
    """``n`` random 64-bit words per world for (year, stream, sub-stream).

    Counter layout: 20 bits of year, 8 of stream, 12 of sub-stream, 24 of element.
    """
    start = _start(year, stream, n, sub)
    if keys.shape[0] * n <= _SMALL_DRAW:
        return _bits_small(keys, start, n)
    counters = np.arange(n, dtype=np.uint64) + np.uint64(start)
    with np.errstate(over="ignore"):
        x = keys[:, None] + counters[None, :] * _GOLDEN
        return _mix(x)


#: Draws of at most this many words are hashed in Python integers (:func:`_bits_small`):
#: for a small world a NumPy call costs more than the arithmetic it does.
_SMALL_DRAW = 64
_MASK64 = (1 << 64) - 1
#: Table draws of at most this many words take their 16-bit indices in Python integers
#: (:func:`from_table`; a few normal variates a world, as the economy's shocks of a small
#: world): above it, NumPy's view of the words costs less than the Python lists.
_TINY_DRAW = 4


def _bits_small(keys: U64, start: int, n: int) -> U64:
    """:func:`_bits` in Python integers, modulo 2**64: the same words (the same Weyl step
    and SplitMix64 finaliser as :func:`_mix`).

    >>> keys = world_keys(2, range(3))
    >>> bool((_bits_small(keys, 5 << 44, 4) == _mix(keys[:, None]
    ...       + (np.arange(4, dtype=np.uint64) + np.uint64(5 << 44))[None, :] * _GOLDEN)).all())
    True
    """
    return np.array(_words_small(keys, start, n), dtype=np.uint64).reshape(keys.shape[0], n)


_GOLDEN_INT, _M1_INT, _M2_INT = int(_GOLDEN), int(_M1), int(_M2)


def _words_small(keys: U64, start: int, n: int) -> list[int]:
    """The words of :func:`_bits_small` as Python integers, world by world."""
    golden, m1, m2, mask = _GOLDEN_INT, _M1_INT, _M2_INT, _MASK64
    words = []
    for key in keys.tolist():
        for c in range(start, start + n):
            x = (key + c * golden) & mask
            x ^= x >> 30
            x = (x * m1) & mask
            x ^= x >> 27
            x = (x * m2) & mask
            words.append(x ^ (x >> 31))
    return words


def _start(year: int, stream: int, n: int, sub: int) -> int:
    """The first counter of a draw of ``n`` words (see :func:`_bits`), checked."""
    if n >= 1 << 24 or not 0 <= sub < 1 << 12:
        raise ValueError("random draw too large for the counter layout")
    return ((int(year) & 0xFFFFF) << 44) | ((int(stream) & 0xFF) << 36) | (int(sub) << 24)


def uniform(keys: U64, year: int, stream: int, shape: tuple[int, ...],
            sub: int = 0) -> npt.NDArray[np.float64]:
    """Uniform variates in (0, 1) of shape ``(B, *shape)``, 32 bits each.

    >>> u = uniform(world_keys(1, range(3)), 0, Stream.WAR, (5,))
    >>> u.shape, bool(((u > 0) & (u < 1)).all())
    ((3, 5), True)
    """
    n = int(math.prod(shape))  # (math.prod: np.prod costs more than the draw on a small world)
    m = (n + 1) // 2
    if keys.shape[0] * m <= _SMALL_DRAW:  # a small draw: the same numbers in Python floats
        scale = 1.0 / 2**32
        values: list[float] = []
        for word in _words_small(keys, _start(year, stream, m, sub), m):
            values += [((word & 0xFFFFFFFF) + 0.5) * scale, ((word >> 32) + 0.5) * scale]
        return np.array(values).reshape(keys.shape[0], 2 * m)[:, :n].reshape(
            (keys.shape[0], *shape))
    words = _bits(keys, year, stream, m, sub)
    halves = _little_endian(words).view("<u4")[:, :n]
    out = (halves.astype(np.float64) + 0.5) * (1.0 / 2**32)
    return out.reshape((keys.shape[0], *shape))


def normal(keys: U64, year: int, stream: int, shape: tuple[int, ...],
           sub: int = 0, dtype: type = np.float64) -> npt.NDArray[np.floating]:
    """Standard normal variates of shape ``(B, *shape)`` (16-bit table lookup).

    ``dtype=np.float32`` halves the memory traffic of large pairwise draws.

    >>> z = normal(world_keys(3, range(200)), 0, Stream.GROWTH, (50,))
    >>> abs(float(z.mean())) < 0.05 and abs(float(z.std()) - 1) < 0.05
    True
    """
    table = _NORMAL_TABLE32 if dtype == np.float32 else _NORMAL_TABLE
    return from_table(keys, year, stream, shape, table, sub)


def uniform_at(keys: U64, year: int, stream: int, elements: npt.ArrayLike,
               sub: int = 0) -> npt.NDArray[np.float64]:
    """Single uniforms: ``uniform(keys, ...)[r, elements[r]]`` for each row r, computed alone.

    ``keys`` holds one world key per requested element. This draws exactly the
    numbers the full-shape :func:`uniform` would give at those positions,
    without generating the others.

    >>> keys = world_keys(5, range(4))
    >>> full = uniform(keys, 3, Stream.WAR, (6,))
    >>> rows, cols = np.array([0, 2, 3]), np.array([5, 0, 3])
    >>> bool((uniform_at(keys[rows], 3, Stream.WAR, cols) == full[rows, cols]).all())
    True
    """
    e = np.asarray(elements, dtype=np.int64)
    if len(e) and (e.max() >= 1 << 25 or e.min() < 0):
        raise ValueError("element index outside the counter layout")
    base = np.uint64(((int(year) & 0xFFFFF) << 44) | ((int(stream) & 0xFF) << 36)
                     | (int(sub) << 24))
    counters = (e >> 1).astype(np.uint64) + base
    with np.errstate(over="ignore"):
        words = _mix(keys + counters * _GOLDEN)
    halves = np.where(e & 1, words >> np.uint64(32), words & np.uint64(0xFFFFFFFF))
    return (halves.astype(np.float64) + 0.5) * (1.0 / 2**32)


#: Number of entries of a quantile table for :func:`from_table` (16 random bits each).
TABLE_SIZE = 2**16


def quantile_table(ppf: object, dtype: type = np.float64) -> npt.NDArray[np.floating]:
    """A distribution's quantile function at the midpoints of :data:`TABLE_SIZE` bins.

    >>> float(quantile_table(lambda p: p)[0]) == 0.5 / TABLE_SIZE
    True
    """
    probs = (np.arange(TABLE_SIZE, dtype=np.float64) + 0.5) / TABLE_SIZE
    return np.asarray(ppf(probs), dtype=dtype)  # type: ignore[operator]


def from_table(keys: U64, year: int, stream: int, shape: tuple[int, ...],
               table: npt.NDArray[np.floating], sub: int = 0) -> npt.NDArray[np.floating]:
    """Draws of shape ``(B, *shape)`` from a quantile table (16 random bits per draw).

    Any transformation of a normal variate folded into the table costs nothing
    per draw: ``normal`` is ``from_table`` with the standard normal's table.
    """
    n = int(math.prod(shape))  # (math.prod: np.prod costs more than the draw on a small world)
    m = (n + 3) // 4
    if keys.shape[0] * m <= _TINY_DRAW:  # a tiny draw: the 16-bit indices in Python
        bits = []
        for word in _words_small(keys, _start(year, stream, m, sub), m):
            bits += [word & 0xFFFF, (word >> 16) & 0xFFFF, (word >> 32) & 0xFFFF, word >> 48]
        return np.take(table, np.array(bits).reshape(keys.shape[0], 4 * m)[:, :n]).reshape(
            (keys.shape[0], *shape))
    words = _bits(keys, year, stream, m, sub)
    idx = _little_endian(words).view("<u2")[:, :n]
    return np.take(table, idx).reshape((keys.shape[0], *shape))
