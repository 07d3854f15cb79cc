"""Phase 2, perception: what each actor believes about the others.

Each actor i estimates every other actor j's capability with a multiplicative
error ``N(1, misperception)`` drawn afresh each year (Cusack & Stoll 1990),
floored at 5% so an estimate is never negative; self-knowledge is exact.
Threat of j to i combines j's perceived capability, projected over the
distance between capitals by the loss-of-strength gradient, and j's past
hostility towards i (balance of threat: Walt 1987, *The Origins of Alliances*),
and j's trend: its capability is projected ``trend_horizon`` years ahead at its
smoothed positive growth (a rising rival threatens before it is strong:
Organski & Kugler 1980, *The War Ledger*); a committed ally's threat is
discounted by the commitment.

An ally's help is valued at its *expected* contribution
(:meth:`Observation.expected_defence`): commitment times its interest in the
war (its own stake against the enemy: :meth:`Observation.interest`) times
reliability, the mean of a Beta posterior over its public record of calls
answered (prior ``reliability_prior``, the 74.5% of Leeds, Long & Mitchell
2000, with weight ``reliability_weight``), times the forces its observable
conduct leaves for this war (shared with the wars it already fights; nothing
if it is committed to the enemy too), projected over its distance and across
the sea (:meth:`Observation.amphibious`): alliances may fail (Smith 1995,
"Alliance formation and war", *ISQ* 39(4); Leeds 2003, "Alliance reliability
in times of war", *International Organization* 57(4)), so a hollow,
uninterested or busy alliance deters less than a kept one.

:class:`Observation` bundles these arrays for the strategies; quantities that
only some strategies need are computed lazily, once per year.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np
from scipy.special import ndtri

from powerbalance import rng
from powerbalance.model.derived import reach
from powerbalance.model.economy import capability_share
from powerbalance.model.fastops import any_nonzero, nonzero, row_max_argmax
from powerbalance.model.state import F32, F64, I64, PAIR, BoolA, Setting, WorldState
from powerbalance.model.victory import victory_probability
from powerbalance.params import Params


def _diagonal(a: np.ndarray) -> np.ndarray:
    """A writable view of the (B, N) diagonals of a C-contiguous (B, N, N) array."""
    b, n, _ = a.shape
    return a.reshape(b, n * n)[:, :: n + 1]


@lru_cache(maxsize=8)
def _error_table(sd: float) -> F32:
    """Quantiles of the estimation error ``max(1 + sd * z, 0.05)``, z standard normal."""
    table = np.maximum(1.0 + sd * rng.quantile_table(ndtri), 0.05).astype(PAIR)
    table.setflags(write=False)
    return table


def update_trend(state: WorldState, params: Params) -> WorldState:
    """The state with this year's capability share recorded and the smoothed growth of
    every actor's share (``momentum``) updated: ``m <- (1 - s) m + s g`` with
    s = ``trend_smoothing`` and g the share's relative growth since last year (0 in the
    first year and for the dead)."""
    share = capability_share(state.wealth, state.military, state.alive, params)
    last = state.last_share
    growth = np.divide(share, last, out=np.ones_like(share), where=last > 0) - 1.0
    growth = np.where(state.alive & (last > 0), growth, 0.0)
    s = params.trend_smoothing
    momentum = (1.0 - s) * state.momentum + s * growth
    return state.replace(last_share=share, momentum=np.where(state.alive, momentum, 0.0))


def reliability(state: WorldState, params: Params) -> F64:
    """(B, N) expected share of its promised help each actor sends when called:
    ``(honoured + prior * weight) / (calls + weight)``."""
    w = params.reliability_weight
    return (state.honoured + params.reliability_prior * w) / (state.calls + w)


class Observation:
    """Everything a strategy may read in one year, for the whole batch."""

    def __init__(self, state: WorldState, setting: Setting, params: Params,
                 share: F64 | None = None) -> None:
        """Observe ``state``; ``share`` passes the capability shares when the caller has
        just computed them (they are recomputed otherwise)."""
        self.state = state
        self.setting = setting
        self.params = params
        n = state.n_actors
        self.alive = state.alive
        # Dead actors have share 0, so they are perceived (and threaten) as nothing.
        self.share: F64 = (capability_share(state.wealth, state.military, state.alive, params)
                           if share is None else share)
        if params.misperception > 0:
            noise = rng.from_table(state.keys, state.year, rng.Stream.PERCEPTION, (n, n),
                                   _error_table(params.misperception))
            _diagonal(noise)[:] = 1.0
        else:
            noise = np.ones((state.batch, n, n), dtype=PAIR)
        self.noise: F32 = noise
        self.perceived: F32 = noise * self.share.astype(PAIR)[:, None, :]
        self.reach: F32 = (state.reach if params.technology_growth == 0.0
                           else reach(state.capital_distance, params, state.year))
        self.allied = any_nonzero(state.alliance)  # any alliance in the batch
        threat = self.perceived * self.reach
        factor = None  # one scratch array for both factors
        if self.allied:
            factor = np.subtract(PAIR(1.0), state.alliance)
            threat *= factor
        if params.hostility_weight and any_nonzero(state.hostility):
            factor = np.multiply(state.hostility, PAIR(params.hostility_weight), out=factor)
            factor += PAIR(1.0)
            threat *= factor
        if params.trend_horizon > 0 and (state.momentum > 0).any():
            rising = 1.0 + params.trend_horizon * np.maximum(state.momentum, 0.0)
            threat *= rising.astype(PAIR)[:, None, :]
        _diagonal(threat)[:] = 0.0
        self.threat: F32 = threat

    @cached_property
    def abandonment_peak(self) -> float:
        """Largest remembered abandonment in the batch (0 if none)."""
        return float(self.state.abandonment.max(initial=0.0))

    @cached_property
    def exploitation_peak(self) -> float:
        """Largest remembered exploitation in the batch (0 if none)."""
        return float(self.state.exploitation.max(initial=0.0))

    @cached_property
    def pair_alive(self) -> BoolA:
        """(B, N, N) both i and j alive, i != j."""
        pair = self.alive[:, :, None] & self.alive[:, None, :]
        _diagonal(pair)[:] = False
        return pair

    @property
    def adjacent(self) -> BoolA:
        """(B, N, N) live actors sharing a border."""
        return self.state.adjacent

    @cached_property
    def _top(self) -> tuple[F32, I64]:
        return row_max_argmax(self.threat)

    @cached_property
    def top_threat(self) -> I64:
        """(B, N) the most threatening actor for each actor (-1 if none)."""
        level, idx = self._top
        return np.where(level > 0, idx, -1)

    @property
    def top_threat_level(self) -> F32:
        """(B, N) threat of the top threat, in capability-share units."""
        return self._top[0]

    @cached_property
    def reliability(self) -> F64:
        """(B, N) each actor's reliability as an ally (see :func:`reliability`)."""
        return reliability(self.state, self.params)

    @cached_property
    def wars_under_way(self) -> F64:
        """(B, N) wars under way in which the actor is a principal (waging or defending):
        an actor at war elsewhere splits its forces (:mod:`.war`), which others see."""
        wt = self.state.war_target
        count = (wt >= 0).astype(np.float64)
        wb, wa = nonzero(wt >= 0)
        np.add.at(count, (wb, wt[wb, wa]), 1.0)
        return count

    @cached_property
    def ally_forces(self) -> F64:
        """(B, N) forces each actor can be expected to bring as an ally, before commitment,
        interest, distance and water: military x reliability (its record), shared among the
        wars it fights already plus the new one (its observable conduct)."""
        m = np.where(self.alive, self.state.military, 0.0)
        return m * self.reliability / (1.0 + self.wars_under_way)

    def interest(self, b: I64, k: I64, e: I64) -> F64:
        """Per triple, ally k's interest in a war against e, the factor of its commitment:
        ``1 - w + w * stake`` with w = ``interest_weight`` and ``stake = T / (T + s)``, T
        the threat of e to k (e's perceived capability projected over their distance, with
        hostility and trend) and s k's own capability share. An ally threatened by the
        same enemy (a shared threat, near it) honours its promise in full; one the enemy
        cannot reach sends ``1 - w`` of it (Smith 1995, "Alliance formation and war",
        *ISQ* 39(4): an ally intervenes as its own stake in the outcome warrants; Leeds
        2003: commitments are kept when interests are; Walt 1987 on shared threat)."""
        if self.params.interest_weight == 0 or not len(b):
            return np.ones(len(b))
        n = self.state.n_actors
        # (The campaign asks only about allies that are not committed to e as well.)
        return self._willing_against.reshape(-1)[(b * n + k) * n + e].astype(np.float64)

    @cached_property
    def _amphibious(self) -> F32 | None:
        """(B, N, N) the amphibious factor of every pair (None without sea links)."""
        land = self.state.land_adjacent
        penalty = self.params.amphibious_penalty
        if land is None or penalty <= 0:
            return None
        wet = self.state.adjacent & ~land
        return np.where(wet, PAIR(1.0 - penalty), PAIR(1.0))

    def amphibious(self, b: I64, i: I64, j: I64) -> F64:
        """Per pair, the share of i's projected strength that reaches j: ``1 -
        amphibious_penalty`` when i borders j only across the sea (a border, none of it by
        land), else 1 (an actor with a land border, or with no border at all, whose power
        distance already discounts, pays nothing). One rule for every participant of a
        campaign, for estimates of the odds and for an ally's expected help (the stopping
        power of water: Mearsheimer 2001, ch. 4)."""
        factor = self._amphibious
        if factor is None or not len(b):
            return np.ones(len(b))
        n = self.state.n_actors
        return factor.reshape(-1)[(b * n + i) * n + j].astype(np.float64)

    @cached_property
    def _help_to(self) -> F32:
        """(B, N, N) ``[b, j, k]``: k's expected help to j before its interest: commitment x
        :attr:`ally_forces` x reach to j x the amphibious factor of k's border with j
        (rows: the allies of j, contiguous). Alliances are mutual (``diplomacy``, the
        scenarios and every break set both cells), and distance and borders are
        symmetric, so the ``[b, k, j]`` arrays serve as they are."""
        help_ = self.state.alliance * self.reach
        help_ *= self.ally_forces.astype(PAIR)[:, None, :]
        if self._amphibious is not None:
            help_ *= self._amphibious
        return help_

    @cached_property
    def _allies_of(self) -> tuple[I64, I64]:
        """The cells of :attr:`_help_to` with help, grouped by (b, j) in CSR form:
        ``(ptr, cells)``, the allies of (b, j) being ``cells[ptr[b*N+j]:ptr[b*N+j+1]]`` in
        index order (built once a year; an estimate then reads only the allies)."""
        n, batch = self.state.n_actors, self.state.batch
        cells = np.flatnonzero(self._help_to.reshape(-1) > 0)
        ptr = np.zeros(batch * n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // n, minlength=batch * n), out=ptr[1:])
        return ptr, cells

    @cached_property
    def _willing_against(self) -> F32:
        """(B, N, N) ``[b, k, e]``: k's interest in a war against e (see :meth:`interest`),
        0 where k is e."""
        w = PAIR(self.params.interest_weight)
        # [b, k, e]: T + s, s floored so that a dead k (no share) divides by no zero.
        own = np.maximum(self.share, 1e-30).astype(PAIR)
        willing = self.threat + own[:, :, None]
        np.divide(self.threat, willing, out=willing)        # the stake T / (T + s)
        willing *= w
        willing += PAIR(1.0) - w
        _diagonal(willing)[:] = 0.0
        return willing

    def expected_defence(self, b: I64, j: I64, e: I64) -> F64:
        """Per pair, the military j and its allies can be expected to bring to j's defence
        against e: j's own forces plus, for each live ally k not committed to e too (it
        would stay out), commitment x interest(k, e) x :attr:`ally_forces` x reach to j x
        the amphibious factor of k's border with j. Hollow, uninterested, busy, distant or
        sea-borne allies deter less (Smith 1995; Leeds 2003)."""
        n = self.state.n_actors
        own = np.where(self.alive.reshape(-1)[b * n + j],
                       self.state.military.reshape(-1)[b * n + j], 0.0)
        if not self.allied or not len(b):
            return own
        ptr, entries = self._allies_of
        row = b * n + j
        first, count = ptr[row], ptr[row + 1] - ptr[row]
        r = np.repeat(np.arange(len(b)), count)
        entry = entries[np.repeat(first - (np.cumsum(count) - count), count)
                        + np.arange(len(r))]                       # flat [b, j, k] cells
        k = entry % n
        cell = (b[r] * n + k) * n + e[r]
        ally = (self._help_to.reshape(-1)[entry].astype(np.float64)
                * self._willing_against.reshape(-1)[cell])
        # An ally committed to e as well stays out of the war.
        ally *= self.state.alliance.reshape(-1)[cell] <= 0
        # Entries run by pair, then ally: each pair's sum takes its allies in index order,
        # whatever the batch.
        return own + np.bincount(r, weights=ally, minlength=len(b))

    def win_odds(self, b: I64, i: I64, j: I64) -> F64:
        """Actor (b, i)'s estimate of its chance to defeat j and j's allies, per pair.

        Own forces projected to j's capital (times the amphibious factor when i borders j
        only across the sea) against j's expected defence against i
        (:meth:`expected_defence`), as i perceives it (with i's estimation error about j).
        """
        # Flat indices: one take per array instead of fancy indexing on two or three axes.
        n = self.state.n_actors
        own_row = b * n + i
        pair = own_row * n + j
        own = (self.state.military.reshape(-1)[own_row] * self.reach.reshape(-1)[pair]
               * self.amphibious(b, i, j))
        enemy = self.expected_defence(b, j, i) * self.noise.reshape(-1)[pair]
        return victory_probability(own, enemy, self.params)
