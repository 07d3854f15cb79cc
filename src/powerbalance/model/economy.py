"""Phase 1, the economy: extraction from provinces, growth, guns versus butter.

An actor's territorial base is the production of its provinces, each
discounted by the loss-of-strength gradient of its distance from the capital
(large empires overstretch: Boulding 1962; Gilpin 1981, *War and Change in
World Politics*); see :func:`powerbalance.model.derived.territorial_base`.
Wealth is productivity times that base. Productivity grows at the actor's
own rate (``growth_rate`` plus a deviation of spread ``growth_spread`` per
actor: differential growth, Organski & Kugler 1980; the deviation is an AR(1)
with yearly persistence ``growth_persistence``, so growth advantages are
episodes rather than fixed for ever: Easterly et al. 1993) with a normal shock,
minus ``guns_butter`` times the share of wealth spent on the military
(guns versus butter: what is spent on arms is not invested). The military
stock depreciates and is replenished by spending: ``spend * wealth`` a year, times
the actor's *mobilisation* (:attr:`Setting.mobilisation`, a scenario's per-actor
field, 1 by default and raised to ``Params.mobilisation_scale``). Mobilisation is the
military a unit of spending buys: in a pastoral society every adult man was a horse
archer who owned his horses and bow, so the steppe put a far larger share of its people
under arms than a sedentary state, at a small cost in production (Khazanov 1984,
*Nomads and the Outside World*; Barfield 1989, *The Perilous Frontier*; May 2007, *The
Mongol Art of War*: the decimal organisation of 1206, about 95,000 men from perhaps a
million people, roughly ten percent against one to two percent for an agrarian state;
ranges, orders of magnitude). The sources describe a cheaper soldier, not a larger
budget share, so the rule multiplies what spending buys and leaves the spending share,
and so its cost in growth (``guns_butter``), to the strategies. The figure is a share of
the people under arms, a property of pastoral society rather than of a strategy's effort,
so only the base effort converts at the mobilisation: the spending up to the peacetime
burden ``Params.base_spend``; a strategy's extra effort above it (a hegemon-seeker's
``bid_spend``) buys what it buys a sedentary state (:func:`mobilised`), so the effort is
not multiplied twice. An actor with mobilisation 1 gets exactly today's stock.

Numerical range (every allowed setting, up to 100,000 years): productivity,
wealth and military are float64, but ``growth_rate = 0.5`` multiplies them by
1.5 a year, which passes the float64 range after about 1,750 years (and the
float32 pairwise arrays of perception after about 220). The model is
scale-free (only ratios of wealth and military matter), so :func:`renormalise`
divides the stocks of a world by a power of two once its largest stock passes
:data:`RESCALE_ABOVE`, and counts the shift in ``WorldState.scale``. A power of
two is exact in binary floating point, so the shares, odds and decisions are
bit-identical to a computation with unbounded range; only the absolute floors
(``min_productivity``, which is in start units and is rescaled with the stocks,
and the 1e-12 strength floor of the victory function, which is not) see the
change. A world that never grows past 2**64 is never touched.
"""

from __future__ import annotations

import numpy as np

from powerbalance import rng
from powerbalance.model.derived import territorial_base
from powerbalance.model.state import F64, I64, Setting, WorldState
from powerbalance.params import Params

#: A world whose largest productivity, wealth or military stock passes this is renormalised
#: (2**64: far above any start value a scenario may give, 1e15, and far below the float32
#: limit of the pairwise arrays, 3.4e38, so that sums over thousands of allies stay finite).
RESCALE_ABOVE = 2.0**64
#: The binary exponent a renormalised world's largest stock is brought down to.
RESCALE_TO_EXPONENT = 32


def renormalise(productivity: F64, wealth: F64, military: F64,
                scale: I64) -> tuple[F64, F64, F64, I64]:
    """Divide the stocks of worlds whose largest stock passes :data:`RESCALE_ABOVE` by a
    power of two (exact), bringing it to about ``2**RESCALE_TO_EXPONENT``; add the shift
    to ``scale``. Other worlds are returned untouched.

    >>> p = np.array([[1.0, 2.0**70]]); w = p * 3; m = p / 2
    >>> p2, w2, m2, s2 = renormalise(p, w, m, np.zeros(1, dtype=np.int64))
    >>> int(s2[0]), float(w2[0, 1] / w2[0, 0]) == 2.0**70, float(w2.max()) < 2.0**64
    (40, True, True)
    """
    peak = np.maximum(np.maximum(wealth.max(axis=-1, initial=0.0),
                                 military.max(axis=-1, initial=0.0)),
                      productivity.max(axis=-1, initial=0.0))
    big = peak > RESCALE_ABOVE
    if not big.any():
        return productivity, wealth, military, scale
    _, exponent = np.frexp(peak)
    shift = np.where(big, exponent - RESCALE_TO_EXPONENT, 0).astype(np.int64)
    down = -shift[:, None]
    return (np.ldexp(productivity, down), np.ldexp(wealth, down), np.ldexp(military, down),
            scale + shift)


