"""Out-of-sample validation: the calibrated model on windows and episodes it was not fitted to.

Two parts, both from a params file (a calibration's ``calibrated-params.toml``, or any
``[params]`` file; ``None`` for this version's defaults):

- :func:`validate_windows`: each window (``cow:1919`` for 20 years against the facts of
  1919-1939, ``cow:1950`` for 39 years against 1950-1989, by default) is simulated as a
  one-point sweep (so on the same executors as a calibration), every world's facts are
  computed by the code of ``powerbalance facts RUN_FOLDER``, and
  :func:`powerbalance.analysis.facts.compare_facts` gives, per fact, the observed value,
  the model median and central 90% band, and the observed value's percentile among the
  worlds.
- :func:`history_checks`: the historical scenarios (:data:`HISTORY`), each with what
  happened and the statistic that measures it in every world; history's percentile in
  the model's distribution (ties counted half), so 0.5 is the model's median and values
  near 0 or 1 mean history is in a tail of the model.
"""

from __future__ import annotations

import math
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from powerbalance.experiments.executors import Executor
    from powerbalance.experiments.results import RunResult
    from powerbalance.scenarios.model import Scenario

__all__ = ["DEFAULT_WINDOWS", "HISTORY", "HistoryCheck", "calibrated_params",
           "history_checks", "percentile_of", "validate_windows"]

#: Out-of-sample windows: (first calendar year = the cow:YEAR start, model years).
DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((1919, 20), (1950, 39))

#: Scenario options used when the params file names no cow scenario (the defaults of
#: ``cow:YEAR``).
DEFAULT_COW_OPTIONS = ""


