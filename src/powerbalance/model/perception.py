"""Phase 2, perception: what each actor believes about the others.

Each actor i estimates every other actor j's capability with a multiplicative
error ``N(1, misperception)`` drawn afresh each year (Cusack & Stoll 1990),
floored at 5% so an estimate is never negative; self-knowledge is exact.
Threat of j to i combines j's perceived capability, projected over the
distance between capitals by the loss-of-strength gradient, and j's past
hostility towards i (balance of threat: Walt 1987, *The Origins of Alliances*);
a committed ally's threat is discounted by the commitment.

:class:`Observation` bundles these arrays for the strategies; quantities that
only some strategies need are computed lazily, once per year.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from powerbalance import rng
from powerbalance.model.derived import reach
from powerbalance.model.economy import capability_share
from powerbalance.model.state import F64, I64, BoolA, Setting, WorldState
from powerbalance.model.victory import victory_probability
from powerbalance.params import Params


class Observation:
    """Everything a strategy may read in one year, for the whole batch."""

    def __init__(self, state: WorldState, setting: Setting, params: Params) -> None:
        self.state = state
        self.setting = setting
        self.params = params
        n = state.n_actors
        self.alive = state.alive
        self.share: F64 = capability_share(state.wealth, state.military, state.alive, params)
        eye = np.eye(n, dtype=bool)
        if params.misperception > 0:
            z = rng.normal(state.keys, state.year, rng.Stream.PERCEPTION, (n, n))
            noise = np.maximum(1.0 + params.misperception * z, 0.05)
            noise[:, eye] = 1.0
        else:
            noise = np.ones((state.batch, n, n))
        self.noise: F64 = noise
        self.perceived: F64 = self.share[:, None, :] * noise
        self.distance: F64 = state.capital_distance
        self.reach: F64 = (state.reach if params.technology_growth == 0.0
                           else reach(state.capital_distance, params, state.year))
        pair_alive = state.alive[:, :, None] & state.alive[:, None, :] & ~eye
        self.pair_alive: BoolA = pair_alive
        # A committed ally is discounted by its commitment: allies are not threats.
        threat = (self.perceived * self.reach * (1.0 - state.alliance)
                  * (1.0 + params.hostility_weight * state.hostility))
        self.threat: F64 = np.where(pair_alive, threat, 0.0)

    @property
    def adjacent(self) -> BoolA:
        """(B, N, N) live actors sharing a border."""
        return self.state.adjacent

    @cached_property
    def top_threat(self) -> I64:
        """(B, N) the most threatening actor for each actor (-1 if none)."""
        idx = np.argmax(self.threat, axis=-1)
        return np.where(self.top_threat_level > 0, idx, -1)

    @cached_property
    def top_threat_level(self) -> F64:
        """(B, N) threat of the top threat, in capability-share units."""
        return np.max(self.threat, axis=-1)

    @cached_property
    def defence_strength(self) -> F64:
        """(B, N) military an actor and its committed allies can bring to its defence."""
        m = np.where(self.alive, self.state.military, 0.0)
        help_ = self.state.alliance * m[:, :, None] * self.reach  # [b, k, j]: k helps j
        return m + help_.sum(axis=1)

    def win_odds_of(self, b: I64, i: I64) -> F64:
        """(R, N) actor (b, i)'s estimate of its chance to defeat each j and j's allies.

        Computed for the given rows only (strategies that attack ask for their own).
        """
        own = self.state.military[b, i][:, None] * self.reach[b, i]
        enemy = self.defence_strength[b] * self.noise[b, i]
        p = victory_probability(own, enemy, self.params)
        return np.where(self.pair_alive[b, i], p, 0.0)
