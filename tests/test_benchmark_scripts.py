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


def test_against_revision_runs_the_pairs_and_reports_ratio_and_load(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # The NumPy engine on both sides (the children inherit the environment): no numba
    # compilation into the extracted revision's fresh folder.
    monkeypatch.setenv("POWERBALANCE_ENGINE", "numpy")
    before = set(Path(tempfile.gettempdir()).glob("pb-revision-*"))
    assert _load("against_revision").main(
        ["HEAD", "--worlds", "2", "--years", "2", "--pairs", "1"]) == 0
    out = capsys.readouterr().out
    assert "warring-states x 2 worlds x 2 years, 1 pair" in out
    ratio = float(out.split("ratio this/HEAD: median ")[1].split()[0])
    assert ratio > 0
    assert "load average (1 min): " in out and " before the pairs, " in out
    assert set(Path(tempfile.gettempdir()).glob("pb-revision-*")) == before
