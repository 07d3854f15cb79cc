"""numba kernels of the exact Shapley-Shubik counts (see
:func:`powerbalance.analysis.voting.pivot_counts`, which imports this module on first use
only: importing it imports numba).

The counts are those of the NumPy reference ``voting._size_weight_windows``: the
coefficients of ``prod_j (1 + y x^{w_j})`` by size and weight below the quota (Mann &
Shapley 1962), modulo each prime, by the same shift-adds; the same alternating series of
prefix sums reads the coalitions of "everyone but ``i``" (Uno 2012). Only the loops differ:
one prime at a time (a table of one prime stays in cache), each shift-add reduced in the
loop, and primes below ``2^63`` (a sum of two residues fits in 64 bits; the prefix sums are
reduced as they are taken), so fewer primes are needed. The integers rebuilt from the
residues by the Chinese remainder theorem are the exact counts, whatever the primes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from powerbalance.model.numba_cache import numba

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


@jit
def size_weight_windows_kernel(asc: npt.NDArray[np.int64], q: int, rows: int,
                               primes: npt.NDArray[np.uint64],
                               distinct: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """``out[d, s, j]``: modulo ``primes[j]``, the number of coalitions of size ``s``
    (``s < rows``) of the players other than one of weight ``distinct[d] > 0`` whose
    weight lies in ``[q - distinct[d], q - 1]``; ``asc`` are all the weights, ascending."""
    n_primes = primes.shape[0]
    out = np.zeros((distinct.shape[0], rows, n_primes), dtype=np.uint64)
    table = np.empty((rows, q), dtype=np.uint64)
    lo = np.empty(rows, dtype=np.int64)
    hi = np.empty(rows, dtype=np.int64)
    pref = np.empty((q + 1, rows), dtype=np.uint64)
    total = np.empty(rows, dtype=np.uint64)
    for j in range(n_primes):
        p = primes[j]
        table[:, :] = 0
        table[0, 0] = 1
        lo[:] = q
        hi[:] = 0
        lo[0] = 0
        hi[0] = 1
        used = 0
        for w in asc:
            used += 1
            for s in range(min(used, rows - 1), 0, -1):
                a = lo[s - 1]
                b = min(hi[s - 1], q - w)
                if a >= b:
                    continue
                dst = table[s, a + w : b + w]
                src = table[s - 1, a:b]
                for k in range(b - a):
                    v = dst[k] + src[k]
                    dst[k] = min(v, v - p)  # v - p wraps above v when v < p
                lo[s] = min(lo[s], a + w)
                hi[s] = max(hi[s], b + w)
        # prefix sums along weight, by weight then size: pref[k, s] = sum of the
        # coefficients of size s and weight below k (so the series below reads rows)
        pref[0, :] = 0
        for s in range(rows):
            row = table[s]
            acc = np.uint64(0)
            for k in range(q):
                v = acc + row[k]
                acc = min(v, v - p)
                pref[k + 1, s] = acc
        for d in range(distinct.shape[0]):
            w = distinct[d]
            total[:] = 0
            i = 0
            top = q
            while top > 0 and i < rows:
                # (-1)^i times the window [top - w, top) of the rows i below
                high = pref[top]
                low = pref[max(0, top - w)]
                for s in range(i, rows):
                    diff = high[s - i] + (p - low[s - i])
                    diff = min(diff, diff - p)
                    v = total[s] + (diff if i % 2 == 0 else p - diff)
                    total[s] = min(v, v - p)
                i += 1
                top -= w
            out[d, :, j] = total
    return out
