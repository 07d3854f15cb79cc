"""A strategy test harness in the manner of Axelrod-Python's ``TestPlayer``.

Each strategy's test class derives from :class:`StrategyTestCase` and declares

- ``name``: the registered strategy,
- ``expected_classifier``: classifier entries it must have,
- ``situations``: scripted :class:`Situation` s (opponents, a state, and the
  expected decision of the focal actor, which plays the strategy).

The base class checks registration, classification, documentation, every
scripted situation, and that the strategy is deterministic and batch-
invariant under a seed (world k of a batch equals world k alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.model.state import WorldState
from powerbalance.scenarios import load
from powerbalance.strategies import registry
from powerbalance.strategies.base import Actions
from tests.conftest import line_scenario, simulate_scenario

#: Scripted situations are judged with perfect information and no shocks.
EXACT = {"misperception": 0.0, "growth_noise": 0.0}


@dataclass
class Situation:
    """A scripted decision: actors on a line of provinces, an optional state edit, and
    the expected decision of actor ``focal`` (which plays the strategy under test)."""

    description: str
    actors: list[dict[str, Any]]
    focal: int
    expect: Callable[[Actions, Observation, int], bool]
    provinces: int = 4
    params: dict[str, Any] = field(default_factory=dict)
    setup: Callable[[WorldState], WorldState] | None = None
    alliances: list[list[Any]] | None = None


def actor(name: str, provinces: list[int], wealth: float = 5.0, military: float = 1.0,
          **extra: Any) -> dict[str, Any]:
    """An actor dict on provinces ``p{k}`` (the first is the capital)."""
    ids = [f"p{k}" for k in provinces]
    return {"name": name, "provinces": ids, "capital": ids[0], "wealth": wealth,
            "military": military, **extra}


def edit(state: WorldState, name: str, index: tuple[Any, ...], value: Any) -> WorldState:
    """A copy of ``state`` with ``state.<name>[index] = value``."""
    arr = getattr(state, name).copy()
    arr[index] = value
    return state.replace(**{name: arr})


def decide_in(name: str, situation: Situation) -> tuple[Actions, Observation]:
    """The actions of strategy ``name`` playing the focal actor of a situation."""
    actors = [dict(a) for a in situation.actors]
    actors[situation.focal]["strategy"] = name
    scen = line_scenario(actors, provinces=situation.provinces,
                         params={**EXACT, **situation.params}, alliances=situation.alliances)
    params = scen.make_params()
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, 0, [0])
    if situation.setup is not None:
        state = situation.setup(state)
    obs = Observation(state, setting, params)
    mask = np.zeros((1, len(actors)), dtype=bool)
    mask[0, situation.focal] = True
    return registry.get(name)().decide(obs, mask), obs


class StrategyTestCase:
    """Base class of the per-strategy tests (not collected itself)."""

    name: ClassVar[str] = ""
    expected_classifier: ClassVar[dict[str, Any]] = {}
    situations: ClassVar[tuple[Situation, ...]] = ()

    def test_registered_classified_and_documented(self) -> None:
        cls = registry.get(self.name)
        assert cls.name == self.name
        for key, want in self.expected_classifier.items():
            assert cls.classifier[key] == want, key
        assert {"concept", "stochastic", "reads"} <= set(cls.classifier)
        assert cls.references and cls.__doc__
        doc = " ".join(cls.__doc__.split())
        assert any(ref.split()[-1] in doc for ref in cls.references)
        assert self.name in registry.names()

    def test_scripted_situations(self) -> None:
        assert self.situations, "declare at least one scripted situation"
        for situation in self.situations:
            actions, obs = decide_in(self.name, situation)
            assert situation.expect(actions, obs, situation.focal), (
                f"{self.name}: {situation.description}")

    def test_deterministic_and_batch_invariant(self) -> None:
        scen = load(f"random:actors=6,provinces=3,seed=4,"
                    f"mix={self.name}:3+hegemon-seeker:1+external-balancer:1")
        one = simulate_scenario(scen, years=15, worlds=4, seed=9)
        two = simulate_scenario(scen, years=15, worlds=4, seed=9)
        alone = simulate_scenario(scen, years=15, worlds=1, seed=9, first_world=2)
        for field_name in ("share", "military", "territory", "alive"):
            np.testing.assert_array_equal(getattr(one, field_name), getattr(two, field_name))
            np.testing.assert_array_equal(getattr(one, field_name)[:, 2],
                                          getattr(alone, field_name)[:, 0])
        np.testing.assert_array_equal(one.events.kind, two.events.kind)
        sel = one.events.world == 2
        np.testing.assert_array_equal(one.events.kind[sel], alone.events.kind)
