"""The model's mechanisms as switches: what ``powerbalance experiment NAME --ablate`` turns off.

Each :class:`Mechanism` is a set of :class:`~powerbalance.params.Params` overrides
that switches one mechanism of the engine off, using the switches the parameters
already document (``late_entry_odds = 1`` means "late strikes off", a
``distrust_threshold`` no memory reaches means "nobody refuses", and so on). An
ablation reruns an experiment's arms with one mechanism off, on the same worlds
(common random numbers), and measures how the claim's statistic moves; the
mechanism whose removal moves it furthest towards no effect is the one that carries
the result (:func:`powerbalance.experiments.claims.ablate`). The same reruns measure how
each arm's *level* moves, and its effect against its null arm: a mechanism can shift
every arm together and leave the difference between them where it was.

>>> MECHANISMS["late-entry"].overrides
{'late_entry_odds': 1.0}
>>> all(m.doc for m in MECHANISMS.values())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from powerbalance.errors import InputError


@dataclass(frozen=True)
class Mechanism:
    """A mechanism of the engine and the parameter values that switch it off."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)
    doc: str = ""


#: A threshold no remembered grievance reaches (the largest the parameters allow).
NEVER = 1e9

MECHANISMS: dict[str, Mechanism] = {m.name: m for m in (
    Mechanism("late-entry", {"late_entry_odds": 1.0},
              "jackals and late-balancing buck-passers never strike a weakened victim "
              "(late_entry_odds = 1: 'late strikes off')"),
    Mechanism("reputation-refusals", {"distrust_threshold": NEVER},
              "nobody refuses an alliance offer for remembered abandonment or exploitation"),
    Mechanism("punishment", {"punish_threshold": NEVER},
              "external balancers never punish bandwagoners and late strikers"),
    Mechanism("alliance-reliability", {"reliability_prior": 1.0, "reliability_weight": 1e6},
              "every ally's help is valued at its full commitment, whatever its record "
              "(alliances cannot be expected to fail)"),
    Mechanism("deterrence", {"retaliation_weight": 0.0, "resolve_threshold": 0.0},
              "the expected cost of nuclear retaliation counts for nothing, so no attacker is "
              "deterred (retaliation_weight = 0; resolve_threshold = 0 under the old veto "
              "rule)"),
    Mechanism("nuclear-escalation", {"nuclear_escalation": 0.0},
              "no nuclear-armed side facing defeat crosses the nuclear threshold"),
    Mechanism("nuclear-taboo", {"taboo_restraint": 0.0, "taboo_hostility": 0.0},
              "no restraint from first use against non-nuclear states and no pariah cost"),
    Mechanism("guns-vs-butter", {"guns_butter": 0.0},
              "military spending costs no growth"),
    Mechanism("water", {"sea_cost": 0.0, "amphibious_penalty": 0.0},
              "sea crossings cost no extra distance and no amphibious penalty"),
    Mechanism("amphibious-penalty", {"amphibious_penalty": 0.0},
              "an attack across the sea loses no strength (distance still counts)"),
    Mechanism("extraction-decay", {"extraction_midpoint": 1e6},
              "distant provinces yield as much as the core (no loss of extraction)"),
    Mechanism("mobility", {"actor_mobility": False},
              "every actor projects power by the engine's gradient (a scenario's per-actor "
              "mobility off)"),
    Mechanism("mobilisation", {"mobilisation_scale": 0.0},
              "a unit of spending buys every actor the same military (a scenario's per-actor "
              "mobilisation off)"),
    Mechanism("threat-trend", {"trend_horizon": 0.0},
              "threat is judged on present capability, not projected growth"),
    Mechanism("hostility", {"hostility_weight": 0.0},
              "remembered aggression adds no threat (balance of power, not of threat)"),
    Mechanism("wedges", {"seeker_wedges": False},
              "the hegemon-seeker pays nobody to stay out of coalitions"),
    Mechanism("concessions", {"concession_odds": 0.0},
              "no target concedes a demand without a war"),
    Mechanism("misperception", {"misperception": 0.0},
              "everyone sees others' capabilities exactly"),
    Mechanism("war-damage", {"war_damage": 0.0},
              "wars destroy forces but no productivity"),
    Mechanism("seeker-cost", {"seeker_damage_weight": 0.0},
              "the hegemon-seeker's expected cost leaves out the damage the war does to its "
              "own economy (seeker_damage_weight = 0: the attrition of its forces alone; the "
              "engine still inflicts the damage)"),
    Mechanism("uneven-growth", {"growth_spread": 0.0},
              "every actor has the same mean growth rate (no power transitions by growth)"),
    Mechanism("norms", {"law": False},
              "no law of nations: no norms, no sanctions, no restraint (powerbalance.model.law)"),
    Mechanism("sanctions", {"law_sanctions": False},
              "nobody sanctions a violation (norms still restrain and erode)"),
    Mechanism("restraint", {"law_restraint": False},
              "no law-bound actor forgoes an attack for fear of sanctions"),
    Mechanism("free-riding", {"law_free_riding": False},
              "every willing state sanctions (no second-order free-riding)"),
    Mechanism("treaty-keeping", {"law_treaty_restraint": False},
              "no law-bound actor honours an ally's call its strategy would refuse"),
    Mechanism("consultation", {"concert_consult": False},
              "concert members use force without the others' assent"),
    Mechanism("policing", {"concert_policing": False},
              "concert members are sanctioned like anyone (their allies never sanction them)"),
    Mechanism("intervention", {"concert_intervention": False, "concert_armed": False},
              "the concert neither jointly sanctions nor attacks a non-member aggressor"),
    Mechanism("joint-sanctions", {"concert_intervention": False},
              "the concert does not sanction a non-member aggressor jointly (it is sanctioned "
              "like anyone; armed intervention stays)"),
    Mechanism("armed-intervention", {"concert_armed": False},
              "the concert takes up no arms against a non-member aggressor (joint sanctions "
              "stay)"),
    Mechanism("concert-deterrence", {"concert_deterrence": False},
              "nobody expects the concert's intervention in advance (it only answers a "
              "breach after it)"),
    Mechanism("preventive-war", {"preventive_ratio": 10.0},
              "no declining power strikes a rising challenger preventively (preventive_ratio "
              "at the top of its range: a challenger ten times its share)"),
)}


def mechanism(name: str) -> Mechanism:
    """The mechanism called ``name`` (an :class:`InputError` lists the choices)."""
    if name not in MECHANISMS:
        raise InputError(f"unknown mechanism {name!r}", source="--ablate", field="mechanism",
                         allowed=", ".join(MECHANISMS))
    return MECHANISMS[name]
