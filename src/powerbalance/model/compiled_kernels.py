"""The numba kernels of the compiled engine (see :mod:`powerbalance.model.compiled`, which
imports this module on the first use of the engine only: importing it imports numba).

Every kernel is a plain module-level function compiled with ``cache=True`` (machine code
kept in the per-user folder of :mod:`powerbalance.model.numba_cache`), without
``fastmath``: the floating-point operations and their order are the NumPy reference's, so
results are bit-identical.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance import detmath, rng
from powerbalance.model.numba_cache import numba

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
ln2_hi, ln2_lo, inv_ln2 = detmath._LN2_HI, detmath._LN2_LO, detmath._INV_LN2
c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13 = (float(c)
                                                              for c in detmath._EXP_COEF)


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
                   own_rate: Any, shock: Any, base: Any, mobilisation: Any, floor: Any,
                   guns_butter: float, growth_noise: float, keep: float,
                   rescale_above: float, base_spend: float) -> Any:
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
            bought = spend[w, i] * wl
            mob = mobilisation[i]
            if mob != 1.0:   # economy.mobilised: the base effort converts at mob
                sp = spend[w, i]
                if not (sp < base_spend or sp != sp):   # np.minimum: NaN propagates
                    sp = base_spend
                bought = bought + (mob - 1.0) * (sp * wl)
            m = keep * military[w, i] + bought
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
    acc = np.zeros((n, n) if want_frontier else (0, 0))
    seen_at = np.full(n, -1, dtype=np.int64)
    touched = np.empty(len(in_links) if want_frontier else 0, dtype=np.int64)
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
            frontier_row(row, in_links, link_src, link_dst, value, n, acc, seen_at, touched, front,
                         x)
    return adj, land, front

#: :func:`frontier_row` reads back only the touched cells where n * n exceeds this many
#: times the links.
SPARSE_FRONTIER = 8


@jit
def frontier_row(row: Any, in_links: Any, link_src: Any, link_dst: Any, value: Any, n: int,
                 acc: Any, seen_at: Any, touched: Any, front: Any, x: int) -> None:
    # derived.borders' frontier stakes of one world (its owners ``row``) into front[x], for
    # borders_kernel and compiled_war.burial_kernel; ``acc`` (N, N), all 0.0 at the first
    # call and left so where ``sparse`` (below), ``seen_at`` (N,) and ``touched`` (one place
    # per link) the caller's scratch.
    # Called once a world, a plain call costs no more than inline="always" (arena
    # interstate's burial, 10,000 worlds: 20.8-21.6 ms either way).
    # Links grouped by end province q (increasing): each claimant counts a province once,
    # and the stakes add provinces in increasing order from 0.0 (as np.bincount does).
    # Where the (N, N) scratch is large against the links (n * n > SPARSE_FRONTIER links,
    # the same choice at every call of a kernel), only the cells a link adds to are read
    # back and reset (the others are 0.0): the pass costs the links and one (N, N) float32
    # fill, not three passes over an (N, N) float64. Otherwise the scratch is zeroed first
    # and read back whole (faster on a small one: 10,000 worlds of 7 actors).
    # An index is read unsigned (u) where it is >= 0 (a link, a province, an owner once
    # tested): no negative-index fix-up, as in side_kernel.
    u = np.uint64
    seen_at[:] = -1
    sparse = n * n > SPARSE_FRONTIER * len(in_links)
    if not sparse:
        acc[:, :] = 0.0
    t = 0
    for k in range(len(in_links)):
        lk = in_links[k]
        q = link_dst[u(lk)]
        c = row[u(link_src[u(lk)])]
        o = row[u(q)]
        if c != o and c >= 0 and o >= 0 and seen_at[u(c)] != q:
            seen_at[u(c)] = q
            acc[u(c), u(o)] += value[u(q)]
            if sparse:
                touched[t] = c * n + o
                t += 1
    if not sparse:
        for i in range(n):
            for j in range(n):
                front[x, i, j] = np.float32(acc[i, j])
        return
    out = front[x]
    out[:, :] = np.float32(0.0)
    flat_out, flat_acc = out.reshape(-1), acc.reshape(-1)
    for k in range(t):
        flat_out[touched[k]] = np.float32(flat_acc[touched[k]])
    for k in range(t):
        flat_acc[touched[k]] = 0.0


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

@jit
def side_kernel(b: Any, j: Any, e: Any, n: int, offence: bool, memo: Any, forces: Any,
                ally_forces: Any, reach: Any, amphibious: Any, has_amphibious: bool,
                allied: bool, alliance: Any, ally_ptr: Any, ally_cells: Any, ally_bond: Any,
                willing: Any, join_offence: Any, pact_offence: Any, deter: bool,
                executor: Any) -> Any:
    # perception.Observation._side (its memo) and _side_of (the value), fused: per query,
    # the memoised value, computed on a miss. Flat (B*N,) and (B*N*N,) arrays; the
    # factors multiply left to right as in _side_of, and the allies' help adds up in
    # increasing ally index from 0.0 (np.bincount's order) before joining j's own forces.
    # The live allies of (b, j) are Observation._allies_of's CSR row b * N + j.
    # deter (concert_deterrence, a defence): Observation._with_concert, the help of the
    # executor the mandate would send against e (executor, -1: none, and for e in the
    # concert), when neither j nor e, added to j's own forces before the allies; the
    # executor as an ally of j then adds 0.
    # Every index is >= 0 and is read as unsigned (u): numba then adds no negative-index
    # fix-up per read, which held the arrays' lengths in registers and spilled the rest
    # (0.69x the time of signed reads on a 10,000-world year); an ally's index k is its cell
    # less its row's first (the CSR cells are the flat [b, j, k]), not a division.
    u = np.uint64
    out = np.empty(len(b))
    for q in range(len(b)):
        wb, wj, we = b[q], j[q], e[q]
        key = (wb * n + wj) * n + we
        if memo[u(key)] == memo[u(key)]:      # not NaN: computed already this year
            out[q] = memo[u(key)]
            continue
        front = we if offence else wj
        own = forces[u(wb * n + wj)]
        if offence:
            cell = (wb * n + wj) * n + we
            amph = np.float64(amphibious[u(cell)]) if has_amphibious else 1.0
            own = own * np.float64(reach[u(cell)]) * amph
        sent = executor[u(wb * n + we)] if deter else -1
        if sent >= 0 and sent != wj and sent != we:
            own = own + (ally_forces[u(wb * n + sent)]
                         * np.float64(reach[u((wb * n + sent) * n + wj)])
                         * np.float64(willing[u((wb * n + sent) * n + we)]))
        if allied:
            total = 0.0
            row = wb * n + wj
            for at in range(ally_ptr[u(row)], ally_ptr[u(row + 1)]):
                k = ally_cells[u(at)] - row * n
                bond = ally_bond[u(at)]
                to_front = (wb * n + k) * n + front
                against = (wb * n + k) * n + we
                ally = (bond * ally_forces[u(wb * n + k)]
                        * np.float64(reach[u(to_front)]) * np.float64(willing[u(against)]))
                if offence:
                    # An attacker's ally comes as far as its offensive obligation and
                    # crosses the sea; a defender's ally lands on a friendly coast.
                    amph = np.float64(amphibious[u(to_front)]) if has_amphibious else 1.0
                    pact = np.float64(pact_offence[u((wb * n + k) * n + wj)])
                    ally *= max(join_offence[u(wb * n + k)], pact) * amph
                # An ally committed to e as well stays out of the war.
                ally *= 1.0 if alliance[u(against)] <= 0 else 0.0
                if k == sent:
                    ally *= 0.0
                total += ally
            own = own + total
        memo[u(key)] = own
        out[q] = own
    return out

GOLDEN, M1, M2 = rng._GOLDEN, rng._M1, rng._M2
S30, S27, S31, S16, MASK16 = (np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(16),
                              np.uint64(0xFFFF))
S32, S48 = np.uint64(32), np.uint64(48)


@jit
def splitmix(x: Any) -> Any:
    # rng._mix: SplitMix64's finaliser (uint64 arithmetic wraps as NumPy's does).
    x ^= x >> S30
    x *= M1
    x ^= x >> S27
    x *= M2
    x ^= x >> S31
    return x


#: Fewest actors for which :func:`observation_kernel` works row by row (fewer: one loop).
ROW_OBSERVATION = 32


@jit
def _observation_fused(keys: Any, base: Any, table: Any, noisy: bool, share: Any,
                       reach: Any, alliance: Any, allied: bool, hostility: Any,
                       hostile: bool, hostility_weight: Any, rising: Any,
                       trending: bool) -> Any:
    # observation_kernel for few actors (n < ROW_OBSERVATION): one loop over every cell
    # with every factor (rows of a few cells run faster this way: 10,000 worlds of 7).
    b, n = share.shape
    one = np.float32(1.0)
    noise = np.empty((b, n, n), dtype=np.float32)
    perceived = np.empty((b, n, n), dtype=np.float32)
    threat = np.empty((b, n, n), dtype=np.float32)
    for w in range(b):
        key = keys[w]
        bits = np.uint64(0)
        for i in range(n):
            for jj in range(n):
                m = i * n + jj
                if noisy:
                    if m & 3 == 0:
                        bits = splitmix(key + (np.uint64(m >> 2) + base) * GOLDEN)
                    else:
                        bits = bits >> S16
                    x = table[np.int64(bits & MASK16)]
                else:
                    x = one
                if i == jj:
                    x = one
                noise[w, i, jj] = x
                p = x * np.float32(share[w, jj])
                perceived[w, i, jj] = p
                t = p * reach[w, i, jj]
                if allied:
                    t *= one - alliance[w, i, jj]
                if hostile:
                    t *= hostility[w, i, jj] * hostility_weight + one
                if trending:
                    t *= rising[w, jj]
                if i == jj:
                    t = np.float32(0.0)
                threat[w, i, jj] = t
    return noise, perceived, threat


@jit
def observation_kernel(keys: Any, base: Any, table: Any, noisy: bool, share: Any,
                       reach: Any, alliance: Any, allied: bool, hostility: Any,
                       hostile: bool, hostility_weight: Any, rising: Any,
                       trending: bool) -> Any:
    # perception.Observation.__init__, fused: the estimation errors (rng.from_table of the
    # PERCEPTION stream, 16 bits per draw, four draws per 64-bit word, self-knowledge
    # exact), the perceived capabilities and the threats, each factor applied in float32
    # in the reference's order: perceived * reach * (1 - alliance)
    # * (hostility * weight + 1) * rising, the diagonal 0.
    # A world's errors are drawn first, word by word (one hash per four cells, no test of
    # the cell's place in its word), then each row's factors are applied one loop each
    # (loops without branches, which the compiler vectorises): every cell gets the same
    # float32 operations in the same order as one loop over all factors would give it.
    # With fewer than ROW_OBSERVATION actors, _observation_fused's single loop (faster on
    # short rows), and no top threats (empty arrays: Observation._top's own kernel).
    # Else each row's top threat too (perception.Observation._top, as
    # compiled_perception.top_kernel finds it: the first maximum), read while the row is
    # in the cache instead of in a second pass over the whole threat array.
    b, n = share.shape
    if n < ROW_OBSERVATION:
        noise, perceived, threat = _observation_fused(
            keys, base, table, noisy, share, reach, alliance, allied, hostility, hostile,
            hostility_weight, rising, trending)
        return (noise, perceived, threat, np.empty((0, 0), dtype=np.float32),
                np.empty((0, 0), dtype=np.int64))
    one = np.float32(1.0)
    noise = np.empty((b, n, n), dtype=np.float32)
    perceived = np.empty((b, n, n), dtype=np.float32)
    threat = np.empty((b, n, n), dtype=np.float32)
    level = np.empty((b, n), dtype=np.float32)
    index = np.empty((b, n), dtype=np.int64)
    own = np.empty(n, dtype=np.float32)
    cells = n * n
    for w in range(b):
        key = keys[w]
        for jj in range(n):
            own[jj] = np.float32(share[w, jj])
        flat = noise[w].reshape(-1)
        if noisy:
            for q in range((cells + 3) >> 2):
                bits = splitmix(key + (np.uint64(q) + base) * GOLDEN)
                m = q << 2
                if m + 4 <= cells:
                    flat[m] = table[np.int64(bits & MASK16)]
                    flat[m + 1] = table[np.int64((bits >> S16) & MASK16)]
                    flat[m + 2] = table[np.int64((bits >> S32) & MASK16)]
                    flat[m + 3] = table[np.int64((bits >> S48) & MASK16)]
                else:
                    for s in range(cells - m):
                        flat[m + s] = table[np.int64(bits & MASK16)]
                        bits = bits >> S16
        else:
            flat[:] = one
        for i in range(n):
            noise[w, i, i] = one
            nrow, prow, trow, rrow = noise[w, i], perceived[w, i], threat[w, i], reach[w, i]
            for jj in range(n):
                p = nrow[jj] * own[jj]
                prow[jj] = p
                trow[jj] = p * rrow[jj]
            if allied:
                arow = alliance[w, i]
                for jj in range(n):
                    trow[jj] *= one - arow[jj]
            if hostile:
                hrow = hostility[w, i]
                for jj in range(n):
                    trow[jj] *= hrow[jj] * hostility_weight + one
            if trending:
                rrise = rising[w]
                for jj in range(n):
                    trow[jj] *= rrise[jj]
            trow[i] = np.float32(0.0)
            best = trow[0]
            at = 0
            for jj in range(1, n):
                if trow[jj] > best:
                    best = trow[jj]
                    at = jj
            level[w, i] = best
            index[w, i] = at
    return noise, perceived, threat, level, index


@jit
def uniform_at_kernel(keys: Any, base: Any, elements: Any) -> Any:
    # rng.uniform_at: element e of a world's stream is the low (e even) or high (e odd)
    # 32 bits of the hash of counter base + e // 2, mapped to (halves + 0.5) / 2**32.
    out = np.empty(len(elements))
    scale = 1.0 / 2**32
    for r in range(len(elements)):
        e = elements[r]
        word = splitmix(keys[r] + (np.uint64(e >> 1) + base) * GOLDEN)
        half = word >> np.uint64(32) if e & 1 else word & np.uint64(0xFFFFFFFF)
        out[r] = (np.float64(half) + 0.5) * scale
    return out


@jit
def offers_kernel(alive: Any, offer: Any, accept: Any, leave: Any, top_threat: Any,
                  alliance: Any, share: Any, accept_ratio: Any) -> Any:
    # diplomacy.diplomacy's offers: the live actors (w, i) with an offer (offer >= 0), in C
    # order (nonzero's), and of those the accepted ones, j = offer[w, i]: alive[w, j], j
    # not i, accept[w, j], not leave[w, j], top_threat[w, j] not i, alliance[w, i, j] <= 0
    # and share[w, i] >= accept_ratio[w, j] * share[w, j] (the same float64 product and
    # comparison). (B, N) arrays of any layout, alliance (B, N, N).
    b_, n = alive.shape
    size = 0
    for w in range(b_):
        for x in range(n):
            if alive[w, x] and offer[w, x] >= 0:
                size += 1
    ob = np.empty(size, dtype=np.int64)
    oi = np.empty(size, dtype=np.int64)
    oj = np.empty(size, dtype=np.int64)
    m = 0
    for w in range(b_):
        for x in range(n):
            if not (alive[w, x] and offer[w, x] >= 0):
                continue
            j = offer[w, x]
            if (alive[w, j] and j != x and accept[w, j] and not leave[w, j]
                    and top_threat[w, j] != x and alliance[w, x, j] <= 0
                    and share[w, x] >= accept_ratio[w, j] * share[w, j]):
                ob[m], oi[m], oj[m] = w, x, j
                m += 1
    return ob[:m], oi[:m], oj[:m]


@jit
def passed_kernel(bw: Any, actor: Any, n: int, alliance: Any, aim: Any, top_threat: Any,
                  threat: Any, share: Any, balance_exit: float) -> Any:
    # diplomacy._passed: for each alliance (in row order, then ally index) of the actors
    # (bw, actor), whether the threat it was formed against (its aim, else the actor's top
    # threat) has passed: it no longer threatens the actor by balance_exit times the
    # actor's share, nor the ally by balance_exit times the ally's (held()). Indices are
    # read unsigned (u: all are >= 0), as in side_kernel.
    # Each row is scanned without a branch per cell: the count as a sum (vectorised), then
    # the row's allies gathered into ``allies`` (the place advances only at an ally), and
    # only those are tested: with 100 actors a row holds a few dozen allies, and a branch
    # per cell, taken at random, cost more than the tests (1.5-2x the time).
    u = np.uint64
    size = 0
    for r in range(len(bw)):
        base = (bw[r] * n + actor[r]) * n
        c = 0
        for j in range(n):
            c += alliance[u(base + j)] > 0
        size += c
    ob = np.empty(size, dtype=np.int64)
    oi = np.empty(size, dtype=np.int64)
    oj = np.empty(size, dtype=np.int64)
    allies = np.empty(n + 1, dtype=np.int64)
    m = 0
    for r in range(len(bw)):
        w, x = bw[r], actor[r]
        row = w * n + x
        c = 0
        for j in range(n):
            allies[u(c)] = j
            c += alliance[u(row * n + j)] > 0
        for q in range(c):
            j = allies[u(q)]
            t = np.int64(aim[u(row * n + j)])
            if t < 0:
                t = top_threat[u(row)]
            if t >= 0:   # held(b, x, T), then held(b, j, T): a dead T threatens nobody
                value = threat[u(row * n + t)]
                if value >= np.float32(balance_exit * share[u(row)]) and value > 0:
                    continue
                value = threat[u((w * n + j) * n + t)]
                if value >= np.float32(balance_exit * share[u(w * n + j)]) and value > 0:
                    continue
            ob[m], oi[m], oj[m] = w, x, j
            m += 1
    return ob[:m], oi[:m], oj[:m]
