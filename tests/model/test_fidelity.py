"""Issue 11's rules, each on a small scripted world: alliances that may fail, offensive
calls, shares of conquest, crises and concessions, wars that last, alliance aims, coercive
wedges, water, the nuclear taboo, trends and power transitions, stable ids."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.model.diplomacy import diplomacy
from powerbalance.model.events import EventKind
from powerbalance.model.perception import Observation, reliability, update_trend
from powerbalance.model.step import step
from powerbalance.model.subversion import pressures
from powerbalance.params import Params
from powerbalance.strategies import registry
from powerbalance.strategies.base import Actions
from tests.conftest import event_rows, line_scenario, simulate_scenario
from tests.strategies.harness import actor, edit

EXACT = {"misperception": 0.0, "growth_noise": 0.0, "growth_spread": 0.0}
FIGHT = {**EXACT, "concession_odds": 0.0, "seeker_wedges": False}


def start(scen, worlds: int = 1):  # type: ignore[no-untyped-def]
    params = scen.make_params()
    setting = scen.setting(params)
    return scen.initial_state(params, setting, 0, np.arange(worlds)), setting, params


# --- alliances that may fail ------------------------------------------------------------

def test_a_hollow_alliance_adds_less_to_defence_than_a_kept_one():
    scen = line_scenario([actor("A", [0], 5.0, 5.0), actor("W", [1], 1.0, 1.0),
                          actor("K", [2], 5.0, 4.0)], provinces=3, params=EXACT,
                         alliances=[["W", "K"]])
    state, setting, params = start(scen)
    kept = edit(edit(state, "calls", (0, 2), 10.0), "honoured", (0, 2), 10.0)
    hollow = edit(state, "calls", (0, 2), 10.0)
    def defence(s):  # type: ignore[no-untyped-def]
        # W's expected defence against A.
        return Observation(s, setting, params).expected_defence(
            np.array([0]), np.array([1]), np.array([0]))[0]

    d_kept, d_new, d_hollow = defence(kept), defence(state), defence(hollow)
    assert d_kept > d_new > d_hollow > state.military[0, 1]
    # The prior mean is Leeds, Long & Mitchell's 74.5%; the record moves it (Beta posterior).
    assert reliability(state, params)[0, 2] == pytest.approx(params.reliability_prior)
    w = params.reliability_weight
    assert reliability(hollow, params)[0, 2] == pytest.approx(
        params.reliability_prior * w / (10 + w))


def test_every_defensive_call_enters_the_record_with_the_share_sent():
    scen = line_scenario([
        actor("H", [0], 10.0, 10.0, strategy="hegemon-seeker"),
        actor("X", [1, 2], 3.0, 1.0), actor("Bk", [3], 5.0, 4.0, strategy="balker"),
    ], params={**FIGHT, "attack_odds": 0.5}, alliances=[["X", "Bk"]])
    traj = simulate_scenario(scen, years=1, worlds=3)
    called = event_rows(traj, "ally_called")
    assert len(called) == 3 and (called[:, 2] == 2).all() and (called[:, 3] == 1).all()
    assert np.allclose(called[:, 4], Params().balk_share)
    final = traj.final_state
    decay = 1 - Params().memory_decay
    assert np.allclose(final.calls[:, 2], 1.0 * decay ** 0)
    assert np.allclose(final.honoured[:, 2], Params().balk_share)


def test_the_attackers_allies_are_called_and_join_only_if_they_fight_offensive_wars():
    def run(strategy: str):  # type: ignore[no-untyped-def]
        scen = line_scenario([
            actor("Ally", [0], 5.0, 5.0, strategy=strategy),
            actor("H", [1], 10.0, 10.0, strategy="hegemon-seeker"),
            actor("V", [2, 3], 3.0, 1.0),
        ], params={**FIGHT, "seeker_spares_until": 1.0},   # H, a hegemon, keeps its ally
            alliances=[["Ally", "H"]])
        return simulate_scenario(scen, years=2, worlds=4)

    # The bandwagoner's declared obligation is in force from the year after it declares
    # it (model/step.py): it joins the war's second campaign, not its first.
    bandwagon = run("bandwagoner")
    joined = event_rows(bandwagon, "war_joined")
    assert len(joined) == 4 and (joined[:, 2] == 0).all() and (joined[:, 3] == 1).all()
    calls = event_rows(bandwagon, "ally_called")
    first = calls[:, 1] == calls[:, 1].min()
    assert first.sum() == 4 and (calls[first, 4] == 0).all() and (calls[~first, 4] == 1).all()
    quiet = run("status-quo")
    assert not len(event_rows(quiet, "war_joined"))
    called = event_rows(quiet, "ally_called")
    assert len(called) == 8 and (called[:, 4] == 0).all()
    assert not len(event_rows(quiet, "abandoned"))   # a defensive pact owes no offence


def test_an_ally_that_shirks_against_the_enemy_sends_nothing():
    scen = line_scenario([actor("H", [0], 10.0, 10.0, strategy="hegemon-seeker"),
                          actor("X", [1, 2], 3.0, 1.0), actor("Y", [3], 5.0, 4.0)],
                         params={**FIGHT, "attack_odds": 0.5}, alliances=[["X", "Y"]])
    state, setting, params = start(scen)
    obs = Observation(state, setting, params)
    from powerbalance.model.policy import decide
    from powerbalance.model.war import war

    actions = decide(obs)
    for shirk, sent in ((0, 0.0), (-1, 1.0)):
        act = actions.replace(shirk=np.array([[-1, -1, shirk]]))
        _, events, _, camp = war(state, act, obs, setting, params)
        ev = [e for e in events if len(e) and e.kind[0] == EventKind.ALLY_CALLED][0]
        assert ev.actor.tolist() == [2] and ev.value.tolist() == [sent]
        assert (2 in camp.actor.tolist()) == (sent > 0)


def test_allies_share_a_conquest_in_proportion_to_their_contribution():
    # V's one province borders the patron H (p1) and the bandwagoner B (p3): whoever
    # takes it is drawn with chance proportional to the strength contributed.
    def share(b_military: float) -> tuple[float, float]:
        scen = line_scenario([
            actor("H", [1], 10.0, 10.0, strategy="hegemon-seeker"),
            actor("V", [2], 2.0, 0.5), actor("B", [3], 5.0, b_military, strategy="bandwagoner"),
            actor("Z", [0], 1.0, 0.1),
        ], provinces=4, params={**FIGHT, "conquest_rate": 1.0, "attack_odds": 0.0,
                                "seeker_spares_until": 1.0},   # H keeps its allies
            alliances=[["H", "B"]])
        state, setting, params = start(scen, 4000)
        # Only the war on V: Z is out of reach (H spares it in this test).
        state = state.replace(alliance=np.broadcast_to(
            np.array([[0, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
                     dtype=np.float32), state.alliance.shape).copy(),
            join_offence=np.ones(state.alive.shape))   # B's offensive obligation in force
        state, rec = step(state, setting, params)
        ev = rec.events
        took = ev.kind == EventKind.CONQUEST
        by_b = ((ev.actor == 2) & took & (ev.other == 1)).sum()
        by_h = ((ev.actor == 0) & took & (ev.other == 1)).sum()
        camp = rec.campaigns
        c_h = camp.committed[(camp.actor == 0)].sum()
        c_b = camp.committed[(camp.actor == 2)].sum()
        return by_b / (by_b + by_h), c_b / (c_b + c_h)

    for m in (2.0, 8.0):
        got, want = share(m)
        assert 0.05 < want < 0.95, (m, want)   # both took part: the draw is tested
        assert abs(got - want) < 0.05, (m, got, want)


# --- crises, concessions and wars that last ------------------------------------------------

def duel(**params):  # type: ignore[no-untyped-def]
    return line_scenario([
        actor("A", [0, 1], 10.0, 10.0, strategy="hegemon-seeker"),
        actor("B", [2, 3], 2.0, 1.0)], provinces=4,
        params={**EXACT, "seeker_wedges": False, **params})


def test_a_weak_target_concedes_the_demand_without_a_war():
    traj = simulate_scenario(duel(concession_odds=0.5), years=1, worlds=20)
    demands = event_rows(traj, "demand")
    assert len(demands) == 20 and (demands[:, 4] < 0.5).all()
    conceded = event_rows(traj, "concession")
    # Every conceded demand is a peaceful transfer of the demanded province (B's p2).
    assert len(conceded) == 20 and (conceded[:, 2] == 1).all() and (conceded[:, 3] == 0).all()
    assert (conceded[:, 4] == 1).all()
    assert not len(event_rows(traj, "war_won")) + len(event_rows(traj, "war_lost"))
    assert (traj.territory[1, :, 0] == 3).all() and (traj.military[1] > 0).all()
    resisted = simulate_scenario(duel(concession_odds=0.0), years=1, worlds=20)
    assert not len(event_rows(resisted, "concession"))
    assert len(event_rows(resisted, "war_begun")) == 20


def test_a_war_lasts_until_the_loser_of_a_campaign_concedes():
    equal = {"concession_odds": 0.0}
    scen = line_scenario([
        actor("A", [0, 1, 2], 6.0, 6.0, strategy="hegemon-seeker"),
        actor("B", [3, 4, 5], 6.0, 5.0)], provinces=6,
        # The odds rule starts the war whatever its expected length (a seeker pricing the
        # war would shun an endless one at peace_odds 0): the test is of how wars end.
        params={**FIGHT, **equal, "attack_odds": 0.3, "war_damage": 0.0,
                "seeker_rule": "odds"})
    never = simulate_scenario(scen, years=6, worlds=10, overrides={"peace_odds": 0.0})
    assert len(event_rows(never, "war_begun")) == 10
    # Nobody concedes: one war per world, a campaign every year until a collapse.
    assert len(event_rows(never, "war_won")) + len(event_rows(never, "war_lost")) > 30
    always = simulate_scenario(scen, years=6, worlds=10, overrides={"peace_odds": 1.0})
    begun, ended = event_rows(always, "war_begun"), event_rows(always, "war_ended")
    campaigns = len(event_rows(always, "war_won")) + len(event_rows(always, "war_lost"))
    assert campaigns == len(begun) == len(ended)   # every war ends after one campaign
    assert set(ended[:, 4].astype(int)) <= {1, 2}


def test_a_war_ends_when_a_principal_collapses():
    traj = simulate_scenario(duel(concession_odds=0.0, peace_odds=0.0, conquest_rate=1.0),
                             years=6, worlds=10)
    deaths = event_rows(traj, "death")
    ended = event_rows(traj, "war_ended")
    assert len(deaths)
    for w, year, dead, _, _ in deaths:
        row = ended[(ended[:, 0] == w) & (ended[:, 1] == year)]
        assert len(row) == 1 and row[0, 4] == (1 if dead == 1 else 2)


# --- alliance aims, balkers and coercive wedges -----------------------------------------

def _diplomacy_of(state, setting, params, **fields):  # type: ignore[no-untyped-def]
    obs = Observation(state, setting, params)
    b, n = state.alive.shape
    actions = Actions.passive(b, n, params.base_spend)
    actions = actions.replace(**{k: np.broadcast_to(np.asarray(v), (b, n)).copy()
                                 for k, v in fields.items()})
    return diplomacy(state, actions, obs, params)


def sea_map(actors, land, sea, provinces, **params):  # type: ignore[no-untyped-def]
    """A scenario on provinces p0.. with the given land and sea links only."""
    from powerbalance.scenarios import parse

    return parse({"name": "test-sea", "params": {**EXACT, **params}, "actors": actors,
                  "map": {"topology": "graph",
                          "provinces": [{"id": f"p{i}", "x": float(i), "y": 0.0}
                                        for i in range(provinces)],
                          "land": [[f"p{a}", f"p{b}"] for a, b in land],
                          "sea": [[f"p{a}", f"p{b}"] for a, b in sea]}}, "test-sea.toml")


def test_an_alliance_records_its_threat_and_is_left_only_when_that_threat_has_passed():
    # The great power G, far across the sea, allies with the weak W against R, which
    # threatens W but not G.
    scen = sea_map([actor("G", [0], 6.0, 6.0), actor("W", [1], 1.0, 1.0),
                    actor("R", [2], 4.0, 4.0)], land=[(1, 2)], sea=[(0, 1)], provinces=3,
                   sea_cost=30.0)
    state, setting, params = start(scen)
    state, _ = _diplomacy_of(state, setting, params, offer=[-1, 0, -1])
    assert state.alliance[0, 0, 1] > 0 and state.aim[0, 0, 1] == 2 == state.aim[0, 1, 0]
    kept, _ = _diplomacy_of(state, setting, params, leave_passed=[True, False, False])
    assert kept.alliance[0, 0, 1] > 0          # R still threatens W: G stays
    relieved = state.replace(military=state.military * [1, 1, 0.01],
                             wealth=state.wealth * [1, 1, 0.01])
    gone, events = _diplomacy_of(relieved, setting, params,
                                 leave_passed=[True, False, False])
    assert gone.alliance[0, 0, 1] == 0
    assert any((e.kind == EventKind.ALLIANCE_BROKEN).any() for e in events)


def test_accept_ratio_refuses_offers_from_weaker_proposers():
    # Bk's top threat is T; S (stronger than Bk, across the sea) and W (weaker) offer.
    scen = sea_map([actor("S", [0], 8.0, 8.0), actor("Bk", [1], 4.0, 4.0),
                    actor("T", [2], 6.0, 6.0), actor("W", [3], 1.0, 1.0)],
                   land=[(1, 2), (2, 3)], sea=[(0, 1)], provinces=4, sea_cost=30.0)
    state, setting, params = start(scen)
    for proposer, formed in ((0, True), (3, False)):
        offer = [-1, -1, -1, -1]
        offer[proposer] = 1
        new, _ = _diplomacy_of(state, setting, params, offer=offer,
                               accept_ratio=[0.0, 1.0, 0.0, 0.0])
        assert (new.alliance[0, proposer, 1] > 0) == formed
        unpressed, _ = _diplomacy_of(state, setting, params, offer=offer)
        assert unpressed.alliance[0, proposer, 1] > 0


def test_a_pressured_member_stays_out_only_when_intimidated():
    scen = line_scenario([actor("W", [0], 20.0, 20.0), actor("M", [1], 2.0, 1.0),
                          actor("Rich", [2], 30.0, 25.0)], provinces=3, params=EXACT)
    state, setting, params = start(scen)
    obs = Observation(state, setting, params)
    actions = Actions.passive(1, 3, params.base_spend)
    for target, cowed in ((1, True), (2, False)):
        act = actions.replace(pressure=np.array([[target, -1, -1]]),
                              offer=np.array([[-1, 2, 1]]))
        out, events = pressures(act, obs, params)
        assert (out.offer[0, target] == -1) == cowed
        assert bool(events) == cowed


# --- water, nuclear taboo, trends and transitions ---------------------------------------

def island(**params):  # type: ignore[no-untyped-def]
    """A continental power C (p0-p1) and an equal insular one I (p2-p3), linked by sea."""
    return sea_map([actor("C", [0, 1], 5.0, 5.0, strategy="hegemon-seeker"),
                    actor("I", [3, 2], 5.0, 5.0)], land=[(0, 1), (2, 3)], sea=[(1, 2)],
                   provinces=4, sea_cost=0.0, **params)


def test_the_amphibious_penalty_lowers_odds_across_the_sea():
    from powerbalance.model.derived import adjacency

    def odds(penalty: float) -> float:
        scen = island(amphibious_penalty=penalty)
        state, setting, params = start(scen)
        # The land-border cache is filled on the first step; build it here the same way.
        state = state.replace(land_adjacent=adjacency(state.owner, 2, setting, land_only=True))
        assert state.adjacent[0, 0, 1] and not state.land_adjacent[0, 0, 1]
        obs = Observation(state, setting, params)
        return float(obs.win_odds(np.array([0]), np.array([0]), np.array([1]))[0])

    plain, wet = odds(0.0), odds(0.5)
    assert wet < plain and wet / (1 - wet) == pytest.approx(0.5 * plain / (1 - plain))
    assert wet < Params().attack_odds    # an equal continental rival does not try
    traj = simulate_scenario(island(), years=30, worlds=10)
    assert not len(event_rows(traj, "demand"))
    traj = simulate_scenario(island(amphibious_penalty=0.0, attack_odds=0.3), years=5,
                             worlds=10)
    assert len(event_rows(traj, "demand"))


def test_the_amphibious_penalty_in_a_campaign_falls_on_each_participant_by_its_own_border():
    # A attacks T across the sea with its ally L, which borders T by land; T's ally S
    # comes across the sea to a friendly coast. Only A pays the penalty: L has a land
    # border, and S reinforces its ally's shore rather than assaulting a defended one.
    from powerbalance.model.derived import adjacency
    from powerbalance.model.war import war

    def campaign(penalty: float):  # type: ignore[no-untyped-def]
        from powerbalance.scenarios import parse

        scen = parse({"name": "test-sea", "params": {**FIGHT, "amphibious_penalty": penalty},
                      "actors": [actor("A", [0], 5.0, 5.0), actor("T", [1], 5.0, 5.0),
                                 actor("S", [2], 5.0, 4.0), actor("L", [3], 5.0, 3.0)],
                      "alliances": [["T", "S"], ["A", "L"]],
                      "map": {"topology": "graph",
                              "provinces": [{"id": f"p{i}", "x": float(i % 2), "y": i // 2}
                                            for i in range(4)],
                              "land": [["p3", "p1"]], "sea": [["p0", "p1"], ["p1", "p2"]]}},
                     "test-sea.toml")
        state, setting, params = start(scen)
        state = state.replace(land_adjacent=adjacency(state.owner, 4, setting, land_only=True),
                              join_offence=np.ones((1, 4)))   # the obligation in force
        obs = Observation(state, setting, params)
        assert obs.adjacent[0, 0, 1] and not state.land_adjacent[0, 0, 1]
        assert state.land_adjacent[0, 3, 1] and not state.land_adjacent[0, 2, 1]
        actions = Actions.passive(1, 4, params.base_spend).replace(
            attack=np.array([[1, -1, -1, -1]]), join_offence=np.ones((1, 4)))
        _, _, _, camp = war(state, actions, obs, setting, params)
        assert sorted(camp.actor.tolist()) == [0, 1, 2, 3]
        strength = camp.committed * obs.reach[0, camp.actor, 1]
        # Attrition reveals the strength of each side: a side loses destructiveness x the
        # enemy's share of the total.
        enemy_share = camp.lost / camp.committed / params.destructiveness
        return camp, strength, enemy_share

    p = 0.5
    camp, strength, _ = campaign(0.0)
    _, _, enemy_share = campaign(p)
    wet = np.isin(camp.actor, [0])                           # A assaults across the sea
    paid = np.where(wet, (1 - p) * strength, strength)
    s_att, s_def = paid[camp.side == 0].sum(), paid[camp.side == 1].sum()
    want = np.where(camp.side == 0, s_def, s_att) / (s_att + s_def)
    assert enemy_share == pytest.approx(want)


def test_first_use_against_a_non_nuclear_state_breaks_the_taboo_and_does_not_decide():
    # A nuclear A loses campaigns against a strong non-nuclear B; the taboo never holds.
    # (The seeker's odds rule: it attacks whatever the war's expected length, endless at
    # peace_odds 0.)
    scen = line_scenario([
        actor("A", [0, 1], 5.0, 2.0, strategy="hegemon-seeker", nuclear=1, resolve=1.0),
        actor("B", [2, 3], 5.0, 6.0), actor("O", [4], 1.0, 1.0)], provinces=5,
        params={**FIGHT, "attack_odds": 0.0, "taboo_restraint": 0.0,
                "nuclear_escalation": 1.0, "peace_odds": 0.0, "war_damage": 0.0,
                "seeker_rule": "odds"})
    state, setting, params = start(scen, 400)
    state, rec = step(state, setting, params)
    ev = rec.events
    taboo = ev.kind == EventKind.NUCLEAR_TABOO
    lost = ev.kind == EventKind.WAR_LOST
    assert taboo.any() and (ev.actor[taboo] == 0).all()
    # The strike did not turn the campaigns it was used in into victories.
    assert set(ev.world[taboo].tolist()) <= set(ev.world[lost].tolist())
    # Every observer holds it against the user.
    w = ev.world[taboo]
    assert (state.hostility[w, 2, 0] >= params.taboo_hostility).all()
    restrained = dataclasses.replace(params, taboo_restraint=1.0)
    state2, setting2, _ = start(scen, 400)
    _, rec2 = step(state2, setting2, restrained)
    assert not (rec2.events.kind == EventKind.NUCLEAR_TABOO).any()


def test_a_one_sided_strike_weakens_the_struck_side_in_the_decision_to_concede():
    # A nuclear A loses campaigns against a strong non-nuclear B. Without a strike the
    # loser A concedes (peace_odds); a first use devastates B, the side struck, so in the
    # concession decision it is B's strength that falls and A fights on.
    scen = line_scenario([
        actor("A", [0, 1], 5.0, 2.0, strategy="hegemon-seeker", nuclear=1, resolve=1.0),
        actor("B", [2, 3], 5.0, 6.0), actor("O", [4], 1.0, 1.0)], provinces=5,
        params={**FIGHT, "attack_odds": 0.0, "taboo_restraint": 0.0,
                "nuclear_escalation": 1.0, "peace_odds": 0.5, "war_damage": 0.0})

    def first_year(**overrides: float):  # type: ignore[no-untyped-def]
        state, setting, params = start(scen, 200)
        _, rec = step(state, setting, dataclasses.replace(params, **overrides))
        ev = rec.events
        lost = set(ev.world[(ev.kind == EventKind.WAR_LOST) & (ev.actor == 0)].tolist())
        ended = set(ev.world[ev.kind == EventKind.WAR_ENDED].tolist())
        struck = set(ev.world[ev.kind == EventKind.NUCLEAR_TABOO].tolist())
        return lost, ended, struck

    lost, ended, struck = first_year(taboo_restraint=1.0)
    assert len(lost) > 50 and not struck and lost <= ended   # no strike: the loser concedes
    lost, ended, struck = first_year()
    assert len(struck) > 50 and struck <= lost and not struck & ended


def test_an_ally_whose_arsenal_escalates_is_exposed_to_retaliation():
    scen = line_scenario([
        actor("A", [0, 1], 10.0, 10.0, strategy="hegemon-seeker", nuclear=2, resolve=1.0),
        actor("V", [2], 2.0, 2.0), actor("N", [3], 5.0, 3.0, nuclear=2)], provinces=4,
        params={**FIGHT, "nuclear_escalation": 1.0, "attack_odds": 0.0},
        alliances=[["V", "N", 0.2]])
    state, setting, params = start(scen, 300)
    new, rec = step(state, setting, params)
    ev = rec.events
    # When V's side loses, the arsenal it escalates with is its ally N's.
    nuke = (ev.kind == EventKind.NUCLEAR_WAR) & (ev.other == 0)
    assert nuke.any() and (ev.actor[nuke] == 2).all() and (ev.value[nuke] == 1).all()
    w = ev.world[nuke]
    assert (new.military[w, 2] < 0.2 * state.military[w, 2]).all()   # and it was hit back


def test_a_late_strike_on_ones_own_top_threat_is_balancing_not_exploitation():
    # Z fought T last year; A, which fought no one, now strikes T. When T is A's top threat
    # (A balances against it, the buck-passer's late entry) nobody counts it as a jackal's
    # raid; when T is a weak victim and A's top threat is someone else, Z remembers it.
    from powerbalance.model.events import Events
    from powerbalance.model.reputation import remember

    def late_entries(t_strength: float) -> tuple[int, float, int]:
        scen = line_scenario([actor("Z", [0], 8.0, 8.0), actor("T", [1], t_strength, t_strength),
                              actor("A", [2], 3.0, 3.0)], provinces=3,
                             params={**EXACT, "reputation_spread": 0.0})
        state, setting, params = start(scen)
        fought = state.fought.copy()
        fought[0, 0, 1] = fought[0, 1, 0] = True
        state = state.replace(fought=fought)
        obs = Observation(state, setting, params)
        actions = Actions.passive(1, 3, params.base_spend)
        won = Events.make(EventKind.WAR_WON, [0], [2], [1], 1.0)
        new, out = remember(state, actions, obs, [won], params)
        late = sum(int((e.kind == EventKind.LATE_ENTRY).sum()) for e in out)
        return late, float(new.exploitation[0, 0, 2]), int(obs.top_threat[0, 2])

    assert late_entries(20.0) == (0, 0.0, 1)        # T, A's top threat: balancing against it
    late, memory, top = late_entries(0.5)           # T a weak victim: a jackal's strike
    assert top == 0 and late == 1 and memory > 0


def test_threat_includes_the_trend_and_the_trend_follows_the_share():
    scen = line_scenario([actor("S", [0], 6.0, 6.0), actor("R", [1], 5.0, 5.0)],
                         provinces=2, params=EXACT)
    state, setting, params = start(scen)
    flat = Observation(state, setting, params).threat[0, 0, 1]
    rising = Observation(edit(state, "momentum", (0, 1), 0.1), setting, params).threat[0, 0, 1]
    assert rising == pytest.approx(flat * (1 + params.trend_horizon * 0.1), rel=1e-5)
    first = update_trend(state, params)
    assert (first.momentum == 0).all() and (first.last_share > 0).all()
    grown = first.replace(wealth=first.wealth * [1.0, 2.0])
    second = update_trend(grown, params)
    assert second.momentum[0, 1] > 0 > second.momentum[0, 0]


def test_a_power_transition_is_an_event():
    scen = line_scenario([actor("L", [0], 6.0, 6.0), actor("C", [1], 5.0, 5.0)],
                         provinces=2, params=EXACT)
    state, setting, params = start(scen)
    state, rec = step(state, setting, params)
    assert state.leader[0] == 0 and not (rec.events.kind == EventKind.POWER_TRANSITION).any()
    state = state.replace(wealth=state.wealth * [0.5, 1.5], military=state.military * [0.5, 2],
                          productivity=state.productivity * [0.5, 1.5])
    state, rec = step(state, setting, params)
    sel = rec.events.kind == EventKind.POWER_TRANSITION
    assert state.leader[0] == 1 and sel.sum() == 1
    assert rec.events.actor[sel][0] == 1 and rec.events.other[sel][0] == 0


def test_each_actor_draws_its_own_growth_rate_and_the_advantage_fades():
    scen = line_scenario([actor("A", [0]), actor("B", [1])], provinces=2,
                         params={"growth_spread": 0.01})
    state, setting, params = start(scen, 2000)
    assert np.isnan(state.growth).all()
    state, _ = step(state, setting, params)
    g = state.growth
    assert abs(g.mean() - params.growth_rate) < 0.001 and abs(g.std() - 0.01) < 0.001
    # growth_persistence = 1: drawn once and kept.
    kept, _ = step(state, setting, dataclasses.replace(params, growth_persistence=1.0))
    np.testing.assert_array_equal(kept.growth, g)
    # The default: an AR(1) deviation with the same spread, correlated rho from year to year
    # and forgotten over decades (Easterly et al. 1993).
    again, _ = step(state, setting, params)
    rho = params.growth_persistence
    d0, d1 = (g - params.growth_rate).ravel(), (again.growth - params.growth_rate).ravel()
    assert abs(np.corrcoef(d0, d1)[0, 1] - rho) < 0.03
    assert abs(d1.std() - 0.01) < 0.001
    later = again
    for _ in range(29):
        later, _ = step(later, setting, params)
    d30 = (later.growth - params.growth_rate).ravel()
    assert abs(np.corrcoef(d0, d30)[0, 1]) < 0.1 and abs(d30.std() - 0.01) < 0.001
    alone, _ = step(start(scen, 2000)[0].select([7]), setting, params)
    np.testing.assert_array_equal(alone.growth[0], g[7])


# --- serial activation and stable ids ---------------------------------------------------

def test_serial_activation_lets_later_actors_respond_to_the_updated_state():
    # Two seekers border a weak B. Synchronously both demand of B in the same year; under
    # Cusack-Stoll activation the second protagonist sees B already at war (or gone).
    scen = line_scenario([
        actor("A", [0], 10.0, 10.0, strategy="hegemon-seeker"), actor("B", [1], 1.0, 0.2),
        actor("C", [2], 10.0, 10.0, strategy="hegemon-seeker")], provinces=3,
        params={**FIGHT, "conquest_rate": 1.0})
    sync = simulate_scenario(scen, years=1, worlds=200)
    serial = simulate_scenario(scen, years=1, worlds=200,
                               overrides={"update_order": "serial"})
    both = np.bincount(event_rows(sync, "demand")[:, 0].astype(int), minlength=200)
    assert (both == 2).all()
    demands = event_rows(serial, "demand")
    per_world = np.bincount(demands[:, 0].astype(int), minlength=200)
    first = {int(w): int(a) for w, _, a, _, _ in demands[::-1]}
    assert set(first.values()) == {0, 2}            # the order is drawn per world
    deaths = event_rows(serial, "death")
    killed = {int(w) for w, _, _, killer, _ in deaths if first.get(int(w)) == killer}
    # Where the first protagonist destroyed B, nobody else demanded anything from it.
    assert len(killed) > 50 and all(per_world[w] == 1 for w in killed)


def test_strategy_ids_are_stable_and_new_ones_are_appended():
    original = ["balker", "bandwagoner", "buck-passer", "external-balancer", "hegemon-seeker",
                "internal-balancer", "offshore-balancer", "penetrator", "status-quo", "wedger"]
    assert [registry.id_of(name) for name in original] == list(range(10))
    assert registry.id_of("jackal") == 10
    by_id = registry.names_by_id()
    assert all(by_id[registry.id_of(name)] == name for name in registry.names())
    assert all(registry.by_id(registry.id_of(name)).name == name for name in registry.names())
