"""Shared helpers for the sweep tests: tiny specs and dataset comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from powerbalance.experiments.spec import OUTCOMES
from powerbalance.experiments.store import SweepStore

TINY: dict[str, Any] = {
    "name": "tiny",
    "scenario": "warring-states",
    "years": 20,
    "seed": 11,
    "replicates": 4,
    "task_size": 2,
    "parameters": {"attack_odds": {"values": [0.5, 0.7]}},
    "outcomes": {"keep": list(OUTCOMES)},
}

#: Seconds a test that starts a Dask cluster may take (pytest-timeout): a hang fails the
#: test with every thread's stack instead of eating CI's job limit. Such a test takes
#: 15-100 s on a loaded machine.
DASK_TIMEOUT = 300


def write_spec(path: Path, data: dict[str, Any]) -> Path:
    """Write a spec dict as TOML (the small subset the tests need)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return repr(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines.extend(f"{kk} = {value(vv)}" for kk, vv in v.items())
    path.write_text("\n".join(lines) + "\n")
    return path


def datasets(folder: Path) -> dict[str, pd.DataFrame]:
    """Every dataset of a sweep folder, sorted, for comparison."""
    store = SweepStore(folder)
    out = {}
    for name in OUTCOMES:
        df = store.table(name)
        if df.empty:
            continue
        keys = [c for c in ("point", "replicate", "year", "actor", "attacker", "defender")
                if c in df.columns]
        out[name] = df.sort_values(keys, kind="stable", ignore_index=True)
    return out


def assert_same(a: Path, b: Path) -> None:
    """Two sweep folders hold identical data."""
    da, db = datasets(a), datasets(b)
    assert da.keys() == db.keys()
    for name in da:
        pd.testing.assert_frame_equal(da[name], db[name], check_exact=True)


@pytest.fixture
def tiny_spec(tmp_path: Path) -> Path:
    """The tiny spec written to a file."""
    return write_spec(tmp_path / "tiny.toml", TINY)
