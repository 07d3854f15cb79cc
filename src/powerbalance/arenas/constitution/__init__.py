"""The constitution arena: branches check, or bandwagon with, the branch that grabs power.

Words: a *branch* (actor: the executive, one or two chambers, a court, federal units)
holding *competences* (resource) and *public support*; the contest is a *power grab*
(emergency rule or court packing); the *checking coalition* of the branches that veto,
override, review or impeach is the alliance; *the dominance of one branch* is hegemony,
and the *rule of law* (the strength of constitutional constraint) is the law layer's norm
inside one state. Rules: :mod:`powerbalance.arenas.constitution.rules`.

Sources
-------
- Madison, J. (1788). *The Federalist* No. 51 ("ambition must be made to counteract
  ambition"): the presidential preset's separation of powers.
- Bagehot, W. (1867). *The English Constitution* (the "efficient secret": the fusion of
  the executive and the legislature through the cabinet): the parliamentary preset.
- Polybius, *Histories* VI.11-18 (the consuls, the senate and the people, each able to
  counterwork the others): the mixed preset. (I.83, none may grow so great that the
  others cannot contend with it, is said of states; the check ratio is a stated choice.)
- Montesquieu (1748). *De l'esprit des lois* XI.6 (no liberty where the powers are united).
- Tsebelis, G. (2002). *Veto Players: How Political Institutions Work*. Princeton UP.
- Marshall, M. G. & Jaggers, K. (2002). *Polity IV Project: Dataset Users' Manual*
  (XCONST, executive constraints, 1-7); Coppedge, M. et al., *V-Dem Codebook* (judicial
  and legislative constraints on the executive).
- Levinson, D. J. & Pildes, R. H. (2006). "Separation of parties, not powers". *Harvard
  Law Review* 119(8): 2311-2386 (unified government: the legislature bandwagons).
- Weingast, B. R. (1997). "The political foundations of democracy and the rule of law".
  *APSR* 91(2): 245-263 (limits hold while the others coordinate to punish transgressions).
- Linz, J. J. (1978). *The Breakdown of Democratic Regimes*; Ginsburg, T. & Huq, A. Z.
  (2018). *How to Save a Constitutional Democracy* (emergency rule, court packing).
- Leuchtenburg, W. E. (1995). *The Supreme Court Reborn* (the court-packing plan of 1937).
- US Constitution, art. I s. 3 (two thirds of the Senate convict on impeachment: the
  institution; the arena's ``impeach_ratio`` of branch weights is a stated choice).
- The law layer's sources (docs/law.md): Axelrod 1986, Finnemore & Sikkink 1998, Zacher 2001.
"""

from __future__ import annotations

from typing import Any

from powerbalance.arenas.base import Arena, Option, Words
from powerbalance.arenas.constitution import rules
from powerbalance.arenas.constitution.rules import STRATEGIES, ConstitutionParams

WORDS = Words(actor="branch", actors="branches", resource="competence",
              map_unit="policy domain", contest="power grab", alliance="checking coalition",
              dominance="dominance of one branch",
              extra={"hegemon": "strongest branch", "support": "public support",
                     "conquest": "emergency rule or court packing",
                     "referee": "court (judicial review)", "law": "rule of law"})

_LAW = "as the law layer (docs/law.md)"

#: Options of ``constitution:...`` (each range is the option's allowed values; defaults
#: are stated choices unless a source is named).
OPTIONS: dict[str, Option] = {
    "chambers": Option(2, "chambers of the legislature", 1, 2),
    "court": Option("on", "a court with judicial review", choices=("on", "off")),
    "federal_units": Option(0, "federal units (states, provinces) as branches", 0, 4),
    "labels": Option("modern", "names of the branches: modern, or Polybius's Rome",
                     choices=tuple(rules.LABELS), source="Polybius VI.11-18"),
    "strategy": Option("external-balancer", "the branches' strategy, or name+name+... one "
                       "per branch (executive first, the last repeated): "
                       + ", ".join(STRATEGIES)),
    "executive_weight": Option(1.0, "starting competences of the executive", 0.001, 100),
    "chamber_weight": Option(0.6, "starting competences of each chamber", 0.001, 100),
    "court_weight": Option(0.5, "starting competences of the court", 0.001, 100),
    "federal_weight": Option(0.2, "starting competences of each federal unit", 0.001, 100),
    "inequality": Option(0.1, "spread of the log-normal factor on starting competences",
                         0, 3),
    "drift_sd": Option(0.05, "spread of the yearly log drift of competences", 0, 2),
    "support_sd": Option(0.05, "spread of the yearly shocks to public support", 0, 1),
    "support_persistence": Option(0.9, "persistence of public support (AR(1) towards 1/2)",
                                  0, 1),
    "grab_rate": Option(0.5, "yearly probability that an unbound strongest branch attempts "
                        "a power grab (stated choice: an occasion every other year)", 0, 1),
    "pack_rate": Option(0.3, "share of power grabs that pack the court (when one can be)",
                        0, 1, source="Leuchtenburg 1995 (stylised)"),
    "grab_stake": Option(0.1, "share of the targets' competences a successful grab takes",
                         0, 1),
    "pack_years": Option(10, "years a packed court sides with its packer", 0, 100),
    "check_ratio": Option(1.0, "checkers must weigh this many times the grabber's side",
                          0, 100, source="stated choice (equal terms; with all others "
                          "checking, a grab fails above a share 1/(1+ratio))"),
    "check_penalty": Option(0.05, "share of its competences a checked grabber loses", 0, 1),
    "impeach_ratio": Option(2.0, "checkers' weight over the executive's side that impeaches",
                            0, 100, source="stated choice (the Senate's two thirds, art. I "
                            "s. 3, is a vote, not a weight ratio)"),
    "impeach_penalty": Option(0.3, "share of its competences an impeached executive loses "
                              "(stated choice: removal is not modelled)", 0, 1),
    "norm_start": Option(0.5, "starting strength of the rule of law " + _LAW, 0, 1,
                         source="Finnemore & Sikkink 1998"),
    "norm_growth": Option(0.02, "yearly growth of the rule of law without unpunished grabs "
                          + _LAW, 0, 1, source="Zacher 2001"),
    "norm_erosion": Option(0.1, "share of the rule of law an unpunished grab erodes " + _LAW,
                           0, 1, source="Axelrod 1986 (stated choice)"),
    "compliance_mean": Option(0.5, "mean disposition of a branch to keep the constitution",
                              0, 1),
    "compliance_spread": Option(0.5, "half-width of the uniform spread of dispositions", 0, 1),
    "veto_share": Option(0.1, "share of competences that makes the executive or a chamber "
                         "a veto player (and any branch a constraint in XCONST)", 0, 1,
                         source="Tsebelis 2002 (threshold stated choice)"),
    "dominance_share": Option(0.5, "a branch above this share dominates", 0, 1,
                              source="Montesquieu XI.6 (stated choice: half)"),
    "collapse_norm": Option(0.1, "the rule of law below this has collapsed (the law layer's "
                            "law_collapse)", 0, 1),
}

