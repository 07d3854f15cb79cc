"""Phase 5, war: demands, deterrence, concessions, campaigns, allies, conquest, peace, death.

**Crisis.** An actor not at war (neither waging nor defending against a war under
way) that chooses a target (a live neighbour, which may itself be at war) makes a
demand: the target's frontier provinces, those bordering the challenger (a
``demand`` event).
Deterrence is checked first (:mod:`.deterrence`), and a target that became an
ally this year (after the choice of target) is spared. The target then judges
its chance of resisting successfully, its expected defence strength (its
forces and its allies' expected help, :mod:`.perception`) against the
challenger's projected forces as it perceives them (less the amphibious
penalty when they come across the sea); below ``Params.concession_odds`` it
concedes: every demanded province passes to the challenger without a fight (a
``concession`` event with the number of provinces; the conceder adds
``concession_grievance`` x the share of its provinces' production it gave up to
its grievance against the taker: Goertz & Diehl 1992; Hensel 2001; a peaceful transfer, the
tribute of Axelrod 1997, *The Complexity of Cooperation*, ch. 6, and the
bargain of Fearon 1995, "Rationalist explanations for war", *International
Organization* 49(3)). The demand is the whole frontier because a target that
concedes expects (odds below ``concession_odds``) a war of several campaigns,
each taking ``conquest_rate`` of the frontier at its own cost. Otherwise the war begins
(``war_begun``).

**Campaigns.** A war lasts until one side concedes or collapses, one
campaign a year, each on that year's forces and allies (Slantchev 2003, "The
principle of convergence in wartime negotiations", *APSR* 97(4)). Both
principals' allies are called each year: the target's allies send ``join``
of their forces (a balker a token share; 0 is an abandonment), the
initiator's allies the offensive obligation in force (``WorldState.join_offence``, declared
the year before, or their treaty's ``pact_offence`` if larger; 0 for a defensive pact: Leeds 2003,
"Alliance reliability in times of war", *International Organization* 57(4));
an ally committed to both sides stays out, and an ally whose ``shirk`` is the
enemy sends nothing (the buck-passer). Every call is an ``ally_called`` event;
the defensive calls enter the ally's public record (``WorldState.calls``/
``honoured``, from which reliability is inferred): an offensive call refused
by a defensive pact is no broken promise. An actor in several wars splits its forces
evenly among them. Strength is committed forces times the loss-of-strength
gradient of the distance to the target's capital; each participant of the
attacking side that borders the target only across the sea (no land border),
or lies overseas from it (``amphibious_overseas``), loses
``Params.amphibious_penalty`` of its own strength, while its partners with a
land border pay none (the stopping power of water: Mearsheimer 2001, ch. 4,
puts it on amphibious assaults against defended territory). The target's
allies pay no penalty: they reinforce a friendly coast, landing in ports their
ally holds, not assaulting a defended shore (distance, sea crossings included,
still discounts them).

The campaign is won with the chance of the victory function
(:mod:`.victory`). Each side loses ``destructiveness`` times the enemy's
share of total strength of its committed forces (Lanchester-style
attrition), and each principal loses productivity in proportion to the force the
enemy brings: ``2 x war_damage`` x the enemy side's share of total strength per
campaign-year (``war_damage`` in an even war: :func:`war_damage_share`), which the
phoenix factor regains in the years of peace that follow. Each
frontier province of the campaign's loser bordering a member of the winning
side passes to one such member with probability ``conquest_rate``; a
province claimed by several goes to one of them with chance proportional to
the strength each contributed (allies share the conquests in proportion to
their contribution: Schweller 1994). The side that lost the campaign
concedes, ending the war, when its chance of winning the next campaign on
the forces the fighting revealed is below ``Params.peace_odds``; a war also
ends when a principal dies or the two no longer border each other
(``war_ended`` with the outcome).

**Nuclear weapons.** A nuclear-armed side losing a campaign may cross the
threshold, through its strongest nuclear member (the principal first): with
probability ``nuclear_escalation`` against a nuclear enemy, which retaliates:
both principals, the escalating member and the retaliating one are
devastated (MAD) and the war ends with no winner; against a non-nuclear
enemy only when the taboo fails (probability ``nuclear_escalation x (1 -
taboo_restraint)``: Tannenwald 1999, "The nuclear taboo", *International
Organization* 53(3)); that strike devastates the enemy principal but does not
decide the campaign by itself, and every live observer adds
``taboo_hostility`` to its grievance against the user (``nuclear_taboo``).

An actor left with no province, or whose capital falls when
``capital_loss_kills`` is set, dies; its territory passes on. Capitals that
fall otherwise move to the actor's most productive remaining province.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from powerbalance import detmath, rng
from powerbalance.model.actions import Actions
from powerbalance.model.derived import (
    borders,
    reach_rows,
    territorial_base,
    territory,
)
from powerbalance.model.deterrence import deterrence
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import any_nonzero, nonzero, sorted_unique, unique_counts
from powerbalance.model.perception import Observation, force_split
from powerbalance.model.state import F32, F64, I64, PAIR, BoolA, Setting, WorldState, none_chosen
from powerbalance.model.victory import victory_probability, war_damage_share
from powerbalance.params import Params

#: Outcome codes of ``war_ended`` events and the wars table.
INITIATOR_WON, TARGET_WON, NO_WINNER, BROKEN_OFF = 1, 2, 3, 4
#: The largest logarithm of the factor by which war damage is recorded as leaving
#: productivity below its pre-war path (the phoenix factor's memory, ``WorldState.war_loss``).
MAX_WAR_LOSS = 30.0
OUTCOMES = {INITIATOR_WON: "initiator won", TARGET_WON: "target won",
            NO_WINNER: "no winner", BROKEN_OFF: "broken off"}


@dataclass(frozen=True)
class Campaigns:
    """One row per participant of each campaign fought this year (sparse)."""

    world: I64
    initiator: I64
    target: I64
    start: I64
    """Year the war began."""
    actor: I64
    side: I64
    """0 the initiator's side, 1 the target's."""
    committed: F64
    lost: F64

    @classmethod
    def empty(cls) -> Campaigns:
        """No campaign."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z, np.zeros(0), np.zeros(0))

    @classmethod
    def concat(cls, parts: list[Campaigns]) -> Campaigns:
        """All rows of ``parts`` in order."""
        if not parts:
            return _NO_CAMPAIGN
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("world", "initiator", "target", "start", "actor", "side",
                               "committed", "lost")))


