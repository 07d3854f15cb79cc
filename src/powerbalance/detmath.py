"""Exponential and logarithm from IEEE basic operations only: the same bits on every machine.

NumPy dispatches ``np.exp`` and ``np.log`` to CPU-specific SIMD kernels
(AVX2, AVX-512, ...) that may differ in the last bit, so a run could differ
between two x86-64 machines. These versions use only ``+ - * /``,
``rint`` and ``ldexp``/``frexp``, which IEEE 754 defines exactly, in a fixed
order (NumPy never fuses separate ufunc calls into an FMA), so the model's
hot path gives bit-identical results on any machine. Accuracy is about 1e-15
relative, far below anything the model can resolve.

Method: Cody-Waite range reduction ``x = k ln 2 + r`` and a degree-13 Taylor
polynomial for ``exp(r)``, ``|r| <= ln(2)/2``; for ``log``, ``m = frexp``
mantissa scaled into [sqrt(1/2), sqrt(2)) and ``log m = 2 atanh(s)``,
``s = (m - 1)/(m + 1)``, summed to s^27.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_COEF = [1.0 / float(np.prod(np.arange(1, k + 1))) for k in range(14)]
_SQRT_HALF = 0.70710678118654752440


def exp(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """``e**x`` elementwise, bit-reproducible on any IEEE 754 machine.

    >>> float(exp(0.0)), abs(float(exp(1.0)) - 2.718281828459045) < 1e-15
    (1.0, True)
    >>> float(exp(-800.0)), bool(np.isinf(exp(800.0)))
    (0.0, True)
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size <= SMALL:
        small = _small(_exp1, x)
        if small is not None:
            return small
    xc = np.clip(x, -745.0, 710.0)
    k = np.rint(xc * _INV_LN2)
    r = (xc - k * _LN2_HI) - k * _LN2_LO
    p = np.full_like(r, _EXP_COEF[13])
    for c in reversed(_EXP_COEF[:13]):
        p = p * r + c
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(p, k.astype(np.int64))
    return np.where(x > 709.78, np.inf, np.where(x < -745.0, 0.0, out))


def log(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Natural logarithm elementwise for positive finite ``x``, bit-reproducible.

    >>> abs(float(log(10.0)) - 2.302585092994046) < 1e-15
    True
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size <= SMALL:
        small = _small(_log1, x)
        if small is not None:
            return small
    m, e = np.frexp(x)  # x = m * 2**e, m in [0.5, 1)
    low = m < _SQRT_HALF
    m = np.where(low, m * 2.0, m)
    e = np.where(low, e - 1, e).astype(np.float64)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    acc = np.full_like(s, 1.0 / 27.0)
    for k in range(25, 0, -2):
        acc = acc * s2 + 1.0 / k
    return 2.0 * s * acc + e * _LN2_HI + e * _LN2_LO


#: Arrays of at most this many values are computed one value at a time in Python floats
#: (a small world's few values cost less so than the polynomial's ~40 NumPy calls).
SMALL = 16


def _small(one: Callable[[float], float | None], x: npt.NDArray[np.float64]
           ) -> npt.NDArray[np.float64] | None:
    """``one`` applied to each value of a small array, or None when ``one`` declines a
    value (then the array path computes them all). Python floats are IEEE 754 doubles and
    each operation is rounded on its own (no FMA), so every value has the array path's
    bits: the same operations in the same order."""
    values = []
    for v in x.reshape(-1).tolist():
        r = one(v)
        if r is None:
            return None
        values.append(r)
    return np.array(values, dtype=np.float64).reshape(x.shape)


def _exp1(x: float) -> float | None:
    """One value of :func:`exp` (None for NaN: the array path says what it gives)."""
    if x > 709.78:
        return math.inf
    if x < -745.0:
        return 0.0
    if x != x:
        return None
    t = x * _INV_LN2  # x is within exp's clip bounds: the clip changes nothing
    k = math.copysign(float(round(t)), t)  # np.rint: half to even, sign kept (-0.0)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = _EXP_COEF[13]
    for c in _EXP_COEF_DOWN:
        p = p * r + c
    try:
        return math.ldexp(p, int(k))
    except OverflowError:  # where np.ldexp gives inf
        return math.inf


def _log1(x: float) -> float | None:
    """One value of :func:`log` for a positive finite value (None otherwise: the array
    path says what it gives)."""
    if not 0.0 < x < math.inf:
        return None
    m, e = math.frexp(x)
    if m < _SQRT_HALF:
        m, e = m * 2.0, e - 1
    ef = float(e)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    acc = 1.0 / 27.0
    for k in range(25, 0, -2):
        acc = acc * s2 + 1.0 / k
    return 2.0 * s * acc + ef * _LN2_HI + ef * _LN2_LO


_EXP_COEF_DOWN = tuple(reversed(_EXP_COEF[:13]))


def power(base: float, exponent: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
    """``base ** exponent`` for a scalar base and non-negative integer exponents.

    Square-and-multiply with basic operations only (bit-reproducible).

    >>> power(0.5, np.array([0, 1, 3])).tolist()
    [1.0, 0.5, 0.125]
    """
    e = np.asarray(exponent, dtype=np.int64).copy()
    result = np.ones(e.shape)
    b = float(base)
    while e.any():
        result = np.where(e & 1, result * b, result)
        b = b * b
        e >>= 1
    return result
