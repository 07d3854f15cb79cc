"""Calibration: fit the parameters that have no published value to the facts of history.

Method: **approximate Bayesian computation by rejection** (Pritchard et al. 1999; Beaumont,
Zhang & Balding 2002) on a space-filling design of the prior box drawn with SALib (Latin
hypercube or Sobol, as a sweep's design; Herman & Usher 2017). Each design point is one
parameter set drawn from the uniform prior; its ``replicates`` worlds are simulated as one
array program by the sweep machinery (:func:`powerbalance.experiments.sweep.run_sweep`), on
any of its executors (in-process, local processes, a Dask cluster), into a sweep store that
a re-run resumes (finished tasks are skipped). Each task computes the facts of each of its
worlds on the worker (:func:`world_facts`, by the same code as ``powerbalance facts
RUN_FOLDER``), so only a small table comes back.

The distance of a point is the Euclidean distance between the observed facts and the
point's mean facts over its replicates, each fact scaled by the spread of the point means
across the whole first design (1.4826 x median absolute deviation; the standard deviation
where that is 0; 1 where both are); later generations keep those scales, so distances stay
comparable. A point with a chosen fact undefined (e.g. no war, so no share of
multilateral wars) has distance infinity. The ``accept`` share of points closest to the
data is the rejection posterior (uniform weights).

With ``generations = G`` in ``[method]`` (default 0), **ABC-SMC** (population Monte
Carlo; Beaumont, Cornuet, Marin & Robert 2009, "Adaptive approximate Bayesian computation",
*Biometrika* 96(4): 983-990; Toni, Welch, Strelkowa, Ipsen & Stumpf 2009, *J. R. Soc.
Interface* 6: 187-202) refines that posterior in G further generations
(:func:`smc_generation`): the tolerance of generation t is the ``quantile`` (default 0.5)
of the previous population's distances (a shrinking schedule, as Del Moral, Doucet & Jasra
2012), raised only as far as needed to keep the population's size (Lenormand, Jabot &
Deffuant 2013); ``proposals`` parameter sets (default: ``points``) are drawn from the previous
population by its weights and moved by a Gaussian kernel with twice the weighted
covariance (Beaumont et al. 2009), redrawn when outside the prior box; the proposals
within the tolerance are the new population, weighted by prior / (sum_j w_j K(theta |
theta_j)). Each generation is one sweep of explicit points (its own store under
``generations/``, its own seed derived from the master seed), so it runs on the same
executors and resumes the same way. The **calibrated parameter set** is the weighted
posterior median of each parameter.

Why our own SMC and not pyabc: pyabc 0.13 pulls in 31 packages (IPython, a Jupyter
kernel, Redis, SQLAlchemy, GitPython, scikit-learn) and calls the model once per particle,
while the engine simulates a batch of worlds with one parameter set as one array program
(~10x faster per world) and the sweep store makes a generation resumable and
bit-identical whatever the executor; the algorithm is a few array operations.

The calibration folder (``--out``) holds ``simulations/`` (the sweep store),
``generations/`` (one store per SMC generation), ``posterior.parquet`` (the final
population: parameters, distance, rank, weight, generation), ``generations.parquet`` (per
generation: tolerance, proposals, accepted, acceptance rate), ``distances.parquet`` (every
point of every generation), ``fit.csv`` (data vs the posterior predictive), ``diagnostics.png``,
``calibrated-params.toml`` (``[params]``, accepted by ``powerbalance run --params`` and
``powerbalance validate --params``) and ``calibration.json``.
"""

from __future__ import annotations

import functools
import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.errors import InputError, read_toml
from powerbalance.experiments.spec import SweepSpec, parse_spec

if TYPE_CHECKING:
    from powerbalance.experiments.executors import Executor
    from powerbalance.experiments.runner import Trajectory
    from powerbalance.params import Params
    from powerbalance.scenarios.model import Scenario

__all__ = [
    "DEFAULT_FACTS",
    "CalibrationResult",
    "CalibrationSpec",
    "abc_accept",
    "calibrate",
    "load_calibration_spec",
    "parse_calibration_spec",
    "world_facts",
]

#: Facts fitted unless the spec names others: the rates of war and state death, the reach
#: of alliances and the concentration of the strongest states (all defined alike for data
#: and simulations, docs/validation.md).
DEFAULT_FACTS = (
    "war onsets per year",
    "war entries per state-year (state-years with a new war)",
    "state deaths per state-year (exits from the system)",
    "share of states in a defensive alliance (mean of yearly shares)",
    "CON of the states with at least 5% of capability (mean over years)",
)

#: Files of a calibration folder (besides the sweep store ``simulations/``).
RESULT_FILES = ("posterior.parquet", "distances.parquet", "generations.parquet", "fit.csv",
                "diagnostics.png", "calibrated-params.toml", "calibration.json")
#: The output kind recorded in the sidecars of those files.
OUTPUT_KIND = "calibration"

_TOP_KEYS = {"name", "description", "scenario", "data", "years", "start_year", "seed",
             "facts", "method", "priors", "fixed"}
_METHOD_KEYS = {"kind", "design", "points", "replicates", "accept", "seed", "task_size",
                "generations", "proposals", "quantile"}
METHODS = ("abc-rejection", "abc-smc")
#: Most SMC generations after the rejection step.
MAX_GENERATIONS = 50
#: Stream of the SMC proposals, disjoint from the model's (see powerbalance.rng).
_SMC_STREAM = 0xAB05
DESIGNS = ("lhs", "sobol")
#: Most worlds one calibration may simulate.
MAX_RUNS = 10**8

