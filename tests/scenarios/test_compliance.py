"""An actor's compliance with the law of nations, fixed in a scenario file."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.errors import InputError
from tests.conftest import line_scenario


def _two(compliance: object) -> list[dict[str, object]]:
    return [{"name": "A", "provinces": ["p0", "p1"], "capital": "p0", "compliance": compliance},
            {"name": "B", "provinces": ["p2", "p3"], "capital": "p2"}]


def test_a_fixed_compliance_reaches_the_state_and_the_others_stay_to_be_drawn() -> None:
    scen = line_scenario(_two(0.25))
    assert [a.compliance for a in scen.actors] == [0.25, None]
    p = scen.make_params()
    state = scen.initial_state(p, scen.setting(p), 0, np.arange(3))
    assert (state.compliance[:, 0] == 0.25).all() and np.isnan(state.compliance[:, 1]).all()
    plain = line_scenario([{k: v for k, v in a.items() if k != "compliance"}
                           for a in _two(0.25)])
    assert plain.initial_state(p, plain.setting(p), 0, [0]).compliance is None


@pytest.mark.parametrize("bad", [1.5, -0.1, "high", True])
def test_a_bad_compliance_is_a_one_line_error_naming_the_field(bad: object) -> None:
    with pytest.raises(InputError, match=r"actors\[0\]\.compliance"):
        line_scenario(_two(bad))
