"""Runs: submit a simulation (:func:`powerbalance.run`), follow it, read and download it.

The page's payloads are computed once and kept as JSON bytes; a world's
matrices (owners, shares, survival per year) go out packed as typed arrays
(:func:`~powerbalance.web.payloads.packed`).

A run records the province owners of its first :data:`~powerbalance.web.schemas.MAP_WORLDS`
worlds. Any other world is opened by simulating that one world again
(``first_world=k``): a world's random streams depend only on the master seed
and its index, so it comes out bit-identical to the same world of the ensemble.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import asdict
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from powerbalance.experiments.results import TABLES, RunResult, run
from powerbalance.web.app import Lab, get_lab
from powerbalance.web.jobs import CANCELLED, DONE, FINAL, Job
from powerbalance.web.payloads import (
    JsonBody,
    cli_command,
    columns,
    figure_response,
    index_dtype,
    json_body,
    json_response,
    map_payload,
    packed,
    plain,
    table_response,
)
from powerbalance.web.routers.scenarios import load_spec
from powerbalance.web.schemas import MAP_WORLDS, RunRequest, check_overrides, check_size

router = APIRouter(prefix="/api/runs", tags=["runs"])

#: Most log rows sent for one world (the events download has them all).
MAX_LOG_ROWS = 20000
#: The events the log shows: wars, alliances, deaths and hegemony.
LOG_KINDS = ("war_won", "war_lost", "war_joined", "alliance_formed", "alliance_broken",
             "death", "hegemony_reached", "hegemony_lost")
#: World payloads kept (a class looking at the same worlds asks for them again and again).
MAX_WORLD_PAYLOADS = 64
#: Seconds between progress events, and between keep-alive comments.
PROGRESS_INTERVAL, KEEPALIVE = 0.1, 15.0
#: Seconds between looks at a job's state: its end is announced within this, not within
#: a whole progress interval (a one-world run lasts under a second).
POLL = 0.01


def run_cli(spec: str, worlds: int, years: int, seed: int, overrides: dict[str, Any]) -> str:
    """The ``powerbalance run`` command that gives the same run."""
    words = ["powerbalance", "run", spec, "--worlds", str(worlds), "--years", str(years),
             "--seed", str(seed)]
    for key, value in sorted(overrides.items()):
        words += ["--set", f"{key}={str(value).lower() if isinstance(value, bool) else value}"]
    return cli_command(words)


def submit_run(lab: Lab, req: RunRequest, first_world: int = 0) -> Job:
    """Validate a run request against the limits and queue it (or take it from the cache)."""
    resolved, scen = load_spec(lab, req.scenario)
    params = check_overrides(scen.make_params, req.params, "params")
    years = req.years if req.years is not None else scen.years
    size = check_size(len(scen.actors), scen.province_map.n, req.worlds, years)
    key = (resolved, json.dumps(asdict(params), sort_keys=True, default=str), req.seed,
           req.worlds, years, first_world)
    overrides = dict(req.params)

    def work(progress: Any) -> RunResult:
        return run(scen, years=years, worlds=req.worlds, seed=req.seed, overrides=overrides,
                   first_world=first_world, map_worlds=MAP_WORLDS, progress=progress,
                   engine=lab.engine)

    info = {"scenario": req.scenario, "name": scen.name, "worlds": req.worlds, "years": years,
            "seed": req.seed, "params": overrides, "first_world": first_world,
            "cli": run_cli(scen.origin if resolved.startswith("server:") else req.scenario,
                           req.worlds, years, req.seed, overrides),
            "memory_estimate": size, "_province_names": scen.province_names}
    if req.scenario.startswith("cow:"):
        info["cli_note"] = "with POWERBALANCE_DATA set to the folder of the server's --data"
    return lab.pool.submit("run", key, work, info, size=size)


def job_of(lab: Lab, job_id: str, kind: str = "run") -> Job:
    """The job ``job_id`` of ``kind``, or 404."""
    job = lab.pool.get(job_id)
    if job is None or job.kind != kind:
        raise HTTPException(404, f"no {kind} {job_id!r} (unknown, or forgotten by the server)")
    return job


def finished(lab: Lab, job_id: str, kind: str = "run") -> Job:
    """The finished job ``job_id``, or 404 / 409 while it is not done."""
    job = job_of(lab, job_id, kind)
    if job.status != DONE:
        raise HTTPException(409, f"{kind} {job_id} is {job.status}")
    return job


def describe(job: Job) -> dict[str, Any]:
    """The job's state and what it is."""
    return plain({**job.snapshot(), **{k: v for k, v in job.info.items()
                                       if not k.startswith("_")}})


