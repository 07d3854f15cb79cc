"""The interstate arena: states on a map of provinces, wars and alliances (the engine itself).

The balance of power among states is the engine's own setting (:mod:`powerbalance.model`),
so this arena adds no rule: its spec names a scenario (``interstate:warring-states``,
``interstate:random:actors=30``, ``interstate(scenario=cold-war)``) and its pure functions
are the engine's (:mod:`powerbalance.arenas.interstate.rules`). On the command line
``powerbalance run interstate:NAME`` is ``powerbalance run NAME``: the interstate model keeps
its own runner, tables, summary and plots (:func:`powerbalance.experiments.results.run`),
the same tables bit for bit; :func:`powerbalance.arenas.run.simulate` runs it in the arena
table format like any other arena.
"""

from __future__ import annotations

from typing import Any

from powerbalance.arenas.base import Arena, Option, Words
from powerbalance.arenas.interstate import rules
from powerbalance.arenas.interstate.rules import InterstateParams

WORDS = Words(actor="state", actors="states", resource="capability", map_unit="province",
              contest="war", alliance="alliance", dominance="hegemony",
              extra={"conquest": "conquest of provinces",
                     "law": "norms of the law of nations"})

OPTIONS = {
    "scenario": Option("warring-states", "the scenario: a built-in name, a generator spec "
                       "(random:actors=30) or a TOML file (powerbalance scenarios); the text "
                       "after interstate: is taken as it is"),
}


def _make_params(opts: dict[str, Any]) -> InterstateParams:
    return rules.make(str(opts["scenario"]), str(opts.get("_source", "interstate")))


def _names(params: InterstateParams) -> list[str]:
    return list(params.scenario.names)


def _summary(system: Any, actors: Any, params: InterstateParams) -> list[tuple[str, str]]:
    from powerbalance.experiments.tables import POLARITY_NAMES

    last = system[system["year"] == system["year"].max()]
    worlds = len(last)
    lines = [
        ("states alive at the end (mean)", f"{last['live_actors'].mean():.2f}"),
        ("largest state's capability share at the end (mean)",
         f"{last['largest_share'].mean():.3f}"),
        (f"systems under hegemony at the end (share >= {params.params.hegemony_share:g} or "
         "the last state standing)", f"{int(last['hegemon'].sum())} of {worlds}"),
        ("effective number of states at the end (mean)",
         f"{last['effective_number'].mean():.2f}"),
    ]
    codes = last["polarity_code"].value_counts().sort_index()
    lines += [(f"polarity at the end: {POLARITY_NAMES[int(k)]}", f"{v} of {worlds}")
              for k, v in codes.items()]
    return lines


ARENA = Arena(
    name="interstate",
    title="States on a map of provinces: wars, alliances, hegemony (the engine's scenarios)",
    words=WORDS, options=OPTIONS, presets={}, init=rules.init, step=rules.step,
    measure=rules.measure, make_params=_make_params, actor_names=_names, years=300,
    sources=("Cusack & Stoll 1990", "Walt 1987", "Fearon 1995", "Mearsheimer 2001",
             "Mansfield 1993 (polarity classes)"), summary=_summary,
    scenario_option="scenario",
)

__all__ = ["ARENA", "OPTIONS", "WORDS"]
