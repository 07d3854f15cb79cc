"""The theory's claims as experiments (docs/theory-checked.md): a registry of data.

An :class:`Experiment` is data: the claim, its arms (each a scenario plus
parameter overrides and one-word strategy changes per actor), the per-world
statistics it measures, and the comparisons the claim predicts (which arm
should score higher). :func:`run_experiment` runs every arm with **common
random numbers** (the same master seed and the same global world indices, so
world k of every arm draws the same random streams), computes each statistic
per world, and compares arms by the mean of the *paired* per-world
differences with a Student t interval (:func:`~powerbalance.experiments.stats.paired_difference`;
0/1 statistics of one arm get Wilson intervals). A claim *holds* at the chosen
confidence when every required comparison's one-sided interval excludes zero
in the predicted direction and every required check passes.

>>> sorted(EXPERIMENTS)[:2]
['exceptions', 'nuclear-peace']
>>> len({e.claim for e in EXPERIMENTS.values()})
8
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments.results import RunResult, run
from powerbalance.experiments.stats import mean_ci, paired_difference, proportion_ci
from powerbalance.scenarios import Scenario, load

#: A per-world statistic: (run result, scenario) -> one value per world (ordered by world).
Statistic = Callable[[RunResult, Scenario], np.ndarray]


@dataclass(frozen=True)
class Arm:
    """One arm of an experiment: a scenario and what is changed in it.

    ``strategies`` maps actor names to strategy names (a one-word change per
    actor); ``changes`` maps actor names to other :class:`~powerbalance.scenarios.ActorSpec`
    fields (``resolve``, ``nuclear``, ...); ``overrides`` are model parameters.
    """

    label: str
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    strategies: dict[str, str] = field(default_factory=dict)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""

    def build(self) -> Scenario:
        """The scenario of this arm, with the strategy and actor changes applied."""
        scen = load(self.scenario)
        names = scen.names
        for actor in (*self.strategies, *self.changes):
            if actor not in names:
                raise InputError(f"unknown actor {actor!r}", source=f"arm {self.label}",
                                 field="actor", allowed=", ".join(names))
        actors = []
        for spec in scen.actors:
            updates: dict[str, Any] = dict(self.changes.get(spec.name, {}))
            if spec.name in self.strategies:
                from powerbalance.strategies import registry

                registry.get(self.strategies[spec.name], f"arm {self.label}")
                updates["strategy"] = self.strategies[spec.name]
            actors.append(dataclasses.replace(spec, **updates) if updates else spec)
        return dataclasses.replace(scen, actors=tuple(actors))


@dataclass(frozen=True)
class Comparison:
    """A predicted difference: ``statistic`` is larger in arm ``high`` than in arm ``low``."""

    statistic: str
    low: str
    high: str
    required: bool = True


@dataclass(frozen=True)
class Check:
    """A predicted level: the mean of ``statistic`` in ``arm`` is ``op`` ``bound``.

    ``op`` is ``"<="`` or ``">="``; the check uses the confidence interval
    (the upper bound for ``<=``, the lower bound for ``>=``).
    """

    statistic: str
    arm: str
    op: str
    bound: float
    required: bool = True


@dataclass(frozen=True)
class Experiment:
    """A claim of the theory as an ensemble experiment."""

    name: str
    claim: int
    title: str
    claim_text: str
    arms: tuple[Arm, ...]
    statistics: dict[str, tuple[str, Statistic]]
    """name -> (description, per-world function)."""
    comparisons: tuple[Comparison, ...]
    checks: tuple[Check, ...] = ()
    worlds: int = 500
    years: int | None = None
    notes: str = ""
    runner: Callable[..., ExperimentResult] | None = None
    """A custom runner (used by claim 8, which reads the user's data)."""

    def arm(self, label: str) -> Arm:
        """The arm called ``label``."""
        for a in self.arms:
            if a.label == label:
                return a
        raise KeyError(label)


@dataclass
class ExperimentResult:
    """Per-arm statistics, comparisons, checks and the verdict of one experiment run."""

    experiment: str
    claim: int
    worlds: int
    years: int | None
    seed: int
    confidence: float
    arms: pd.DataFrame
    """One row per arm x statistic: mean, ci_low, ci_high, worlds."""
    comparisons: pd.DataFrame
    """One row per comparison: difference (high - low), ci_low, ci_high, holds."""
    checks: pd.DataFrame
    holds: bool
    seconds: float
    runs: dict[str, RunResult] = field(default_factory=dict, repr=False)
    per_world: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: str = ""

    def verdict(self) -> str:
        """``holds`` or ``does not hold`` (at the chosen confidence)."""
        return "holds" if self.holds else "does not hold"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "experiment": self.experiment, "claim": self.claim, "worlds": self.worlds,
            "years": self.years, "seed": self.seed, "confidence": self.confidence,
            "holds": self.holds, "seconds": self.seconds, "notes": self.notes,
            "arms": self.arms.to_dict("records"),
            "comparisons": self.comparisons.to_dict("records"),
            "checks": self.checks.to_dict("records"),
        }

    def write(self, folder: str | Path, force: bool = False) -> Path:
        """Write each arm's run folder, ``per_world.parquet``, the summary tables and JSON,
        as one atomic folder output (an earlier experiment folder of ours is replaced only
        with ``force``; see :mod:`powerbalance.outputs`)."""
        from powerbalance.outputs import write_folder, write_manifest

        def fill(tmp: Path) -> None:
            for label, result in self.runs.items():
                (tmp / label).mkdir()
                result.write_into(tmp / label)
                write_manifest(tmp / label, result.manifest, "run")
            self.arms.to_csv(tmp / "arms.csv", index=False)
            self.comparisons.to_csv(tmp / "comparisons.csv", index=False)
            self.checks.to_csv(tmp / "checks.csv", index=False)
            if len(self.per_world):
                self.per_world.to_parquet(tmp / "per_world.parquet", index=False)
            (tmp / "experiment.json").write_text(json.dumps(self.to_dict(), indent=2,
                                                            default=_json_default))

        return write_folder(folder, fill, kind="experiment", force=force,
                            manifest={"experiment": self.experiment, "seed": self.seed,
                                      "worlds": self.worlds})


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return str(x)


