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
confidence when *every* comparison's one-sided interval excludes zero in the
predicted direction and *every* check passes: each is a stated part of the claim
and none is optional.

Every arm also runs beside its **null arm** (:func:`null_arms`: the same world
with nobody balancing, bandwagoning or passing the buck) and reports its effect
against it (``null_effects``). :func:`ablate` switches off, one at a time, each
mechanism that could produce the result (:mod:`~powerbalance.experiments.mechanisms`)
and names the one that carries it; :func:`robustness_band` reruns the verdict over
a Latin hypercube of the uncalibrated parameters' plausible ranges
(:mod:`~powerbalance.experiments.plausible`; for an arena claim, its arena's options')
and says in how many sets it holds.

>>> 'waltz-balance' in EXPERIMENTS and EXPERIMENTS['waltz-balance'].claim
1
>>> len({e.claim for e in EXPERIMENTS.values()})
15
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments.mechanisms import MECHANISMS, Mechanism, mechanism
from powerbalance.experiments.plausible import (
    ARENA_PLAUSIBLE,
    PLAUSIBLE,
    PlausibleRange,
    posterior_for,
)
from powerbalance.experiments.results import RunResult, run
from powerbalance.experiments.stats import (
    derived_seed,
    format_interval,
    mean_ci,
    paired_difference,
    proportion_ci,
)
from powerbalance.experiments.summary import law_summary
from powerbalance.params import Params
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
    """A predicted difference: ``statistic`` is larger in arm ``high`` than in arm ``low``.

    With ``high_base`` and ``low_base`` it is an interaction: ``high - high_base`` is
    larger than ``low - low_base`` (a difference of paired differences, by world)."""

    statistic: str
    low: str
    high: str
    low_base: str | None = None
    high_base: str | None = None

    def arms(self) -> tuple[str, ...]:
        """Every arm the comparison reads."""
        return tuple(a for a in (self.low, self.high, self.low_base, self.high_base)
                     if a is not None)

    def sides(self, values: dict[tuple[str, str], np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray]:
        """Per-world (high side, low side): the arms' values, less their bases if any."""
        def side(arm: str, base: str | None) -> np.ndarray:
            v = np.asarray(values[(arm, self.statistic)], dtype=float)
            return v if base is None else v - np.asarray(values[(base, self.statistic)])
        return side(self.high, self.high_base), side(self.low, self.low_base)


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


@dataclass(frozen=True)
class Experiment:
    """A claim of the theory as an ensemble experiment."""

    name: str
    claim: int
    title: str
    claim_text: str
    arms: tuple[Arm, ...]
    statistics: dict[str, tuple[str, Statistic | None]]
    """name -> (description, per-world function); None where the experiment's ``runner``
    computes the statistic itself (a tournament)."""
    comparisons: tuple[Comparison, ...]
    checks: tuple[Check, ...] = ()
    worlds: int = 500
    years: int | None = None
    notes: str = ""
    runner: Callable[..., ExperimentResult] | None = None
    """A custom runner (claim 8, which reads the user's data; claim 10's tournament; the
    arena claims)."""
    reads_data: bool = False
    """The experiment reads the user's COW data (a ``data=DIR`` item in its options, or
    ``POWERBALANCE_DATA``)."""
    mechanisms: tuple[str, ...] = ()
    """Names in :data:`~powerbalance.experiments.mechanisms.MECHANISMS` that could produce
    the result, switched off one at a time by :func:`ablate` (empty: all of them)."""
    null: bool = True
    """Run each arm's null arm (:func:`null_arms`) beside the arms."""
    alliances: bool = False
    """A statistic reads the alliance table (runs record every year's alliances)."""

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
    nulls: dict[str, str] = field(default_factory=dict)
    """Each arm's null arm (an arm with nothing to switch off is its own null)."""
    null_effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per arm x statistic: arm - null, paired by world, two-sided interval."""
    ablation: Ablation | None = None
    robustness: Robustness | None = None

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
            "nulls": self.nulls, "null_effects": self.null_effects.to_dict("records"),
            "carrier": self.ablation.carrier if self.ablation is not None else None,
            "level_carrier": (self.ablation.level_carrier if self.ablation is not None
                              else None),
            "null_carrier": self.ablation.null_carrier if self.ablation is not None else None,
            "robustness": ({"n": self.robustness.n, "holds": self.robustness.holds,
                            "ci_low": self.robustness.ci_low,
                            "ci_high": self.robustness.ci_high,
                            "worlds": self.robustness.worlds,
                            "source": self.robustness.source}
                           if self.robustness is not None else None),
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
            if len(self.null_effects):
                self.null_effects.to_csv(tmp / "null_effects.csv", index=False)
            if self.ablation is not None:
                self.ablation.table.to_csv(tmp / "ablation.csv", index=False)
                if len(self.ablation.levels):
                    self.ablation.levels.to_csv(tmp / "ablation_levels.csv", index=False)
            if self.robustness is not None:
                self.robustness.points.to_csv(tmp / "robustness.csv", index=False)
                self.robustness.sensitivity.to_csv(tmp / "sensitivity.csv", index=False)
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


def bloc_share_of(actor: str, follower: str = "bandwagoner") -> Statistic:
    """Capability share, at the last year, of ``actor`` plus the live actors of strategy
    ``follower`` allied with it then (its bandwagoners: the bloc that shares its spoils,
    Schweller 1994). A secondary statistic, reported beside a claim's own (the run must
    record its alliances: ``Experiment.alliances``)."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        acts = result.actors
        last = acts[(acts["year"] == acts["year"].max()) & acts["alive"]]
        pairs = result.alliances
        pairs = pairs[pairs["year"] == acts["year"].max()]
        with_i = pd.concat([pairs.loc[pairs["actor"] == i, ["world", "ally"]]
                            .rename(columns={"ally": "member"}),
                            pairs.loc[pairs["ally"] == i, ["world", "actor"]]
                            .rename(columns={"actor": "member"})])
        allied = pd.MultiIndex.from_frame(with_i.astype(np.int64))
        key = pd.MultiIndex.from_arrays([last["world"].astype(np.int64),
                                         last["actor"].astype(np.int64)])
        member = (last["actor"] == i).to_numpy() | (
            (last["strategy"] == follower).to_numpy() & key.isin(allied))
        return _per_world(result, last.loc[member].groupby("world")["share"].sum())

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


def _opposite_sides(result: RunResult) -> pd.DataFrame:
    """(world, year, a, b) for every pair on opposite sides of a war: principals, and each
    ally called in to defend a target against that target's attacker."""
    wars = _war_sides(result)
    ev = result.events
    joined = ev[ev["kind"] == "war_joined"][["world", "year", "actor", "other"]]
    joined = joined.rename(columns={"actor": "helper", "other": "target"})
    via = wars.merge(joined, on=["world", "year", "target"])
    pairs = pd.concat([wars.rename(columns={"attacker": "a", "target": "b"})[
                           ["world", "year", "a", "b"]],
                       via.rename(columns={"attacker": "a", "helper": "b"})[
                           ["world", "year", "a", "b"]]], ignore_index=True)
    return pairs


def side_switches(actor: str) -> Statistic:
    """Partners with whom ``actor`` changed sides: allies it later fought, or enemies it
    later allied with (no permanent friends, no permanent enemies); needs the alliance
    table."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        al = result.alliances
        al = al[(al["actor"] == i) | (al["ally"] == i)]
        partner = np.where(al["actor"] == i, al["ally"], al["actor"])
        allied = pd.DataFrame({"world": al["world"].to_numpy(), "other": partner,
                               "year": al["year"].to_numpy()})
        fights = _opposite_sides(result)
        fights = fights[(fights["a"] == i) | (fights["b"] == i)]
        foe = np.where(fights["a"] == i, fights["b"], fights["a"])
        fought = pd.DataFrame({"world": fights["world"].to_numpy(), "other": foe,
                               "year": fights["year"].to_numpy()})
        key = ["world", "other"]
        a = allied.groupby(key)["year"].agg(["min", "max"])
        f = fought.groupby(key)["year"].agg(["min", "max"])
        both = a.join(f, lsuffix="_ally", rsuffix="_war", how="inner")
        switched = ((both["min_ally"] < both["max_war"]) | (both["min_war"] < both["max_ally"]))
        counts = switched.groupby(level="world").sum()
        return _per_world(result, counts.astype(float))

    return stat


def survives(actor: str) -> Statistic:
    """1 where ``actor`` is alive at the end."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        a = result.actors[(result.actors["year"] == result.actors["year"].max())
                          & (result.actors["actor"] == i)]
        return _per_world(result, a.set_index("world")["alive"].astype(float))

    return stat


