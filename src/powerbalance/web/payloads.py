"""JSON payloads from the library's tables: reshaping only, no statistics of their own.

JSON has no NaN, no NumPy scalars and no categories: :func:`plain` turns them
into ``null``, Python numbers and strings. Tables go out column-wise
(:func:`columns`), which is compact and what the charts read. Large numeric
matrices (a world's owners, shares and survival per year) go out packed
(:func:`packed`): the bytes of a typed array in base64, which the page reads
into a JavaScript typed array without parsing one number at a time.
:func:`json_body` serialises a payload once, without FastAPI's per-value
encoder, and gzips it once; :func:`json_response` answers with those bytes.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import math
import shlex
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from fastapi import HTTPException, Request
from fastapi.responses import Response

DOWNLOAD_FORMATS = ("parquet", "csv")


def plain(value: Any) -> Any:
    """``value`` with NumPy, pandas and non-finite numbers made JSON-safe.

    >>> plain({"a": np.float64("nan"), "b": np.int16(3), "c": [np.bool_(True)]})
    {'a': None, 'b': 3, 'c': [True]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biu" or (value.dtype.kind == "f" and np.isfinite(value).all()):
            return value.tolist()  # already Python numbers: skip the walk over each value
        return plain(value.tolist())
    if isinstance(value, pd.DataFrame):
        return plain(value.to_dict("records"))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def columns(frame: pd.DataFrame, digits: int | None = 5) -> dict[str, list[Any]]:
    """A table as ``{column: values}``, floats rounded to ``digits`` (sizes the payload)."""
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object:
            out[str(name)] = [None if v is None or (isinstance(v, float) and v != v) else str(v)
                              for v in col.tolist()]
        elif pd.api.types.is_float_dtype(col.dtype) and digits is not None:
            out[str(name)] = plain(np.round(col.to_numpy(dtype=np.float64), digits))
        else:
            out[str(name)] = plain(col.to_numpy())
    return out


#: Typed arrays the page can read (:func:`packed`), by NumPy dtype name.
PACKED_DTYPES = ("int8", "uint8", "int16", "int32", "float32", "float64")


def index_dtype(count: int) -> str:
    """The smallest packed dtype holding the indices ``-1 .. count - 1`` (actors, provinces).

    >>> index_dtype(7), index_dtype(200)
    ('int8', 'int16')
    """
    return "int8" if count < 128 else "int16" if count < 2**15 else "int32"


def packed(values: Any, dtype: str) -> dict[str, Any]:
    """A numeric array as ``{"dtype", "shape", "base64"}``: its little-endian bytes.

    The page turns it into the typed array of that dtype (``Int16Array`` ...);
    NaN stays NaN (no JSON ``null``), so give integer dtypes only finite values.

    >>> p = packed([[1, -1], [2, 3]], "int16")
    >>> p["shape"], np.frombuffer(base64.b64decode(p["base64"]), "<i2").tolist()
    ([2, 2], [1, -1, 2, 3])
    """
    if dtype not in PACKED_DTYPES:
        raise ValueError(f"dtype {dtype!r}: allowed {', '.join(PACKED_DTYPES)}")
    array = np.ascontiguousarray(np.asarray(values), dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype, "shape": list(array.shape),
            "base64": base64.b64encode(array.tobytes()).decode("ascii")}


#: Bodies from this size on are also kept gzipped (smaller ones gain little).
GZIP_MIN_BYTES = 2048


@dataclass(frozen=True)
class JsonBody:
    """A payload serialised once: its JSON bytes and, when large, their gzip (also once, so
    that a payload many viewers ask for is not compressed again for each of them)."""

    raw: bytes
    gzipped: bytes | None


def json_body(payload: Any) -> JsonBody:
    """``payload`` (JSON-safe: see :func:`plain`) as compact UTF-8 JSON, gzipped if large."""
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False,
                     allow_nan=False).encode("utf-8")
    return JsonBody(raw, gzip.compress(raw, 5, mtime=0) if len(raw) >= GZIP_MIN_BYTES
                    else None)


def json_response(payload: Any, request: Request | None = None) -> Response:
    """A JSON response of ``payload`` (or of its :class:`JsonBody`), gzipped when the
    ``request`` accepts it and the body has a gzipped form."""
    body = payload if isinstance(payload, JsonBody) else json_body(payload)
    accepts = request is not None and "gzip" in request.headers.get("accept-encoding", "")
    if body.gzipped is not None and accepts:
        return Response(body.gzipped, media_type="application/json",
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(body.raw, media_type="application/json")


def table_response(frame: pd.DataFrame, fmt: str, stem: str) -> Response:
    """A table as a Parquet or CSV download named ``stem.fmt``."""
    if fmt not in DOWNLOAD_FORMATS:
        raise HTTPException(404, f"format {fmt!r}: allowed {', '.join(DOWNLOAD_FORMATS)}")
    if fmt == "csv":
        body = frame.to_csv(index=False).encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        body, media = buf.getvalue(), "application/vnd.apache.parquet"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{safe_stem(stem)}.{fmt}"'})


def figure_response(fig: Any, fmt: str, stem: str) -> Response:
    """A matplotlib figure (from :mod:`powerbalance.viz`) as a PNG or SVG download."""
    if fmt not in ("png", "svg"):
        raise HTTPException(404, f"format {fmt!r}: allowed png, svg")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=100, facecolor="white")
    media = "image/png" if fmt == "png" else "image/svg+xml"
    return Response(buf.getvalue(), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{safe_stem(stem)}.{fmt}"'})


def safe_stem(text: str) -> str:
    """A file name stem of ASCII letters, digits and ``-_.`` (for download headers).

    >>> safe_stem('cow:1914 "x"')
    'cow-1914--x-'
    """
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in text)


def cli_command(words: list[str]) -> str:
    """A shell command line (quoted where needed) from its words."""
    return " ".join(shlex.quote(w) for w in words)


def map_payload(provinces: pd.DataFrame, links: pd.DataFrame,
                names: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    """The static map of a run or scenario (the ``map`` and ``links`` tables).

    ``geo`` is true when every province has finite ``lon`` and ``lat`` (degrees): the
    page then draws them on the world basemap; otherwise on a plain ``x``/``y`` layout.
    ``names`` (the scenario's ``province_names``, if any) label the provinces in tooltips.
    """
    geo = {"lon", "lat"} <= set(provinces.columns) and bool(
        np.isfinite(provinces[["lon", "lat"]].to_numpy(dtype=np.float64)).all())
    keep = [c for c in ("province", "id", "x", "y", "lon", "lat", "value",
                        "initial_capital_of") if c in provinces.columns]
    drawn = links[links["kind"] != "none"] if "kind" in links.columns else links
    table = columns(provinces[keep])
    if len(names) == len(provinces):
        table["name"] = [str(n) for n in names]
    return {"geo": geo, "provinces": table,
            "links": columns(drawn[["a", "b", "kind"]].reset_index(drop=True))}
