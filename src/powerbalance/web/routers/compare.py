"""Compare two arms: an experiment of the registry, or two parameter settings of a scenario.

Both go through :func:`powerbalance.experiments.claims.run_experiment`: two
settings become a two-arm :class:`~powerbalance.experiments.claims.Experiment`
(arms ``A`` and ``B``, one comparison ``B > A`` on the chosen per-world
statistic), so the paired difference, its interval and the verdict are the
library's, computed as for every claim.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from powerbalance.arenas import is_arena
from powerbalance.experiments import claims
from powerbalance.web.app import Lab, get_lab
from powerbalance.web.jobs import Job
from powerbalance.web.payloads import cli_command, plain, table_response
from powerbalance.web.routers.runs import (
    describe,
    finished,
    job_of,
    progress_stream,
    run_cli,
)
from powerbalance.web.routers.scenarios import load_spec
from powerbalance.web.schemas import (
    CompareRequest,
    LimitError,
    check_overrides,
    check_size,
)

router = APIRouter(prefix="/api/compare", tags=["compare"])

#: Per-world statistics offered for two settings: name -> (description, builder).
#: Builders taking an actor name are written ``name:ACTOR`` in a request.
STATISTICS: dict[str, tuple[str, Any, bool]] = {
    "unified": ("one actor is left at the end", claims.unified, False),
    "any_regional_hegemon": ("some region had a regional hegemon", claims.any_regional_hegemon,
                             False),
    "unified_by": ("this actor is the only one left at the end", claims.unified_by, True),
    "hegemony_by": ("this actor is a hegemon at the end", claims.hegemony_by, True),
    "wars_fought_by": ("wars this actor fought", claims.wars_fought_by, True),
}
_TABLES = ("arms", "comparisons", "checks", "per_world")


def statistic(name: str, actors: tuple[str, ...]) -> tuple[str, claims.Statistic]:
    """The description and function of a statistic written ``name`` or ``name:ACTOR``."""
    base, _, actor = name.partition(":")
    if base not in STATISTICS:
        raise LimitError("statistic", f"unknown statistic {base!r}: allowed "
                         f"{', '.join(STATISTICS)}")
    text, builder, needs_actor = STATISTICS[base]
    if needs_actor != bool(actor):
        raise LimitError("statistic", f"{base} {'needs' if needs_actor else 'takes no'} "
                         "actor (name:ACTOR)")
    if needs_actor and actor not in actors:
        raise LimitError("statistic", f"unknown actor {actor!r}: allowed {', '.join(actors)}")
    return (f"{actor}: {text}" if actor else text), (builder(actor) if actor else builder)


@router.get("/experiments")
def experiments(lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The experiment registry: claims, arms and the comparisons they predict."""
    rows = []
    for row in claims.listing():
        exp = claims.get(row["name"])
        rows.append({**row, "needs_data": exp.reads_data,
                     "years": exp.years,
                     "arms": [{"label": a.label, "scenario": a.scenario,
                               "overrides": a.overrides, "strategies": a.strategies,
                               "description": a.description} for a in exp.arms],
                     "comparisons": [{"statistic": c.statistic, "low": c.low,
                                      "high": c.high} for c in exp.comparisons]})
    return plain({"experiments": rows, "statistics": [
        {"name": k, "description": v[0], "actor": v[2]} for k, v in STATISTICS.items()],
        "data": lab.data is not None})