# ---------------------------------------------------------------------------
# Statistics (per world; worlds in ascending order)
# ---------------------------------------------------------------------------

def _worlds(result: RunResult) -> np.ndarray:
    return np.sort(result.system["world"].unique())


def _per_world(result: RunResult, values: pd.Series, fill: float = 0.0) -> np.ndarray:
    return values.reindex(_worlds(result), fill_value=fill).to_numpy(dtype=float)


def actor_index(scen: Scenario, name: str) -> int:
    """Index of the actor called ``name``."""
    return scen.names.index(name)


def hegemony_by(actor: str, at_end: bool = True) -> Statistic:
    """1 where ``actor`` is a hegemon (share >= ``hegemony_share``, or sole survivor).

    ``at_end``: at the last year; otherwise in any year.
    """

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        sysm = result.system
        if at_end:
            sysm = sysm[sysm["year"] == sysm["year"].max()]
        hit = sysm["hegemon"].astype(bool) & (sysm["leader"] == i)
        return _per_world(result, hit.groupby(sysm["world"]).any().astype(float))

    return stat


def unified_by(actor: str) -> Statistic:
    """1 where ``actor`` is the only actor left at the end."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        last = result.system[result.system["year"] == result.system["year"].max()]
        hit = (last["live_actors"] == 1) & (last["leader"] == i)
        return _per_world(result, hit.groupby(last["world"]).any().astype(float))

    return stat


def unified(result: RunResult, scen: Scenario) -> np.ndarray:
    """1 where a single actor is left at the end (it rules every region)."""
    last = result.system[result.system["year"] == result.system["year"].max()]
    return _per_world(result, (last.set_index("world")["live_actors"] == 1).astype(float))


def any_regional_hegemon(result: RunResult, scen: Scenario) -> np.ndarray:
    """1 where some region had a regional hegemon in some year after the start."""
    s = result.system[result.system["year"] > 0]
    return _per_world(result, (s.groupby("world")["regional_hegemons"].max() > 0)
                      .astype(float))


def regional_hegemony_by(actor: str, share: float | None = None) -> Statistic:
    """1 where ``actor`` held at least ``share`` (default: the run's
    ``regional_hegemony_share``) of its region's capability in some year after the start."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        region = scen.actors[i].region
        share_needed = float(result.manifest["params"]["regional_hegemony_share"]
                             if share is None else share)
        a = result.actors[(result.actors["year"] > 0) & (result.actors["region"] == region)]
        a = a[a["alive"]]
        total = a.groupby(["world", "year"])["share"].sum()
        own = a[a["actor"] == i].set_index(["world", "year"])["share"]
        frac = (own / total.reindex(own.index)).fillna(0.0)
        hit = (frac >= share_needed).groupby(level="world").any()
        return _per_world(result, hit.astype(float))

    return stat


