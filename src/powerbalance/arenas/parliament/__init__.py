"""The parliament arena: parties balance, bandwagon or pass the buck against the largest.

Words: a *party* (actor) with *votes* and *seats* (resources) among *voter blocs* (the
map: the districts of first past the post); the contest is an *election campaign*; a
*coalition cabinet* is an alliance; *dominant-party rule* is hegemony. Rules:
:mod:`powerbalance.arenas.parliament.rules`; seat allocation:
:mod:`powerbalance.arenas.parliament.seats`; metrics:
:mod:`powerbalance.arenas.parliament.metrics`.

Sources
-------
- Riker, W. H. (1962). *The Theory of Political Coalitions*. Yale UP (minimal winning
  coalitions, the size principle).
- Axelrod, R. (1970). *Conflict of Interest*. Markham (minimal connected winning).
- Laakso, M. & Taagepera, R. (1979). "'Effective' number of parties". *CPS* 12(1): 3-27.
- Banzhaf (1965) and Shapley & Shubik (1954) through :mod:`powerbalance.analysis.voting`.
- Sartori, G. (1976). *Parties and Party Systems*. Cambridge UP (predominant-party
  systems: an absolute majority in three consecutive elections).
- Pempel, T. J. (ed.) (1990). *Uncommon Democracies: The One-Party Dominant Regimes*.
  Cornell UP (dominance over a substantial period; the default 12 years is stylised).
- Greene, K. F. (2007). *Why Dominant Parties Lose*. Cambridge UP (incumbency resources:
  the ``office_bonus`` mechanism; it gives no size, so the default is 0).
- Paldam, M. (1986). "The distribution of election results and the two explanations of
  the cost of ruling". *European Journal of Political Economy* 2(1): 5-24; Nannestad, P. &
  Paldam, M. (2002), "The cost of ruling", in Dorussen & Taylor (eds.), *Economic Voting*
  (governments lose about 2.25 points of vote per term: ``ruling_cost`` 0.11 in log
  weight takes a party governing alone at 30 % to 27.74 %, the others unchanged).
- King, G., Alt, J., Burns, N. & Laver, M. (1990). "A unified model of cabinet
  dissolution in parliamentary democracies". *AJPS* 34(3): 846-871 (a constant hazard).
- Laver, M. & Schofield, N. (1990). *Multiparty Government*. Oxford UP (the largest party
  as formateur: ``formateur=largest``, an option, off by default).
- Pedersen, M. N. (1979). "The dynamics of European party systems: changing patterns of
  electoral volatility". *EJPR* 7(1): 1-26 (electoral swings; the size ``swing_sd`` is a
  stated choice, not his figure).
"""

from __future__ import annotations

from typing import Any

from powerbalance.arenas.base import Arena, Option, Words
from powerbalance.arenas.parliament import rules
from powerbalance.arenas.parliament.rules import (
    COALITION_RULES,
    FORMATEURS,
    STRATEGIES,
    ParliamentParams,
)
from powerbalance.arenas.parliament.seats import RULES

WORDS = Words(actor="party", actors="parties", resource="seats", map_unit="voter bloc",
              contest="election campaign", alliance="coalition cabinet",
              dominance="dominant-party rule",
              extra={"hegemon": "largest party", "support": "votes",
                     "outside support": "confidence and supply"})