def kept(actor: str, column: str) -> Statistic:
    """``actor``'s ``column`` (wealth, military) at the end over its value at the start:
    1 - the share it lost (0 where it died)."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        a = result.actors[result.actors["actor"] == i]
        first = a[a["year"] == 0].set_index("world")[column].astype(float)
        last = a[a["year"] == a["year"].max()].set_index("world")
        ratio = (last[column].astype(float) / first.reindex(last.index).clip(lower=1e-12))
        return _per_world(result, ratio.where(last["alive"].astype(bool), 0.0))

    return stat


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
    comparisons=(Comparison("france_hegemony", low="balancers", high="bandwagoners"),
                 Comparison("france_hegemony", low="balancers", high="null")),
    checks=(Check("france_hegemony", "balancers", "<=", 0.5),),
    worlds=1000,
    mechanisms=("late-entry", "reputation-refusals", "punishment", "alliance-reliability",
                "wedges", "threat-trend", "seeker-cost"),
    notes=("The balancing coalition must do the containing: the balancers arm is compared "
           "with the null (the same world with the coalition, Spain and Bavaria status-quo), "
           "not only with the bandwagoners."),
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
        "qin_bloc_share": ("secondary, not judged: capability share at the end of Qin plus "
                           "the bandwagoners allied with it (the bloc sharing its spoils, "
                           "Schweller 1994)", bloc_share_of("Qin")),
    },
    comparisons=(Comparison("qin_hegemony", low="vertical", high="horizontal"),
                 Comparison("qin_hegemony", low="vertical", high="null:vertical")),
    checks=(Check("qin_hegemony", "vertical", "<=", 0.5),
            Check("qin_unifies", "horizontal", ">=", 0.5)),
    worlds=2000, alliances=True,
    mechanisms=("late-entry", "reputation-refusals", "punishment", "alliance-reliability",
                "wedges", "extraction-decay"),
    notes=("The [params] of both variant files are the Warring States calibration (Qin's "
           "Legalist mobilisation, wars of annihilation, one theatre); see their stylisation. "
           "qin_bloc_share (Qin plus the bandwagoners allied with it) is reported beside "
           "qin_hegemony and judged in no comparison: the verdict stays on Qin's own "
           "hegemony, as the claim states it."),
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
    mechanisms=("amphibious-penalty", "extraction-decay", "concessions", "war-damage",
                "uneven-growth", "misperception"),
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
        "britain_survives": ("Britain is alive at the end", survives("Britain")),
        "britain_wealth": ("Britain's wealth at the end over its wealth at the start (0 if "
                           "dead): 1 - the wealth it lost", kept("Britain", "wealth")),
        "britain_military": ("Britain's military at the end over its military at the start "
                             "(0 if dead): 1 - the military it lost",
                             kept("Britain", "military")),
        "britain_wars": ("wars Britain fought", wars_fought_by("Britain")),
    },
    comparisons=(Comparison("continental_hegemony", low="offshore", high="stays-out"),
                 Comparison("britain_survives", low="engaged", high="offshore"),
                 Comparison("britain_wealth", low="engaged", high="offshore"),
                 Comparison("britain_military", low="engaged", high="offshore")),
    worlds=1000,
    mechanisms=("late-entry", "reputation-refusals", "alliance-reliability",
                "amphibious-penalty", "wedges", "threat-trend", "seeker-cost"),
    notes=("The continental great powers pass the buck (Mearsheimer 2001, ch. 8) and the "
           "offshore balancer reacts when a continental power holds 35% of the continent "
           "(regional_hegemony_share 0.35: an early warning; a trigger at the 50% used to "
           "measure hegemony could only react after the fact). A continental hegemon is any "
           "continental power with half of the continent's capability (in the model it is "
           "most often Austria, rarely France). The cost is what Britain loses -- its survival, "
           "its wealth and its military at the end relative to the start -- not the number of "
           "wars it fights (reported, not judged)."),
))

register(Experiment(
    name="nuclear-peace", claim=5,
    title="Nuclear peace among great powers",
    claim_text=("Secure second strikes on both sides mean (almost) no war between them, while "
                "conventional wars among others go on; give one side resolve near 1 and "
                "deterrence fails."),
    arms=(
        Arm("deterrence", "cold-war-1950", description="both superpowers resolve 0.5."),
        Arm("resolute", "cold-war-1950", changes={"USSR": {"resolve": 0.95}},
            description="the USSR's resolve is near 1 (0.95): it discounts 95% of its own "
                        "destruction, so the verdict tests the measured cost/gain ratio."),
        Arm("resolute-1", "cold-war-1950", changes={"USSR": {"resolve": 1.0}},
            description="reported, not judged: the USSR is willing to be destroyed "
                        "(resolve 1), undeterred by construction."),
        Arm("no-nuclear", "cold-war-1950",
            changes={n: {"nuclear": 0} for n in ("USA", "USSR", "UK", "France")},
            description="the control: the same world without nuclear weapons."),
        Arm("no-accident", "cold-war-1950", overrides={"deterrence_accident": 0.0},
            description="the accident floor's null: deterrence without accidents (an "
                        "accident is drawn once per crisis, when a demand is first "
                        "deterred)."),
        Arm("memory-off", "cold-war-1950", overrides={"deterrence_crisis_memory": False},
            description="the bound where the risk accumulates year by year (Schelling "
                        "1966, ch. 3): an accident is drawn every year a demand is "
                        "deterred, not once per crisis."),
        Arm("veto", "cold-war-1950",
            overrides={"deterrence_rule": "veto", "deterrence_crisis_memory": False},
            description="for comparison: the rule before issue 13, under which a secure "
                        "second strike vetoes every attack by an actor below "
                        "resolve_threshold (an accident drawn every year a demand is "
                        "deterred)."),
    ),
    statistics={
        "superpower_war": ("the USA and the USSR fought on opposite sides",
                           war_between("USA", "USSR")),
        "other_wars": ("wars with neither superpower as attacker or target",
                       wars_without("USA", "USSR")),
    },
    comparisons=(Comparison("superpower_war", low="deterrence", high="no-nuclear"),
                 Comparison("superpower_war", low="deterrence", high="resolute")),
    checks=(Check("superpower_war", "deterrence", "<=", 0.1),
            Check("other_wars", "deterrence", ">=", 1.0)),
    worlds=1000,
    mechanisms=("deterrence", "nuclear-escalation", "nuclear-taboo", "alliance-reliability",
                "concessions", "misperception"),
    notes=("The nuclear peace is measured against a no-nuclear control (the same world, "
           "no state with weapons): the claim is that the weapons, not the rest of the "
           "world, keep the superpowers apart. The UK (first test 1952) and France (1960) "
           "are nuclear-armed without a secure second strike from the start (the scenario "
           "format has no dated changes). Deterrence is a decision, not a rule "
           "(powerbalance.model.deterrence): a would-be attacker goes ahead only when the "
           "expected gain of its attack exceeds the expected cost of retaliation, which "
           "expects what the war model does: the target's side escalates through its "
           "strongest nuclear member, a patron being in the war at its expected help "
           "(commitment x interest against the attacker x reliability: the threat that "
           "leaves something to chance, Schelling 1960, 1966), over the campaigns the war "
           "is expected to last, with the taboo against a non-nuclear attacker (Tannenwald "
           "1999); resolve enters once, as the attacker's own valuation of its destruction "
           "(the challenger's cutoff of Powell 1990's model: it attacks while the risk of "
           "being struck is below G / (G + (1 - r) D)). Against a superpower's arsenal the "
           "devastation risked dwarfs a frontier's stake, so the decision is veto-like by "
           "construction (the nuclear revolution, Jervis 1989): docs/model.md gives the "
           "measured cost/gain ratios. The 'deterrence' ablation sets the cost to zero; the "
           "veto arm is the "
           "old rule and the no-accident arm the null of the accident floor (an accident is "
           "drawn once per crisis, when a demand is first deterred: the model's stated "
           "choice that a challenger which stood down is off the brink); the memory-off arm "
           "is the bound where the risk accumulates year by year (an accident every year a "
           "demand is deterred, Schelling 1966's brinkmanship); these and resolute-1 "
           "(resolve 1) are reported and not judged. The null arm (null:deterrence) is the "
           "deterrence arm's world with every actor but the hegemon-seeking USSR playing "
           "status-quo (NULL_KEEPS): nobody "
           "balances, so the USA and its blocs keep the peacetime burden, propose no "
           "alliance and start no war, but still defend themselves and their allies; "
           "deterrence is on there as in the deterrence arm, so its superpower_war (the "
           "USSR's demands that deterrence lets through, by accident or where the gain "
           "covers the cost, drawing in the USA) measures what balancing adds, not "
           "deterrence: it need not lie above the deterrence arm. "
           "Read with care: the higher other_wars under the "
           "decision rule than under the veto is the taboo term (a non-nuclear attacker "
           "expects little retaliation and is rarely deterred), not the "
           "stability-instability paradox (Snyder 1965; Jervis 1984), which the model cannot "
           "produce since the chance of retaliation does not depend on the size of the "
           "attack; the 'nuclear-escalation' ablation is not separable from deterrence "
           "(without escalation there is no retaliation to fear, so it removes deterrence "
           "itself); and the resolute-1 arm (resolve 1) is undeterred by construction, since "
           "resolve r discounts the attacker's own destruction by 1 - r (under the "
           "alternative resolve_rule = balance it would not be), so the judged resolute arm "
           "is at resolve 0.95, near 1, where the cost is discounted to a twentieth and the "
           "verdict depends on the measured cost/gain ratio (11-14). The umbrella's "
           "record is the patron's record toward every challenger, not toward this one "
           "(Huth 1988 finds the latter matters)."),
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
    mechanisms=("guns-vs-butter", "misperception", "uneven-growth", "threat-trend"),
    notes=("Less secure: each side ends up facing a larger army and poorer (guns instead of "
           "butter), with no relative gain: the military balance stays near parity (with "
           "restraint it drifts with growth shocks, with arming each side matches the other). "
           "Neither side initiates war, so the risk of war itself is not measured."),
))

register(Experiment(
    name="exceptions", claim=7,
    title="Exceptions: where a hegemon does win",
    claim_text=("Parameter regions where a hegemon does win even against a balancing "
                "coalition (weak extraction decay, no sea barrier, long reach) are reachable "
                "and reported (Qin against 合縱, the Mongols' reach)."),
    arms=(
        Arm("balanced", "warring-states-vertical-alliance", strategies=VERTICAL,
            description="the vertical alliance under the Warring States calibration."),
        Arm("exception", "warring-states-vertical-alliance", strategies=VERTICAL,
            overrides={"extraction_midpoint": 1000.0, "sea_cost": 0.0,
                       "reach_midpoint": 40.0},
            description=("the same vertical alliance with no extraction decay, no sea "
                         "barrier and long reach (the Mongols' horse archers).")),
    ),
    statistics={"qin_hegemony": ("Qin is hegemon at the end", hegemony_by("Qin"))},
    comparisons=(Comparison("qin_hegemony", low="balanced", high="exception"),),
    checks=(Check("qin_hegemony", "exception", ">=", 0.2),),
    worlds=1000,
    mechanisms=("late-entry", "reputation-refusals", "punishment", "alliance-reliability",
                "wedges", "concessions"),
    notes=("The named parameters are varied within 合縱 (the six balance in both arms), so "
           "the claim does not restate claim 2. The steppe empire is its own experiment, "
           "mongol-steppe (the Mongols of 1206, with their own mobility and mobilisation)."),
))


register(Experiment(
    name="the-balancer", claim=9,
    title="The balancer: no permanent friends",
    claim_text=("An offshore balancer that backs the rival of whoever nears continental "
                "hegemony changes sides over time (allies with former enemies and fights "
                "former allies) and so prevents a continental hegemon more often than an "
                "insular power that stays out."),
    arms=(
        Arm("stays-out", "europe-1713", overrides=_OFFSHORE_PARAMS,
            strategies={"Britain": "status-quo"},
            description="Britain defends itself and never allies on the continent."),
        Arm("balancer", "europe-1713", overrides=_OFFSHORE_PARAMS,
            strategies={"Britain": "offshore-balancer"},
            description="Britain balances offshore (the continental powers keep the "
                        "scenario's strategies)."),
    ),
    statistics={
        "britain_switches": ("partners with whom Britain changed sides (ally then enemy, or "
                             "enemy then ally)", side_switches("Britain")),
        "continental_hegemony": ("a continental power holds half of the continent's "
                                 "capability in some year",
                                 regional_hegemony_in("europe", share=0.5)),
        "britain_survives": ("Britain is alive at the end", survives("Britain")),
    },
    comparisons=(Comparison("britain_switches", low="stays-out", high="balancer"),
                 Comparison("continental_hegemony", low="balancer", high="stays-out")),
    checks=(Check("britain_switches", "balancer", ">=", 1.0),),
    worlds=500, alliances=True,
    mechanisms=("reputation-refusals", "alliance-reliability", "late-entry", "threat-trend",
                "amphibious-penalty", "concessions"),
    notes=("Palmerston (1848): 'we have no eternal allies, and we have no perpetual enemies'. "
           "A switch is counted once per partner: an ally Britain later fought or an enemy it "
           "later allied with. Changes sides over time: at least one such partner per world "
           "on average."),
))


def _cow_runner(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                confidence: float, options: str = "") -> ExperimentResult:
    from powerbalance.scenarios.cow_scenario import cow_scenario, observed_measures

    started = time.perf_counter()
    spec = options or "1914"
    if not spec.split(",")[0].strip().isdigit():  # options without a year: the default one
        spec = f"1914,{spec}"
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
         "bound": observed["polarity"], "holds": str(first["polarity"]) == observed["polarity"]},
        {"check": "concentration at year 0 equals the data's", "value": float(first["con"]),
         "bound": observed["con"], "holds": abs(float(first["con"]) - observed["con"]) < 1e-6},
    ])
    holds = bool(checks["holds"].all())
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years or 50, seed=seed,
        confidence=confidence, arms=arms, comparisons=pd.DataFrame(), checks=checks,
        holds=holds, seconds=time.perf_counter() - started, runs={"simulation": result},
        notes=(f"{scen.name}: {len(scen.actors)} states; observed polarity "
               f"{observed['polarity']!r}, CON {observed['con']:.3f}"),
    )


#: The tournament of claim 10: balancing, the two expedients, the null and the bid.
_EXPEDIENTS = ("bandwagoner", "buck-passer")
_TOURNAMENT = ("external-balancer", *_EXPEDIENTS, "status-quo", "hegemon-seeker")
#: Reputation off: nobody refuses a partner for its record and nobody punishes defectors.
_NO_REPUTATION = {**MECHANISMS["reputation-refusals"].overrides,
                  **MECHANISMS["punishment"].overrides}
#: Generations of replicator dynamics reported (not judged) by claim 10.
EXPEDIENT_GENERATIONS = 5


def _expedients_runner(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                       confidence: float, options: str = "") -> ExperimentResult:
    from powerbalance.experiments.tournament import tournament

    started = time.perf_counter()
    scenario = exp.arms[0].scenario
    values: dict[tuple[str, str], np.ndarray] = {}
    shares: dict[str, str] = {}
    for arm in exp.arms:
        t = tournament(scenario, list(_TOURNAMENT), worlds=worlds, seed=seed, years=years,
                       overrides=arm.overrides, evolve=EXPEDIENT_GENERATIONS)
        wide = (t.entries.groupby(["world", "strategy"], observed=True)["final_share"].mean()
                .unstack("strategy").reindex(np.arange(worlds)))
        balancer = wide["external-balancer"].to_numpy(dtype=float)
        expedient = wide[list(_EXPEDIENTS)].mean(axis=1).to_numpy(dtype=float)
        values[(arm.label, "advantage")] = balancer - expedient
        for strat in _TOURNAMENT:
            values[(arm.label, strat)] = wide[strat].to_numpy(dtype=float)
        ev = t.evolution
        last = ev[ev["generation"] == ev["generation"].max()].set_index("strategy")["share"]
        shares[arm.label] = ", ".join(f"{k} {float(last[k]):.2f}" for k in _TOURNAMENT)
    rows = [_mean_row(a, s, v, confidence) for (a, s), v in values.items()]
    comparisons, checks, holds = _judge(exp, values, confidence)
    two_sided = (1 + confidence) / 2
    effects = [{"arm": arm.label, "null": "status-quo", "statistic": strat,
                "arm_mean": float(values[(arm.label, strat)].mean()),
                "null_mean": float(values[(arm.label, "status-quo")].mean()),
                **paired_difference(values[(arm.label, strat)],
                                    values[(arm.label, "status-quo")], two_sided)}
               for arm in exp.arms for strat in _TOURNAMENT if strat != "status-quo"]
    per_world = pd.DataFrame({f"{a}:{s}": v for (a, s), v in values.items()})
    per_world.insert(0, "world", np.arange(worlds))
    notes = (exp.notes + f" Replicator dynamics after {EXPEDIENT_GENERATIONS} generations of "
             f"{worlds} worlds (reported, not judged): " +
             "; ".join(f"{k}: {v}" for k, v in shares.items()) + ".")
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years, seed=seed,
        confidence=confidence, arms=pd.DataFrame(rows), comparisons=comparisons,
        checks=checks, holds=holds, seconds=time.perf_counter() - started,
        per_world=per_world, notes=notes, nulls={a.label: "status-quo" for a in exp.arms},
        null_effects=pd.DataFrame(effects))


register(Experiment(
    name="expedients-seen-through", claim=10,
    title="Expedients are seen through (反制)",
    claim_text=("Bandwagoning and buck-passing are short-term expedients that others detect "
                "and counter: with reputation (refusals and punishment of defectors) balancing "
                "does better against them than without it, and better than them, so it is "
                "selected in the long run."),
    arms=(
        Arm("reputation", "warring-states",
            description="a tournament (the strategies rotate through the seats) with "
                        "reputation on."),
        Arm("no-reputation", "warring-states", overrides=_NO_REPUTATION,
            description="the same tournament with nobody refusing a partner for its record "
                        "and nobody punishing defectors."),
    ),
    statistics={
        "advantage": ("mean final share of the balancers minus that of the bandwagoners and "
                      "buck-passers, per world", None),
        **{s: (f"mean final share of the {s} seats", None) for s in _TOURNAMENT},
    },
    comparisons=(Comparison("advantage", low="no-reputation", high="reputation"),),
    checks=(Check("advantage", "reputation", ">=", 0.0),),
    worlds=200, years=100, runner=_expedients_runner, null=False,
    notes=("Tournament of external-balancer, bandwagoner, buck-passer, status-quo and "
           "hegemon-seeker on warring-states (every seat plays every strategy once, the same "
           "worlds in both arms); status-quo is the null. 'Selected' means a positive fitness "
           "advantage, which replicator dynamics turn into a growing share."),
))


register(Experiment(
    name="polarity-from-data", claim=8,
    title="Polarity as an objective state",
    claim_text=("Starting from COW capability data of a given year, the product reports that "
                "year's polarity and concentration and can simulate forward from it."),
    arms=(Arm("simulation", "cow:1914"),),
    statistics={}, comparisons=(), worlds=100, years=50, runner=_cow_runner, reads_data=True,
    notes=("Needs the user's COW data: a folder in POWERBALANCE_DATA (or --option "
           "'1914,data=DIR'). The scenario's capability shares reproduce recomputed CINC."),
))


# ---------------------------------------------------------------------------
# The law of nations (docs/law.md)
# ---------------------------------------------------------------------------

def _per_decade(result: RunResult, rows: pd.DataFrame) -> np.ndarray:
    years = float(result.system["year"].max())
    return _per_world(result, rows.groupby("world").size()) * 10.0 / max(years, 1.0)


def _kinds(result: RunResult, *kinds: str) -> pd.DataFrame:
    ev = result.events
    return ev[ev["kind"].astype(str).isin(kinds)]


def law_violations(result: RunResult, scen: Scenario) -> np.ndarray:
    """Violations per decade: demands backed by force and abandoned allies (counted from the
    war and alliance events, so the same count serves a run without law)."""
    return _per_decade(result, _kinds(result, "demand", "abandoned"))


def law_unpunished(result: RunResult, scen: Scenario) -> np.ndarray:
    """Unpunished violations per decade (without law every violation is unpunished)."""
    if "norm_territory" not in result.system:
        return law_violations(result, scen)
    judged = _kinds(result, "aggression", "treaty_broken")
    return _per_decade(result, judged[judged["value"] <= 0])


def law_punished_share(result: RunResult, scen: Scenario) -> np.ndarray:
    """Share of a world's violations that were sanctioned (NaN in a world without any; 0
    without law, where nobody punishes)."""
    if "norm_territory" not in result.system:
        count = _per_world(result, _kinds(result, "demand", "abandoned").groupby("world").size())
        return np.where(count > 0, 0.0, np.nan)
    return law_summary(result.system, result.events)["punished_share"].to_numpy(dtype=float)


def law_unpunishable(result: RunResult, scen: Scenario) -> np.ndarray:
    """Violations per decade by a violator stronger than every possible coalition (0 without
    law: no coalition is looked for)."""
    judged = _kinds(result, "aggression", "treaty_broken")
    return _per_decade(result, judged[judged["value"] < 0])


def norm_end(result: RunResult, scen: Scenario) -> np.ndarray:
    """Mean strength of the two norms at the end (0 without law: no norms)."""
    if "norm_territory" not in result.system:
        return np.zeros(len(_worlds(result)))
    return law_summary(result.system, result.events)["norm_end"].to_numpy(dtype=float)


def norm_low(result: RunResult, scen: Scenario) -> np.ndarray:
    """The lowest strength the weaker norm reached (0 without law: no norms)."""
    if "norm_territory" not in result.system:
        return np.zeros(len(_worlds(result)))
    return law_summary(result.system, result.events)["norm_low"].to_numpy(dtype=float)


def law_died(result: RunResult, scen: Scenario) -> np.ndarray:
    """1 when the weaker norm fell below ``law_collapse`` (1 without law)."""
    if "norm_territory" not in result.system:
        return np.ones(len(_worlds(result)))
    collapse = float(result.manifest["params"]["law_collapse"])
    died = law_summary(result.system, result.events, collapse)["law_died"]
    return died.to_numpy(dtype=float)


def start_share(result: RunResult, scen: Scenario) -> np.ndarray:
    """The largest actor's capability share in the first year (the dose)."""
    sys = result.system
    return _per_world(result, sys[sys["year"] == 0].set_index("world")["largest_share"])


