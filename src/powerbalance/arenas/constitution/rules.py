"""Rules of the constitution arena: power grabs, checks and balances, and the rule of law.

Each world is one constitution of ``branches`` branches in a fixed order: the executive
(0), one or two chambers, a court (``court=on``) and ``federal_units`` federal units.
Each branch holds *competences* (a positive weight; its share of the total is its share of
power) and *public support* in [0, 1]. The rule of law is one norm, the strength in [0, 1]
of constitutional constraint, kept and eroded by the rules of the law of nations
(:mod:`powerbalance.model.law`: :func:`~powerbalance.model.law.compliant` and
:func:`~powerbalance.model.law.update_norms`), here inside one state. A year:

1. **Drift** (:func:`drift`): competences move by mean-one log-normal factors of spread
   ``drift_sd`` (stated choice: the slow shifts of competence between branches that no one
   grabs, a Gibrat-like random walk); support reverts to 1/2 with persistence
   ``support_persistence`` and normal shocks of spread ``support_sd`` (stated choice).
2. **The power grab** (:func:`attempts`): the strongest branch (largest share: "the
   executive (or any branch)") attempts one with probability ``grab_rate`` unless the
   constitution binds it (``compliant(disposition, norm)``: a branch of disposition d is
   bound when d >= 1 - norm; Finnemore & Sikkink 1998 as in the law layer). The grab is
   *court packing* with probability ``pack_rate`` when there is an unpacked court that is
   not the grabber (Roosevelt's plan of 1937; Leuchtenburg 1995, *The Supreme Court
   Reborn*), else *emergency rule* (Linz 1978, *The Breakdown of Democratic Regimes*;
   Ginsburg & Huq 2018, *How to Save a Constitutional Democracy*).
3. **Balance or bandwagon** (:func:`sides`): every other branch acts by its strategy:
   ``external-balancer`` checks the grab (ambition counteracting ambition: Federalist 51);
   ``bandwagoner`` sides with the grabber (a legislature of the president's party;
   Levinson & Pildes 2006, "Separation of parties, not powers", *Harvard Law Review*
   119); ``status-quo`` stands aside (the null). A packed court sides with its packer.
   The weight of a side is the sum of its members' share of power times their support.
4. **Checks** (:func:`resolve`): the grab is blocked when the checkers' weight is at
   least ``check_ratio`` times the grabber's side (stated choice, as the law layer's
   ``contend_ratio``; Polybius I.83 states the principle, that none may grow so great
   that the others cannot contend with it, for states, not this ratio). With every other
   branch checking, a grab is therefore blocked exactly when the grabber's weighted share
   is at most ``1 / (1 + check_ratio)`` (one half at the default): the "share of power"
   above which constraints fail is this assumption, not a result of the run. Each
   checking branch's instrument is named by its kind: the executive's *veto*, a chamber's
   *veto or override*, the court's *judicial review*, a federal unit's *interposition*
   (Madison's Virginia Resolutions, 1798). A blocked grab costs the grabber
   ``check_penalty`` of its competences, given to the checkers by weight; when the
   grabber is the executive, a chamber checks and the checkers outweigh it
   ``impeach_ratio`` times, it is *impeached* and loses ``impeach_penalty`` of its
   competences instead (both stated choices: the two thirds of the Senate that convict,
   US Constitution art. I s. 3, are a share of one chamber's votes, not a ratio of whole
   branches' weights, and conviction removes the officer, which the arena does not
   model). A grab that goes through takes ``grab_stake`` of every other branch's
   competences (emergency rule; bandwagoners too: they delegate, as the Enabling Act of
   1933) or of the court's, which is then packed for ``pack_years`` years (stated choice:
   about the tenure of the packed seats).
5. **The rule of law** (:func:`powerbalance.model.law.update_norms`): the norm grows by
   ``norm_growth`` of its gap in a year without a grab or with the grab blocked, and loses
   ``norm_erosion`` of itself when a grab goes unpunished (Axelrod 1986; Weingast 1997,
   "The political foundations of democracy and the rule of law", *APSR* 91(2): limits on
   the state hold only while the others coordinate to punish a transgression).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.arenas.base import F64, shares_of, strategy_list
from powerbalance.model import law
from powerbalance.params import Params
from powerbalance.rng import U64, Stream, normal, uniform

#: The strategies of the registry this arena plays (docs/arenas.md).
STRATEGIES = ("external-balancer", "bandwagoner", "status-quo")
BALANCER, BANDWAGONER, STATUS_QUO = range(3)
#: Kinds of branch, in the order the branches of a world are laid out.
EXECUTIVE, CHAMBER, COURT, FEDERAL = range(4)
KINDS = ("executive", "chamber", "court", "federal unit")
#: The instrument each kind of branch checks a power grab with.
INSTRUMENTS = ("veto", "veto or override", "judicial review", "interposition")
#: Kinds of power grab (``grab_kind`` in the system table; 0: none).
NO_GRAB, EMERGENCY, PACKING = range(3)
GRABS = ("none", "emergency rule", "court packing")

I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ConstitutionParams:
    """The checked options of one constitution (``constitution.OPTIONS``)."""

    kinds: tuple[int, ...]
    """The kind of each branch (:data:`KINDS`), executive first."""
    names: tuple[str, ...]
    strategies: tuple[int, ...]
    weights: tuple[float, ...]
    """Starting competences of each branch (before the spread ``inequality``)."""
    inequality: float
    drift_sd: float
    support_sd: float
    support_persistence: float
    grab_rate: float
    pack_rate: float
    grab_stake: float
    pack_years: int
    check_ratio: float
    check_penalty: float
    impeach_ratio: float
    impeach_penalty: float
    norm_start: float
    compliance_mean: float
    compliance_spread: float
    veto_share: float
    dominance_share: float
    collapse_norm: float
    law: Params
    """The law layer's parameters that :func:`~powerbalance.model.law.update_norms` reads
    (``norm_growth``, ``norm_erosion``)."""

    @property
    def n(self) -> int:
        """Branches per world."""
        return len(self.kinds)

    @property
    def court(self) -> int:
        """Index of the court (-1: none)."""
        return self.kinds.index(COURT) if COURT in self.kinds else -1


#: Branch names of the two label sets: modern, and Polybius's Rome (Histories VI.11-18).
LABELS = {"modern": ("executive", "lower chamber", "upper chamber", "court", "federal unit"),
          "roman": ("consuls", "assemblies", "senate", "praetors", "colony")}


def make_params(opts: dict[str, Any]) -> ConstitutionParams:
    """Parameters from parsed options (``_source`` names the spec in errors)."""
    source = str(opts.get("_source", "constitution"))
    chambers, units = int(opts["chambers"]), int(opts["federal_units"])
    court = str(opts["court"]) == "on"
    kinds = (EXECUTIVE, *([CHAMBER] * chambers), *([COURT] * court), *([FEDERAL] * units))
    label = LABELS[str(opts["labels"])]
    names = [label[0], *label[1:1 + chambers]]
    if chambers == 1:
        names[1] = label[1].replace("lower ", "")
    names += [label[3]] * court + [f"{label[4]} {i + 1}" for i in range(units)]
    weight = {EXECUTIVE: float(opts["executive_weight"]), CHAMBER: float(opts["chamber_weight"]),
              COURT: float(opts["court_weight"]), FEDERAL: float(opts["federal_weight"])}
    strategies = strategy_list(str(opts["strategy"]), len(kinds), STRATEGIES, source)
    return ConstitutionParams(
        kinds=kinds, names=tuple(names),
        strategies=tuple(STRATEGIES.index(s) for s in strategies),
        weights=tuple(weight[k] for k in kinds), inequality=float(opts["inequality"]),
        drift_sd=float(opts["drift_sd"]), support_sd=float(opts["support_sd"]),
        support_persistence=float(opts["support_persistence"]),
        grab_rate=float(opts["grab_rate"]), pack_rate=float(opts["pack_rate"]),
        grab_stake=float(opts["grab_stake"]), pack_years=int(opts["pack_years"]),
        check_ratio=float(opts["check_ratio"]), check_penalty=float(opts["check_penalty"]),
        impeach_ratio=float(opts["impeach_ratio"]),
        impeach_penalty=float(opts["impeach_penalty"]), norm_start=float(opts["norm_start"]),
        compliance_mean=float(opts["compliance_mean"]),
        compliance_spread=float(opts["compliance_spread"]),
        veto_share=float(opts["veto_share"]), dominance_share=float(opts["dominance_share"]),
        collapse_norm=float(opts["collapse_norm"]),
        law=Params(norm_growth=float(opts["norm_growth"]),
                   norm_erosion=float(opts["norm_erosion"])))


@dataclass(frozen=True)
class ConstitutionState:
    """One year of a batch of constitutions (worlds ``B``, branches ``N``)."""

    competence: F64
    """(B, N) competences held (share of the total: share of power)."""
    support: F64
    """(B, N) public support in [0, 1]."""
    norm: F64
    """(B, 1) strength of constitutional constraint, the rule of law."""
    disposition: F64
    """(B, N) each branch's disposition to keep the constitution (law layer's compliance)."""
    packed: I64
    """(B,) years the court stays packed (0: independent)."""
    packer: I64
    """(B,) the branch that packed the court (-1: none)."""
    grabber: I64
    """(B,) the branch that attempted a power grab this year (-1: none)."""
    grab_kind: I64
    """(B,) :data:`GRABS` code of this year's grab."""
    blocked: BoolA
    impeached: BoolA
    checkers: BoolA
    """(B, N) the branches that checked this year's grab."""
    bandwagon: BoolA
    """(B, N) the branches that sided with this year's grab."""