def regional_hegemony_in(region: str, share: float) -> Statistic:
    """1 where some actor of ``region`` held at least ``share`` of the region's capability
    (over the region's live actors) in some year after the start."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        a = result.actors
        a = a[(a["year"] > 0) & (a["region"] == region) & a["alive"]]
        total = a.groupby(["world", "year"])["share"].transform("sum")
        frac = a["share"] / total.clip(lower=1e-12)
        hit = (frac >= share).groupby(a["world"]).any()
        return _per_world(result, hit.astype(float))

    return stat


def _war_sides(result: RunResult) -> pd.DataFrame:
    """Wars (world, year, attacker, target) with the defenders' joined allies."""
    ev = result.events
    wars = ev[ev["kind"].isin(["war_won", "war_lost"])][["world", "year", "actor", "other"]]
    return wars.rename(columns={"actor": "attacker", "other": "target"})


def war_between(a: str, b: str) -> Statistic:
    """1 where ``a`` and ``b`` fought on opposite sides of a war (as principals or allies
    called in defence) in some year."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        ia, ib = actor_index(scen, a), actor_index(scen, b)
        wars = _war_sides(result)
        ev = result.events
        joined = ev[ev["kind"] == "war_joined"][["world", "year", "actor", "other"]]
        joined = joined.rename(columns={"actor": "helper", "other": "target"})
        direct = (((wars["attacker"] == ia) & (wars["target"] == ib))
                  | ((wars["attacker"] == ib) & (wars["target"] == ia)))
        hit_worlds = set(wars.loc[direct, "world"].tolist())
        m = wars.merge(joined, on=["world", "year", "target"])
        via = (((m["attacker"] == ia) & (m["helper"] == ib))
               | ((m["attacker"] == ib) & (m["helper"] == ia)))
        hit_worlds |= set(m.loc[via, "world"].tolist())
        return np.isin(_worlds(result), list(hit_worlds)).astype(float)

    return stat


def wars_without(*actors: str) -> Statistic:
    """Number of wars per world in which none of ``actors`` is attacker or target."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        idx = [actor_index(scen, a) for a in actors]
        wars = _war_sides(result)
        other = ~wars["attacker"].isin(idx) & ~wars["target"].isin(idx)
        return _per_world(result, wars[other].groupby("world").size())

    return stat


def wars_fought_by(actor: str) -> Statistic:
    """Number of wars per world that ``actor`` fought (attacker, target or ally called in)."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        ev = result.events
        mine = ev["kind"].isin(["war_won", "war_lost"]) & (
            (ev["actor"] == i) | (ev["other"] == i))
        mine |= (ev["kind"] == "war_joined") & (ev["actor"] == i)
        return _per_world(result, ev[mine].groupby("world").size())

    return stat


def final_actor_mean(column: str, ratio_to: str | None = None) -> Statistic:
    """Mean over live actors of ``column`` at the last year (optionally ``column / ratio_to``)."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        a = result.actors[result.actors["year"] == result.actors["year"].max()]
        a = a[a["alive"]]
        v = a[column].astype(float)
        if ratio_to is not None:
            v = v / a[ratio_to].astype(float).clip(lower=1e-12)
        return _per_world(result, v.groupby(a["world"]).mean())

    return stat


