"""The parameter registry (:class:`powerbalance.Params`) for the generated parameter panel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from powerbalance.params import Params
from powerbalance.web.payloads import plain

router = APIRouter(prefix="/api/params", tags=["params"])


@router.get("")
def list_params() -> dict[str, Any]:
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