#: The campaigns of a year without one (its arrays empty, so nothing can write into them).
_NO_CAMPAIGN = Campaigns.empty()


@dataclass
class _Scratch:
    """Copies of the arrays a war year changes (the input state stays untouched)."""

    military: F64
    productivity: F64
    war_loss: F64
    owner: I64
    capital: I64
    hostility: F32
    calls: F64
    honoured: F64
    war_target: I64
    war_start: I64
    last_target: I64
    deterred_target: I64
    """(B, N) the target each actor stands down against this year (-1 none)."""
    changed: np.ndarray
    """(B,) worlds whose borders changed this year."""
    campaigns: list[Campaigns]

    def stand_down(self, state: WorldState, b: I64, a: I64, t: I64) -> None:
        """Record that attackers (b, a) stand down against t, copying ``deterred_target``
        first while it is still the input state's own array (of -1: no crisis standing)."""
        if self.deterred_target is state.deterred_target:
            self.deterred_target = self.deterred_target.copy()
        self.deterred_target[b, a] = t


def war(state: WorldState, actions: Actions, obs: Observation, setting: Setting,
        params: Params, active: BoolA | None = None,
        decay: bool = True) -> tuple[WorldState, list[Events], I64, Campaigns]:
    """Resolve this year's crises and campaigns.

    Returns the new state, the events, the campaigns fought per world and the
    participants of each campaign. ``active`` (B, N) restricts the initiators
    (serial activation); ``decay`` applies the year's decay of hostility.
    """
    alive = state.alive
    events: list[Events] = []
    mover = alive if active is None else alive & active
    productivity, war_loss = _recover(state, params, decay, setting.engine)
    s = _Scratch(state.military.copy(), productivity, war_loss, state.owner.copy(),
                 state.capital.copy(),
                 state.hostility * PAIR(1.0 - params.hostility_decay) if decay
                 else state.hostility.copy(),
                 state.calls * (1.0 - params.memory_decay) if decay else state.calls.copy(),
                 state.honoured * (1.0 - params.memory_decay) if decay
                 else state.honoured.copy(),
                 state.war_target.copy(), state.war_start.copy(),
                 np.where(mover, -1, state.last_target) if active is not None
                 else np.full_like(state.last_target, -1),
                 # A mover's crisis ends unless it stands down again this year (_crises);
                 # with no crisis standing (most years) the input's array of -1 is shared
                 # until one is recorded (copy on write: _Scratch.stand_down).
                 np.where(mover | ~alive, -1, state.deterred_target) if active is not None
                 else state.deterred_target if none_chosen(state.deterred_target)
                 else np.full_like(state.deterred_target, -1),
                 np.zeros(state.batch, dtype=bool), [])

    # Wars under way: they go on while both principals live and border each other.
    ob, oa = nonzero(mover & (state.war_target >= 0))
    ot = state.war_target[ob, oa]
    going = alive[ob, ot] & obs.adjacent[ob, oa, ot]
    if (~going).any():
        _end(s, events, ob[~going], oa[~going], ot[~going], BROKEN_OFF)
    ob, oa, ot = ob[going], oa[going], ot[going]

    # New crises: demands by actors not at war, neither waging a war nor defending in one
    # (a defender's counter-demand would open a second war between the same principals).
    b, a = nonzero(mover & (actions.attack >= 0) & ~_principals(state.war_target))
    t = actions.attack[b, a]
    ok = (t != a) & alive[b, t] & obs.adjacent[b, a, t]
    b, a, t = b[ok], a[ok], t[ok]

    if len(b):  # (no demand this year: nothing to deter, resist or concede)
        b, a, t = _crises(state, obs, setting, params, s, events, b, a, t)

    # This year's campaigns: the wars under way and the new ones, by world and initiator.
    cb, ca = np.concatenate([ob, b]), np.concatenate([oa, a])
    if len(cb) > 1:  # (one campaign or none: already in order)
        order = np.lexsort((ca, cb))
        cb, ca = cb[order], ca[order]
    wars_per_world = np.bincount(cb, minlength=state.batch)
    if len(cb):
        _campaign(state, actions, obs, setting, params, s, cb, ca, s.war_target[cb, ca],
                  events)

    new_state = _bury_the_dead(state, s, setting, params, events)
    return new_state, events, wars_per_world, Campaigns.concat(s.campaigns)