def military_balance(result: RunResult, scen: Scenario) -> np.ndarray:
    """Weaker over stronger military of the first two actors at the last year (1 = parity)."""
    a = result.actors[result.actors["year"] == result.actors["year"].max()]
    m = a.pivot(index="world", columns="actor", values="military").astype(float)
    lo = np.minimum(m[0], m[1])
    hi = np.maximum(m[0], m[1]).clip(lower=1e-12)
    return _per_world(result, lo / hi)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

_SIX = ("Chu", "Qi", "Yan", "Zhao", "Wei", "Han")
#: Zhang Yi's horizontal alliances: Qin's neighbours bandwagon, the distant pass the buck.
HORIZONTAL = {"Chu": "buck-passer", "Qi": "buck-passer", "Yan": "buck-passer",
              "Zhao": "buck-passer", "Wei": "bandwagoner", "Han": "bandwagoner"}
#: Su Qin's vertical alliance: all six balance.
VERTICAL = dict.fromkeys(_SIX, "external-balancer")

_COALITION = ("Britain", "Austria", "Prussia", "Russia", "Sweden")

EXPERIMENTS: dict[str, Experiment] = {}


def register(exp: Experiment) -> Experiment:
    """Add an experiment to :data:`EXPERIMENTS`."""
    if exp.name in EXPERIMENTS:
        raise ValueError(f"experiment {exp.name!r} registered twice")
    EXPERIMENTS[exp.name] = exp
    return exp


register(Experiment(
    name="waltz-balance", claim=1,
    title="Waltz's return to balance",
    claim_text=("A hegemonic bid by the strongest actor provokes a balancing coalition; with "
                "balancers the bid fails in most worlds, with bandwagoners and buck-passers it "
                "succeeds far more often."),
    arms=(
        Arm("balancers", "napoleon-1805", strategies=dict.fromkeys(_COALITION,
                                                                   "external-balancer"),
            description="Britain, Austria, Prussia, Russia and Sweden balance against France."),
        Arm("bandwagoners", "napoleon-1805",
            strategies={"Britain": "buck-passer", "Austria": "bandwagoner",
                        "Prussia": "buck-passer", "Russia": "buck-passer",
                        "Sweden": "bandwagoner"},
            description="The same powers bandwagon with France or pass the buck."),
    ),
    statistics={
        "france_hegemony": ("France is hegemon at the end (share >= hegemony_share or alone): "
                            "the bid succeeded", hegemony_by("France", at_end=True)),
        "france_ever_hegemon": ("France was hegemon in some year",
                                hegemony_by("France", at_end=False)),
    },
    comparisons=(Comparison("france_hegemony", low="balancers", high="bandwagoners"),),
    checks=(Check("france_hegemony", "balancers", "<=", 0.5),
            Check("france_hegemony", "bandwagoners", ">=", 0.5, required=False)),
    worlds=1000,
))

register(Experiment(
    name="warring-states", claim=2,
    title="Warring States: 合縱 (vertical) against 連橫 (horizontal)",
    claim_text=("Su Qin's vertical alliance (合縱: the six balance against Qin) contains Qin in "
                "most worlds; Zhang Yi's horizontal alliances (連橫: bandwagoning and "
                "buck-passing with Qin) let Qin unify in most worlds."),
    arms=(
        Arm("vertical", "warring-states-vertical-alliance", strategies=VERTICAL,
            description="合縱: the six balance against Qin, starting allied."),
        Arm("horizontal", "warring-states-horizontal-alliance", strategies=HORIZONTAL,
            description="連橫: Han and Wei bandwagon with Qin, the others pass the buck."),
    ),
    statistics={
        "qin_hegemony": ("Qin is hegemon at the end (share >= hegemony_share, or unified "
                         "China)", hegemony_by("Qin", at_end=True)),
        "qin_unifies": ("Qin is the only state left at the end", unified_by("Qin")),
    },
    comparisons=(Comparison("qin_hegemony", low="vertical", high="horizontal"),),
    checks=(Check("qin_hegemony", "vertical", "<=", 0.5),
            Check("qin_hegemony", "horizontal", ">=", 0.5, required=False)),
    worlds=2000,
    notes=("The [params] of both variant files are the Warring States calibration (Qin's "
           "Legalist mobilisation, wars of annihilation, one theatre); see their stylisation."),
))

