"""The parameter registry (:class:`powerbalance.Params`) for the generated parameter panel."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from powerbalance.params import Params
from powerbalance.web.payloads import JsonBody, json_body, json_response, plain

router = APIRouter(prefix="/api/params", tags=["params"])


@router.get("")
def list_params(request: Request) -> Response:
    """Every parameter: name, default, kind, range or choices, documentation and source."""
    return json_response(params_body(), request)


@functools.cache
def params_body() -> JsonBody:
    """The registry's rows (:func:`params_rows`) serialised once per process (they never
    change while it runs)."""
    return json_body(params_rows())


def params_rows() -> dict[str, Any]:
    """Every parameter: name, default, kind, range or choices, documentation and source."""
    rows = []
    described = {r["name"]: r for r in Params.describe()}
    for f in Params.fields():
        meta = f.metadata
        kind = ("bool" if isinstance(f.default, bool) else
                "choice" if meta.get("choices") else "number")
        rows.append({**described[f.name], "kind": kind, "lo": meta.get("lo"),
                     "hi": meta.get("hi"), "choices": list(meta.get("choices") or ())})
    return {"params": plain(rows)}
