"""The benchmark helpers outside the package: their user-facing errors."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_against_revision_refuses_an_unknown_revision_and_leaves_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    before = set(Path(tempfile.gettempdir()).glob("pb-revision-*"))
    assert _load("against_revision").main(["no-such-revision-xyz", "--pairs", "1"]) == 2
    assert "no-such-revision-xyz" in capsys.readouterr().err
    assert set(Path(tempfile.gettempdir()).glob("pb-revision-*")) == before
