"""Machinery of issue 13's item 4 experiments: the security dilemma where war is possible,
the steppe empire and polarity from data forward (out of sample).

No verdict is pinned: the tests check that the arms exist and differ from one another and
from their nulls by exactly the stated change, and that the statistics are what their
descriptions say (recomputed from the run tables or the data).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.claims import (
    STEPPE_MOBILISATION_DOSES,
    _forward_options,
    all_arms,
    applicable_mechanisms,
    arms_growth,
    attacked_by,
    get,
    null_arms,
    run_experiment,
    territory_share,
    wars_begun,
)
from powerbalance.experiments.mechanisms import MECHANISMS
from powerbalance.experiments.plausible import PLAUSIBLE
from powerbalance.experiments.results import run
from powerbalance.model.economy import economy
from powerbalance.params import Params
from powerbalance.scenarios import Scenario, load
from powerbalance.scenarios.cow_scenario import cow_scenario, observed_measures

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "analysis" / "fixtures" / "cow"
DATA = ROOT / ".." / "shared" / "data"


def strategies(arm) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {a.name: a.strategy for a in arm.build().actors}


def differing(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {k for k in a if a[k] != b[k]}


# --- the security dilemma where war is possible -------------------------------------------

def test_security_dilemma_war_arms_differ_by_exactly_the_mechanism() -> None:
    exp = get("security-dilemma-war")
    arms = all_arms(exp)
    restraint, arming, unread = arms["restraint"], arms["arming"], arms["arming-unread"]
    # war is possible: the rival is a strategy that initiates war
    from powerbalance.strategies import registry

    assert registry.get(strategies(arming)["Sparta"], "t").classifier["initiates_war"]
    # arming and restraint: Athens's strategy and nothing else
    assert differing(strategies(arming), strategies(restraint)) == {"Athens"}
    assert arming.overrides == restraint.overrides == {}
    # not read as threat: the same strategies, only the two reading channels switched off
    assert strategies(unread) == strategies(arming)
    assert unread.overrides == {**MECHANISMS["threat-trend"].overrides,
                                **MECHANISMS["preventive-war"].overrides}
    _, of = null_arms(exp)
    assert of["arming"] == "restraint"  # the arming arm's null is the restraint arm
    null = arms[of["arming-unread"]]
    assert null.overrides == unread.overrides
    assert differing(strategies(null), strategies(unread)) == {"Athens"}


def test_preventive_war_switch_is_in_range_and_documented() -> None:
    m = MECHANISMS["preventive-war"]
    assert m.doc
    scen = load("security-dilemma-war")
    params = scen.make_params(m.overrides)  # validated: at the top of the allowed range
    assert params.preventive_ratio == m.overrides["preventive_ratio"] > Params().preventive_ratio
    with pytest.raises(InputError, match="preventive_ratio"):
        scen.make_params({"preventive_ratio": m.overrides["preventive_ratio"] * 1.01})


def test_war_statistics_read_the_wars_table() -> None:
    scen = load("security-dilemma-war")  # Athens status-quo: Sparta may attack it
    r = run(scen, years=30, worlds=6, seed=5, record="system")
    assert len(r.wars) > 0  # war is possible in this world
    counts = r.wars.groupby("world").size().reindex(range(6), fill_value=0).to_numpy()
    np.testing.assert_array_equal(wars_begun(r, scen), counts)
    w = r.wars
    hit = ((w["initiator"] == 1) & (w["target"] == 0)).groupby(w["world"]).any()
    np.testing.assert_array_equal(attacked_by("Sparta", "Athens")(r, scen),
                                  hit.reindex(range(6), fill_value=False).to_numpy(float))
    assert not attacked_by("Athens", "Sparta")(r, scen).any()  # Athens never initiates
    a = r.actors[r.actors["alive"]]
    end = a[a["year"] == 30].groupby("world")["military"].sum()
    start = a[a["year"] == 0].groupby("world")["military"].sum()
    np.testing.assert_allclose(arms_growth(r, scen), (end / start).to_numpy())


# --- the steppe empire ----------------------------------------------------------------------

def test_mongol_steppe_arms_and_null() -> None:
    exp = get("mongol-steppe")
    arms = all_arms(exp)
    sedentary = {"Xia", "Jin", "Song", "Khwarazm"}
    for arm in arms.values():
        assert strategies(arm)["Mongols"] == "hegemon-seeker"  # the bid is in every arm
    _, of = null_arms(exp)
    null = arms[of["balancing"]]
    assert differing(strategies(arms["balancing"]), strategies(null)) == sedentary
    assert set(strategies(null).values()) == {"hegemon-seeker", "status-quo"}
    assert of["historical"] == of["balancing"]  # one world, one null
    # The steppe's reach is the Mongols' own mobility; the arms take it away, or give the
    # long reach to everyone (the scenario before per-actor mobility).
    scen = load("mongol-steppe-1206")
    assert "reach_midpoint" not in scen.params
    mobility = {a.name: a.mobility for a in scen.actors}
    assert mobility["Mongols"] > 1.0 and all(mobility[s] == 1.0 for s in sedentary)
    for label in ("balancing-no-mobility", "balancing-shared-reach"):
        arm = arms[label]
        assert strategies(arm) == strategies(arms["balancing"])
        assert {a.name: a.mobility for a in arm.build().actors}["Mongols"] == 1.0
    assert arms["balancing-no-mobility"].overrides == {}
    shared = arms["balancing-shared-reach"].overrides["reach_midpoint"]
    assert shared == mobility["Mongols"] * Params().reach_midpoint


def _mongol_force_bought(scen: Scenario, scale: float = 1.0) -> tuple[float, float]:
    """The military the Mongols and Jin buy in one economy year of ``scen`` at
    ``mobilisation_scale = scale``, each at the spending its strategy sets (the Mongols bid)."""
    p = scen.make_params({"mobilisation_scale": scale, "growth_noise": 0.0,
                          "growth_spread": 0.0})
    setting = scen.setting(p)
    state = scen.initial_state(p, setting, 0, [0])
    spend = np.full((1, len(scen.actors)), p.base_spend)
    mongols, jin = scen.names.index("Mongols"), scen.names.index("Jin")
    spend[0, mongols] = p.bid_spend
    state = state.replace(spend=spend)
    after = economy(state, setting, p)
    bought = after.military - (1.0 - p.military_depreciation) * state.military
    return float(bought[0, mongols]), float(bought[0, jin])


def test_mongol_steppe_dose_response_over_mobilisation_scale() -> None:
    # The dose arms: the balancing arm with mobilisation_scale at the ends of its plausible
    # range, each with its own null.
    exp = get("mongol-steppe")
    arms = all_arms(exp)
    _, of = null_arms(exp)
    band = PLAUSIBLE["mobilisation_scale"]
    assert STEPPE_MOBILISATION_DOSES == (band.lo, band.hi)
    plain = load("mongol-steppe-1206")
    for scale in STEPPE_MOBILISATION_DOSES:
        arm = arms[f"balancing-mobilisation-{scale}"]
        assert arm.overrides == {}   # the ablation 'mobilisation' stays applicable
        assert strategies(arm) == strategies(arms["balancing"])
        null = arms[of[arm.label]]
        assert null.changes == arm.changes and null.label != of["balancing"]
        assert differing(strategies(arm), strategies(null)) == {"Xia", "Jin", "Song",
                                                                   "Khwarazm"}
        # The dose is what mobilisation_scale = scale does to the scenario's own figure.
        dosed = arm.build().setting(arm.build().make_params()).mobilisation
        scaled = plain.setting(plain.make_params({"mobilisation_scale": scale})).mobilisation
        assert dosed is not None and scaled is not None
        assert dosed.tobytes() == scaled.tobytes()
    assert "mobilisation" in {m.name for m in applicable_mechanisms(exp)}
    # The dose moves what it should: the Mongols' mobilised force rises with the dose, a
    # sedentary state's does not move, and the bid above base_spend is not multiplied.
    doses = [arms[f"balancing-mobilisation-{STEPPE_MOBILISATION_DOSES[0]}"].build(),
             arms["balancing"].build(),
             arms[f"balancing-mobilisation-{STEPPE_MOBILISATION_DOSES[1]}"].build()]
    bought = [_mongol_force_bought(scen) for scen in doses]
    mongol = [m for m, _ in bought]
    assert mongol[0] < mongol[1] < mongol[2]
    assert len({j for _, j in bought}) == 1
    p = Params()
    sedentary_rate = _mongol_force_bought(plain, 0.0)[0] / p.bid_spend   # scale 0: m = 1
    assert mongol[1] == pytest.approx(
        (6.8 * p.base_spend + (p.bid_spend - p.base_spend)) * sedentary_rate, rel=1e-9)


def test_territory_share_counts_provinces() -> None:
    scen = load("mongol-steppe-1206")
    r = run(scen, years=10, worlds=4, seed=2, record="system")
    a = r.actors[(r.actors["year"] == 10) & (r.actors["actor"] == 0)].set_index("world")
    expected = np.where(a["alive"], a["territory"] / scen.province_map.n, 0.0)
    np.testing.assert_allclose(territory_share("Mongols")(r, scen), expected)
    first = r.actors[(r.actors["year"] == 0) & (r.actors["actor"] == 0)]
    assert int(first["territory"].iloc[0]) == 3


# --- polarity from data, forward --------------------------------------------------------------

def test_forward_options_parse_and_refuse_bad_values() -> None:
    assert _forward_options("") == ([1816, 1870, 1919, 1946], [25, 50], "")
    assert _forward_options("starts=1816 1870,horizons=50 25,data=X") == (
        [1816, 1870], [25, 50], "data=X")
    for bad in ("starts=", "horizons=0", "starts=abc"):
        with pytest.raises(InputError):
            _forward_options(bad)


def test_forward_runner_compares_with_the_observed_future_on_fixture_data() -> None:
    """Fixture data of 1816 and 1817: the errors are recomputed from the run and the data."""
    opts = f"data={FIXTURES},starts=1816,horizons=1"
    r = run_experiment("polarity-forward", worlds=5, seed=4, options=opts)
    start = cow_scenario(f"1816,data={FIXTURES}")
    later = cow_scenario(f"1817,data={FIXTURES}")
    observed = observed_measures(later)
    sim = run(start, years=1, worlds=5, seed=4, record="system").system
    con1 = sim[sim["year"] == 1].sort_values("world")["con"].to_numpy()
    pw = r.per_world
    np.testing.assert_allclose(pw["model:con_error"], np.abs(con1 - observed["con"]))
    persistence = abs(observed_measures(start)["con"] - observed["con"])
    np.testing.assert_allclose(pw["persistence:con_error"], persistence)
    assert set(r.arms["arm"]) == {"model", "persistence", "random-walk"}
    assert list(r.runs) == ["from-1816"]  # the forward run is kept (written by --out)
    assert r.runs["from-1816"].system.equals(run(start, years=1, worlds=5, seed=4,
                                                 record="system").system)
    for c in r.comparisons.itertuples():
        d = pw[f"{c.high}:{c.statistic}"] - pw[f"{c.low}:{c.statistic}"]
        assert c.difference == pytest.approx(float(d.mean()))
    assert r.holds == bool(r.comparisons["holds"].all())
    assert set(r.null_effects["null"]) == {"persistence", "random-walk"}
    again = run_experiment("polarity-forward", worlds=5, seed=4, options=opts)
    assert again.per_world.equals(pw)  # the random walk is seeded from the master seed
    other = run_experiment("polarity-forward", worlds=5, seed=5, options=opts)
    assert not np.allclose(other.per_world["random-walk:con_error"], pw["random-walk:con_error"])
    assert not math.isnan(float(pw["random-walk:polarity_match"].mean()))


def test_forward_runner_needs_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERBALANCE_DATA", raising=False)
    with pytest.raises(InputError, match="data"):
        run_experiment("polarity-forward", worlds=2)
    with pytest.raises(InputError, match="compares no arms"):
        run_experiment("polarity-forward", worlds=2, ablation=True)


@pytest.mark.realdata
@pytest.mark.skipif(not (DATA / "NMC-60-abridged.csv").is_file(),
                    reason="licensed COW data not found in ../shared/data beside the checkout "
                           "(it is never committed)")
def test_forward_runner_on_real_data() -> None:
    r = run_experiment("polarity-forward", worlds=3, seed=1,
                       options=f"data={DATA},starts=1946,horizons=25")
    assert "1946+25: observed" in r.notes
    wars = len(r.runs["from-1946"].wars) / 3
    assert f"Wars begun per world in the forward runs (25 years): 1946: {wars:.2f}." in r.notes
    assert (r.per_world["model:con_error"] >= 0).all()


def test_experiments_are_distinct_from_their_originals() -> None:
    """The new experiments sit beside claims 6, 7 and 8 without replacing them."""
    for old, new in (("security-dilemma", "security-dilemma-war"),
                     ("exceptions", "mongol-steppe"),
                     ("polarity-from-data", "polarity-forward")):
        assert get(old).claim == get(new).claim
        assert dataclasses.asdict(get(old).arms[0]) != dataclasses.asdict(get(new).arms[0])