def _build(lab: Lab, req: CompareRequest) -> tuple[claims.Experiment, dict[str, Any], int,
                                                   str]:
    """The experiment to run, the keyword arguments of run_experiment, its memory estimate,
    and the equivalent command."""
    if req.experiment is not None:
        try:
            exp = claims.get(req.experiment)
        except Exception as exc:
            raise LimitError("experiment", str(exc)) from None
        options = ""
        if exp.reads_data:
            if lab.data is None:
                raise LimitError("experiment", f"{exp.name} needs the server's --data folder")
            options = f"data={lab.data}"
        size = 0
        for arm in exp.arms:
            if arm.scenario.startswith("cow:") or is_arena(arm.scenario):
                continue  # sized by the data or by the arena, not by a scenario's map
            scen = load_spec(lab, arm.scenario)[1]
            years = req.years or exp.years or scen.years
            size = max(size, check_size(len(scen.actors), scen.province_map.n, req.worlds,
                                        years))
        words = ["powerbalance", "experiment", exp.name, "--worlds", str(req.worlds),
                 "--seed", str(req.seed), "--confidence", str(req.confidence)]
        if req.years is not None:
            words += ["--years", str(req.years)]
        return exp, {"options": options}, size, cli_command(words)
    assert req.scenario is not None
    resolved, scen = load_spec(lab, req.scenario)
    if resolved.startswith("server:"):
        raise LimitError("scenario", "two-settings comparisons take a built-in scenario")
    check_overrides(scen.make_params, req.a, "a")
    check_overrides(scen.make_params, req.b, "b")
    years = req.years or scen.years
    size = check_size(len(scen.actors), scen.province_map.n, req.worlds, years)
    text, fn = statistic(req.statistic, scen.names)
    exp = claims.Experiment(
        name="lab-compare", claim=0, title=f"{scen.name}: B versus A",
        claim_text=f"{text} is higher in B than in A",
        arms=(claims.Arm("A", resolved, overrides=dict(req.a)),
              claims.Arm("B", resolved, overrides=dict(req.b))),
        statistics={req.statistic: (text, fn)},
        comparisons=(claims.Comparison(req.statistic, low="A", high="B"),),
        worlds=req.worlds, years=req.years)
    # The two arms are two runs with the same seed (common random numbers: world k of each
    # draws the same streams), so these two commands give the paired worlds.
    command = " && ".join(run_cli(req.scenario, req.worlds, years, req.seed, arm)
                          for arm in (req.a, req.b))
    return exp, {}, size, command


@router.post("")
def create_compare(req: CompareRequest, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Queue a comparison; it runs both arms with common random numbers."""
    exp, extra, size, command = _build(lab, req)
    key = (req.model_dump_json(),)

    def work(progress: Any) -> claims.ExperimentResult:
        # Years done over all arms; a cancel raises from inside the engine's next year. A data
        # experiment (its own runner) reports only its start and end.
        progress(0, 1)
        result = claims.run_experiment(exp, worlds=req.worlds, seed=req.seed,
                                       years=req.years, confidence=req.confidence,
                                       keep_runs=False, progress=progress, **extra)
        return result

    info = {"request": req.model_dump(), "cli": command, "memory_estimate": size,
            "title": exp.title, "claim_text": exp.claim_text}
    job: Job = lab.pool.submit("compare", key, work, info, size=size)
    return describe(job)


@router.get("/{job_id}")
def get_compare(job_id: str, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """The comparison's state; once done, arms, paired differences, checks and verdict."""
    job = job_of(lab, job_id, "compare")
    out = describe(job)
    if job.status == "done":
        res: claims.ExperimentResult = job.result
        out["result"] = plain({**res.to_dict(), "verdict": res.verdict()})
    return out


@router.delete("/{job_id}")
def cancel_compare(job_id: str, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Cancel a queued or running comparison (the engine stops at the next simulated year)."""
    job_of(lab, job_id, "compare")
    job = lab.pool.cancel(job_id)
    assert job is not None
    return describe(job)


@router.get("/{job_id}/events")
async def compare_events(job_id: str, lab: Annotated[Lab, Depends(get_lab)]) -> Any:
    """Progress as server-sent events until the comparison is final."""
    return progress_stream(job_of(lab, job_id, "compare"))


@router.get("/{job_id}/tables/{name}.{fmt}")
def compare_table(job_id: str, name: str, fmt: str,
                  lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """Download the arms, comparisons, checks or per-world values (Parquet or CSV)."""
    if name not in _TABLES:
        raise HTTPException(404, f"table {name!r}: allowed {', '.join(_TABLES)}")
    job = finished(lab, job_id, "compare")
    return table_response(getattr(job.result, name), fmt, f"{job.result.experiment}-{name}")
