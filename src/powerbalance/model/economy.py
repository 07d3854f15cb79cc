"""Phase 1, the economy: extraction from provinces, growth, guns versus butter.

An actor's territorial base is the production of its provinces, each
discounted by the loss-of-strength gradient of its distance from the capital
(large empires overstretch: Boulding 1962; Gilpin 1981, *War and Change in
World Politics*); see :func:`powerbalance.model.derived.territorial_base`.
Wealth is productivity times that base. Productivity grows at the actor's
own rate (``growth_rate`` plus ``growth_spread`` times a normal draw per
actor: differential growth, Organski & Kugler 1980) with a normal shock,
minus ``guns_butter`` times the share of wealth spent on the military
(guns versus butter: what is spent on arms is not invested). The military
stock depreciates and is replenished by spending.
"""

from __future__ import annotations

import numpy as np

from powerbalance import rng
from powerbalance.model.derived import territorial_base
from powerbalance.model.state import F64, Setting, WorldState
from powerbalance.params import Params


def economy(state: WorldState, setting: Setting, params: Params) -> WorldState:
    """Grow productivity, collect wealth, maintain and replenish the military."""
    base = state.base
    if params.technology_growth != 0.0:
        base, _ = territorial_base(state.owner, state.capital, state.n_actors, setting,
                                   params, state.year)
    shock = rng.normal(state.keys, state.year, rng.Stream.GROWTH, (state.n_actors,))
    own_rate = state.growth
    if np.isnan(own_rate).any():  # the first step draws each actor's own mean growth
        own_rate = own_growth(state, params)
        state = state.replace(growth=own_rate)
    growth = own_rate - params.guns_butter * state.spend + params.growth_noise * shock
    productivity = np.maximum(state.productivity * (1.0 + growth), params.min_productivity)
    productivity = np.where(state.alive, productivity, 0.0)
    wealth = productivity * base
    military = (1.0 - params.military_depreciation) * state.military + state.spend * wealth
    military = np.where(state.alive, military, 0.0)
    return state.replace(productivity=productivity, wealth=wealth, military=military)


def own_growth(state: WorldState, params: Params) -> F64:
    """(B, N) each actor's mean growth rate: ``growth_rate + growth_spread * z``, z drawn per
    world and actor from the ``TRAIT`` stream (Organski & Kugler 1980: uneven growth)."""
    z = rng.normal(state.keys, 0, rng.Stream.TRAIT, (state.n_actors,))
    return np.asarray(params.growth_rate + params.growth_spread * z, dtype=np.float64)


def capability_share(wealth: F64, military: F64, alive: np.ndarray, params: Params) -> F64:
    """Composite capability share among live actors (COW-CINC style).

    ``wealth_weight * wealth share + (1 - wealth_weight) * military share``;
    dead actors get 0.
    """
    w = np.where(alive, wealth, 0.0)
    m = np.where(alive, military, 0.0)
    wsum = w.sum(axis=-1, keepdims=True)
    msum = m.sum(axis=-1, keepdims=True)
    ws = np.divide(w, wsum, out=np.zeros_like(w), where=wsum > 0)
    ms = np.divide(m, msum, out=np.zeros_like(m), where=msum > 0)
    return params.wealth_weight * ws + (1.0 - params.wealth_weight) * ms
