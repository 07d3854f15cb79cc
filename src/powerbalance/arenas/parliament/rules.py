"""Rules of the parliament arena: elections, seat allocation, coalition formation by the
strategies, government duration, and the patronage that lets a governing party grow.

Each world is one parliament of ``parties`` parties ordered left to right (their index
is their position, for Axelrod's connectedness). Support is a vector of log vote
weights; vote shares are their softmax. A year:

1. **Patronage**: the prime minister's party adds ``office_bonus`` to its log weight (the
   resource advantage of incumbency that dominant parties live on; Greene 2007). The
   default is 0: no source gives its size, and the cost of ruling (step 2) is the measured
   net effect of governing on a party's vote.
2. **Election** every ``term`` years: each party's log weight moves by an electoral swing
   (normal, spread ``swing_sd``) and every governing party pays the cost of ruling
   (``ruling_cost``; Paldam 1986, Nannestad & Paldam 2002: about 2.25 points of vote per
   term; the default 0.11 in log weight takes a party governing alone at 30 % to 27.74 %,
   the others unchanged); seats are allocated by ``rule``
   (:mod:`~powerbalance.arenas.parliament.seats`); the government resigns.
3. **Collapse** between elections: a government falls with probability ``fall_rate``
   (a constant hazard, King et al. 1990), ``minority_fall`` times that for a minority.
   The cabinet that forms after a collapse is never the one that fell (the seats are the
   same, so the rule of step 4 would re-form it otherwise); when no other cabinet is
   acceptable the fallen one re-forms (a caretaker: the duration then counts on).
4. **Formation** after an election or a collapse. Parties act by their strategy:

   - ``external-balancer`` (balance the largest): never joins a cabinet with the largest;
   - ``bandwagoner``: joins only a cabinet with the largest;
   - ``buck-passer``: joins no cabinet and supports whichever forms from outside (its
     seats count for the majority, it gets no office);
   - ``status-quo``: office-seeking, joins any cabinet.

   Among the cabinets the members accept, winning with the outside support and
   *minimal* under ``coalition``: ``minimal-winning`` (every member needed) or
   ``minimal-connected`` (adjacent parties on the left-right order, each end needed;
   Axelrod 1970), the one with the fewest seats forms (Riker 1962's size principle), then
   the lowest index. ``formateur=largest`` (an option, off by default) prefers the
   cabinets that contain the largest party first (the largest party as formateur; Laver &
   Schofield 1990): it makes office-seekers join the largest party and so behave like
   bandwagoners, which is why the null leaves it off. With no acceptable cabinet, the
   largest party forms a cabinet alone. A cabinet whose own seats are no majority is a
   minority cabinet (Strøm 1990, *Minority Government and Majority Rule*), supported from
   outside or not. The prime minister is the cabinet's largest party.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from powerbalance.analysis.parties import effective_number_of_parties
from powerbalance.arenas.base import F64, shares_of, strategy_list
from powerbalance.arenas.parliament import seats as seat_rules
from powerbalance.rng import U64, Stream, from_table, normal, quantile_table, uniform

STRATEGIES = ("external-balancer", "bandwagoner", "buck-passer", "status-quo")
BALANCER, BANDWAGONER, BUCK_PASSER, STATUS_QUO = range(4)
COALITION_RULES = ("minimal-winning", "minimal-connected")
FORMATEURS = ("none", "largest")

I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ParliamentParams:
    """The checked options of one parliament (:data:`powerbalance.arenas.parliament.OPTIONS`)."""

    parties: int
    seats: int
    rule: str
    coalition: str
    formateur: str
    """``none`` (the size principle alone) or ``largest`` (its cabinets first)."""
    strategies: tuple[int, ...]
    term: int
    swing_sd: float
    ruling_cost: float
    office_bonus: float
    fall_rate: float
    minority_fall: float
    inequality: float
    district_sd: float
    dominant_years: int
    masks: npt.NDArray[np.bool_]
    """(K, P) every non-empty set of parties."""
    connected: npt.NDArray[np.bool_]
    """(K,) whether the set is an interval of the left-right order."""
    refuses: npt.NDArray[np.bool_]
    """(P, K) whether some member refuses set k when party L (the row) is the largest."""
    first: npt.NDArray[np.int64]
    """(K,) the leftmost and (``last``) rightmost member of each set."""
    last: npt.NDArray[np.int64]


def make_params(opts: dict[str, Any]) -> ParliamentParams:
    """Parameters from parsed options (``_source`` names the spec in errors)."""
    source = str(opts.get("_source", "parliament"))
    p = int(opts["parties"])
    names = strategy_list(str(opts["strategy"]), p, STRATEGIES, source)
    k = np.arange(1, 2**p)
    masks = ((k[:, None] >> np.arange(p)[None, :]) & 1).astype(bool)
    first = np.argmax(masks, axis=1)
    last = p - 1 - np.argmax(masks[:, ::-1], axis=1)
    connected = masks.sum(axis=1) == last - first + 1
    strat = np.array([STRATEGIES.index(s) for s in names])
    refuses = np.zeros((p, len(k)), dtype=bool)
    for lead in range(p):
        others = np.arange(p) != lead
        has_lead = masks[:, lead]
        kind = [(strat == code) & others for code in (BALANCER, BANDWAGONER, BUCK_PASSER)]
        refuses[lead] = (((masks & kind[0]).any(axis=1) & has_lead)
                         | ((masks & kind[1]).any(axis=1) & ~has_lead)
                         | (masks & kind[2]).any(axis=1))
    return ParliamentParams(
        parties=p, seats=int(opts["seats"]), rule=str(opts["rule"]),
        coalition=str(opts["coalition"]), formateur=str(opts["formateur"]),
        strategies=tuple(STRATEGIES.index(s) for s in names),
        term=int(opts["term"]), swing_sd=float(opts["swing_sd"]),
        ruling_cost=float(opts["ruling_cost"]), office_bonus=float(opts["office_bonus"]),
        fall_rate=float(opts["fall_rate"]), minority_fall=float(opts["minority_fall"]),
        inequality=float(opts["inequality"]), district_sd=float(opts["district_sd"]),
        dominant_years=int(opts["dominant_years"]), masks=masks, connected=connected,
        refuses=refuses, first=first, last=last)


@dataclass(frozen=True)
class ParliamentState:
    """One year of a batch of parliaments (worlds ``B``, parties ``P``)."""

    support: F64
    """(B, P) log vote weights (vote shares are their softmax)."""
    seats: I64
    """(B, P) seats from the last election."""
    cabinet: BoolA
    """(B, P) members of the government."""
    pm: I64
    """(B,) the prime minister's party."""
    minority: BoolA
    age: I64
    """(B,) years the government has lasted."""
    pm_tenure: I64
    """(B,) consecutive years the prime minister's party has held the office."""
    majority_streak: I64
    """(B, P) consecutive elections each party won an absolute majority of seats."""
    ended: I64
    """(B,) duration of the government that ended this year (0: none ended)."""
    districts: npt.NDArray[np.float32]
    """(B, D, P) the voter blocs' factors (first past the post; D = 0 otherwise)."""


