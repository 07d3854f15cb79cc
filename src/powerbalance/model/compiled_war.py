"""The compiled engine's war phase: numba kernels for the bookkeeping and resolution of
:mod:`powerbalance.model.war` (imported on the first use of the compiled engine only:
importing it imports numba).

The NumPy functions of :mod:`.war` stay the specification; each kernel here names the
function it mirrors and keeps its operations and their order (no ``fastmath``; sums in
``np.bincount``'s order; :func:`powerbalance.detmath.exp` and ``log`` term by term; the
uniforms hashed from the same counters as :func:`powerbalance.rng.uniform_at`), so the
compiled war is bit-identical to the reference (tests/model/test_compiled.py):

- :func:`recover`: the phoenix factor of a year (``war._recover``);
- :func:`conquer`: the claims, draws and transfers of provinces after a campaign or a
  concession (``war._conquer``), one pass over each loser's world, written into the
  year's own copy of the owners;
- :func:`burial`: the deaths, fallen capitals and fresh borders of the worlds whose
  borders changed (``war._bury_the_dead``, ``war._burial``), one pass over the batch
  writing each new array once;
- :func:`campaign_sides`, :func:`campaign_attrition`, :func:`grievances`: the campaigns'
  committed forces and strengths (``war._sides``), attrition and each side's best nuclear
  member (``war._attrition`` and ``war._campaign``), and the balance of threat's
  grievances;
- helpers of the strategies' decisions about war and alliances:
  :func:`allies_of` (``Observation._allies_of``) and :func:`balancing_partner`
  (:mod:`powerbalance.strategies.common`).

Crises and deterrence (``war._crises``, :mod:`.deterrence`) and the calls to allies
(``war._calls``) stay NumPy. Each kernel is registered by name in
:func:`powerbalance.model.compiled.kernels` (:data:`WAR_KERNELS`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from powerbalance import detmath, rng
from powerbalance.model.compiled_kernels import GOLDEN, exp1, frontier_row, splitmix
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import sorted_unique, unique_counts
from powerbalance.model.numba_cache import numba

jit = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
#: A helper inlined into its callers (numba IR), where a call would cost more.
jit_inline = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy",
                        inline="always")
sqrt_half, ln2_hi, ln2_lo = detmath._SQRT_HALF, detmath._LN2_HI, detmath._LN2_LO
#: detmath.log's series coefficients 1/27, 1/25, ..., 1/1, in the order it uses them.
l27, l25, l23, l21, l19, l17, l15, l13, l11, l9, l7, l5, l3, l1 = (
    1.0 / 27.0, *(1.0 / k for k in range(25, 0, -2)))
#: The largest element index of the uniforms' counter layout (rng.uniform_at).
MAX_ELEMENT = 1 << 25


@jit
def log1(x: float) -> float:
    # detmath.log, one value: frexp, mantissa into [sqrt(1/2), sqrt(2)), 2 atanh(s) summed
    # by Horner from 1/27.
    m, e = math.frexp(x)
    if m < sqrt_half:
        m = m * 2.0
        e = e - 1
    fe = np.float64(e)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    acc = l27
    acc = acc * s2 + l25
    acc = acc * s2 + l23
    acc = acc * s2 + l21
    acc = acc * s2 + l19
    acc = acc * s2 + l17
    acc = acc * s2 + l15
    acc = acc * s2 + l13
    acc = acc * s2 + l11
    acc = acc * s2 + l9
    acc = acc * s2 + l7
    acc = acc * s2 + l5
    acc = acc * s2 + l3
    acc = acc * s2 + l1
    return 2.0 * s * acc + fe * ln2_hi + fe * ln2_lo


@jit
def uniform1(key: Any, base: Any, e: int) -> float:
    # rng.uniform_at for one element (compiled_kernels.uniform_at_kernel's body).
    word = splitmix(key + (np.uint64(e >> 1) + base) * GOLDEN)
    half = word >> np.uint64(32) if e & 1 else word & np.uint64(0xFFFFFFFF)
    return (np.float64(half) + 0.5) * (1.0 / 2**32)


@jit
def recover_kernel(productivity: Any, loss: Any, war_target: Any, rate: float) -> Any:
    # war._recover: regained = 0 for a principal of a war under way (war._principals), else
    # rate * loss; productivity * exp(regained), loss - regained.
    b, n = productivity.shape
    prod = np.empty((b, n))
    left = np.empty((b, n))
    engaged = np.zeros(n, dtype=np.bool_)
    for w in range(b):
        engaged[:] = False
        for i in range(n):
            t = war_target[w, i]
            if t >= 0:
                engaged[i] = True
                engaged[t] = True
        for i in range(n):
            r = 0.0 if engaged[i] else rate * loss[w, i]
            # (exp(0) is exactly 1.0: no polynomial to evaluate for most actors)
            prod[w, i] = productivity[w, i] * (1.0 if r == 0.0 else exp1(r))
            left[w, i] = loss[w, i] - r
    return prod, left


@jit
def conquer_kernel(owner: Any, changed: Any, capital: Any, worlds: Any, loser_flag: Any,
                   n: int, in_ptr: Any, in_links: Any, link_src: Any, link_dst: Any,
                   claim_code: Any, claim_weight: Any, keys: Any, claim_base: Any,
                   conquest_base: Any, rate: float, capital_kills: bool) -> Any:
    # war._conquer, world by world (``worlds`` sorted): every link into a loser's province
    # from a claimant with a claim on the holder draws u (Stream.CLAIM, element = the link)
    # and keys the claimant by the float32 bits of -log(u) / weight (claimant in the low
    # 20 bits; the draws are counters, so a province with a single claimer, whose key
    # cannot lose, makes none); the smallest key of each province wins it if its own draw
    # (Stream.CONQUEST, element = the province) is below ``rate``; a fallen capital
    # (``capital_kills``) hands every province of its owner to the captor. ``owner`` and
    # ``changed`` are the year's own copies, written in place; returns the codes
    # (world * N + new) * N + old of the provinces moved, in (world, province) order.
    p = owner.shape[1]
    none = np.iinfo(np.int64).max
    best = np.empty(p, dtype=np.int64)
    new_owner = np.empty(p, dtype=np.int64)
    heir = np.empty(n + 1, dtype=np.int64)
    cost = np.empty(1, dtype=np.float32)
    bits = cost.view(np.int32)
    out = np.empty(64, dtype=np.int64)
    # The claims of one world on a table by (claimer, holder): 0.0 where there is none
    # (as the reference's lookup gives), each claim written from its world's run of the
    # sorted codes and cleared after it. A world without a claim has nothing to draw.
    # An index is read unsigned (u) where it is >= 0 (a claimer or holder once tested, a
    # link, a province, a code less its world's first): no negative-index fix-up, as in
    # compiled_kernels.side_kernel.
    uu = np.uint64
    nn = n * n
    table = np.zeros(nn)
    first = 0
    m = 0
    for x in range(len(worlds)):
        w = worlds[x]
        while first < len(claim_code) and claim_code[first] < w * nn:
            first += 1
        last = first
        while last < len(claim_code) and claim_code[last] < (w + 1) * nn:
            table[uu(claim_code[last] - w * nn)] = claim_weight[last]
            last += 1
        if last == first:
            continue
        row = owner[w]
        key = keys[w]
        best[:] = none
        found = False
        for q in range(p):
            held_by = row[q]
            if held_by < 0 or not loser_flag[x, uu(held_by)]:
                continue
            # A province that one claimer alone claims (through one link or several) is
            # its: the draws decide only between claimers, so none is made.
            alone = -1
            for k in range(in_ptr[q], in_ptr[q + 1]):
                claimer = row[uu(link_src[uu(in_links[uu(k)])])]
                if (claimer < 0 or claimer == held_by
                        or not table[uu(claimer * n + held_by)] > 0):
                    continue
                if alone == -1:
                    alone = claimer
                elif claimer != alone:
                    alone = -2
                    break
            if alone == -1:
                continue
            found = True
            if alone >= 0:
                best[q] = alone
                continue
            for k in range(in_ptr[q], in_ptr[q + 1]):
                cl = in_links[uu(k)]
                claimer = row[uu(link_src[uu(cl)])]
                if claimer < 0 or claimer == held_by:
                    continue
                weight = table[uu(claimer * n + held_by)]
                if not weight > 0:
                    continue
                u = uniform1(key, claim_base, cl)
                cost[0] = np.float32(-log1(u) / weight)
                pick = (np.int64(bits[0]) << 20) | claimer
                d = link_dst[uu(cl)]
                if pick < best[uu(d)]:
                    best[uu(d)] = pick
                found = True
        for c in range(first, last):
            table[uu(claim_code[c] - w * nn)] = 0.0
        if not found:
            continue
        any_taken = False
        for q in range(p):
            new_owner[q] = row[q]
        for q in range(p):
            if best[q] != none and uniform1(key, conquest_base, q) < rate:
                new_owner[q] = best[q] & ((1 << 20) - 1)
                any_taken = True
        if not any_taken:
            continue
        if capital_kills:
            heir[:] = -1
            for q in range(p):
                if new_owner[q] != row[q]:
                    old = row[q]
                    if capital[w, old] == q:
                        heir[old] = new_owner[q]
            for q in range(p):
                o = row[q]
                inherited = heir[o] if o >= 0 else heir[n]
                if inherited >= 0:
                    new_owner[q] = inherited
        for q in range(p):
            if new_owner[q] != row[q]:
                if m == len(out):
                    grown = np.empty(2 * len(out), dtype=np.int64)
                    grown[:m] = out[:m]
                    out = grown
                out[m] = (w * n + new_owner[q]) * n + row[q]
                m += 1
                changed[w] = True
                row[q] = new_owner[q]
    return out[:m].copy()


@jit_inline
def _np_max(x: float, y: float) -> float:
    # np.maximum of two float64 values: a NaN propagates; of two equal values (0.0 and
    # -0.0 included) the second, as NumPy's loops give.
    if x != x:
        return x
    if y != y:
        return y
    return x if x > y else y


@jit
def campaign_participants_kernel(b: Any, a: Any, t: Any, n: int, alliance: Any, alive: Any,
                                 join: Any, join_offence: Any, pact: Any, shirk: Any,
                                 willing: Any, use_interest: bool, calls: Any,
                                 honoured: Any) -> Any:
    # war._participants (and war._calls), war row by war row: the defender's allies
    # (alliance[b, k, t] > 0, alive, not committed to the initiator a, neither principal)
    # send join[b, k], nothing if they shirk against a, clipped to [0, 1] as np.clip (a
    # NaN stays, -0.0 too); the initiator's allies likewise on a's side with
    # max(join_offence[b, k], pact[b, k, a]) (np.maximum's rule); each list in (war, ally)
    # order (np.nonzero's). The defensive calls add 1 to ``calls`` and the share to
    # ``honoured`` (flat, in place) in that order (np.add.at's). An ally's help is
    # alliance (as float64) x its interest (``willing``[b, k, enemy] as float64, 1.0
    # without ``use_interest``) x its share, and only a helper with help > 0 takes part;
    # the participants of each war come out by actor (np.lexsort's order: the principals
    # and the two sides' allies are distinct actors), the principals with weight 1.0.
    # ``alive``, ``join``, ``join_offence`` and ``shirk`` are (B, N), of any layout (a
    # broadcast constant is read as it is, not copied). Every index is >= 0 and read
    # unsigned (u), as in campaign_sides_kernel.
    u = np.uint64
    nw = len(b)
    cap = nw * n
    dw = np.empty(cap, dtype=np.int64)
    dk = np.empty(cap, dtype=np.int64)
    dsent = np.empty(cap)
    aw = np.empty(cap, dtype=np.int64)
    ak = np.empty(cap, dtype=np.int64)
    asent = np.empty(cap)
    pw = np.empty(cap, dtype=np.int64)
    pk = np.empty(cap, dtype=np.int64)
    side = np.empty(cap, dtype=np.int64)
    weight = np.empty(cap)
    side_of = np.full(n, -1, dtype=np.int64)
    weight_of = np.empty(n)
    nd = 0
    na = 0
    m = 0
    for w in range(nw):
        bw = b[w]
        row = bw * n
        att, tgt = a[w], t[w]
        side_of[u(att)] = 0
        weight_of[u(att)] = 1.0
        side_of[u(tgt)] = 1
        weight_of[u(tgt)] = 1.0
        for k in range(n):   # the defender's allies
            cell = (row + k) * n
            if not alliance[u(cell + tgt)] > 0:
                continue
            if not (alive[u(bw), u(k)] and alliance[u(cell + att)] <= 0 and k != tgt
                    and k != att):
                continue
            sent = 0.0 if shirk[u(bw), u(k)] == att else join[u(bw), u(k)]
            if sent < 0.0:
                sent = 0.0
            if sent > 1.0:
                sent = 1.0
            dw[nd] = w
            dk[nd] = k
            dsent[nd] = sent
            nd += 1
            calls[u(row + k)] += 1.0
            honoured[u(row + k)] += sent
            interest = np.float64(willing[u(cell + att)]) if use_interest else 1.0
            x = np.float64(alliance[u(cell + tgt)]) * interest * sent
            if x > 0:
                side_of[k] = 1
                weight_of[k] = x
        for k in range(n):   # the initiator's allies
            cell = (row + k) * n
            if not alliance[u(cell + att)] > 0:
                continue
            if not (alive[u(bw), u(k)] and alliance[u(cell + tgt)] <= 0 and k != att
                    and k != tgt):
                continue
            owed = _np_max(join_offence[u(bw), u(k)], np.float64(pact[u(cell + att)]))
            sent = 0.0 if shirk[u(bw), u(k)] == tgt else owed
            if sent < 0.0:
                sent = 0.0
            if sent > 1.0:
                sent = 1.0
            aw[na] = w
            ak[na] = k
            asent[na] = sent
            na += 1
            interest = np.float64(willing[u(cell + tgt)]) if use_interest else 1.0
            x = np.float64(alliance[u(cell + att)]) * interest * sent
            if x > 0:
                side_of[k] = 0
                weight_of[k] = x
        for k in range(n):
            if side_of[k] >= 0:
                pw[m] = w
                pk[m] = k
                side[m] = side_of[k]
                weight[m] = weight_of[k]
                m += 1
                side_of[k] = -1
    return (dw[:nd].copy(), dk[:nd].copy(), dsent[:nd].copy(), aw[:na].copy(),
            ak[:na].copy(), asent[:na].copy(), pw[:m].copy(), pk[:m].copy(),
            side[:m].copy(), weight[:m].copy())


@jit
def campaign_sides_kernel(pw: Any, pk: Any, side: Any, weight: Any, pb: Any, pt: Any,
                          n: int, batch: int, nw: int, military: Any, reach: Any,
                          amphibious: Any, has_amphibious: bool) -> Any:
    # war._campaign, from the sorted participants to the two sides' strengths: each
    # participant commits weight x its military / the number of wars it takes part in
    # (perception.force_split), its strength is committed x reach to the target x its
    # amphibious factor (the attacking side only), and each side's strength adds its
    # participants in row order from 0.0 (np.bincount's order).
    # Every index is >= 0 (worlds, actors, targets, sides 0 and 1) and read unsigned (u):
    # no negative-index fix-up, as in compiled_kernels.side_kernel.
    u = np.uint64
    rows = len(pw)
    engaged = np.zeros(batch * n, dtype=np.int64)
    for r in range(rows):
        engaged[u(pb[r] * n + pk[r])] += 1
    committed = np.empty(rows)
    strength = np.empty(rows)
    sides = np.zeros(2 * nw)
    for r in range(rows):
        slot = pb[r] * n + pk[r]
        c = weight[r] * (military[u(slot)] / np.float64(engaged[u(slot)]))
        cell = slot * n + pt[r]
        factor = 1.0
        if side[r] != 1 and has_amphibious:
            factor = np.float64(amphibious[u(cell)])
        st = c * np.float64(reach[u(cell)]) * factor
        committed[r] = c
        strength[r] = st
        sides[u(pw[r] * 2 + side[r])] += st
    return committed, strength, sides[0::2].copy(), sides[1::2].copy()


@jit
def campaign_attrition_kernel(pw: Any, pk: Any, side: Any, slot: Any, principal: Any,
                              committed: Any, frac_att: Any, frac_def: Any, n: int,
                              nw: int, military: Any, nuclear: Any) -> Any:
    # war._attrition and war._campaign's nuclear ranks, per participant in row order:
    # loss = committed x its side's fraction; the losses of a (world, actor) add up from
    # 0.0 in row order and leave its military (``military``, flat, in place; the caller
    # then floors it at 0); each side's best nuclear member by
    # (level * 4 + principal) * (N + 1) + (N - actor), -1 for none.
    rows = len(pw)
    loss = np.empty(rows)
    lost = np.zeros(len(military))
    best = np.full(2 * nw, -1, dtype=np.int64)
    # Every index is >= 0 and read unsigned (u), as in campaign_sides_kernel.
    u = np.uint64
    for r in range(rows):
        f = frac_att[u(pw[r])] if side[r] == 0 else frac_def[u(pw[r])]
        x = committed[r] * f
        loss[r] = x
        lost[u(slot[r])] += x
        rank = np.int64(nuclear[u(slot[r])]) * 4 + (1 if principal[r] else 0)
        key = rank * (n + 1) + (n - pk[r])
        g = pw[r] * 2 + side[r]
        if key > best[u(g)]:
            best[u(g)] = key
    for c in range(len(military)):
        military[c] -= lost[c]
    return loss, best


@jit
def campaign_damage_kernel(productivity: Any, war_loss: Any, hit_cell: Any, hurt: Any,
                           record: bool, max_loss: float) -> None:
    # war._campaign's damage to the principals (``productivity``, ``war_loss``: the year's
    # scratch copies, flat, written in place): each hit cell's productivity times
    # (1 - hurt) in row order (np.multiply.at's order); with ``record``, war._log_damage's
    # -log(1 - hurt) (log1, term by term as detmath.log; max_loss where nothing is kept,
    # capped at max_loss) added in row order (np.add.at's), then every cell capped at
    # max_loss as np.minimum does (a NaN stays).
    # Every index is >= 0 and read unsigned (u), as in campaign_sides_kernel.
    u = np.uint64
    for r in range(len(hit_cell)):
        productivity[u(hit_cell[r])] = productivity[u(hit_cell[r])] * (1.0 - hurt[r])
    if not record:
        return
    for r in range(len(hit_cell)):
        kept = 1.0 - hurt[r]
        x = max_loss
        if kept > 0:
            x = -log1(kept)
            if not (x <= max_loss or x != x):
                x = max_loss
        war_loss[u(hit_cell[r])] += x
    for c in range(len(war_loss)):
        x = war_loss[c]
        if not (x <= max_loss or x != x):
            war_loss[c] = max_loss


@jit
def grievance_kernel(pw: Any, pk: Any, side: Any, slot: Any, n: int, nw: int,
                     hostility: Any) -> None:
    # war._campaign's balance of threat: every member of the target's side adds 1
    # (float32) to its grievance against each member of the initiator's side, row by row
    # (np.add.at's order; ``hostility`` flat, in place).
    attacking = np.zeros((nw, n), dtype=np.float32)
    for r in range(len(pw)):
        if side[r] == 0:
            attacking[pw[r], pk[r]] = 1.0
    for r in range(len(pw)):
        if side[r] == 1:
            base = slot[r] * n
            for j in range(n):
                hostility[base + j] += attacking[pw[r], j]


@jit
def _merge_rows(old: Any, changed: Any, fresh: Any) -> Any:
    # ``old`` (B, ...) with the rows ``changed`` (sorted) replaced by ``fresh``, written
    # once into a new buffer, element by element (a slice per world costs more than its
    # few elements); ``fresh`` itself when every world changed.
    b = old.shape[0]
    if len(changed) == b:
        return fresh
    out = np.empty_like(old)
    flat_out, flat_old, flat_fresh = out.reshape(-1), old.reshape(-1), fresh.reshape(-1)
    size = flat_old.size // b
    x = 0
    for w in range(b):
        at = w * size
        if x < len(changed) and changed[x] == w:
            src = x * size
            for k in range(size):
                flat_out[at + k] = flat_fresh[src + k]
            x += 1
        else:
            for k in range(size):
                flat_out[at + k] = flat_old[at + k]
    return out


@jit
def burial_kernel(owner: Any, alive: Any, changed: Any, capital: Any, n: int,
                  value_rank: Any, by_rank: Any, link_src: Any, link_dst: Any,
                  link_land: Any, in_links: Any, value: Any, military: Any,
                  productivity: Any, wealth: Any, adjacent: Any, land_adjacent: Any,
                  adj_c: Any, land_c: Any, front_c: Any, has_land: bool,
                  want_frontier: bool) -> Any:
    # war._bury_the_dead's work on the worlds ``changed`` (sorted), whose borders changed:
    # - war._burial: an actor alive with no province dies; a live actor whose capital
    #   province it no longer owns moves its capital to its most valuable province
    #   (highest value rank); the dead have capital -1;
    # - the dead's military and productivity (``military``, ``productivity``: the year's
    #   own copies, written in place) and wealth become 0.0;
    # - derived.borders of those worlds (compiled_kernels.borders_kernel's loops): the
    #   adjacency and land adjacency of live pairs and the frontier stakes
    #   (compiled_kernels.frontier_row, shared).
    # Returns (alive, died, capital's owner, capital) of the changed worlds and the whole
    # batch's alive, wealth, adjacency, land adjacency and frontier, each written once into
    # a new buffer (the old state stays untouched), or, for the first four, an empty array
    # where the changed worlds' rows hold the old bits (the caller shares the old array).
    # The adjacency, land adjacency and frontier of the whole batch are the caller's new
    # buffers ``adj_c``, ``land_c`` and ``front_c`` (empty where not kept), which already
    # hold the old arrays' rows (one memory copy each: a copy element by element cost ten
    # times as much, about 1 ms of a 10,000-world year); the changed worlds' rows are
    # written here in full. An empty buffer where the array is kept (every world changed:
    # every row is written here) is allocated here.
    nc = len(changed)
    b, p = owner.shape
    if len(adj_c) != b:
        adj_c = np.empty((b, n, n), dtype=np.bool_)
    if has_land and len(land_c) != b:
        land_c = np.empty((b, n, n), dtype=np.bool_)
    if want_frontier and len(front_c) != b:
        front_c = np.empty((b, n, n), dtype=np.float32)
    alive_c = np.empty((nc, n), dtype=np.bool_)
    died = np.empty((nc, n), dtype=np.bool_)
    cap_owner = np.empty((nc, n), dtype=np.int64)
    cap = np.empty((nc, n), dtype=np.int64)
    wealth_c = np.empty((nc, n))
    any_death, wealth_moved, adj_moved, land_moved = False, False, False, False
    count = np.zeros(n, dtype=np.int64)
    best = np.empty(n, dtype=np.int64)
    acc = np.zeros((n, n) if want_frontier else (0, 0))   # (frontier_row keeps it 0.0)
    seen_at = np.empty(n, dtype=np.int64)
    touched = np.empty(len(in_links) if want_frontier else 0, dtype=np.int64)
    wealth_bits = wealth.view(np.uint64)
    # An index is read unsigned (u) where it is >= 0 (an owner or capital once tested or
    # clamped): no negative-index fix-up, as in compiled_kernels.side_kernel.
    u = np.uint64
    for x in range(nc):
        w = changed[x]
        row = owner[w]
        count[:] = 0
        best[:] = -1
        for q in range(p):
            o = row[q]
            if o >= 0:
                count[u(o)] += 1
                if value_rank[q] > best[u(o)]:
                    best[u(o)] = value_rank[q]
        for i in range(n):
            live = alive[w, i] and count[i] > 0
            alive_c[x, i] = live
            died[x, i] = alive[w, i] and not live
            any_death = any_death or died[x, i]
            c = capital[w, i]
            held = row[u(max(c, 0))]
            cap_owner[x, i] = held
            if live and held != i:
                c = by_rank[u(max(best[i], 0))]
            cap[x, i] = c if live else -1
            if live:
                wealth_c[x, i] = wealth[w, i]
            else:
                military[w, i] = 0.0
                productivity[w, i] = 0.0
                wealth_c[x, i] = 0.0
                wealth_moved = wealth_moved or wealth_bits[w, i] != 0
        for i in range(n):
            for j in range(n):
                adj_c[w, i, j] = False
                if has_land:
                    land_c[w, i, j] = False
        for lk in range(len(link_src)):
            os_ = row[u(link_src[lk])]
            od = row[u(link_dst[lk])]
            if (os_ != od and os_ >= 0 and od >= 0 and alive_c[x, u(os_)]
                    and alive_c[x, u(od)]):
                adj_c[w, u(os_), u(od)] = True
                if has_land and link_land[lk]:
                    land_c[w, u(os_), u(od)] = True
        if not adj_moved:
            for i in range(n):
                for j in range(n):
                    adj_moved |= adj_c[w, i, j] != adjacent[w, i, j]
        if has_land and not land_moved:
            for i in range(n):
                for j in range(n):
                    land_moved |= land_c[w, i, j] != land_adjacent[w, i, j]
        if want_frontier:
            frontier_row(row, in_links, link_src, link_dst, value, n, acc, seen_at, touched,
                         front_c, w)
    alive_out = _merge_rows(alive, changed, alive_c) if any_death else alive[:0]
    wealth_out = _merge_rows(wealth, changed, wealth_c) if wealth_moved else wealth[:0]
    adj_out = adj_c if adj_moved else adjacent[:0]
    land_out = land_c if land_moved else land_c[:0]
    return alive_c, died, cap_owner, cap, alive_out, wealth_out, adj_out, land_out, front_c


#: Fewest actors for which :func:`allies_of_kernel` fills only the rows with allies.
SPARSE_ALLIES = 32
#: A row of :func:`allies_of_kernel`'s sparse fill with at least one ally in this many cells is
#: filled without a branch per cell.
DENSE_ALLIES = 16


@jit
def allies_of_kernel(alliance: Any, alive: Any, n: int, batch: int) -> Any:
    # perception.Observation._allies_of: the flat [b, j, k] cells with alliance > 0 and k
    # alive, in index order; ptr[b * N + j] the first of (b, j)'s; bond the commitments.
    # Two passes of _allies_pass (count, then fill; one spare place at the end), inlined:
    # as a plain call the kernel took 3-7 % longer (10,000 worlds of 8 actors).
    # With many actors (n >= SPARSE_ALLIES) a world's rows hold few allies each: the fill
    # visits only the rows the count found allies in, and writes only the allies (a branch
    # per cell, rarely taken), 2-3x faster there; with few it is slower (10,000 x 7).
    ptr = np.empty(batch * n + 1, dtype=np.int64)
    ptr[0] = 0
    m = _allies_pass(alliance, alive, n, batch, ptr, ptr[:0], alliance[:0], False)
    cells = np.empty(m + 1, dtype=np.int64)
    bond = np.empty(m + 1)
    if n < SPARSE_ALLIES:
        m = _allies_pass(alliance, alive, n, batch, ptr, cells, bond, True)
        return ptr, cells[:m], bond[:m]
    # A row with many allies (at least one cell in DENSE_ALLIES) is filled as the dense
    # pass does, every cell written at the next free place, which advances only at an ally
    # (the cells after the row's last ally are overwritten by the next row's, or fall in
    # the spare place): a branch per cell taken at random cost more (100 actors, a dozen
    # allies a row: 0.6x the time of the fill).
    u = np.uint64
    for row in range(batch * n):
        count = ptr[row + 1] - ptr[row]
        if count == 0:
            continue
        m = ptr[row]
        first = row - row % n   # (the world's first cell of ``alive``)
        if count * DENSE_ALLIES >= n:
            for k in range(n):
                x = alliance[u(row * n + k)]
                cells[u(m)] = row * n + k
                bond[u(m)] = np.float64(x)
                m += (x > 0) & alive[u(first + k)]
            continue
        for k in range(n):
            x = alliance[row * n + k]
            if x > 0 and alive[first + k]:
                cells[m] = row * n + k
                bond[m] = np.float64(x)
                m += 1
    m = ptr[batch * n]
    return ptr, cells[:m], bond[:m]


@jit_inline
def _allies_pass(alliance: Any, alive: Any, n: int, batch: int, ptr: Any, cells: Any,
                 bond: Any, fill: bool) -> int:
    # allies_of_kernel's pass, world by world, without a division or a branch per cell:
    # the allies so far (ptr[b * N + j + 1] those up to (b, j)); with ``fill`` every cell
    # is written at the next free place of cells and bond, which advances only for an ally.
    # Every index is >= 0 and read unsigned (u), as in compiled_kernels.side_kernel.
    u = np.uint64
    m = 0
    for w in range(batch):
        row = w * n
        for j in range(n):
            base = (row + j) * n
            for k in range(n):
                x = alliance[u(base + k)]
                if fill:
                    cells[u(m)] = base + k
                    bond[u(m)] = np.float64(x)
                m += (x > 0) & alive[u(row + k)]
            ptr[u(row + j + 1)] = m
    return m


@jit
def balancing_partner_kernel(bw: Any, i: Any, top_threat: Any, alliance: Any, alive: Any,
                             perceived: Any, reach: Any, distrust: Any,
                             has_distrust: bool) -> Any:
    # strategies.common.balancing_partner, row by row: the candidates (not allied with i,
    # not committed to the threat T = max(top threat, 0), alive, neither i nor T, not
    # distrusted) score perceived[b, i, j] * reach[b, T, j] in float32, the others -1;
    # the first maximum wins if it is > 0, else -1.
    b_, n = alive.shape
    out = np.empty(len(bw), dtype=np.int64)
    for r in range(len(bw)):
        w, me = bw[r], i[r]
        threat = max(top_threat[w, me], 0)
        best = np.float32(0.0)
        pick = -1
        for j in range(n):
            ok = (alliance[w, me, j] <= 0 and alliance[w, j, threat] <= 0 and alive[w, j]
                  and j != me and j != threat)
            if ok and has_distrust and distrust[r, j]:
                ok = False
            score = perceived[w, me, j] * reach[w, threat, j] if ok else np.float32(-1.0)
            if pick < 0 or score > best:
                best = score
                pick = j
        out[r] = pick if best > 0 else -1
    return out


#: The kernels of this module by name (registered in :func:`.compiled.kernels`).
WAR_KERNELS = {"war_recover": recover_kernel, "war_conquer": conquer_kernel,
               "war_sides": campaign_sides_kernel, "war_attrition": campaign_attrition_kernel,
               "war_grievance": grievance_kernel,
               "war_damage": campaign_damage_kernel,
               "war_participants": campaign_participants_kernel, "war_burial": burial_kernel,
               "allies_of": allies_of_kernel, "balancing_partner": balancing_partner_kernel}


def _base(year: int, stream: int, sub: int) -> np.uint64:
    """The counter base of :func:`powerbalance.rng.uniform_at` for one year, stream and
    sub-stream."""
    return np.uint64(((int(year) & 0xFFFFF) << 44) | ((int(stream) & 0xFF) << 36)
                     | (int(sub) << 24))


def recover(productivity: Any, loss: Any, war_target: Any, rate: float) -> tuple[Any, Any]:
    """``war._recover``'s productivity and war losses after the phoenix factor, compiled
    (bit-identical); the caller has checked that some loss is left to regain."""
    from powerbalance.model.compiled import kernels

    return kernels()["war_recover"](  # type: ignore[no-any-return]
        np.ascontiguousarray(productivity), np.ascontiguousarray(loss),
        np.ascontiguousarray(war_target), float(rate))


def conquer(state: Any, setting: Any, s: Any, claim_code: Any, claim_weight: Any,
            lost_b: Any, lost_a: Any, round_: int, events: list[Events], kind: EventKind,
            rate: float, capital_kills: bool) -> None:
    """``war._conquer``, compiled (bit-identical): the same claims, draws and transfers,
    written into the year's scratch owners ``s.owner`` (and ``s.changed``), and the same
    ``kind`` events (a concession's actor is the conceder)."""
    n = state.n_actors
    if setting.n_provinces >= MAX_ELEMENT or len(setting.link_src) >= MAX_ELEMENT:
        raise ValueError("element index outside the counter layout")
    worlds = sorted_unique(lost_b)
    row_of = np.full(state.batch, -1, dtype=np.int64)
    row_of[worlds] = np.arange(len(worlds))
    loser_flag = np.zeros((len(worlds), n + 1), dtype=bool)
    loser_flag[row_of[lost_b], lost_a] = True
    from powerbalance.model.compiled import kernels

    codes = kernels()["war_conquer"](
        s.owner, s.changed, s.capital, worlds, loser_flag, n, setting.in_ptr,
        setting.in_links, setting.link_src, setting.link_dst, claim_code, claim_weight,
        state.keys, _base(state.year, rng.Stream.CLAIM, round_),
        _base(state.year, rng.Stream.CONQUEST, round_), float(rate), bool(capital_kills))
    if not len(codes):
        return
    codes, counts = unique_counts(codes)
    cw, rest = np.divmod(codes, n * n)
    winner, victim = np.divmod(rest, n)
    if kind == EventKind.CONCESSION:   # the victim conceded to the winner
        events.append(Events.make(kind, cw, victim, winner, counts.astype(float)))
    else:
        events.append(Events.make(kind, cw, winner, victim, counts.astype(float)))


def campaign_participants(state: Any, actions: Any, obs: Any, s: Any, b: Any, a: Any,
                          t: Any) -> tuple[tuple[Any, ...], Any, Any, Any, Any]:
    """``war._participants``, compiled (bit-identical): the same calls, the same record of
    the defensive calls in the year's scratch ``s.calls`` and ``s.honoured`` (written in
    place), and the same participants of the campaigns (b, initiator a, target t)."""
    from powerbalance.model.compiled import kernels

    n = state.n_actors
    alliance = np.ascontiguousarray(state.alliance).reshape(-1)
    # The interests (a cached estimate) are asked for only where some ally may be called,
    # as the reference asks only for those of the allies it calls.
    use_interest = obs.params.interest_weight != 0 and (
        "_willing_against" in obs.__dict__ or bool((state.alliance[b] > 0).any()))
    willing = (np.ascontiguousarray(obs._willing_against).reshape(-1) if use_interest
               else _EMPTY_F32)
    out = kernels()["war_participants"](
        np.ascontiguousarray(b, dtype=np.int64), np.ascontiguousarray(a, dtype=np.int64),
        np.ascontiguousarray(t, dtype=np.int64), n, alliance,
        np.asarray(state.alive, dtype=np.bool_), np.asarray(actions.join, dtype=np.float64),
        np.asarray(state.join_offence, dtype=np.float64),
        np.ascontiguousarray(state.pact_offence, dtype=np.float32).reshape(-1),
        np.asarray(actions.shirk, dtype=np.int64), willing,
        use_interest, s.calls.reshape(-1), s.honoured.reshape(-1))
    return out[:6], out[6], out[7], out[8], out[9]


def campaign_sides(state: Any, obs: Any, military: Any, pw: Any, pk: Any, side: Any,
                   weight: Any, pb: Any, pt: Any, nw: int) -> tuple[Any, Any, Any, Any]:
    """``war._sides``, compiled (bit-identical): (committed, strength, attacker's side,
    target's side) of the campaigns' sorted participants, ``pt`` the target of each
    participant's war."""
    from powerbalance.model.compiled import kernels

    amphibious = obs._amphibious
    return kernels()["war_sides"](  # type: ignore[no-any-return]
        pw, pk, side, np.ascontiguousarray(weight, dtype=np.float64), pb, pt,
        state.n_actors, state.batch, nw, military.reshape(-1),
        np.ascontiguousarray(obs.reach).reshape(-1),
        _EMPTY_F32 if amphibious is None else np.ascontiguousarray(amphibious).reshape(-1),
        amphibious is not None)


def campaign_attrition(state: Any, military: Any, pw: Any, pk: Any, side: Any, slot: Any,
                       principal: Any, committed: Any, frac_att: Any,
                       frac_def: Any) -> tuple[Any, Any]:
    """``war._attrition`` (``military``, the year's scratch copy, written in place) and the
    best nuclear member's key of each side, compiled (bit-identical): (loss, best)."""
    from powerbalance.model.compiled import kernels

    loss, best = kernels()["war_attrition"](
        pw, pk, side, slot, principal, committed, np.ascontiguousarray(frac_att),
        np.ascontiguousarray(frac_def), state.n_actors, len(frac_att),
        military.reshape(-1), np.ascontiguousarray(state.nuclear).reshape(-1))
    np.maximum(military, 0.0, out=military)
    return loss, best


def campaign_damage(productivity: Any, war_loss: Any, hit_cell: Any, hurt: Any,
                    record: bool) -> None:
    """``war._campaign``'s damage: the principals' productivity and, with ``record``, their
    war losses (``war._log_damage``, capped at ``war.MAX_WAR_LOSS``) in the year's scratch
    copies, written in place, compiled (bit-identical)."""
    from powerbalance.model.compiled import kernels
    from powerbalance.model.war import MAX_WAR_LOSS

    kernels()["war_damage"](productivity.reshape(-1), war_loss.reshape(-1),
                            np.ascontiguousarray(hit_cell, dtype=np.int64),
                            np.ascontiguousarray(hurt, dtype=np.float64), bool(record),
                            float(MAX_WAR_LOSS))


def grievances(hostility: Any, pw: Any, pk: Any, side: Any, slot: Any, n: int,
               nw: int) -> None:
    """The campaigns' balance of threat (the target's side holds the aggression of every
    member of the initiator's side) added to ``hostility``, the year's scratch copy,
    compiled (bit-identical)."""
    from powerbalance.model.compiled import kernels

    kernels()["war_grievance"](pw, pk, side, slot, n, nw, hostility.reshape(-1))


_EMPTY_F32 = np.zeros(0, dtype=np.float32)


def burial(state: Any, s: Any, changed: Any, setting: Any) -> tuple[Any, ...]:
    """``war._bury_the_dead``'s deaths, capitals and borders of the worlds ``changed``
    (sorted), compiled (bit-identical): the dead's military and productivity in the year's
    copies ``s.military`` and ``s.productivity`` set to 0.0, and (alive, died, the owner of
    each capital province, capital) of those worlds with the whole batch's alive, wealth,
    adjacency, land adjacency and frontier (None where the state keeps none), each of the
    first four the old array itself where nothing in it changed."""
    from powerbalance.model.compiled import kernels

    n = state.n_actors
    has_land = state.land_adjacent is not None and setting.link_land is not None
    want_frontier = state.frontier is not None
    every = len(changed) == state.batch
    adjacent = np.ascontiguousarray(state.adjacent)
    land_adjacent = np.ascontiguousarray(state.land_adjacent) if has_land else _EMPTY_BOOL_3D
    frontier = np.ascontiguousarray(state.frontier) if want_frontier else _EMPTY_F32_3D
    (alive_c, died, cap_owner, capital, alive, wealth, adjacent, land,
     frontier) = kernels()["war_burial"](
        s.owner, np.ascontiguousarray(state.alive),
        np.ascontiguousarray(changed, dtype=np.int64), s.capital, n, setting.value_rank,
        _by_rank(setting), setting.link_src, setting.link_dst,
        setting.link_land if setting.link_land is not None else _EMPTY_BOOL,
        setting.in_links, np.asarray(setting.province_map.value, dtype=np.float64),
        s.military, s.productivity, np.ascontiguousarray(state.wealth), adjacent,
        land_adjacent, _start(adjacent, _EMPTY_BOOL_3D, every),
        _start(land_adjacent, _EMPTY_BOOL_3D, every), _start(frontier, _EMPTY_F32_3D, every),
        has_land, want_frontier)
    return (alive_c, died, cap_owner, capital,
            alive if len(alive) else state.alive, wealth if len(wealth) else state.wealth,
            adjacent if len(adjacent) else state.adjacent,
            (land if len(land) else state.land_adjacent) if has_land else None,
            frontier if want_frontier else None)


def _start(old: Any, empty: Any, every: bool) -> Any:
    """:func:`burial_kernel`'s new buffer for the rows of ``old``: a copy of it (the kernel
    rewrites only the changed worlds' rows), or, when every world changed, ``empty`` (the
    kernel allocates the buffer, every row of which it writes)."""
    return empty if every or not len(old) else old.copy()


def _by_rank(setting: Any) -> Any:
    """The provinces by increasing value rank (``np.argsort(setting.value_rank)``), kept
    per setting."""
    key = id(setting.value_rank)
    cached = _BY_RANK.get(key)
    if cached is None or cached[0] is not setting.value_rank:
        cached = (setting.value_rank, np.argsort(setting.value_rank))
        _BY_RANK.clear()  # (one setting at a time in practice)
        _BY_RANK[key] = cached
    return cached[1]


_BY_RANK: dict[int, tuple[Any, Any]] = {}
_EMPTY_BOOL = np.zeros(0, dtype=bool)
_EMPTY_BOOL_3D = np.zeros((0, 0, 0), dtype=bool)
_EMPTY_F32_3D = np.zeros((0, 0, 0), dtype=np.float32)


def allies_of(alliance: Any, alive: Any) -> tuple[Any, Any, Any]:
    """:attr:`powerbalance.model.perception.Observation._allies_of`, compiled
    (bit-identical): (ptr, cells, bond) of the live allies of every (world, actor)."""
    from powerbalance.model.compiled import kernels

    batch, n = alive.shape
    return kernels()["allies_of"](  # type: ignore[no-any-return]
        np.ascontiguousarray(alliance).reshape(-1), np.ascontiguousarray(alive).reshape(-1),
        n, batch)


def balancing_partner(obs: Any, bw: Any, i: Any, distrust: Any) -> Any:
    """:func:`powerbalance.strategies.common.balancing_partner`, compiled (bit-identical);
    ``distrust`` the (R, N) actors each row distrusts, None when nobody distrusts anybody."""
    from powerbalance.model.compiled import kernels

    state = obs.state
    return kernels()["balancing_partner"](
        np.ascontiguousarray(bw, dtype=np.int64), np.ascontiguousarray(i, dtype=np.int64),
        np.ascontiguousarray(obs.top_threat), np.ascontiguousarray(state.alliance),
        np.ascontiguousarray(state.alive), np.ascontiguousarray(obs.perceived),
        np.ascontiguousarray(obs.reach),
        _EMPTY_BOOL_2D if distrust is None else np.ascontiguousarray(distrust),
        distrust is not None)


_EMPTY_BOOL_2D = np.zeros((0, 0), dtype=bool)