def _crises(state: WorldState, obs: Observation, setting: Setting, params: Params,
            s: _Scratch, events: list[Events], b: I64, a: I64,
            t: I64) -> tuple[I64, I64, I64]:
    """The demands (b, a -> t): deterrence, resistance or concession; the wars begun,
    returned as (b, a, t)."""
    n = state.n_actors
    deterred, failed, accident = deterrence(state, b, a, t, params, setting)
    if deterred.any():
        events.append(Events.make(EventKind.DETERRENCE_HELD, b[deterred], a[deterred],
                                  t[deterred]))
        s.stand_down(state, b[deterred], a[deterred], t[deterred])
    if failed.any():
        events.append(Events.make(EventKind.DETERRENCE_FAILED, b[failed], a[failed],
                                  t[failed], accident[failed].astype(float)))
    b, a, t = b[~deterred], a[~deterred], t[~deterred]

    # An alliance formed this very year (after the choice of target) calls the demand off:
    # a power that accepts another's alignment spares it (the patron spares its
    # bandwagoner).
    spared = state.alliance[b, a, t] > 0
    b, a, t = b[~spared], a[~spared], t[~spared]

    resist = _resistance_odds(state, obs, params, b, a, t)
    events.append(Events.make(EventKind.DEMAND, b, a, t, resist))
    concede = resist < params.concession_odds
    if concede.any():
        claims = _Claims.of((b[concede] * n + a[concede]) * n + t[concede],
                            np.ones(int(concede.sum())))
        held = s.owner[b[concede]]
        # A concession hands over the whole demand (every province of the target that
        # borders the challenger), not a draw: a peaceful transfer is certain.
        _conquer(state, setting, params, s, claims, b[concede], t[concede], 0, events,
                 kind=EventKind.CONCESSION, rate=1.0)
        if params.concession_grievance:
            # The conceding state remembers the taker (Goertz & Diehl 1992; Hensel 2001), the
            # more the more it gave up: the share of its provinces' production conceded.
            value = setting.province_map.value
            was = held == t[concede][:, None]
            given = (was & (s.owner[b[concede]] == a[concede][:, None])) @ value
            share = given / np.maximum(was @ value, 1e-300)
            np.add.at(s.hostility.reshape(-1), (b[concede] * n + t[concede]) * n + a[concede],
                      (params.concession_grievance * share).astype(PAIR))
    b, a, t = b[~concede], a[~concede], t[~concede]
    if len(b):
        events.append(Events.make(EventKind.WAR_BEGUN, b, a, t))
        s.war_target[b, a] = t
        s.war_start[b, a] = state.year + 1   # the calendar year of the step's events
    return b, a, t


def _principals(war_target: I64) -> BoolA:
    """(B, N) actors that wage or defend against a war under way."""
    engaged = war_target >= 0
    wb, wa = nonzero(engaged)
    if len(wb):  # (the indices are taken: the targets may be marked in place)
        engaged[wb, war_target[wb, wa]] = True
    return engaged


def _resistance_odds(state: WorldState, obs: Observation, params: Params, b: I64, a: I64,
                     t: I64) -> F64:
    """Target t's estimate of its chance to resist a's demand: its side's expected defence
    against a's side's expected offence (a's allies included, each at its expected help,
    amphibious penalty included) as t perceives a (:meth:`Observation.expected_offence`)."""
    n = state.n_actors
    attacker = obs.expected_offence(b, a, t) * obs.noise.reshape(-1)[(b * n + t) * n + a]
    defence = obs.expected_defence(b, t, a)
    return np.asarray(1.0 - victory_probability(attacker, defence, params), dtype=np.float64)


def _log_damage(hurt: F64) -> F64:
    """``-log(1 - hurt)`` per element: the logarithm of a campaign-year's loss,
    bit-reproducible (:mod:`powerbalance.detmath`); capped where the damage destroys
    everything."""
    kept = 1.0 - hurt
    out: F64 = np.full(len(kept), MAX_WAR_LOSS)
    live = kept > 0
    out[live] = np.minimum(-detmath.log(kept[live]), MAX_WAR_LOSS)
    return out


def _recover(state: WorldState, params: Params, decay: bool,
             engine: str = "numpy") -> tuple[F64, F64]:
    """This year's productivity and war losses after the phoenix factor: each actor regains
    ``phoenix_rate`` of its remaining war loss in logarithms (``war_loss``, the log of the
    factor by which war damage left its productivity below its pre-war growth path, shrinks
    by that share and productivity rises by as much), so it returns towards that path
    (Organski & Kugler 1977, "The costs of major wars: the phoenix factor", *APSR* 71(4);
    1980, *The War Ledger*, ch. 3: recovery within 15-20 years). Recovery is the work of
    peace: only an actor that begins the year at peace (the principal of no war under way)
    regains; one still at war keeps its loss until the war ends (Organski & Kugler measure
    the recovery from the war's end). ``decay`` false (a later activation of a serial year)
    regains nothing more."""
    loss = state.war_loss
    if not decay or params.phoenix_rate <= 0 or not any_nonzero(loss):
        return state.productivity.copy(), loss.copy()
    if engine == "compiled":  # the same rule in one compiled pass
        from powerbalance.model import compiled_war

        return compiled_war.recover(state.productivity, loss, state.war_target,
                                    params.phoenix_rate)
    regained = np.where(_principals(state.war_target), 0.0, params.phoenix_rate * loss)
    return state.productivity * detmath.exp(regained), loss - regained


def _end(s: _Scratch, events: list[Events], b: I64, a: I64, t: I64, outcome: int | I64) -> None:
    """Close the wars of initiators (b, a) against t with ``outcome``."""
    if not len(b):
        return
    events.append(Events.make(EventKind.WAR_ENDED, b, a, t,
                              np.broadcast_to(np.asarray(outcome, dtype=float), (len(b),))))
    s.war_target[b, a] = -1
    s.war_start[b, a] = -1