#: France's start stocks in napoleon-1805 scaled so that its capability share is about the
#: named share (wealth 30.8 and military 8 hold 0.30 of capability; the other powers'
#: stocks are unchanged). The share actually reached is measured (``start_share``).
_DOSES = {10: (8.04, 2.09), 20: (18.14, 4.71), 30: (31.18, 8.09), 40: (48.61, 12.62),
          50: (73.09, 18.98), 60: (109.89, 28.53), 70: (171.33, 44.48)}
_LAW_ON = {"law": True}

register(Experiment(
    name="law-needs-balance", claim=11,
    title="Law needs a balance of power",
    claim_text=("Norms of international law (territorial integrity, keeping treaties) raise "
                "the cost of violating them while others can punish the violator; when one "
                "actor outgrows every possible sanctioning coalition, violations go unpunished "
                "and the norms erode (Polybius; Vattel 1758; Oppenheim 1905; Bull 1977)."),
    arms=(
        *(Arm(f"france-{d}", "napoleon-1805", overrides=_LAW_ON,
              changes={"France": {"wealth": w, "military": m}},
              description=f"law on; France holds about {d}% of capability at the start.")
          for d, (w, m) in _DOSES.items()),
        *(Arm(f"no-law-{d}", "napoleon-1805",
              changes={"France": {"wealth": _DOSES[d][0], "military": _DOSES[d][1]}},
              description=f"the null: France at about {d}% as in france-{d}, no norms at all.")
          for d in (10, 70)),
    ),
    statistics={
        "start_share": ("the largest actor's capability share in the first year (the dose)",
                        start_share),
        "violations": ("violations per decade (demands backed by force, abandoned allies)",
                       law_violations),
        "unpunished": ("unpunished violations per decade", law_unpunished),
        "punished_share": ("share of a world's violations that were sanctioned (worlds "
                           "without violations left out)", law_punished_share),
        "unpunishable": ("violations per decade by a violator stronger than every possible "
                         "coalition", law_unpunishable),
        "norm_low": ("the lowest strength the weaker norm reached (0 without law)",
                     norm_low),
        "norm_end": ("mean strength of the two norms at the end (0 without law)", norm_end),
        "law_died": ("the weaker norm fell below law_collapse (1 without law)", law_died),
    },
    comparisons=(Comparison("norm_end", low="france-70", high="france-10"),
                 Comparison("punished_share", low="france-70", high="france-10"),
                 Comparison("violations", low="no-law-70", low_base="france-70",
                            high="no-law-10", high_base="france-10")),
    worlds=300, null=False,
    mechanisms=("sanctions", "restraint", "free-riding", "concessions", "alliance-reliability"),
    notes=("A dose-response: napoleon-1805 with France (the hegemon-seeker) scaled from about "
           "10% to 70% of capability (start_share is the largest actor's share, Russia's when "
           "France is small), the law of nations on; the null arms no-law-10 and no-law-70 are "
           "the same worlds without norms (the mechanism here is law, so the nulls keep the "
           "balancers). Judged: the norms are stronger at the end, and a larger share of "
           "violations is punished, at france-10 than at france-70; and the violations the "
           "law prevents (no-law minus law) are more at france-10 than at france-70 (an "
           "interaction). The arms between are reported, not judged, and so is the lowest "
           "strength the weaker norm reached (norm_low). A norm grows only as far as its "
           "compliance could be enforced (model.law.enforceable), so it does not regrow under "
           "a hegemon no coalition can punish."),
))


def _settlement_kept(result: RunResult, scen: Scenario) -> np.ndarray:
    """Share of the provinces still held by their owners of the first year at the end:
    sum over actors of min(territory at the end, territory at the start) over all provinces
    (exact unless provinces were exchanged both ways)."""
    act = result.actors
    first, last = act["year"].min(), act["year"].max()
    start = act[act["year"] == first].set_index(["world", "actor"])["territory"]
    end = act[act["year"] == last].set_index(["world", "actor"])["territory"]
    kept = np.minimum(start, end.reindex(start.index, fill_value=0)).groupby("world").sum()
    return _per_world(result, kept / max(scen.province_map.n, 1))


#: The settlement counts as broken once its 1815 owners hold less than this share of the
#: provinces (a stated choice: a tenth of the map changed hands).
SETTLEMENT_BROKEN = 0.9


def _settlement_years(result: RunResult, scen: Scenario) -> np.ndarray:
    """Years the settlement lasted: the first year in which the provinces still held by their
    owners of the first year (as :func:`_settlement_kept`) fell below
    :data:`SETTLEMENT_BROKEN` of the map, censored at the run's length."""
    act = result.actors
    first, last = act["year"].min(), act["year"].max()
    start = act[act["year"] == first].set_index(["world", "actor"])["territory"]
    held = act.set_index(["world", "actor"])
    owned = np.minimum(held["territory"].to_numpy(),
                       start.reindex(held.index, fill_value=0).to_numpy())
    kept = (pd.DataFrame({"world": held.index.get_level_values("world"),
                          "year": held["year"].to_numpy(), "kept": owned})
            .groupby(["world", "year"])["kept"].sum() / max(scen.province_map.n, 1))
    broken = kept[kept < SETTLEMENT_BROKEN].reset_index().groupby("world")["year"].min()
    return _per_world(result, broken - first, fill=float(last - first + 1))


def _event_count(*kinds: str) -> Statistic:
    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        return _per_world(result, _kinds(result, *kinds).groupby("world").size())

    stat.__doc__ = f"Number of {', '.join(kinds)} events per world."
    return stat


def _begun_as(result: RunResult, enforcement: bool) -> pd.DataFrame:
    """The wars begun (``war_begun`` events) initiated as aggression (``enforcement``
    False: judged a breach of territorial integrity, an ``aggression`` event of the same
    world, year, initiator and target) or as the concert's enforcement (True: force a
    member used against an outlaw, which the law layer does not judge a breach). With law
    on every other demand backed by force is judged, so the two partition the wars."""
    keys = ["world", "year", "actor", "other"]
    begun = _kinds(result, "war_begun")[keys]
    judged = _kinds(result, "aggression")[keys].drop_duplicates()
    tagged = begun.merge(judged, on=keys, how="left", indicator=True)
    return tagged[(tagged["_merge"] == "left_only") == enforcement]


def _aggression_wars(result: RunResult, scen: Scenario) -> np.ndarray:
    """Wars begun per world that were not the concert's enforcement (:func:`_begun_as`)."""
    return _per_world(result, _begun_as(result, False).groupby("world").size())


def _interventions(result: RunResult, scen: Scenario) -> np.ndarray:
    """Years per world in which the concert began some war of enforcement (an intervention
    counted once per world-year, however many wars it began)."""
    begun = _begun_as(result, True)
    return _per_world(result, begun.drop_duplicates(["world", "year"]).groupby("world").size())


def _great_power_wars(result: RunResult, scen: Scenario) -> np.ndarray:
    """Wars begun per world between two great powers (``major``), enforcement included."""
    major = [k for k, a in enumerate(scen.actors) if a.major]
    begun = _kinds(result, "war_begun")
    hit = begun["actor"].isin(major) & begun["other"].isin(major)
    return _per_world(result, begun[hit].groupby("world").size())


#: The four allies of 1815 as the arms name them.
ALLIES_1815 = ("Britain", "Austria", "Prussia", "Russia")

register(Experiment(
    name="concert-of-europe", claim=12,
    title="Vienna 1815: a concert against pure balancing",
    claim_text=("A concert of the great powers -- keeping the law, consulting before using "
                "force, policing each other and intervening together against a state that "
                "changes the settlement by force -- keeps the Vienna settlement longer and "
                "with fewer wars of aggression than the same powers balancing under the same "
                "law, judged two ways: the Quadruple Alliance against a revisionist France (a "
                "counterfactual: France at compliance 0, the revolutionary power of Kissinger "
                "1957 was Napoleonic France) and the five-power concert after "
                "Aix-la-Chapelle (1818), France a member with its compliance drawn (Schroeder "
                "1986 and 1994: political equilibrium rather than balance; Elrod 1976; Jervis "
                "1985)."),
    arms=(
        Arm("balance", "vienna-1815-balance",
            description="France bids; the four allies balance under the law of nations "
                        "(norms 0.8, dispositions drawn, free-riding), with no concert."),
        Arm("balance-c1", "vienna-1815-balance", overrides={"law_free_riding": False},
            changes={name: {"compliance": 1.0} for name in ALLIES_1815},
            description="the same, with the four allies' compliance 1 and no free-riding, "
                        "as in the concert: the comparison that differs only by the concert."),
        Arm("concert", "vienna-1815-concert",
            description="the Quadruple Alliance against a revisionist France: balance-c1 with "
                        "the four allies as a concert (consultation, policing, joint "
                        "sanctions, armed intervention by mandate; model.law)."),
        Arm("concert-off", "vienna-1815-concert-off",
            description="the concert's null: the concert named, every concert rule off "
                        "(must equal balance-c1)."),
        Arm("concert-drawn", "vienna-1815-concert",
            changes={"France": {"compliance": None}},
            description="the concert with France outside and its compliance drawn (as "
                        "balance5's France), so restraint can bind it and the concert's "
                        "expected intervention can deter it (reported, against balance5)."),
        Arm("concert-troppau", "vienna-1815-concert",
            overrides={"concert_interveners": "troppau"},
            description="the concert with only the Troppau signatories (Austria, Prussia, "
                        "Russia) taking up arms, Britain abstaining (reported)."),
        Arm("balance5", "vienna-1815-balance", overrides={"law_free_riding": False},
            changes={**{name: {"compliance": 1.0} for name in ALLIES_1815},
                     "France": {"compliance": None}},
            description="balance-c1 with France's compliance drawn (as the five-power "
                        "concert's France), no concert."),
        Arm("concert5", "vienna-1815-concert",
            changes={"France": {"compliance": None, "concert": True}},
            description="the five-power concert after Aix-la-Chapelle (1818): France a "
                        "member, its compliance drawn; still a hegemon-seeker."),
    ),
    statistics={
        "wars": ("wars begun as aggression (not the concert's enforcement)",
                 _aggression_wars),
        "interventions": ("years with a war of the concert's enforcement begun (once per "
                          "world-year)", _interventions),
        "all_wars": ("wars begun, enforcement included", _event_count("war_begun")),
        "great_power_wars": ("wars begun between two great powers, enforcement included",
                             _great_power_wars),
        "state_deaths": ("states that died", _event_count("death")),
        "settlement_kept": ("share of the provinces still held by their 1815 owners at the "
                            "end (the durability of the settlement)", _settlement_kept),
        "settlement_years": ("years until the 1815 owners held less than 0.9 of the "
                             "provinces (censored at the run's length)", _settlement_years),
        "france_hegemony": ("France was hegemon in some year", hegemony_by("France",
                                                                           at_end=False)),
    },
    comparisons=(Comparison("wars", low="concert", high="balance-c1"),
                 Comparison("settlement_kept", low="balance-c1", high="concert"),
                 Comparison("wars", low="concert5", high="balance5"),
                 Comparison("settlement_kept", low="balance5", high="concert5")),
    worlds=300,
    mechanisms=("consultation", "policing", "joint-sanctions", "armed-intervention",
                "concert-deterrence", "norms",
                "sanctions", "restraint", "treaty-keeping", "alliance-reliability",
                "concessions"),
    notes=("Every arm has the law of nations on, norms starting at 0.8 and the dispositions "
           "not fixed drawn the same way (the same LAW stream). Judged: the concert against "
           "balance-c1 (the same four allies at compliance 1 without free-riding, no "
           "concert), so the two differ only by the concert's rules; concert-off (the concert "
           "named, every rule off) is the concert's null and equals balance-c1; balance (the "
           "allies' dispositions drawn, free-riding) is reported. In these three France has "
           "compliance 0: the Quadruple Alliance against a revisionist France, a "
           "counterfactual. The five-power pair (concert5 against balance5) has France a "
           "member after Aix-la-Chapelle (1818) with its compliance drawn. The concert's "
           "rules (model.law): a member attacks only with the assent of every other member "
           "(consensus), a member that breaks the law is sanctioned by all the others "
           "(policing), a non-member's aggression is sanctioned by all of them (joint "
           "sanctions) and, the next year, by one mandated executor -- the strongest member "
           "bordering it, only if it can contend -- in one war, after which a won "
           "intervention restores the provinces taken and the members annex nothing (armed "
           "intervention). With concert_deterrence (the default) the intervention is "
           "expected in advance: a non-member counts the interveners in its target's expected "
           "defence and, if law-bound, the expected intervention cost in its restraint "
           "(Slantchev 2005; Jervis 1985); concert-drawn (France outside, its compliance "
           "drawn) is reported against balance5. Wars are counted without the concert's "
           "enforcement "
           "(interventions are reported apart, once per world-year; all_wars and "
           "great_power_wars count them). Congresses as such are not modelled. State deaths, "
           "the settlement's lifetime and France's hegemony are reported, not judged. Haas "
           "(1953) warns that the same machinery serves a conservative status quo: the "
           "concert answers every change by force, just or not."),
))