def dispositions(params: ConstitutionParams, keys: U64) -> F64:
    """(B, N) dispositions uniform on ``compliance_mean +- compliance_spread``, clipped to
    [0, 1], drawn once from the ``LAW`` stream (as :func:`powerbalance.model.law.dispositions`)."""
    u = uniform(keys, 0, Stream.LAW, (params.n,))
    c = params.compliance_mean + params.compliance_spread * (2.0 * u - 1.0)
    return np.asarray(np.clip(c, 0.0, 1.0), dtype=np.float64)


def init(params: ConstitutionParams, keys: U64) -> ConstitutionState:
    """Constitutions at the founding: competences the branches' weights times log-normal
    factors of spread ``inequality``, support 1/2 plus noise of spread ``support_sd``, the
    norm at ``norm_start``, dispositions drawn, no grab."""
    b, n = keys.shape[0], params.n
    z = np.asarray(normal(keys, 0, Stream.SCENARIO, (n,)), dtype=np.float64)
    competence = np.asarray(params.weights)[None, :] * np.exp(params.inequality * z)
    zs = np.asarray(normal(keys, 0, Stream.SCENARIO, (n,), sub=1), dtype=np.float64)
    support = np.clip(0.5 + params.support_sd * zs, 0.0, 1.0)
    none = np.full(b, -1, dtype=np.int64)
    false = np.zeros((b, n), dtype=bool)
    return ConstitutionState(
        competence=competence, support=support, norm=np.full((b, 1), params.norm_start),
        disposition=dispositions(params, keys), packed=np.zeros(b, dtype=np.int64),
        packer=none, grabber=none, grab_kind=np.zeros(b, dtype=np.int64),
        blocked=np.zeros(b, dtype=bool), impeached=np.zeros(b, dtype=bool), checkers=false,
        bandwagon=false)