#: Named option sets: ``constitution:preset=NAME``.
PRESETS: dict[str, dict[str, Any]] = {
    "presidential": {"chambers": 2, "court": "on", "strategy": "external-balancer"},
    "unified-government": {"chambers": 2, "court": "on",
                           "strategy": "external-balancer+bandwagoner+bandwagoner+"
                                       "external-balancer"},
    "parliamentary": {"chambers": 2, "court": "on",
                      "strategy": "external-balancer+bandwagoner+external-balancer"},
    "mixed": {"chambers": 2, "court": "off", "labels": "roman", "chamber_weight": 1.0,
              "strategy": "external-balancer"},
    "federal": {"chambers": 2, "court": "on", "federal_units": 4,
                "strategy": "external-balancer"},
    "bandwagoning": {"strategy": "bandwagoner"},
    "no-checks": {"strategy": "status-quo"},
}


def _names(params: ConstitutionParams) -> list[str]:
    return list(params.names)


def _summary(system: Any, actors: Any, params: ConstitutionParams) -> list[tuple[str, str]]:
    last = system[system["year"] == system["year"].max()]
    years = system[system["year"] > 0]
    worlds = len(last)
    grabs = int(years["power_grab"].sum())
    lines = [
        ("branches", ", ".join(params.names)),
        ("rule of law (norm strength) at the end (mean)", f"{last['rule_of_law'].mean():.3f}"),
        (f"rule of law collapsed at the end (below {params.collapse_norm:g})",
         f"{int(last['collapsed'].sum())} of {worlds}"),
        ("executive constraint at the end, XCONST-like 1-7 (mean)",
         f"{last['xconst'].mean():.2f}"),
        ("veto players at the end (mean, Tsebelis)", f"{last['veto_players'].mean():.2f}"),
        ("strongest branch's share of competence at the end (mean)",
         f"{last['largest_share'].mean():.3f}"),
        (f"dominance of one branch (share > {params.dominance_share:g}; share of years)",
         f"{years['dominant'].mean():.3f}"),
        ("power grabs per world-year: emergency rule / court packing",
         f"{years['emergency_rule'].mean():.3f} / {years['court_packing'].mean():.3f}"),
        ("power grabs checked / unpunished / impeachments",
         f"{int(years['checked'].sum())} / {int(years['unpunished'].sum())} / "
         f"{int(years['impeached'].sum())} of {grabs}"),
    ]
    fin = actors[actors["year"] == actors["year"].max()]
    by = fin.groupby("name", observed=True)["share"].mean()
    lines.append(("competence share of each branch at the end (mean)",
                  ", ".join(f"{k} {by[k]:.2f}" for k in params.names if k in by)))
    return lines


ARENA = Arena(
    name="constitution",
    title="Branches under a constitution: power grabs, checks and balances, the rule of law",
    words=WORDS, options=OPTIONS, presets=PRESETS, init=rules.init, step=rules.step,
    measure=rules.measure, make_params=rules.make_params, actor_names=_names, years=100,
    sources=("Federalist 51", "Bagehot 1867", "Polybius VI.11-18", "Montesquieu 1748",
             "Tsebelis 2002", "Marshall & Jaggers 2002 (Polity IV XCONST)",
             "Levinson & Pildes 2006", "Weingast 1997", "Axelrod 1986"),
    summary=_summary,
)

__all__ = ["ARENA", "OPTIONS", "PRESETS", "WORDS"]