register(Experiment(
    name="stopping-power-of-water", claim=3,
    title="The stopping power of water",
    claim_text=("With two continents separated by sea, no global hegemon arises even when "
                "regional hegemons do; remove the sea cost and global hegemony becomes common."),
    arms=(
        Arm("ocean", "two-continents", description="sea crossings cost 1 + sea_cost (5)."),
        Arm("no-ocean", "two-continents", overrides={"sea_cost": 0.0},
            description="sea_cost = 0: the ocean is no barrier."),
    ),
    statistics={
        "global_hegemony": ("one actor rules both continents at the end (sole survivor)",
                            unified),
        "regional_hegemony": ("some continent had a regional hegemon", any_regional_hegemon),
    },
    comparisons=(Comparison("global_hegemony", low="ocean", high="no-ocean"),),
    checks=(Check("regional_hegemony", "ocean", ">=", 0.5),
            Check("global_hegemony", "ocean", "<=", 0.25)),
    worlds=1000,
))

#: Mearsheimer (2001, ch. 8): continental great powers pass the buck, so the insular power's
#: choice decides whether anyone checks the continental bid.
_CONTINENT_BUCK = {"Austria": "buck-passer", "Dutch Republic": "buck-passer",
                   "Prussia": "buck-passer"}
#: The offshore balancer's early warning: it backs the rival of a power nearing hegemony.
_OFFSHORE_PARAMS = {"regional_hegemony_share": 0.35}

register(Experiment(
    name="offshore-balancing", claim=4,
    title="Offshore balancing",
    claim_text=("An insular great power that balances offshore prevents a continental hegemon "
                "more often than one that stays out, at lower cost to itself than one that "
                "fights on the continent all the time."),
    arms=(
        Arm("stays-out", "europe-1713", overrides=_OFFSHORE_PARAMS,
            strategies={**_CONTINENT_BUCK, "Britain": "status-quo"},
            description="Britain defends itself and never allies on the continent."),
        Arm("offshore", "europe-1713", overrides=_OFFSHORE_PARAMS,
            strategies={**_CONTINENT_BUCK, "Britain": "offshore-balancer"},
            description="Britain backs the strongest rival of a continental power nearing "
                        "hegemony."),
        Arm("engaged", "europe-1713", overrides=_OFFSHORE_PARAMS,
            strategies={**_CONTINENT_BUCK, "Britain": "external-balancer"},
            description="Britain balances on the continent all the time."),
    ),
    statistics={
        "continental_hegemony": ("a continental power holds half of the continent's "
                                 "capability in some year",
                                 regional_hegemony_in("europe", share=0.5)),
        "france_hegemony": ("France holds half of the continent's capability in some year",
                            regional_hegemony_by("France", share=0.5)),
        "britain_wars": ("wars Britain fought (its cost)", wars_fought_by("Britain")),
    },
    comparisons=(Comparison("continental_hegemony", low="offshore", high="stays-out"),
                 Comparison("britain_wars", low="offshore", high="engaged")),
    worlds=1000,
    notes=("The continental great powers pass the buck (Mearsheimer 2001, ch. 8) and the "
           "offshore balancer reacts when a continental power holds 35% of the continent "
           "(regional_hegemony_share 0.35: an early warning; a trigger at the 50% used to "
           "measure hegemony could only react after the fact). A continental hegemon is any "
           "continental power with half of the continent's capability (in the model it is "
           "most often Austria, rarely France)."),
))