def drift(state: ConstitutionState, params: ConstitutionParams, keys: U64,
          year: int) -> tuple[F64, F64]:
    """Competences times ``exp(drift_sd z - drift_sd^2 / 2)`` (mean one) and support
    ``1/2 + persistence (support - 1/2) + support_sd z'``, clipped to [0, 1]."""
    n = params.n
    z = np.asarray(normal(keys, year + 1, Stream.GROWTH, (n,)), dtype=np.float64)
    s = params.drift_sd
    competence = state.competence * np.exp(s * z - 0.5 * s * s)
    zs = np.asarray(normal(keys, year + 1, Stream.GROWTH, (n,), sub=1), dtype=np.float64)
    support = 0.5 + params.support_persistence * (state.support - 0.5) + params.support_sd * zs
    return competence, np.clip(support, 0.0, 1.0)


def attempts(share: F64, state: ConstitutionState, params: ConstitutionParams, keys: U64,
             year: int) -> tuple[I64, I64]:
    """(B,) the strongest branch and (B,) the kind of its power grab this year (0: none).

    It attempts with probability ``grab_rate`` unless bound by the constitution
    (:func:`powerbalance.model.law.compliant` of its disposition and the norm)."""
    b = share.shape[0]
    rows = np.arange(b)
    g = np.argmax(share, axis=1)
    u = uniform(keys, year + 1, Stream.POLICY, (2,))
    bound = law.compliant(state.disposition[rows, g], state.norm[:, 0])
    attempt = ~bound & (u[:, 0] < params.grab_rate)
    c = params.court
    can_pack = (c >= 0) & (g != c) & (state.packed == 0)
    kind = np.where(can_pack & (u[:, 1] < params.pack_rate), PACKING, EMERGENCY)
    return g, np.where(attempt, kind, NO_GRAB).astype(np.int64)