def economy(state: WorldState, setting: Setting, params: Params) -> WorldState:
    """Grow productivity, collect wealth, maintain and replenish the military."""
    base = state.base
    if params.technology_growth != 0.0:
        base, _ = territorial_base(state.owner, state.capital, state.n_actors, setting,
                                   params, state.year)
    shock = rng.normal(state.keys, state.year, rng.Stream.GROWTH, (state.n_actors,))
    own_rate = state.growth
    # (The year's own rates are recorded with the stocks, in one replace.)
    if np.isnan(own_rate).any():  # the first step draws each actor's own mean growth
        own_rate = own_growth(state, params)
    elif params.growth_persistence < 1.0 and params.growth_spread > 0:
        own_rate = growth_episode(state, params)
    if setting.engine == "compiled":
        return _economy_compiled(state, setting, params, base, own_rate, shock)
    growth = own_rate - params.guns_butter * state.spend + params.growth_noise * shock
    # The floor is in start units; in a renormalised world it shrinks with the unit.
    floor: float | F64 = params.min_productivity
    if state.scale.any():
        floor = np.ldexp(params.min_productivity, -state.scale)[:, None]
    productivity = np.maximum(state.productivity * (1.0 + growth), floor)
    productivity = np.where(state.alive, productivity, 0.0)
    wealth = productivity * base
    bought = state.spend * wealth
    if setting.mobilisation is not None:  # a steppe people under arms buys more per unit
        bought = mobilised(bought, state.spend, wealth, setting.mobilisation, params.base_spend)
    military = (1.0 - params.military_depreciation) * state.military + bought
    military = np.where(state.alive, military, 0.0)
    productivity, wealth, military, scale = renormalise(productivity, wealth, military,
                                                        state.scale)
    return state.replace(productivity=productivity, wealth=wealth, military=military,
                         scale=scale, growth=own_rate)


def mobilised(bought: F64, spend: F64, wealth: F64, mobilisation: F64,
              base_spend: float) -> F64:
    """(B, N) the military bought this year, each actor's *base* effort converted at its
    mobilisation: ``spend * wealth + (m - 1) * min(spend, base_spend) * wealth``.

    ``bought`` is ``spend * wealth``. The sources' figure (May 2007: about 95,000 men of a
    million people in 1206, against one to two percent for an agrarian state) is the share
    of a people under arms, a property of pastoral society, not of the strategy's effort:
    the part of the spending up to the peacetime burden ``base_spend`` converts at ``m``,
    the strategy's extra effort above it (a hegemon-seeker's ``bid_spend``) at a sedentary
    state's rate, so the effort is not multiplied twice. An actor with ``m = 1`` keeps
    ``bought`` bit for bit.

    >>> import numpy as np
    >>> spend, wealth = np.array([[0.08, 0.02]]), np.array([[10.0, 10.0]])
    >>> mobilised(spend * wealth, spend, wealth, np.array([3.0, 3.0]), 0.03).round(12).tolist()
    [[1.4, 0.6]]
    """
    extra = (mobilisation - 1.0) * (np.minimum(spend, base_spend) * wealth)
    return np.asarray(np.where(mobilisation != 1.0, bought + extra, bought), dtype=np.float64)


def _economy_compiled(state: WorldState, setting: Setting, params: Params, base: F64,
                      own_rate: F64, shock: np.ndarray) -> WorldState:
    """The rest of :func:`economy` in one compiled pass (bit-identical; see
    :mod:`powerbalance.model.compiled`)."""
    from powerbalance.model.compiled import kernels

    floor = np.ldexp(params.min_productivity, -state.scale)  # exact; the floor itself at 0
    # x * 1.0 is exact, so actors without mobilisation are bit-identical to the numpy path.
    mobilisation = (_ones(state.n_actors) if setting.mobilisation is None
                    else setting.mobilisation)
    productivity, wealth, military, big = kernels()["economy"](
        state.alive, state.productivity, state.military, state.spend, own_rate, shock, base,
        mobilisation, floor, params.guns_butter, params.growth_noise,
        1.0 - params.military_depreciation, RESCALE_ABOVE, params.base_spend)
    scale = state.scale
    if big.any():
        productivity, wealth, military, scale = renormalise(productivity, wealth, military,
                                                            scale)
    return state.replace(productivity=productivity, wealth=wealth, military=military,
                         scale=scale, growth=own_rate)


