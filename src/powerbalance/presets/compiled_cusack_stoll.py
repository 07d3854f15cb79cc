"""The numba kernel of the Cusack-Stoll preset's compiled engine
(:func:`powerbalance.presets.cusack_stoll.simulate` with ``engine="compiled"``).

The NumPy functions of :mod:`powerbalance.presets.cusack_stoll` (``step``, ``_coalition``,
``_draws``, ``victory``, ``_grow_and_die``) are the specification; this kernel runs the
same turns world by world and gives the same bits (tests/presets/test_cusack_stoll_compiled.py
compares every recorded array):

- the random numbers are the reference's, hashed from the same counters in the kernel:
  word ``j`` of a world's turn ``t`` is SplitMix64 of ``key + (start + j) * GOLDEN`` with
  ``start`` the counter of :func:`powerbalance.rng._bits` for (turn, stream 202), as
  :func:`powerbalance.model.compiled_kernels.uniform_at_kernel` does; only the words a turn
  uses are hashed (the draws are counter-based, so skipping one moves no other);
- every floating-point expression keeps the reference's operations and their order (no
  ``fastmath``, so no reassociation and no fused multiply-add); a row sum (``.sum(axis=1)``)
  adds its terms as NumPy's pairwise summation does (:func:`pairwise_sum`), a cumulative
  sum in index order from the first term; terms of +0.0 (dead states, states outside a
  side) are left out of sequential sums, where adding them changes no bit;
- the victory function's exponential and logarithm are :mod:`powerbalance.detmath`'s
  (:func:`powerbalance.model.compiled_kernels.exp1`,
  :func:`powerbalance.model.compiled_war.log1`).

numba is imported (through :mod:`powerbalance.model.numba_cache`) only when this module is;
:mod:`powerbalance.presets.cusack_stoll` imports it on the first compiled run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance import rng
from powerbalance.model.compiled_kernels import exp1, splitmix
from powerbalance.model.compiled_war import log1
from powerbalance.model.numba_cache import numba


def _private_options() -> dict[str, bool]:
    """``{"_nrt": False}`` where this numba's CPU target knows the option, else ``{}``.

    The kernel and its helpers run without numba's reference counting (``_nrt=False``):
    every array they use is made by the caller and passed in, and a helper that takes
    arrays otherwise costs an atomic increment and decrement of each array's count per
    call, which took a quarter to a third of the kernel's time (perf, 100 worlds x 500
    turns). ``_nrt`` is a private numba option (not in numba's documentation; its typing
    stubs do not list it, hence the ignores below); a release without it would reject it
    at the first call, so it is passed only where it is known. Without it the kernel gives
    the same bits, about a quarter slower.
    """
    try:
        from numba.core.cpu import CPUTargetOptions
    except ImportError:
        return {}
    return {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}


#: The helpers are inlined in numba's IR (``inline="always"``).
jit = numba.njit(cache=True, nogil=True, fastmath=False,  # type: ignore[call-overload]
                 error_model="numpy", **_private_options())
helper = numba.njit(cache=True, nogil=True, fastmath=False,  # type: ignore[call-overload]
                    error_model="numpy", inline="always", **_private_options())
GOLDEN = rng._GOLDEN
MASK16, MASK32, S32, S44 = (np.uint64(0xFFFF), np.uint64(0xFFFFFFFF), np.uint64(32),
                            np.uint64(44))

#: Readings of the Versailles rule, as codes of the kernel (cusack_stoll.VERSAILLES_TRANSFERS).
VICTORY_PROBABILITY, WHOLE, LOSER_PROBABILITY = 0, 1, 2


@helper
def _block_sum(a: Any, lo: int, n: int) -> float:
    # pairwise_sum's leaves (n <= 128 terms): under 8 terms in order, else eight
    # interleaved accumulators combined ((0+1)+(2+3))+((4+5)+(6+7)), then the remainder
    # in order.
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@helper
def pairwise_sum(a: Any, lo: int, n: int, frames: Any, left: Any) -> float:
    # NumPy's pairwise summation of a[lo:lo + n] (pairwise_sum_DOUBLE, the inner loop of
    # np.add.reduce over a contiguous axis): up to 128 terms _block_sum; above that the two
    # halves (the first a multiple of 8 long) summed apart and added. The recursion is
    # unrolled on a stack of frames (numba's cache does not load recursive functions):
    # frames (3, depth) int64 holds each frame's start, length and stage, left (depth)
    # the sum of its left half.
    if n <= 128:
        return _block_sum(a, lo, n)
    los, ns, stage = frames[0], frames[1], frames[2]
    top = 0
    los[0], ns[0], stage[0] = lo, n, 0
    ret = 0.0
    while True:
        f_lo, f_n = los[top], ns[top]
        if f_n <= 128:  # a leaf: its sum goes to the frame below
            ret = _block_sum(a, f_lo, f_n)
            top -= 1
            if top < 0:
                return ret
            continue
        n2 = f_n // 2
        n2 -= n2 % 8
        if stage[top] == 0:  # first the left half
            stage[top] = 1
            top += 1
            los[top], ns[top], stage[top] = f_lo, n2, 0
        elif stage[top] == 1:  # its sum kept, then the right half
            left[top] = ret
            stage[top] = 2
            top += 1
            los[top], ns[top], stage[top] = f_lo + n2, f_n - n2, 0
        else:  # both halves done
            ret = left[top] + ret
            top -= 1
            if top < 0:
                return ret


@helper
def _word(key: Any, base: Any, j: int) -> Any:
    # word j of the turn's draw (rng._bits: the Weyl step, then SplitMix64's finaliser)
    return splitmix(key + (base + np.uint64(j)) * GOLDEN)


@helper
def _normal(key: Any, base: Any, table: Any, i: int) -> float:
    # normal i of the turn (cusack_stoll._draws: 16-bit field i % 4 of word 1 + i // 4,
    # lowest bits first, looked up in rng._NORMAL_TABLE)
    word = _word(key, base, 1 + (i >> 2))
    return table[np.int64((word >> np.uint64(16 * (i & 3))) & MASK16)]


@helper
def _side_sum(tmp: Any, power: Any, members: Any, count: int, n: int, frames: Any,
              left: Any) -> float:
    # (power * side).sum(axis=1) of one world: the members' powers at their places in a
    # row of zeros, summed pairwise as NumPy does, then the row set back to zeros.
    for q in range(count):
        tmp[members[q]] = power[members[q]]
    total = 0.0 + pairwise_sum(tmp, 0, n, frames, left)
    for q in range(count):
        tmp[members[q]] = 0.0
    return total


@helper
def _coalition(key: Any, base: Any, table: Any, noise: float, power: Any, order: Any,
               count: int, skip: Any, own: float, opponent: float, first_self: int,
               first_other: int, lead_self: float, lead_other: float, out: Any,
               flag: Any) -> int:
    # cusack_stoll._coalition for one world: the candidates order[:count] in ascending
    # power (ties by index), those with skip set left out (their rank goes to the next);
    # invitee of rank k joins when (own + the powers of ranks 0..k) * e_self[k] >
    # opponent * e_other[k] (e = 1 + noise * z, z normals first_self + k, first_other + k);
    # the inviter stops at the first rank where own + the joined powers, times lead_self,
    # beats opponent * lead_other. The members go to out (rank order) and flag; their count
    # is returned.
    c = 0.0
    joined = 0.0
    k = 0
    found = 0
    threat = opponent * lead_other
    for q in range(count):
        x = order[q]
        if skip[x]:
            continue
        sp = power[x]
        c += sp
        prefix = own + c
        e_self = 1.0 + noise * _normal(key, base, table, first_self + k)
        e_other = 1.0 + noise * _normal(key, base, table, first_other + k)
        if prefix * e_self > opponent * e_other:
            joined += sp
            out[found] = x
            flag[x] = True
            found += 1
        k += 1
        if (own + joined) * lead_self > threat:
            break
    return found


@jit
def run_kernel(keys: Any, stream: Any, table: Any, first_turn: int, last_turn: int,
               noise: float, exponent: int, width: float, cost_share: float, reparations: float,
               versailles: bool, transfer: int, growth_location: float,
               growth_scale: float, growth_min: float, growth_max: float,
               death_power: float, record_joined: bool, power: Any, alive: Any, adj: Any,
               live: Any, n_live: Any, out_power: Any, out_alive: Any, protagonist: Any,
               target_out: Any, won_out: Any, size_out: Any, death_turn: Any,
               conqueror: Any, joined: Any, n_joined: int, start_world: int,
               start_turn: int, scratch_f: Any, scratch_i: Any, scratch_b: Any,
               frames: Any, left: Any) -> Any:
    # cusack_stoll.step for turns first_turn + 1 .. last_turn of every world, world by
    # world (stream: the preset's stream in the counter layout, (stream & 0xFF) << 36),
    # recording as cusack_stoll.simulate does. power, alive, adj (the state), live
    # and n_live (each world's live states in index order) are updated in place. Joined
    # helpers are appended to joined from row n_joined in order of world, turn, helper.
    # The run starts at world start_world's turn start_turn + 1 (a resumed call) and stops
    # before a turn that could overflow joined (n more rows): returns (n_joined, the world
    # and turn to resume from; world b when every world is done). scratch_f (n) zeros,
    # scratch_i (5, n + 1), scratch_b (3, n) False, frames (3, 64), left (64): the
    # caller's scratch, left as it was given.
    b, n = power.shape
    scale = 1.0 / 2**32
    tmp = scratch_f  # a row of zeros between uses
    cand, defenders, attackers = scratch_i[0], scratch_i[1], scratch_i[2]
    helpers, died = scratch_i[3], scratch_i[4]
    in_def, in_att, inherit = scratch_b[0], scratch_b[1], scratch_b[2]  # all False
    capacity = joined.shape[0]
    for w in range(start_world, b):
        key = keys[w]
        pw = power[w]
        al = alive[w]
        ad = adj[w]
        lv = live[w]
        nl = n_live[w]
        for t in range((start_turn if w == start_world else first_turn) + 1, last_turn + 1):
            if record_joined and n_joined + n > capacity:  # the caller grows joined
                n_live[w] = nl
                return n_joined, w, t - 1
            base = (np.uint64(t & 0xFFFFF) << S44) | stream  # rng._start(t, stream, .., 0)
            w0 = _word(key, base, 0)
            u0 = (np.float64(w0 & MASK32) + 0.5) * scale
            u1 = (np.float64(w0 >> S32) + 0.5) * scale
            # 1. protagonist: the first state whose cumulative power exceeds u0 * total
            total = 0.0
            for q in range(nl):
                total += pw[lv[q]]
            threshold = u0 * total
            pick = 0
            c = 0.0
            for q in range(nl):
                c += pw[lv[q]]
                if c > threshold:
                    pick = lv[q]
                    break
            # 2. the weakest neighbour (the first of equals; state 0 without neighbours)
            target = 0
            best = np.inf
            n_cand = 0
            for j in range(n):
                if ad[pick, j]:
                    cand[n_cand] = j
                    n_cand += 1
                    if pw[j] < best:
                        best = pw[j]
                        target = j
            p_pow, t_pow = pw[pick], pw[target]
            w1 = _word(key, base, 1)
            e0 = 1.0 + noise * table[np.int64(w1 & MASK16)]
            e1 = 1.0 + noise * table[np.int64((w1 >> np.uint64(16)) & MASK16)]
            war = ad[pick, target] and p_pow * e0 > t_pow * e1
            protagonist[t - 1, w] = pick
            target_out[t - 1, w] = target if war else -1
            won = False
            winner = target
            n_def = 0
            n_att = 0
            if war:
                # the other neighbours in ascending power, ties by index (a stable sort)
                k = 0
                for q in range(n_cand):
                    if cand[q] != target:
                        x = cand[q]
                        v = pw[x]
                        r = k - 1
                        while r >= 0 and pw[cand[r]] > v:
                            cand[r + 1] = cand[r]
                            r -= 1
                        cand[r + 1] = x
                        k += 1
                n_cand = k
                # 3. the target's coalition, then the protagonist's among the rest
                e2 = 1.0 + noise * table[np.int64((w1 >> np.uint64(32)) & MASK16)]
                e3 = 1.0 + noise * table[np.int64((w1 >> np.uint64(48)) & MASK16)]
                n_def = _coalition(key, base, table, noise, pw, cand, n_cand, in_def,
                                   t_pow, p_pow, 8, 8 + n, e2, e3, defenders, in_def)
                d_total = t_pow + _side_sum(tmp, pw, defenders, n_def, n, frames, left)
                w2 = _word(key, base, 2)
                e4 = 1.0 + noise * table[np.int64(w2 & MASK16)]
                e5 = 1.0 + noise * table[np.int64((w2 >> np.uint64(16)) & MASK16)]
                n_att = _coalition(key, base, table, noise, pw, cand, n_cand, in_def,
                                   p_pow, d_total, 8 + 2 * n, 8 + 3 * n, e4, e5, attackers,
                                   in_att)
                attackers[n_att] = pick
                in_att[pick] = True
                n_att += 1
                defenders[n_def] = target
                in_def[target] = True
                n_def += 1
                a_total = _side_sum(tmp, pw, attackers, n_att, n, frames, left)
                d_total = _side_sum(tmp, pw, defenders, n_def, n, frames, left)
                # 4. war: victory, costs, reparations
                a = max(a_total, 1e-12)
                d = max(d_total, 1e-12)
                if exponent > 0:  # victory's integer exponent: exact products
                    ak, dk = a, d
                    for _ in range(exponent - 1):
                        ak = ak * a
                        dk = dk * d
                    both_k = ak + dk
                    p_win = ak / both_k if both_k > 0 else 0.5
                else:
                    x_log = log1(max(a, 1e-300) / max(d, 1e-300)) / width
                    p_win = 1.0 / (1.0 + exp1(-x_log))
                won = bool(u1 < p_win)
                both = max(a_total + d_total, 1e-12)
                lsr = max(a_total, d_total) / both
                cost = (1.0 - (lsr - 0.5) / 0.5) * cost_share
                keep = 1.0 - cost
                for q in range(n_att):
                    pw[attackers[q]] = pw[attackers[q]] * keep
                for q in range(n_def):
                    pw[defenders[q]] = pw[defenders[q]] * keep
                if won:
                    wins, n_win, loses, n_lose = attackers, n_att, defenders, n_def
                else:
                    wins, n_win, loses, n_lose = defenders, n_def, attackers, n_att
                for q in range(n_lose):  # paid = power * reparations, in tmp
                    tmp[loses[q]] = pw[loses[q]] * reparations
                paid_sum = 0.0 + pairwise_sum(tmp, 0, n, frames, left)
                for q in range(n_lose):
                    x = loses[q]
                    pw[x] = (pw[x] - tmp[x]) + 0.0
                    tmp[x] = 0.0
                w_tot = max(_side_sum(tmp, pw, wins, n_win, n, frames, left), 1e-300)
                for q in range(n_win):
                    x = wins[q]
                    pw[x] = pw[x] + paid_sum * pw[x] / w_tot
                winner = pick if won else target
                if versailles:
                    loser = target if won else pick
                    if transfer == WHOLE:
                        gain = pw[loser]
                    elif transfer == LOSER_PROBABILITY:
                        gain = pw[loser] * (1.0 - p_win if won else p_win)
                    else:
                        gain = pw[loser] * (p_win if won else 1.0 - p_win)
                    pw[winner] += gain
                    pw[loser] -= gain
                size_out[t - 1, w] = cost * both
                won_out[t - 1, w] = won
            # 5. growth (Cauchy: a ratio of two normals, clipped); 6. death
            n_died = 0
            k = 0
            g_word1 = -1
            g_word2 = -1
            bits1 = np.uint64(0)
            bits2 = np.uint64(0)
            for q in range(nl):
                i = lv[q]
                i1 = 4 * n + 8 + i
                i2 = 5 * n + 8 + i
                if 1 + (i1 >> 2) != g_word1:
                    g_word1 = 1 + (i1 >> 2)
                    bits1 = _word(key, base, g_word1)
                if 1 + (i2 >> 2) != g_word2:
                    g_word2 = 1 + (i2 >> 2)
                    bits2 = _word(key, base, g_word2)
                g1 = table[np.int64((bits1 >> np.uint64(16 * (i1 & 3))) & MASK16)]
                g2 = table[np.int64((bits2 >> np.uint64(16 * (i2 & 3))) & MASK16)]
                growth = growth_location + growth_scale * (g1 / g2)
                growth = min(max(growth, growth_min), growth_max)
                p = pw[i] * (1.0 + growth)
                if p < death_power:
                    pw[i] = 0.0
                    al[i] = False
                    died[n_died] = i
                    n_died += 1
                    death_turn[w, i] = t
                    if war and (in_def[i] if won else in_att[i]):
                        conqueror[w, i] = winner
                else:
                    pw[i] = p
                    lv[k] = i
                    k += 1
            nl = k
            # a dead loser's borders pass to the winning principal if it lives
            if n_died and war and al[winner]:
                any_inherit = False
                for q in range(n_died):
                    i = died[q]
                    if in_def[i] if won else in_att[i]:
                        for j in range(n):
                            if ad[i, j]:
                                inherit[j] = True
                                any_inherit = True
                if any_inherit:
                    for j in range(n):
                        if inherit[j]:
                            ad[winner, j] = True
                            ad[j, winner] = True
                            inherit[j] = False
            for q in range(n_died):
                i = died[q]
                for j in range(n):
                    ad[i, j] = False
                    ad[j, i] = False
            if n_died:
                ad[winner, winner] = False
            if war:
                if record_joined:
                    n_help = 0
                    for q in range(n_att - 1):  # the principals were added last
                        helpers[n_help] = attackers[q]
                        n_help += 1
                    for q in range(n_def - 1):
                        helpers[n_help] = defenders[q]
                        n_help += 1
                    for q in range(1, n_help):  # in index order
                        x = helpers[q]
                        r = q - 1
                        while r >= 0 and helpers[r] > x:
                            helpers[r + 1] = helpers[r]
                            r -= 1
                        helpers[r + 1] = x
                    for q in range(n_help):
                        x = helpers[q]
                        joined[n_joined, 0] = t
                        joined[n_joined, 1] = w
                        joined[n_joined, 2] = x
                        joined[n_joined, 3] = pick if in_att[x] else target
                        n_joined += 1
                for q in range(n_att):
                    in_att[attackers[q]] = False
                for q in range(n_def):
                    in_def[defenders[q]] = False
            for i in range(n):
                out_power[t, w, i] = np.float32(pw[i])
                out_alive[t, w, i] = al[i]
        n_live[w] = nl
    return n_joined, b, last_turn


@jit
def order_by_turn(rows: Any, first_turn: int, last_turn: int, counts: Any, out: Any) -> None:
    # rows (turn, world, helper, beside) in order of world then turn: out gets them in order
    # of turn then world (a counting sort by turn, stable: cusack_stoll.simulate's order).
    # counts: last_turn - first_turn + 1 zeros.
    for r in range(rows.shape[0]):
        counts[rows[r, 0] - first_turn] += 1
    total = 0
    for k in range(counts.shape[0]):
        c = counts[k]
        counts[k] = total
        total += c
    for r in range(rows.shape[0]):
        k = rows[r, 0] - first_turn
        pos = counts[k]
        counts[k] = pos + 1
        for c in range(4):
            out[pos, c] = rows[r, c]