#: Field names of the sweep spec a calibration spec is translated into -> its own names.
_FIELD_NAMES = {"parameters": "priors", "design.points": "method.points",
                "design.seed": "method.seed", "design.kind": "method.design",
                "replicates": "method.replicates", "task_size": "method.task_size"}


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration spec (see docs/validation.md, "Calibration")."""

    name: str
    sweep: SweepSpec
    """The sweep that simulates the design (its ``keep`` holds ``facts``)."""
    facts: tuple[str, ...]
    start_year: int
    """Calendar year of model year 0: the training window is start_year .. + years."""
    accept: float
    data: str | None
    source: str = "<spec>"
    description: str = ""
    method: str = "abc-rejection"
    generations: int = 0
    """ABC-SMC generations after the rejection step (0: rejection only)."""
    proposals: int = 0
    """Parameter sets proposed per SMC generation."""
    quantile: float = 0.5
    """Tolerance of a generation: this quantile of the previous population's distances."""

    @property
    def window(self) -> tuple[int, int]:
        """The calendar years of the training window."""
        return self.start_year, self.start_year + self.sweep.years

    @property
    def priors(self) -> dict[str, tuple[float, float]]:
        """Uniform prior ranges of the fitted parameters."""
        return {a.name: (float(a.lo), float(a.hi)) for a in self.sweep.axes  # type: ignore[arg-type]
                }


def load_calibration_spec(path: str | Path, method: dict[str, Any] | None = None
                          ) -> CalibrationSpec:
    """Read and validate a calibration spec file (errors name the file and the field).

    ``method``: entries that replace those of its ``[method]`` table (the command line's
    ``--points``, ``--replicates``, ``--generations``), validated alike."""
    path = Path(path)
    data = read_toml(path, field="SPEC", allowed="a calibration spec .toml file")
    if method:
        table = data.get("method", {})
        data["method"] = {**table, **method} if isinstance(table, dict) else table
    return parse_calibration_spec(data, source=str(path), base_dir=path.parent)


def _cow_year(scenario: str) -> int | None:
    name, _, options = scenario.partition(":")
    if name != "cow":
        return None
    head = options.split(",", 1)[0]
    return int(head) if head.isdigit() else None


