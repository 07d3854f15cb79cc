"""The market arena: firms balance, bandwagon or pass the buck against the market leader.

Words: a *firm* (actor) with *revenue* (resource) and a *war chest* in *segments* of a
product space (the map); contests are *price wars* and *takeover bids*; *joint ventures*
are alliances; *market dominance* (a share at or above the monopoly line) is hegemony.
Rules: :mod:`powerbalance.arenas.market.rules`; metrics:
:mod:`powerbalance.arenas.market.metrics`.

Sources
-------
- Gibrat, R. (1931). *Les inégalités économiques*. Sirey (proportionate growth).
- Sutton, J. (1997). "Gibrat's legacy". *Journal of Economic Literature* 35(1): 40-59
  (growth independent of size and the skewed size distribution it produces).
- Tullock, G. (1980). "Efficient rent seeking". In Buchanan, Tollison & Tullock (eds.),
  *Toward a Theory of the Rent-Seeking Society*, 97-112 (the contest success function).
- US DOJ & FTC, *Horizontal Merger Guidelines* (1992, 2010) and *Merger Guidelines*
  (2023), through :mod:`powerbalance.analysis.parties`.
- Andrade, G., Mitchell, M. & Stafford, E. (2001). "New evidence and perspectives on
  mergers". *Journal of Economic Perspectives* 15(2): 103-120 (takeover premia of
  roughly 30-40 % over the pre-bid value; the default ``premium`` 0.3).
- Court of Justice of the EC, Case C-62/86 *AKZO v Commission* (1991), para. 60: a share
  of 50 % is itself evidence of a dominant position (the default monopoly line).
"""

from __future__ import annotations

from typing import Any

from powerbalance.arenas.base import Arena, Option, Words
from powerbalance.arenas.market import rules
from powerbalance.arenas.market.rules import STRATEGIES, MarketParams

WORDS = Words(actor="firm", actors="firms", resource="revenue", map_unit="segment",
              contest="price war", alliance="joint venture", dominance="market dominance",
              extra={"conquest": "takeover bid", "hegemon": "market leader",
                     "reserve": "war chest", "referee": "antitrust authority"})

#: Options of ``market:...`` (defaults are stylised unless a source is named).
OPTIONS: dict[str, Option] = {
    "firms": Option(8, "firm slots per market", 2, 64),
    "segments": Option(4, "product segments (the map)", 1, 32),
    "strategy": Option("external-balancer", "the rivals' strategy, or name+name+... one per "
                       "firm (the last repeated): " + ", ".join(STRATEGIES)),
    "growth_sd": Option(0.15, "spread of the yearly log growth factor (Gibrat)", 0, 2,
                        source="stated choice (the law: Gibrat 1931, Sutton 1997)"),
    "margin": Option(0.1, "share of revenue added to the war chest each year", 0, 1),
    "payout": Option(0.2, "share of the war chest paid out each year", 0, 1),
    "inequality": Option(0.5, "spread of the log-normal starting sizes", 0, 3),
    "war_rate": Option(0.3, "yearly probability of the leader's price war", 0, 1),
    "counter_rate": Option(0.3, "yearly probability of the joint venture's counter-attack "
                           "(stated choice; it carries claim 13's balancing result)", 0, 1),
    "war_stake": Option(0.1, "share of the loser's segment revenue the winner takes", 0, 1),
    "war_cost": Option(0.05, "war chest each side spends per unit of contested revenue",
                       0, 1),
    "contest_exponent": Option(1.0, "exponent of the Tullock contest on war chests", 0, 10,
                               source="Tullock 1980"),
    "bid_rate": Option(0.2, "yearly probability of the leader's takeover bid", 0, 1),
    "premium": Option(0.3, "takeover premium over revenue", 0, 10,
                      source="Andrade, Mitchell & Stafford 2001"),
    "antitrust": Option("on", "merger control by the antitrust authority",
                        choices=("on", "off")),
    "guidelines": Option(2023, "edition of the US merger guidelines applied", 1992, 2023,
                         source="US DOJ & FTC 1992, 2010, 2023"),
    "entry_rate": Option(0.1, "yearly probability that an empty slot gets an entrant", 0, 1),
    "entrant_share": Option(0.02, "entrant's size as a share of the market", 0, 1),
    "exit_share": Option(0.005, "a firm below this share exits", 0, 1),
    "monopoly_share": Option(0.5, "the monopoly line: the largest share that counts as "
                             "market dominance", 0, 1, source="AKZO v Commission (1991)"),
}