# ---------------------------------------------------------------------------
# Issue 13, item 4: the security dilemma where war is possible (claim 6)
# ---------------------------------------------------------------------------

def wars_begun(result: RunResult, scen: Scenario) -> np.ndarray:
    """Number of wars begun per world (onsets in the wars table, each war once)."""
    return _per_world(result, result.wars.groupby("world").size())


def attacked_by(attacker: str, target: str) -> Statistic:
    """1 where ``attacker`` began a war on ``target`` in some year."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        ia, it = actor_index(scen, attacker), actor_index(scen, target)
        w = result.wars
        hit = (w["initiator"] == ia) & (w["target"] == it)
        return _per_world(result, hit.groupby(w["world"]).any().astype(float))

    return stat


def arms_growth(result: RunResult, scen: Scenario) -> np.ndarray:
    """Total military of the live actors at the end over the total at the start."""
    a = result.actors
    live = a[a["alive"]]
    first = live[live["year"] == 0].groupby("world")["military"].sum()
    last = live[live["year"] == live["year"].max()].groupby("world")["military"].sum()
    return _per_world(result, last / first.reindex(last.index).clip(lower=1e-12))


#: Arming not read as threat: a rival's rise is not projected (trend_horizon 0) and no
#: declining power strikes a rising challenger preventively (preventive_ratio at the top of
#: its range, a share ratio no challenger reaches while the striker's odds clear attack_odds).
_UNREAD = {**MECHANISMS["threat-trend"].overrides, **MECHANISMS["preventive-war"].overrides}

register(Experiment(
    name="security-dilemma-war", claim=6,
    title="The security dilemma where war is possible (spiral or deterrence)",
    claim_text=("Jervis's spiral model: where war is possible, a security seeker's arming is "
                "read as a threat, so it raises the chance that the rival attacks it and lowers "
                "its chance of surviving, and it does so because it is read as a threat (with "
                "arming not read as threat the rise in war disappears)."),
    arms=(
        Arm("restraint", "security-dilemma-war", strategies={"Athens": "status-quo"},
            description="Athens keeps the peacetime burden; Sparta may strike."),
        Arm("arming", "security-dilemma-war", strategies={"Athens": "internal-balancer"},
            description="Athens arms against Sparta's projected forces; Sparta may strike."),
        Arm("arming-unread", "security-dilemma-war", overrides=dict(_UNREAD),
            strategies={"Athens": "internal-balancer"},
            description="Athens arms, but its arming is not read as threat (no projection "
                        "of its rise, no preventive strike)."),
    ),
    statistics={
        "athens_attacked": ("Sparta began a war on Athens (the probability of being "
                            "attacked)", attacked_by("Sparta", "Athens")),
        "athens_survives": ("Athens is alive at the end", survives("Athens")),
        "war_onsets": ("wars begun per world", wars_begun),
        "arms_growth": ("total military at the end over the total at the start",
                        arms_growth),
        "burden": ("military stock over wealth at the end (mean of the live)",
                   final_actor_mean("military", ratio_to="wealth")),
    },
    comparisons=(Comparison("athens_attacked", low="restraint", high="arming"),
                 Comparison("athens_survives", low="arming", high="restraint"),
                 Comparison("war_onsets", low="restraint", high="arming"),
                 Comparison("war_onsets", low="arming-unread", high="arming")),
    worlds=500,
    mechanisms=("misperception", "guns-vs-butter", "uneven-growth", "war-damage",
                "concessions"),
    notes=("The spiral model against the deterrence model (Jervis 1976, ch. 3): the "
           "restraint arm is the arming arm's null (Athens status-quo), and arming-unread "
           "(null: the same world with Athens status-quo) switches off the two channels by "
           "which the engine reads arming as threat, trend projection and Sparta's preventive "
           "strike. The engine has no offence-defence balance parameter (Glaser & Kaufmann "
           "1998) and no distinguishability of defensive arming (Jervis 1978); neither is "
           "varied. Sparta is a hegemon-seeker: no shipped strategy is a security seeker that "
           "may strike out of fear, so the spiral can run only through its preventive trait."),
))


# ---------------------------------------------------------------------------
# Issue 13, item 4: polarity from data, forward and out of sample (claim 8)
# ---------------------------------------------------------------------------

#: Start years of the forward runs: the Concert of Europe, after German unification,
#: after the First World War, after the Second.
FORWARD_STARTS = (1816, 1870, 1919, 1946)
#: Years on at which the simulation is compared with the observed system.
FORWARD_HORIZONS = (25, 50)
#: The measures compared (columns of the system table and of the observed system).
FORWARD_MEASURES = ("con", "largest_share")


def _observed_system(scen: Scenario) -> dict[str, Any]:
    """Polarity, CON and the largest share of the data a ``cow:`` scenario came from."""
    from powerbalance.scenarios.cow_scenario import observed_measures

    cinc = np.array([(a.wealth or 0.0) + (a.military or 0.0) for a in scen.actors])
    return {**observed_measures(scen), "largest_share": float(cinc.max() / cinc.sum())}


def _forward_options(options: str) -> tuple[list[int], list[int], str]:
    """Start years, horizons and the remaining ``cow:`` options of ``--option``
    (``starts=1816 1870``, ``horizons=25 50``, then any cow option such as ``data=DIR``)."""
    starts, horizons, rest = list(FORWARD_STARTS), list(FORWARD_HORIZONS), []
    for item in (p.strip() for p in options.split(",") if p.strip()):
        key, _, value = item.partition("=")
        if key in ("starts", "horizons"):
            try:
                numbers = [int(v) for v in value.split()]
            except ValueError:
                numbers = []
            if not numbers or min(numbers) < (1 if key == "horizons" else 0):
                raise InputError(f"bad value {value!r}", source="--option", field=key,
                                 allowed="years separated by spaces, e.g. 1816 1870")
            if key == "starts":
                starts = numbers
            else:
                horizons = numbers
        else:
            rest.append(item)
    return starts, sorted(set(horizons)), ",".join(rest)


def _forward_runner(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                    confidence: float, options: str = "") -> ExperimentResult:
    """Start from the observed system of each start year, run forward, and compare the
    simulated polarity and concentration at each horizon with the observed (out of sample)
    and with two nulls: persistence (the system stays as at the start) and a random walk of
    the start's shares (log shares drift by N(0, growth_noise) a year, no politics)."""
    from powerbalance.scenarios.cow_scenario import cow_scenario

    started = time.perf_counter()
    starts, horizons, rest = _forward_options(options)
    if years is not None and "horizons=" not in options:  # --years N: one horizon, N years
        horizons = [years]
    suffix = f",{rest}" if rest else ""
    walk = np.random.default_rng(derived_seed(seed, "random-walk"))
    errors: dict[tuple[str, str], list[np.ndarray]] = {}
    match: dict[str, list[np.ndarray]] = {}
    rows: list[dict[str, Any]] = []
    runs: dict[str, RunResult] = {}
    for t in starts:
        scen = cow_scenario(f"{t}{suffix}", source=f"cow:{t}")
        start = _observed_system(scen)
        result = run(scen, years=max(horizons), worlds=worlds, seed=seed, record="system")
        runs[f"from-{t}"] = result
        sysm = result.system
        cinc = np.array([(a.wealth or 0.0) + (a.military or 0.0) for a in scen.actors])
        sigma = float(scen.make_params().growth_noise)
        for h in horizons:
            observed = _observed_system(cow_scenario(f"{t + h}{suffix}", source=f"cow:{t + h}"))
            at = sysm[sysm["year"] == h].sort_values("world")
            drift = np.log(cinc)[None, :] + walk.normal(0.0, sigma * math.sqrt(h),
                                                        (worlds, len(cinc)))
            shares = np.exp(drift - drift.max(axis=1, keepdims=True))
            shares /= shares.sum(axis=1, keepdims=True)
            from powerbalance.analysis.distribution import POLARITY_NAMES, concentration, polarity

            walked = {"con": concentration(shares), "largest_share": shares.max(axis=1),
                      "polarity": np.array([POLARITY_NAMES[int(c)] for c in polarity(shares)])}
            predictions = {
                "model": {m: at[m].to_numpy(dtype=float) for m in FORWARD_MEASURES}
                | {"polarity": at["polarity"].astype(str).to_numpy()},
                "persistence": {m: np.full(worlds, float(start[m])) for m in FORWARD_MEASURES}
                | {"polarity": np.full(worlds, start["polarity"])},
                "random-walk": walked,
            }
            for arm, pred in predictions.items():
                for m in FORWARD_MEASURES:
                    err = np.abs(np.asarray(pred[m], dtype=float) - float(observed[m]))
                    errors.setdefault((arm, m), []).append(err)
                    rows.append({"start": t, "horizon": h, "arm": arm, "measure": m,
                                 "observed": float(observed[m]), "start_value": float(start[m]),
                                 "predicted": float(np.mean(pred[m])),
                                 "abs_error": float(err.mean())})
                hit = (np.asarray(pred["polarity"]) == observed["polarity"]).astype(float)
                match.setdefault(arm, []).append(hit)
                rows.append({"start": t, "horizon": h, "arm": arm, "measure": "polarity",
                             "observed": observed["polarity"], "start_value": start["polarity"],
                             "predicted": pd.Series(pred["polarity"]).mode().iloc[0],
                             "abs_error": float(1.0 - hit.mean())})
    values: dict[tuple[str, str], np.ndarray] = {}
    for (arm, m), parts in errors.items():
        values[(arm, f"{m}_error")] = np.mean(parts, axis=0)  # per world, over the cases
    for arm, parts in match.items():
        values[(arm, "polarity_match")] = np.mean(parts, axis=0)
    arms = pd.DataFrame([_mean_row(a, s, v, confidence) for (a, s), v in values.items()])
    comparisons, checks, holds = _judge(exp, values, confidence)
    two_sided = (1 + confidence) / 2
    effects = [{"arm": "model", "null": null, "statistic": stat,
                "arm_mean": float(values[("model", stat)].mean()),
                "null_mean": float(values[(null, stat)].mean()),
                **paired_difference(values[("model", stat)], values[(null, stat)], two_sided)}
               for null in ("persistence", "random-walk")
               for stat in ("con_error", "largest_share_error", "polarity_match")]
    per_world = pd.DataFrame({f"{a}:{s}": v for (a, s), v in values.items()})
    per_world.insert(0, "world", np.arange(worlds))
    cases = pd.DataFrame(rows).set_index(["start", "horizon", "measure", "arm"]).sort_index()
    lines = []
    for (t, h) in dict.fromkeys((r["start"], r["horizon"]) for r in rows):
        con = cases.loc[(t, h, "con")]
        pol = cases.loc[(t, h, "polarity")]
        lines.append(f"{t}+{h}: observed {pol.loc['model', 'observed']}, CON "
                     f"{con.loc['model', 'observed']:.3f}; model CON "
                     f"{con.loc['model', 'predicted']:.3f} (polarity "
                     f"{pol.loc['model', 'predicted']}), persistence "
                     f"{con.loc['persistence', 'predicted']:.3f}, random walk "
                     f"{con.loc['random-walk', 'predicted']:.3f}")
    wars = ", ".join(f"{t}: {len(r.wars) / worlds:.2f}" for t, r in
                     ((k.removeprefix("from-"), r) for k, r in runs.items()))
    notes = (exp.notes + " Cases (start + years on): " + "; ".join(lines) + ". Wars begun "
             f"per world in the forward runs ({max(horizons)} years): {wars}.")
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=max(horizons), seed=seed,
        confidence=confidence, arms=arms, comparisons=comparisons, checks=checks, holds=holds,
        seconds=time.perf_counter() - started, runs=runs, per_world=per_world, notes=notes,
        nulls={"model": "persistence"}, null_effects=pd.DataFrame(effects))


register(Experiment(
    name="polarity-forward", claim=8,
    title="Polarity from data, forward and out of sample",
    claim_text=("Started from the COW capabilities of 1816, 1870, 1919 and 1946, the model's "
                "concentration, largest share and polarity 25 and 50 years on are closer to the "
                "observed ones than persistence (the system stays as it was) and than a random "
                "walk of the starting shares."),
    arms=(Arm("model", "cow:1816", description="the model run forward from the COW system "
              "of each start year (cow:1816, cow:1870, cow:1919, cow:1946)"),
          Arm("persistence", "cow:1816", description="the null: the system stays as it was "
              "at the start year"),
          Arm("random-walk", "cow:1816", description="the null: each starting log share "
              "drifts by N(0, growth_noise) a year, no politics")),
    statistics={
        "con_error": ("|CON predicted - CON observed|, mean over the start years and "
                      "horizons, per world", None),
        "largest_share_error": ("|largest share predicted - observed|, mean over the cases, "
                                "per world", None),
        "polarity_match": ("share of the cases whose predicted polarity class is the "
                           "observed one, per world", None),
    },
    comparisons=(Comparison("con_error", low="model", high="persistence"),
                 Comparison("con_error", low="model", high="random-walk"),
                 Comparison("largest_share_error", low="model", high="persistence"),
                 Comparison("largest_share_error", low="model", high="random-walk"),
                 Comparison("polarity_match", low="persistence", high="model")),
    worlds=100, runner=_forward_runner, null=False, reads_data=True,
    notes=("Needs the user's COW data (POWERBALANCE_DATA or --option data=DIR; also "
           "starts=1816 1870 and horizons=25 50; --years N is the one horizon N). Out of "
           "sample: the runs start from year t only; the observed values of t + 25 and "
           "t + 50 are read afterwards, from all the "
           "states of that year (states born after t are in the observed system, never in "
           "the model's). The random walk moves each starting log share by N(0, growth_noise "
           "x sqrt(years)), seeded from the master seed."),
))


# ---------------------------------------------------------------------------
# Issue 13, item 4: a steppe empire against sedentary states (claim 7)
# ---------------------------------------------------------------------------