def aligned(state: ConstitutionState, params: ConstitutionParams, g: I64) -> BoolA:
    """(B, N) the branches that side with branch ``g`` (one per world): bandwagoners, and
    the court while ``g`` has packed it. A branch is not aligned with itself."""
    b, n = state.competence.shape
    out = np.asarray(params.strategies)[None, :] == BANDWAGONER
    c = params.court
    if c >= 0:
        out = np.repeat(out, b, axis=0)
        out[:, c] = np.where(state.packed > 0, state.packer == g, out[:, c])
    out = np.broadcast_to(out, (b, n)) & (np.arange(n)[None, :] != g[:, None])
    return np.asarray(out)


def sides(state: ConstitutionState, params: ConstitutionParams, g: I64,
          kind: I64) -> tuple[BoolA, BoolA]:
    """(B, N) checkers and (B, N) bandwagoners of each world's grab (none without one):
    balancers check unless aligned with the grabber, the aligned side with it."""
    b, n = state.competence.shape
    on = (kind != NO_GRAB)[:, None]
    with_g = aligned(state, params, g)
    balancer = np.asarray(params.strategies)[None, :] == BALANCER
    others = np.arange(n)[None, :] != g[:, None]
    return on & balancer & others & ~with_g, on & with_g


def resolve(competence: F64, support: F64, state: ConstitutionState,
            params: ConstitutionParams, g: I64, kind: I64) -> ConstitutionState:
    """The grab of every world checked or carried out, competences moved, the court packed,
    the norm updated (see the module docstring)."""
    b, n = competence.shape
    rows = np.arange(b)
    checkers, wagon = sides(state, params, g, kind)
    weight = shares_of(competence) * support
    side = weight[rows, g] + np.where(wagon, weight, 0.0).sum(axis=1)
    check = np.where(checkers, weight, 0.0).sum(axis=1)
    grab = kind != NO_GRAB
    blocked = grab & (check > 0) & (check >= params.check_ratio * side)
    chamber = (np.asarray(params.kinds)[None, :] == CHAMBER) & checkers
    impeached = (blocked & (g == 0) & chamber.any(axis=1)
                 & (check >= params.impeach_ratio * side))
    own = competence[rows, g]
    lost = own * np.where(impeached, params.impeach_penalty,
                          np.where(blocked, params.check_penalty, 0.0))
    gain = np.divide(np.where(checkers, weight, 0.0), check[:, None],
                     out=np.zeros_like(weight), where=check[:, None] > 0) * lost[:, None]
    competence = competence + gain
    competence[rows, g] -= lost
    went = grab & ~blocked
    c = params.court
    taken = np.zeros_like(competence)
    emergency = went & (kind == EMERGENCY)
    taken[emergency] = params.grab_stake * competence[emergency]
    taken[rows, g] = 0.0
    packing = went & (kind == PACKING)
    packed, packer = np.maximum(state.packed - 1, 0), state.packer
    if c >= 0:
        taken[packing, c] = params.grab_stake * competence[packing, c]
        packed = np.where(packing, params.pack_years, packed)
        packer = np.where(packing, g, np.where(packed > 0, packer, -1))
    competence = competence - taken
    competence[rows, g] += taken.sum(axis=1)
    idx = np.flatnonzero(grab)
    norm = law.update_norms(state.norm, idx, np.zeros(len(idx), dtype=np.int64),
                            blocked[idx], params.law)
    return replace(state, competence=competence, support=support, norm=norm, packed=packed,
                   packer=packer, grabber=np.where(grab, g, -1), grab_kind=kind,
                   blocked=blocked, impeached=impeached, checkers=checkers, bandwagon=wagon)