#: Named option sets: ``market:preset=NAME``.
PRESETS: dict[str, dict[str, Any]] = {
    "balancing": {"strategy": "external-balancer", "antitrust": "on"},
    "consolidation": {"strategy": "bandwagoner", "antitrust": "off"},
    "buck-passing": {"strategy": "buck-passer", "antitrust": "on"},
    "laissez-faire": {"strategy": "status-quo", "antitrust": "off"},
    "gibrat": {"war_rate": 0.0, "counter_rate": 0.0, "bid_rate": 0.0, "entry_rate": 0.0,
               "exit_share": 0.0},
}


def _make_params(opts: dict[str, Any]) -> MarketParams:
    from powerbalance.analysis.parties import GUIDELINES
    from powerbalance.arenas.base import check_choice

    check_choice(str(opts["guidelines"]), tuple(str(e) for e in GUIDELINES),
                 str(opts.get("_source", "market")), "guidelines")
    return rules.make_params(opts)


def _names(params: MarketParams) -> list[str]:
    width = len(str(params.firms - 1))
    return [f"F{i:0{width}d}" for i in range(params.firms)]


def _summary(system: Any, actors: Any, params: MarketParams) -> list[tuple[str, str]]:
    from powerbalance.arenas.market.metrics import gibrat_slope, size_skewness

    last = system[system["year"] == system["year"].max()]
    years = max(int(system["year"].max()), 1)
    worlds = len(last)
    lines = [
        ("HHI at the end (mean)", f"{last['hhi'].mean():.0f}"),
        ("largest firm's share at the end (mean)", f"{last['largest_share'].mean():.3f}"),
        (f"markets with market dominance (share >= {params.monopoly_share:g})",
         f"{int(last['monopoly'].sum())} of {worlds}"),
        ("firms at the end (mean)", f"{last['firms'].mean():.2f}"),
        ("entries / exits per market-year",
         f"{system['entries'].sum() / worlds / years:.3f} / "
         f"{system['exits'].sum() / worlds / years:.3f}"),
        ("takeover bids done / blocked by the antitrust authority",
         f"{int(system['takeovers'].sum())} / {int(system['blocked'].sum())}"),
        ("price wars per market-year", f"{system['price_wars'].sum() / worlds / years:.3f}"),
    ]
    levels = last["level"].map(lambda c: rules.LEVELS[int(c)]).value_counts()
    lines += [(f"guidelines {params.guidelines}: {k}", f"{v} of {worlds}")
              for k, v in levels.items()]
    if actors["year"].nunique() > 2:
        lines.append(("Gibrat: slope of log growth on log revenue (0 = Gibrat's law)",
                      f"{gibrat_slope(actors):+.3f}"))
    lines.append(("skewness of firm revenue at the end (> 0: skewed, Sutton 1997)",
                  f"{size_skewness(actors):+.2f}"))
    return lines


ARENA = Arena(
    name="market", title="Firms in a market: price wars, takeovers, joint ventures, antitrust",
    words=WORDS, options=OPTIONS, presets=PRESETS, init=rules.init, step=rules.step,
    measure=rules.measure, make_params=_make_params, actor_names=_names, years=100,
    sources=("Gibrat 1931", "Sutton 1997", "Tullock 1980", "US DOJ & FTC 1992/2010/2023",
             "Andrade, Mitchell & Stafford 2001", "AKZO v Commission 1991"),
    summary=_summary,
)

__all__ = ["ARENA", "OPTIONS", "PRESETS", "WORDS"]
