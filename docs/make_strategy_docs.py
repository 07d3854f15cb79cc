"""Generate ``docs/strategies.md`` from the strategies' docstrings, classifiers and parameters.

Run from the repository root::

    python docs/make_strategy_docs.py

Each strategy gets a section made from its class docstring, its classifier,
its references and the parameters its docstring names (``Params.<name>``,
with defaults and sources from :class:`powerbalance.params.Params`). The
page ends with the engine mechanics the strategies rely on (reputation,
penetration, alliance politics, tournaments: from the module docstrings) and
a seeded tournament on ``warring-states`` with a short reading of it. Every
number is a pure function of the seed below.
"""

from __future__ import annotations

import inspect
import re
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from powerbalance.experiments import alliance_politics, tournament
from powerbalance.model import diplomacy, perception, reputation, subversion, war
from powerbalance.params import Params
from powerbalance.strategies import registry

HERE = Path(__file__).resolve().parent
PAGE = HERE / "strategies.md"
SEED = 2026
WORLDS = 1000
YEARS = 300
_READS = ("own", "neighbours", "system", "memory")


def _doc(obj: object) -> str:
    return inspect.cleandoc(obj.__doc__ or "")


def _params(text: str) -> list[str]:
    """The parameters named in ``text`` as ``Params.<name>``, in order of appearance."""
    names = list(dict.fromkeys(re.findall(r"Params\.(\w+)", text)))
    known = {f.name for f in Params.fields()}
    return [n for n in names if n in known]


def _param_table(names: list[str]) -> list[str]:
    if not names:
        return []
    rows = {r["name"]: r for r in Params.describe()}
    out = ["| parameter | default | meaning | source |", "|---|---|---|---|"]
    for name in names:
        r = rows[name]
        out.append(f"| `{name}` | {r['default']} | {r['doc']} | {r['source']} |")
    return out + [""]


def strategy_sections() -> list[str]:
    """The summary table and one section per registered strategy."""
    count = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen").split()
    n = len(registry.names())
    lines = [f"## The {count[n] if n < len(count) else n} strategies", "",
             "| name | seed concept | stochastic | reads | initiates war | seeks alliances |",
             "|---|---|---|---|---|---|"]
    classes = [registry.get(n) for n in registry.names()]
    for cls in classes:
        c = cls.classifier
        lines.append(f"| [`{cls.name}`](#{cls.name}) | {c['concept']} | "
                     f"{'yes' if c['stochastic'] else 'no'} | "
                     f"{', '.join(r for r in _READS if r in c['reads'])} | "
                     f"{'yes' if c.get('initiates_war') else 'no'} | "
                     f"{'yes' if c.get('makes_alliances') else 'no'} |")
    lines.append("")
    for cls in classes:
        doc = _doc(cls)
        head, _, body = doc.partition("\n")
        module = cls.__module__
        lines += [f"### {cls.name}", "", f"**{head.strip()}**", "", body.strip(), "",
                  f"*Classifier*: `{_classifier(cls.classifier)}`  ",
                  f"*References*: {'; '.join(cls.references)}  ",
                  f"*Code*: `{module}.{cls.__name__}`", ""]
        lines += _param_table(_params(doc))
    return lines


def mechanics_sections() -> list[str]:
    """Mixed profiles, reputation, penetration, alliance politics and tournaments."""
    lines = ["## Mixed profiles", "",
             "An actor of a scenario may play a *mixed profile*: probabilities over "
             "strategies, drawn per world at initialisation from the counter-based "
             "`PROFILE` stream (so world k of a batch draws what it draws alone):", "",
             "```toml", "[[actors]]", 'name = "Han"', 'capital = "xinzheng"',
             "strategy = {bandwagoner = 0.6, buck-passer = 0.4}", "```", "",
             "The probabilities must sum to 1. The actor table records each world's drawn "
             "strategy. A scenario may also declare *reserve slots* (`reserve = true`, no "
             "provinces): actors that start dead and can be filled by secession "
             "(see Penetration).", ""]
    for title, module in (("Alliances: formation, aims and leaving", diplomacy),
                          ("Threat, trend and the expected help of allies", perception),
                          ("Crises, wars, water and the nuclear taboo", war),
                          ("Reputation and memory", reputation),
                          ("Penetration, side payments and captured policies", subversion),
                          ("Alliance-politics metrics", alliance_politics)):
        doc = _doc(module)
        lines += [f"## {title}", "", doc, ""]
        lines += _param_table(list(dict.fromkeys(_params(doc) + _module_params(module))))
    lines += ["## Tournaments", "", _doc(tournament), "",
              "```", "powerbalance strategies [--initiates-war] [--reads memory] "
              "[--where key=value] [--details]",
              "powerbalance tournament SCENARIO --strategies a,b,c --worlds N [--seed S] "
              "[--years Y] [--out DIR] [--plot PNG] "
              "[--evolve GENERATIONS --dynamics replicator|moran]",
              "```", "",
              "`--out` writes `tournament.parquet` (one row per strategy), `entries.parquet` "
              "(one row per profile, world and seat), `evolution.parquet` and "
              "`manifest.json`; `TournamentResult.long()` gives the table "
              "`viz.tournament_plot` draws.", ""]
    return lines


def _classifier(c: dict[str, Any]) -> str:
    return str({k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in c.items()})