register(Experiment(
    name="nuclear-peace", claim=5,
    title="Nuclear peace among great powers",
    claim_text=("Secure second strikes on both sides mean (almost) no war between them, while "
                "conventional wars among others go on; give one side resolve near 1 and "
                "deterrence fails."),
    arms=(
        Arm("deterrence", "cold-war-1950", description="both superpowers resolve 0.5."),
        Arm("resolute", "cold-war-1950", changes={"USSR": {"resolve": 1.0}},
            description="the USSR is willing to be destroyed (resolve 1)."),
    ),
    statistics={
        "superpower_war": ("the USA and the USSR fought on opposite sides",
                           war_between("USA", "USSR")),
        "other_wars": ("wars with neither superpower as attacker or target",
                       wars_without("USA", "USSR")),
    },
    comparisons=(Comparison("superpower_war", low="deterrence", high="resolute"),),
    checks=(Check("superpower_war", "deterrence", "<=", 0.1),
            Check("other_wars", "deterrence", ">=", 1.0)),
    worlds=1000,
))

register(Experiment(
    name="security-dilemma", claim=6,
    title="The security dilemma",
    claim_text=("Two internal balancers facing each other arm in a spiral; both end up less "
                "secure relative to a world in which neither arms."),
    arms=(
        Arm("restraint", "security-dilemma",
            strategies={"Athens": "status-quo", "Sparta": "status-quo"},
            description="both keep the peacetime burden."),
        Arm("arming", "security-dilemma",
            strategies={"Athens": "internal-balancer", "Sparta": "internal-balancer"},
            description="both arm against the other's projected forces."),
    ),
    statistics={
        "burden": ("military stock over wealth at the end (mean of both)",
                   final_actor_mean("military", ratio_to="wealth")),
        "wealth": ("wealth at the end (mean of both): butter given up for guns",
                   final_actor_mean("wealth")),
        "threat": ("the rival's military each side faces at the end (mean of both)",
                   final_actor_mean("military")),
        "balance": ("weaker over stronger military at the end (1 = parity)",
                    military_balance),
    },
    comparisons=(Comparison("burden", low="restraint", high="arming"),
                 Comparison("threat", low="restraint", high="arming"),
                 Comparison("wealth", low="arming", high="restraint")),
    worlds=500,
    notes=("Less secure: each side ends up facing a larger army and poorer (guns instead of "
           "butter), with no relative gain: the military balance stays near parity (with "
           "restraint it drifts with growth shocks, with arming each side matches the other). "
           "Neither side initiates war, so the risk of war itself is not measured."),
))

register(Experiment(
    name="exceptions", claim=7,
    title="Exceptions: where a hegemon does win",
    claim_text=("Parameter regions where a hegemon does win (weak extraction decay, "
                "bandwagoning neighbours, no sea barrier) are reachable and reported "
                "(Qin, the Mongols)."),
    arms=(
        Arm("balanced", "warring-states-vertical-alliance", strategies=VERTICAL,
            description="the vertical alliance under the Warring States calibration."),
        Arm("exception", "warring-states-horizontal-alliance", strategies=HORIZONTAL,
            overrides={"extraction_midpoint": 1000.0, "sea_cost": 0.0,
                       "reach_midpoint": 40.0},
            description=("bandwagoning neighbours, no extraction decay, no sea barrier, "
                         "long reach (the Mongols' horse archers).")),
    ),
    statistics={"qin_hegemony": ("Qin is hegemon at the end", hegemony_by("Qin"))},
    comparisons=(Comparison("qin_hegemony", low="balanced", high="exception"),),
    checks=(Check("qin_hegemony", "exception", ">=", 0.2),),
    worlds=1000,
))