def territory_share(actor: str) -> Statistic:
    """``actor``'s share of the map's provinces at the end (0 where it died)."""

    def stat(result: RunResult, scen: Scenario) -> np.ndarray:
        i = actor_index(scen, actor)
        a = result.actors
        last = a[(a["year"] == a["year"].max()) & (a["actor"] == i)].set_index("world")
        share = last["territory"].astype(float) / scen.province_map.n
        return _per_world(result, share.where(last["alive"].astype(bool), 0.0))

    return stat


_SEDENTARY = ("Xia", "Jin", "Song", "Khwarazm")
#: The dose-response of mongol-steppe over ``Params.mobilisation_scale``: the ends of its
#: plausible range (:mod:`powerbalance.experiments.plausible`: steppe shares under arms of
#: 7-15 percent against 1-2, May 2007; Khazanov 1984); the balancing arm is the dose 1.
STEPPE_MOBILISATION_DOSES = (0.65, 1.41)
#: The Mongols' mobilisation in mongol-steppe-1206 (the scenario cites it: May 2007).
STEPPE_MOBILISATION = 6.8
#: What the sedentary states did (Morgan 1986): Xia submitted (1209-10), Song allied with the
#: Mongols against Jin (1233), Khwarazm stood alone, Jin fought on and sought allies.
_STEPPE_HISTORICAL = {"Xia": "bandwagoner", "Song": "bandwagoner", "Khwarazm": "buck-passer",
                      "Jin": "external-balancer"}

register(Experiment(
    name="mongol-steppe", claim=7,
    title="Exceptions: a mobile steppe hegemon against balancing (the Mongols, 1206)",
    claim_text=("A balancing coalition of the sedentary states stops a mobile steppe hegemon: "
                "with Xia, Jin, Song and Khwarazm all balancing, the Mongols end hegemonic less "
                "often than when nobody balances (the null) and than under the historical "
                "division, and in fewer than half of the worlds. Tested on reach and numbers "
                "only: the engine has no military quality, so the horse archers' edge in "
                "battle is not in the test."),
    arms=(
        Arm("balancing", "mongol-steppe-1206",
            strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
            description="the four sedentary states balance against the strongest threat."),
        Arm("historical", "mongol-steppe-1206", strategies=_STEPPE_HISTORICAL,
            description="Xia and Song bandwagon, Khwarazm passes the buck, Jin balances."),
        Arm("balancing-no-mobility", "mongol-steppe-1206",
            strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
            changes={"Mongols": {"mobility": 1.0}},
            description="balancing against Mongols without their cavalry mobility (the "
                        "engine's default reach for every actor)."),
        Arm("balancing-shared-reach", "mongol-steppe-1206",
            strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
            changes={"Mongols": {"mobility": 1.0}},
            overrides={"reach_midpoint": 4.0 * Params().reach_midpoint},
            description="balancing when every actor has the steppe's long reach (the "
                        "scenario before per-actor mobility: reach_midpoint 40 for all)."),
        Arm("balancing-no-mobilisation", "mongol-steppe-1206",
            strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
            changes={"Mongols": {"mobilisation": 1.0}},
            description="balancing against Mongols whose spending buys what a sedentary "
                        "state's does (mobility kept)."),
        Arm("balancing-neither", "mongol-steppe-1206",
            strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
            changes={"Mongols": {"mobility": 1.0, "mobilisation": 1.0}},
            description="balancing against Mongols with neither their mobility nor their "
                        "mobilisation."),
        # The dose is the Mongols' own field, 6.8 ** scale, which is what mobilisation_scale
        # does to it, so that --ablate's 'mobilisation' (mobilisation_scale 0) and the
        # robustness band still vary it in every arm.
        *(Arm(f"balancing-mobilisation-{scale}", "mongol-steppe-1206",
              strategies=dict.fromkeys(_SEDENTARY, "external-balancer"),
              changes={"Mongols": {"mobilisation": STEPPE_MOBILISATION ** scale}},
              description=f"dose: balancing with the Mongols' mobilisation at "
                          f"mobilisation_scale {scale} (6.8 ** {scale} = "
                          f"{STEPPE_MOBILISATION ** scale:.1f}; the balancing arm is the dose "
                          "1).")
          for scale in STEPPE_MOBILISATION_DOSES),
    ),
    statistics={
        "mongol_hegemony": ("the Mongols are hegemon at the end", hegemony_by("Mongols")),
        "mongol_ever_hegemon": ("the Mongols were hegemon in some year",
                                hegemony_by("Mongols", at_end=False)),
        "mongol_territory": ("the Mongols' share of the provinces at the end",
                             territory_share("Mongols")),
        "mongols_survive": ("the Mongols are alive at the end", survives("Mongols")),
        "mongol_wars": ("wars the Mongols fought (attacker, target or ally called in)",
                        wars_fought_by("Mongols")),
    },
    comparisons=(Comparison("mongol_hegemony", low="balancing", high="null:balancing"),
                 Comparison("mongol_hegemony", low="balancing", high="historical")),
    checks=(Check("mongol_hegemony", "balancing", "<=", 0.5),),
    worlds=500,
    mechanisms=("late-entry", "reputation-refusals", "alliance-reliability", "extraction-decay",
                "threat-trend", "concessions", "mobility", "mobilisation"),
    notes=("The figures of the scenario are illustrative orders of magnitude (May 2007; "
           "Allsen 1987; Morgan 1986). The null is the same world with the four sedentary "
           "states status-quo. The steppe's edge is its mobilisation (military near its "
           "wealth) and its own cavalry mobility (mobility 4 for the Mongols alone: a "
           "modelling choice, see the scenario; the engine has no military quality); "
           "balancing-no-mobility removes that mobility, balancing-shared-reach gives the "
           "long reach to everyone, as the scenario did before per-actor mobility. The map's "
           "links are march distances (70 km a step, see the scenario), so mobility changes "
           "the force arriving: 0.89 of the Mongols' force reaches Zhongdu with mobility 4, "
           "0.001 with mobility 1. Mobilisation: a unit of the Mongols' spending buys 6.8 "
           "times the military it buys a sedentary state (the ratio of the shares under arms, "
           "about 9.5 percent against 1-2; May 2007, Khazanov 1984, Barfield 1989; see the "
           "scenario), for the base effort only: the bid's extra effort above base_spend "
           "buys what it buys a sedentary state (the 1206 shares are the steppe's "
           "mobilisation, not its strategy's effort); balancing-no-mobilisation removes it, "
           "balancing-neither removes both, each with its own null, and --ablate switches "
           "each off in every arm (mechanisms 'mobility' and 'mobilisation'). Dose-response: "
           "balancing-mobilisation-0.65 and -1.41 (with the balancing arm at 1) set the "
           "Mongols' mobilisation to 6.8 ** s at the ends s of mobilisation_scale's plausible "
           "range (3.5 and 14.9), each with its own null; "
           "read mongol_wars and mongol_territory along the dose. No military quality: no "
           "source found gives a defensible combat-effectiveness ratio for the horse "
           "archers (docs/model.md), so there is no quality arm; the claim tests reach and "
           "numbers only. Where the null's Mongol hegemony is 0 as well, balancing is not "
           "tested: the Mongols are too weak to need stopping, and the comparisons cannot "
           "hold. The dose need not be monotone: the hegemon-seeker prices a unit of forces "
           "lost as a unit of wealth (strategies/hegemon_seeker.py), though the steppe's base "
           "effort buys it cheaper, so a larger army raises its expected cost of war and it "
           "demands less."),
))


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def _mean_row(arm: str, stat: str, values: np.ndarray, confidence: float) -> dict[str, Any]:
    """Mean with its interval: Wilson for 0/1 statistics, Student t otherwise."""
    values = values[np.isfinite(values)]  # a share is NaN in a world without cases
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
                   progress: Callable[[int, int], None] | None = None,
                   ablation: bool = False, robustness: int = 0,
                   probe_worlds: int | None = None) -> ExperimentResult:
    """Run an experiment's arms and null arms with common random numbers and judge its claim.

    ``confidence`` is the one-sided confidence of each comparison (the claim
    holds when the lower bound of high - low is above zero) and of each check.
    ``progress`` is called with (years done, total years) over all arms.
    ``ablation`` also runs :func:`ablate` and ``robustness`` > 0 runs
    :func:`robustness_band` with that many parameter sets, each at ``probe_worlds``
    worlds per arm (default: ``worlds``); their tables are attached to the result
    (and written with it).

    >>> r = run_experiment("stopping-power-of-water", worlds=8, years=40, seed=1)
    >>> list(r.arms["arm"].unique())
    ['ocean', 'no-ocean']
    >>> r.nulls  # nobody balances in two-continents: each arm is its own null
    {'ocean': 'ocean', 'no-ocean': 'no-ocean'}
    """
    exp = name if isinstance(name, Experiment) else get(name)
    if out is not None:  # refuse a bad --out before anything runs
        from powerbalance.outputs import Output, check_output

        check_output(Output(Path(out), "experiment", folder=True), force)
    worlds = exp.worlds if worlds is None else worlds
    _check_worlds(worlds, "--worlds")
    if not 0.5 < confidence < 1:
        raise InputError(f"{confidence}", source="--confidence", field="confidence",
                         allowed="a number between 0.5 and 1")
    if isinstance(robustness, bool) or not isinstance(robustness, int) or robustness < 0:
        raise InputError(f"{robustness!r}", source="--robustness", field="N",
                         allowed="an integer >= 0")
    probe = worlds if probe_worlds is None else probe_worlds
    _check_worlds(probe, "--probe-worlds")
    arena = exp.name in ARENA_STATISTICS
    if exp.runner is not None and not arena and (ablation or robustness):
        raise InputError(f"{exp.name} compares no arms", source="--ablate/--robustness",
                         field="NAME", allowed="an experiment with arms and comparisons")
    years = years if years is not None else exp.years
    if exp.runner is not None:
        result = exp.runner(exp, worlds=worlds, seed=seed, years=years,
                            confidence=confidence, options=options)
        if ablation:
            result.ablation = arena_ablate(exp, worlds=probe, seed=seed, years=years,
                                           confidence=confidence, options=options)
        if robustness:
            result.robustness = robustness_band(exp, robustness, worlds=probe, seed=seed,
                                                years=years, confidence=confidence,
                                                options=options)
    else:
        result = _run_arms(exp, worlds, seed, years, confidence, keep_runs or out is not None,
                           progress)
        if ablation:
            result.ablation = ablate(exp, worlds=probe, seed=seed, years=years,
                                     confidence=confidence, baseline=result)
        if robustness:
            result.robustness = robustness_band(exp, robustness, worlds=probe, seed=seed,
                                                years=years, confidence=confidence)
    if out is not None:
        result.write(out, force=force)
    return result


def _check_worlds(worlds: object, source: str) -> None:
    if isinstance(worlds, bool) or not isinstance(worlds, int) or worlds < 2:
        raise InputError(f"{worlds!r}", source=source, field="worlds",
                         allowed="an integer >= 2")


#: Strategies the null arm keeps: the bid itself and those who already do nothing.
NULL_KEEPS = ("hegemon-seeker", "status-quo")


def _freeze(d: dict[str, Any]) -> str:
    return json.dumps(d, sort_keys=True, default=str)


def null_arms(exp: Experiment) -> tuple[tuple[Arm, ...], dict[str, str]]:
    """The null arms of an experiment and, for each arm, the label of its null.

    An arm's null is the same world (scenario, parameter overrides, actor
    changes) with nobody balancing, bandwagoning, passing the buck or doing
    anything else but the bid: every actor whose strategy is not in
    :data:`NULL_KEEPS` plays ``status-quo``. Arms that share a world share a
    null (``null``, or ``null:ARM`` when the arms run several worlds); an arm
    that already is its own null (nothing to switch off) is not run twice.

    >>> extra, of = null_arms(get("waltz-balance"))
    >>> [a.label for a in extra], of
    (['null'], {'balancers': 'null', 'bandwagoners': 'null'})
    """
    groups: dict[tuple[str, str, str], list[Arm]] = {}
    for arm in exp.arms:
        groups.setdefault((arm.scenario, _freeze(arm.overrides), _freeze(arm.changes)),
                          []).append(arm)
    extra: list[Arm] = []
    of: dict[str, str] = {}
    for members in groups.values():
        base = members[0]
        scen = base.build()
        quiet = {a.name: "status-quo" for a in scen.actors if a.strategy not in NULL_KEEPS}
        null = Arm("null" if len(groups) == 1 else f"null:{base.label}", base.scenario,
                   overrides=dict(base.overrides), strategies=quiet,
                   changes={k: dict(v) for k, v in base.changes.items()},
                   description="the same world with nobody balancing, bandwagoning or "
                               "passing the buck (" + (", ".join(quiet) or "nobody") +
                               " status-quo)")
        target = tuple(a.strategy for a in null.build().actors)
        same = [a for a in members if tuple(s.strategy for s in a.build().actors) == target]
        label = same[0].label if same else null.label
        if not same:
            extra.append(null)
        for a in members:
            of[a.label] = label
    return tuple(extra), of


def all_arms(exp: Experiment) -> dict[str, Arm]:
    """Every arm of an experiment by label, its null arms included."""
    extra, _ = null_arms(exp) if exp.null else ((), {})
    arms = {a.label: a for a in (*exp.arms, *extra)}
    return arms


def _arm_values(exp: Experiment, arms: list[Arm], worlds: int, seed: int, years: int | None,
                extra: dict[str, Any] | None = None, keep_runs: bool = False,
                progress: Callable[[int, int], None] | None = None
                ) -> tuple[dict[tuple[str, str], np.ndarray], dict[str, RunResult]]:
    """Every statistic of every arm per world; ``extra`` overrides apply under each arm's own."""
    scenarios = {arm.label: arm.build() for arm in arms}
    merged = {arm.label: {**(extra or {}), **arm.overrides} for arm in arms}
    for arm in arms:  # validate every override before anything runs
        scenarios[arm.label].make_params(merged[arm.label], source=f"arm {arm.label}")
    values: dict[tuple[str, str], np.ndarray] = {}
    runs: dict[str, RunResult] = {}
    for index, arm in enumerate(arms):
        scen = scenarios[arm.label]

        def tick(done: int, total: int, index: int = index) -> None:  # arm's years -> all arms'
            if progress is not None:
                progress(index * total + done, len(arms) * total)

        record = "full" if keep_runs or exp.alliances else "system"  # alliances cost time
        result = run(scen, years=years, worlds=worlds, seed=seed, overrides=merged[arm.label],
                     record=record, progress=tick)
        for stat, (_, fn) in exp.statistics.items():
            if fn is None:
                raise InputError(f"statistic {stat!r} is computed by the experiment's runner",
                                 source=f"experiment {exp.name}", field="statistics",
                                 allowed="a per-world function")
            values[(arm.label, stat)] = fn(result, scen)
        if keep_runs:
            runs[arm.label] = result
    return values, runs