def step(state: ConstitutionState, params: ConstitutionParams, keys: U64,
         year: int) -> ConstitutionState:
    """One year of every constitution (see the module docstring); returns a new state."""
    competence, support = drift(state, params, keys, year)
    g, kind = attempts(shares_of(competence), state, params, keys, year)
    return resolve(competence, support, state, params, g, kind)


def veto_players(share: F64, state: ConstitutionState, params: ConstitutionParams) -> I64:
    """(B,) Tsebelis's (2002, *Veto Players*) count of *institutional* veto players: the
    executive and each chamber holding at least ``veto_share`` of the competences (the
    United States count three: president, House, Senate). Courts and federal units are not
    counted (Tsebelis treats courts as usually absorbed, ch. 10). Tsebelis absorbs a
    *partisan* veto player into another only when both are held by the same party; the
    arena has no parties, and a branch's strategy (bandwagoning) is what the claim tests,
    so the count absorbs nobody: absorbing the bandwagoners would make the count a
    restatement of the arm, not a finding."""
    kinds = np.asarray(params.kinds)
    institutional = (kinds == EXECUTIVE) | (kinds == CHAMBER)
    return np.asarray(((share >= params.veto_share) & institutional[None, :]).sum(axis=1),
                      dtype=np.int64)


def executive_constraint(share: F64, state: ConstitutionState,
                         params: ConstitutionParams) -> F64:
    """(B,) an index of executive constraint on Polity's XCONST scale, 1 (unlimited
    authority) to 7 (executive parity or subordination) (Marshall & Jaggers 2002, *Polity
    IV Project: Dataset Users' Manual*; continuous here): ``1 + 6 x norm x min(1, C / E)``,
    E the executive's share, C that of the other branches with at least ``veto_share``
    (those that can block), less a court the executive has packed (an institutional fact,
    not a strategy). Like V-Dem's judicial and legislative constraints on the executive
    (v2x_jucon, v2xlg_legcon; Coppedge et al., *V-Dem Codebook*) it asks whether other
    branches can check the executive, and weighs it by the rule of law (stated choice: a
    constraint nobody respects is none). The branches' strategies do not enter: whether
    they bandwagon shows through the competences and the rule of law it leaves, not by
    definition."""
    b = share.shape[0]
    others = share >= params.veto_share
    others[:, 0] = False
    c_idx = params.court
    if c_idx >= 0:
        others[:, c_idx] &= ~((state.packed > 0) & (state.packer == 0))
    c = np.where(others, share, 0.0).sum(axis=1)
    e = share[:, 0]
    ratio = np.minimum(1.0, np.divide(c, e, out=np.ones(b), where=e > 0))
    return np.asarray(1.0 + 6.0 * state.norm[:, 0] * ratio)


def measure(state: ConstitutionState, params: ConstitutionParams
            ) -> tuple[dict[str, F64], dict[str, npt.NDArray[Any]]]:
    """System metrics (largest share, the rule of law, executive constraint, veto players,
    the year's power grab and checks) and per-branch columns (competence, share, support)."""
    share = shares_of(state.competence)
    largest = share.max(axis=1)
    grab = state.grab_kind != NO_GRAB
    system = {
        "largest_share": largest, "hhi": 10_000.0 * (share * share).sum(axis=1),
        "strongest": np.argmax(share, axis=1), "rule_of_law": state.norm[:, 0],
        "xconst": executive_constraint(share, state, params),
        "veto_players": veto_players(share, state, params),
        "dominant": largest > params.dominance_share,
        "collapsed": state.norm[:, 0] < params.collapse_norm,
        "power_grab": grab, "grab_kind": state.grab_kind,
        "emergency_rule": state.grab_kind == EMERGENCY,
        "court_packing": state.grab_kind == PACKING, "checked": state.blocked,
        "unpunished": grab & ~state.blocked, "impeached": state.impeached,
        "checkers": state.checkers.sum(axis=1), "bandwagoners": state.bandwagon.sum(axis=1),
        "court_packed": state.packed > 0,
    }
    actors = {"competence": state.competence, "share": share, "support": state.support,
              "alive": np.ones(share.shape, dtype=bool), "checked": state.checkers,
              "bandwagoned": state.bandwagon,
              "grabbed": np.arange(params.n)[None, :] == state.grabber[:, None]}
    return system, actors