def _cow_runner(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                confidence: float, options: str = "") -> ExperimentResult:
    from powerbalance.scenarios.cow_scenario import cow_scenario, observed_measures

    started = time.perf_counter()
    spec = options or "1914"
    scen = cow_scenario(spec, source=f"cow:{spec}")
    observed = observed_measures(scen)
    result = run(scen, years=years or 50, worlds=worlds, seed=seed, record="system")
    first = result.system[result.system["year"] == 0].iloc[0]
    last = result.system[result.system["year"] == result.system["year"].max()]
    arms = pd.DataFrame([
        {"arm": "data", "statistic": "con", "mean": observed["con"], "ci_low": observed["con"],
         "ci_high": observed["con"], "worlds": 1},
        {"arm": "simulation year 0", "statistic": "con", "mean": float(first["con"]),
         "ci_low": float(first["con"]), "ci_high": float(first["con"]), "worlds": worlds},
        *[_mean_row(f"simulation year {int(last['year'].iloc[0])}", c,
                    last[c].to_numpy(dtype=float), confidence)
          for c in ("con", "effective_number", "largest_share")],
    ])
    checks = pd.DataFrame([
        {"check": "polarity at year 0 equals the data's", "value": str(first["polarity"]),
         "bound": observed["polarity"], "holds": str(first["polarity"]) == observed["polarity"],
         "required": True},
        {"check": "concentration at year 0 equals the data's", "value": float(first["con"]),
         "bound": observed["con"], "holds": abs(float(first["con"]) - observed["con"]) < 1e-6,
         "required": True},
    ])
    holds = bool(checks["holds"].all())
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years or 50, seed=seed,
        confidence=confidence, arms=arms, comparisons=pd.DataFrame(), checks=checks,
        holds=holds, seconds=time.perf_counter() - started, runs={"simulation": result},
        notes=(f"{scen.name}: {len(scen.actors)} states; observed polarity "
               f"{observed['polarity']!r}, CON {observed['con']:.3f}"),
    )


register(Experiment(
    name="polarity-from-data", claim=8,
    title="Polarity as an objective state",
    claim_text=("Starting from COW capability data of a given year, the product reports that "
                "year's polarity and concentration and can simulate forward from it."),
    arms=(Arm("simulation", "cow:1914"),),
    statistics={}, comparisons=(), worlds=100, years=50, runner=_cow_runner,
    notes=("Needs the user's COW data: a folder in POWERBALANCE_DATA (or --option "
           "'1914,data=DIR'). The scenario's capability shares reproduce recomputed CINC."),
))


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def _mean_row(arm: str, stat: str, values: np.ndarray, confidence: float) -> dict[str, Any]:
    """Mean with its interval: Wilson for 0/1 statistics, Student t otherwise."""
    n = len(values)
    mean = float(values.mean()) if n else float("nan")
    if n and set(np.unique(values)) <= {0.0, 1.0}:
        _, lo, hi = proportion_ci(int(values.sum()), n, confidence)
    else:
        _, lo, hi = mean_ci(values, confidence)
        if n == 1:  # one world: no spread to estimate, the interval is the value
            lo = hi = mean
    return {"arm": arm, "statistic": stat, "mean": mean, "ci_low": lo, "ci_high": hi,
            "worlds": n}