def vote_shares(support: F64) -> F64:
    """Vote shares: the softmax of the log weights along the last axis."""
    e = np.exp(support - support.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def allocate(shares: F64, params: ParliamentParams, districts: npt.NDArray[np.float32]) -> I64:
    """Seats of every world under ``params.rule`` (``districts``: the voter blocs' factors
    of first past the post)."""
    if params.rule == "dhondt":
        return seat_rules.dhondt(shares, params.seats)
    if params.rule == "sainte-lague":
        return seat_rules.sainte_lague(shares, params.seats)
    if params.rule == "largest-remainder":
        return seat_rules.largest_remainder(shares, params.seats)
    return seat_rules.fptp(shares, districts)


def district_factors(params: ParliamentParams, keys: U64) -> npt.NDArray[np.float32]:
    """Each voter bloc's (district's) lasting factor on each party's national vote under first
    past the post, ``(B, seats, P)`` log-normal with spread ``district_sd`` (a uniform
    national swing then moves every district alike; Butler & Stokes 1969); ``(B, 0, P)``
    under the proportional rules."""
    if params.rule != "fptp":
        return np.zeros((keys.shape[0], 0, params.parties), dtype=np.float32)
    return from_table(keys, 0, Stream.SCENARIO, (params.seats, params.parties),
                      _district_table(float(params.district_sd)), sub=2)


@lru_cache(maxsize=16)
def _district_table(district_sd: float) -> npt.NDArray[np.float32]:
    """The factor ``exp(district_sd * z)`` of every entry z of the normal draws' float32
    table (:func:`powerbalance.rng.normal`), so that each of the seats x parties draws of a
    world is one look-up (the same numbers as drawing z and taking the exponential, which
    is elementwise: the bulk of a first-past-the-post run's set-up otherwise)."""
    z = quantile_table(ndtri, np.float32)
    table = np.exp(np.float32(district_sd) * z)
    table.flags.writeable = False
    return table


def subset_sums_and_minima(seats: npt.NDArray[np.float32]
                           ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """For every non-empty set of parties k = 1 .. 2**P - 1 (party j is bit j, the order of
    :attr:`ParliamentParams.masks`): its total seats and its smallest member's seats,
    ``(B, K)`` each, built by doubling (the sets with highest bit j are those below 2**j
    plus party j), one pass over the sets instead of one per party.

    >>> t, m = subset_sums_and_minima(np.array([[3.0, 5.0]], dtype=np.float32))
    >>> t.tolist(), m.tolist()
    ([[3.0, 5.0, 8.0]], [[3.0, 5.0, 3.0]])
    """
    b, p = seats.shape
    total = np.zeros((b, 2**p), dtype=np.float32)
    least = np.full((b, 2**p), np.inf, dtype=np.float32)
    for j in range(p):
        lo, hi = 2**j, 2**(j + 1)
        np.add(total[:, :lo], seats[:, j:j + 1], out=total[:, lo:hi])
        np.minimum(least[:, :lo], seats[:, j:j + 1], out=least[:, lo:hi])
    return total[:, 1:], least[:, 1:]


def cabinet_index(cabinet: BoolA) -> I64:
    """(B,) the row of :attr:`ParliamentParams.masks` of each world's cabinet (party j is
    bit j).

    >>> cabinet_index(np.array([[True, False, True]])).tolist()
    [4]
    """
    bits = np.left_shift(1, np.arange(cabinet.shape[1], dtype=np.int64))
    return np.asarray((cabinet * bits[None, :]).sum(axis=1) - 1, dtype=np.int64)


def form(seats: I64, params: ParliamentParams,
         exclude: I64 | None = None) -> tuple[BoolA, BoolA]:
    """The cabinet of every world (``(B, P)`` members) and whether it is a minority one.

    ``exclude`` (B,): a row of :attr:`ParliamentParams.masks` per world that may not form
    again (the cabinet that just fell; -1: none) unless it is the only acceptable one."""
    b, p = seats.shape
    rows = np.arange(b)
    strat = np.asarray(params.strategies)
    largest = np.argmax(seats, axis=1)
    is_largest = np.arange(p)[None, :] == largest[:, None]
    buck = (strat[None, :] == BUCK_PASSER) & ~is_largest
    masks = params.masks
    with_largest = masks.T[largest]  # (B, K)
    refuses = params.refuses[largest]
    seats_f = seats.astype(np.float32)  # exact: at most 1,000 seats
    total, smallest = subset_sums_and_minima(seats_f)
    outside = (seats * buck).sum(axis=1).astype(np.float32)[:, None]
    half = np.float32(params.seats / 2.0)
    winning = total + outside > half
    if params.coalition == "minimal-connected":
        drop = np.minimum(seats_f[:, params.first], seats_f[:, params.last])
        minimal = params.connected[None, :] & (total - drop + outside <= half)
    else:
        minimal = total - smallest + outside <= half
    ok = winning & minimal & ~refuses
    if exclude is not None:
        others = ok.copy()
        hit = exclude >= 0
        others[rows[hit], exclude[hit]] = False
        ok = np.where(others.any(axis=1)[:, None], others, ok)
    lead = np.float32(4.0 * params.seats + 4.0) if params.formateur == "largest" else 0.0
    score = np.where(ok, with_largest * np.float32(lead) - total, -np.inf)
    best = np.argmax(score, axis=1)
    found = ok[rows, best]
    cabinet = np.where(found[:, None], masks[best], is_largest)
    minority = (seats * cabinet).sum(axis=1) <= half  # its own seats (Strøm 1990)
    return cabinet, minority


def init(params: ParliamentParams, keys: U64) -> ParliamentState:
    """Parliaments after a first election: log vote weights normal with spread
    ``inequality``, seats by the rule, a cabinet formed by the strategies."""
    b, p = keys.shape[0], params.parties
    support = params.inequality * np.asarray(normal(keys, 0, Stream.SCENARIO, (p,)),
                                             dtype=np.float64)
    districts = district_factors(params, keys)
    seats = allocate(vote_shares(support), params, districts)
    cabinet, minority = form(seats, params)
    pm = np.argmax(np.where(cabinet, seats, -1), axis=1)
    zeros = np.zeros(b, dtype=np.int64)
    return ParliamentState(support=support, seats=seats, cabinet=cabinet, pm=pm,
                           minority=minority, age=zeros, pm_tenure=zeros,
                           majority_streak=(2 * seats > params.seats).astype(np.int64),
                           ended=zeros, districts=districts)


def step(state: ParliamentState, params: ParliamentParams, keys: U64,
         year: int) -> ParliamentState:
    """One year of every parliament (see the module docstring); returns a new state."""
    b, p = state.seats.shape
    rows = np.arange(b)
    support = state.support.copy()
    support[rows, state.pm] += params.office_bonus
    age = state.age + 1
    election = (year + 1) % params.term == 0
    u = uniform(keys, year + 1, Stream.POLICY, (1,))[:, 0]
    seats, streak = state.seats, state.majority_streak
    if election:
        z = normal(keys, year + 1, Stream.GROWTH, (p,))
        support = support + params.swing_sd * np.asarray(z, dtype=np.float64) \
            - params.ruling_cost * state.cabinet
        seats = allocate(vote_shares(support), params, state.districts)
        streak = np.where(2 * seats > params.seats, streak + 1, 0)
        falls = np.ones(b, dtype=bool)
    else:
        hazard = params.fall_rate * np.where(state.minority, params.minority_fall, 1.0)
        falls = u < np.minimum(hazard, 1.0)
    support -= support.mean(axis=1, keepdims=True)  # only differences matter
    cabinet, minority, pm = state.cabinet, state.minority, state.pm
    if falls.any():
        idx = np.flatnonzero(falls)
        # after a collapse (not an election) the fallen cabinet may not simply re-form
        fallen = np.where(election, -1, cabinet_index(state.cabinet[idx]))
        new_cab, new_min = form(seats[idx], params, np.asarray(fallen, dtype=np.int64))
        cabinet, minority = cabinet.copy(), minority.copy()
        cabinet[idx], minority[idx] = new_cab, new_min
        pm = np.argmax(np.where(cabinet, seats, -1), axis=1)
    ended = np.where(falls, age, 0)
    age = np.where(falls, 0, age)
    pm_tenure = np.where(pm == state.pm, state.pm_tenure + 1, 1)
    return replace(state, support=support, seats=seats, cabinet=cabinet, pm=pm,
                   minority=minority, age=age, pm_tenure=pm_tenure, majority_streak=streak,
                   ended=ended)


#: Sartori (1976): a predominant-party system gives one party an absolute majority of
#: seats in at least three consecutive elections.
PREDOMINANT_ELECTIONS = 3


def measure(state: ParliamentState, params: ParliamentParams
            ) -> tuple[dict[str, F64], dict[str, npt.NDArray[Any]]]:
    """System metrics (effective numbers of parties, largest seat share, the cabinet,
    dominant-party rule) and per-party columns (votes, seats, cabinet membership)."""
    votes = vote_shares(state.support)
    share = shares_of(state.seats.astype(np.float64))
    system = {
        "largest_share": share.max(axis=1),
        "hhi": 10_000.0 * (share * share).sum(axis=1),
        "enp_votes": effective_number_of_parties(votes),
        "enp_seats": effective_number_of_parties(state.seats),
        "pm": state.pm, "cabinet_parties": state.cabinet.sum(axis=1),
        "minority": state.minority, "government_age": state.age,
        "government_ended": state.ended, "pm_tenure": state.pm_tenure,
        "dominant": state.pm_tenure >= params.dominant_years,
        "predominant": (state.majority_streak >= PREDOMINANT_ELECTIONS).any(axis=1),
    }
    actors = {"votes": votes, "seats": state.seats, "share": share,
              "alive": np.ones(state.seats.shape, dtype=bool), "cabinet": state.cabinet,
              "pm": np.arange(params.parties)[None, :] == state.pm[:, None]}
    return system, actors