def _judge(exp: Experiment, values: dict[tuple[str, str], np.ndarray], confidence: float
           ) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Comparisons, checks and the verdict: the claim holds when every part of it holds."""
    comp_rows = []
    for c in exp.comparisons:
        high, low = c.sides(values)
        both = np.isfinite(high) & np.isfinite(low)  # a share is NaN in a world without cases
        diff = paired_difference(high[both], low[both], confidence)
        low_label = c.low if c.low_base is None else f"{c.low} - {c.low_base}"
        high_label = c.high if c.high_base is None else f"{c.high} - {c.high_base}"
        comp_rows.append({
            "statistic": c.statistic, "low": low_label, "high": high_label,
            "low_mean": float(low[both].mean()) if both.any() else math.nan,
            "high_mean": float(high[both].mean()) if both.any() else math.nan,
            **diff, "holds": bool(diff["ci_low"] > 0),
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
        })
    holds = all(r["holds"] for r in comp_rows) and all(r["holds"] for r in check_rows)
    return pd.DataFrame(comp_rows), pd.DataFrame(check_rows), holds


def _needed(exp: Experiment) -> list[str]:
    """Labels of the arms the verdict reads (comparisons and checks), in arm order."""
    used = {a for c in exp.comparisons for a in c.arms()}
    used |= {k.arm for k in exp.checks}
    return [label for label in all_arms(exp) if label in used]


def _run_arms(exp: Experiment, worlds: int, seed: int, years: int | None,
              confidence: float, keep_runs: bool,
              progress: Callable[[int, int], None] | None = None) -> ExperimentResult:
    started = time.perf_counter()
    arms = all_arms(exp)
    _, of = null_arms(exp) if exp.null else ((), {})
    for c in exp.comparisons:
        for label in c.arms():
            if label not in arms:
                raise InputError(f"unknown arm {label!r}", source=f"experiment {exp.name}",
                                 field="comparison", allowed=", ".join(arms))
    values, runs = _arm_values(exp, list(arms.values()), worlds, seed, years,
                               keep_runs=keep_runs, progress=progress)
    rows = [_mean_row(a, s, v, confidence) for (a, s), v in values.items()]
    comparisons, checks, holds = _judge(exp, values, confidence)
    effect_rows = []
    two_sided = (1 + confidence) / 2
    for arm in exp.arms:
        null = of.get(arm.label)
        if null is None or null == arm.label:
            continue
        for stat in exp.statistics:
            d = paired_difference(values[(arm.label, stat)], values[(null, stat)], two_sided)
            effect_rows.append({"arm": arm.label, "null": null, "statistic": stat,
                                "arm_mean": float(values[(arm.label, stat)].mean()),
                                "null_mean": float(values[(null, stat)].mean()), **d})
    per_world = pd.DataFrame({f"{a}:{s}": v for (a, s), v in values.items()})
    per_world.insert(0, "world", np.arange(worlds))
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years, seed=seed,
        confidence=confidence, arms=pd.DataFrame(rows), comparisons=comparisons,
        checks=checks, holds=holds, seconds=time.perf_counter() - started, runs=runs,
        per_world=per_world, notes=exp.notes, nulls=dict(of),
        null_effects=pd.DataFrame(effect_rows),
    )


# ---------------------------------------------------------------------------
# Mechanism attribution and robustness
# ---------------------------------------------------------------------------

def applicable_mechanisms(exp: Experiment) -> list[Mechanism]:
    """The mechanisms an ablation of ``exp`` switches off: those it lists (default: all),
    less any that changes a parameter an arm sets itself (that parameter is the treatment)."""
    treated = {k for a in exp.arms for k in a.overrides}
    names = exp.mechanisms or tuple(MECHANISMS)
    return [mechanism(n) for n in names if not set(mechanism(n).overrides) & treated]


def _primary(exp: Experiment) -> Comparison:
    if not exp.comparisons:
        raise InputError(f"{exp.name} has no comparison", source=f"experiment {exp.name}",
                         field="comparisons", allowed="at least one comparison")
    return exp.comparisons[0]


@dataclass
class Ablation:
    """How the claim's statistic (the first comparison's paired difference) and each arm's
    level against its null arm move when each mechanism is switched off.

    ``carrier`` names the mechanism whose removal moves the difference furthest towards no
    difference (None when no removal moves it there beyond its interval). A difference can
    stay put while both arms' levels move together (the whole system shifts), so each arm's
    level, and its effect against its null arm (arm - null, paired by world), are ablated
    too (``levels``): ``level_carrier`` names the mechanism whose removal moves some arm's
    level furthest, ``null_carrier`` the one whose removal moves some arm's effect against
    its null furthest towards zero (each None when no move is beyond its interval)."""

    statistic: str
    low: str
    high: str
    worlds: int
    confidence: float
    baseline: dict[str, float]
    table: pd.DataFrame
    """One row per mechanism: difference with its two-sided interval, the move (ablated -
    baseline, paired by world) with its interval, and whether it is towards no difference."""
    carrier: str | None
    levels: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per mechanism (``none``: the baseline) x arm (null arms included): the arm's
    level with its interval, its move against the baseline, its effect against its null
    arm (``effect`` = arm - null) and that effect's move, each paired by world with its
    two-sided interval (NaN for a null arm's own effect)."""
    level_carrier: str | None = None
    null_carrier: str | None = None

    def difference_summary(self) -> str:
        """The sentence on the difference (the claim's statistic)."""
        if self.carrier is None:
            return ("no single mechanism carries the result: no ablation moves "
                    f"{self.statistic} ({self.high} - {self.low}) towards no difference "
                    "beyond its interval")
        row = self.table.set_index("mechanism").loc[self.carrier]
        return (f"carried by {self.carrier}: with it off, {self.statistic} "
                f"({self.high} - {self.low}) moves from {self.baseline['difference']:.3f} to "
                f"{row['difference']:.3f} (move {row['move']:+.3f} "
                f"[{row['move_low']:+.3f}, {row['move_high']:+.3f}])")

    def level_summary(self) -> str:
        """The sentences on the levels: the mechanism that moves the arms' levels most and
        the one that moves an arm's effect against its null furthest towards zero."""
        if not len(self.levels):
            return ""
        lv = self.levels
        base = lv[lv["mechanism"] == "none"].set_index("arm")
        if self.level_carrier is None:
            text = ("no ablation moves any arm's level of "
                    f"{self.statistic} beyond its interval")
        else:
            rows = lv[lv["mechanism"] == self.level_carrier]
            moves = "; ".join(
                f"{r.arm} {base.loc[r.arm, 'level']:.3f} -> {r.level:.3f} "
                f"({r.level_move:+.3f} [{r.level_move_low:+.3f}, {r.level_move_high:+.3f}])"
                for r in rows.itertuples())
            text = f"levels of {self.statistic} moved most by {self.level_carrier}: {moves}"
        if self.null_carrier is None:
            text += ("; no ablation moves any arm's effect against its null (arm - null) "
                     "towards zero beyond its interval")
        else:
            rows = lv[(lv["mechanism"] == self.null_carrier) & (lv["arm"] != lv["null"])]
            effects = "; ".join(
                f"{r.arm} - {r.null} {base.loc[r.arm, 'effect']:+.3f} -> {r.effect:+.3f} "
                f"({r.effect_move:+.3f} [{r.effect_move_low:+.3f}, "
                f"{r.effect_move_high:+.3f}])" for r in rows.itertuples())
            text += f"; against the null, carried by {self.null_carrier}: {effects}"
        return text

    def summary(self) -> str:
        """The sentences naming the mechanism that carries the result (computed): the
        difference's, then the levels' and the effects against the null's."""
        levels = self.level_summary()
        return self.difference_summary() + (f"; {levels}" if levels else "")


def _level_arms(exp: Experiment, comp: Comparison) -> tuple[list[str], dict[str, str]]:
    """The arms whose levels an ablation reads (every arm of the experiment with the
    comparison's statistic, then their null arms) and each one's null arm."""
    labels = [a.label for a in exp.arms]
    if "null" in labels:  # an arena claim: its null arm is one of its arms
        nulls = {a: "null" for a in labels}
    else:
        _, of = null_arms(exp) if exp.null else ((), {})
        nulls = {a: of.get(a, a) for a in labels}
    for n in nulls.values():
        if n not in labels:
            labels.append(n)
    nulls.update({n: n for n in set(nulls.values())})
    for side in (comp.low, comp.high):
        if side not in labels:
            labels.append(side)
            nulls.setdefault(side, side)
    return labels, nulls


def ablate(name: str | Experiment, *, worlds: int | None = None, seed: int = 0,
           years: int | None = None, confidence: float = 0.95,
           baseline: ExperimentResult | None = None,
           mechanisms: tuple[str, ...] | None = None) -> Ablation:
    """Switch off each mechanism that could produce the result and measure the claim's move
    and the move of each arm's level against its null arm.

    The claim's statistic is the paired difference (high - low) of the
    experiment's first comparison. Every arm and its null arm are rerun with each
    mechanism of :func:`applicable_mechanisms` off, on the same worlds (common
    random numbers), so the move of the difference, of each arm's level and of
    each arm's effect against its null (arm - null) is itself paired by world:
    its interval is the t interval of the per-world moves (two-sided at
    ``confidence``). The *carrier* is the mechanism with the largest move
    towards zero difference whose interval excludes zero; the levels have their
    own (:class:`Ablation`). ``baseline``: a result of the same seed and years
    with at least ``worlds`` worlds whose first worlds serve as the unablated
    arms (no rerun).
    """
    exp = name if isinstance(name, Experiment) else get(name)
    worlds = exp.worlds if worlds is None else worlds
    _check_worlds(worlds, "--probe-worlds")
    years = years if years is not None else exp.years
    comp = _primary(exp)
    arms = all_arms(exp)
    labels, nulls = _level_arms(exp, comp)
    runs = [arms[label] for label in labels]
    mechs = ([mechanism(n) for n in mechanisms] if mechanisms is not None
             else applicable_mechanisms(exp))

    def levels(values: dict[tuple[str, str], np.ndarray]) -> dict[str, np.ndarray]:
        return {label: values[(label, comp.statistic)] for label in labels}

    pw = baseline.per_world if baseline is not None else pd.DataFrame()
    if (baseline is not None and baseline.worlds >= worlds and baseline.seed == seed
            and baseline.years == years
            and all(f"{label}:{comp.statistic}" in pw for label in labels)):
        base = {label: pw[f"{label}:{comp.statistic}"].iloc[:worlds].to_numpy(dtype=float)
                for label in labels}
    else:
        base = levels(_arm_values(exp, runs, worlds, seed, years)[0])
    moved = [(m.name, _freeze(m.overrides), m.doc,
              levels(_arm_values(exp, runs, worlds, seed, years, extra=m.overrides)[0]))
             for m in mechs]
    return _ablation(comp, base, moved, nulls, worlds, confidence)


def _ablation(comp: Comparison, base: dict[str, np.ndarray],
              moved: list[tuple[str, str, str, dict[str, np.ndarray]]],
              nulls: dict[str, str], worlds: int, confidence: float) -> Ablation:
    """The :class:`Ablation` of the baseline per-world levels ``base`` (arm -> values) and,
    per mechanism (name, switch, doc), the per-world levels with it off; ``nulls``: each
    arm's null arm (a null arm is its own)."""
    level = (1 + confidence) / 2

    def diff(values: dict[str, np.ndarray]) -> np.ndarray:
        return values[comp.high] - values[comp.low]

    d0 = diff(base)
    baseline = paired_difference(d0, np.zeros_like(d0), level)
    rows = []
    for name, switch, doc, values in moved:
        d1 = diff(values)
        now = paired_difference(d1, np.zeros_like(d1), level)
        move = paired_difference(d1, d0, level)
        sign = float(np.sign(baseline["difference"]))
        towards = sign != 0 and sign * move["difference"] < 0
        significant = sign != 0 and (move["ci_high"] < 0 if sign > 0 else move["ci_low"] > 0)
        rows.append({"mechanism": name, "switch": switch, "doc": doc,
                     "difference": now["difference"], "ci_low": now["ci_low"],
                     "ci_high": now["ci_high"], "move": move["difference"],
                     "move_low": move["ci_low"], "move_high": move["ci_high"],
                     "towards_null": bool(towards), "significant": bool(significant)})
    table = pd.DataFrame(rows)
    carrier = None
    if len(table):
        cand = table[table["towards_null"] & table["significant"]]
        if len(cand):
            carrier = str(cand.loc[cand["move"].abs().idxmax(), "mechanism"])
    lv = _level_rows(base, moved, nulls, confidence)
    return Ablation(statistic=comp.statistic, low=comp.low, high=comp.high, worlds=worlds,
                    confidence=confidence, baseline=baseline, table=table, carrier=carrier,
                    levels=lv, level_carrier=_largest(lv, "level_move"),
                    null_carrier=_largest(lv, "effect_move", towards_zero=True))


