"""The numba kernels of the law of nations (:mod:`powerbalance.model.law`) for the compiled
engine; registered in :func:`powerbalance.model.compiled.kernels`, which imports this module
on the first use of the engine only (importing it imports numba).

Like :mod:`powerbalance.model.compiled_kernels`: no ``fastmath``, every floating-point
operation of the NumPy reference in its order, so the results are bit-identical.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.numba_cache import numba

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


@jit
def enforceable_kernel(last_share: Any, alive: Any, compliance: Any, norms: Any,
                       alliance: Any, contend_ratio: float) -> Any:
    # law.enforceable, world by world. Rows r: 0 the live share, 1 + k the share bound by
    # norm k. Every sum adds its terms in increasing actor index from 0.0, as the reference's
    # product does: the world's total of each row (a zero term for the dead and the unbound),
    # and each actor's allies' total (the alliance made symmetric, an actor no ally of itself).
    # Row 0 comes first: a world some actor dominates enforces nothing (0), and its bound
    # rows are not needed (each row's sums are its own, so the order of the rows changes none).
    batch, n = last_share.shape
    kinds = norms.shape[1]
    rows = 1 + kinds
    out = np.zeros((batch, kinds))
    x = np.empty((rows, n))
    total = np.empty(rows)
    allies = np.empty((rows, n))
    bound = np.empty((kinds, n), dtype=np.bool_)
    for b in range(batch):
        acc = 0.0
        for i in range(n):
            share = last_share[b, i] if alive[b, i] else 0.0
            x[0, i] = share
            acc += share
        total[0] = acc
        for i in range(n):
            allies[0, i] = 0.0
        # each pair once, both ways: actor j's allies i < j are added at the pairs (i, j),
        # which come first, then its allies i > j at the pairs (j, i), each in increasing i
        for i in range(n):
            for j in range(i + 1, n):
                if alliance[b, i, j] > 0 or alliance[b, j, i] > 0:
                    allies[0, j] += x[0, i]
                    allies[0, i] += x[0, j]
        dominated = False
        for j in range(n):
            need = contend_ratio * (x[0, j] + allies[0, j]) - 1e-12
            if alive[b, j] and (total[0] - x[0, j]) - allies[0, j] < need:
                dominated = True
                break
        if dominated:
            continue
        for i in range(n):
            share = x[0, i]
            for k in range(kinds):
                bound[k, i] = (compliance[b, i] >= 1.0 - norms[b, k]) and alive[b, i]
                x[1 + k, i] = (1.0 if bound[k, i] else 0.0) * share
        for r in range(1, rows):
            acc = 0.0
            for i in range(n):
                acc += x[r, i]
            total[r] = acc
            for i in range(n):
                allies[r, i] = 0.0
        for i in range(n):
            for j in range(i + 1, n):
                if alliance[b, i, j] > 0 or alliance[b, j, i] > 0:
                    for r in range(1, rows):
                        allies[r, j] += x[r, i]
                        allies[r, i] += x[r, j]
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


#: The most terms :func:`_pairwise` adds as numpy does (numpy halves longer rows, a
#: recursion numba's cache does not keep safely): beyond it the NumPy code runs.
PAIRWISE_MAX = 128


@jit
def _pairwise(a: Any, n: int) -> float:
    # numpy's pairwise summation of a[:n], n <= PAIRWISE_MAX (np.add.reduce along a
    # contiguous row): one by one from 0.0 below 8 terms, else eight partial sums
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
    r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
    m = n - n % 8
    i = 8
    while i < m:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return res


@jit
def coalition_kernel(last_share: Any, alive: Any, alliance: Any, compliance: Any,
                     concert: Any, has_concert: bool, b: Any, violator: Any, strength: Any,
                     norm: Any, has_norm: bool, contend_ratio: float, free_riding: bool,
                     policing: bool, intervention: bool) -> Any:
    # law.coalition (with law.concert_acts), violation by violation, for at most
    # PAIRWISE_MAX actors; its sums over actors are numpy's pairwise sums of the masked row
    # (_pairwise), its cumulative sum one by one
    k, n = len(b), last_share.shape[1]
    members = np.zeros((k, n), dtype=np.bool_)
    unpunishable = np.zeros(k, dtype=np.bool_)
    row = np.empty(n)
    strength_of = np.empty(n)
    possible = np.empty(n, dtype=np.bool_)
    joint = np.empty(n, dtype=np.bool_)
    willing = np.empty(n, dtype=np.bool_)
    key = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    for q in range(k):
        w, v = b[q], violator[q]
        acts = False
        if has_concert:
            is_member = concert[w, v]
            if policing and is_member:
                acts = True
            if intervention and not is_member and (not has_norm or norm[q] == 0):
                acts = True
        for i in range(n):
            possible[i] = alive[w, i] and i != v
            joint[i] = acts and concert[w, i] and alive[w, i] and i != v and possible[i]
            allied = (alliance[w, v, i] > 0 or alliance[w, i, v] > 0) and not joint[i]
            possible[i] = possible[i] and not allied
            row[i] = last_share[w, i] if allied and alive[w, i] else 0.0
        side = last_share[w, v] + _pairwise(row, n)
        need = contend_ratio * side
        for i in range(n):
            row[i] = last_share[w, i] if possible[i] else 0.0
        unpunishable[q] = _pairwise(row, n) < need
        for i in range(n):
            willing[i] = (possible[i] and compliance[w, i] >= 1.0 - strength[q]) or joint[i]
            strength_of[i] = last_share[w, i] if willing[i] else 0.0
        if not _pairwise(strength_of, n) >= need:
            continue
        for i in range(n):
            members[q, i] = willing[i]
        if not free_riding:
            continue
        # the most compliant first (a stable sort of -compliance; the unwilling last)
        for i in range(n):
            key[i] = -(compliance[w, i] if willing[i] else -1.0)
            p = i
            while p > 0 and key[order[p - 1]] > key[i]:
                order[p] = order[p - 1]
                p -= 1
            order[p] = i
        total = 0.0
        for p in range(n):
            o = strength_of[order[p]]
            total += o
            joins = (total - o < need) or p == 0
            members[q, order[p]] = members[q, order[p]] and (joins or joint[order[p]])
    return members, unpunishable


#: The kernels by name, for :func:`powerbalance.model.compiled.kernels`.
KERNELS = {"law_enforceable": enforceable_kernel, "law_coalition": coalition_kernel}
