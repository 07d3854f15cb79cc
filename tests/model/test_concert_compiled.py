"""The compiled engine runs the concert (powerbalance.model.law) bit-identically (a file of its
own, outside the mutation harness's law tests: it compiles the kernels)."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.model.events import EventKind
from powerbalance.scenarios import load


def test_the_compiled_engine_runs_the_concert_bit_identically():
    pytest.importorskip("numba")
    from powerbalance.experiments.runner import simulate

    scen = load("vienna-1815-concert")
    p = scen.make_params()
    setting = scen.setting(p)
    ref = simulate(scen, p, setting, 3, np.arange(4), 30)
    fast = simulate(scen, p, setting.with_engine("compiled"), 3, np.arange(4), 30)
    assert np.array_equal(ref.share, fast.share)
    assert np.array_equal(ref.norms, fast.norms)
    assert np.array_equal(ref.events.kind, fast.events.kind)
    # the concert acted: interventions against France's aggression are sanctions and wars
    assert (ref.events.kind == int(EventKind.SANCTION)).any()


def test_the_compiled_expected_defence_counts_the_concerts_deterrence_bit_identically():
    """The compiled side kernel adds the interveners' expected intervention (and drops an
    intervener ally's alliance help) exactly as Observation._with_concert does."""
    pytest.importorskip("numba")
    from powerbalance.model.perception import Observation
    from powerbalance.model.step import step

    scen = load("vienna-1815-concert")
    p = scen.make_params()
    setting = scen.setting(p)
    state = scen.initial_state(p, setting, 0, np.arange(6))
    for _ in range(8):  # a lived-in state: alliances, records, wars under way
        state, _ = step(state, setting, p)
    # every intervener busy in a war (on the next member): the forces it can bring to a
    # war under way differ from those for a new one
    members = np.flatnonzero(state.concert[0])
    war_target = np.array(state.war_target)
    for w in range(6):
        live = [k for k in members if state.alive[w, k]]
        for x, k in enumerate(live):
            war_target[w, k] = live[(x + 1) % len(live)]
    state = state.replace(war_target=war_target)
    n = state.n_actors
    b, j, e = (x.ravel() for x in np.meshgrid(np.arange(6), np.arange(n), np.arange(n),
                                               indexing="ij"))
    for ongoing in (False, True):
        ref = Observation(state, setting, p).expected_defence(b, j, e, ongoing)
        fast = Observation(state, setting.with_engine("compiled"), p).expected_defence(
            b, j, e, ongoing)
        assert np.array_equal(ref, fast)
    blind = Observation(state, setting, p.with_overrides({"concert_deterrence": False}))
    assert (ref > blind.expected_defence(b, j, e, True)).any()