def _level_rows(base: dict[str, np.ndarray],
                moved: list[tuple[str, str, str, dict[str, np.ndarray]]],
                nulls: dict[str, str], confidence: float) -> pd.DataFrame:
    """The rows of :attr:`Ablation.levels` (see there)."""
    level = (1 + confidence) / 2
    nan = {"difference": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    rows = []
    for name, values in [("none", base), *((m[0], m[3]) for m in moved)]:
        for arm, v in values.items():
            null = nulls.get(arm, arm)
            mean = _mean_row(arm, "", v, confidence)
            move = paired_difference(v, base[arm], level)
            own = null == arm
            effect = nan if own else paired_difference(v, values[null], level)
            e0 = base[arm] - base[null]   # the baseline effect against the null
            e_move = nan if own else paired_difference(v - values[null], e0, level)
            rows.append({
                "mechanism": name, "arm": arm, "null": null, "level": mean["mean"],
                "level_low": mean["ci_low"], "level_high": mean["ci_high"],
                "level_move": move["difference"], "level_move_low": move["ci_low"],
                "level_move_high": move["ci_high"], "effect": effect["difference"],
                "effect_low": effect["ci_low"], "effect_high": effect["ci_high"],
                "effect_move": e_move["difference"], "effect_move_low": e_move["ci_low"],
                "effect_move_high": e_move["ci_high"],
                "towards_null": bool(not own and name != "none"
                                     and abs(float(effect["difference"]))
                                     < abs(float(np.mean(e0)))),
            })
    return pd.DataFrame(rows)


def _largest(levels: pd.DataFrame, column: str, towards_zero: bool = False) -> str | None:
    """The mechanism of the largest |``column``| among the ablated rows whose interval
    excludes zero (``towards_zero``: only moves of an arm's effect towards zero)."""
    if not len(levels):
        return None
    rows = levels[levels["mechanism"] != "none"]
    beyond = (rows[f"{column}_low"] > 0) | (rows[f"{column}_high"] < 0)
    if towards_zero:
        beyond &= rows["towards_null"]
    rows = rows[beyond]
    if not len(rows):
        return None
    return str(rows.loc[rows[column].abs().idxmax(), "mechanism"])


def robust_parameters(exp: Experiment) -> list[str]:
    """The parameters a robustness band varies: those with a plausible range
    (:data:`~powerbalance.experiments.plausible.PLAUSIBLE`) that no scenario of the
    experiment calibrates in its ``[params]``, less those whose switch (``only_with``) no
    arm turns on."""
    scenario_params = {a.label: load(a.scenario).params for a in exp.arms}
    calibrated = {k for params in scenario_params.values() for k in params}
    switched_on = {k for a in exp.arms
                   for k, v in {**scenario_params[a.label], **a.overrides}.items() if v is True}
    return [p for p, r in PLAUSIBLE.items() if p not in calibrated
            and (r.only_with is None or r.only_with in switched_on)]


@dataclass
class Robustness:
    """In how many of N parameter sets the claim holds, and what the verdict is sensitive to."""

    n: int
    holds: int
    ci_low: float
    ci_high: float
    confidence: float
    worlds: int
    source: str
    """``latin hypercube over K parameters`` or ``calibrated posterior``."""
    points: pd.DataFrame
    """One row per parameter set: the values, the claim's difference and the verdict."""
    sensitivity: pd.DataFrame
    """One row per varied parameter: Spearman's rho with the claim's difference, its
    p-value, and rho with the verdict; sorted by |rho| (largest first)."""

    def band(self) -> str:
        """``holds in k of N (95% CI lo-hi)``."""
        pct = int(round(100 * self.confidence))
        interval = format_interval(self.holds / self.n, self.ci_low, self.ci_high,
                                   percent=True, bounds_only=True)
        return f"holds in {self.holds} of {self.n} ({pct}% CI {interval})"

    def most_sensitive(self, k: int = 3) -> list[str]:
        """The ``k`` parameters with the largest |rho| (NaN-free rows only)."""
        s = self.sensitivity.dropna(subset=["rho"])
        return [str(p) for p in s["parameter"].head(k)]


def robustness_band(name: str | Experiment, n: int, *, worlds: int | None = None,
                    seed: int = 0, years: int | None = None,
                    confidence: float = 0.95, options: str = "") -> Robustness:
    """Rerun the claim's verdict at ``n`` parameter sets and count where it holds.

    The sets are drawn from a registered calibrated posterior when all the
    experiment's scenarios share one
    (:func:`~powerbalance.experiments.plausible.register_posterior`), otherwise
    a Latin hypercube (``scipy.stats.qmc.LatinHypercube``, seeded from
    ``seed``) over :func:`robust_parameters`. Each set runs every arm the
    verdict reads at ``worlds`` worlds with the same world indices (common
    random numbers); an arm's own overrides win over the set's. The band is
    the Wilson interval of k of n (two-sided at ``confidence``); sensitivity
    is Spearman's rank correlation of each parameter with the claim's
    difference (the first comparison) and with the verdict.

    An arena claim (:func:`register_arena`) draws its hypercube over its arena's
    option ranges (:func:`arena_robust_options`) and appends each set as arena
    options to every arm's spec, less the options the arm sets itself (they win, as an
    arm's overrides do); ``options`` (``--option``) go last and are held.
    """
    exp = name if isinstance(name, Experiment) else get(name)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"{n!r}", source="--robustness", field="N", allowed="an integer >= 1")
    worlds = exp.worlds if worlds is None else worlds
    _check_worlds(worlds, "--probe-worlds")
    years = years if years is not None else exp.years
    comp = _primary(exp)
    arms = all_arms(exp)
    needed = [arms[label] for label in _needed(exp)]
    sampler = posterior_for({a.scenario for a in exp.arms})
    reasons: dict[str, str] = {}
    evaluate: Callable[[dict[str, Any]], dict[tuple[str, str], np.ndarray]]
    if exp.name in ARENA_STATISTICS:
        if sampler is not None:
            raise InputError(f"{exp.name} is an arena claim: a calibration's posterior holds "
                             "the interstate engine's parameters", source="--posterior",
                             field="posterior", allowed="no --posterior (the band draws the "
                                                        "arena options' plausible ranges)")
        ranges = arena_robust_options(exp, options)
        if not ranges:
            raise InputError("no arena option with a plausible range to vary",
                             source=f"experiment {exp.name}", field="robustness",
                             allowed="an arena with options in ARENA_PLAUSIBLE")
        integer = {r.name for r in ranges if isinstance(
            _arena_of(exp).options[r.name].default, int)}
        sets = [{k: int(round(v)) if k in integer else v for k, v in s.items()}
                for s in _latin_sets(ranges, n, seed)]
        names = [r.name for r in ranges]
        reasons = {r.name: r.reason for r in ranges}
        source = f"latin hypercube over {len(names)} {_arena_of(exp).name} options"

        def evaluate(extra: dict[str, Any]) -> dict[tuple[str, str], np.ndarray]:
            return _arena_values(exp, needed, worlds, seed, years, options, extra)[0]
    else:
        if sampler is not None:
            sets = sampler(n, seed)
            names = sorted({k for s in sets for k in s})
            source = "calibrated posterior"
        else:
            names = robust_parameters(exp)
            if not names:
                raise InputError("no uncalibrated parameter to vary",
                                 source=f"experiment {exp.name}", field="robustness",
                                 allowed="an experiment with a parameter of PLAUSIBLE "
                                         "uncalibrated")
            sets = _latin_sets([PLAUSIBLE[p] for p in names], n, seed)
            source = f"latin hypercube over {len(names)} parameters"
        reasons = {p: PLAUSIBLE[p].reason for p in names if p in PLAUSIBLE}

        def evaluate(extra: dict[str, Any]) -> dict[tuple[str, str], np.ndarray]:
            return _arm_values(exp, needed, worlds, seed, years, extra=extra)[0]
    rows = []
    for point, extra in enumerate(sets):
        vals = evaluate(extra)
        _, _, holds = _judge(exp, vals, confidence)
        d = vals[(comp.high, comp.statistic)] - vals[(comp.low, comp.statistic)]
        rows.append({"point": point, **extra, "difference": float(d.mean()), "holds": holds})
    return _band(pd.DataFrame(rows), names, reasons, n=n, worlds=worlds,
                 confidence=confidence, source=source)


def _latin_sets(ranges: list[PlausibleRange], n: int, seed: int) -> list[dict[str, float]]:
    """``n`` points of a Latin hypercube (McKay et al. 1979) over ``ranges``, from the
    robustness stream of ``seed``: one dict of values per point."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(ranges), seed=derived_seed(seed, "robustness")).random(n)
    lo = np.array([r.lo for r in ranges])
    hi = np.array([r.hi for r in ranges])
    values = lo + unit * (hi - lo)
    return [{r.name: float(v) for r, v in zip(ranges, row, strict=True)} for row in values]


def _band(points: pd.DataFrame, names: list[str], reasons: dict[str, str], *, n: int,
          worlds: int, confidence: float, source: str) -> Robustness:
    """The :class:`Robustness` of the evaluated ``points`` (one row per set: its values,
    ``difference`` and ``holds``): the Wilson interval of k of n and each parameter's
    Spearman correlation with the difference and with the verdict."""
    from scipy.stats import spearmanr

    k = int(points["holds"].sum())
    _, lo_ci, hi_ci = proportion_ci(k, n, confidence)
    sens = []
    for p in names:
        x = points[p].to_numpy(dtype=float) if p in points else np.full(n, np.nan)
        rho, pval, rho_v = math.nan, math.nan, math.nan
        if n >= 3 and np.ptp(x) > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if np.ptp(points["difference"].to_numpy()) > 0:
                    res = spearmanr(x, points["difference"].to_numpy(dtype=float))
                    rho, pval = float(res.statistic), float(res.pvalue)
                if 0 < k < n:
                    rho_v = float(spearmanr(x, points["holds"].to_numpy(dtype=float)).statistic)
        sens.append({"parameter": p, "rho": rho, "p": pval, "rho_verdict": rho_v,
                     "reason": reasons.get(p, source)})
    sensitivity = pd.DataFrame(sens)
    sensitivity = sensitivity.reindex(sensitivity["rho"].abs().sort_values(
        ascending=False, na_position="last").index).reset_index(drop=True)
    return Robustness(n=n, holds=k, ci_low=lo_ci, ci_high=hi_ci, confidence=confidence,
                      worlds=worlds, source=source, points=points, sensitivity=sensitivity)


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


# ---------------------------------------------------------------------------
# Arena claims (issue 15): the balance of power among firms, parties and branches
# ---------------------------------------------------------------------------

#: A per-world statistic of an arena run: the run -> one value per world (ordered by world).
ArenaStatistic = Callable[[Any], np.ndarray]


def arena_final(column: str) -> ArenaStatistic:
    """The system column at the last year of each world of an arena run."""
    def stat(result: Any) -> np.ndarray:
        final = result.final().sort_values("world")
        return final[column].to_numpy(dtype=float)
    return stat


def arena_years(column: str) -> ArenaStatistic:
    """The mean over the years of a system column (a 0/1 column: the share of years)."""
    def stat(result: Any) -> np.ndarray:
        mean = result.system[result.system["year"] > 0].groupby("world")[column].mean()
        return mean.sort_index().to_numpy(dtype=float)
    return stat


#: Arena experiments: name -> (statistics, robustness variants). Each variant is a
#: (label, options) pair appended to both arms of the first comparison; its difference
#: is reported, not judged.
ARENA_STATISTICS: dict[str, dict[str, ArenaStatistic]] = {}
ARENA_VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {}
#: Further statistics reported (not judged) for both arms of each robustness variant.
ARENA_VARIANT_STATISTICS: dict[str, tuple[str, ...]] = {}


def _arena_spec(scenario: str, options: str) -> str:
    return f"{scenario},{options}" if options else scenario


def _arena_of(exp: Experiment) -> Any:
    """The :class:`~powerbalance.arenas.Arena` an arena experiment's arms run."""
    from powerbalance.arenas import get as get_arena

    return get_arena(exp.arms[0].scenario.split(":", 1)[0].split("(", 1)[0].strip())


def arena_robust_options(exp: Experiment, options: str = "") -> list[PlausibleRange]:
    """The options a robustness band of an arena claim varies: those of its arena with a
    plausible range (:data:`~powerbalance.experiments.plausible.ARENA_PLAUSIBLE`), less
    those every arm sets itself (its spec or preset: the treatment) and those ``options``
    (``--option``) hold.

    >>> [r.name for r in arena_robust_options(get("market-balance"), "war_rate=0")][:3]
    ['growth_sd', 'margin', 'payout']
    """
    from powerbalance.arenas import set_options

    arena = _arena_of(exp)
    held = set_options(f"{arena.name}:{options}")
    every_arm = set.intersection(*(set_options(a.scenario) for a in exp.arms))
    return [r for name, r in ARENA_PLAUSIBLE.get(arena.name, {}).items()
            if name not in held | every_arm]


def _arena_values(exp: Experiment, arms: list[Arm], worlds: int, seed: int, years: int | None,
                  options: str = "", extra: dict[str, Any] | None = None
                  ) -> tuple[dict[tuple[str, str], np.ndarray], dict[str, Any]]:
    """Every statistic of every arm per world, and the runs, on the same worlds (common
    random numbers). ``extra`` (a robustness set) is appended to each arm's spec less the
    options the arm sets itself, then ``options`` (``--option``)."""
    from powerbalance.arenas import load, set_options
    from powerbalance.arenas.run import simulate

    stats = ARENA_STATISTICS[exp.name]
    specs = {}
    for arm in arms:  # load every spec before anything runs: a bad option fails first
        own = set_options(arm.scenario)
        added = ",".join(f"{k}={v!r}" for k, v in (extra or {}).items() if k not in own)
        specs[arm.label] = load(_arena_spec(_arena_spec(arm.scenario, added), options))
    values: dict[tuple[str, str], np.ndarray] = {}
    runs: dict[str, Any] = {}
    for arm in arms:
        result = simulate(specs[arm.label], worlds=worlds, years=years, seed=seed,
                          record="system")
        for stat, fn in stats.items():
            values[(arm.label, stat)] = fn(result)
        runs[arm.label] = result
    return values, runs


def _arena_runner(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                  confidence: float, options: str = "") -> ExperimentResult:
    """Run every arm of an arena experiment on the same worlds (common random numbers:
    the same seed and world indices), judge its comparisons and checks, measure each arm
    against the null arm, and rerun the first comparison under each robustness variant.
    ``options`` (``--option``) are arena options appended to every arm."""
    from powerbalance.arenas import load
    from powerbalance.arenas.run import simulate

    started = time.perf_counter()
    stats = ARENA_STATISTICS[exp.name]
    values, runs = _arena_values(exp, list(exp.arms), worlds, seed, years, options)
    comparisons, checks, holds = _judge(exp, values, confidence)
    two_sided = (1 + confidence) / 2
    null = "null"
    effects = [{"arm": arm.label, "null": null, "statistic": s,
                "arm_mean": float(values[(arm.label, s)].mean()),
                "null_mean": float(values[(null, s)].mean()),
                **paired_difference(values[(arm.label, s)], values[(null, s)], two_sided)}
               for arm in exp.arms if arm.label != null for s in stats]
    notes = exp.notes
    first = exp.comparisons[0]
    band = []
    reported = (first.statistic, *ARENA_VARIANT_STATISTICS.get(exp.name, ()))
    for label, extra in ARENA_VARIANTS.get(exp.name, ()):
        pair = {}
        for side in (first.low, first.high):
            spec = load(_arena_spec(_arena_spec(exp.arm(side).scenario, options), extra))
            run = simulate(spec, worlds=worlds, years=years, seed=seed, record="system")
            for stat in reported:
                values[(f"{side} [{label}]", stat)] = stats[stat](run)
            pair[side] = values[(f"{side} [{label}]", first.statistic)]
        d = paired_difference(pair[first.high], pair[first.low], confidence)
        band.append(f"{label}: {d['difference']:+.3f} (bound {d['ci_low']:+.3f}, "
                    f"{'holds' if d['ci_low'] > 0 else 'does not hold'})")
    if band:
        notes += (f" Robustness (reported, not judged): {first.statistic}, {first.high} - "
                  f"{first.low}, paired by world: " + "; ".join(band) + ".")
    rows = [_mean_row(a, s, v, confidence) for (a, s), v in values.items()]
    per_world = pd.DataFrame({f"{a}:{s}": v for (a, s), v in values.items()})
    per_world.insert(0, "world", np.arange(worlds))
    return ExperimentResult(
        experiment=exp.name, claim=exp.claim, worlds=worlds, years=years, seed=seed,
        confidence=confidence, arms=pd.DataFrame(rows), comparisons=comparisons,
        checks=checks, holds=holds, seconds=time.perf_counter() - started,
        # an ArenaRun writes itself like a RunResult (write_into, manifest, system table)
        runs=runs, per_world=per_world, notes=notes,
        nulls={arm.label: null for arm in exp.arms}, null_effects=pd.DataFrame(effects))