def _calls(state: WorldState, actions: Actions, b: I64, principal: I64, enemy: I64,
           share: np.ndarray, pact: np.ndarray | None = None) -> tuple[I64, I64, F64]:
    """The allies called to principal's side: (war row, ally, share of forces it sends);
    ``pact``: the treaties' obligations to the principal, where they owe more than ``share``."""
    k = state.alliance[b, :, principal]
    hw, hk = nonzero(k > 0)
    ok = (state.alive[b[hw], hk] & (state.alliance[b[hw], hk, enemy[hw]] <= 0)
          & (hk != principal[hw]) & (hk != enemy[hw]))
    hw, hk = hw[ok], hk[ok]
    owed = share[b[hw], hk]
    if pact is not None:
        owed = np.maximum(owed, pact[b[hw], hk, principal[hw]])
    sent = np.where(actions.shirk[b[hw], hk] == enemy[hw], 0.0, owed)
    return hw, hk, np.clip(sent, 0.0, 1.0)


def _campaign(state: WorldState, actions: Actions, obs: Observation, setting: Setting,
              params: Params, s: _Scratch, b: I64, a: I64, t: I64,
              events: list[Events]) -> None:
    """Fight one campaign per war (b, initiator a, target t); update ``s``.

    Participants are kept as sparse lists (war, actor, side, weight), so the
    cost grows with the number of belligerents, not with wars x actors.
    """
    n = state.n_actors
    nw = len(b)
    rows = np.arange(nw)
    compiled = setting.engine == "compiled"
    if compiled:  # the same calls, records and participants in one compiled pass
        from powerbalance.model import compiled_war

        (dw, dk, dsent, aw, ak, asent), pw, pk, side, weight = (
            compiled_war.campaign_participants(state, actions, obs, s, b, a, t))
    else:
        (dw, dk, dsent, aw, ak, asent), pw, pk, side, weight = _participants(
            state, actions, obs, s, b, a, t)
    principal_of = np.concatenate([t[dw], a[aw]])
    events.append(Events.make(EventKind.ALLY_CALLED, b[np.concatenate([dw, aw])],
                              np.concatenate([dk, ak]), principal_of,
                              np.concatenate([dsent, asent])))
    abandon = dsent <= 0
    if abandon.any():
        events.append(Events.make(EventKind.ABANDONED, b[dw[abandon]], dk[abandon],
                                  t[dw[abandon]]))
    pb = b[pw]
    slot = pb * n + pk
    principal = pk == np.where(side == 0, a[pw], t[pw])
    if compiled:  # the same sums in the same order, in compiled passes
        committed, strength, s_att, s_def = compiled_war.campaign_sides(
            state, obs, s.military, pw, pk, side, weight, pb, t[pw], nw)
    else:
        committed, strength, s_att, s_def = _sides(state, obs, s, pw, pk, side, weight, pb,
                                                   slot, t, nw)
    p = victory_probability(s_att, s_def, params)
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.WAR, a)
    att_wins = u < p

    total = np.maximum(s_att + s_def, 1e-12)
    frac_att = params.destructiveness * s_def / total
    frac_def = params.destructiveness * s_att / total
    if compiled:  # (attrition, then each side's best nuclear member, as below)
        loss, best = compiled_war.campaign_attrition(state, s.military, pw, pk, side, slot,
                                                     principal, committed, frac_att,
                                                     frac_def)
    else:
        loss = _attrition(state, s, pw, side, slot, committed, frac_att, frac_def)
    # Each principal loses productivity in proportion to the force the enemy brings
    # (war_damage_share); a principal of several wars takes each war's loss in turn.
    hit_cell = np.concatenate([b * n + a, b * n + t])
    hurt = war_damage_share(params.war_damage, np.concatenate([s_def, s_att]) / np.tile(total, 2))
    if compiled:  # (the same products, logarithms and sums in the same order, in one pass)
        compiled_war.campaign_damage(s.productivity, s.war_loss, hit_cell, hurt,
                                     params.phoenix_rate > 0)
    else:
        np.multiply.at(s.productivity.reshape(-1), hit_cell, 1.0 - hurt)
    if params.phoenix_rate > 0 and not compiled:
        # (A shortfall beyond MAX_WAR_LOSS is not tracked further: the economy's floor on
        # productivity binds long before, and the arithmetic stays finite.)
        flat_loss = s.war_loss.reshape(-1)
        np.add.at(flat_loss, hit_cell, _log_damage(hurt))
        np.minimum(flat_loss, MAX_WAR_LOSS, out=flat_loss)
    after_att, after_def = s_att * (1.0 - frac_att), s_def * (1.0 - frac_def)

    # Nuclear threshold: the side losing the campaign may escalate through its strongest
    # nuclear member (the principal first among equals).
    if not compiled:
        nuc = state.nuclear.reshape(-1)[slot].astype(np.int64)
        rank = nuc * 4 + principal  # level, then principal
        best = np.full(2 * nw, -1, dtype=np.int64)
        np.maximum.at(best, pw * 2 + side, rank * (n + 1) + (n - pk))
    level = np.where(best >= 0, best // (n + 1) // 4, 0)
    member = np.where(best >= 0, n - best % (n + 1), -1)
    nuc_att, nuc_def = level[0::2], level[1::2]
    loser_nuc = np.where(att_wins, nuc_def, nuc_att)
    winner_nuc = np.where(att_wins, nuc_att, nuc_def)
    escalator = np.where(att_wins, member[1::2], member[0::2])
    retaliator = np.where(att_wins, member[0::2], member[1::2])
    esc_u = rng.uniform_at(state.keys[b], state.year, rng.Stream.ESCALATION, a)
    chance = np.where(winner_nuc >= 1, params.nuclear_escalation,
                      params.nuclear_escalation * (1.0 - params.taboo_restraint))
    escalate = (loser_nuc >= 1) & (esc_u < chance)
    mutual = escalate & (winner_nuc >= 1)
    one_sided = escalate & ~mutual
    if escalate.any():
        loser = np.where(att_wins, t, a)
        winner = np.where(att_wins, a, t)
        m, o = mutual, one_sided
        size_bn = state.batch * n
        war_of = np.concatenate([rows[escalate], rows[m], rows[m], rows[m]])
        victims = np.concatenate([b[escalate] * n + winner[escalate],
                                  b[m] * n + loser[m], b[m] * n + escalator[m],
                                  b[m] * n + retaliator[m]])
        victims = sorted_unique(war_of * size_bn + victims) % size_bn  # once per war
        hit_count = np.bincount(victims, minlength=state.batch * n).reshape(state.batch, n)
        factor = detmath.power(1.0 - params.nuclear_devastation, hit_count)
        s.productivity *= factor
        s.military *= factor
        events.append(Events.make(EventKind.NUCLEAR_WAR, b[escalate], escalator[escalate],
                                  winner[escalate], mutual[escalate].astype(float)))
        if o.any():
            events.append(Events.make(EventKind.NUCLEAR_TABOO, b[o], escalator[o], winner[o]))
            # Every live observer holds the first use against the user.
            ob = b[o]
            grudge = state.alive[ob].astype(PAIR) * PAIR(params.taboo_hostility)
            grudge[np.arange(len(ob)), escalator[o]] = 0.0
            n_ = state.n_actors
            cells = ((ob[:, None] * n_ + np.arange(n_)[None, :]) * n_ + escalator[o][:, None])
            np.add.at(s.hostility.reshape(-1), cells.ravel(), grudge.ravel())
            devastated = 1.0 - params.nuclear_devastation
            # The side struck is the campaign's winner (the user's enemy).
            after_att = np.where(o & att_wins, after_att * devastated, after_att)
            after_def = np.where(o & ~att_wins, after_def * devastated, after_def)

    size = np.bincount(pw, weights=loss, minlength=nw)
    events.append(Events.make(EventKind.WAR_WON, b[att_wins], a[att_wins], t[att_wins],
                              size[att_wins]))
    events.append(Events.make(EventKind.WAR_LOST, b[~att_wins], a[~att_wins], t[~att_wins],
                              size[~att_wins]))
    helper = ~principal
    events.append(Events.make(EventKind.WAR_JOINED, pb[helper], pk[helper],
                              np.where(side == 0, a[pw], t[pw])[helper], committed[helper]))
    s.campaigns.append(Campaigns(pb, a[pw], t[pw], s.war_start[pb, a[pw]], pk, side,
                                 committed, loss))
    s.last_target[b, a] = t

    # The target's side remembers the aggression of every member of the initiator's side
    # (balance of threat).
    if compiled:
        compiled_war.grievances(s.hostility, pw, pk, side, slot, n, nw)
    else:
        attacking = np.zeros((nw, n), dtype=PAIR)
        a_rows = side == 0
        attacking[pw[a_rows], pk[a_rows]] = 1.0
        d_rows = ~a_rows
        np.add.at(s.hostility, (pb[d_rows], pk[d_rows]), attacking[pw[d_rows]])

    decided = ~mutual
    winner_side = np.where(att_wins, 0, 1)
    winners = (side == winner_side[pw]) & decided[pw]
    if winners.any():
        loser = np.where(att_wins, t, a)
        claims = _Claims.of(slot[winners] * n + loser[pw[winners]],
                            np.maximum(strength[winners], 1e-12))
        lost_b, lost_a = b[decided], loser[decided]
        _conquer(state, setting, params, s, claims, lost_b, lost_a, 1, events)

    # Peace: mutual devastation ends the war; otherwise the campaign's loser concedes when
    # the forces revealed leave it less than peace_odds of winning the next campaign.
    loser_odds = np.where(att_wins, 1.0 - victory_probability(after_att, after_def, params),
                          victory_probability(after_att, after_def, params))
    concedes = ~mutual & (loser_odds < params.peace_odds)
    _end(s, events, b[mutual], a[mutual], t[mutual], NO_WINNER)
    outcome = np.where(att_wins, INITIATOR_WON, TARGET_WON)
    _end(s, events, b[concedes], a[concedes], t[concedes], outcome[concedes])


def _participants(state: WorldState, actions: Actions, obs: Observation, s: _Scratch,
                  b: I64, a: I64, t: I64
                  ) -> tuple[tuple[I64, I64, F64, I64, I64, F64], I64, I64, I64, F64]:
    """The allies called to the wars (b, initiator a, target t), the public record of the
    defensive calls (in ``s``), and the campaigns' participants: ((defender's allies' war
    row, ally, share sent, the same for the initiator's allies), then the participants'
    war row, actor, side and weight, ordered by war then actor)."""
    n = state.n_actors
    nw = len(b)
    rows = np.arange(nw)
    dw, dk, dsent = _calls(state, actions, b, t, a, actions.join)
    # The offensive obligation in force (declared last year, as the estimates read it) or
    # the treaty's own (WorldState.pact_offence).
    aw, ak, asent = _calls(state, actions, b, a, t, state.join_offence, state.pact_offence)
    called = (dw, dk, dsent, aw, ak, asent)
    # The public record of defensive calls (reliability).
    np.add.at(s.calls.reshape(-1), b[dw] * n + dk, 1.0)
    np.add.at(s.honoured.reshape(-1), b[dw] * n + dk, dsent)

    # What an ally brings: commitment x its own interest in a war against the enemy
    # (Smith 1995; see Observation.interest) x the share its strategy sends.
    help_d = state.alliance[b[dw], dk, t[dw]] * obs.interest(b[dw], dk, a[dw]) * dsent
    help_a = state.alliance[b[aw], ak, a[aw]] * obs.interest(b[aw], ak, t[aw]) * asent
    keep_d, keep_a = help_d > 0, help_a > 0
    dw, dk, help_d = dw[keep_d], dk[keep_d], help_d[keep_d]
    aw, ak, help_a = aw[keep_a], ak[keep_a], help_a[keep_a]

    # Participants, ordered by war then actor. An actor called to both sides of one war
    # (allied to neither principal's enemy, so only through a principal) cannot occur.
    pw = np.concatenate([rows, rows, dw, aw])
    pk = np.concatenate([a, t, dk, ak])
    side = np.concatenate([np.zeros(nw, np.int64), np.ones(nw + len(dw), np.int64),
                           np.zeros(len(aw), np.int64)])
    weight = np.concatenate([np.ones(2 * nw), help_d, help_a])
    order = np.lexsort((pk, pw))
    return called, pw[order], pk[order], side[order], weight[order]


def _sides(state: WorldState, obs: Observation, s: _Scratch, pw: I64, pk: I64, side: I64,
           weight: F64, pb: I64, slot: I64, t: I64, nw: int) -> tuple[F64, F64, F64, F64]:
    """The campaigns' participants' committed forces and strengths, and each side's
    strength: (committed, strength, attacker's side, target's side)."""
    n = state.n_actors
    engaged = force_split(state.batch, n, pb, pk).reshape(-1)
    committed = weight * (s.military.reshape(-1)[slot] / engaged[slot])
    # Each participant by its own access to the target: one that borders it only across
    # the sea pays the amphibious penalty, one with a land border (or no border) does not;
    # the defender's allies land on a friendly coast and pay none (Mearsheimer 2001, ch. 4).
    strength = committed * obs.reach[pb, pk, t[pw]] * np.where(
        side == 1, 1.0, obs.amphibious(pb, pk, t[pw]))
    sides = np.bincount(pw * 2 + side, weights=strength, minlength=2 * nw).astype(np.float64)
    return committed, strength, sides[0::2], sides[1::2]


def _attrition(state: WorldState, s: _Scratch, pw: I64, side: I64, slot: I64,
               committed: F64, frac_att: F64, frac_def: F64) -> F64:
    """Each participant's losses (its side's fraction of its committed forces), taken from
    the military of ``s``."""
    frac = np.where(side == 0, frac_att[pw], frac_def[pw])
    loss = committed * frac
    lost = np.bincount(slot, weights=loss, minlength=state.batch * state.n_actors)
    s.military -= lost.reshape(state.batch, state.n_actors)
    np.maximum(s.military, 0.0, out=s.military)
    return loss


@dataclass(frozen=True)
class _Claims:
    """Claim weights of winners on losers: sorted codes ``(b * N + winner) * N + loser``."""

    code: I64
    weight: F64

    @classmethod
    def of(cls, code: I64, weight: F64) -> _Claims:
        """Claims from (possibly repeated) codes; repeated weights add up."""
        uniq, inverse = np.unique(code, return_inverse=True)
        return cls(uniq, np.asarray(np.bincount(inverse, weights=weight, minlength=len(uniq)),
                                    dtype=np.float64))

    def lookup(self, code: I64) -> F64:
        """The weight of each code (0 where there is no claim)."""
        pos = np.minimum(np.searchsorted(self.code, code), max(len(self.code) - 1, 0))
        if not len(self.code):
            return np.zeros(len(code))
        return np.where(self.code[pos] == code, self.weight[pos], 0.0)


def _conquer(state: WorldState, setting: Setting, params: Params, s: _Scratch,
             claims: _Claims, lost_b: I64, lost_a: I64, round_: int,
             events: list[Events], kind: EventKind = EventKind.CONQUEST,
             rate: float | None = None) -> None:
    """Move frontier provinces of losers to adjacent winners.

    Each frontier province passes with probability ``rate`` (``conquest_rate`` after a
    campaign; 1 for a concession, which hands over the whole demand).
    ``claims`` holds each winner's claim weight on a loser (its contribution). Only the
    losers' provinces are examined: for each, the links ending there (a CSR index of the
    map) name the neighbours that may claim it; among several claimants one is drawn with
    chance proportional to its weight (Efraimidis-Spirakis keys ``u ** (1 / w)``).
    """
    if setting.engine == "compiled":  # the same claims and draws in one compiled pass
        from powerbalance.model import compiled_war

        compiled_war.conquer(state, setting, s, claims.code, claims.weight, lost_b, lost_a,
                             round_, events, kind,
                             params.conquest_rate if rate is None else rate,
                             params.capital_loss_kills)
        return
    n, p = state.n_actors, setting.n_provinces
    worlds = sorted_unique(lost_b)
    row_of = np.full(state.batch, -1, dtype=np.int64)
    row_of[worlds] = np.arange(len(worlds))
    loser_flag = np.zeros((len(worlds), n + 1), dtype=bool)  # column n: unowned
    loser_flag[row_of[lost_b], lost_a] = True
    owner = s.owner[worlds]
    qw, q = nonzero(np.take_along_axis(loser_flag, np.where(owner >= 0, owner, n), axis=1))
    if not len(qw):
        return
    # Expand each loser province into the links that end at it.
    start, stop = setting.in_ptr[q], setting.in_ptr[q + 1]
    counts = stop - start
    rep = np.repeat(np.arange(len(q)), counts)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)
    cl = setting.in_links[start[rep] + offset]
    cw = qw[rep]
    claimer = owner[cw, setting.link_src[cl]]
    held_by = owner[cw, q[rep]]
    ok = (claimer >= 0) & (claimer != held_by)
    weight = np.zeros(len(ok))
    weight[ok] = claims.lookup((worlds[cw[ok]] * n + claimer[ok]) * n + held_by[ok])
    ok &= weight > 0
    cw, cl, claimer, weight = cw[ok], cl[ok], claimer[ok], weight[ok]
    if not len(cw):
        return
    keys = state.keys[worlds]
    uniform_at = rng.uniform_at
    u = uniform_at(keys[cw], state.year, rng.Stream.CLAIM, cl, sub=round_)
    # Weighted draw among the claimants of a province: the largest u ** (1 / weight) wins,
    # i.e. the smallest -log(u) / weight (compared as the bits of a positive float32,
    # which order like the numbers, with the claimer in the low bits).
    cost = (-detmath.log(u) / weight).astype(np.float32)
    key = cost.view(np.int32).astype(np.int64) << 20 | claimer
    none = np.iinfo(np.int64).max
    flat_best = np.full(len(worlds) * p, none, dtype=np.int64)
    np.minimum.at(flat_best, cw * p + setting.link_dst[cl], key)
    best = flat_best.reshape(len(worlds), p)
    bw, bq = nonzero(best != none)
    u = uniform_at(keys[bw], state.year, rng.Stream.CONQUEST, bq, sub=round_)
    taken = np.zeros_like(best, dtype=bool)
    taken[bw, bq] = u < (params.conquest_rate if rate is None else rate)
    if not taken.any():
        return
    claimant = best & ((1 << 20) - 1)
    new_owner = np.where(taken, claimant, owner)

    if params.capital_loss_kills:
        # A fallen capital hands all of its owner's provinces to the captor.
        cap = s.capital[worlds]
        tw, tq = nonzero(taken)
        old = owner[tw, tq]
        fell = cap[tw, old] == tq
        heir = np.full((len(worlds), n + 1), -1, dtype=np.int64)
        heir[tw[fell], old[fell]] = claimant[tw[fell], tq[fell]]
        inherited = np.take_along_axis(heir, np.where(owner >= 0, owner, n), axis=1)
        new_owner = np.where(inherited >= 0, inherited, new_owner)

    moved = new_owner != owner
    tw, tq = nonzero(moved)
    codes, counts = unique_counts((tw * n + new_owner[tw, tq]) * n + owner[tw, tq])
    cw2, rest = np.divmod(codes, n * n)
    winner, victim = np.divmod(rest, n)
    if kind == EventKind.CONCESSION:   # the victim conceded to the winner
        events.append(Events.make(kind, worlds[cw2], victim, winner, counts.astype(float)))
    else:
        events.append(Events.make(kind, worlds[cw2], winner, victim, counts.astype(float)))
    s.owner[worlds] = new_owner
    s.changed[worlds[sorted_unique(tw)]] = True


