"""Nuclear deterrence as a decision (docs/model.md, One year: war and deterrence).

A would-be attacker weighs the expected cost of nuclear retaliation against the
expected gain of its attack and goes ahead only when the gain exceeds the cost
(``Params.deterrence_rule = "decision"``, the default; Schelling 1966, *Arms and
Influence*, ch. 2-3; Jervis 1989, *The Meaning of the Nuclear Revolution*, ch. 1;
Powell 1990, *Nuclear Deterrence Theory*, ch. 1-2; Waltz 1981, "The spread of nuclear
weapons: more may be better", Adelphi Paper 171):

- **Credibility** (:func:`retaliation_probability`). Each nuclear-armed defender of
  the target -- the target itself and every live *patron* (an ally committed to it at
  least ``Params.extended_commitment`` that is not also allied with the attacker, who
  would stay out of the war) -- retaliates with the probability the war model gives a
  nuclear side facing defeat: ``nuclear_escalation`` against a nuclear attacker,
  ``nuclear_escalation x (1 - taboo_restraint)`` against a non-nuclear one (the
  nuclear taboo of :mod:`.war`: first use against a non-nuclear state is restrained;
  Tannenwald 1999, "The nuclear taboo", *International Organization* 53(3)). An
  arsenal without a secure second strike (``nuclear == 1``) facing a nuclear attacker
  is expected to survive its first strike with probability ``vulnerable_survival``
  (Wohlstetter 1959, "The delicate balance of terror", *Foreign Affairs* 37(2); Waltz
  1981 argues that even small forces survive). A patron's threat counts its commitment
  to the target times its reliability as an ally (its public record of calls honoured,
  :func:`powerbalance.model.perception.reliability`): extended deterrence rests on the
  patron's ties and past behaviour (Huth 1988, *Extended Deterrence and the Prevention
  of War*, ch. 2-3; Schelling 1966, ch. 2). The defenders decide independently, so
  retaliation comes unless every one of them holds back.
- **Cost** (:func:`retaliation_cost`): a retaliation devastates ``nuclear_devastation``
  of the attacker's forces and productivity (as the war model does), which the
  phoenix factor does not regain: its military plus ``stake_horizon`` years of its
  wealth, times the probability of retaliation, times ``1 - resolve`` (an attacker of
  resolve 1 accepts its own destruction) and ``retaliation_weight`` (1 risk-neutral,
  0 the ablation: retaliation costs nothing).
- **Gain** (:func:`attack_gain`): the stake, the hegemon-seeker's expected conquest
  (``conquest_rate`` x production of the target's frontier provinces x the attacker's
  productivity x ``stake_horizon`` years), won only where no retaliation ends the war:
  a nuclear attacker struck back is in a mutual exchange, which the war model ends with
  no winner, so it expects ``1 - p`` of the stake; a non-nuclear attacker keeps the
  stake (the taboo's strike does not decide the campaign by itself). Retaliation comes
  when the defender faces defeat (the war model's threshold), i.e. in the attacks that
  win, so the chance of winning multiplies gain and cost alike and cancels.

The attack is deterred when the cost is at least the gain -- an attack with no expected
gain is not chosen, even at no cost (a resolute attacker facing certain retaliation
that ends the war with no winner gains nothing and holds back) -- unless an accident or
miscalculation happens (probability ``Params.deterrence_accident``; Sagan 1993, *The
Limits of Safety*). Deterrence covers only targets with a nuclear defender: wars
elsewhere (proxy wars) go on.

``deterrence_rule = "veto"`` restores the rule before issue 13 for comparison: a
target with a secure second strike (``nuclear == 2``) or such a patron is protected
and every attack on it is deterred unless the attacker's resolve is at least
``resolve_threshold`` or an accident happens.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from powerbalance import rng
from powerbalance.model.derived import frontier_value
from powerbalance.model.perception import reliability
from powerbalance.model.state import F64, I64, Setting, WorldState
from powerbalance.params import Params

BoolA = npt.NDArray[np.bool_]


def _patrons(state: WorldState, b: I64, a: I64, t: I64, params: Params) -> BoolA:
    """(K, N) nuclear-armed live allies committed to t at least ``extended_commitment``,
    not the attacker and not allied with it."""
    ally = ((state.alliance[b, :, t] >= params.extended_commitment)
            & (state.nuclear[b] >= 1) & state.alive[b]
            & (state.alliance[b, :, a] <= 0))
    rows = np.arange(len(b))
    ally[rows, a] = False
    ally[rows, t] = False
    return ally


def retaliation_probability(state: WorldState, b: I64, a: I64, t: I64,
                            params: Params) -> F64:
    """(K,) probability that t, or one of its nuclear patrons, retaliates with nuclear
    weapons against an attack by a that would defeat t (see the module docstring)."""
    attacker_nuclear = state.nuclear[b, a] >= 1
    will = np.where(attacker_nuclear, params.nuclear_escalation,
                    params.nuclear_escalation * (1.0 - params.taboo_restraint))

    def survives(level: npt.NDArray[np.int8]) -> F64:
        # A vulnerable arsenal (level 1) may be destroyed by a nuclear attacker's first strike.
        vulnerable = (level == 1) & attacker_nuclear.reshape(-1, *([1] * (level.ndim - 1)))
        return np.where(level >= 1, np.where(vulnerable, params.vulnerable_survival, 1.0), 0.0)

    own = survives(state.nuclear[b, t]) * will
    patron = _patrons(state, b, a, t, params)
    if not patron.any():
        return np.asarray(own, dtype=np.float64)
    credit = (survives(state.nuclear[b]) * will[:, None]
              * state.alliance[b, :, t].astype(np.float64) * reliability(state, params)[b])
    held_back = np.prod(np.where(patron, 1.0 - credit, 1.0), axis=1)
    return np.asarray(1.0 - (1.0 - own) * held_back, dtype=np.float64)


def retaliation_cost(state: WorldState, b: I64, a: I64, probability: F64,
                     params: Params) -> F64:
    """(K,) the expected cost to a of the retaliation it risks, in wealth-years."""
    destroyed = params.nuclear_devastation * (state.military[b, a]
                                              + state.wealth[b, a] * params.stake_horizon)
    return np.asarray(params.retaliation_weight * probability * destroyed
                      * (1.0 - state.resolve[b, a]), dtype=np.float64)


def attack_gain(state: WorldState, setting: Setting, b: I64, a: I64, t: I64,
                probability: F64, params: Params) -> F64:
    """(K,) what a's attack on t stands to win, in wealth-years: the stake, times the
    chance ``1 - probability`` that no mutual exchange ends the war for a nuclear
    attacker."""
    frontier = state.frontier
    if frontier is None:   # a state that has not been stepped yet
        frontier = frontier_value(state.owner, state.n_actors, setting)
    value = frontier[b, a, t].astype(np.float64)
    stake = params.conquest_rate * value * state.productivity[b, a] * params.stake_horizon
    kept = np.where(state.nuclear[b, a] >= 1, 1.0 - probability, 1.0)
    return np.asarray(stake * kept, dtype=np.float64)


def deterrence(state: WorldState, b: I64, a: I64, t: I64, params: Params,
               setting: Setting | None = None) -> tuple[BoolA, BoolA, BoolA]:
    """For wars (b, a -> t): (deterred, failed, accident) masks.

    ``failed`` marks attacks that go ahead against a target with a nuclear defender;
    ``accident`` those among them that went ahead by accident or miscalculation.
    ``setting`` is needed by the decision rule when ``state.frontier`` is not cached.
    """
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.DETERRENCE, a)
    accident = u < params.deterrence_accident
    if params.deterrence_rule == "veto":
        nuc2 = state.nuclear[b] == 2
        ally = (state.alliance[b, :, t] >= params.extended_commitment) & nuc2 & state.alive[b]
        ally[np.arange(len(b)), a] = False
        protected = (state.nuclear[b, t] == 2) | ally.any(axis=1)
        chosen = state.resolve[b, a] >= params.resolve_threshold
    else:
        p = retaliation_probability(state, b, a, t, params)
        protected = p > 0
        if protected.any():
            if state.frontier is None and setting is None:
                raise ValueError("deterrence needs the setting when the frontier is not cached")
            cost = retaliation_cost(state, b, a, p, params)
            gain = attack_gain(state, setting, b, a, t, p,  # type: ignore[arg-type]
                               params)
            # Strict: an attack that expects no gain is not chosen even when it costs nothing.
            chosen = gain > cost
        else:
            chosen = np.ones(len(b), dtype=bool)
    deterred = protected & ~chosen & ~accident
    failed = protected & ~deterred
    return deterred, failed, failed & accident & ~chosen