def register_arena(exp: Experiment, statistics: dict[str, ArenaStatistic],
                   variants: tuple[tuple[str, str], ...] = (),
                   variant_statistics: tuple[str, ...] = ()) -> Experiment:
    """Register an arena experiment: its arms' ``scenario`` are arena specs, one arm is
    called ``null``, and ``statistics`` compute each per-world value from an arena run.
    ``variant_statistics`` are also reported for both arms of each robustness variant."""
    if "null" not in {a.label for a in exp.arms}:
        raise ValueError(f"arena experiment {exp.name!r} has no null arm")
    ARENA_STATISTICS[exp.name] = statistics
    ARENA_VARIANTS[exp.name] = variants
    ARENA_VARIANT_STATISTICS[exp.name] = variant_statistics
    return register(exp)


#: The mechanisms an arena ablation switches off, per arena: (name, options that switch
#: it off, what it is). None is a treatment of an arena claim's arms.
ARENA_MECHANISMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "market": (
        ("counter-attack", "counter_rate=0", "the joint venture's yearly attack on the leader"),
        ("price wars", "war_rate=0", "the leader's price wars"),
        ("takeover bids", "bid_rate=0", "the leader's takeover bids"),
        ("entry", "entry_rate=0", "entrants refilling empty slots"),
        ("Gibrat growth", "growth_sd=0", "proportionate growth shocks"),
    ),
    "parliament": (
        ("cost of ruling", "ruling_cost=0", "governing parties' loss of votes at elections"),
        ("electoral swings", "swing_sd=0", "the random swing of each election"),
        ("cabinet collapse", "fall_rate=0", "cabinets falling between elections"),
    ),
    "constitution": (
        ("court packing", "pack_rate=0", "power grabs that pack the court"),
        ("impeachment", "impeach_ratio=100", "impeachment of a checked executive"),
        ("competence drift", "drift_sd=0", "the yearly random drift of competences"),
        ("public support", "support_sd=0", "shocks to public support"),
        ("norm growth", "norm_growth=0", "the rule of law's growth without grabs"),
    ),
}


def arena_ablate(exp: Experiment, *, worlds: int, seed: int, years: int | None,
                 confidence: float, options: str = "") -> Ablation:
    """:func:`ablate` for an arena claim: rerun every arm (its null arm among them) with each
    of the arena's :data:`ARENA_MECHANISMS` switched off (its options appended to the arms'
    specs and ``options``), on the same worlds, and measure the move of the first
    comparison's difference and of each arm's level against the null arm."""
    from powerbalance.arenas import load
    from powerbalance.arenas.run import simulate

    comp = _primary(exp)
    stat = ARENA_STATISTICS[exp.name][comp.statistic]
    arena = exp.arm(comp.low).scenario.split(":", 1)[0]
    labels, nulls = _level_arms(exp, comp)

    def levels(extra: str) -> dict[str, np.ndarray]:
        got = {}
        for side in labels:
            spec = load(_arena_spec(_arena_spec(exp.arm(side).scenario, options), extra))
            got[side] = stat(simulate(spec, worlds=worlds, years=years, seed=seed,
                                      record="system"))
        return got

    moved = [(name, switch, doc, levels(switch))
             for name, switch, doc in ARENA_MECHANISMS.get(arena, ())]
    return _ablation(comp, levels(""), moved, nulls, worlds, confidence)


register_arena(Experiment(
    name="market-balance", claim=13,
    title="Balancing rivals and merger control keep a market below the monopoly line",
    claim_text=("In a market, rivals that balance the leader (joint ventures that fight its "
                "price wars and counter-bid for its targets) and an antitrust authority that "
                "blocks presumptively harmful mergers keep concentration below the monopoly "
                "line, while bandwagoning with the leader and no merger control (each on its "
                "own) let it rise."),
    arms=(
        Arm("balancing+control", "market:preset=balancing",
            description="rivals are external-balancers (joint ventures against the leader); "
                        "the authority applies the 2023 Merger Guidelines"),
        Arm("bandwagoning+control", "market:strategy=bandwagoner,antitrust=on",
            description="rivals bandwagon with the leader (sell out, back its price wars); "
                        "merger control"),
        Arm("control only", "market:strategy=status-quo,antitrust=on",
            description="merger control, rivals that neither balance nor bandwagon"),
        Arm("bandwagoning+no-control", "market:preset=consolidation",
            description="rivals bandwagon with the leader; no merger control"),
        Arm("balancing only", "market:strategy=external-balancer,antitrust=off",
            description="balancing rivals, no merger control (reported, not judged)"),
        Arm("buck-passing+control", "market:strategy=buck-passer,antitrust=on",
            description="rivals pass the buck (defend alone, never attack the leader); "
                        "merger control (reported, not judged)"),
        Arm("null", "market:preset=laissez-faire",
            description="null: nobody balances or bandwagons (status-quo), no merger "
                        "control"),
    ),
    statistics={
        "largest_end": ("the largest firm's revenue share at the end", None),
        "dominated_end": ("1 if the largest share is at or above the monopoly line (0.5) "
                          "at the end", None),
        "dominated_years": ("share of years with the largest share at or above the line",
                            None),
        "hhi_end": ("HHI at the end (0-10,000)", None),
        "takeovers": ("takeovers done per market-year", None),
        "blocked": ("takeover bids blocked by the authority per market-year", None),
    },
    comparisons=(
        Comparison("largest_end", low="control only", high="bandwagoning+control"),
        Comparison("largest_end", low="null", high="bandwagoning+no-control"),
        Comparison("largest_end", low="control only", high="null"),
        Comparison("largest_end", low="balancing+control", high="null"),
    ),
    checks=(Check("dominated_end", "balancing+control", "<=", 0.1),),
    worlds=500, years=100, runner=_arena_runner, null=False,
    notes=("Arena market (docs/arenas.md), 8 firms, 100 years; the monopoly line is a 50 % "
           "share (AKZO v Commission, 1991), judged per market: at most 10 % of the "
           "balancing markets dominated at the end (the 10 % a stated choice). "
           "Bandwagoning is judged against status-quo rivals under the same antitrust "
           "setting, merger control between status-quo arms. Under balancing the joint "
           "venture's counter-attack on the leader (counter_rate, a stated choice) carries "
           "the result, and its counter-bids leave the authority little to block. The "
           "balancing-only and buck-passing arms are reported, not judged."),
), statistics={
    "largest_end": arena_final("largest_share"),
    "dominated_end": arena_final("monopoly"),
    "dominated_years": arena_years("monopoly"),
    "hhi_end": arena_final("hhi"),
    "takeovers": arena_years("takeovers"),
    "blocked": arena_years("blocked"),
}, variants=(("guidelines 1992", "guidelines=1992"), ("guidelines 2010", "guidelines=2010"),
             ("16 firms", "firms=16"), ("Gibrat spread 0.3", "growth_sd=0.3")),
   variant_statistics=("takeovers", "blocked", "dominated_end"))


register_arena(Experiment(
    name="parliament-balance", claim=14,
    title="Balancing coalitions prevent dominant-party rule",
    claim_text=("In a parliament, coalition cabinets formed to balance the largest party keep "
                "dominant-party rule (Sartori's predominant party: one party with an absolute "
                "majority of seats in three consecutive elections) to a minority of the "
                "years, while bandwagoning with the largest party or supporting it from "
                "outside lets it rule."),
    arms=(
        Arm("balancing", "parliament:preset=balancing",
            description="parties are external-balancers: no cabinet with the largest party"),
        Arm("bandwagoning", "parliament:preset=bandwagoning",
            description="parties join only a cabinet with the largest party"),
        Arm("support-from-outside", "parliament:preset=support-from-outside",
            description="parties pass the buck: they support the cabinet from outside"),
        Arm("null", "parliament:preset=office-seeking",
            description="null: office-seekers (status-quo) join any cabinet; the fewest "
                        "seats form (Riker's size principle), no formateur"),
    ),
    statistics={
        "predominant_years": ("share of years with a predominant party (Sartori 1976: an "
                              "absolute majority of seats in three consecutive elections)",
                              None),
        "dominant_years": ("share of years in which one party has held the premiership for "
                           "12 years or more (Pempel 1990, the 12 years a stated choice; "
                           "reported, not judged)", None),
        "largest_seats": ("mean seat share of the largest party over the years", None),
        "enp_seats": ("mean effective number of parties (seats) over the years", None),
    },
    comparisons=(
        Comparison("predominant_years", low="balancing", high="bandwagoning"),
        Comparison("predominant_years", low="balancing", high="support-from-outside"),
    ),
    checks=(Check("predominant_years", "balancing", "<=", 0.5),),
    worlds=500, years=100, runner=_arena_runner, null=False,
    notes=("Arena parliament (docs/arenas.md): 6 parties, 100 seats by D'Hondt, minimal "
           "winning cabinets (Riker 1962), elections every 4 years, 100 years; no office "
           "bonus (unsourced), the cost of ruling about 2.25 points per term (Nannestad & "
           "Paldam 2002). Dominance is judged by Sartori's predominant party, the sourced "
           "definition; the 12-year premiership (Pempel's 'substantial period' made a "
           "number) is reported, not judged. The null arm is reported against each arm, "
           "not judged."),
), statistics={
    "predominant_years": arena_years("predominant"),
    "dominant_years": arena_years("dominant"),
    "largest_seats": arena_years("largest_share"),
    "enp_seats": arena_years("enp_seats"),
}, variants=(("Sainte-Lague", "rule=sainte-lague"), ("largest remainder",
             "rule=largest-remainder"), ("first past the post", "rule=fptp"),
             ("minimal connected", "coalition=minimal-connected")))


register_arena(Experiment(
    name="constitution-balance", claim=15,
    title="Constitutional constraints survive while the branches balance the strongest",
    claim_text=("Under a constitution, constraints on power (the rule of law and the "
                "executive's constraint by the other branches) survive only while no branch "
                "exceeds a share of power, which the others keep it from by checking its "
                "power grabs (veto, override, judicial review, impeachment); they collapse "
                "when the others bandwagon with it."),
    arms=(
        Arm("balancing", "constitution:preset=presidential",
            description="separation of powers (Federalist 51): every branch checks the "
                        "strongest branch's power grabs"),
        Arm("bandwagoning", "constitution:preset=presidential,strategy=bandwagoner",
            description="every branch sides with the strongest branch's power grabs"),
        Arm("unified-government", "constitution:preset=unified-government",
            description="both chambers of the president's party bandwagon, the court "
                        "checks"),
        Arm("strong-executive", "constitution:preset=presidential,executive_weight=3",
            description="dose: the balancing arm with an executive of three times the "
                        "weight, starting with about 64 % of the competences (above half)"),
        Arm("mixed", "constitution:preset=mixed",
            description="Polybius's mixed constitution: consuls, senate and assemblies of "
                        "equal weight, each checking the others, no court"),
        Arm("null", "constitution:preset=presidential,strategy=status-quo",
            description="null: the same world without the balancing responses (nobody "
                        "checks, nobody bandwagons)"),
    ),
    statistics={
        "rule_of_law_end": ("strength of the rule of law at the end (0-1)", None),
        "collapsed_end": ("1 if the rule of law is below 0.1 at the end", None),
        "xconst_mean": ("mean executive constraint over the years (XCONST-like, 1-7; the "
                        "branches' strategies do not enter it by definition)", None),
        "dominant_years": ("share of years in which one branch holds over half the "
                           "competences", None),
        "unpunished_years": ("share of years with a power grab that went unpunished", None),
    },
    comparisons=(
        Comparison("rule_of_law_end", low="bandwagoning", high="balancing"),
        Comparison("rule_of_law_end", low="unified-government", high="balancing"),
        Comparison("rule_of_law_end", low="strong-executive", high="balancing"),
        Comparison("dominant_years", low="balancing", high="bandwagoning"),
        Comparison("rule_of_law_end", low="null", high="balancing"),
    ),
    checks=(Check("collapsed_end", "balancing", "<=", 0.5),
            Check("collapsed_end", "bandwagoning", ">=", 0.5)),
    worlds=500, years=100, runner=_arena_runner, null=False,
    notes=("Arena constitution (docs/arenas.md): executive, two chambers and a court, 100 "
           "years; the rule of law is the law layer's norm (norm_start 0.5, growth 0.02, "
           "erosion 0.1 per unpunished power grab); collapse is a norm below 0.1, the law "
           "layer's law_collapse, and the claim's 'collapse' is checked as at least half "
           "the bandwagoning constitutions collapsed at the end. The share of power is "
           "assumed, not found: with every other branch checking, a grab is blocked "
           "exactly when the grabber's weighted share is at most 1 / (1 + "
           "check_ratio), one half at the stated check_ratio 1. The strong-executive arm "
           "is the dose of that share. The mixed arm is reported, not judged."),
), statistics={
    "rule_of_law_end": arena_final("rule_of_law"),
    "collapsed_end": arena_final("collapsed"),
    "xconst_mean": arena_years("xconst"),
    "dominant_years": arena_years("dominant"),
    "unpunished_years": arena_years("unpunished"),
}, variants=(("check ratio 1.5", "check_ratio=1.5"), ("grab rate 0.2", "grab_rate=0.2"),
             ("erosion 0.05", "norm_erosion=0.05"), ("one chamber", "chambers=1"),
             ("four federal units", "federal_units=4")))
