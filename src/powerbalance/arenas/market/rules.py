"""Rules of the market arena: Gibrat growth, price wars, takeover bids, joint ventures,
entry and exit, and an antitrust authority applying the US merger guidelines.

Each world is one market of ``firms`` slots (a slot empties when its firm exits or is
taken over, and refills when a firm enters) over ``segments`` product segments (the
map). Revenue ``R[b, i, s]`` is firm *i*'s sales in segment *s*; the war chest is its
cash. A year:

1. **Growth** (Gibrat's law of proportionate effect; Gibrat 1931, Sutton 1997): each
   firm-segment's revenue is multiplied by a mean-one log-normal factor whose spread does
   not depend on size. The shocks are drawn per segment, so a firm spread over several
   segments grows less variably than a one-segment firm of the same size (the
   diversification Sutton 1997 notes for large firms); the spread of ``growth_sd`` is a
   stated choice. The war chest keeps ``1 - payout`` of itself and adds
   ``margin`` x revenue.
2. **The leader's price war**: with probability ``war_rate`` the largest firm (the
   aggressor, as the strongest state in the engine) attacks a rival in that rival's main
   segment. Bandwagoners are its allies and are spared; they put their chests behind it.
   The winner is drawn by a Tullock (1980) contest on war chests (exponent
   ``contest_exponent``; the defending joint venture of the balancers pools its chests)
   and takes ``war_stake`` of the loser's revenue in the segment; both pay ``war_cost``
   x the contested revenue.
3. **The balancers' counter-attack**: with probability ``counter_rate`` (a stated
   choice) the joint venture of the balancers (``external-balancer``: balance the largest)
   attacks the leader in its main segment, on the same contest. This yearly attack on
   the leader, more than the pooled defence of step 2, is what keeps a balancing market
   below the monopoly line (with ``counter_rate=0`` the largest share of claim 13's
   balancing arm rises from about 0.30 to 0.43; docs/arenas.md).
4. **Takeover bid**: with probability ``bid_rate`` the leader bids for the largest rival
   its own chest can pay: the price is the target's revenue x ``(1 + premium)``; a
   bandwagoner sells at no premium; a balancer's joint-venture partners counter-bid with
   their chests. With ``antitrust=on`` the authority blocks a bid that the chosen
   ``guidelines`` edition presumes harmful (post-merger HHI and its increase;
   :meth:`powerbalance.analysis.parties.MergerGuidelines.verdict_codes`).
5. **Exit and entry**: a firm (never the leader) whose share falls below ``exit_share``
   exits; each empty slot is refilled with probability ``entry_rate`` by an entrant
   with ``entrant_share`` of the market in a random segment.

Buck-passers (``buck-passer``) never attack and concede a price war without fighting
(the leader takes the stake and nobody spends a war chest): they leave the cost of
confronting the leader to others. ``status-quo`` firms do nothing but defend alone: the
null of the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.analysis.parties import GUIDELINES
from powerbalance.arenas.base import F64, shares_of, strategy_list
from powerbalance.errors import InputError
from powerbalance.rng import U64, Stream, normal, uniform

#: The strategies of the registry this arena plays, in arena terms (docs/arenas.md).
STRATEGIES = ("external-balancer", "bandwagoner", "buck-passer", "status-quo")
BALANCER, BANDWAGONER, BUCK_PASSER, STATUS_QUO = range(4)

I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MarketParams:
    """The checked options of one market (see :data:`powerbalance.arenas.market.OPTIONS`)."""

    firms: int
    segments: int
    strategies: tuple[int, ...]
    growth_sd: float
    margin: float
    payout: float
    inequality: float
    war_rate: float
    counter_rate: float
    war_stake: float
    war_cost: float
    contest_exponent: float
    bid_rate: float
    premium: float
    antitrust: bool
    guidelines: int
    entry_rate: float
    entrant_share: float
    exit_share: float
    monopoly_share: float


def make_params(opts: dict[str, Any]) -> MarketParams:
    """Parameters from parsed options (``_source`` names the spec in errors)."""
    source = str(opts.get("_source", "market"))
    n = int(opts["firms"])
    names = strategy_list(str(opts["strategy"]), n, STRATEGIES, source)
    if opts["entrant_share"] <= opts["exit_share"]:
        raise InputError(f"entrant_share = {opts['entrant_share']} is not above exit_share = "
                         f"{opts['exit_share']}", source=source, field="entrant_share",
                         allowed="a number above exit_share (an entrant must not exit at once)")
    return MarketParams(
        firms=n, segments=int(opts["segments"]),
        strategies=tuple(STRATEGIES.index(s) for s in names),
        growth_sd=float(opts["growth_sd"]), margin=float(opts["margin"]),
        payout=float(opts["payout"]), inequality=float(opts["inequality"]),
        war_rate=float(opts["war_rate"]), counter_rate=float(opts["counter_rate"]),
        war_stake=float(opts["war_stake"]), war_cost=float(opts["war_cost"]),
        contest_exponent=float(opts["contest_exponent"]), bid_rate=float(opts["bid_rate"]),
        premium=float(opts["premium"]), antitrust=opts["antitrust"] == "on",
        guidelines=int(opts["guidelines"]), entry_rate=float(opts["entry_rate"]),
        entrant_share=float(opts["entrant_share"]), exit_share=float(opts["exit_share"]),
        monopoly_share=float(opts["monopoly_share"]),
    )


@dataclass(frozen=True)
class MarketState:
    """One year of a batch of markets (arrays over worlds ``B``, firms ``N``, segments ``S``).

    Counters (``entries`` ... ``price_wars``) count the events of the last step.
    """

    revenue: F64
    """(B, N, S) sales of each firm in each segment (0 for an empty slot)."""
    chest: F64
    """(B, N) war chest (cash)."""
    alive: BoolA
    """(B, N) whether a firm holds the slot."""
    entries: I64
    exits: I64
    takeovers: I64
    blocked: I64
    price_wars: I64
    leader: I64
    """(B,) the largest firm after the step."""


def init(params: MarketParams, keys: U64) -> MarketState:
    """Markets of ``firms`` firms, each in one random segment, sizes log-normal with spread
    ``inequality`` (mean one), war chests one year of margin."""
    b, n, s = keys.shape[0], params.firms, params.segments
    z = normal(keys, 0, Stream.SCENARIO, (n,))
    sd = params.inequality
    size = np.exp(sd * z - sd * sd / 2)
    home = np.minimum((uniform(keys, 0, Stream.SCENARIO, (n,), sub=1) * s).astype(np.int64),
                      s - 1)
    revenue = np.zeros((b, n, s))
    np.put_along_axis(revenue, home[..., None], size[..., None], axis=2)
    zeros = np.zeros(b, dtype=np.int64)
    return MarketState(revenue=revenue, chest=params.margin * size,
                       alive=np.ones((b, n), dtype=bool), entries=zeros, exits=zeros,
                       takeovers=zeros, blocked=zeros, price_wars=zeros,
                       leader=np.argmax(size, axis=1))


def _contest(attack: F64, defence: F64, exponent: float, u: F64) -> BoolA:
    """Whether the attacker wins a Tullock (1980) contest: p = A^a / (A^a + D^a)."""
    a, d = np.maximum(attack, 0.0) ** exponent, np.maximum(defence, 0.0) ** exponent
    p = np.divide(a, a + d, out=np.full_like(a, 0.5), where=(a + d) > 0)
    return u < p


def _pick(mask: BoolA, scores: F64) -> tuple[I64, BoolA]:
    """Per world, the masked firm with the highest score, and whether there was one."""
    masked = np.where(mask, scores, -np.inf)
    return np.argmax(masked, axis=1), np.asarray(mask.any(axis=1), dtype=bool)


def step(state: MarketState, params: MarketParams, keys: U64, year: int) -> MarketState:
    """One year of every market (see the module docstring); returns a new state."""
    b, n = state.alive.shape
    rows = np.arange(b)
    strat = np.asarray(params.strategies)[None, :]
    alive = state.alive.copy()
    # 1. Gibrat growth: proportional shocks per segment, the same spread at every size.
    sd = params.growth_sd
    z = normal(keys, year + 1, Stream.GROWTH, (n, params.segments))
    revenue = state.revenue * np.exp(sd * z - sd * sd / 2)
    size = revenue.sum(axis=2)
    chest = state.chest * (1.0 - params.payout) + params.margin * size
    leader = np.argmax(size, axis=1)
    not_leader = np.arange(n)[None, :] != leader[:, None]
    balancer = alive & not_leader & (strat == BALANCER)
    bandwagoner = alive & not_leader & (strat == BANDWAGONER)
    jv = balancer & (balancer.sum(axis=1, keepdims=True) >= 2)  # a venture needs two
    jv_chest = (chest * jv).sum(axis=1)
    leader_side = chest[rows, leader] + (chest * bandwagoner).sum(axis=1)
    u = uniform(keys, year + 1, Stream.WAR, (6,))
    scores = uniform(keys, year + 1, Stream.POLICY, (n,))
    wars = np.zeros(b, dtype=np.int64)

    # 2. The leader's price war on a rival that is not its ally, in the rival's main segment.
    target, any_target = _pick(alive & not_leader & ~bandwagoner, scores)
    fight = any_target & (u[:, 0] < params.war_rate)
    seg = np.argmax(revenue[rows, target], axis=1)
    defence = np.where(jv[rows, target], jv_chest, chest[rows, target])
    concedes = (strat[0, target] == BUCK_PASSER) if n else np.zeros(b, dtype=bool)
    wins = _contest(leader_side, defence, params.contest_exponent, u[:, 1]) | concedes
    at_stake = np.where(wins, revenue[rows, target, seg], revenue[rows, leader, seg])
    take = np.where(fight, params.war_stake * at_stake, 0.0)
    revenue[rows, target, seg] -= np.where(wins, take, -take)
    revenue[rows, leader, seg] += np.where(wins, take, -take)
    cost = np.where(fight & ~concedes, params.war_cost * revenue[rows, target, seg], 0.0)
    chest[rows, leader] -= cost
    chest[rows, target] -= cost
    wars += fight

    # 3. The balancers' joint venture attacks the leader in the leader's main segment.
    counter = jv.any(axis=1) & (u[:, 2] < params.counter_rate)
    lseg = np.argmax(revenue[rows, leader], axis=1)
    won = _contest(jv_chest, leader_side, params.contest_exponent, u[:, 3])
    weight = shares_of(np.where(jv, size, 0.0))
    gain = np.where(counter & won, params.war_stake * revenue[rows, leader, lseg], 0.0)
    revenue[rows, leader, lseg] -= gain
    loss = np.where((counter & ~won)[:, None] & jv,
                    params.war_stake * revenue[rows, :, lseg], 0.0)
    revenue[rows, :, lseg] += gain[:, None] * weight - loss
    revenue[rows, leader, lseg] += loss.sum(axis=1)
    ccost = np.where(counter, params.war_cost * revenue[rows, leader, lseg], 0.0)
    chest[rows, leader] -= ccost
    chest -= ccost[:, None] * weight
    wars += counter
    np.maximum(chest, 0.0, out=chest)

    # 4. A takeover bid for the largest rival the leader's chest can pay.
    size = revenue.sum(axis=2)
    price = size * (1.0 + params.premium)
    price = np.where(bandwagoner, size, price)
    price = np.where(jv, price + jv_chest[:, None] - chest, price)
    affordable = alive & not_leader & (price <= chest[rows, leader][:, None])
    prey, any_prey = _pick(affordable, size)
    bid = any_prey & (u[:, 4] < params.bid_rate)
    pct = 100.0 * shares_of(size)
    pre = (pct * pct).sum(axis=1)
    lp, tp = pct[rows, leader], pct[rows, prey]
    delta = 2.0 * lp * tp
    harmful = GUIDELINES[params.guidelines].verdict_codes(pre + delta, delta, lp + tp) == 2
    blocked = bid & harmful if params.antitrust else np.zeros(b, dtype=bool)
    done = bid & ~blocked
    revenue[rows, leader] += np.where(done[:, None], revenue[rows, prey], 0.0)
    revenue[rows, prey] *= ~done[:, None]
    chest[rows, leader] -= np.where(done, price[rows, prey], 0.0)
    chest[rows, prey] *= ~done
    alive[rows, prey] &= ~done

    # 5. Exit below the exit share (never the leader), entry into empty slots.
    size = revenue.sum(axis=2)
    share = shares_of(size)
    leader = np.argmax(size, axis=1)
    leaving = alive & (share < params.exit_share) & (np.arange(n)[None, :] != leader[:, None])
    alive &= ~leaving
    revenue *= alive[..., None]
    chest *= alive
    entry_u = uniform(keys, year + 1, Stream.ORDER, (n, 2))
    entering = ~alive & ~leaving & (entry_u[..., 0] < params.entry_rate)
    entering &= ~((np.arange(n)[None, :] == prey[:, None]) & done[:, None])
    total = size.sum(axis=1, keepdims=True)
    eseg = np.minimum((entry_u[..., 1] * params.segments).astype(np.int64), params.segments - 1)
    start = np.zeros_like(revenue)
    np.put_along_axis(start, eseg[..., None], (params.entrant_share * total)[..., None], axis=2)
    revenue = np.where(entering[..., None], start, revenue)
    alive |= entering
    size = revenue.sum(axis=2)
    return replace(state, revenue=revenue, chest=chest, alive=alive,
                   entries=entering.sum(axis=1), exits=leaving.sum(axis=1),
                   takeovers=done.astype(np.int64), blocked=blocked.astype(np.int64),
                   price_wars=wars, leader=np.argmax(size, axis=1))


#: Concentration levels of the metrics (the guidelines' words; 2023 names no tier
#: below "highly concentrated").
LEVELS = ("unconcentrated", "moderately concentrated", "highly concentrated",
          "not highly concentrated")


def measure(state: MarketState, params: MarketParams
            ) -> tuple[dict[str, F64], dict[str, npt.NDArray[Any]]]:
    """System metrics (HHI on 0-10,000, its guideline level, largest share, firms, the
    year's events) and per-firm columns (revenue, share, war chest, alive)."""
    size = state.revenue.sum(axis=2)
    share = shares_of(size)
    hhi = 10_000.0 * (share * share).sum(axis=1)
    g = GUIDELINES[params.guidelines]
    high = hhi > g.high_above
    if g.moderate_from is None:
        level = np.where(high, 2, 3)
    else:
        level = np.where(high, 2, np.where(hhi >= g.moderate_from, 1, 0))
    largest = share.max(axis=1)
    system = {
        "hhi": hhi, "largest_share": largest, "level": level.astype(np.int64),
        "leader": state.leader, "firms": state.alive.sum(axis=1),
        "monopoly": largest >= params.monopoly_share,
        "entries": state.entries, "exits": state.exits, "takeovers": state.takeovers,
        "blocked": state.blocked, "price_wars": state.price_wars,
    }
    actors = {"revenue": size, "share": share, "chest": state.chest, "alive": state.alive}
    return system, actors