def _bury_the_dead(state: WorldState, s: _Scratch, setting: Setting, params: Params,
                   events: list[Events]) -> WorldState:
    """Kill actors without provinces, end their wars, move fallen capitals, refresh the
    cached borders.

    Only worlds whose borders changed this year can have deaths or fallen
    capitals, so only they are examined, and only their rows are written: a
    cached array is copied (the input state stays untouched) only when some but
    not all worlds changed and their fresh rows differ from the old ones in some
    bit (copy on write: without a death the survivors, their wealth and the
    alliances are the old arrays, and a conquest that redraws no border leaves
    the adjacency shared); when every world changed (a batch of one), the fresh
    arrays replace it without a copy.
    """
    war_fields = {"hostility": s.hostility, "calls": s.calls, "honoured": s.honoured,
                  "war_loss": s.war_loss,
                  "war_target": s.war_target, "war_start": s.war_start,
                  "last_target": s.last_target, "deterred_target": s.deterred_target}
    changed = s.changed.nonzero()[0]
    if not len(changed):
        return state.replace(military=s.military, productivity=s.productivity, **war_fields)
    compiled = setting.engine == "compiled"
    every = len(changed) == state.batch

    def merged(old: np.ndarray, fresh: np.ndarray, share: bool = False) -> np.ndarray:
        """``old`` with the changed worlds' rows replaced by ``fresh``; with ``share``,
        ``old`` itself when they hold the same bits (the state is immutable, so an array
        nothing changed in is shared)."""
        if every:
            return fresh
        if share and _same_bits(old[changed], fresh):
            return old
        out = old.copy()
        out[changed] = fresh
        return out

    n = state.n_actors
    owner = s.owner if every else s.owner[changed]
    cached: dict[str, np.ndarray | None] = {}
    if compiled:  # the same deaths, capitals and borders in one compiled pass
        from powerbalance.model import compiled_war

        (alive_c, died, cap_owner, capital, alive, wealth, cached["adjacent"], land_adjacent,
         frontier) = compiled_war.burial(state, s, changed, setting)
        if land_adjacent is not None:
            cached["land_adjacent"] = land_adjacent
        if frontier is not None:
            cached["frontier"] = frontier
    else:
        alive_c, died, cap_owner, capital = _burial(state, s, setting, owner, changed)
    if died.any():
        dw, di = nonzero(died)
        events.append(Events.make(EventKind.DEATH, changed[dw], di, cap_owner[dw, di]))
        # Wars whose principal collapsed end: the survivor won.
        dead = np.zeros((state.batch, n), dtype=bool)
        dead[changed[dw], di] = True
        wb, wa = nonzero(s.war_target >= 0)
        wt = s.war_target[wb, wa]
        gone_a, gone_t = dead[wb, wa], dead[wb, wt]
        over = gone_a | gone_t
        outcome = np.where(gone_a & gone_t, NO_WINNER,
                           np.where(gone_t, INITIATOR_WON, TARGET_WON))
        _end(s, events, wb[over], wa[over], wt[over], outcome[over])
        # A crisis ends with either party: a revived slot (secession) starts afresh (the
        # input's array, still shared, holds no crisis to end).
        if s.deterred_target is not state.deterred_target:
            standing = s.deterred_target >= 0
            gone = np.take_along_axis(dead, np.maximum(s.deterred_target, 0), axis=1)
            s.deterred_target[dead | (standing & gone)] = -1

    s.capital[changed] = capital  # (the year's own copy)
    full_capital = s.capital
    military, productivity = s.military, s.productivity
    if not compiled:
        alive = merged(state.alive, alive_c, share=True)
        military[changed] = np.where(alive_c, military[changed], 0.0)
        productivity[changed] = np.where(alive_c, productivity[changed], 0.0)
        wealth = merged(state.wealth, np.where(alive_c, state.wealth[changed], 0.0),
                        share=True)
    alliance = state.alliance
    dw, di = nonzero(died)
    if len(dw) and not (_same_bits(alliance[changed[dw], di, :], np.zeros((len(dw), n), PAIR))
                        and _same_bits(alliance[changed[dw], :, di],
                                       np.zeros((len(dw), n), PAIR))):
        alliance = alliance.copy()
        alliance[changed[dw], di, :] = 0.0
        alliance[changed[dw], :, di] = 0.0
    if not compiled:
        pair = alive_c[:, :, None] & alive_c[:, None, :]
        land, frontier = state.land_adjacent is not None, state.frontier is not None
        fresh = borders(owner, n, setting, land=land, frontier=frontier)
        cached["adjacent"] = merged(state.adjacent, fresh.adjacent & pair, share=True)
        if fresh.frontier is not None and state.frontier is not None:
            cached["frontier"] = merged(state.frontier, fresh.frontier)
        if fresh.land_adjacent is not None and state.land_adjacent is not None:
            cached["land_adjacent"] = merged(state.land_adjacent, fresh.land_adjacent & pair,
                                             share=True)
    fresh_base, _ = territorial_base(owner, capital, n, setting, params, state.year)
    cached["base"] = merged(state.base, np.where(alive_c, fresh_base, 0.0))
    mw, mi = nonzero(capital != state.capital[changed])
    if len(mw):
        # Capitals moved (or their actors died): re-measure only those actors' rows and
        # columns; the distance is symmetric, the gradient too unless mobility differs.
        distance, reach_ = state.capital_distance.copy(), state.reach.copy()
        gw = changed[mw]
        caps = np.maximum(full_capital[gw], 0)
        rows = setting.distance[np.maximum(full_capital[gw, mi], 0)[:, None], caps]
        outgoing, incoming = reach_rows(rows, mi, params, state.year, setting)
        distance[gw, mi, :] = rows
        distance[gw, :, mi] = rows
        reach_[gw, mi, :] = outgoing
        reach_[gw, :, mi] = incoming
        cached.update(capital_distance=distance, reach=reach_)
    return state.replace(alive=alive, military=military, productivity=productivity,
                         wealth=wealth, owner=s.owner, capital=full_capital,
                         alliance=alliance, **war_fields, **cached)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` hold the same values bit for bit (a -0.0 or a NaN payload
    counts as a change: a shared array must be the one a copy would have made)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return bool(np.array_equal(a.view(np.uint8), b.view(np.uint8)))


def _burial(state: WorldState, s: _Scratch, setting: Setting, owner: I64,
            changed: I64) -> tuple[BoolA, BoolA, I64, I64]:
    """The deaths and capitals of the worlds ``changed`` (``owner``, their rows of
    ``s.owner``): an actor left with no province dies; a live actor that lost its capital
    moves it to its most valuable province; the dead have capital -1. Returns (alive, died,
    the owner of each capital province, capital) of those worlds."""
    n = state.n_actors
    count = territory(owner, n)
    was_alive = state.alive[changed]
    alive_c = was_alive & (count > 0)
    died = was_alive & ~alive_c
    capital = s.capital[changed]
    cap_owner = np.take_along_axis(owner, np.maximum(capital, 0), axis=1)
    lost_capital = alive_c & (cap_owner != np.arange(n)[None, :])
    if lost_capital.any():
        by_rank = np.argsort(setting.value_rank)
        owned = owner >= 0
        bins = np.where(owned, np.arange(len(changed))[:, None] * n + owner, len(changed) * n)
        rank_key = np.where(owned, setting.value_rank[None, :], -1)
        best = np.full(len(changed) * n + 1, -1, dtype=np.int64)
        np.maximum.at(best, bins.ravel(), rank_key.ravel())
        new_cap = by_rank[np.maximum(best[:-1].reshape(len(changed), n), 0)]
        capital = np.where(lost_capital, new_cap, capital)
    return alive_c, died, cap_owner, np.where(alive_c, capital, -1)