def parse_calibration_spec(data: dict[str, Any], source: str = "<spec>",
                           base_dir: str | Path | None = None) -> CalibrationSpec:
    """Validate a calibration spec given as a dict (the parsed TOML).

    >>> s = parse_calibration_spec({"scenario": "warring-states", "years": 5,
    ...     "start_year": 0, "facts": ["war onsets per year"],
    ...     "method": {"points": 4, "replicates": 2, "accept": 0.5},
    ...     "priors": {"attack_odds": {"range": [0.4, 0.8]}}})
    >>> s.priors, s.window, s.sweep.keep
    ({'attack_odds': (0.4, 0.8)}, (0, 5), ('summaries', 'facts'))
    >>> parse_calibration_spec({"scenario": "warring-states", "start_year": 0,
    ...     "priors": {"attack_odds": {"range": [0.4, 1.8]}}})
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: <spec>: priors.attack_odds.range[1]: value 1.8 out of \
range (allowed: 0 to 1)
    """
    def fail(fld: str, message: str, allowed: str | None = None) -> InputError:
        return InputError(message, source=source, field=fld, allowed=allowed)

    if not isinstance(data, dict):
        raise fail("", "expected a table", "a TOML table")
    for key in data:
        if key not in _TOP_KEYS:
            raise fail(key, "unknown key", ", ".join(sorted(_TOP_KEYS)))
    method = data.get("method", {})
    if not isinstance(method, dict):
        raise fail("method", "expected a table", "a [method] table")
    for key in method:
        if key not in _METHOD_KEYS:
            raise fail(f"method.{key}", "unknown key", ", ".join(sorted(_METHOD_KEYS)))
    kind = method.get("kind", "abc-rejection")
    if kind not in METHODS:
        raise fail("method.kind", f"invalid value {kind!r}", " | ".join(METHODS))
    design = method.get("design", "lhs")
    if design not in DESIGNS:
        raise fail("method.design", f"invalid value {design!r}", " | ".join(DESIGNS))
    accept = method.get("accept", 0.05)
    if (isinstance(accept, bool) or not isinstance(accept, int | float)
            or not 0 < accept <= 1):
        raise fail("method.accept", f"value {accept!r} out of range",
                   "a share of the design points, 0 < accept <= 1")
    generations = method.get("generations", 1 if kind == "abc-smc" else 0)
    if (isinstance(generations, bool) or not isinstance(generations, int)
            or not 0 <= generations <= MAX_GENERATIONS):
        raise fail("method.generations", f"value {generations!r} out of range",
                   f"an integer 0 to {MAX_GENERATIONS} (SMC generations after rejection)")
    if kind == "abc-rejection" and generations:
        raise fail("method.generations", f"{generations} generations with kind abc-rejection",
                   "kind = \"abc-smc\" for generations > 0")
    proposals = method.get("proposals", method.get("points", 100))
    if isinstance(proposals, bool) or not isinstance(proposals, int) or not proposals >= 1:
        raise fail("method.proposals", f"value {proposals!r} out of range",
                   "an integer >= 1 (parameter sets per SMC generation)")
    quantile = method.get("quantile", 0.5)
    if (isinstance(quantile, bool) or not isinstance(quantile, int | float)
            or not 0 < quantile < 1):
        raise fail("method.quantile", f"value {quantile!r} out of range",
                   "0 < quantile < 1 (the previous distances' quantile as next tolerance)")
    priors = data.get("priors")
    if not isinstance(priors, dict) or not priors:
        raise fail("priors", "missing or empty",
                   "one or more [priors] entries, name = { range = [lo, hi] }")
    for pname, raw in priors.items():
        if not isinstance(raw, dict) or set(raw) != {"range"}:
            raise fail(f"priors.{pname}", f"expected {{ range = [lo, hi] }}, got {raw!r}",
                       "{ range = [lo, hi] } (a uniform prior)")
    scenario = data.get("scenario")
    if not isinstance(scenario, str) or not scenario:
        raise fail("scenario", f"expected a string, got {scenario!r}",
                   "a built-in scenario name, generator spec (cow:1816) or path")
    folder: str | None = None
    if "data" in data:
        raw_dir = data["data"]
        if not isinstance(raw_dir, str) or not raw_dir:
            raise fail("data", f"expected a folder path, got {raw_dir!r}",
                       "the folder of the downloaded COW files")
        p = Path(raw_dir)
        if not p.is_absolute() and base_dir is not None:
            p = Path(base_dir) / p
        if not p.is_dir():
            raise fail("data", f"no such folder {raw_dir!r}",
                       "the folder of the downloaded COW files (relative to the spec)")
        folder = str(p.resolve())
    else:
        from powerbalance.analysis.cow import DATA_ENV

        env = os.environ.get(DATA_ENV)
        folder = str(Path(env).resolve()) if env else None
    named = [o[len("data="):] for o in scenario.split(",") if o.startswith("data=")]
    if named and "data" not in data:  # the scenario's own data option names the folder
        folder = named[0]
    if _cow_year(scenario) is not None and "data=" not in scenario and folder is not None:
        scenario = f"{scenario},data={folder}"
    start = data.get("start_year", _cow_year(scenario))
    if start is None:
        raise fail("start_year", "missing (the scenario is not cow:YEAR)",
                   "the calendar year of model year 0, an integer")
    if isinstance(start, bool) or not isinstance(start, int) or not -5000 <= start <= 3000:
        raise fail("start_year", f"value {start!r} out of range", "an integer -5000 to 3000")
    facts_raw = data.get("facts", list(DEFAULT_FACTS))
    if (not isinstance(facts_raw, list) or not facts_raw
            or not all(isinstance(f, str) for f in facts_raw)):
        raise fail("facts", f"expected a non-empty list of fact names, got {facts_raw!r}",
                   "names of rows of 'powerbalance facts'")
    if len(set(facts_raw)) != len(facts_raw):
        raise fail("facts", "repeated fact", "distinct fact names")
    sweep_dict: dict[str, Any] = {
        "name": data.get("name", Path(source).stem if source != "<spec>" else "calibration"),
        "scenario": scenario, "seed": data.get("seed", 0),
        "replicates": method.get("replicates", 10), "max_runs": MAX_RUNS,
        "design": {"kind": design, "points": method.get("points", 100),
                   "seed": method.get("seed", 0)},
        "parameters": priors, "fixed": data.get("fixed", {}),
        "outcomes": {"keep": ["summaries", "facts"]},
    }
    for key in ("years", "description"):
        if key in data:
            sweep_dict[key] = data[key]
    if "task_size" in method:
        sweep_dict["task_size"] = method["task_size"]
    try:
        sweep = parse_spec(sweep_dict, source=source, base_dir=base_dir)
    except InputError as exc:
        fld = exc.field or ""
        for old, new in _FIELD_NAMES.items():
            if fld == old or fld.startswith(old + "."):
                fld = new + fld[len(old):]
                break
        raise InputError(exc.message, source=source, field=fld, allowed=exc.allowed) from None
    return CalibrationSpec(name=sweep.name, sweep=sweep, facts=tuple(facts_raw),
                           start_year=int(start), accept=float(accept), data=folder,
                           source=source, description=sweep.description, method=kind,
                           generations=int(generations), proposals=int(proposals),
                           quantile=float(quantile))


# ------------------------------------------------------------------ facts on the worker


def world_facts(traj: Trajectory, scenario: Scenario, params: Params,
                point: int) -> pd.DataFrame:
    """The facts of every world of a task: ``point, replicate, fact, value``.

    The trajectory's actor, event, alliance and war tables are written into a temporary
    run folder and read back by :func:`powerbalance.analysis.facts.from_run`, so that a
    calibration computes exactly what ``powerbalance facts RUN_FOLDER`` computes (a
    model year is a calendar year; only the window's length matters for the rates).
    """
    from powerbalance.analysis import facts
    from powerbalance.experiments import tables

    years = len(traj.share) - 1
    with tempfile.TemporaryDirectory(prefix="powerbalance-facts-") as tmp:
        root = Path(tmp)
        tables.actor_table(traj, scenario, years).to_parquet(root / "actors.parquet")
        tables.event_table(traj, scenario, params).to_parquet(root / "events.parquet")
        tables.alliance_table(traj).to_parquet(root / "alliances.parquet")
        tables.war_table(traj).to_parquet(root / "wars.parquet")
        (root / "manifest.json").write_text("{}", encoding="utf-8")
        per_world = facts.facts_by_world(facts.from_run(root))
    per_world = per_world.rename(columns={"world": "replicate"})
    per_world.insert(0, "point", np.int32(point))
    per_world["replicate"] = per_world["replicate"].astype(np.int64)
    per_world["value"] = per_world["value"].astype(np.float64)
    return per_world[["point", "replicate", "fact", "value"]]


# ------------------------------------------------------------------ ABC


