"""The policy phase's compiled passes equal its NumPy rules bit for bit on lived-in states."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.experiments.runner import simulate
from powerbalance.model.actions import _ACTION_NAMES
from powerbalance.model.perception import Observation
from powerbalance.scenarios import load

pytest.importorskip("numba")


def _lived_in(spec: str, overrides: dict, seed: int = 7, years: int = 30):  # type: ignore[no-untyped-def]
    scenario = load(spec)
    params = scenario.make_params(overrides)
    setting = scenario.setting(params)
    state = simulate(scenario, params, setting, seed, np.arange(3), years,
                     record="final").final_state
    return state, setting, params


@pytest.mark.parametrize(("spec", "overrides"), [
    ("warring-states", {}), ("europe-1713", {}), ("europe-1713", {"distrust_threshold": 0.06}),
    ("random:actors=12", {"punish_threshold": 0.0})])
def test_compiled_external_balancer_decides_as_the_reference(spec, overrides):  # type: ignore[no-untyped-def]
    """Every live actor decides as an external balancer on both engines: the same actions,
    distrust included (0.06 rounds down in float32: the threshold is compared as NumPy
    compares it, in float32, entries at exactly float32(0.06) included)."""
    from powerbalance.strategies.external_balancer import ExternalBalancer

    state, setting, params = _lived_in(spec, overrides)
    if "distrust_threshold" in overrides:
        rng = np.random.default_rng(1)
        draw = rng.uniform(0.0, 0.1, state.abandonment.shape).astype(state.abandonment.dtype)
        draw[rng.random(draw.shape) < 0.2] = np.float32(0.06)
        state = state.replace(abandonment=draw,
                              exploitation=np.zeros_like(state.exploitation))
    ref = Observation(state, setting, params, share=state.last_share)
    got = Observation(state, setting.with_engine("compiled"), params, share=state.last_share)
    for mask in (state.alive, state.alive & (np.arange(state.n_actors) % 2 == 0)):
        x, y = ExternalBalancer().decide(ref, mask), ExternalBalancer().decide(got, mask)
        for name in _ACTION_NAMES:
            a, b = getattr(x, name), getattr(y, name)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name
        assert (x.offer >= 0).any()
