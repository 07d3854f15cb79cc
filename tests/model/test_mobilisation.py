"""Per-actor mobilisation: a unit of a steppe actor's spending buys more military.

``ActorSpec.mobilisation`` (raised to ``Params.mobilisation_scale``) multiplies the
military bought by ``spend * wealth`` each year (:func:`powerbalance.model.economy.economy`);
an actor without the field buys exactly what it bought before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.mechanisms import MECHANISMS
from powerbalance.model.economy import economy
from powerbalance.scenarios import load
from tests.conftest import line_scenario, simulate_scenario

#: No shocks and no spread of own growth: the two actors below are identical but for the field.
QUIET = {"misperception": 0.0, "growth_noise": 0.0, "growth_spread": 0.0}


def _actors(mobilisation: float | None = None, **extra: Any) -> list[dict[str, Any]]:
    a: dict[str, Any] = {"name": "A", "provinces": ["p0", "p1", "p2"], "capital": "p0",
                         "wealth": 10.0, "military": 3.0, **extra}
    if mobilisation is not None:
        a["mobilisation"] = mobilisation
    return [a, {"name": "B", "provinces": ["p3", "p4", "p5"], "capital": "p5", "wealth": 10.0,
                "military": 3.0}]


def _year(mobilisation: float | None = None, engine: str = "numpy", **params: Any):
    """The state before and after one economy phase of two worlds."""
    scen = line_scenario(_actors(mobilisation), provinces=6, params={**QUIET, **params})
    p = scen.make_params()
    setting = scen.setting(p).with_engine(engine)
    before = scen.initial_state(p, setting, 0, [0, 1])
    return before, economy(before, setting, p), p


def _year_at(spend: list[float], mobilisation: float = 3.0, engine: str = "numpy",
             **params: Any):
    """One economy phase of two worlds with each actor's spending set to ``spend``."""
    scen = line_scenario(_actors(mobilisation), provinces=6, params={**QUIET, **params})
    p = scen.make_params()
    setting = scen.setting(p).with_engine(engine)
    before = scen.initial_state(p, setting, 0, [0, 1])
    before = before.replace(spend=np.tile(np.asarray(spend, dtype=float), (2, 1)))
    return before, economy(before, setting, p), p


def _bought(before, after, params) -> np.ndarray:
    """(B, N) military bought this year: the new stock less what is left of the old."""
    return after.military - (1.0 - params.military_depreciation) * before.military


def test_a_mobilising_actor_buys_its_factor_times_the_military():
    before, after, p = _year(mobilisation=3.0)
    assert (after.wealth[:, 0] == after.wealth[:, 1]).all()   # identical but for the field
    bought = _bought(before, after, p)
    assert (bought[:, 1] > 0).all()
    assert bought[:, 0] == pytest.approx(3.0 * bought[:, 1], rel=1e-12)
    assert (after.military[:, 0] > after.military[:, 1]).all()


def test_the_mobilising_actors_military_grows_faster_over_decades():
    scen = line_scenario(_actors(mobilisation=3.0), provinces=6, params=QUIET)
    traj = simulate_scenario(scen, 30, worlds=4)
    plain = simulate_scenario(line_scenario(_actors(), provinces=6, params=QUIET), 30, worlds=4)
    # Against the null (the same world without the field) A outgrows its twin B ...
    assert (traj.military[-1, :, 0] > 1.5 * traj.military[-1, :, 1]).all()
    assert (plain.military[-1, :, 0] == plain.military[-1, :, 1]).all()
    # ... and grows no richer for it: the field changes the conversion, not the budget.
    assert (traj.wealth[-1, :, 0] == traj.wealth[-1, :, 1]).all()


def test_only_the_base_effort_converts_at_the_mobilisation():
    # A bids 0.08 (the strategy's effort), B spends the same 0.08 at the sedentary rate:
    # A's base 0.03 buys three times, the 0.05 above it what it buys B; not 3 x 0.08.
    before, after, p = _year_at([0.08, 0.08])
    assert p.base_spend == 0.03
    bought = _bought(before, after, p)
    per_unit = bought[:, 1] / 0.08   # military a unit of spending buys a sedentary state
    assert bought[:, 0] == pytest.approx((3.0 * 0.03 + 0.05) * per_unit, rel=1e-12)
    assert (bought[:, 0] < 2.0 * bought[:, 1]).all()   # the whole spend x 3 would be 3x


