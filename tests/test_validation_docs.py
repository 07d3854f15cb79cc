"""docs/validation.md's generated section: a small version is regenerated here and its
structure compared with the page's (never its figures)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIXTURES = ROOT / "tests" / "analysis" / "fixtures" / "facts"


def _generator():
    spec = importlib.util.spec_from_file_location("make_validation", DOCS / "make_validation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _structure(section: str) -> list[str]:
    """Headings and table header rows, in order."""
    lines = section.splitlines()
    out = []
    for k, line in enumerate(lines):
        if line.startswith("#"):
            out.append(line)
        elif line.startswith("| ") and k + 1 < len(lines) and lines[k + 1].startswith("|---"):
            out.append(line)
    return out


def _tables(section: str) -> list[list[str]]:
    """The body rows of each table of a section."""
    tables: list[list[str]] = []
    rows: list[str] | None = None
    for line in section.splitlines():
        if line.startswith("|---"):
            rows = []
            tables.append(rows)
        elif line.startswith("| ") and rows is not None:
            rows.append(line)
        else:
            rows = None if not line.startswith("|") else rows
    return tables


@pytest.fixture(scope="module")
def small_section(tmp_path_factory):
    from powerbalance.experiments.calibration import calibrate, parse_calibration_spec

    gen = _generator()
    folder = tmp_path_factory.mktemp("val") / "cal"
    spec = parse_calibration_spec({
        "name": "small", "scenario": "cow:1900", "data": str(FIXTURES), "years": 4,
        "facts": ["war onsets per year"],
        "method": {"points": 3, "replicates": 2, "accept": 0.34},
        "priors": {"attack_odds": {"range": [0.3, 0.9]}}}, source="small")
    calibrate(spec, folder)
    return gen.render_section(folder, FIXTURES, worlds=2, seed=0, windows=((1900, 4),),
                              history_years=3)


def test_small_section_has_the_pages_structure(small_section):
    gen = _generator()
    page = (DOCS / "validation.md").read_text(encoding="utf-8")
    assert page.count(gen.BEGIN) == 1 and page.count(gen.END) == 1
    shipped = page.split(gen.BEGIN, 1)[1].split(gen.END, 1)[0]
    assert _structure(small_section) == _structure(shipped)
    headers = [line for line in _structure(small_section) if line.startswith("|")]
    assert headers == ["| " + " | ".join(cols.values()) + " |" for cols in
                       (gen.FIT_COLUMNS, gen.WINDOW_COLUMNS, gen.HISTORY_COLUMNS)]


def test_small_section_tables_have_their_rows(small_section):
    from powerbalance.experiments.validation import HISTORY

    fit, windows, history = _tables(small_section)
    assert fit and windows
    assert all(row.split(" | ")[0] == "| 1900-1904" for row in windows)
    assert [row.split(" | ")[0].removeprefix("| ") for row in history] == [
        c.name for c in HISTORY]
    # every fit row says whether its fact was fitted
    assert {row.split(" | ")[1] for row in fit} <= {"yes", "no"}
    assert any(row.split(" | ")[1] == "yes" for row in fit)


def test_update_page_replaces_only_the_section():
    gen = _generator()
    text = f"intro\n\n{gen.BEGIN}\nold\n{gen.END}\n\nafter\n"
    new = gen.update_page(text, f"{gen.BEGIN}\nnew\n{gen.END}\n")
    assert new.startswith("intro\n\n") and new.endswith("after\n")
    assert "new" in new and "old" not in new
    appended = gen.update_page("intro\n", f"{gen.BEGIN}\nx\n{gen.END}\n")
    assert appended.startswith("intro\n\n" + gen.BEGIN)
    assert re.search("x", appended)
