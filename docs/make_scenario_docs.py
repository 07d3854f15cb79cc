"""Write docs/scenarios/NAME.md for every built-in scenario, from its TOML file.

Run: ``.venv/bin/python docs/make_scenario_docs.py``. A test checks the pages are current.
Each page gives the description, the sources, the stylisation, the actors at the start,
the parameters the scenario sets, what to look at, and the experiments that use it.
"""

from __future__ import annotations

from pathlib import Path

from powerbalance.experiments.claims import EXPERIMENTS
from powerbalance.scenarios import available, builtin_path, load

FOLDER = Path(__file__).resolve().parent / "scenarios"

#: What to look at in each scenario (commands to try and the facts to watch).
LOOK_AT: dict[str, str] = {
    "warring-states": (
        "Whether Qin unifies and when (`powerbalance run warring-states --worlds 100`); "
        "the map of world 0 (`--plot`); the two variants below turn it into the 合縱/連橫 "
        "experiment."),
    "warring-states-vertical-alliance": (
        "Qin contained: the six's alliance holds Qin below hegemony in most worlds. Compare "
        "with the horizontal variant: `powerbalance experiment warring-states`."),
    "warring-states-horizontal-alliance": (
        "Qin eats its neighbours one at a time while the distant states pass the buck; Qin "
        "is hegemon at the end in most worlds."),
    "europe-1713": (
        "Whether any continental power reaches half the continent's capability, and what "
        "Britain does about it; swap Britain's strategy (`status-quo`, `offshore-balancer`, "
        "`external-balancer`) as in `powerbalance experiment offshore-balancing`."),
    "napoleon-1805": (
        "France's bid against the Third Coalition: hegemony reached and lost, the coalition's "
        "alliances forming and dissolving; `powerbalance experiment waltz-balance` replaces the "
        "coalition's balancers by bandwagoners and buck-passers."),
    "vienna-1815": (
        "The concert's long peace: no actor initiates war, so the status quo lasts; the "
        "capability shares drift with growth only."),
    "vienna-1815-balance": (
        "A revisionist France against four balancing great powers under the law of nations "
        "but no concert: wars, state deaths and how much of the 1815 map survives. Compare "
        "with the concert: "
        "`powerbalance experiment concert-of-europe`."),
    "vienna-1815-concert": (
        "The same bid against a concert that keeps and enforces the law of nations and "
        "manages the settlement jointly (docs/law.md): consultation before force, members "
        "policing each other, intervention against France's aggression, and the "
        "settlement kept."),
    "europe-1939": (
        "Germany's bid against the guarantee to Poland, the USSR passing the buck and Italy "
        "bandwagoning: who survives 50 years, and whether Germany reaches hegemony."),
    "cold-war-1950": (
        "No war between the two superpowers while conventional wars go on elsewhere "
        "(deterrence-held events between them, wars among the others); "
        "`powerbalance experiment nuclear-peace` gives the USSR resolve 1."),
    "unipolar-2000": (
        "'One superpower and several great powers' at year 0 (polarity class 'unipolar with "
        "great powers'); whether China's rise erodes it."),
    "two-continents": (
        "Regional hegemons on each continent, but rarely one ruler of both; "
        "`--set sea_cost=0` removes the ocean (`powerbalance experiment "
        "stopping-power-of-water`)."),
    "security-dilemma": (
        "With both actors `internal-balancer` the military burdens spiral while the balance "
        "stays at parity and both grow poorer (`powerbalance experiment security-dilemma`)."),
}


def _experiments_using(name: str) -> list[str]:
    return sorted({f"`{e.name}` (claim {e.claim})" for e in EXPERIMENTS.values()
                   for a in e.arms if a.scenario == name})


def render(name: str) -> str:
    """The markdown page of one built-in scenario."""
    scen = load(name)
    params = scen.make_params()
    lines = [f"# `{name}`", "", " ".join(scen.description.split()), ""]
    lines += ["## Sources", ""] + [f"- {s}" for s in scen.sources] + [""]
    lines += ["## Stylisation", "", " ".join(scen.stylisation.split()), ""]
    pm = scen.province_map
    mobile = any(a.mobility != 1.0 for a in scen.actors)   # a column only where it is used
    mobilising = any(a.mobilisation != 1.0 for a in scen.actors)
    lines += ["## At the start", "",
              f"{len(scen.actors)} actors on {pm.n} provinces ({len(pm.land)} land links, "
              f"{len(pm.sea)} sea links); {scen.years} years by default.", "",
              "| actor | region | strategy | provinces | wealth | military | nuclear | "
              "resolve | major |" + (" mobility |" if mobile else "")
              + (" mobilisation |" if mobilising else ""),
              "|---|---|---|---|---|---|---|---|---|" + ("---|" if mobile else "")
              + ("---|" if mobilising else "")]
    for a in scen.actors:
        wealth = "from provinces" if a.wealth is None else f"{a.wealth:g}"
        military = "steady state" if a.military is None else f"{a.military:g}"
        lines.append(f"| {a.name} | {a.region} | `{a.strategy}` | {len(a.provinces)} | {wealth} "
                     f"| {military} | {a.nuclear} | {a.resolve:g} | "
                     f"{'yes' if a.major else ''} |" + (f" {a.mobility:g} |" if mobile else "")
                     + (f" {a.mobilisation:g} |" if mobilising else ""))
    if scen.alliances:
        names = scen.names
        offence = {(i, j): v for i, j, v in scen.offence}
        pacts = ", ".join(f"{names[i]}-{names[j]}" + (f" ({c:g})" if c != 1 else "")
                          + (f" (offensive: {offence[i, j]:g})" if (i, j) in offence else "")
                          for i, j, c in scen.alliances)
        lines += ["", f"Alliances at the start: {pacts}."]
    lines += ["", "## Parameters set by the scenario", ""]
    if scen.params:
        lines += [f"- `{k}` = {v!r} (default {getattr(type(params)(), k)!r})"
                  for k, v in scen.params.items()]
    else:
        lines.append("None: the defaults of [parameters.md](../parameters.md).")
    lines += ["", "## What to look at", "", LOOK_AT.get(name, "See the stylisation."), ""]
    used = _experiments_using(name)
    if used:
        lines += ["Experiments using it: " + ", ".join(used) + " (see "
                  "[The theory, checked](../theory-checked.md)).", ""]
    lines += [f"Run it: `powerbalance run {name} --worlds 100 --plot {name}.png`.", "",
              f"File: `src/powerbalance/scenarios/data/{name}.toml`; this page is generated by "
              "`docs/make_scenario_docs.py`.", ""]
    return "\n".join(lines)


def builtin_names() -> list[str]:
    """Names of the built-in scenario files."""
    return [n for n, _ in available() if builtin_path(n).is_file()]


def render_index() -> str:
    """docs/scenarios/README.md: one line per scenario."""
    lines = ["# Built-in scenarios", "",
             "One page per scenario (generated by `docs/make_scenario_docs.py`); "
             "`cow:YEAR` builds a scenario from your COW data (see "
             "[../scenarios.md](../scenarios.md)).", ""]
    for name in builtin_names():
        first = load(name).description.strip().splitlines()[0]
        lines.append(f"- [`{name}`]({name}.md): {first}")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name -> content of every generated page."""
    out = {f"{n}.md": render(n) for n in builtin_names()}
    out["README.md"] = render_index()
    return out


if __name__ == "__main__":
    FOLDER.mkdir(exist_ok=True)
    for file, text in pages().items():
        (FOLDER / file).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages())} pages to {FOLDER}")