#: Options of ``parliament:...`` (defaults are stylised unless a source is named).
OPTIONS: dict[str, Option] = {
    "parties": Option(6, "parties, ordered left to right", 2, 10),
    "seats": Option(100, "seats in the chamber", 1, 1000),
    "rule": Option("dhondt", "seat allocation rule", choices=RULES,
                   source="Gallagher & Mitchell 2005"),
    "coalition": Option("minimal-winning", "which winning cabinets form",
                        choices=COALITION_RULES, source="Riker 1962; Axelrod 1970"),
    "formateur": Option("none", "none: the fewest seats form (Riker's size principle); "
                        "largest: the largest party's cabinets first", choices=FORMATEURS,
                        source="Riker 1962; Laver & Schofield 1990"),
    "strategy": Option("external-balancer", "the parties' strategy, or name+name+... one per "
                       "party (the last repeated): " + ", ".join(STRATEGIES)),
    "term": Option(4, "years between elections", 1, 20),
    "swing_sd": Option(0.15, "spread of the electoral swing in log vote weight", 0, 3,
                       source="Pedersen 1979 (stated choice)"),
    "ruling_cost": Option(0.11, "log vote weight a governing party loses per election", 0, 2,
                          source="Paldam 1986; Nannestad & Paldam 2002"),
    "office_bonus": Option(0.0, "log vote weight the prime minister's party gains per year",
                           0, 2, source="Greene 2007 (mechanism; no size: default 0)"),
    "fall_rate": Option(0.1, "yearly probability that a majority cabinet falls", 0, 1,
                        source="King et al. 1990 (stylised)"),
    "minority_fall": Option(2.0, "how many times likelier a minority cabinet falls", 1, 100),
    "inequality": Option(0.5, "spread of the starting log vote weights", 0, 5),
    "district_sd": Option(0.3, "spread of the district factors of first past the post", 0, 5),
    "dominant_years": Option(12, "years of one premiership that count as dominant-party "
                             "rule", 1, 10_000, source="Pempel 1990 (stylised)"),
}

#: Named option sets: ``parliament:preset=NAME``.
PRESETS: dict[str, dict[str, Any]] = {
    "balancing": {"strategy": "external-balancer"},
    "bandwagoning": {"strategy": "bandwagoner"},
    "support-from-outside": {"strategy": "buck-passer"},
    "office-seeking": {"strategy": "status-quo"},
    "westminster": {"rule": "fptp", "parties": 3, "strategy": "status-quo"},
    "connected": {"coalition": "minimal-connected", "rule": "sainte-lague"},
}


def _names(params: ParliamentParams) -> list[str]:
    return [f"P{i}" for i in range(params.parties)]


def _finalize(system: Any, actors: Any, params: ParliamentParams) -> Any:
    from powerbalance.arenas.parliament.metrics import add_power

    return add_power(actors)


def _summary(system: Any, actors: Any, params: ParliamentParams) -> list[tuple[str, str]]:
    from powerbalance.arenas.parliament.metrics import dominant_spells

    last = system[system["year"] == system["year"].max()]
    worlds = len(last)
    ended = system.loc[system["government_ended"] > 0, "government_ended"]
    spells = dominant_spells(system, params.dominant_years)
    lines = [
        ("effective number of parties at the end, votes / seats (mean)",
         f"{last['enp_votes'].mean():.2f} / {last['enp_seats'].mean():.2f}"),
        ("largest party's seat share at the end (mean)", f"{last['largest_share'].mean():.3f}"),
        ("government duration in years (mean)",
         f"{ended.mean():.2f}" if len(ended) else "-"),
        ("minority cabinets (share of years)", f"{system['minority'].mean():.3f}"),
        (f"dominant-party rule (premiership >= {params.dominant_years} years; share of years)",
         f"{system['dominant'].mean():.3f}"),
        ("dominant-party spells per parliament (mean) / longest premiership (mean years)",
         f"{spells['spells'].mean():.2f} / {spells['longest'].mean():.1f}"),
        ("parliaments with a predominant party (Sartori: majority in 3 elections)",
         f"{int(system.groupby('world')['predominant'].any().sum())} of {worlds}"),
    ]
    fin = actors[actors["year"] == actors["year"].max()]
    if "banzhaf" in fin and len(fin):
        top = fin.loc[fin.groupby("world")["seats"].idxmax()]
        lines.append(("largest party at the end: seat share / Banzhaf / Shapley-Shubik (mean)",
                      f"{top['share'].mean():.3f} / {top['banzhaf'].mean():.3f} / "
                      f"{top['shapley_shubik'].mean():.3f}"))
    return lines


ARENA = Arena(
    name="parliament",
    title="Parties in a parliament: elections, seat rules, coalition cabinets",
    words=WORDS, options=OPTIONS, presets=PRESETS, init=rules.init, step=rules.step,
    measure=rules.measure, make_params=rules.make_params, actor_names=_names, years=100,
    sources=("Riker 1962", "Axelrod 1970", "Laakso & Taagepera 1979", "Sartori 1976",
             "Pempel 1990", "Greene 2007", "Paldam 1986", "King et al. 1990"),
    summary=_summary, finalize=_finalize,
)

__all__ = ["ARENA", "OPTIONS", "PRESETS", "WORDS"]