def test_spending_below_the_base_converts_wholly_at_the_mobilisation():
    before, after, p = _year_at([0.02, 0.02])
    bought = _bought(before, after, p)
    assert bought[:, 0] == pytest.approx(3.0 * bought[:, 1], rel=1e-12)


def test_the_base_is_params_base_spend():
    # With base_spend 0.06 the same bid of 0.08 has a base of 0.06 converting at 3.
    before, after, p = _year_at([0.08, 0.08], base_spend=0.06)
    bought = _bought(before, after, p)
    per_unit = bought[:, 1] / 0.08
    assert bought[:, 0] == pytest.approx((3.0 * 0.06 + 0.02) * per_unit, rel=1e-12)


def test_an_actor_without_the_field_is_unchanged_bit_for_bit():
    _, mobilised, _ = _year(mobilisation=3.0)
    _, plain, _ = _year()
    assert mobilised.military[:, 1].tobytes() == plain.military[:, 1].tobytes()
    assert mobilised.wealth.tobytes() == plain.wealth.tobytes()
    # The field at its default is the engine without it: the setting carries nothing.
    scen = line_scenario(_actors(mobilisation=1.0), provinces=6, params=QUIET)
    assert scen.setting(scen.make_params()).mobilisation is None
    one = simulate_scenario(scen, 20, worlds=2)
    none = simulate_scenario(line_scenario(_actors(), provinces=6, params=QUIET), 20, worlds=2)
    assert one.military.tobytes() == none.military.tobytes()


def test_the_scale_is_an_exponent_and_zero_switches_it_off():
    before, half, p = _year(mobilisation=4.0, mobilisation_scale=0.5)
    bought = _bought(before, half, p)
    assert bought[:, 0] == pytest.approx(2.0 * bought[:, 1], rel=1e-12)
    _, off, _ = _year(mobilisation=4.0, mobilisation_scale=0.0)
    _, plain, _ = _year()
    assert off.military.tobytes() == plain.military.tobytes()


def test_the_ablations_switch_off_mobilisation_and_mobility():
    scen = load("mongol-steppe-1206")
    on = scen.setting(scen.make_params())
    assert on.mobilisation is not None and on.mobility is not None
    mongols = scen.names.index("Mongols")
    assert on.mobilisation[mongols] == 6.8
    assert (np.delete(on.mobilisation, mongols) == 1.0).all()
    off = scen.setting(scen.make_params(MECHANISMS["mobilisation"].overrides))
    assert off.mobilisation is None and off.mobility is not None
    still = scen.setting(scen.make_params(MECHANISMS["mobility"].overrides))
    assert still.mobility is None and still.mobilisation is not None


def test_the_steady_start_military_uses_the_actors_conversion():
    actors = _actors(mobilisation=2.0)
    for a in actors:
        del a["military"]
    scen = line_scenario(actors, provinces=6, params=QUIET)
    p = scen.make_params()
    state = scen.initial_state(p, scen.setting(p), 0, [0])
    assert state.military[0, 0] == pytest.approx(2.0 * state.military[0, 1], rel=1e-12)


@pytest.mark.parametrize("bad", [0.0, 25.0, "many"])
def test_an_out_of_range_mobilisation_is_a_clear_input_error(bad):
    with pytest.raises(InputError, match="mobilisation"):
        line_scenario(_actors(mobilisation=bad), provinces=6)


def test_the_compiled_economy_mirrors_mobilisation_bit_for_bit():
    pytest.importorskip("numba")
    _, ref, _ = _year(mobilisation=3.0)
    _, got, _ = _year(mobilisation=3.0, engine="compiled")
    for name in ("military", "wealth", "productivity"):
        assert getattr(ref, name).tobytes() == getattr(got, name).tobytes(), name
    # Above the base (a bid) and below it, the compiled split is the numpy one.
    for spend, base in (([0.08, 0.05], 0.03), ([0.02, 0.01], 0.03), ([0.08, 0.05], 0.06)):
        _, ref, _ = _year_at(spend, base_spend=base)
        _, got, _ = _year_at(spend, engine="compiled", base_spend=base)
        assert ref.military.tobytes() == got.military.tobytes(), (spend, base)
        assert not (ref.military == _year_at(spend, base_spend=0.0)[1].military).all()
