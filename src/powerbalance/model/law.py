"""The law of nations: norms that hold only while no one is too strong.

Polybius (*Histories* I.83) praised Hiero for helping Carthage against Rome, since
"we should never contribute to the attainment by one state of a power so
preponderant that none dare dispute with it even for their acknowledged rights".
Vattel (1758, *The Law of Nations*, III.47-49) and Oppenheim (1905, *International
Law*, vol. 1, s. 51) made the same point the foundation of the law of nations: with
no authority above states, the law is enforced by the states themselves, so it can
exist only where a balance of power lets them punish a violator; a state that
outgrows the rest can break it with impunity. Morgenthau (1948, *Politics among
Nations*, ch. 18) calls that enforcement decentralised, and Bull (1977, *The
Anarchical Society*, ch. 5) makes the balance of power a condition of international
order. This module is that argument as a layer of the engine (``Params.law``; off
by default, the null).

**State.** Each world holds the strength in [0, 1] of two norms
(``WorldState.norms``): territorial integrity, the non-aggression norm (Zacher
2001, "The territorial integrity norm", *International Organization* 55(2)), and
*pacta sunt servanda*, keeping treaties (here: answering an ally's call). Each
actor has a compliance disposition (``WorldState.compliance``), drawn once from
the ``LAW`` stream or fixed by the scenario.

**One year.** The rules, each a function below with its source:

- :func:`compliant`: an actor is bound by a norm when its disposition is at least
  1 - the norm's strength (a stronger norm binds more actors: the norm cascade);
- :func:`restrain` (after the strategies decide): a bound actor forgoes an attack
  whose expected sanction exceeds its expected gain;
- :func:`violations` (after the war phase): a demand backed by force breaches
  territorial integrity, an ally sending nothing when called breaks a treaty;
- :func:`coalition`: who sanctions: the compliant states that are not the
  violator's allies, if together they can contend with the violator and its
  allies; beyond the smallest such coalition the others free-ride; a violator
  (with its allies) stronger than every possible coalition is unpunishable;
- :func:`penalty`: the sanction's cost to the violator, in proportion to the
  norm's strength and to the coalition's share of strength against it; each
  sanctioner pays ``sanction_cost`` times it (the second-order free-rider
  problem) and adds to its grievance against the violator; both are paid every
  year for ``sanction_years``, then the sanction is lifted (:func:`lift`);
- :func:`enforceable` and :func:`update_norms`: a norm grows in years of
  compliance and of punished violations, but only in proportion to the share of
  the bound actors that could still be punished, and not at all while some live
  actor is stronger than every possible coalition (dominance erodes the law); it
  decays with every unpunished violation;
- :func:`honour` (after the strategies decide): an actor bound by *pacta sunt servanda*
  keeps a treaty its strategy would break, with probability the norm's strength.

**The concert** (joint management; a scenario names its members, ``WorldState.concert``):
:func:`consult` (a member attacks only with the assent of more than ``concert_assent`` of
the others: by default all of them, consensus), policing and joint sanctions in
:func:`coalition` through :func:`concert_acts` (the members sanction a member, or a
non-member's aggression, jointly), armed intervention by :func:`intervene` (one mandated
executor against each of last year's :func:`outlaws`, if it can contend) and the
restoration after a won intervention by :func:`settle` (the members annex nothing). The
consultation issues the mandates (a member it vetoes is sent against no one), and with
``concert_deterrence`` the intervention is expected in advance: in :func:`restrain`
(:func:`expected_intervention`) and in the expected defence of the concert's protégés
(:meth:`powerbalance.model.perception.Observation.expected_defence`).

Each part has a switch (``law``, ``law_sanctions``, ``law_restraint``,
``law_treaty_restraint``, ``law_free_riding``, ``concert_consult``, ``concert_policing``,
``concert_intervention``, ``concert_armed``, ``concert_mandate``, ``concert_restore``,
``concert_interveners``, ``concert_deterrence``); see docs/law.md.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from powerbalance import rng
from powerbalance.model.actions import Actions
from powerbalance.model.derived import borders, territorial_base
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import any_nonzero, nonzero, sorted_unique
from powerbalance.model.mandate import deterrent_candidates, executor, interveners, opposition
from powerbalance.model.perception import Observation, reliability
from powerbalance.model.policy import ActionOverride
from powerbalance.model.state import F64, I64, PAIR, BoolA, Setting, WorldState
from powerbalance.model.victory import victory_probability
from powerbalance.params import Params

#: Indices of the norms in ``WorldState.norms``.
TERRITORY, TREATY = 0, 1
#: Names of the norms (columns ``norm_<name>`` of the system table).
NORMS = ("territory", "treaty")
#: The event of a violation of each norm.
VIOLATION_KINDS = (EventKind.AGGRESSION, EventKind.TREATY_BROKEN)
#: The value of a violation event whose violator no possible coalition could punish.
UNPUNISHABLE = -1.0
#: The signatories of the Troppau Protocol (19 November 1820), the interveners under
#: ``concert_interveners = "troppau"``: Britain refused armed intervention in other states'
#: affairs (Castlereagh's State Paper of 5 May 1820; Schroeder 1994, ch. 13).
TROPPAU = ("Austria", "Prussia", "Russia")


def prepare(state: WorldState, params: Params,
            override: ActionOverride | None) -> tuple[WorldState, ActionOverride | None]:
    """With law on: norms and dispositions set (first step), and the decisions' override
    preceded by :func:`restrain` (a player's own override still has the last word)."""
    if not params.law:
        return state, override
    state = initialise(state, params)
    concert = state.concert is not None and bool(state.concert.any())
    armed = concert and params.concert_armed
    if armed and params.concert_restore:  # the owners the year's seizures are read against
        state = state.replace(held=state.owner.copy())
    rules = (params.law_restraint or params.law_treaty_restraint
             or (concert and params.concert_consult) or armed)
    if not rules:
        return state, override

    def restrained(obs: Observation, actions: Actions) -> Actions:
        s = obs.state
        if params.law_restraint:
            actions = restrain(s, actions, params, obs.setting.engine)
        if concert and params.concert_consult:  # consultation issues the mandate
            actions = consult(s, actions, obs.top_threat, params, armed)
        elif armed:
            actions = intervene(s, actions, params)
        if params.law_treaty_restraint:
            actions = honour(s, actions)
        return actions if override is None else override(obs, actions)

    return state, restrained


def initialise(state: WorldState, params: Params) -> WorldState:
    """The state with both norms at ``norm_start`` and every disposition not fixed by the
    scenario drawn (:func:`dispositions`); unchanged once set."""
    changes: dict[str, F64] = {}
    if state.norms is None:
        changes["norms"] = np.full((state.batch, len(NORMS)), params.norm_start)
    fixed = state.compliance
    if fixed is None or np.isnan(fixed).any():
        drawn = dispositions(state, params)
        changes["compliance"] = drawn if fixed is None else np.where(np.isnan(fixed), drawn,
                                                                     fixed)
    return state.replace(**changes) if changes else state


def dispositions(state: WorldState, params: Params) -> F64:
    """(B, N) compliance dispositions: uniform on ``compliance_mean +- compliance_spread``,
    clipped to [0, 1], from the ``LAW`` stream (year 0: drawn once per world and actor)."""
    u = rng.uniform(state.keys, 0, rng.Stream.LAW, (state.n_actors,))
    c = params.compliance_mean + params.compliance_spread * (2.0 * u - 1.0)
    return np.asarray(np.clip(c, 0.0, 1.0), dtype=np.float64)


def compliant(disposition: F64, strength: F64) -> BoolA:
    """Whether an actor of ``disposition`` is bound by a norm of ``strength``:
    ``disposition >= 1 - strength``. A norm of strength s binds the share s of actors whose
    dispositions spread evenly: strength is how widely a norm is accepted (Finnemore &
    Sikkink 1998, "International norm dynamics and political change", *IO* 52(4))."""
    return np.asarray(disposition >= 1.0 - strength)


#: The largest share of productivity a sanction cuts (violator or sanctioner), so that the
#: cut can be undone when the sanction lifts.
MAX_CUT = 0.99


def penalty(strength: F64, coalition_capability: F64, violator_capability: F64,
            params: Params) -> F64:
    """Share of productivity a violator loses: ``sanction_penalty x strength x C / (C + V)``
    for a coalition of capability C against a violator of capability V (the share of
    strength of a contest, as :mod:`.victory` with exponent 1). In proportion to the norm's
    strength and to the coalition's power: enforcement is what the states that uphold the
    law can inflict (Morgenthau 1948, ch. 18; Vattel 1758, III.49). At most :data:`MAX_CUT`:
    a whole loss (``sanction_penalty = 1`` against a violator of no capability) could never
    be lifted, since productivity times 0 stays 0."""
    total = coalition_capability + violator_capability
    share = np.divide(coalition_capability, total, out=np.zeros_like(total), where=total > 0)
    return np.minimum(np.asarray(params.sanction_penalty * strength * share, dtype=np.float64),
                      MAX_CUT)


def coalition(state: WorldState, b: I64, violator: I64, strength: F64,
              params: Params, norm: I64 | None = None,
              engine: str = "numpy") -> tuple[BoolA, BoolA]:
    """(K, N) the sanctioners of each violation (world b, violator) and (K,) whether the
    violator is unpunishable.

    The possible coalition is every live actor other than the violator and its allies;
    it must contend with the violator *and* its live allies, so the violator is
    *unpunishable* when even all of them together hold less than ``contend_ratio`` times
    the capability of the violator plus its allies (Polybius I.83: none can contend with
    it on equal terms; Oppenheim 1905, s. 51). The willing are the possible members bound by the
    norm (:func:`compliant`); they sanction only if together they can contend with the
    violator. With ``law_free_riding`` only the smallest coalition that can contend
    sanctions (the most compliant first) and the rest free-ride (Olson 1965; the
    second-order free-rider problem of Axelrod 1986 and Heckathorn 1989).

    With a concert (``WorldState.concert``) the other live members act jointly
    (:func:`concert_acts`): against a member (policing) or a non-member's breach of
    territorial integrity (``norm``; intervention) they are no violator's allies, all
    willing and none free-rides.

    The compiled engine (``engine="compiled"``) forms them by
    :func:`powerbalance.model.compiled_law.coalition_kernel`, the same numbers (up to
    ``compiled_law.PAIRWISE_MAX`` actors; beyond, by this code).
    """
    if engine == "compiled" and state.n_actors <= _PAIRWISE_MAX:
        return _compiled_coalition(state, b, violator, strength, params, norm)
    joint = concert_acts(state, b, violator, norm, params)
    share, possible, allied, need = opposition(state, b, violator, joint, params)
    unpunishable = np.where(possible, share, 0.0).sum(axis=1) < need
    assert state.compliance is not None
    willing = (possible & compliant(state.compliance[b], strength[:, None])) | joint
    strength_of = np.where(willing, share, 0.0)
    can = strength_of.sum(axis=1) >= need
    members = willing & can[:, None]
    r = np.flatnonzero(can)
    if params.law_free_riding and len(r):
        order = np.argsort(-np.where(willing[r], state.compliance[b[r]], -1.0), axis=1,
                           kind="stable")
        # each row's actors in that order, by their cells in the rows r flattened
        n = members.shape[1]
        cell = order + (np.arange(len(r)) * n)[:, None]
        ordered = strength_of[r].reshape(-1)[cell]
        before = np.cumsum(ordered, axis=1) - ordered
        joins = before < need[r, None]
        joins[:, 0] = True  # the first always joins
        kept = np.empty((len(r), n), dtype=bool)
        kept.reshape(-1)[cell] = joins  # (every cell once: each row's order is a permutation)
        members[r] &= kept | joint[r]
    return members, unpunishable


def _compiled_coalition(state: WorldState, b: I64, violator: I64, strength: F64,
                        params: Params, norm: I64 | None) -> tuple[BoolA, BoolA]:
    """:func:`coalition` by the compiled engine's kernel."""
    from powerbalance.model import compiled

    assert state.compliance is not None
    concert = state.concert if state.concert is not None else _NO_CONCERT
    members, unpunishable = compiled.kernels()["law_coalition"](
        state.last_share, state.alive, state.alliance, state.compliance, concert,
        state.concert is not None, np.asarray(b, dtype=np.int64),
        np.asarray(violator, dtype=np.int64), np.asarray(strength, dtype=np.float64),
        _NO_NORM if norm is None else np.asarray(norm, dtype=np.int64), norm is not None,
        float(params.contend_ratio), bool(params.law_free_riding),
        bool(params.concert_policing), bool(params.concert_intervention))
    return members, unpunishable


_NO_CONCERT = np.zeros((0, 0), dtype=bool)
#: ``compiled_law.PAIRWISE_MAX`` (not imported from there: that imports numba).
_PAIRWISE_MAX = 128
_NO_NORM = np.zeros(0, dtype=np.int64)


def concert_acts(state: WorldState, b: I64, violator: I64, norm: I64 | None,
                 params: Params) -> BoolA:
    """(K, N) the concert members that act jointly against each violation (world b,
    violator): every other live member when the violator is itself a member
    (``concert_policing``; Schroeder 1976, "Alliances, 1815-1945: weapons of power and tools
    of management": the Quadruple Alliance restrained its own members; Jervis 1985) or when
    a non-member breaches territorial integrity, the settlement itself
    (``concert_intervention``: joint sanctions; the four powers' London Convention of 1840
    against Mehmet Ali's change of the order by force, France outside; reading it as a
    standing rule is the model's own). All False without a concert."""
    k = len(b)
    if state.concert is None or not k:
        return np.zeros((k, state.n_actors), dtype=bool)
    rows = np.arange(k)
    members = state.concert[b] & state.alive[b]
    is_member = state.concert[b, violator]
    acts = np.zeros(k, dtype=bool)
    if params.concert_policing:
        acts |= is_member
    if params.concert_intervention:
        territory = np.ones(k, dtype=bool) if norm is None else norm == TERRITORY
        acts |= ~is_member & territory
    out = members & acts[:, None]
    out[rows, violator] = False
    return out


def violations(events: Events) -> tuple[I64, I64, I64, I64]:
    """(world, violator, victim, norm) of each violation among the year's events: a demand
    backed by force (``demand``) breaches territorial integrity (Zacher 2001; UN Charter art.
    2(4): the threat or use of force), an ally that sends nothing when called
    (``abandoned``) breaks its treaty (pacta sunt servanda: Vattel 1758, II.163)."""
    kind = events.kind
    territory = kind == int(EventKind.DEMAND)
    treaty = kind == int(EventKind.ABANDONED)
    hit = territory | treaty
    norm = np.where(treaty[hit], TREATY, TERRITORY).astype(np.int64)
    return events.world[hit], events.actor[hit], events.other[hit], norm


def enforceable(state: WorldState, params: Params, engine: str = "numpy") -> F64:
    """(B, 2) how far compliance with each norm can count as reaffirming it: the share of
    the live actors bound by the norm (:func:`compliant`) that the other bound actors not
    allied with them could still punish (hold ``contend_ratio`` times the capability of
    the actor plus its live allies), and 0 in a world where some live actor is stronger
    than every possible sanctioning coalition (:func:`coalition`'s *unpunishable*).

    Compliance that nobody could enforce is not the law's doing: under a hegemon no one
    can punish, a quiet year is the peace of an empire, not a reaffirmation of the law
    (Polybius I.83; Oppenheim 1905, s. 51: the law of nations exists only where there is
    a balance). This is a stated choice of how dominance erodes the law: by stopping its
    growth, on top of the erosion every unpunished violation brings.

    Every total here (a world's, an actor's allies': :func:`allies_totals`) adds its terms
    in increasing actor index, from 0.0: the compiled engine (``engine="compiled"``,
    :func:`powerbalance.model.compiled_law.enforceable_kernel`) adds them in that order too.
    """
    assert state.norms is not None and state.compliance is not None
    if engine == "compiled":
        from powerbalance.model import compiled

        return compiled.kernels()["law_enforceable"](  # type: ignore[no-any-return]
            state.last_share, state.alive, state.compliance, state.norms, state.alliance,
            float(params.contend_ratio))
    batch, n = state.batch, state.n_actors
    kinds = state.norms.shape[1]
    # the pacts, read once (a pass over the B x N x N commitments): whether anyone has an
    # ally and, for the loop over the actors, the alliance graph
    pact = state.alliance > 0 if n <= ALLIES_LOOP_MAX else None
    allied = bool(pact.any()) if pact is not None else any_nonzero(state.alliance)
    # actors first and worlds last (N, B): every operation, the sums over actors included,
    # runs along the B contiguous values of the worlds
    alive = np.ascontiguousarray(state.alive.T)
    share = np.where(alive, state.last_share.T, 0.0)
    # first, in every world, the possible coalition against each actor: every live actor
    # less the actor and its allies, the world's total added in increasing actor index
    total = np.zeros(batch)
    for i in range(n):
        total += share[i]
    others = total[None, :] - share
    # an actor that alone holds more than the others could muster dominates whatever its
    # allies (their total only lowers the others and raises the need, rounding included):
    # such a world needs no allies' totals (most worlds of a run under one great power).
    # ``live`` marks the worlds of the columns (``rest``) not yet found dominated; they are
    # taken apart (:func:`_worlds`) only when few are left, the others computed with them
    # and their figures dropped (each world's figures are its own, so the same numbers)
    need = params.contend_ratio * share
    need -= 1e-12
    live = ~_dominated(alive, others, need)
    rest = np.arange(batch)
    alliance, compliance, norms = state.alliance, state.compliance, state.norms
    if _few(live):
        rest = np.flatnonzero(live)
        share, alive, others = _worlds(share, rest), _worlds(alive, rest), _worlds(others, rest)
        compliance, norms = compliance[rest], norms[rest]
        if pact is not None:
            pact = pact[rest]
        else:
            alliance = alliance[rest]
        live = live[rest]
    # the alliance graph of the worlds left, built once for both allies' totals below
    graph = _symmetric(pact) if allied and pact is not None else None
    if allied:
        share_allies = allies_totals(share[None], alliance, graph)[0]
        others -= share_allies
        need = share + share_allies
    else:  # nobody has an ally: the allies' totals are 0
        need = share + 0.0
    need *= params.contend_ratio
    need -= 1e-12
    out = np.zeros((batch, kinds))
    # a dominated world enforces nothing (0): the bound shares are needed in the others only
    # (under a hegemon, most worlds of a run)
    live &= ~_dominated(alive, others, need)
    if not live.any():
        return out
    if _few(live):
        keep = np.flatnonzero(live)
        share, alive, need, rest = (_worlds(share, keep), _worlds(alive, keep),
                                    _worlds(need, keep), rest[keep])
        compliance, norms = compliance[keep], norms[keep]
        if graph is not None:
            graph = _worlds(graph, keep)
        elif allied:
            alliance = alliance[keep]
        live = live[keep]
    # rows (kinds, N, K): each norm's bound share (0 for the dead and the unbound)
    bound = compliant(compliance.T[None, :, :], norms.T[:, None, :])
    bound &= alive[None]
    x = np.multiply(bound, share[None])
    total = np.zeros((kinds, len(rest)))
    for i in range(n):
        total += x[:, i]
    # the bound others not allied with the actor, the willing
    others = total[:, None, :] - x
    if allied:
        others -= allies_totals(x, alliance, graph)
    punishable = bound & (others >= need)
    count = bound.sum(axis=1)
    ratio = np.divide(punishable.sum(axis=1), count, out=np.zeros((kinds, len(rest))),
                      where=count > 0).T
    out[rest[live]] = ratio[live]
    return out


_G = TypeVar("_G", bound=np.generic)
#: :func:`enforceable` takes apart the worlds left (:func:`_worlds`) when fewer than this
#: share of them are left; otherwise it computes them all and drops the others' figures.
SUBSET_SHARE = 0.75


def _few(live: BoolA) -> bool:
    """Whether few enough of the worlds are ``live`` for :func:`enforceable` to take them
    apart (fewer than :data:`SUBSET_SHARE` of them)."""
    return bool(np.count_nonzero(live) < SUBSET_SHARE * len(live))


def _worlds(a: npt.NDArray[_G], worlds: I64) -> npt.NDArray[_G]:
    """``a[..., worlds]``, the worlds on the last axis, as a C-contiguous array (fancy
    indexing the last axis gives a strided one, which every later operation pays for)."""
    return np.take(a, worlds, axis=-1)


def _dominated(alive: BoolA, others: F64, need: F64) -> BoolA:
    """(B,) whether some live actor of each world (``alive``, ``others`` and ``need`` (N, B))
    is stronger than every possible coalition: the others hold less than it takes."""
    return np.asarray((alive & (others < need)).any(axis=0))


#: The most actors for which :func:`allies_totals` loops over the actors (beyond, one
#: matrix product per world is cheaper; both add the same terms in the same order).
ALLIES_LOOP_MAX = 14


def allied_graph(alliance: npt.NDArray[np.floating]) -> BoolA:
    """(N, N, B) whether actors i and j are allied (either way round) in each world of
    ``alliance`` (B, N, N), an actor no ally of itself: :func:`allies_totals`'s graph for up
    to :data:`ALLIES_LOOP_MAX` actors."""
    return _symmetric(alliance > 0)


def _symmetric(pact: BoolA) -> BoolA:
    """:func:`allied_graph` of the pacts ``alliance > 0`` (B, N, N)."""
    batch, n = pact.shape[0], pact.shape[1]
    # the pacts actors first (one contiguous copy): the union with its transpose then reads
    # and writes runs of B contiguous values
    pact = np.ascontiguousarray(pact.transpose(1, 2, 0))
    allied = np.empty((n, n, batch), dtype=bool)
    np.logical_or(pact, pact.swapaxes(0, 1), out=allied)
    allied.reshape(n * n, batch)[:: n + 1] = False
    return allied


def allies_totals(x: F64, alliance: npt.NDArray[np.floating],
                  graph: BoolA | None = None) -> F64:
    """(R, N, B) each actor's allies' total of each row of ``x`` (R, N, B): the sum of
    ``x[r, i, b]`` over the actors i allied with j in world b (either way round, an actor no
    ally of itself), each total's terms added in increasing i from 0.0 (the others' terms
    are 0). Up to :data:`ALLIES_LOOP_MAX` actors by a loop over i; beyond, by a BLAS matrix
    product per world on an even number of rows, where its kernel adds in that order too
    (OpenBLAS's one-row tail kernel adds in four partial sums). The compiled engine's kernel
    (:func:`powerbalance.model.compiled_law.enforceable_kernel`) adds in this order.
    ``graph``, where given, is :func:`allied_graph` of ``alliance`` (built once for several
    totals)."""
    rows, n, batch = x.shape
    if n <= ALLIES_LOOP_MAX:
        allied = allied_graph(alliance) if graph is None else graph
        x = np.ascontiguousarray(x)  # (a strided x would slow every product below)
        out = np.zeros_like(x)
        term = np.empty_like(x)
        for i in range(n):
            np.multiply(x[:, i, None, :], allied[i], out=term)
            out += term
        return out
    # the graph written straight into the product's float operand: no (B, N, N) boolean
    # temporaries
    pact = alliance > 0
    product = np.empty((batch, n, n))
    np.logical_or(pact, np.swapaxes(pact, 1, 2), out=product)
    product.reshape(batch, n * n)[:, :: n + 1] = 0.0
    operand = np.zeros((batch, rows + rows % 2, n))
    operand[:, :rows] = x.transpose(2, 0, 1)
    return np.asarray(np.matmul(operand, product)[:, :rows].transpose(1, 2, 0))


def update_norms(norms: F64, b: I64, norm: I64, punished: BoolA, params: Params,
                 enforced: F64 | None = None) -> F64:
    """(B, 2) next year's norm strengths.

    ``s <- (s + norm_growth (1 - s) r e) (1 - norm_erosion)^u`` per world and norm, with r
    the share of the year's violations that were punished (1 in a year without any), e
    the share of compliance that could be enforced (:func:`enforceable`; 1 when not
    given) and u the number left unpunished: enforceable compliance and punishment
    reaffirm a norm, impunity erodes it (Axelrod 1986, "An evolutionary approach to
    norms", *APSR* 80(4); Zacher 2001 on the territorial integrity norm strengthening as
    conquests were reversed or not recognised).
    """
    cell = b * norms.shape[1] + norm
    count = np.bincount(cell, minlength=norms.size).astype(np.float64).reshape(norms.shape)
    hits = np.bincount(cell, weights=punished.astype(np.float64),
                       minlength=norms.size).reshape(norms.shape)
    reaffirmed = np.divide(hits, count, out=np.ones_like(norms), where=count > 0)
    if enforced is not None:
        reaffirmed = reaffirmed * enforced
    grown = norms + params.norm_growth * (1.0 - norms) * reaffirmed
    # the erosion, in the cells with a violation left unpunished only (a few of B x 2;
    # elsewhere the factor is (1 - norm_erosion)^0 = 1)
    unpunished = count - hits
    cells = np.flatnonzero(unpunished != 0)
    erosion = np.ones(norms.shape)
    erosion.reshape(-1)[cells] = (1.0 - params.norm_erosion) ** unpunished.reshape(-1)[cells]
    return np.asarray(np.clip(grown * erosion, 0.0, 1.0))


def restrain(state: WorldState, actions: Actions, params: Params,
             engine: str = "numpy") -> Actions:
    """Actions with the attacks a law-bound actor forgoes removed.

    An actor bound by territorial integrity (:func:`compliant`) forgoes an attack when the
    sanction it expects (:func:`penalty` from the coalition :func:`coalition` predicts; 0
    when sanctions are off or no coalition can contend) exceeds the gain it expects: one
    campaign's conquest of the target's frontier (``conquest_rate`` times the frontier's
    production) relative to its own base. Compliance as a calculation of the costs of
    violation (Henkin 1979, *How Nations Behave*; Morgenthau 1948, ch. 18). With
    ``concert_deterrence`` a non-member of a concert expects the intervention's cost too
    (:func:`expected_intervention`).
    """
    assert state.norms is not None and state.compliance is not None
    b, a = nonzero(actions.attack >= 0)
    t = actions.attack[b, a]
    strength = state.norms[b, TERRITORY]
    bound = compliant(state.compliance[b, a], strength) & (t != a)
    b, a, t, strength = b[bound], a[bound], t[bound], strength[bound]
    if not len(b):
        return actions
    frontier = (state.frontier[b, a, t].astype(np.float64) if state.frontier is not None
                else np.zeros(len(b)))
    base = state.base[b, a]
    gain = np.divide(params.conquest_rate * frontier, base, out=np.full(len(b), np.inf),
                     where=base > 0)
    expected = np.zeros(len(b))
    intervention = expected_intervention(state, b, a, gain, params)
    net = gain if intervention is None else gain - intervention
    # the penalty is at most sanction_penalty x strength (the coalition's share C / (C + V)
    # is at most 1, and rounding keeps it so): an attack that gains at least that (net of
    # the expected intervention) is never forgone, and its coalition need not be formed
    c = np.flatnonzero(net < params.sanction_penalty * strength) if params.law_sanctions \
        else np.zeros(0, dtype=np.int64)
    if len(c):
        members, _ = coalition(state, b[c], a[c], strength[c], params,
                               np.full(len(c), TERRITORY, dtype=np.int64), engine)
        might = np.where(members, state.last_share[b[c]], 0.0).sum(axis=1)
        expected[c] = penalty(strength[c], might, state.last_share[b[c], a[c]], params)
    if intervention is not None:
        expected = expected + intervention
    forgo = expected > gain
    if not forgo.any():
        return actions
    attack = np.array(actions.attack, dtype=np.int64)
    attack[b[forgo], a[forgo]] = -1
    return actions.replace(attack=attack)


def expected_intervention(state: WorldState, b: I64, a: I64, gain: F64,
                          params: Params) -> F64 | None:
    """(K,) the cost an attacker (world b, actor a) expects from the concert's armed
    intervention against its attack (``concert_deterrence``; None when off or without a
    concert's armed intervention): for a non-member, the chance that the executor the
    mandate would send against it wins (:func:`.mandate.executor` over
    :func:`.mandate.deterrent_candidates`, the selection :func:`intervene` makes:
    the strongest live intervener bordering it, only if it can contend alone with it and
    its allies, the members' alliance with it no shield), its capability share times its
    reliability (commitment 1, as an ally is valued: :func:`.reliability`) against the
    attacker and its allies (:func:`.victory_probability`), times the gain, which a won
    intervention restores (:func:`settle`); 0 for a member, where no executor would be
    sent or the gain is not finite. Only a threat the concert would carry out deters:
    the expected response is credible because it would be made (Slantchev 2005,
    "Territory and commitment: the Concert of Europe as self-enforcing equilibrium",
    *Security Studies* 14(4); Jervis 1985, "From balance to concert", *World Politics*
    38(1))."""
    if not (params.concert_deterrence and params.concert_armed) or state.concert is None:
        return None
    chosen, share, allied, _ = executor(state, b, a, deterrent_candidates(state, b, a), params)
    rows = np.arange(len(b))
    side = share[rows, a] + np.where(allied & state.alive[b], share, 0.0).sum(axis=1)
    sent = np.maximum(chosen, 0)
    force = share[rows, sent] * reliability(state, params)[b, sent]
    answered = (~state.concert[b, a] & (chosen >= 0) & (force > 0) & np.isfinite(gain))
    odds = victory_probability(force, side, params)
    return np.where(answered, odds * np.where(answered, gain, 0.0), 0.0)


def lift(state: WorldState, fresh: dict[str, npt.NDArray[np.generic]] | None = None
         ) -> WorldState:
    """The state a year on in its sanctions: each actor's sanctions in force have one year
    less to run, and those that expire are lifted (productivity multiplied back by the
    factor they held it down by). A sanction is a flow paid each year it lasts, not a
    permanent loss of productivity (Hufbauer et al. 2007). ``fresh``, where given, receives
    the arrays made anew, by field (no other state holds them: :func:`enforce` changes them
    in place rather than copy them again)."""
    if state.sanction_left is None or state.sanction_loss is None:
        return state
    # only the cells with a sanction in force change (a few of B x N): each is counted down
    # and, at 0, lifted; every other cell keeps its value (max(0 - 1, 0) = 0)
    cells = np.flatnonzero(state.sanction_left != 0)  # (a boolean's nonzero is faster)
    if not len(cells):  # nothing in force anywhere: nothing to count down
        return state
    left = state.sanction_left.copy()
    left.reshape(-1)[cells] = np.maximum(state.sanction_left.reshape(-1)[cells] - 1, 0)
    ends = cells[(left.reshape(-1)[cells] == 0) & (state.sanction_left.reshape(-1)[cells] > 0)]
    if fresh is not None:
        fresh["sanction_left"] = left
    if not len(ends):
        return state.replace(sanction_left=left)
    loss = state.sanction_loss.copy()
    productivity = np.array(state.productivity, dtype=np.float64)
    productivity.reshape(-1)[ends] *= np.exp(loss.reshape(-1)[ends])
    loss.reshape(-1)[ends] = 0.0
    if fresh is not None:
        fresh.update(sanction_loss=loss, productivity=productivity)
    return state.replace(sanction_left=left, sanction_loss=loss, productivity=productivity)


def _own(state: WorldState, name: str, fresh: dict[str, npt.NDArray[np.generic]]
         ) -> npt.NDArray[np.generic]:
    """The state's field ``name`` to change in place: the array :func:`lift` made anew this
    year (``fresh``), else a copy."""
    value: npt.NDArray[np.generic] = getattr(state, name)
    return value if fresh.get(name) is value else np.array(value)


def enforce(state: WorldState, events: Events, params: Params,
            setting: Setting | None = None) -> tuple[WorldState, list[Events]]:
    """Lift the sanctions that expire (:func:`lift`), detect the year's violations, sanction
    them and update the norms (law on only).

    The violator loses :func:`penalty` of its productivity, each sanctioner
    ``sanction_cost`` times that (capped at 0.99, so it can be lifted), while the sanction
    is in force: ``sanction_years``, after which productivity returns to its path (a new
    sanction on an actor under one restarts the count for both). Each sanctioner also adds
    ``sanction_hostility`` times the norm's strength to its grievance against the violator.
    Events: one ``aggression`` or ``treaty_broken`` per violation (value: the penalty, 0
    unpunished, -1 unpunishable) and one ``sanction`` per sanctioner (value: its cost).
    With a concert's armed intervention, the concert's settlement runs first
    (:func:`settle`; it needs the map, ``setting``).
    ``setting.engine`` chooses the engine: the compiled one computes
    :func:`enforceable` and :func:`coalition` by their kernels.
    """
    if not params.law:
        return state, []
    engine = setting.engine if setting is not None else "numpy"
    fresh: dict[str, npt.NDArray[np.generic]] = {}  # the arrays lift makes anew
    state = lift(state, fresh)
    if setting is not None and state.concert is not None and params.concert_armed:
        state = settle(state, events, params, setting)
    assert state.norms is not None
    b, v, victim, norm = violations(events)
    if state.outlaw is not None and state.concert is not None:
        # force the concert uses against an outlaw enforces the law, it does not breach it
        enforcing = (state.concert[b, v] & state.outlaw[b, victim]) & (norm == TERRITORY)
        b, v, victim, norm = b[~enforcing], v[~enforcing], victim[~enforcing], norm[~enforcing]
    strength = state.norms[b, norm]
    members, unpunishable = coalition(state, b, v, strength, params, norm, engine)
    if not params.law_sanctions:
        members &= False
    might = np.where(members, state.last_share[b], 0.0).sum(axis=1)
    cost = np.where(members.any(axis=1),
                    penalty(strength, might, state.last_share[b, v], params), 0.0)
    punished = cost > 0
    out: list[Events] = []
    norms = update_norms(state.norms, b, norm, punished, params,
                         enforceable(state, params, engine))
    changes: dict[str, object] = {"norms": norms}
    if state.concert is not None and params.concert_armed:
        changes["outlaw"] = outlaws(state, b, v, norm)
    if len(b):
        value = np.where(punished, cost, np.where(unpunishable, UNPUNISHABLE, 0.0))
        for code, kind in enumerate(VIOLATION_KINDS):
            sel = norm == code
            if sel.any():
                out.append(Events.make(kind, b[sel], v[sel], victim[sel], value[sel]))
    if punished.any():
        n = state.n_actors
        row, k = nonzero(members)
        own = np.minimum(params.sanction_cost * cost[row], MAX_CUT)
        flat = np.zeros(state.batch * n)
        np.add.at(flat, b[punished] * n + v[punished], -np.log1p(-cost[punished]))
        np.add.at(flat, b[row] * n + k, -np.log1p(-own))
        # the cells cut (flat > 0; a few of B x N, in increasing order), among those of the
        # violators and the sanctioners
        cells = sorted_unique(np.concatenate([b[punished] * n + v[punished], b[row] * n + k]))
        cells = cells[flat[cells] > 0]
        hostility = state.hostility.copy()
        np.add.at(hostility.reshape(-1), (b[row] * n + k) * n + v[row],
                  PAIR(params.sanction_hostility) * strength[row].astype(PAIR))
        # in the cells cut only: productivity times exp(-cut), the loss plus the cut, and
        # the count (re)started; every other cell keeps its value (exp(-0) = 1, x + 0 = x)
        productivity = np.asarray(_own(state, "productivity", fresh), dtype=np.float64)
        productivity.reshape(-1)[cells] *= np.exp(-flat[cells])
        loss = (np.zeros((state.batch, n)) if state.sanction_loss is None
                else _own(state, "sanction_loss", fresh))
        loss.reshape(-1)[cells] += flat[cells]
        left = (np.zeros((state.batch, n), dtype=np.int64) if state.sanction_left is None
                else _own(state, "sanction_left", fresh))
        left.reshape(-1)[cells] = int(round(params.sanction_years))
        changes.update(productivity=productivity, hostility=hostility, sanction_loss=loss,
                       sanction_left=left)
        out.append(Events.make(EventKind.SANCTION, b[row], k, v[row], own))
    return state.replace(**changes), out


def outlaws(state: WorldState, b: I64, violator: I64, norm: I64) -> BoolA:
    """(B, N) the non-members of the concert that breached territorial integrity this year:
    the concert's armed intervention answers them next year (:func:`intervene`)."""
    assert state.concert is not None
    out = np.zeros((state.batch, state.n_actors), dtype=bool)
    hit = (norm == TERRITORY) & ~state.concert[b, violator]
    out[b[hit], violator[hit]] = True
    return out


def consult(state: WorldState, actions: Actions, top_threat: I64, params: Params,
            mandate: bool = False) -> Actions:
    """Actions with the attacks of concert members that the others did not assent to
    removed (``concert_consult``) and, with ``mandate`` (``concert_armed``), the concert's
    mandates issued by the consultation (:func:`intervene`): the others assent to force
    against an outlaw, and a member vetoed this year is sent against no one.

    A member's attack on t stands only when more than ``concert_assent`` of the other live
    members assent, or when it has no live partner to consult. A member assents when t is
    its own top threat or an outlaw of the concert (:func:`outlaws`): the powers acted on
    questions of the system only together (Elrod 1976, "The Concert of Europe: a fresh
    look", *World Politics* 28(2); Schroeder 1994, ch. 12-13). The default share is
    consensus, every other member (Kupchan & Kupchan 1991, "Concerts, collective security,
    and the future of Europe", *International Security* 16(1); Elrod 1976); a majority
    (0.5) is a departure the robustness band tries.
    """
    assert state.concert is not None
    members = state.concert & state.alive
    b, a = nonzero((actions.attack >= 0) & members)
    if not len(b):
        return intervene(state, actions, params) if mandate else actions
    t = actions.attack[b, a]
    others = members[b].copy()
    others[np.arange(len(b)), a] = False
    agree = top_threat[b] == t[:, None]
    if state.outlaw is not None:
        agree |= state.outlaw[b, t][:, None]
    count = others.sum(axis=1)
    assent = (others & agree).sum(axis=1)
    veto = (count > 0) & (assent <= params.concert_assent * count)
    if not veto.any():
        return intervene(state, actions, params) if mandate else actions
    attack = np.array(actions.attack, dtype=np.int64)
    attack[b[veto], a[veto]] = -1
    actions = actions.replace(attack=attack)
    if not mandate:
        return actions
    vetoed = np.zeros(members.shape, dtype=bool)
    vetoed[b[veto], a[veto]] = True
    return intervene(state, actions, params, vetoed)


def intervene(state: WorldState, actions: Actions, params: Params,
              barred: BoolA | None = None) -> Actions:
    """Actions with the concert's armed intervention against last year's outlaws added
    (``concert_armed``; the interveners: ``WorldState.interveners``, every member unless
    ``concert_interveners`` names the Troppau signatories).

    With ``concert_mandate`` (the default) each outlaw gets one executor: the strongest live
    intervener that borders it and attacks no one else, and only if that executor can
    contend with the outlaw and its allies (:func:`opposition`, the computation
    :func:`coalition` uses, the interveners no shield for it); an executor takes one mandate
    (the strongest outlaw it was chosen for). The congresses mandated one power and chose one
    that could do the job: Austria in Naples and Piedmont 1821 (Laibach), France in Spain
    1823 (Verona) (Schroeder 1994, *The Transformation of European Politics*, ch. 13; Elrod
    1976). One executor rather than one joint war is a stated choice: the war phase fights
    each demand as its own war, so a joint war would be several. Without the mandate, every
    bordering intervener that attacks no one else attacks the strongest outlaw it borders,
    each its own war, whatever the odds (the rule before issue 14's review). The aim is
    restoration, not conquest (:func:`settle`). ``barred`` (B, N): members vetoed in this
    year's consultation (:func:`consult`), sent against no one."""
    if state.outlaw is None or state.concert is None or not state.outlaw.any():
        return actions
    arms = interveners(state)
    free = arms & state.alive & (actions.attack < 0)
    if barred is not None:
        free &= ~barred
    border = (state.outlaw[:, None, :] & state.alive[:, None, :] & state.adjacent
              & free[:, :, None])
    if not params.concert_mandate:
        score = np.where(border, state.last_share[:, None, :] + 1.0, 0.0)
        b, i = nonzero(score.max(axis=2) > 0)
        if not len(b):
            return actions
        attack = np.array(actions.attack, dtype=np.int64)
        attack[b, i] = np.argmax(score[b, i], axis=1)
        return actions.replace(attack=attack)
    b, o = nonzero(np.asarray(border.any(axis=1)))
    if not len(b):
        return actions
    # the executor: the strongest bordering free intervener, if it can contend alone
    chosen = executor(state, b, o, border[b, :, o], params)[0]
    can = chosen >= 0
    b, o, chosen = b[can], o[can], chosen[can]
    if not len(b):
        return actions
    # one mandate per executor: the strongest of the outlaws it was chosen for
    order = np.lexsort((-state.last_share[b, o], chosen, b))
    b, o, chosen = b[order], o[order], chosen[order]
    first = np.ones(len(b), dtype=bool)
    first[1:] = (b[1:] != b[:-1]) | (chosen[1:] != chosen[:-1])
    attack = np.array(actions.attack, dtype=np.int64)
    attack[b[first], chosen[first]] = o[first]
    return actions.replace(attack=attack)


def settle(state: WorldState, events: Events, params: Params, setting: Setting) -> WorldState:
    """The concert's settlement after the war phase (``concert_armed``): the mandates, the
    seizures and the restoration after a won intervention.

    - *Mandates*: a war an intervener began this year on last year's outlaw is a mandate
      (``WorldState.mandate``), held while that war lasts.
    - *Seizures* (``concert_restore``): a province that changed hands this year to an
      actor that attacked its owner (a demand this year or its campaign's target) is
      *seized* from that owner (``WorldState.seized``, the first owner kept) when the taker
      is a non-member (aggression) or a member under mandate against that owner (the
      executor's conquests); one that returns to the owner it was seized from, or changes
      hands any other way, is no longer seized (a stated choice: the chain of title is kept
      for the outlaw's and the executor's gains only).
    - *Restoration* (``concert_restore``): when a mandated executor wins its war (or the
      outlaw concedes its demand), every seized province held by the executor or the
      outlaw goes back to the owner it was seized from, if that owner lives and the
      province is not its holder's capital: the outlaw's conquests to their victims, the
      executor's to the outlaw. The members annex nothing (the interventions of 1821-23
      restored the legitimate rulers; Schroeder 1994, ch. 13; Kissinger 1957, *A World
      Restored*). The war phase knows no restitution, so the settlement is the law
      layer's own step; the borders are derived anew for the worlds it changed.
    """
    assert state.concert is not None
    n = state.n_actors
    kind, world, actor, other = events.kind, events.world, events.actor, events.other
    arms = interveners(state)
    mandate = (np.full((state.batch, n), -1, dtype=np.int64) if state.mandate is None
               else state.mandate.copy())
    won_b = won_a = won_t = np.zeros(0, dtype=np.int64)
    if state.outlaw is not None:
        began = kind == int(EventKind.WAR_BEGUN)
        b, a, t = world[began], actor[began], other[began]
        new = arms[b, a] & state.outlaw[b, t]
        mandate[b[new], a[new]] = t[new]
        conceded = kind == int(EventKind.CONCESSION)  # actor conceded other's demand
        b, t, a = world[conceded], actor[conceded], other[conceded]
        yields = arms[b, a] & state.outlaw[b, t]
        won_b, won_a, won_t = b[yields], a[yields], t[yields]
    won = kind == int(EventKind.WAR_WON)
    b, a, t = world[won], actor[won], other[won]
    executed = mandate[b, a] == t
    won_b = np.concatenate([won_b, b[executed]])
    won_a = np.concatenate([won_a, a[executed]])
    won_t = np.concatenate([won_t, t[executed]])
    changes: dict[str, object] = {}
    if params.concert_restore and state.held is not None:
        seized = (np.full(state.owner.shape, -1, dtype=np.int64) if state.seized is None
                  else state.seized.copy())
        owner = state.owner.copy()
        sb, p = nonzero((owner != state.held) & (state.held >= 0) & (owner >= 0))
        if len(sb):
            taker, loser = owner[sb, p], state.held[sb, p]
            demand = kind == int(EventKind.DEMAND)
            asked = (world[demand] * n + actor[demand]) * n + other[demand]
            by_force = (np.isin((sb * n + taker) * n + loser, asked)
                        | (state.last_target[sb, taker] == loser))
            take = by_force & (~state.concert[sb, taker] | (mandate[sb, taker] == loser))
            first = take & (seized[sb, p] < 0)
            seized[sb[~take], p[~take]] = -1
            seized[sb[first], p[first]] = loser[first]
        if len(won_b):
            sb, p = nonzero(seized >= 0)
            holder = owner[sb, p]
            sides = np.concatenate([won_b * n + won_a, won_b * n + won_t])
            back = (np.isin(sb * n + holder, sides) & state.alive[sb, seized[sb, p]]
                    & (state.capital[sb, holder] != p))
            sb, p = sb[back], p[back]
            owner[sb, p] = seized[sb, p]
            seized[sb, p] = -1
            if len(sb):
                state = _redrawn(state.replace(owner=owner), np.unique(sb), setting, params)
        changes["seized"] = seized
    changes["mandate"] = np.where(state.war_target == mandate, mandate, -1)
    return state.replace(**changes)


def _redrawn(state: WorldState, worlds: I64, setting: Setting, params: Params) -> WorldState:
    """The state with the borders, frontiers and territorial bases of ``worlds`` derived
    anew from their owners (as the war phase does for the worlds whose borders changed)."""
    n = state.n_actors
    owner = state.owner[worlds]
    land, frontier = state.land_adjacent is not None, state.frontier is not None
    fresh = borders(owner, n, setting, land=land, frontier=frontier)
    alive = state.alive[worlds]
    pair = alive[:, :, None] & alive[:, None, :]
    adjacent = state.adjacent.copy()
    adjacent[worlds] = fresh.adjacent & pair
    changes: dict[str, object] = {"adjacent": adjacent}
    if fresh.frontier is not None and state.frontier is not None:
        value = state.frontier.copy()
        value[worlds] = fresh.frontier
        changes["frontier"] = value
    if fresh.land_adjacent is not None and state.land_adjacent is not None:
        land_adjacent = state.land_adjacent.copy()
        land_adjacent[worlds] = fresh.land_adjacent & pair
        changes["land_adjacent"] = land_adjacent
    base = state.base.copy()
    fresh_base, _ = territorial_base(owner, state.capital[worlds], n, setting, params,
                                     state.year)
    base[worlds] = np.where(alive, fresh_base, 0.0)
    changes["base"] = base
    return state.replace(**changes)


def honour(state: WorldState, actions: Actions) -> Actions:
    """Actions with the treaties a law-bound actor keeps against its strategy
    (``law_treaty_restraint``).

    An actor bound by *pacta sunt servanda* (:func:`compliant` at the treaty norm's strength
    s) whose strategy would abandon an ally (stay out of a war, ``shirk``, or send nothing,
    ``join`` 0) honours the call instead with probability s: it stays in and sends at least
    the full call (``join`` 1, the default). A stated rule: the norm binds the actor, and
    its strength is how often it wins over interest; states honour most but not all
    commitments (Leeds 2003, "Alliance reliability in times of war", *IO* 57(4); Keohane
    1984, *After Hegemony*, on keeping agreements one would rather break). The draw is the
    ``LAW`` stream's sub-stream 1, per world, year and actor.
    """
    assert state.norms is not None and state.compliance is not None
    refuse = (actions.shirk >= 0) | (actions.join <= 0)
    b, a = nonzero(refuse & state.alive)
    if not len(b):
        return actions
    strength = state.norms[b, TREATY]
    bound = compliant(state.compliance[b, a], strength)
    b, a, strength = b[bound], a[bound], strength[bound]
    if not len(b):
        return actions
    u = rng.uniform_at(state.keys[b], state.year, rng.Stream.LAW, a, sub=1)
    keep = u < strength
    if not keep.any():
        return actions
    b, a = b[keep], a[keep]
    shirk = np.array(actions.shirk, dtype=np.int64)
    join = np.array(actions.join, dtype=np.float64)
    shirk[b, a] = -1
    join[b, a] = np.maximum(join[b, a], 1.0)
    return actions.replace(shirk=shirk, join=join)
