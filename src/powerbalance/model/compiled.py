"""The compiled engine: numba kernels for the hottest array work of the phases.

``Setting.engine`` chooses the engine of a run: ``"numpy"`` (the reference, and the
specification of the model) or ``"compiled"``, which replaces some whole-array NumPy
programs by loops compiled with numba (``nopython``, ``cache=True``: the machine code is
kept in ``__pycache__`` next to this file, so only the first run on a machine pays the
compilation). Results are **bit-identical** between the engines (tests/model/
test_compiled.py compares every recorded array of every bundled scenario):

- random numbers are still drawn by :mod:`powerbalance.rng` in NumPy and passed in;
- every floating-point expression keeps the reference's operations and their order
  (no ``fastmath``, so no reassociation and no fused multiply-add); sums add their terms
  in the order ``np.bincount`` does (increasing element index, from 0.0);
- the exponential is :func:`powerbalance.detmath.exp`'s own polynomial, term by term.

Kernels here: the economy of a year (:func:`economy_kernel`), the borders, land borders
and frontier stakes of a set of worlds (:func:`borders_kernel`), the provinces and
extracted production of each actor (:func:`territorial_base_kernel`) and the
loss-of-strength gradient (:func:`gradient`). numba is imported on the first use of the
compiled engine only, so the NumPy engine and ``import powerbalance`` never pay for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance import detmath
from powerbalance.errors import InputError

#: The engines a run may use (``Setting.engine``; ``--engine`` in the CLI).
ENGINES = ("numpy", "compiled")

def check_engine(engine: str, source: str = "run") -> str:
    """``engine`` when it is known and usable, else an :class:`InputError` (exit 2): an
    unknown name, or ``compiled`` without numba installed."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", source=source, field="engine",
                         allowed=" or ".join(ENGINES))
    if engine == "compiled":
        try:
            import numba  # noqa: F401
        except ImportError:
            raise InputError("the compiled engine needs numba, which is not installed",
                             source=source, field="engine",
                             allowed="numpy, or install numba (pip install numba)") from None
    return engine

