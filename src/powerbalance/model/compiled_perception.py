"""Kernels of the compiled engine for the per-year arrays of an
:class:`~powerbalance.model.perception.Observation` that the strategies and the war phase
read: the amphibious factor of every pair, the allies' interest in a war and every actor's
top threat. Each builds in one pass the (B, N, N) array, or its (B, N) reduction, that the
NumPy reference builds in several; each comment names the property it mirrors (the same
float32 operations in the same order, so the same bits). Registered in
:func:`powerbalance.model.compiled.kernels`, which imports this module on the first use of
the engine only (importing it imports numba).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import jit


@jit
def amphibious_kernel(adjacent: Any, land: Any, capital_mass: Any, alive: Any,
                      overseas: bool, wet_factor: Any) -> Any:
    # Observation._amphibious: wet_factor where the pair is wet, else 1, and whether any
    # pair is wet (none: every factor 1, the caller keeps no array, as without sea links).
    # Wet: adjacent & ~land, or (amphibious_overseas) not adjacent and the capitals on
    # different land masses (Observation._overseas, a dead actor's mass being -1).
    # Every index is >= 0 and read unsigned (u): no negative-index fix-up, as in
    # compiled_kernels.side_kernel.
    u = np.uint64
    b, n, _ = adjacent.shape
    out = np.empty((b, n, n), dtype=np.float32)
    one = np.float32(1.0)
    any_wet = False
    for w in range(b):
        for i in range(n):
            mi = capital_mass[u(w), u(i)] if alive[u(w), u(i)] else -1
            for j in range(n):
                if adjacent[u(w), u(i), u(j)]:
                    wet = not land[u(w), u(i), u(j)]
                elif overseas:
                    wet = mi != (capital_mass[u(w), u(j)] if alive[u(w), u(j)] else -1)
                else:
                    wet = False
                any_wet |= wet
                out[u(w), u(i), u(j)] = wet_factor if wet else one
    return out, any_wet


@jit
def willing_kernel(threat: Any, share: Any, weight: Any, rest: Any) -> Any:
    # Observation._willing_against: [b, k, e] = T / (T + s) x w + (1 - w), T the threat of
    # e to k (float32), s = float32(max(share of k, 1e-30)); 0 on the diagonal.
    b, n, _ = threat.shape
    out = np.empty((b, n, n), dtype=np.float32)
    for w in range(b):
        for k in range(n):
            s = share[w, k]
            own = np.float32(s if (s > 1e-30 or s != s) else 1e-30)
            for e in range(n):
                t = threat[w, k, e]
                stake = np.float32(t / np.float32(t + own))
                out[w, k, e] = np.float32(np.float32(stake * weight) + rest)
            out[w, k, k] = np.float32(0.0)
    return out


@jit
def top_kernel(threat: Any) -> Any:
    # Observation._top: fastops.row_max_argmax over the last axis (the first maximum).
    # Every index is >= 0 and read unsigned (u): no negative-index fix-up, as in
    # compiled_kernels.side_kernel.
    u = np.uint64
    b, n, _ = threat.shape
    level = np.empty((b, n), dtype=np.float32)
    index = np.zeros((b, n), dtype=np.int64)
    for w in range(b):
        for i in range(n):
            best = threat[w, i, 0]
            at = 0
            for j in range(1, n):
                if threat[u(w), u(i), u(j)] > best:
                    best = threat[u(w), u(i), u(j)]
                    at = j
            level[u(w), u(i)] = best
            index[u(w), u(i)] = at
    return level, index


@jit
def forces_kernel(war_target: Any, alliance: Any, fought: Any, alive: Any, military: Any,
                  honoured: Any, calls: Any, prior_weight: float, weight: float,
                  allied: bool) -> Any:
    # Observation.wars_under_way (the wars each actor takes part in: both principals of
    # every war, war_target >= 0, and, when any alliance stands, every live ally k of a
    # principal with k not the enemy, not committed to the enemy and fought[k, enemy]: the
    # same rows of force_split, counted, so exact in any order), then forces (military of
    # the live / (1 + wars)), forces_ongoing (/ max(wars, 1)), reliability ((honoured +
    # prior_weight) / (calls + weight), prior_weight = reliability_prior * weight),
    # ally_forces and _ally_forces_ongoing (x reliability): the same float64 operations.
    b, n = alive.shape
    wars = np.zeros((b, n))
    for w in range(b):
        for a in range(n):
            t = war_target[w, a]
            if t < 0:
                continue
            wars[w, a] += 1.0
            wars[w, t] += 1.0
            if not allied:
                continue
            for side in range(2):
                principal, enemy = (a, t) if side == 0 else (t, a)
                for k in range(n):
                    if (alliance[w, principal, k] > 0 and alive[w, k] and k != enemy
                            and alliance[w, k, enemy] <= 0 and fought[w, k, enemy]):
                        wars[w, k] += 1.0
    forces = np.empty((b, n))
    ongoing = np.empty((b, n))
    trust = np.empty((b, n))
    ally = np.empty((b, n))
    ally_ongoing = np.empty((b, n))
    for w in range(b):
        for a in range(n):
            m = military[w, a] if alive[w, a] else 0.0
            x = wars[w, a]
            f = m / (1.0 + x)
            g = m / (x if x > 1.0 else 1.0)
            r = (honoured[w, a] + prior_weight) / (calls[w, a] + weight)
            forces[w, a], ongoing[w, a], trust[w, a] = f, g, r
            ally[w, a], ally_ongoing[w, a] = f * r, g * r
    return wars, forces, ongoing, trust, ally, ally_ongoing


@jit
def any_set_kernel(flat: Any) -> bool:
    # state.any_set (fastops.any_nonzero): whether some element is non-zero, NaN included
    # (NaN != 0), -0.0 not; it stops at the first, where the reference's two reductions
    # read the whole array (an alliance matrix has its first alliance within a world's
    # first rows). Tested a block of 512 at a time: within a block no branch, a count the
    # compiler vectorises (an element-wise early exit reads an all-zero array at a third
    # of the speed of the reductions).
    size = len(flat)
    for start in range(0, size, 512):
        found = 0
        for q in range(start, min(start + 512, size)):
            found += flat[q] != 0
        if found:
            return True
    return False


#: The kernels of this module by name (merged into :func:`powerbalance.model.compiled.kernels`).
KERNELS = {"amphibious": amphibious_kernel, "willing": willing_kernel, "top": top_kernel,
           "forces": forces_kernel, "any_set": any_set_kernel}