def _ones(n: int) -> F64:
    """(N,) ones: the mobilisation of a setting without any (one array per size, which the
    kernel only reads)."""
    ones = _ONES.get(n)
    if ones is None:
        ones = _ONES[n] = np.ones(n)
    return ones


_ONES: dict[int, F64] = {}


def own_growth(state: WorldState, params: Params) -> F64:
    """(B, N) each actor's mean growth rate: ``growth_rate + growth_spread * z``, z drawn per
    world and actor from the ``TRAIT`` stream (Organski & Kugler 1980: uneven growth)."""
    z = rng.normal(state.keys, 0, rng.Stream.TRAIT, (state.n_actors,))
    return np.asarray(params.growth_rate + params.growth_spread * z, dtype=np.float64)


def growth_episode(state: WorldState, params: Params) -> F64:
    """(B, N) this year's own growth rates: the deviation from ``growth_rate`` follows an
    AR(1), ``d <- rho d + sqrt(1 - rho^2) growth_spread z`` with rho = ``growth_persistence``
    and z from the ``TRAIT`` stream (sub-stream 1, by year), so its spread stays
    ``growth_spread`` while growth advantages fade (Easterly et al. 1993: growth rates
    barely persist from decade to decade; Organski & Kugler 1980: fast growth ends at
    power maturity)."""
    rho = params.growth_persistence
    z = rng.normal(state.keys, state.year, rng.Stream.TRAIT, (state.n_actors,), sub=1)
    deviation = state.growth - params.growth_rate
    return np.asarray(params.growth_rate + rho * deviation
                      + np.sqrt(1.0 - rho * rho) * params.growth_spread * z, dtype=np.float64)


def capability_share(wealth: F64, military: F64, alive: np.ndarray, params: Params) -> F64:
    """Composite capability share among live actors (COW-CINC style).

    ``wealth_weight * wealth share + (1 - wealth_weight) * military share``;
    dead actors get 0. The shares of the live actors of a world always sum to 1:

    - a component whose total is 0 (no live actor holds any military, say, with
      ``base_spend = 0``) carries no information and is left out, the other
      component taking its weight, as COW's CINC averages only the components
      that are not missing (Singer, Bremer & Stuckey 1972);
    - when no component with a positive weight has a positive total, every live
      actor gets an equal share (nothing distinguishes them).

    >>> from powerbalance.params import Params
    >>> alive = np.array([[True, True, False]])
    >>> capability_share(np.array([[1.0, 3.0, 5.0]]), np.zeros((1, 3)), alive,
    ...                  Params()).tolist()
    [[0.25, 0.75, 0.0]]
    >>> capability_share(np.zeros((1, 3)), np.zeros((1, 3)), alive, Params()).tolist()
    [[0.5, 0.5, 0.0]]
    """
    w = np.where(alive, wealth, 0.0)
    m = np.where(alive, military, 0.0)
    # (np.add.reduce: the sums of ndarray.sum, without its Python wrapper.)
    wsum = np.add.reduce(w, axis=-1, keepdims=True)
    msum = np.add.reduce(m, axis=-1, keepdims=True)
    positive = (wsum > 0) & (msum > 0)
    if positive.all():  # the usual case: the same numbers as below, in fewer array passes
        return params.wealth_weight * (w / wsum) + (1.0 - params.wealth_weight) * (m / msum)
    ws = np.divide(w, wsum, out=np.zeros_like(w), where=wsum > 0)
    ms = np.divide(m, msum, out=np.zeros_like(m), where=msum > 0)
    share = params.wealth_weight * ws + (1.0 - params.wealth_weight) * ms
    degenerate = ~positive
    # Only worlds with an empty component are recomputed (the others stay bit-identical).
    weight_w = np.where(wsum > 0, params.wealth_weight, 0.0)
    weight_m = np.where(msum > 0, 1.0 - params.wealth_weight, 0.0)
    weight = weight_w + weight_m
    mixed = np.divide(weight_w * ws + weight_m * ms, weight, out=np.zeros_like(share),
                      where=weight > 0)
    live = alive.sum(axis=-1, keepdims=True)
    equal = np.divide(alive.astype(np.float64), live, out=np.zeros_like(share),
                      where=live > 0)
    fallback = np.where(weight > 0, mixed, equal)
    return np.where(degenerate, fallback, share)
