"""The arena registry, its specs and options, and determinism of arena runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerbalance.arenas import ARENA_NAMES, available, get, is_arena, load
from powerbalance.arenas.run import simulate
from powerbalance.errors import InputError


def test_both_spec_forms_and_presets() -> None:
    a, b = load("market(firms=5,antitrust=off)"), load("market:firms=5,antitrust=off")
    assert a.options == b.options and a.params == b.params
    assert a.options["firms"] == 5 and a.params.antitrust is False
    preset = load("market:preset=consolidation,firms=3")
    assert preset.options["strategy"] == "bandwagoner" and preset.options["firms"] == 3
    assert load("parliament:preset=westminster").options["rule"] == "fptp"
    assert load("market").short_name == "market"
    assert load("market:firms=3").short_name == "market:firms=3"
    names = [n for n, _ in available()]
    assert set(ARENA_NAMES) <= set(names) and "parliament:preset=westminster" in names
    assert is_arena("parliament(rule=fptp)") and not is_arena("random:actors=3")


def test_every_arena_names_its_words_and_cites_its_sources() -> None:
    for name in ARENA_NAMES:
        arena = get(name)
        words = arena.words.as_dict()
        assert {"actor", "resource", "contest", "alliance", "dominance"} <= set(words)
        assert arena.sources and all(o.doc for o in arena.options.values())
        for preset in arena.presets:
            load(f"{name}:preset={preset}")  # every preset is a valid option set
    assert get("market").words.actor == "firm" and get("parliament").words.actor == "party"
    assert get("constitution").words.actor == "branch"


@pytest.mark.parametrize("spec,field,allowed", [
    ("casino", "name", "market, parliament"),
    ("market:firms=1", "firms", "int from 2 to 64"),
    ("market:firms=2.5", "firms", "int"),
    ("market:growth_sd=-1", "growth_sd", "float from 0.0 to 2.0"),
    ("market:growth_sd=nan", "growth_sd", "float from 0.0 to 2.0"),
    ("market:colour=red", "colour", "firms=..."),
    ("market:antitrust=maybe", "antitrust", "on, off"),
    ("market:guidelines=2000", "guidelines", "1992, 2010, 2023"),
    ("market:preset=monopoly", "preset", "balancing"),
    ("market:strategy=wedger", "strategy", "external-balancer, bandwagoner"),
    ("market:strategy=nonsense", "strategy", "hegemon-seeker"),
    ("market:firms=2,strategy=status-quo+bandwagoner+buck-passer", "strategy", "at most 2"),
    ("market:entrant_share=0.001", "entrant_share", "above exit_share"),
    ("market(firms=3", "spec", "name(key=value"),
    ("parliament:rule=stv", "rule", "dhondt, sainte-lague, largest-remainder, fptp"),
    ("parliament:coalition=grand", "coalition", "minimal-winning, minimal-connected"),
    ("parliament:parties=11", "parties", "int from 2 to 10"),
    ("constitution:chambers=0", "chambers", "int from 1 to 2"),
])
def test_bad_specs_name_the_field_and_the_allowed_values(spec: str, field: str,
                                                         allowed: str) -> None:
    with pytest.raises(InputError) as err:
        load(spec)
    text = str(err.value)
    assert "\n" not in text and f"{field}:" in text and allowed in text


@pytest.mark.parametrize("spec", ["market:firms=6,segments=3", "parliament:rule=fptp",
                                  "parliament:coalition=minimal-connected,strategy="
                                  "buck-passer+bandwagoner+external-balancer",
                                  "constitution:preset=presidential,strategy=external-balancer+"
                                  "bandwagoner+status-quo"])
def test_same_seed_same_tables_whatever_the_batch(spec: str) -> None:
    whole = simulate(spec, worlds=23, years=12, seed=9)
    again = simulate(spec, worlds=23, years=12, seed=9)
    batched = simulate(spec, worlds=23, years=12, seed=9, batch_size=5)
    tail = simulate(spec, worlds=8, years=12, seed=9, first_world=15)
    for a, b in ((whole, again), (whole, batched)):
        pd.testing.assert_frame_equal(a.system, b.system)
        pd.testing.assert_frame_equal(a.actors, b.actors)
    part = whole.system[whole.system["world"] >= 15].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, tail.system)
    other = simulate(spec, worlds=23, years=12, seed=10)
    assert not whole.system["largest_share"].equals(other.system["largest_share"])


def test_record_levels_keep_the_years_they_say() -> None:
    full = simulate("market:firms=3", worlds=2, years=6, record="full")
    system = simulate("market:firms=3", worlds=2, years=6, record="system")
    final = simulate("market:firms=3", worlds=2, years=6, record="final")
    assert sorted(full.actors["year"].unique()) == list(range(7))
    assert sorted(system.system["year"].unique()) == list(range(7))
    assert sorted(system.actors["year"].unique()) == [0, 6]
    assert sorted(final.system["year"].unique()) == [0, 6]
    last = full.system[full.system["year"] == 6].reset_index(drop=True)
    pd.testing.assert_frame_equal(last, final.final())
    assert np.allclose(full.actors.groupby(["world", "year"])["share"].sum(), 1.0)