def _half(row: Any, metric: str) -> float:
    return float(getattr(row, f"{metric}_hi") - getattr(row, f"{metric}_lo")) / 2


def _module_params(module: object) -> list[str]:
    source = inspect.getsource(module)  # type: ignore[arg-type]
    return _params(source.replace("params.", "Params."))


def tournament_section() -> list[str]:
    """A seeded ten-strategy tournament on warring-states, with a short reading."""
    t0 = time.perf_counter()
    result = tournament.tournament("warring-states", registry.names(), worlds=WORLDS,
                                   years=YEARS, seed=SEED)
    seconds = time.perf_counter() - t0
    evo = tournament.tournament("warring-states", registry.names(), worlds=200, years=YEARS,
                                seed=SEED, evolve=10, dynamics="replicator")
    t = result.table.sort_values("final_share", ascending=False).reset_index(drop=True)
    lines = ["## What the tournament shows on warring-states", "",
             f"`powerbalance tournament warring-states --strategies {','.join(registry.names())}"
             f" --worlds {WORLDS} --years {YEARS} --seed {SEED}` "
             f"({len(registry.names())} profiles x {WORLDS} matched worlds; "
             f"{seconds:.0f} s here). Mean and 95% interval per strategy, sorted by final share "
             "(each strategy plays each of the seven seats once per world):", "",
             "| strategy | survival | final share | wars | war cost |", "|---|---|---|---|---|"]
    for r in t.itertuples():
        lines.append(f"| {r.strategy} | {r.survival:.3f} ± {_half(r, 'survival'):.3f}"
                     f" | {r.final_share:.3f} ± {_half(r, 'final_share'):.3f}"
                     f" | {r.wars:.1f} ± {_half(r, 'wars'):.1f}"
                     f" | {r.war_cost:.1f} ± {_half(r, 'war_cost'):.1f} |")
    by = t.set_index("strategy")
    fair = 1 / 7
    top, bottom = t.iloc[0], t.iloc[-1]
    fighter = by["wars"].idxmax()
    survivor = by["survival"].idxmax()
    last = evo.evolution[evo.evolution["generation"] == evo.evolution["generation"].max()]
    ranked = last.sort_values("share", ascending=False)
    weakest = by["survival"].idxmin()
    fighter_note = (
        f"`{fighter}` fights the most wars ({by.loc[fighter, 'wars']:.1f} per actor "
        f"over {YEARS} years) at a war cost of {by.loc[fighter, 'war_cost']:.1f}"
        + (" (the highest)" if by["war_cost"].idxmax() == fighter else
           f" (`{by['war_cost'].idxmax()}` pays the most: "
           f"{by['war_cost'].max():.1f})"))
    if by.loc[fighter, "final_share"] < fair:
        fighter_note += (
            f" and survives {by.loc[fighter, 'survival']:.1%} of the time, yet ends below the "
            f"fair share ({by.loc[fighter, 'final_share']:.3f}): arming costs growth (guns "
            "versus butter) and wars destroy wealth, the realist point that expansion rarely "
            "pays against balancers")
    rising = ranked[ranked["share"] > 1.2 / len(ranked)]["strategy"].tolist()
    dying = ranked[ranked["share"] < 0.02]["strategy"].tolist()
    lines += ["",
              "Reading it. In a seat-balanced round robin of seven seats the fair share is "
              f"1/7 = {fair:.3f}. `{top.strategy}` ends with the largest mean share "
              f"({top.final_share:.3f}) and `{bottom.strategy}` with the smallest "
              f"({bottom.final_share:.3f}). {fighter_note}. `{weakest}` is conquered most "
              f"often (survival {by.loc[weakest, 'survival']:.1%}); `{survivor}` survives most "
              f"often ({by.loc[survivor, 'survival']:.1%}). All seven states lie in one "
              "region here, so `offshore-balancer` never finds a foreign hegemon to balance "
              "and stays aloof (no alliances): offshore balancing without an ocean. Because "
              "every profile faces the same worlds, differences between strategies are "
              "estimated more precisely than the per-strategy intervals above suggest.", "",
              "Payoffs depend on the mix of strategies, which the evolutionary option "
              f"follows: ten generations of replicator dynamics (200 worlds per generation) "
              f"move the population from equal shares to "
              f"{', '.join(f'{r.strategy} {r.share:.2f}' for r in ranked.itertuples())}"
              + (f"; {', '.join(f'`{x}`' for x in rising)} spread" if rising else "")
              + (f" while {', '.join(f'`{x}`' for x in dying)} die out" if dying else "")
              + ". Regenerate this page with `python docs/make_strategy_docs.py`.", ""]
    return lines


def main() -> int:
    """Write docs/strategies.md."""
    t0 = time.perf_counter()
    lines = ["# Strategies, reputation, penetration and tournaments", "",
             "Generated by `docs/make_strategy_docs.py` from the docstrings, classifiers and "
             "parameters of the code (the year's phases: [model.md](model.md)). Every strategy is "
             "a vectorised decision function over the batch, registered by name "
             "(`powerbalance.strategies.registry`), and tested against scripted opponents "
             "(`tests/strategies`).", ""]
    lines += strategy_sections()
    lines += mechanics_sections()
    lines += tournament_section()
    PAGE.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {PAGE} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    sys.exit(main())
