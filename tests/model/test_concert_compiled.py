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
