"""One year of the model: the pure function ``step(state, setting, params)``.

Phases, in the order of docs/model.md (One year): economy, perception (with the
trend of every actor's share), policy (captured actors follow their captor),
diplomacy (side payments and coercive wedges, offers from distrusted actors
refused, alliances, then subversion), war (crises, deterrence, campaigns),
memory of the year (reputation), bookkeeping (power transitions). The
randomness of a year is a pure function of the worlds' keys and the year (see
:mod:`powerbalance.rng`), so ``step`` is deterministic given its arguments.

``Params.update_order`` chooses how actors act within a year:

- ``synchronous``: all actors decide on the same information, then all
  offers, demands and wars are resolved together (Cederman 1997);
- ``serial``: Cusack-Stoll activation (Cusack & Stoll 1990, *Exploring
  Realpolitik*): the actors of each world act one at a time in a random order
  drawn each year; the protagonist's initiatives (offers, leaving, wedges,
  demands) are resolved at once, and the others respond (accept, join, concede)
  on the state it left. Everyone's decision is taken afresh on the updated
  state at each activation, so the year costs N decisions instead of one.
  Spending is set at the first activation; subversion and memory are resolved
  once, after the last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from powerbalance import rng
from powerbalance.model import law
from powerbalance.model.actions import Actions
from powerbalance.model.derived import adjacency, frontier_value
from powerbalance.model.diplomacy import diplomacy
from powerbalance.model.economy import economy
from powerbalance.model.events import EventKind, Events
from powerbalance.model.perception import Observation, update_trend
from powerbalance.model.policy import ActionOverride, decide
from powerbalance.model.reputation import remember, screen_offers
from powerbalance.model.state import F64, I64, BoolA, Setting, WorldState
from powerbalance.model.subversion import follow_captors, pressures, side_payments, subversion
from powerbalance.model.war import Campaigns, war
from powerbalance.params import Params

#: Actions a protagonist takes on its own initiative (the rest are responses).
INITIATIVES = ("attack", "offer", "leave", "leave_passed", "pay", "pay_spend", "pressure",
               "subvert", "subvert_spend", "leave_ally")
_PASSIVE = {"attack": -1, "offer": -1, "leave": False, "leave_passed": False, "pay": -1,
            "pay_spend": 0.0, "pressure": -1, "subvert": -1, "subvert_spend": 0.0,
            "leave_ally": -1}


@dataclass(frozen=True)
class YearRecord:
    """What one step reports besides the new state."""

    events: Events
    wars: I64
    """(B,) campaigns fought (wars not deterred or conceded) in each world this year."""
    war_losses: F64
    """(B, N) military each actor lost in this year's wars (attrition, nuclear
    devastation, and the forces of actors destroyed)."""
    campaigns: Campaigns
    """The participants of each campaign of the year (for the wars table)."""


def step(state: WorldState, setting: Setting, params: Params,
         override: ActionOverride | None = None) -> tuple[WorldState, YearRecord]:
    """Advance every world of the batch by one year; ``override`` replaces some actors'
    decisions after their strategies decide (see :func:`~powerbalance.model.policy.decide`)."""
    if state.frontier is None:
        state = state.replace(frontier=frontier_value(state.owner, state.n_actors, setting))
    if setting.link_land is not None and state.land_adjacent is None:
        pair = state.alive[:, :, None] & state.alive[:, None, :]
        state = state.replace(land_adjacent=adjacency(state.owner, state.n_actors, setting,
                                                      land_only=True) & pair)
    state, override = law.prepare(state, params, override)  # norms and restraint, if on
    state = economy(state, setting, params)
    state = update_trend(state, params)
    before = state.military
    if params.update_order == "serial":
        state, parts, wars, campaigns, actions, obs = _serial_year(state, setting, params,
                                                                   override)
    else:
        obs = Observation(state, setting, params, share=state.last_share)
        actions = follow_captors(state, decide(obs, override))
        state = _declared(state, actions)
        state, parts = _diplomacy(state, actions, obs, params)
        state, subverted = subversion(state, actions, obs, setting, params)
        state, fighting, wars, campaigns = war(state, actions, obs, setting, params)
        parts += subverted + fighting
    if params.law:  # the law of nations judges the year's violations
        state, judged = law.enforce(state, Events.concat(parts), params, setting)
        parts += judged
    # The year's declared offensive obligation takes effect next year (see _declared).
    state = state.replace(join_offence=np.where(state.alive, actions.join_offence, 0.0))
    losses = before - state.military
    np.maximum(losses, 0.0, out=losses)  # (in place: the difference is the year's own)
    year_events = _concat(parts)  # (once: memory reads them, and so does the record)
    state, remembered = remember(state, actions, obs, [year_events], params)
    leader, transitions = _transitions(state, params)
    state = state.replace(leader=leader, year=state.year + 1)  # (one copy of the state)
    events = _concat([year_events, *remembered, *transitions])
    return state, YearRecord(events, wars, losses, campaigns)


#: The events of a year without any (one shared empty batch: most of a small world's years).
_NO_EVENTS = Events.make(EventKind.WAR_WON, [], [], [])


def _concat(parts: list[Events]) -> Events:
    """``Events.concat(parts)``, without copying a single non-empty part or making a new
    empty batch (the same events)."""
    full = [p for p in parts if len(p)]
    if not full:
        return _NO_EVENTS
    return full[0] if len(full) == 1 else Events.concat(full)


def _declared(state: WorldState, actions: Actions) -> WorldState:
    """The state with the year's declared spending recorded (guns versus butter).

    The year's declared offensive obligation (``Actions.join_offence``) is recorded at the
    end of the year instead and is in force from the next: the obligation the year's
    estimates read (``WorldState.join_offence``, last year's declaration) is the one its
    campaigns honour (:mod:`powerbalance.model.war`), so an attacker is never surprised by
    an ally's change of policy within the year. A stated choice: an alliance's terms bind
    from the moment they are known to others, as a treaty once signed (Leeds 2003: the
    obligation is the written one, set before the war), and no side can see a declaration
    made in the same year before it chooses."""
    return state.replace(spend=np.where(state.alive, actions.spend, 0.0))


def _diplomacy(state: WorldState, actions: Actions, obs: Observation,
               params: Params) -> tuple[WorldState, list[Events]]:
    """Side payments, coercive wedges, refusals and alliances."""
    state, actions, paid = side_payments(state, actions, params)
    actions, pressed = pressures(actions, obs, params)
    actions, refused = screen_offers(state, actions, params)
    state, diplomatic = diplomacy(state, actions, obs, params)
    return state, paid + pressed + refused + diplomatic


def _serial_year(state: WorldState, setting: Setting, params: Params,
                 override: ActionOverride | None = None
                 ) -> tuple[WorldState, list[Events], I64, Campaigns, Actions, Observation]:
    """One year of Cusack-Stoll activation (see the module docstring)."""
    n = state.n_actors
    prio = rng.uniform(state.keys, state.year, rng.Stream.ACTIVATION, (n,))
    turn = np.argsort(np.argsort(prio, axis=1, kind="stable"), axis=1, kind="stable")
    parts: list[Events] = []
    campaigns: list[Campaigns] = []
    wars = np.zeros(state.batch, dtype=np.int64)
    taken: dict[str, np.ndarray] = {}
    obs = Observation(state, setting, params, share=state.last_share)
    actions = follow_captors(state, decide(obs, override))
    state = _declared(state, actions)
    for r in range(n):
        if r:
            obs = Observation(state, setting, params)
            actions = follow_captors(state, decide(obs, override))
        protagonist: BoolA = (turn == r) & state.alive
        own = actions.replace(**{
            name: np.where(protagonist, getattr(actions, name), _PASSIVE[name])
            for name in INITIATIVES if name not in ("subvert", "subvert_spend")})
        for name in INITIATIVES:
            value = np.where(protagonist, getattr(actions, name), _PASSIVE[name])
            taken[name] = value if name not in taken else np.where(protagonist, value,
                                                                     taken[name])
        state, diplomatic = _diplomacy(state, own, obs, params)
        state, fighting, fought, camp = war(state, own, obs, setting, params,
                                            active=protagonist, decay=r == 0)
        parts += diplomatic + fighting
        campaigns.append(camp)
        wars += fought
    year_actions = actions.replace(**taken)
    state, subverted = subversion(state, year_actions, obs, setting, params)
    parts += subverted
    return state, parts, wars, Campaigns.concat(campaigns), year_actions, obs


def _transitions(state: WorldState, params: Params) -> tuple[I64, list[Events]]:
    """The year's leader of each world (largest share; -1 in a world without a live actor)
    and a ``power_transition`` event when a challenger overtakes it (Organski & Kugler
    1980). The caller records the leader (with the year, in one replace)."""
    share = np.where(state.alive, state.last_share, -1.0)
    leader = share.argmax(axis=1)
    has = np.logical_or.reduce(state.alive, axis=1)
    if not has.all():  # (most years every world has a live actor: nothing to blank)
        leader = np.where(has, leader, -1)
    old = state.leader
    events: list[Events] = []
    if not (leader != old).any():  # the same leaders as last year (most years)
        return leader, events
    w = np.flatnonzero((old >= 0) & (leader >= 0) & (leader != old))
    if len(w):
        events.append(Events.make(EventKind.POWER_TRANSITION, w, leader[w], old[w],
                                  share[w, leader[w]]))
    return leader, events

