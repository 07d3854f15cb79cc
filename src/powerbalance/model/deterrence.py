"""Nuclear deterrence as a decision (docs/model.md, One year: war and deterrence).

A would-be attacker weighs the expected cost of nuclear retaliation against the
expected gain of its attack and goes ahead only when the gain exceeds the cost
(``Params.deterrence_rule = "decision"``, the default; Schelling 1966, *Arms and
Influence*, ch. 2-3; Jervis 1989, *The Meaning of the Nuclear Revolution*, ch. 1;
Powell 1990, *Nuclear Deterrence Theory*, ch. 1-5). It expects what the war model
(:mod:`.war`) will do, estimated with the attacker's own :class:`.Observation`:

- **Who can retaliate** (:func:`nuclear_members`). The target, if nuclear-armed, and
  every nuclear-armed live ally of the target not allied with the attacker (one allied
  with both stays out, as in the campaigns). The campaigns call every such ally; it
  fights, and may escalate, when it sends help. Its chance of being in the war is its
  expected help as the side estimates count it
  (``Params.deterrence_credibility = "expected-help"``): commitment to the target x
  its interest in a war against the attacker (:meth:`.Observation.interest`: the
  threat the attacker poses to it, Smith 1995) x its reliability (the expected share
  of its promise it sends, from its public record of calls honoured: Leeds 2003).
  This is the threat that leaves something to chance (Schelling 1960, ch. 8; 1966,
  ch. 3): a patron's retaliation is likelier the more it has at stake in the client,
  its commitment and its own interest against the attacker. ``"committed"`` is the rule
  before issue 13's review: only allies committed at least ``extended_commitment``
  count, at commitment x reliability. The record is the patron's record toward every
  challenger, not toward this one: Huth 1988 (*Extended Deterrence and the Prevention
  of War*, ch. 4) finds that a defender's past behaviour toward the *same* challenger
  matters; the engine keeps one record per ally, so the umbrella follows Huth only in
  that reputation counts, not in whose eyes (a stated limitation).
- **Escalation per campaign** (:func:`retaliation_probability`). As in the war model,
  a side that loses a campaign escalates through its strongest nuclear member (the
  highest arsenal level, the principal first among equals, then the lowest index),
  with probability ``nuclear_escalation`` against a nuclear attacker,
  ``nuclear_escalation x (1 - taboo_restraint)`` against a non-nuclear one (the
  nuclear taboo: Tannenwald 1999, *International Organization* 53(3)). A vulnerable
  arsenal (``nuclear == 1``) escalates as a secure one does, because the war model
  makes it do so: the decision expects what the war does. Under the default
  ``Params.resolve_rule = "own-valuation"`` no resolve enters here (the war model's
  escalation does not depend on resolve); under ``"balance"`` each defender's chance is
  scaled by the balance of resolve ``2 r_d / (r_d + r_a)`` (see **Resolve enters once**).
- **Over the war** (:func:`exchange_probability`). A defender escalates in the
  campaigns it loses, a nuclear attacker in those it loses (a mutual exchange when the
  defenders' side has a nuclear member). Under the war-ending rule a war of expected
  length T (:func:`.victory.expected_war_years`, the hegemon-seeker's estimate, at the
  attacker's estimated odds p) has ``T p`` campaigns the attacker wins and ``T (1 -
  p)`` it loses (a favourite loses T - 1 and wins the last). The attacker is struck
  unless no escalation hits it: ``1 - (1 - c_d) ** (T p) x (1 - c_a) ** (T (1 - p))``
  (``Params.retaliation_campaigns``; off: one campaign, the rule before the review).
- **Cost** (:func:`retaliation_cost`): a retaliation devastates ``nuclear_devastation``
  of the attacker's forces and productivity (as the war model does), which the
  phoenix factor does not regain: its military plus ``stake_horizon`` years of its
  wealth, times the probability of being struck, times ``1 - resolve`` under the
  default ``resolve_rule`` (see **Resolve enters once**) and ``retaliation_weight`` (1
  risk-neutral, 0 the ablation: retaliation costs nothing).
- **Gain** (:func:`attack_gain`): the hegemon-seeker's stake (``conquest_rate`` x
  production of the target's frontier provinces x the attacker's productivity x
  ``stake_horizon`` years) for each campaign it expects to win (``T p``, 1 without
  ``retaliation_campaigns``), won only where no mutual exchange ends the war with no
  winner for a nuclear attacker; a non-nuclear attacker keeps the stake (the taboo's
  strike does not decide the campaign by itself).

**Resolve enters once** (``Params.resolve_rule``). Powell 1990 (*Nuclear Deterrence
Theory*, ch. 2-3, brinkmanship) defines a state's resolve as its own valuation: the
highest risk of disaster it is willing to run to prevail rather than back down, ``rho =
(u(prevail) - u(back down)) / (u(prevail) - u(disaster))``; each side escalates while
the risk it runs is below its own resolve (a cutoff), and the more resolute side
prevailing is the outcome of that contest, not a second input to it. In the engine the
attacker's expected utility of attacking, status quo 0, is ``(1 - h) G - h (1 - r) D``
for a nuclear attacker (G the stake, D the devastation it risks, h the chance it is
struck): it attacks iff ``h < G / (G + (1 - r) D)``, the challenger's cutoff of Powell's
model with the attacker's resolve ``rho = G / (G + (1 - r) D)``, one-sided against an
exogenous h (the defender's resolve and the uncertainty about it, which decide crises in
Powell's model, are not modelled: a stated limitation); the state field r in [0, 1] is
the share of its own destruction the attacker discounts (resolve 1 values its own
destruction at nothing: undeterrable by construction). This is the default,
``"own-valuation"``: resolve enters only through the attacker's cost, and the defender
escalates at the war model's rate, because the war model's escalation does not depend on
resolve (the decision expects what the war does; that the defender's resolve does not
set its escalation is a stated limitation of the war model). The rule before this review
used both the ``(1 - r)`` discount and a balance of resolve ``2 r_d / (r_d + r_a)`` on
the defender's escalation, counting the attacker's resolve twice and expecting a war the
war model does not fight. ``"balance"`` keeps that contest form alone, for comparison:
no ``(1 - r)`` discount, each defender's chance scaled by ``2 r_d / (r_d + r_a)`` (1 at
equal resolve, clipped to a probability; Powell gives no closed form for the multi-stage
contest, so this form is a stated choice).

The attack is deterred when the cost is at least the gain -- an attack with no expected
gain is not chosen, even at no cost -- unless an accident or miscalculation happens
(probability ``Params.deterrence_accident``; Sagan 1993, *The Limits of Safety*). With
``Params.deterrence_crisis_memory`` (the default) the accident is drawn once per crisis:
when an attacker first stands down against a target (``WorldState.deterred_target``
records the target it stands down against); while it goes on demanding the same target
and is deterred, the standing crisis draws no new accident. This is the model's stated
choice: a challenger that has stood down is off the brink, so the risk of losing control
is tied to entering the crisis, not re-run every year a standoff lasts. It borrows
Schelling's phrase, the threat that leaves something to chance (Schelling 1960, *The
Strategy of Conflict*, ch. 8), but not his brinkmanship, in which the shared risk
accumulates with the time spent on the brink (Schelling 1966, *Arms and Influence*, ch.
3): the nuclear-peace experiment's ``memory-off`` arm is that bound. The crisis ends when
the attacker demands nothing, demands another target or goes to war; demanding again
later opens a new crisis and a new draw. Off: the rule before issue 13's review, a draw
every year a demand is deterred (a demand repeated for y years then breaks deterrence by
accident with probability ``1 - (1 - accident) ** y``). Deterrence covers only targets
with a nuclear defender: wars elsewhere (proxy wars) go on.

**Veto-like by construction** (measured: ``python docs/measure_deterrence.py``). Against
a great power's arsenal the devastation risked (``nuclear_devastation`` of the attacker's
military and ``stake_horizon`` years of its wealth) dwarfs a frontier's stake, so even a
modest chance of retaliation outweighs any gain and the decision acts as a veto with a
threshold in resolve: the nuclear revolution (Jervis 1989, ch. 1: the cost of a nuclear
war dwarfs any gain). On cold-war-1950 (seed 0, defaults) the USSR's undiscounted
expected cost against the USA's clients is 11-14 times its gain (h = 0.40-0.42), so it
breaks even only at resolve 0.91-0.93; superpower war at USSR resolve 0.1 / 0.5 / 0.9 /
1 comes out 0.06 / 0.06 / 0.10 / 0.91 (100 worlds), and under ``resolve_rule =
"balance"`` 0.06 at every resolve (docs/model.md).

The attacker's estimate is not the war's draw in three ways (stated choices): the
attacking side's nuclear allies are left out (only the attacker's own arsenal decides
whether an exchange is mutual), the frontier's value is taken as constant over the war,
and conquests made before an exchange are counted as lost with it.

``deterrence_rule = "veto"`` restores the rule before issue 13 for comparison: a
target with a secure second strike (``nuclear == 2``) or such a patron is protected
and every attack on it is deterred unless the attacker's resolve is at least
``resolve_threshold`` or an accident happens.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from powerbalance import detmath, rng
from powerbalance.model.derived import frontier_value
from powerbalance.model.perception import Observation
from powerbalance.model.state import F64, I64, Setting, WorldState
from powerbalance.model.victory import expected_war_years
from powerbalance.params import Params

BoolA = npt.NDArray[np.bool_]


def _candidates(state: WorldState, b: I64, a: I64, t: I64) -> BoolA:
    """(K, N) the actors that could retaliate for t: t itself if nuclear-armed, and the
    nuclear-armed live allies of t not allied with the attacker."""
    nuclear = (state.nuclear[b] >= 1) & state.alive[b]
    ally = (state.alliance[b, :, t] > 0) & nuclear & (state.alliance[b, :, a] <= 0)
    rows = np.arange(len(b))
    ally[rows, a] = False
    ally[rows, t] = nuclear[rows, t]
    return ally


def nuclear_members(obs: Observation, b: I64, a: I64, t: I64) -> F64:
    """(K, N) each actor's chance of being a nuclear member of t's side in a war a starts:
    1 for a nuclear-armed t, a patron's expected help for its allies (see the module
    docstring, ``Params.deterrence_credibility``), 0 for everyone else."""
    state, params = obs.state, obs.params
    member = _candidates(state, b, a, t)
    out = np.zeros(member.shape)
    rows = np.arange(len(b))
    out[rows, t] = member[rows, t]
    member[rows, t] = False
    kb, kk = np.nonzero(member)
    if not len(kb):
        return out
    bb, aa, tt = b[kb], a[kb], t[kb]
    bond = state.alliance[bb, kk, tt].astype(np.float64)
    record = obs.reliability[bb, kk]
    if params.deterrence_credibility == "committed":
        help_ = np.where(bond >= params.extended_commitment, bond * record, 0.0)
    else:
        help_ = bond * obs.interest(bb, kk, aa) * record
    out[kb, kk] = np.clip(help_, 0.0, 1.0)
    return out


def _escalation_chance(state: WorldState, b: I64, a: I64, params: Params) -> F64:
    """(K, N) each actor's chance of crossing the threshold for t's side when it loses a
    campaign against a (the war model's rate; under ``resolve_rule = "balance"`` times
    the balance of resolve)."""
    attacker_nuclear = state.nuclear[b, a] >= 1
    will = np.where(attacker_nuclear, params.nuclear_escalation,
                    params.nuclear_escalation * (1.0 - params.taboo_restraint))
    chance = np.broadcast_to(will[:, None], (len(b), state.n_actors))
    if params.resolve_rule != "balance":
        return np.array(chance)
    own, theirs = state.resolve[b], state.resolve[b, a][:, None]
    total = own + theirs
    balance = np.where(total > 0, 2.0 * own / np.where(total > 0, total, 1.0), 1.0)
    return np.asarray(np.clip(chance * balance, 0.0, 1.0), dtype=np.float64)


def retaliation_probability(obs: Observation, b: I64, a: I64, t: I64) -> F64:
    """(K,) the chance that t's side, losing a campaign of a's war against t, crosses the
    nuclear threshold: its strongest nuclear member escalates, as in the war model (the
    members ranked by arsenal level, the principal t first among equals, then by index;
    a member is in the war with the chance :func:`nuclear_members` gives)."""
    state = obs.state
    n = state.n_actors
    member = nuclear_members(obs, b, a, t)
    chance = _escalation_chance(state, b, a, obs.params)
    rows = np.arange(len(b))
    rank = state.nuclear[b].astype(np.int64) * 2
    rank[rows, t] += 1
    # Highest rank first; among equals the lowest index (the war model's tie-break).
    order = np.argsort(-(rank * (n + 1) + (n - np.arange(n))[None, :]), axis=1)
    m = np.take_along_axis(member, order, axis=1)
    c = np.take_along_axis(chance, order, axis=1)
    absent_before = np.cumprod(np.concatenate([np.ones((len(b), 1)), 1.0 - m[:, :-1]],
                                              axis=1), axis=1)
    return np.asarray((m * c * absent_before).sum(axis=1), dtype=np.float64)


def _survive(chance: F64, campaigns: F64) -> F64:
    """``(1 - chance) ** campaigns`` for real exponents, bit-reproducibly (0 where the
    chance is certain and the campaigns positive)."""
    kept = 1.0 - chance
    out = np.where(campaigns > 0, 0.0, 1.0)
    ok = kept > 0
    out[ok] = detmath.exp(campaigns[ok] * detmath.log(kept[ok]))
    return np.asarray(out, dtype=np.float64)


def war_campaigns(obs: Observation, b: I64, a: I64, t: I64) -> tuple[F64, F64]:
    """(K,) pairs: the campaigns the attacker expects to win and to lose in its war on t,
    ``T p`` and ``T (1 - p)`` with T the expected length at its estimated odds p
    (:func:`.victory.expected_war_years`); (1, 0) without ``retaliation_campaigns``."""
    if not obs.params.retaliation_campaigns:
        return np.ones(len(b)), np.zeros(len(b))
    odds = np.asarray(obs.win_odds(b, a, t), dtype=np.float64)
    years = expected_war_years(odds, obs.params)
    return years * odds, years * (1.0 - odds)


def exchange_probability(obs: Observation, b: I64, a: I64, t: I64,
                         per_campaign: F64, won: F64, lost: F64) -> F64:
    """(K,) the chance that a nuclear strike hits the attacker in the war: t's side
    escalates (``per_campaign``) in each of the ``won`` campaigns it loses; a nuclear
    attacker in each of the ``lost`` ones it loses, a mutual exchange when t's side has a
    nuclear member (an escalation against a side without one strikes only the enemy)."""
    state, params = obs.state, obs.params
    spared = _survive(per_campaign, won)
    attacker_nuclear = state.nuclear[b, a] >= 1
    if attacker_nuclear.any():
        armed = 1.0 - np.prod(1.0 - nuclear_members(obs, b, a, t), axis=1)
        own = np.where(attacker_nuclear, params.nuclear_escalation * armed, 0.0)
        spared = spared * _survive(own, lost)
    return np.asarray(1.0 - spared, dtype=np.float64)


def retaliation_cost(state: WorldState, b: I64, a: I64, probability: F64,
                     params: Params) -> F64:
    """(K,) the expected cost to a of the retaliation it risks, in wealth-years: under
    ``resolve_rule = "own-valuation"`` discounted by ``1 - resolve`` (Powell's resolve as
    the attacker's own valuation, the one place resolve enters), undiscounted under
    ``"balance"`` (where resolve enters through the defender's escalation instead)."""
    destroyed = params.nuclear_devastation * (state.military[b, a]
                                              + state.wealth[b, a] * params.stake_horizon)
    valued = (1.0 - state.resolve[b, a]) if params.resolve_rule == "own-valuation" else 1.0
    return np.asarray(params.retaliation_weight * probability * destroyed * valued,
                      dtype=np.float64)


def attack_gain(state: WorldState, setting: Setting, b: I64, a: I64, t: I64,
                probability: F64, params: Params, won: F64 | None = None) -> F64:
    """(K,) what a's attack on t stands to win, in wealth-years: the stake for each of the
    ``won`` campaigns it expects to win (1 when not given), times the chance ``1 -
    probability`` that no mutual exchange ends the war for a nuclear attacker."""
    frontier = state.frontier
    if frontier is None:   # a state that has not been stepped yet
        frontier = frontier_value(state.owner, state.n_actors, setting)
    value = frontier[b, a, t].astype(np.float64)
    stake = params.conquest_rate * value * state.productivity[b, a] * params.stake_horizon
    if won is not None:
        stake = stake * won
    kept = np.where(state.nuclear[b, a] >= 1, 1.0 - probability, 1.0)
    return np.asarray(stake * kept, dtype=np.float64)


def decision_terms(state: WorldState, setting: Setting, b: I64, a: I64, t: I64,
                   params: Params) -> tuple[F64, F64, F64]:
    """(K,) triples of the decision rule for attacks (b, a -> t) on targets with a
    nuclear defender: the chance h that a strike hits the attacker, its expected cost
    and its expected gain (the attack is chosen iff gain > cost), on the attacker's own
    observation of this year's state."""
    obs = Observation(state, setting, params)
    per_campaign = retaliation_probability(obs, b, a, t)
    won, lost = war_campaigns(obs, b, a, t)
    hit = exchange_probability(obs, b, a, t, per_campaign, won, lost)
    cost = retaliation_cost(state, b, a, hit, params)
    gain = attack_gain(state, setting, b, a, t, hit, params, won)
    return hit, cost, gain


def deterrence(state: WorldState, b: I64, a: I64, t: I64, params: Params,
               setting: Setting | None = None) -> tuple[BoolA, BoolA, BoolA]:
    """For wars (b, a -> t): (deterred, failed, accident) masks.

    ``failed`` marks attacks that go ahead against a target with a nuclear defender;
    ``accident`` those among them that went ahead by accident or miscalculation.
    ``setting`` is needed by the decision rule (the attacker's observation of the state).
    With ``Params.deterrence_crisis_memory`` an attacker still standing down against
    the same target (``state.deterred_target``: a standing crisis) draws no accident.
    """
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.DETERRENCE, a)
    accident = u < params.deterrence_accident
    if params.deterrence_crisis_memory:
        # The risk of losing control is run once, when the crisis is entered.
        accident &= state.deterred_target[b, a] != t
    if params.deterrence_rule == "veto":
        nuc2 = state.nuclear[b] == 2
        ally = (state.alliance[b, :, t] >= params.extended_commitment) & nuc2 & state.alive[b]
        ally[np.arange(len(b)), a] = False
        protected = (state.nuclear[b, t] == 2) | ally.any(axis=1)
        chosen = state.resolve[b, a] >= params.resolve_threshold
    else:
        protected = np.asarray(_candidates(state, b, a, t).any(axis=1), dtype=bool)
        chosen = np.ones(len(b), dtype=bool)
        if protected.any():
            if setting is None:
                raise ValueError("the deterrence decision needs the setting")
            k = np.flatnonzero(protected)
            hit, cost, gain = decision_terms(state, setting, b[k], a[k], t[k], params)
            # Strict: an attack that expects no gain is not chosen even when it costs nothing.
            chosen[k] = gain > cost
            protected[k] = hit > 0
    deterred = protected & ~chosen & ~accident
    failed = protected & ~deterred
    return deterred, failed, failed & accident & ~chosen
