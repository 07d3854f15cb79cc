"""The numba kernels of the law of nations (:mod:`powerbalance.model.law`) for the compiled
engine; registered in :func:`powerbalance.model.compiled.kernels`, which imports this module
on the first use of the engine only (importing it imports numba).

Like :mod:`powerbalance.model.compiled_kernels`: no ``fastmath``, every floating-point
operation of the NumPy reference in its order, so the results are bit-identical.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


@jit
def enforceable_kernel(last_share: Any, alive: Any, compliance: Any, norms: Any,
                       alliance: Any, contend_ratio: float) -> Any:
    # law.enforceable, world by world. Rows r: 0 the live share, 1 + k the share bound by
    # norm k. Every sum adds its terms in increasing actor index from 0.0, as the reference's
    # product does: the world's total of each row (a zero term for the dead and the unbound),
    # and each actor's allies' total (the alliance made symmetric, an actor no ally of itself).
    batch, n = last_share.shape
    kinds = norms.shape[1]
    rows = 1 + kinds
    out = np.zeros((batch, kinds))
    x = np.empty((rows, n))
    total = np.empty(rows)
    allies = np.empty((rows, n))
    bound = np.empty((kinds, n), dtype=np.bool_)
    for b in range(batch):
        for i in range(n):
            share = last_share[b, i] if alive[b, i] else 0.0
            x[0, i] = share
            for k in range(kinds):
                bound[k, i] = (compliance[b, i] >= 1.0 - norms[b, k]) and alive[b, i]
                x[1 + k, i] = (1.0 if bound[k, i] else 0.0) * share
        for r in range(rows):
            acc = 0.0
            for i in range(n):
                acc += x[r, i]
            total[r] = acc
        allies[:, :] = 0.0
        # each pair once, both ways: actor j's allies i < j are added at the pairs (i, j),
        # which come first, then its allies i > j at the pairs (j, i), each in increasing i
        for i in range(n):
            for j in range(i + 1, n):
                if alliance[b, i, j] > 0 or alliance[b, j, i] > 0:
                    for r in range(rows):
                        allies[r, j] += x[r, i]
                        allies[r, i] += x[r, j]
        dominated = False
        for j in range(n):
            need = contend_ratio * (x[0, j] + allies[0, j]) - 1e-12
            if alive[b, j] and (total[0] - x[0, j]) - allies[0, j] < need:
                dominated = True
        if dominated:
            continue
        for k in range(kinds):
            count = 0
            punishable = 0
            for j in range(n):
                if bound[k, j]:
                    count += 1
                    need = contend_ratio * (x[0, j] + allies[0, j]) - 1e-12
                    if (total[1 + k] - x[1 + k, j]) - allies[1 + k, j] >= need:
                        punishable += 1
            if count > 0:
                out[b, k] = punishable / count
    return out


#: The kernels by name, for :func:`powerbalance.model.compiled.kernels`.
KERNELS = {"law_enforceable": enforceable_kernel}
