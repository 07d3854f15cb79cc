"""Reports: self-contained HTML (figures, tables, manifest), PNG folders, the CLI, a browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.viz.report import (
    Report,
    ReportKind,
    build_report,
    register_report_kind,
    run_report,
    write_report,
)

DATA_IMG = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"')
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_html(run_folder, tmp_path_factory) -> tuple[str, Report]:
    out = tmp_path_factory.mktemp("report") / "r.html"
    assert main(["report", str(run_folder), "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8"), build_report(run_folder)


def test_html_embeds_every_figure(report_html):
    text, report = report_html
    assert len(report.figures()) >= 6
    assert len(DATA_IMG.findall(text)) == len(report.figures())
    assert 'class="error"' not in text


def test_html_has_manifest_and_tables(report_html, small_run):
    text, _ = report_html
    assert "warring-states" in text
    assert re.search(r"<td>seed</td>\s*<td>1</td>", text)
    assert '"seed": 1' in text  # the full manifest (JSON)
    assert text.count("<table") >= 5


def test_html_references_no_external_url(report_html):
    text, _ = report_html
    assert not EXTERNAL.search(text)
    assert not re.search(r"url\((?!data:)", text)  # only the embedded CJK font, if any
    assert "<script" not in text
    assert "<link" not in text


def test_png_format_writes_figures(run_folder, tmp_path):
    out = tmp_path / "figs"
    assert main(["report", str(run_folder), "--format", "png", "--out", str(out)]) == 0
    files = sorted(out.glob("*.png"))
    assert len(files) == len(build_report(run_folder).figures())
    with Image.open(files[0]) as img:
        assert img.size[0] > 300 and np.asarray(img.convert("L")).std() > 5


def test_default_output_in_run_folder(run_folder, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(run_folder, folder)
    assert main(["report", str(folder)]) == 0
    assert (folder / "report.html").stat().st_size > 10_000


def test_cli_user_mistakes(run_folder, tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert main(["report", str(run_folder), "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "unknown format 'pdf'" in err
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["report", str(tmp_path / "notes.txt")]) == 2


def test_animate_command(run_folder, tmp_path):
    out = tmp_path / "map.gif"
    assert main(["animate", str(run_folder), "--out", str(out), "--fps", "20"]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 31


def test_history_csv_report(tmp_path):
    years = np.arange(1816, 1900)
    df = pd.DataFrame({"year": years, "con": np.linspace(0.2, 0.4, len(years)),
                       "hhi": np.linspace(0.15, 0.3, len(years)),
                       "polarity": np.where(years < 1850, "multipolar", "bipolar"),
                       "leader_abb": np.where(years < 1870, "UK", "USA"),
                       "leader_share": np.linspace(0.3, 0.25, len(years)),
                       "entropy": np.linspace(2.0, 1.5, len(years)),
                       "share_UK": np.linspace(0.3, 0.2, len(years)),
                       "share_USA": np.linspace(0.1, 0.25, len(years))})
    path = tmp_path / "history.csv"
    df.to_csv(path, index=False)
    assert main(["report", str(path)]) == 0
    text = (tmp_path / "history.html").read_text()
    assert len(DATA_IMG.findall(text)) == 1
    assert "<td>1816</td>" in text and "<td>1849</td>" in text and "bipolar" in text
    assert "Leading state periods" in text and "<td>1869</td>" in text  # UK until 1869
    assert "<td>entropy</td>" in text  # every numeric column is summarised


def test_report_kinds_are_extensible(tmp_path):
    path = tmp_path / "thing.custom"
    path.write_text("x")

    def build(p: Path) -> Report:
        rep = Report(title="custom")
        rep.section("only").figure("an empty figure", Figure)
        return rep

    register_report_kind(ReportKind("custom", lambda p: p.suffix == ".custom", build))
    try:
        assert build_report(path).title == "custom"
        out = write_report(path, tmp_path / "c.html")
        assert len(DATA_IMG.findall(out.read_text())) == 1
    finally:
        from powerbalance.viz import report as module

        module.REPORT_KINDS[:] = [k for k in module.REPORT_KINDS if k.name != "custom"]


def test_a_failing_figure_does_not_lose_the_report():
    def broken() -> Figure:
        raise InputError("no data", source="test")

    rep = Report(title="t")
    rep.section("s").figure("broken", broken).table("t", pd.DataFrame({"a": [1]}))
    text = rep.to_html()
    assert 'class="error"' in text and "no data" in text and "<table" in text


def test_run_report_other_world(small_run):
    rep = run_report(small_run, world=1)  # no map recorded: the overview says so
    assert any("World 1" == s.title for s in rep.sections)
    assert 'class="error"' not in rep.to_html(width_px=400)


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="needs Debian's chromium: apt-get update && apt-get install -y chromium")
def test_report_renders_in_headless_chromium(report_html, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    text, report = report_html
    page_file = tmp_path / "report.html"
    page_file.write_text(text, encoding="utf-8")
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            loaded = page.evaluate(
                "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0)"
                ".length")
            shot = tmp_path / "shot.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert loaded == len(report.figures())
    with Image.open(shot) as img:
        assert img.size[0] == 1100 and img.size[1] > 2000
        gray = np.asarray(img.convert("L"), dtype=np.float64)
    assert gray.std() > 10  # not blank


def test_run_result_repr_html(small_run):
    text = small_run._repr_html_()
    assert "warring-states" in text and "<table>" in text
    assert len(DATA_IMG.findall(text)) == 1
    assert not EXTERNAL.search(text)


# ---------------------------------------------------------------- sweep folders

SWEEP = {"name": "tiny-report", "scenario": "warring-states", "years": 20, "seed": 11,
         "replicates": 4, "task_size": 4,
         "parameters": {"attack_odds": {"values": [0.5, 0.7]}},
         "outcomes": {"keep": ["summaries", "lifetimes", "wars", "system"]}}


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    """A finished two-point sweep (8 runs of 20 years; under a second)."""
    from powerbalance.experiments.spec import parse_spec
    from powerbalance.experiments.sweep import run_sweep

    folder = tmp_path_factory.mktemp("sweeps") / "tiny"
    run_sweep(parse_spec(SWEEP), folder)
    return folder


def test_sweep_folder_report(sweep_folder, tmp_path):
    report = build_report(sweep_folder)
    assert report.title == "powerbalance sweep: tiny-report"
    titles = [s.title for s in report.sections]
    assert titles == ["Sweep", "Outcomes per design point", "Survival of states by point",
                      "War sizes"]
    assert [f.name for f in report.figures()] == ["outcomes", "fan-chart", "survival",
                                                  "war-sizes"]
    out = tmp_path / "sweep.html"
    assert main(["report", str(sweep_folder), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert len(DATA_IMG.findall(text)) == 4 and 'class="error"' not in text
    assert not EXTERNAL.search(text) and "<script" not in text
    assert re.search(r"<td>replicates per point</td>\s*<td>4</td>", text)
    assert "hegemon_ever_lo" in text and "p1: attack_odds=0.7" in text
    assert '"spec_hash"' in text  # the full sweep.json


def test_sweep_report_matches_sweep_statistics(sweep_folder):
    from powerbalance.experiments.sweep import sweep_report

    rep = sweep_report(sweep_folder)
    report = build_report(sweep_folder)
    tables = {c: t for s in report.sections for c, t in s.tables}
    pd.testing.assert_frame_equal(tables["Outcomes per design point"], rep["outcomes"])
    end = tables["Survival at the last year"]
    assert end["at_risk_at_start"].tolist() == [28, 28]  # 4 worlds x 7 states per point
    curves = rep["survival"]
    assert end["survival"].tolist() == curves.groupby("group")["survival"].last().tolist()
    if "war_sizes" in rep:
        fit = tables["Power-law fit"].set_index("statistic")["value"]
        assert fit["alpha"] == pytest.approx(rep["war_sizes"]["alpha"])


def test_sobol_sweep_report_without_survival(tmp_path):
    from powerbalance.experiments.spec import parse_spec
    from powerbalance.experiments.sweep import run_sweep

    spec = {"name": "sob", "scenario": "warring-states", "years": 5, "seed": 2,
            "replicates": 2, "design": {"kind": "sobol", "points": 4, "seed": 1},
            "parameters": {"attack_odds": {"range": [0.4, 0.8]},
                           "conquest_rate": {"range": [0.2, 0.6]}},
            "outcomes": {"keep": ["summaries"]}}
    run_sweep(parse_spec(spec), tmp_path / "sob")
    report = build_report(tmp_path / "sob")
    titles = [s.title for s in report.sections]
    assert titles == ["Sweep", "Outcomes per design point", "Sensitivity (Sobol indices)"]
    sobol = report.sections[2].tables[0][1]
    assert sobol["parameter"].tolist() == ["attack_odds", "conquest_rate"]
    assert report.figures() == []  # 16 points, 2 parameters: tables only
    assert 'class="error"' not in report.to_html()


# ---------------------------------------------------------------- experiment folders


def write_experiment(folder: Path, arms: dict[str, Path], holds: bool = True) -> Path:
    """An experiment folder as ``powerbalance experiment NAME --out DIR`` writes it."""
    folder.mkdir(parents=True)
    rows = [{"arm": a, "statistic": "hegemony", "mean": m, "ci_low": m - 0.1,
             "ci_high": m + 0.1, "worlds": 4} for a, m in zip(arms, (0.2, 0.6), strict=True)]
    pd.DataFrame(rows).to_csv(folder / "arms.csv", index=False)
    pd.DataFrame([{"statistic": "hegemony", "low": "a", "high": "b", "difference": 0.4,
                   "ci_low": 0.1, "holds": holds}]).to_csv(folder / "comparisons.csv",
                                                           index=False)
    pd.DataFrame(columns=["check", "value", "holds", "required"]).to_csv(
        folder / "checks.csv", index=False)
    for arm, run in arms.items():
        shutil.copytree(run, folder / arm)
    (folder / "experiment.json").write_text(json.dumps(
        {"experiment": "made-up", "claim": 9, "worlds": 4, "years": 30, "seed": 1,
         "confidence": 0.95, "holds": holds, "notes": "a note", "arms": rows}))
    return folder


def test_experiment_folder_report(run_folder, tmp_path):
    folder = write_experiment(tmp_path / "exp", {"calm": run_folder, "bold": run_folder})
    report = build_report(folder)
    assert report.title == "powerbalance experiment: made-up"
    assert "claim 9: holds at 95% confidence" in report.subtitle
    assert [f.name for f in report.figures()] == ["arms", "fan-chart", "survival"]
    assert main(["report", str(folder)]) == 0
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert len(DATA_IMG.findall(text)) == 3 and 'class="error"' not in text
    assert not EXTERNAL.search(text)
    assert "the claim holds at 95% confidence" in text and "a note" in text
    assert "<td>calm</td>" in text and "<td>bold</td>" in text
    # one survival curve per arm, in the arms' order (the two arms hold the same worlds)
    fig = report.figures()[2].make()
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["calm (n=28)", "bold (n=28)"]
    assert np.array_equal(lines[0].get_ydata(), lines[1].get_ydata())


def test_report_of_a_real_experiment_folder(tmp_path):
    out = tmp_path / "exp"
    assert main(["experiment", "stopping-power-of-water", "--worlds", "6", "--years", "30",
                 "--seed", "2", "--out", str(out)]) == 0
    report = build_report(out)
    assert report.title == "powerbalance experiment: stopping-power-of-water"
    assert report.sections[0].text.startswith("Claim ")  # the claim's text, from the registry
    assert [f.name for f in report.figures()] == ["arms", "fan-chart", "survival"]
    text = report.to_html(width_px=400)
    assert len(DATA_IMG.findall(text)) == 3 and 'class="error"' not in text
    assert "<td>ocean</td>" in text and "<td>no-ocean</td>" in text and "verdict" in text.lower()


def test_write_report_from_python_never_replaces_a_foreign_file(tmp_path):
    """The Python API follows the output policy too: a user's file at the target is
    refused even with force, our own earlier report is replaced only with force."""
    path = tmp_path / "thing.custom"
    path.write_text("x")

    def build(p: Path) -> Report:
        rep = Report(title="custom")
        rep.section("only").table("t", pd.DataFrame({"a": [1]}))
        return rep

    register_report_kind(ReportKind("custom", lambda p: p.suffix == ".custom", build))
    try:
        mine = tmp_path / "notes.html"
        mine.write_text("my notes")
        for force in (False, True):
            with pytest.raises(InputError):
                write_report(path, mine, force=force)
        assert mine.read_text() == "my notes"
        ours = write_report(path, tmp_path / "r.html")
        with pytest.raises(InputError, match="--force"):
            write_report(path, ours)
        assert write_report(path, ours, force=True) == ours
    finally:
        from powerbalance.viz import report as module

        module.REPORT_KINDS[:] = [k for k in module.REPORT_KINDS if k.name != "custom"]