def _scales(means: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per-column scale of the point means: 1.4826 MAD, else std, else 1 (finite rows)."""
    out = np.ones(means.shape[1])
    for j in range(means.shape[1]):
        col = means[:, j][np.isfinite(means[:, j])]
        if len(col) < 2:
            continue
        mad = 1.4826 * float(np.median(np.abs(col - np.median(col))))
        sd = float(np.std(col))
        out[j] = mad if mad > 0 else (sd if sd > 0 else 1.0)
    return out


def point_means(per_world: pd.DataFrame, names: list[str],
                points: npt.NDArray[np.int64] | None = None
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The points (those of ``per_world``, sorted, unless given) and each one's mean of
    each fact in ``names`` (NaN for a point without worlds)."""
    sel = per_world[per_world["fact"].isin(names)]
    means = sel.pivot_table(index="point", columns="fact", values="value", aggfunc="mean",
                            dropna=False)
    if points is None:
        points = np.sort(per_world["point"].unique())
    means = means.reindex(index=points, columns=names)
    return points.astype(np.int64), means.to_numpy(dtype=np.float64)


def abc_distances(means: npt.NDArray[np.float64], observed: npt.NDArray[np.float64],
                  scale: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Scaled Euclidean distance of each row of ``means`` to ``observed`` (inf where a fact
    is undefined).

    >>> abc_distances(np.array([[1.0, 2.0], [np.nan, 0.0]]), np.array([1.0, 0.0]),
    ...               np.array([1.0, 2.0])).tolist()
    [1.0, inf]
    """
    z = (means - observed) / scale
    dist = np.sqrt(np.sum(z ** 2, axis=1))
    dist[~np.all(np.isfinite(z), axis=1)] = math.inf
    return np.asarray(dist, dtype=np.float64)


def abc_accept(per_world: pd.DataFrame, observed: dict[str, float], accept: float,
               scale: npt.NDArray[np.float64] | None = None) -> pd.DataFrame:
    """The ABC distance of every design point and which are accepted.

    ``per_world``: ``point, replicate, fact, value``; ``observed``: fact -> value of the
    facts used; ``scale``: the facts' scales (default: from these points,
    :func:`_scales`). Returns ``point, distance, accepted, rank`` plus the point mean and
    the scale of each fact, sorted by point. The ``accept`` share (at least one point) with
    the smallest finite distances is accepted (ties broken by point).

    >>> pw = pd.DataFrame({"point": [0, 0, 1, 1, 2, 2], "replicate": [0, 1] * 3,
    ...                    "fact": "x", "value": [1.0, 1.0, 2.0, 2.2, 5.0, 5.0]})
    >>> t = abc_accept(pw, {"x": 2.0}, accept=0.34)
    >>> t["accepted"].tolist(), t["rank"].tolist()
    ([False, True, False], [2, 1, 3])
    """
    names = list(observed)
    points, m = point_means(per_world, names)
    obs = np.array([observed[n] for n in names], dtype=np.float64)
    scale = _scales(m) if scale is None else scale
    dist = abc_distances(m, obs, scale)
    order = np.lexsort((points, dist))
    rank = np.empty(len(points), dtype=np.int64)
    rank[order] = np.arange(1, len(points) + 1)
    k = max(1, int(round(accept * len(points))))
    accepted = (rank <= k) & np.isfinite(dist)
    out = pd.DataFrame({"point": points.astype(np.int64), "distance": dist,
                        "accepted": accepted, "rank": rank})
    for j, n in enumerate(names):
        out[f"mean: {n}"] = m[:, j]
        out[f"scale: {n}"] = scale[j]
    return out


# ------------------------------------------------------------------ ABC-SMC


@dataclass(frozen=True)
class Population:
    """One ABC population: particles (rows of ``theta``), distances, normalised weights."""

    theta: npt.NDArray[np.float64]
    distance: npt.NDArray[np.float64]
    weight: npt.NDArray[np.float64]
    epsilon: float
    """Tolerance the particles met (the largest accepted distance for the rejection step)."""
    proposed: int
    """Parameter sets simulated to get them."""
    points: npt.NDArray[np.int64]
    """Each particle's point in its generation's design."""
    generation: int = 0
    """The generation whose proposals the particles are (0: the rejection step)."""

    @property
    def acceptance_rate(self) -> float:
        """Share of the proposals accepted."""
        return len(self.weight) / self.proposed if self.proposed else math.nan


def weighted_covariance(theta: npt.NDArray[np.float64],
                        weight: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The weighted covariance of the particles (weights normalised, no small-sample
    correction, as Beaumont et al. 2009 use it).

    >>> weighted_covariance(np.array([[0.0], [2.0]]), np.array([0.5, 0.5])).tolist()
    [[1.0]]
    """
    w = weight / weight.sum()
    centred = theta - w @ theta
    return np.asarray((centred * w[:, None]).T @ centred, dtype=np.float64)


def smc_proposals(population: Population, bounds: npt.NDArray[np.float64], count: int,
                  rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """``count`` parameter sets from ``population``: a particle drawn by weight, moved by
    the Gaussian kernel N(0, 2 x weighted covariance) (Beaumont et al. 2009, section 3),
    redrawn while outside the prior box ``bounds`` (rows lo, hi per parameter), in
    vectorised rounds."""
    cov = 2.0 * weighted_covariance(population.theta, population.weight)
    cov += np.diag(np.maximum(np.diag(cov), 0.0) * 1e-12 + 1e-300)  # a degenerate particle set
    chol = np.linalg.cholesky(cov)
    out = np.empty((count, population.theta.shape[1]))
    todo = np.arange(count)
    for _ in range(10_000):
        picks = rng.choice(len(population.weight), size=len(todo), p=population.weight)
        moved = population.theta[picks] + rng.standard_normal(
            (len(todo), population.theta.shape[1])) @ chol.T
        inside = np.all((moved >= bounds[:, 0]) & (moved <= bounds[:, 1]), axis=1)
        out[todo[inside]] = moved[inside]
        todo = todo[~inside]
        if not len(todo):
            return out
    raise RuntimeError("the SMC kernel keeps leaving the prior box")


def smc_weights(theta: npt.NDArray[np.float64], previous: Population
                ) -> npt.NDArray[np.float64]:
    """Importance weights of new particles under a uniform prior: ``1 / sum_j w_j
    K(theta | theta_j)`` with the kernel of :func:`smc_proposals`, normalised (Beaumont et
    al. 2009, eq. 3; Toni et al. 2009, algorithm 4)."""
    cov = 2.0 * weighted_covariance(previous.theta, previous.weight)
    cov += np.diag(np.maximum(np.diag(cov), 0.0) * 1e-12 + 1e-300)
    inv = np.linalg.inv(cov)
    diff = theta[:, None, :] - previous.theta[None, :, :]
    maha = np.einsum("ijk,kl,ijl->ij", diff, inv, diff)
    # the kernel's normalising constant is the same for every particle: it cancels
    log_k = -0.5 * maha + np.log(previous.weight)[None, :]
    top = log_k.max(axis=1, keepdims=True)
    log_mix = top[:, 0] + np.log(np.exp(log_k - top).sum(axis=1))
    w = np.exp(-(log_mix - log_mix.min()))
    return np.asarray(w / w.sum(), dtype=np.float64)


def smc_generation(previous: Population, bounds: npt.NDArray[np.float64], proposals: int,
                   quantile: float, simulate: Callable[[npt.NDArray[np.float64]],
                                                       npt.NDArray[np.float64]],
                   rng: np.random.Generator, size: int = 1
                   ) -> tuple[Population, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One ABC-SMC generation: the new population, and every proposal and its distance.

    The tolerance is the ``quantile`` of the previous population's distances, raised where
    needed so that the population keeps its size (at least ``size`` particles, the
    rejection step's: the ``size``-th smallest proposal distance; the adaptive population Monte
    Carlo ABC of Lenormand, Jabot & Deffuant 2013, *Computational Statistics* 28:
    2777-2796, which a batch of proposals calls for). ``simulate`` maps proposals (rows)
    to their distances. A generation in which no proposal has a finite distance keeps the
    previous population (reported by a zero acceptance rate).
    """
    theta = smc_proposals(previous, bounds, proposals, rng)
    distance = simulate(theta)
    finite = np.sort(distance[np.isfinite(distance)])
    epsilon = float(np.quantile(previous.distance, quantile))
    size = min(size, len(finite))
    if size and finite[size - 1] > epsilon:
        epsilon = float(finite[size - 1])
    keep = np.isfinite(distance) & (distance <= epsilon)
    if not keep.any():
        return (Population(previous.theta, previous.distance, previous.weight, epsilon,
                           proposals, previous.points, previous.generation), theta, distance)
    new = Population(theta[keep], distance[keep], smc_weights(theta[keep], previous),
                     epsilon, proposals, np.flatnonzero(keep).astype(np.int64),
                     previous.generation + 1)
    return new, theta, distance


def smc_rng(seed: int, generation: int) -> np.random.Generator:
    """The proposal stream of one generation, from the master seed."""
    return np.random.default_rng([int(seed) % 2**63, _SMC_STREAM, generation])


def smc_seed(seed: int, generation: int) -> int:
    """The simulation seed of one generation's sweep, derived from the master seed."""
    return int(np.random.SeedSequence([int(seed) % 2**63, _SMC_STREAM, generation, 1])
               .generate_state(1, np.uint32)[0])


def abc_smc(bounds: npt.NDArray[np.float64], first_theta: npt.NDArray[np.float64],
            first_distance: npt.NDArray[np.float64], accept: float, generations: int,
            proposals: int, quantile: float,
            simulate: Callable[[int, npt.NDArray[np.float64]], npt.NDArray[np.float64]],
            seed: int) -> list[Population]:
    """Rejection on a first design, then ``generations`` SMC generations.

    ``simulate(generation, theta)`` returns the distance of each row of ``theta``. Returns
    every population, the rejection one first (its weights uniform).
    """
    order = np.lexsort((np.arange(len(first_distance)), first_distance))
    k = max(1, int(round(accept * len(first_distance))))
    chosen = order[:k][np.isfinite(first_distance[order[:k]])]
    if not len(chosen):
        raise InputError("no design point has all chosen facts defined", source="calibration",
                         field="facts", allowed="facts that the model produces")
    pops = [Population(first_theta[chosen], first_distance[chosen],
                       np.full(len(chosen), 1.0 / len(chosen)),
                       float(first_distance[chosen].max()), len(first_distance),
                       chosen.astype(np.int64))]
    for g in range(1, generations + 1):
        pop, _, _ = smc_generation(pops[-1], bounds, proposals, quantile,
                                   functools.partial(simulate, g), smc_rng(seed, g),
                                   size=len(pops[0].weight))
        pops.append(pop)
    return pops


def weighted_quantile(values: npt.NDArray[np.float64], weight: npt.NDArray[np.float64],
                      q: float) -> float:
    """The ``q`` quantile of a weighted sample (the smallest value whose cumulative weight
    reaches q).

    >>> weighted_quantile(np.array([3.0, 1.0, 2.0]), np.array([0.2, 0.5, 0.3]), 0.5)
    1.0
    """
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weight[order]) / weight.sum()
    return float(values[order][min(int(np.searchsorted(cum, q - 1e-12)), len(values) - 1)])


def running_threshold(distances: pd.DataFrame, accept: float,
                      steps: int = 20) -> pd.DataFrame:
    """The acceptance threshold (largest accepted distance) as the design grows.

    For the first n points (in design order), the distance of the ``accept``-th share
    closest: if it still falls steeply at the full design, more points would tighten the
    posterior. Columns ``points, threshold``.
    """
    d = distances.sort_values("point")["distance"].to_numpy(dtype=np.float64)
    rows = []
    for n in np.unique(np.linspace(max(1, len(d) // steps), len(d), steps).astype(int)):
        k = max(1, int(round(accept * n)))
        rows.append({"points": int(n), "threshold": float(np.sort(d[:n])[k - 1])})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the calibration


@dataclass
class CalibrationResult:
    """What :func:`calibrate` computed (the same as the files of its folder)."""

    spec: CalibrationSpec
    observed: pd.DataFrame
    """The facts of the training window (``powerbalance facts --data``)."""
    distances: pd.DataFrame
    posterior: pd.DataFrame
    fit: pd.DataFrame
    calibrated: dict[str, Any]
    """The calibrated parameter set: posterior medians of the fitted parameters and the
    spec's fixed values."""
    runs: int
    seconds: float
    folder: Path | None = None
    threshold: pd.DataFrame = field(default_factory=pd.DataFrame)
    generations: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per population (0: the rejection step): tolerance, proposals, accepted, acceptance
    rate and effective sample size."""

    @property
    def histories_per_second(self) -> float:
        """Simulated worlds per second of this call (0 when everything was resumed)."""
        return self.runs / self.seconds if self.seconds > 0 else 0.0


def observed_facts(spec: CalibrationSpec) -> pd.DataFrame:
    """The facts of the spec's training window from its data folder (checks the names)."""
    from powerbalance.analysis.facts import facts

    if spec.data is None:
        from powerbalance.analysis.cow import DATA_ENV

        raise InputError("no data folder", source=spec.source, field="data",
                         allowed=f"data = \"DIR\" in the spec, or ${DATA_ENV}")
    lo, hi = spec.window
    table, _ = facts(spec.data, data=True, start=lo, end=hi, bootstrap=0)
    known = {f: v for f, v in zip(table["fact"], table["value"], strict=True)}
    for k, name in enumerate(spec.facts):
        if name not in known or not math.isfinite(float(known[name])):
            raise InputError(f"fact {name!r} has no value in the data of {lo}-{hi}",
                             source=spec.source, field=f"facts[{k}]",
                             allowed="; ".join(f for f, v in known.items()
                                               if math.isfinite(float(v))))
    return table


def _result_paths(folder: Path) -> list[Path]:
    return [folder / name for name in RESULT_FILES]


def check_folder(folder: str | Path) -> None:
    """Refuse (before anything runs) a folder that is neither new, empty, nor a calibration
    folder of ours, and any result file in it that we did not write."""
    from powerbalance.outputs import Output, check_name, check_output

    root = Path(folder)
    check_name(Output(root, OUTPUT_KIND, folder=True))
    if root.exists() and not root.is_dir():
        raise InputError("exists and is not a folder", source=str(root), field="--out",
                         allowed="a new folder or a calibration folder")
    if root.is_dir():
        allowed = {*RESULT_FILES, "simulations", "generations"}
        for entry in root.iterdir():
            if entry.name.startswith("."):
                continue
            if entry.name not in allowed:
                raise InputError(f"holds {entry.name!r}, which is not part of a calibration",
                                 source=str(root), field="--out",
                                 allowed="a new folder, an empty one, or a calibration folder")
        for path in _result_paths(root):
            check_output(Output(path, OUTPUT_KIND, folder=False), force=True)


def calibrate(spec: CalibrationSpec | str | Path, out: str | Path, *,
              workers: int | None = None, scheduler: str | None = None,
              backend: str | None = None, executor: Executor | None = None,
              progress: Callable[[int, int, int, int], None] | None = None
              ) -> CalibrationResult:
    """Fit the spec's priors to the facts of its training window; write the folder ``out``.

    Resumable: a re-run with the same spec and folder simulates only the tasks that are
    not stored yet, then recomputes the posterior and rewrites the result files (ours,
    recognised by their sidecars; a file we did not write is never touched). The
    executor options are those of :func:`powerbalance.experiments.sweep.run_sweep`.
    """
    import time

    from powerbalance.experiments.store import SweepStore
    from powerbalance.experiments.sweep import plan_sweep, run_sweep

    started = time.perf_counter()
    if not isinstance(spec, CalibrationSpec):
        spec = load_calibration_spec(spec)
    root = Path(out)
    check_folder(root)
    observed = observed_facts(spec)
    plan_sweep(spec.sweep, root / "simulations")  # validates the store before writing
    report = run_sweep(spec.sweep, root / "simulations", workers=workers,
                       scheduler=scheduler, backend=backend, executor=executor,
                       progress=progress)
    store = SweepStore(root / "simulations")
    per_world = store.table("facts")
    design = pd.read_parquet(store.points_path)
    result = analyse(spec, observed, per_world, design)
    result.runs = report.runs_run
    if spec.generations:
        result.runs += _refine(result, per_world, root, workers=workers, scheduler=scheduler,
                               backend=backend, executor=executor, progress=progress)
    result.seconds = time.perf_counter() - started
    result.folder = root
    write_results(result, root)
    return result


def analyse(spec: CalibrationSpec, observed: pd.DataFrame, per_world: pd.DataFrame,
            design: pd.DataFrame) -> CalibrationResult:
    """Distances, posterior, fit table and calibrated set of the rejection step."""
    obs = {f: float(v) for f, v in zip(observed["fact"], observed["value"], strict=True)}
    chosen = {f: obs[f] for f in spec.facts}
    distances = abc_accept(per_world, chosen, spec.accept)
    distances = design.merge(distances, on="point", how="right")
    posterior = distances[distances["accepted"]].sort_values("rank").reset_index(drop=True)
    names = list(spec.priors)
    posterior = posterior[["point", *names, "distance", "rank"]]
    posterior["weight"] = 1.0 / len(posterior)
    posterior["generation"] = 0
    distances.insert(0, "generation", 0)
    worlds = per_world[per_world["point"].isin(posterior["point"])]
    calibrated: dict[str, Any] = dict(spec.sweep.fixed)
    for n in names:
        calibrated[n] = float(np.median(posterior[n].to_numpy(dtype=np.float64)))
    eps = float(posterior["distance"].max()) if len(posterior) else math.nan
    generations = pd.DataFrame([{"generation": 0, "epsilon": eps, "proposals": len(distances),
                                 "accepted": len(posterior),
                                 "acceptance_rate": len(posterior) / max(1, len(distances)),
                                 "ess": float(len(posterior))}])
    return CalibrationResult(spec=spec, observed=observed, distances=distances,
                             posterior=posterior, fit=_fit_table(spec, observed, worlds,
                                                                 per_world),
                             calibrated=calibrated, runs=0, seconds=0.0,
                             threshold=running_threshold(distances, spec.accept),
                             generations=generations)


def _fit_table(spec: CalibrationSpec, observed: pd.DataFrame, worlds: pd.DataFrame,
               prior_worlds: pd.DataFrame) -> pd.DataFrame:
    """Data against the posterior predictive (``worlds``) and the prior predictive."""
    from powerbalance.analysis.facts import compare_facts

    fit = compare_facts(observed, worlds.rename(columns={"replicate": "world"}))
    prior = compare_facts(observed, prior_worlds.rename(columns={"replicate": "world"}))
    fit = fit.merge(prior[["fact", "model_median"]].rename(
        columns={"model_median": "prior_median"}), on="fact", how="left")
    lookup = dict(zip(observed["fact"], zip(observed["lo"], observed["hi"], strict=True),
                      strict=True))
    fit.insert(2, "observed_lo", [float(lookup[f][0]) for f in fit["fact"]])
    fit.insert(3, "observed_hi", [float(lookup[f][1]) for f in fit["fact"]])
    fit.insert(1, "fitted", fit["fact"].isin(spec.facts))
    return fit.sort_values("fitted", ascending=False, kind="stable").reset_index(drop=True)


def _refine(result: CalibrationResult, first_worlds: pd.DataFrame, root: Path,
            **executor_options: Any) -> int:
    """The SMC generations after the rejection step of ``result`` (updated in place): each
    generation's proposals run as one sweep of explicit points into
    ``generations/NN``. Returns the worlds simulated by this call."""
    import dataclasses

    from powerbalance.experiments.store import SweepStore
    from powerbalance.experiments.sweep import run_sweep

    spec = result.spec
    names = list(spec.priors)
    facts = list(spec.facts)
    bounds = np.array([spec.priors[n] for n in names], dtype=np.float64)
    obs_map = dict(zip(result.observed["fact"], result.observed["value"], strict=True))
    obs = np.array([float(obs_map[f]) for f in facts])
    first = result.distances
    scale = np.array([float(first[f"scale: {f}"].iloc[0]) for f in facts])
    axes = {a.name: a for a in spec.sweep.axes}
    worlds: dict[int, pd.DataFrame] = {0: first_worlds}
    tables = [first]
    ran = 0

    def simulate(g: int, theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        nonlocal ran
        # through each axis' own mapping, so an integer parameter stays an integer
        unit = (theta - bounds[:, 0]) / np.where(bounds[:, 1] > bounds[:, 0],
                                                 bounds[:, 1] - bounds[:, 0], 1.0)
        design = pd.DataFrame({n: [axes[n].from_unit(float(u)) for u in unit[:, j]]
                               for j, n in enumerate(names)})
        design.insert(0, "point", np.arange(len(design), dtype=np.int32))
        gspec = dataclasses.replace(spec.sweep, seed=smc_seed(spec.sweep.seed, g),
                                    points=len(design), name=f"{spec.name}-generation-{g}")
        folder = root / "generations" / f"{g:02d}"
        report = run_sweep(gspec, folder, design=design, **executor_options)
        ran += report.runs_run
        per_world = SweepStore(folder).table("facts")
        points = np.arange(len(design), dtype=np.int64)
        _, means = point_means(per_world, facts, points)
        dist = abc_distances(means, obs, scale)
        table = design.assign(generation=g, distance=dist)
        for j, f in enumerate(facts):
            table[f"mean: {f}"] = means[:, j]
        worlds[g] = per_world
        tables.append(table)
        return dist

    first_theta = first[names].to_numpy(dtype=np.float64)
    pops = abc_smc(bounds, first_theta, first["distance"].to_numpy(dtype=np.float64),
                   spec.accept, spec.generations, spec.proposals, spec.quantile, simulate,
                   spec.sweep.seed)
    final = pops[-1]
    order = np.lexsort((final.points, final.distance))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    posterior = pd.DataFrame({"point": final.points})
    for j, n in enumerate(names):
        posterior[n] = final.theta[:, j]
    posterior = posterior.assign(distance=final.distance, rank=rank, weight=final.weight,
                                 generation=final.generation)
    result.posterior = posterior.sort_values("rank").reset_index(drop=True)
    result.distances = pd.concat(tables, ignore_index=True)
    result.generations = pd.DataFrame([{
        "generation": g, "epsilon": p.epsilon, "proposals": p.proposed,
        "accepted": len(p.weight) if p.generation == g else 0,
        "acceptance_rate": p.acceptance_rate if p.generation == g else 0.0,
        "ess": float(1.0 / np.sum(p.weight ** 2))} for g, p in enumerate(pops)])
    for n in names:
        result.calibrated[n] = weighted_quantile(result.posterior[n].to_numpy(np.float64),
                                                 result.posterior["weight"].to_numpy(np.float64),
                                                 0.5)
    # the posterior predictive: worlds of particles resampled by weight (systematic
    # resampling, from the master seed), so the fit table's quantiles follow the weights
    rng = smc_rng(spec.sweep.seed, spec.generations + 1)
    w = result.posterior["weight"].to_numpy(np.float64)
    cum = np.cumsum(w) / w.sum()
    draws = np.minimum(np.searchsorted(cum, (rng.random() + np.arange(len(w))) / len(w)),
                       len(w) - 1)
    per_world = worlds[final.generation]
    parts = []
    for k, row in enumerate(draws):
        pw = per_world[per_world["point"] == int(result.posterior["point"].iloc[row])]
        parts.append(pw.assign(point=k, replicate=pw["replicate"] + k * spec.sweep.replicates))
    result.fit = _fit_table(spec, result.observed, pd.concat(parts, ignore_index=True),
                            first_worlds)
    return ran


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(float(v)) if isinstance(v, float) else str(v)
    return json.dumps(str(v))


def params_toml(result: CalibrationResult) -> str:
    """The calibrated parameter set as a params file (``[params]`` and its provenance)."""
    spec = result.spec
    lo, hi = spec.window
    gens = (f" after {spec.generations} SMC generations" if spec.generations else "")
    lines = [f"# Calibrated parameter set written by powerbalance calibrate ({spec.method}):",
             f"# {len(result.posterior)} accepted of {len(result.distances)} parameter sets"
             f"{gens}, {spec.sweep.replicates} worlds each,",
             f"# fitted to {len(spec.facts)} facts of {lo}-{hi}. Fitted parameters are the "
             "(weighted) posterior medians.",
             "", "[calibration]", f"name = {json.dumps(spec.name)}",
             f"scenario = {json.dumps(spec.sweep.scenario)}",
             f"window = [{lo}, {hi}]",
             f"facts = [{', '.join(json.dumps(f) for f in spec.facts)}]",
             f"fitted = [{', '.join(json.dumps(n) for n in spec.priors)}]",
             "", "[params]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in sorted(result.calibrated.items())]
    return "\n".join(lines) + "\n"


def diagnostics_figure(result: CalibrationResult) -> Any:
    """Posterior marginals (over the prior range) and the acceptance threshold."""
    from matplotlib.figure import Figure

    names = list(result.spec.priors)
    fig = Figure(figsize=(3.2 * (len(names) + 1), 3.0), layout="constrained")
    axes = fig.subplots(1, len(names) + 1, squeeze=False)[0]
    for ax, n in zip(axes, names, strict=False):
        lo, hi = result.spec.priors[n]
        bins = np.linspace(lo, hi, 16)
        ax.hist(result.distances[n], bins=bins, density=True, color="0.8", label="prior")
        ax.hist(result.posterior[n], bins=bins, density=True, alpha=0.8, color="C0",
                weights=result.posterior["weight"], label="posterior")
        ax.axvline(result.calibrated[n], color="C3", lw=1.5, label="median")
        ax.set_xlim(lo, hi)
        ax.set_title(n, fontsize=9)
        ax.set_yticks([])
    axes[0].legend(fontsize=7)
    ax = axes[-1]
    th = result.threshold
    ax.plot(th["points"], th["threshold"], marker="o", ms=3)
    ax.set_xlabel("design points simulated")
    ax.set_ylabel("acceptance distance")
    title = f"threshold (accept {result.spec.accept:g})"
    if result.spec.generations:
        gens = result.generations
        title += "; SMC tolerance " + " > ".join(f"{e:.3g}" for e in gens["epsilon"])
    ax.set_title(title, fontsize=8)
    return fig


def summary_json(result: CalibrationResult) -> dict[str, Any]:
    """The calibration's summary (``calibration.json``)."""
    spec = result.spec
    return {"name": spec.name, "method": spec.method, "source": spec.source,
            "scenario": spec.sweep.scenario, "window": list(spec.window),
            "facts": list(spec.facts), "priors": {k: list(v) for k, v in spec.priors.items()},
            "points": len(result.distances), "replicates": spec.sweep.replicates,
            "accepted": len(result.posterior), "accept": spec.accept,
            "generations": result.generations.to_dict("records"),
            "calibrated": result.calibrated, "runs_this_call": result.runs,
            "seconds_this_call": result.seconds,
            "histories_per_second": result.histories_per_second}


def write_results(result: CalibrationResult, folder: Path) -> None:
    """Write the result files into ``folder`` (each atomically, with its sidecar)."""
    from powerbalance.outputs import write_file
    from powerbalance.viz import save_figure

    def put(name: str, write: Callable[[Path], Any]) -> None:
        write_file(folder / name, write, kind=OUTPUT_KIND, force=True)

    put("posterior.parquet", lambda p: result.posterior.to_parquet(p, index=False))
    put("distances.parquet", lambda p: result.distances.to_parquet(p, index=False))
    put("generations.parquet", lambda p: result.generations.to_parquet(p, index=False))
    put("fit.csv", lambda p: result.fit.to_csv(p, index=False))
    put("diagnostics.png", lambda p: save_figure(diagnostics_figure(result), p))
    put("calibrated-params.toml", lambda p: p.write_text(params_toml(result), encoding="utf-8"))
    put("calibration.json", lambda p: p.write_text(json.dumps(summary_json(result), indent=2,
                                                              default=str), encoding="utf-8"))
