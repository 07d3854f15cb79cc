"""Long commands show a progress bar with its total from the start, fed by the work itself."""

from __future__ import annotations

import importlib
import io
import time
from pathlib import Path

import pytest
from rich.console import Console

# the module, not the Typer application that ``powerbalance.cli`` exports as ``app``
cli_app = importlib.import_module("powerbalance.cli.app")


class Recorder:
    """A ``progress(done, total)`` hook that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def check(self) -> int:
        """The one total of every call; done never goes back and ends at the total."""
        totals = {t for _, t in self.calls}
        assert len(totals) == 1, totals
        done = [d for d, _ in self.calls]
        assert done == sorted(done) and done[-1] == self.calls[-1][1]
        return totals.pop()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Standard error as a terminal that is read back."""
    buffer = io.StringIO()
    monkeypatch.setattr(cli_app, "err_console",
                        Console(file=buffer, force_terminal=True, width=120))
    return buffer


def test_bar_shows_its_total_before_any_work(terminal: io.StringIO) -> None:
    with cli_app.year_progress("x", total=300):
        time.sleep(0.3)  # the bar refreshes ten times a second
    text = terminal.getvalue()
    assert "0/300 years" in text and "None" not in text


def test_bar_without_a_total_stays_hidden_until_the_work_gives_one(
        terminal: io.StringIO) -> None:
    with cli_app.progress_bar("x", unit="frames") as progress:
        time.sleep(0.3)
        assert "frames" not in terminal.getvalue()
        progress(1, 7)
        time.sleep(0.3)
    text = terminal.getvalue()
    assert "1/7 frames" in text and "None" not in text


def test_run_command_bar_counts_every_batch(terminal: io.StringIO) -> None:
    from powerbalance.cli import main

    assert main(["run", "warring-states", "--worlds", "3", "--years", "40",
                 "--batch-size", "2"]) == 0
    text = terminal.getvalue()
    assert "/80 years" in text and "None" not in text  # two batches of 40 years


def test_experiment_progress_covers_all_arms() -> None:
    from powerbalance.experiments.claims import run_experiment

    rec = Recorder()
    run_experiment("stopping-power-of-water", worlds=4, years=15, seed=1, progress=rec)
    assert rec.check() == 2 * 15  # two arms, one batch each


@pytest.mark.parametrize(("name", "length"), [("cusack-stoll", 12), ("cederman-polarity", 9)])
def test_preset_progress_covers_all_batches(name: str, length: int) -> None:
    from powerbalance.presets import get

    rec = Recorder()
    size = {"states": 20, "degree": 4} if name == "cusack-stoll" else {"rows": 4, "cols": 4}
    get(name).run(worlds=3, seed=1, length=length, overrides=size, batch_size=2, progress=rec)
    assert rec.check() == 2 * length


def test_tournament_reports_its_total_before_the_first_year() -> None:
    from powerbalance.experiments.tournament import tournament

    rec = Recorder()
    tournament("warring-states", ["status-quo", "balker"], worlds=2, years=6, seed=1,
               progress=rec)
    assert rec.calls[0][0] == 0 and rec.check() == 6


def test_sweep_report_and_report_progress(tmp_path: Path) -> None:
    from powerbalance.experiments.spec import parse_spec
    from powerbalance.experiments.sweep import run_sweep, sweep_report
    from powerbalance.viz.report import build_report, write_report

    spec = parse_spec({"name": "s", "scenario": "warring-states", "years": 8, "seed": 3,
                       "replicates": 3, "task_size": 3,
                       "design": {"kind": "sobol", "points": 2},
                       "parameters": {"attack_odds": {"range": [0.4, 0.8]},
                                      "bid_spend": {"range": [0.04, 0.16]}},
                       "outcomes": {"keep": ["summaries", "lifetimes", "wars"]}})
    run_sweep(spec, tmp_path / "s")
    rec = Recorder()
    sweep_report(tmp_path / "s", progress=rec)
    assert rec.calls[0] == (0, 4) and rec.check() == 4  # outcomes, Sobol, survival, wars
    figures = Recorder()
    write_report(tmp_path / "s", tmp_path / "r.html", progress=figures)
    assert figures.check() == len(build_report(tmp_path / "s").figures())


def test_animation_progress_counts_frames(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from powerbalance.experiments.results import run
    from powerbalance.viz import actor_names, map_animation, save_animation

    result = run("warring-states", years=5, worlds=1, seed=1)
    anim = map_animation(result.map, result.links, result.provinces,
                         names=actor_names(result.actors), world=0)
    rec = Recorder()
    save_animation(anim, tmp_path / "m.gif", fps=5, progress=rec)
    assert rec.check() == len(set(result.provinces["year"]))
