"""Scenarios: the list the picker shows and one scenario's description, sources and map."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from powerbalance.experiments import tables
from powerbalance.scenarios import Scenario, load
from powerbalance.web.app import Lab, get_lab
from powerbalance.web.payloads import JsonBody, json_body, json_response, map_payload, plain
from powerbalance.web.schemas import MAX_ACTORS, LimitError, builtin_scenarios, resolve_spec

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])
_LOCK = threading.Lock()
_KEEP = 32


def load_spec(lab: Lab, spec: str) -> tuple[str, Scenario]:
    """The resolved spec and the scenario of a lab spec (loaded once per server)."""
    if spec in lab.scenarios:
        return f"server:{spec}", lab.scenarios[spec]
    resolved = resolve_spec(spec, lab.data)
    cache: OrderedDict[str, Scenario] = lab.memo.setdefault("scenarios", OrderedDict())
    with _LOCK:
        if resolved in cache:
            cache.move_to_end(resolved)
            return resolved, cache[resolved]
    scen = load(resolved)
    if len(scen.actors) > MAX_ACTORS:
        raise LimitError("scenario", f"{len(scen.actors)} actors: at most {MAX_ACTORS}")
    with _LOCK:
        cache[resolved] = scen
        while len(cache) > _KEEP:
            cache.popitem(last=False)
    return resolved, scen


@router.get("")
def list_scenarios(lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Every built-in scenario and generator with its one-line description."""
    rows = [{"name": n, "summary": d} for n, d in builtin_scenarios()]
    rows += [{"name": n, "summary": s.description.strip().split("\n")[0]}
             for n, s in lab.scenarios.items()]
    return {"scenarios": rows, "history": lab.data is not None}


@router.get("/{spec}")
def scenario_detail(spec: str, request: Request,
                    lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """A scenario's description, sources, actors, default years and parameters, and map."""
    return json_response(detail_body(lab, spec), request)


def detail_body(lab: Lab, spec: str) -> JsonBody:
    """The scenario page of ``spec``, serialised once per server."""
    resolved, scen = load_spec(lab, spec)
    details: dict[str, JsonBody] = lab.memo.setdefault("scenario_details", {})
    if resolved not in details:
        details[resolved] = json_body(_detail(spec, scen))
    return details[resolved]


def _detail(spec: str, scen: Scenario) -> dict[str, Any]:
    params = scen.make_params()
    provinces, links = tables.geography_tables(scen, params)
    owners = [-1] * scen.province_map.n
    for k, actor in enumerate(scen.actors):
        for q in actor.provinces:
            owners[q] = k
    from powerbalance.viz.colors import UNOWNED, actor_colors
    return plain({
        "name": scen.name, "spec": spec, "description": scen.description.strip(),
        "sources": list(scen.sources), "stylisation": scen.stylisation, "years": scen.years,
        "actors": [{"name": a.name, "strategy": a.strategy, "region": a.region,
                    "provinces": len(a.provinces), "major": a.major} for a in scen.actors],
        "params": asdict(params), "overrides": dict(scen.params),
        "map": map_payload(provinces, links, scen.province_names), "owners": owners,
        "colors": actor_colors(scen.names), "unowned": UNOWNED,
    })