def run_experiment(name: str | Experiment, *, worlds: int | None = None, seed: int = 0,
                   years: int | None = None, confidence: float = 0.95,
                   out: str | Path | None = None, options: str = "",
                   keep_runs: bool = True, force: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ExperimentResult:
    """Run an experiment's arms with common random numbers and judge its claim.

    ``confidence`` is the one-sided confidence of each comparison (the claim
    holds when the lower bound of high - low is above zero) and of each check.
    ``progress`` is called with (years done, total years) over all arms.

    >>> r = run_experiment("stopping-power-of-water", worlds=8, years=40, seed=1)
    >>> list(r.arms["arm"].unique())
    ['ocean', 'no-ocean']
    """
    exp = name if isinstance(name, Experiment) else get(name)
    if out is not None:  # refuse a bad --out before anything runs
        from powerbalance.outputs import Output, check_output

        check_output(Output(Path(out), "experiment", folder=True), force)
    worlds = exp.worlds if worlds is None else worlds
    if not isinstance(worlds, int) or worlds < 2:
        raise InputError(f"{worlds!r}", source="--worlds", field="worlds",
                         allowed="an integer >= 2")
    if not 0.5 < confidence < 1:
        raise InputError(f"{confidence}", source="--confidence", field="confidence",
                         allowed="a number between 0.5 and 1")
    years = years if years is not None else exp.years
    if exp.runner is not None:
        result = exp.runner(exp, worlds=worlds, seed=seed, years=years,
                            confidence=confidence, options=options)
    else:
        result = _run_arms(exp, worlds, seed, years, confidence, keep_runs or out is not None,
                           progress)
    if out is not None:
        result.write(out, force=force)
    return result


def _run_arms(exp: Experiment, worlds: int, seed: int, years: int | None,
              confidence: float, keep_runs: bool,
              progress: Callable[[int, int], None] | None = None) -> ExperimentResult:
    started = time.perf_counter()
    scenarios = {arm.label: arm.build() for arm in exp.arms}
    for arm in exp.arms:  # validate every override before anything runs
        scenarios[arm.label].make_params(arm.overrides, source=f"arm {arm.label}")
    values: dict[tuple[str, str], np.ndarray] = {}
    runs: dict[str, RunResult] = {}
    for index, arm in enumerate(exp.arms):
        scen = scenarios[arm.label]

        def tick(done: int, total: int, index: int = index) -> None:  # arm's years -> all arms'
            if progress is not None:
                progress(index * total + done, len(exp.arms) * total)

        result = run(scen, years=years, worlds=worlds, seed=seed, overrides=arm.overrides,
                     record="full", progress=tick)
        for stat, (_, fn) in exp.statistics.items():
            values[(arm.label, stat)] = fn(result, scen)
        if keep_runs:
            runs[arm.label] = result
    rows = [_mean_row(a, s, v, confidence) for (a, s), v in values.items()]
    arms = pd.DataFrame(rows)
    comp_rows = []
    for c in exp.comparisons:
        diff = paired_difference(values[(c.high, c.statistic)], values[(c.low, c.statistic)],
                                 confidence)
        comp_rows.append({
            "statistic": c.statistic, "low": c.low, "high": c.high,
            "low_mean": float(values[(c.low, c.statistic)].mean()),
            "high_mean": float(values[(c.high, c.statistic)].mean()),
            **diff, "holds": bool(diff["ci_low"] > 0), "required": c.required,
        })
    check_rows = []
    for k in exp.checks:
        v = values[(k.arm, k.statistic)]
        row = _mean_row(k.arm, k.statistic, v, 2 * confidence - 1)
        value = row["ci_high"] if k.op == "<=" else row["ci_low"]
        ok = value <= k.bound if k.op == "<=" else value >= k.bound
        check_rows.append({
            "check": f"{k.statistic} in {k.arm} {k.op} {k.bound:g}",
            "value": float(v.mean()), "bound": k.bound, "holds": bool(ok),
            "required": k.required,
        })
    comparisons = pd.DataFrame(comp_rows)
    checks = pd.DataFrame(check_rows)
    holds = all(r["holds"] for r in comp_rows if r["required"]) and all(
        r["holds"] for r in check_rows if r["required"])
    per_world = pd.DataFrame({f"{a}:{s}": v for (a, s), v in values.items()})
    per_world.insert(0, "world", np.arange(worlds))
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years, seed=seed,
        confidence=confidence, arms=arms, comparisons=comparisons, checks=checks,
        holds=holds, seconds=time.perf_counter() - started, runs=runs, per_world=per_world,
        notes=exp.notes,
    )


def get(name: str) -> Experiment:
    """The experiment called ``name`` (an :class:`InputError` lists the choices)."""
    if name not in EXPERIMENTS:
        raise InputError(f"unknown experiment {name!r}", source="experiment", field="NAME",
                         allowed=", ".join(sorted(EXPERIMENTS)))
    return EXPERIMENTS[name]


def listing() -> list[dict[str, Any]]:
    """One row per experiment: claim number, name, title, claim text, arms, default size."""
    return [{"claim": e.claim, "name": e.name, "title": e.title, "claim_text": e.claim_text,
             "arms": ", ".join(a.label for a in e.arms), "worlds": e.worlds}
            for e in sorted(EXPERIMENTS.values(), key=lambda e: e.claim)]
