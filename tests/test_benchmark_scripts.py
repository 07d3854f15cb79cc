"""The benchmark helpers outside the package: their user-facing errors."""

from __future__ import annotations

import importlib.util
import re
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
    # (0 or 1 of 1: a ratio printed as 1.000 may be just above or below 1.)
    assert re.search(rf"pairs: {ratio:.3f}; this checkout faster in [01] of 1 ", out)
    assert "(sign test p = 1)" in out   # one pair cannot tell the engines apart
    assert "load average (1 min): " in out and " before the pairs, " in out
    assert set(Path(tempfile.gettempdir()).glob("pb-revision-*")) == before


def test_against_revision_sign_test_counts_the_pairs_each_way() -> None:
    verdict = _load("against_revision")._verdict
    # 9 of 9 pairs faster: p = 2 / 2**9; an even split says nothing; a tie is left out.
    assert "faster in 9 of 9 (sign test p = 0.0039)" in verdict([1.1] * 9)
    assert "faster in 0 of 9 (sign test p = 0.0039)" in verdict([0.9] * 9)
    assert "faster in 2 of 4 (sign test p = 1)" in verdict([1.1, 0.9, 1.2, 0.8])
    assert "faster in 1 of 2 (sign test p = 1)" in verdict([1.0, 1.5])
    assert verdict([0.95, 1.05]).startswith("pairs: 0.950, 1.050; ")