@cache
def _kernels() -> dict[str, Any]:
    """Compile (or load from the cache) every kernel; numba is imported here only."""
    import numba

    jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
    coef = tuple(float(c) for c in detmath._EXP_COEF)
    ln2_hi, ln2_lo, inv_ln2 = detmath._LN2_HI, detmath._LN2_LO, detmath._INV_LN2
    c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13 = coef

    @jit
    def exp1(x: float) -> float:
        # detmath.exp, element by element: clip, Cody-Waite reduction, Horner from c13.
        if x != x:
            return x
        xc = min(max(x, -745.0), 710.0)
        k = np.rint(xc * inv_ln2)
        r = (xc - k * ln2_hi) - k * ln2_lo
        p = c13
        p = p * r + c12
        p = p * r + c11
        p = p * r + c10
        p = p * r + c9
        p = p * r + c8
        p = p * r + c7
        p = p * r + c6
        p = p * r + c5
        p = p * r + c4
        p = p * r + c3
        p = p * r + c2
        p = p * r + c1
        p = p * r + c0
        out = np.ldexp(p, np.int64(k))
        if x > 709.78:
            return np.inf
        if x < -745.0:
            return 0.0
        return out

    @jit
    def gradient_flat(distance: Any, exponential: bool, midpoint: float,
                      steepness: float, norm: float, out: Any) -> None:
        for e in range(distance.size):
            d = distance[e]
            if exponential:
                out[e] = exp1(-d / midpoint)
            else:
                out[e] = norm / (1.0 + exp1(steepness * (d - midpoint)))

    @jit
    def economy_kernel(alive: Any, productivity: Any, military: Any, spend: Any,
                       own_rate: Any, shock: Any, base: Any, floor: Any,
                       guns_butter: float, growth_noise: float, keep: float,
                       rescale_above: float) -> Any:
        b, n = alive.shape
        prod = np.empty((b, n))
        wealth = np.empty((b, n))
        mil = np.empty((b, n))
        big = np.zeros(b, dtype=np.bool_)
        for w in range(b):
            fl = floor[w]
            peak = 0.0
            nan = False
            for i in range(n):
                g = own_rate[w, i] - guns_butter * spend[w, i] + growth_noise * shock[w, i]
                p = productivity[w, i] * (1.0 + g)
                if not (p >= fl or p != p):   # np.maximum: NaN propagates
                    p = fl
                if not alive[w, i]:
                    p = 0.0
                wl = p * base[w, i]
                m = keep * military[w, i] + spend[w, i] * wl
                if not alive[w, i]:
                    m = 0.0
                prod[w, i] = p
                wealth[w, i] = wl
                mil[w, i] = m
                for v in (wl, m, p):
                    if v != v:
                        nan = True
                    elif v > peak:
                        peak = v
            big[w] = (not nan) and peak > rescale_above
        return prod, wealth, mil, big

    @jit
    def borders_kernel(owner: Any, worlds: Any, n: int, link_src: Any, link_dst: Any,
                       link_land: Any, has_land: bool, in_links: Any, value: Any,
                       want_frontier: bool) -> Any:
        nw = len(worlds)
        adj = np.zeros((nw, n, n), dtype=np.bool_)
        land = np.zeros((nw, n, n) if has_land else (0, n, n), dtype=np.bool_)
        front = np.zeros((nw, n, n) if want_frontier else (0, n, n), dtype=np.float32)
        acc = np.zeros((n, n))
        seen_at = np.full(n, -1, dtype=np.int64)
        for x in range(nw):
            row = owner[worlds[x]]
            for lk in range(len(link_src)):
                os_ = row[link_src[lk]]
                od = row[link_dst[lk]]
                if os_ != od and os_ >= 0 and od >= 0:
                    adj[x, os_, od] = True
                    if has_land and link_land[lk]:
                        land[x, os_, od] = True
            if want_frontier:
                # Links grouped by end province q (increasing): each claimant counts a
                # province once, and the stakes add provinces in increasing order from 0.0
                # (as np.bincount does).
                acc[:, :] = 0.0
                seen_at[:] = -1
                for k in range(len(in_links)):
                    lk = in_links[k]
                    q = link_dst[lk]
                    c = row[link_src[lk]]
                    o = row[q]
                    if c != o and c >= 0 and o >= 0 and seen_at[c] != q:
                        seen_at[c] = q
                        acc[c, o] += value[q]
                for i in range(n):
                    for j in range(n):
                        front[x, i, j] = np.float32(acc[i, j])
        return adj, land, front

    @jit
    def territorial_base_kernel(owner: Any, capital: Any, n: int, distance: Any,
                                value: Any, exponential: bool, midpoint: float,
                                steepness: float, norm: float) -> Any:
        b, p = owner.shape
        base = np.zeros((b, n))
        count = np.zeros((b, n), dtype=np.int64)
        for w in range(b):
            for q in range(p):
                o = owner[w, q]
                if o < 0:
                    continue
                cap = capital[w, o]
                if cap < 0:
                    cap = 0
                d = distance[cap, q]
                if exponential:
                    g = exp1(-d / midpoint)
                else:
                    g = norm / (1.0 + exp1(steepness * (d - midpoint)))
                base[w, o] += value[q] * g
                count[w, o] += 1
        return base, count

    return {"exp1": exp1, "gradient_flat": gradient_flat, "economy": economy_kernel,
            "borders": borders_kernel, "territorial_base": territorial_base_kernel}

def kernels() -> dict[str, Any]:
    """The compiled kernels by name (compiled, or loaded from numba's cache, on first use)."""
    return _kernels()

def _norm(kind: str, midpoint: float, steepness: float) -> float:
    """The logistic gradient's normaliser ``1 + exp(-steepness * midpoint)``, computed as
    :func:`powerbalance.model.geography.gradient` does."""
    if kind == "exponential":
        return 1.0
    return float(1.0 + detmath.exp(np.asarray(-steepness * midpoint)))

def gradient(distance: npt.NDArray[np.float64], kind: str, midpoint: float,
             steepness: float = 1.0) -> npt.NDArray[np.float64]:
    """:func:`powerbalance.model.geography.gradient`, compiled (bit-identical)."""
    d = np.ascontiguousarray(distance, dtype=np.float64)
    out = np.empty(d.shape)
    kernels()["gradient_flat"](d.reshape(-1), kind == "exponential", float(midpoint),
                               float(steepness), _norm(kind, midpoint, steepness),
                               out.reshape(-1))
    return out

def territorial_base(owner: npt.NDArray[np.int64], capital: npt.NDArray[np.int64],
                     n_actors: int, distance: npt.NDArray[np.float64],
                     value: npt.NDArray[np.float64], kind: str, midpoint: float,
                     steepness: float) -> tuple[npt.NDArray[np.float64],
                                                npt.NDArray[np.int64]]:
    """:func:`powerbalance.model.derived.territorial_base`, compiled (bit-identical)."""
    return kernels()["territorial_base"](
        np.ascontiguousarray(owner), np.ascontiguousarray(capital), n_actors,
        np.ascontiguousarray(distance), np.ascontiguousarray(value, dtype=np.float64),
        kind == "exponential", float(midpoint), float(steepness),
        _norm(kind, midpoint, steepness))

def scalar_exp(x: float) -> float:
    """One value of :func:`powerbalance.detmath.exp`, compiled (for the tests)."""
    return float(kernels()["exp1"](float(x)))

