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

An ally's help is valued at its *expected* contribution: commitment times
reliability, the mean of a Beta posterior over its public record of calls
answered (prior ``reliability_prior``, the 74.5% of Leeds, Long & Mitchell
2000, with weight ``reliability_weight``): alliances may fail (Smith 1995,
"Alliance formation and war", *ISQ* 39(4); Leeds 2003, "Alliance reliability
in times of war", *International Organization* 57(4)), so a hollow alliance
deters less than a kept one.

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
from powerbalance.model.fastops import any_nonzero, row_max_argmax, sum_over_middle
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
    def defence_strength(self) -> F64:
        """(B, N) military an actor and its committed allies can be expected to bring to its
        defence: each ally counts with commitment x reliability x its projected forces."""
        m = np.where(self.alive, self.state.military, 0.0)
        if not self.allied:
            return m
        # sum_k alliance[b, k, j] * rel[b, k] * m[b, k] * reach[b, k, j]: k's expected help
        # to j. The sum runs over k in order for every (b, j), so it does not depend on the
        # batch.
        help_ = self.state.alliance * self.reach
        help_ *= (m * self.reliability).astype(PAIR)[:, :, None]
        return m + sum_over_middle(help_)

    def across_water(self, b: I64, i: I64, j: I64) -> BoolA:
        """Per pair, i can reach j only across the sea (no land border)."""
        land = self.state.land_adjacent
        if land is None:
            return np.zeros(len(b), dtype=bool)
        n = self.state.n_actors
        return ~land.reshape(-1)[(b * n + i) * n + j]

    def win_odds(self, b: I64, i: I64, j: I64) -> F64:
        """Actor (b, i)'s estimate of its chance to defeat j and j's allies, per pair.

        Own forces projected to j's capital (less the amphibious penalty when j lies
        across the sea) against j's expected defence strength as i perceives it (with
        i's estimation error about j).
        """
        # Flat indices: one take per array instead of fancy indexing on two or three axes.
        n = self.state.n_actors
        own_row, their_row = b * n + i, b * n + j
        pair = own_row * n + j
        own = self.state.military.reshape(-1)[own_row] * self.reach.reshape(-1)[pair]
        if self.state.land_adjacent is not None and self.params.amphibious_penalty > 0:
            own = own * np.where(self.across_water(b, i, j),
                                 1.0 - self.params.amphibious_penalty, 1.0)
        enemy = self.defence_strength.reshape(-1)[their_row] * self.noise.reshape(-1)[pair]
        return victory_probability(own, enemy, self.params)