@router.post("")
def create_run(req: RunRequest, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Queue a run; the answer names the job to follow (``cached`` when it is already done)."""
    return describe(submit_run(lab, req))


@router.get("/{job_id}")
def get_run(job_id: str, request: Request, lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """The job's state; once done, the run's summary across worlds too (then the answer no
    longer changes: it is serialised once)."""
    job = job_of(lab, job_id)
    if job.status != DONE:
        return json_response(describe(job))
    if "_done" not in job.info:
        job.info["_done"] = json_body({**describe(job), "summary": summary(job.result)})
    return json_response(job.info["_done"], request)


@router.delete("/{job_id}")
def cancel_run(job_id: str, lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Cancel a queued or running run (the engine stops at the next simulated year)."""
    job_of(lab, job_id)
    job = lab.pool.cancel(job_id)
    assert job is not None
    return describe(job)


@router.get("/{job_id}/events")
async def run_events(job_id: str, lab: Annotated[Lab, Depends(get_lab)]) -> StreamingResponse:
    """Progress as server-sent events (``event: progress``) until the job is final."""
    return progress_stream(job_of(lab, job_id))


def progress_stream(job: Job) -> StreamingResponse:
    """Server-sent events of ``job``'s snapshot whenever it changes, until it is final."""

    async def stream() -> Any:
        last: tuple[Any, ...] | None = None
        sent = quiet = -float("inf")
        while True:
            snap = job.snapshot()
            state = (snap["status"], snap["done"], snap["total"])
            now = time.monotonic()
            final = snap["status"] in FINAL
            if state != last and (final or last is None or now - sent >= PROGRESS_INTERVAL):
                last, sent, quiet = state, now, now
                yield f"event: progress\ndata: {json.dumps(plain(snap))}\n\n"
            elif now - quiet > KEEPALIVE:
                quiet = now
                yield ": keep-alive\n\n"
            if final:
                return
            await asyncio.sleep(POLL)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/{job_id}/map")
def run_map(job_id: str, request: Request, lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """The run's static map: provinces (x, y, and lon/lat where known) and links.

    It depends on the scenario only (the links' costs, which parameters change, are not
    sent), so it is serialised once per scenario, not once per run."""
    job = finished(lab, job_id)
    maps: dict[str, JsonBody] = lab.memo.setdefault("maps", {})
    key: tuple[Any, ...] = job.key  # type: ignore[assignment]  # see submit_run
    scenario = str(key[0])  # the resolved spec
    if scenario not in maps:
        maps[scenario] = json_body(map_payload(job.result.map, job.result.links,
                                               job.info["_province_names"]))
    return json_response(maps[scenario], request)


async def world_result(lab: Lab, job: Job, world: int) -> RunResult:
    """A result holding ``world``'s province owners: the run itself or a re-run of that world."""
    result: RunResult = job.result
    first, worlds = job.info["first_world"], job.info["worlds"]
    if not first <= world < first + worlds:
        raise HTTPException(404, f"world {world}: this run has worlds {first}-"
                                 f"{first + worlds - 1}")
    if world in set(result.provinces["world"].unique().tolist()):
        return result
    req = RunRequest(scenario=job.info["scenario"], params=job.info["params"], worlds=1,
                     years=job.info["years"], seed=job.info["seed"])
    sub = submit_run(lab, req, first_world=world)
    if sub.future is not None and sub.status not in FINAL:
        await asyncio.wrap_future(sub.future)
    if sub.status != DONE:
        raise HTTPException(409 if sub.status == CANCELLED else 500,
                            f"re-running world {world}: {sub.status} {sub.error or ''}")
    sub_result: RunResult = sub.result
    return sub_result


@router.get("/{job_id}/worlds/{world}")
async def run_world(job_id: str, world: int, request: Request,
                    lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """One world: shares, system measures, alliances, the log and the map owners per year."""
    job = finished(lab, job_id)
    key = (job.kind, job.key, world)
    memo: OrderedDict[Any, JsonBody] = lab.memo.setdefault("worlds", OrderedDict())
    if key not in memo:
        result = await world_result(lab, job, world)
        memo[key] = await asyncio.to_thread(lambda: json_body(world_payload(result, world)))
        while len(memo) > MAX_WORLD_PAYLOADS:
            memo.popitem(last=False)
    return json_response(memo[key], request)


@router.get("/{job_id}/tables/{name}.{fmt}")
def run_table(job_id: str, name: str, fmt: str,
              lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """Download one table of the run (Parquet or CSV)."""
    if name not in TABLES:
        raise HTTPException(404, f"table {name!r}: allowed {', '.join(TABLES)}")
    job = finished(lab, job_id)
    return table_response(job.result.table(name), fmt,
                          f"{job.info['name']}-seed{job.info['seed']}-{name}")


@router.get("/{job_id}/figure/{world}.{fmt}")
async def run_figure(job_id: str, world: int, fmt: str,
                     lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """Download the overview figure of one world (:func:`powerbalance.viz.overview_figure`)."""
    if fmt not in ("png", "svg"):
        raise HTTPException(404, f"format {fmt!r}: allowed png, svg")
    job = finished(lab, job_id)
    result = await world_result(lab, job, world)
    from powerbalance.viz import overview_figure

    fig = await asyncio.to_thread(overview_figure, result, world)
    return figure_response(fig, fmt, f"{job.info['name']}-seed{job.info['seed']}-world{world}")


# ---------------------------------------------------------------------------- payloads

def summary(result: RunResult) -> dict[str, Any]:
    """Across worlds: who unified and when, final polarity, fan quantiles, final states."""
    from powerbalance.experiments.summary import final_polarity, unification
    from powerbalance.viz.colors import UNOWNED, actor_colors
    from powerbalance.viz.ensembles import fan_quantiles

    m = result.manifest
    names = list(m["scenario"]["actors"])
    fans = {}
    for column in ("largest_share",):  # the page's fan chart (each costs a pivot + quantiles)
        q = fan_quantiles(result.system, column)
        fans[column] = {"years": q.index.tolist(), "quantiles": [float(c) for c in q.columns],
                        "values": plain(np.round(q.to_numpy(), 5))}
    final = result.final()[["world", "leader_name", "largest_share", "live_actors",
                            "polarity"]]
    return plain({
        "scenario": {k: m["scenario"][k] for k in ("name", "description", "sources")},
        "actors": names, "colors": actor_colors(names), "unowned": UNOWNED,
        "seed": m["seed"], "worlds": m["worlds"], "years": m["years"],
        "first_world": m["first_world"], "overrides": m["overrides"],
        "timings": m["timings"], "version": m["version"],
        "unification": unification(result.system, names),
        "final_polarity": final_polarity(result.system),
        "fans": fans, "final": columns(final),
        "map_worlds": sorted(result.provinces["world"].unique().tolist()),
        "tables": list(TABLES),
    })


def _matrix(frame: pd.DataFrame, column: str, index: str, cols: str, fill: float,
            dtype: str) -> dict[str, Any]:
    """``column`` as an ``index`` x ``cols`` matrix, gaps filled, packed as ``dtype``.

    The matrix of ``frame.pivot(index=index, columns=cols, values=column)`` (rows and
    columns sorted, a missing cell ``fill``), built by placing each value at its row and
    column in one NumPy assignment instead of through pandas' reshaping (a third of the
    cost, which a one-world run pays for each matrix of its world); with a repeated
    (row, column) pair it falls back to ``pivot``, which refuses it as before.
    """
    rows, row_at = np.unique(frame[index].to_numpy(), return_inverse=True)
    heads, col_at = np.unique(frame[cols].to_numpy(), return_inverse=True)
    cell = row_at.astype(np.int64) * len(heads) + col_at
    if len(cell) and np.bincount(cell).max() > 1:  # not one value per cell: pandas says why
        wide = frame.pivot(index=index, columns=cols, values=column).sort_index()
        values = wide.to_numpy()
        return packed(np.where(pd.isna(values), fill, values).astype(np.float64), dtype)
    out = np.full(len(rows) * len(heads), float(fill))
    out[cell] = frame[column].to_numpy().astype(np.float64)
    return packed(out.reshape(len(rows), len(heads)), dtype)


def world_payload(result: RunResult, world: int) -> dict[str, Any]:
    """Everything the Lab page draws for one world.

    ``shares`` (float32), ``alive`` (uint8) and ``owners`` (actor indices, -1 for
    unowned; null for a world without a recorded map) are year x actor and year x
    province matrices, and ``alliances`` three columns (year, actor, ally), packed as
    typed arrays (:func:`~powerbalance.web.payloads.packed`; actor indices in the
    smallest integer type that holds them, :func:`~powerbalance.web.payloads.index_dtype`).
    """
    a = result.actors[result.actors["world"] == world]
    s = result.system[result.system["world"] == world].sort_values("year")
    al = result.alliances[result.alliances["world"] == world]
    ev = result.events[(result.events["world"] == world)
                       & result.events["kind"].isin(LOG_KINDS)]
    pv = result.provinces[result.provinces["world"] == world]
    actor_index = index_dtype(len(result.manifest["scenario"]["actors"]))
    return {
        "world": world,
        "years": s["year"].tolist(),
        "shares": _matrix(a, "share", "year", "actor", 0.0, "float32"),
        "alive": _matrix(a, "alive", "year", "actor", 0, "uint8"),
        "system": columns(s[["year", "live_actors", "largest_share", "leader_name", "hhi",
                             "effective_number", "con", "polarity", "active_wars",
                             "hegemon"]]),
        "alliances": {c: packed(al[c].to_numpy(), "int16" if c == "year" else actor_index)
                      for c in ("year", "actor", "ally")},
        "log": columns(ev[["year", "kind", "actor_name", "other_name", "value"]]
                       .head(MAX_LOG_ROWS), 4),
        "log_total": len(ev),
        "owners": _matrix(pv, "owner", "year", "province", -1, actor_index) if len(pv) else None,
    }