def calibrated_params(source: str | Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``[params]`` and ``[calibration]`` tables of a params file or calibration folder.

    ``None``: no overrides (the model's defaults).
    """
    from powerbalance.params import load_params_file

    if source is None:
        return {}, {}
    path = Path(source)
    if path.is_dir():
        path = path / "calibrated-params.toml"
    params = load_params_file(path)
    info = tomllib.loads(path.read_text(encoding="utf-8")).get("calibration", {})
    return params, info if isinstance(info, dict) else {}


def _cow_scenario(template: str | None, year: int, data: str | None) -> str:
    """``cow:YEAR`` with the options of ``template`` (a calibration's cow scenario)."""
    options: list[str] = []
    if template and template.startswith("cow:"):
        options = [o for o in template.split(":", 1)[1].split(",")[1:]
                   if not (data is not None and o.startswith("data="))]
    if data is not None:
        options.append(f"data={data}")
    return ",".join([f"cow:{year}", *options])


def validate_windows(params: dict[str, Any], data: str | Path, *,
                     windows: tuple[tuple[int, int], ...] = DEFAULT_WINDOWS,
                     scenario: str | None = None, worlds: int = 50, seed: int = 0,
                     workers: int | None = None, backend: str | None = None,
                     scheduler: str | None = None, executor: Executor | None = None,
                     band: float = 0.90) -> pd.DataFrame:
    """Observed facts of each window against the model's worlds (see the module docstring).

    ``scenario``: the calibration's cow scenario, whose options (``majors=...``) every
    window keeps. Columns: ``window, fact, observed, model_median, model_lo, model_hi,
    percentile, worlds``.
    """
    from powerbalance.analysis.facts import compare_facts, facts
    from powerbalance.experiments.spec import parse_spec
    from powerbalance.experiments.store import SweepStore
    from powerbalance.experiments.sweep import run_sweep

    folder = str(Path(data).resolve())
    parts = []
    for start, years in windows:
        observed, _ = facts(folder, data=True, start=start, end=start + years, bootstrap=0)
        spec = parse_spec({"name": f"validate-{start}",
                           "scenario": _cow_scenario(scenario, start, folder),
                           "years": years, "seed": seed, "replicates": worlds,
                           "fixed": params, "outcomes": {"keep": ["summaries", "facts"]}},
                          source=f"validate window {start}")
        with tempfile.TemporaryDirectory(prefix="powerbalance-validate-") as tmp:
            store_dir = Path(tmp) / "simulations"
            run_sweep(spec, store_dir, workers=workers, backend=backend, scheduler=scheduler,
                      executor=executor)
            per_world = SweepStore(store_dir).table("facts")
        table = compare_facts(observed, per_world.rename(columns={"replicate": "world"}),
                              band=band)
        table.insert(0, "window", f"{start}-{start + years}")
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ historical scenarios

Measure = Callable[["RunResult", "Scenario"], npt.NDArray[np.float64]]


@dataclass(frozen=True)
class HistoryCheck:
    """A historical scenario, what happened, and its measure in each world."""

    name: str
    scenario: str
    years: int
    happened: str
    statistic: str
    history: float
    """The statistic's value in history."""
    measure: Measure
    """The statistic of every world (ascending world order)."""


def _worlds(result: RunResult) -> npt.NDArray[np.int64]:
    return np.sort(result.system["world"].unique()).astype(np.int64)


def unification_year(actor: str) -> Measure:
    """First year ``actor`` is the only one alive (``inf`` where it never is)."""

    def measure(result: RunResult, scen: Scenario) -> npt.NDArray[np.float64]:
        i = scen.names.index(actor)
        s = result.system
        one = s[(s["live_actors"] == 1) & (s["leader"] == i)]
        first = one.groupby("world")["year"].min()
        return first.reindex(_worlds(result)).astype(float).fillna(math.inf).to_numpy()

    return measure


def bid_fails(actor: str) -> Measure:
    """1 where ``actor`` ends the window alive or dead but beaten back: not the hegemon
    and with a smaller capability share than at the start (0 otherwise)."""

    def measure(result: RunResult, scen: Scenario) -> npt.NDArray[np.float64]:
        i = scen.names.index(actor)
        a = result.actors[result.actors["actor"] == i]
        first, last = a["year"].min(), a["year"].max()
        share0 = a[a["year"] == first].set_index("world")["share"]
        end = a[a["year"] == last].set_index("world")
        share1 = end["share"].where(end["alive"].astype(bool), 0.0)
        s = result.system[result.system["year"] == last].set_index("world")
        hegemon = s["hegemon"].astype(bool) & (s["leader"] == i)
        w = _worlds(result)
        fails = (share1.reindex(w) < share0.reindex(w)) & ~hegemon.reindex(w)
        return fails.astype(float).to_numpy()

    return measure


def no_war_between(a: str, b: str) -> Measure:
    """1 where ``a`` and ``b`` never fight on opposite sides of a war (0 otherwise)."""

    def measure(result: RunResult, scen: Scenario) -> npt.NDArray[np.float64]:
        i, j = scen.names.index(a), scen.names.index(b)
        wars = result.wars
        hit: set[int] = set()
        for w, s1, s2 in zip(wars["world"], wars["initiator_side"], wars["target_side"],
                             strict=True):
            m1, m2 = {int(x) for x in s1}, {int(x) for x in s2}
            if (i in m1 and j in m2) or (j in m1 and i in m2):
                hit.add(int(w))
        return np.array([0.0 if w in hit else 1.0 for w in _worlds(result)])

    return measure


#: The historical scenarios and what happened (issue 12).
HISTORY: tuple[HistoryCheck, ...] = (
    HistoryCheck("Qin unifies China", "warring-states", 150,
                 "Qin unifies in 221 BC, ~112 years after 333 BC",
                 "year Qin is the only state left (never within 150 years: above all)",
                 112.0, unification_year("Qin")),
    HistoryCheck("the coalition defeats Napoleon", "napoleon-1805", 10,
                 "France is beaten back by 1815",
                 "1 if France is not the hegemon in 1815 and holds less capability than "
                 "in 1805", 1.0, bid_fails("France")),
    HistoryCheck("no superpower war", "cold-war-1950", 39,
                 "no war between the USA and the USSR 1950-1989",
                 "1 if the USA and the USSR never fight on opposite sides", 1.0,
                 no_war_between("USA", "USSR")),
    HistoryCheck("Germany's bid fails", "europe-1939", 6,
                 "Germany is beaten by 1945",
                 "1 if Germany is not the hegemon in 1945 and holds less capability than "
                 "in 1939", 1.0, bid_fails("Germany")),
)


def percentile_of(value: float, sample: npt.ArrayLike) -> float:
    """Share of ``sample`` below ``value``, ties counted half.

    >>> percentile_of(2.0, [1.0, 2.0, 3.0, math.inf])
    0.375
    """
    x = np.asarray(sample, dtype=np.float64)
    return float((np.sum(x < value) + 0.5 * np.sum(x == value)) / len(x))


def history_checks(params: dict[str, Any], *, worlds: int = 50, seed: int = 0,
                   checks: tuple[HistoryCheck, ...] = HISTORY,
                   band: float = 0.90) -> pd.DataFrame:
    """History's percentile in the model's distribution, per historical scenario.

    ``params`` override each scenario's own ``[params]``. Columns: ``check, scenario,
    years, happened, statistic, history, model_median, model_lo, model_hi, model_mean,
    percentile, worlds``.
    """
    from powerbalance.experiments.results import run
    from powerbalance.scenarios import load

    rows = []
    for c in checks:
        scen = load(c.scenario)
        result = run(scen, years=c.years, worlds=worlds, seed=seed, overrides=params,
                     record="system", map_worlds=0)
        values = c.measure(result, scen)
        # an order statistic, not an interpolation: "never" (inf) stays a value
        lo, med, hi = np.quantile(values, [(1 - band) / 2, 0.5, (1 + band) / 2],
                                  method="inverted_cdf")
        finite = values[np.isfinite(values)]
        rows.append({"check": c.name, "scenario": c.scenario, "years": c.years,
                     "happened": c.happened, "statistic": c.statistic,
                     "history": c.history, "model_median": float(med),
                     "model_lo": float(lo), "model_hi": float(hi),
                     "model_mean": float(np.mean(finite)) if len(finite) == len(values)
                     else math.nan,
                     "percentile": percentile_of(c.history, values), "worlds": len(values)})
    return pd.DataFrame(rows)
