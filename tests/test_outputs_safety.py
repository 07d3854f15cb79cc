"""No command deletes, renames or overwrites a file it did not write (powerbalance.outputs).

Every writing command is tried on a foreign path (refused: exit 2, one line, nothing
touched), on its own earlier output (refused without --force, replaced with it), and
the writers are killed after every step of a write (old or new output, never neither;
the next run cleans up; ``show`` never crashes).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from powerbalance import outputs
from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.outputs import (
    FILE_STEPS,
    FOLDER_STEPS,
    Output,
    check_output,
    foreign_entries,
    own_file_kind,
    recover,
    sidecar_path,
    write_file,
    write_folder,
)

RUN = ["run", "security-dilemma", "--worlds", "2", "--years", "3"]


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders)."""
    out: dict[str, bytes | None] = {}
    for p in sorted(root.rglob("*")):
        out[p.relative_to(root).as_posix()] = None if p.is_dir() else p.read_bytes()
    return out


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def tmp_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(f"{outputs.TMP_PREFIX}*")]


# ---------------------------------------------------------------- the audit's cases


def test_run_refuses_a_foreign_folder_and_touches_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    thesis = tmp_path / "x" / "mythesis"
    thesis.mkdir(parents=True)
    (thesis / "chapter1.txt").write_text("years of work")
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        assert main([*RUN, "--out", str(thesis), *force]) == 2
        line = one_error_line(capsys)
        assert "not written by powerbalance" in line and str(thesis) in line
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_out_file_is_never_replaced(tmp_path: Path, force: list[str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("mine")
    before = snapshot(tmp_path)
    assert main([*RUN, "--out", str(readme), *force]) == 2
    one_error_line(capsys)
    assert snapshot(tmp_path) == before


def test_results_tree_and_sweep_folder_are_not_replaced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    assert main([*RUN, "--out", str(results / "a")]) == 0
    capsys.readouterr()
    (results / "sweep").mkdir()
    (results / "sweep" / "sweep.json").write_text("{}")
    before = snapshot(tmp_path)
    for target in (results, results / "sweep"):
        assert main([*RUN, "--out", str(target), "--force"]) == 2
        one_error_line(capsys)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("bad", [".", "", "..", "/"])
def test_degenerate_out_paths_are_refused(bad: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x")
    before = snapshot(tmp_path)
    assert main([*RUN, "--out", bad, "--force"]) == 2
    one_error_line(capsys)
    assert snapshot(tmp_path) == before


def test_own_output_needs_force_and_is_then_replaced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main([*RUN, "--seed", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert main([*RUN, "--seed", "2", "--out", str(out)]) == 2
    assert "--force" in one_error_line(capsys)
    assert snapshot(tmp_path) == before
    assert main([*RUN, "--seed", "2", "--out", str(out), "--force"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert not tmp_leftovers(tmp_path)


def test_own_folder_with_a_user_file_inside_is_not_replaced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main([*RUN, "--out", str(out)]) == 0
    (out / "notes.txt").write_text("my notes")
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert main([*RUN, "--out", str(out), "--force"]) == 2
    assert "notes.txt" in one_error_line(capsys)
    assert snapshot(tmp_path) == before


def test_a_run_folder_is_not_replaced_by_another_kind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main([*RUN, "--out", str(out)]) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert main(["tournament", "security-dilemma", "--strategies", "external-balancer,bandwagoner",
                 "--worlds", "2", "--years", "3", "--out", str(out), "--force"]) == 2
    assert "run output, not a tournament" in one_error_line(capsys)
    assert snapshot(tmp_path) == before


def test_report_and_plot_written_into_a_run_folder_count_as_ours(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main([*RUN, "--out", str(out), "--plot", str(out / "p.png")]) == 0
    assert main(["report", str(out)]) == 0
    assert foreign_entries(out) == []
    assert main([*RUN, "--out", str(out), "--plot", str(out / "p.png"), "--force"]) == 0
    assert (out / "p.png").is_file() and not (out / "report.html").exists()


def test_unwritable_plot_is_refused_before_the_run_folder_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    before = snapshot(tmp_path)
    assert main([*RUN, "--out", str(tmp_path / "run"), "--plot",
                 str(blocker / "p.png")]) == 2
    assert "--plot" in one_error_line(capsys)
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_read_only_folder_is_refused_up_front(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert main([*RUN, "--out", str(tmp_path / "run"), "--plot",
                     str(ro / "p.png")]) == 2
        assert "not writable" in one_error_line(capsys)
        assert not (tmp_path / "run").exists()
    finally:
        ro.chmod(0o755)


def test_same_path_for_two_outputs_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "x.png"
    assert main([*RUN, "--out", str(p), "--plot", str(p)]) == 2
    one_error_line(capsys)
    assert not p.exists()


def test_modes_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert main([*RUN, "--out", str(tmp_path / "run"), "--plot",
                     str(tmp_path / "p.png")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "run" / "manifest.json").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "run" / "system.parquet").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "p.png").stat().st_mode) == 0o640


# ---------------------------------------------------------------- every writing command

FOREIGN = b"a file of the user"


def _commands(tmp: Path, run_folder: Path, sweep_folder: Path) -> list[tuple[str, list[str],
                                                                           str, bool]]:
    """(name, argv without the output, option, folder output?) of every writing command."""
    ws = ["--worlds", "2", "--years", "3"]
    return [
        ("run", [*RUN], "--out", True),
        ("run --plot", [*RUN], "--plot", False),
        ("preset", ["preset", "cusack-stoll", "--worlds", "2", "--turns", "5"], "--out", True),
        ("preset --plot", ["preset", "cusack-stoll", "--worlds", "2", "--turns", "5"],
         "--plot", False),
        ("tournament", ["tournament", "security-dilemma", "--strategies",
                        "external-balancer,bandwagoner", *ws], "--out", True),
        ("tournament --plot", ["tournament", "security-dilemma", "--strategies",
                               "external-balancer,bandwagoner", *ws], "--plot", False),
        ("experiment", ["experiment", "security-dilemma", *ws], "--out", True),
        ("experiment --plot", ["experiment", "security-dilemma", *ws], "--plot", False),
        ("report html", ["report", str(run_folder)], "--out", False),
        ("report png", ["report", str(run_folder), "--format", "png"], "--out", True),
        ("animate", ["animate", str(run_folder)], "--out", False),
        ("analyze --per-year", ["analyze", str(run_folder)], "--per-year", False),
        ("sweep-report --plot", ["sweep-report", str(sweep_folder), "--group", "strategy"],
         "--plot", False),
        ("sweep-report --json", ["sweep-report", str(sweep_folder)], "--json", False),
    ]


_SUFFIX = {"--plot": ".png", "--json": ".json", "--per-year": ".csv"}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("sources")
    run_folder = base / "run"
    assert main([*RUN, "--out", str(run_folder)]) == 0
    spec = base / "s.toml"
    spec.write_text(textwrap.dedent("""
        name = "tiny"
        scenario = "security-dilemma"
        years = 5
        seed = 3
        replicates = 2
        [outcomes]
        keep = ["summaries", "lifetimes", "wars"]
        [parameters.attack_odds]
        values = [0.5, 0.7]
    """))
    sweep_folder = base / "sweep"
    assert main(["sweep", str(spec), "--out", str(sweep_folder), "-q"]) == 0
    return run_folder, sweep_folder


def _target(tmp: Path, name: str, option: str, folder: bool) -> Path:
    stem = name.replace(" ", "_").replace("-", "")
    if folder:
        return tmp / stem
    if name.startswith("report html"):
        return tmp / f"{stem}.html"
    if name == "animate":
        return tmp / f"{stem}.gif"
    return tmp / f"{stem}{_SUFFIX[option]}"


@pytest.mark.parametrize("index", range(14))
def test_every_writing_command_follows_the_policy(
        index: int, sources: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    run_folder, sweep_folder = sources
    name, argv, option, folder = _commands(tmp_path, run_folder, sweep_folder)[index]
    target = _target(tmp_path, name, option, folder)
    # 1. a foreign file or folder at the path: refused with and without --force
    if folder:
        target.mkdir()
        (target / "mine.txt").write_bytes(FOREIGN)
    else:
        target.write_bytes(FOREIGN)
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        assert main([*argv, option, str(target), *force]) == 2, name
        assert "not written by powerbalance" in one_error_line(capsys)
        assert snapshot(tmp_path) == before
    # 2. a new path: written; the same again without --force: refused; with: replaced
    if folder:
        (target / "mine.txt").unlink()
        target.rmdir()
    else:
        target.unlink()
    assert main([*argv, option, str(target)]) == 0, name
    capsys.readouterr()
    assert target.exists()
    written = snapshot(tmp_path)
    assert main([*argv, option, str(target)]) == 2
    assert "--force" in one_error_line(capsys)
    assert snapshot(tmp_path) == written
    assert main([*argv, option, str(target), "--force"]) == 0, name
    capsys.readouterr()
    assert target.exists() and not tmp_leftovers(tmp_path)
    if not folder:  # 3. a file of ours changed by hand is no longer ours
        with target.open("ab") as fh:
            fh.write(b"edited")
        edited = snapshot(tmp_path)
        assert main([*argv, option, str(target), "--force"]) == 2
        one_error_line(capsys)
        assert snapshot(tmp_path) == edited


def test_sweep_refuses_a_foreign_folder_and_a_name_that_escapes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "s.toml"
    base = 'scenario = "security-dilemma"\nyears = 3\n[parameters.attack_odds]\n' \
           'values = [0.5]\n'
    for name in ("../x", "a/b", "..", "/abs", "x\\\\y"):
        spec.write_text(f'name = "{name}"\n' + base)
        assert main(["sweep", str(spec), "-q"]) == 2
        assert "name" in one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]
    foreign = tmp_path / "data"
    foreign.mkdir()
    (foreign / "mine.csv").write_text("x")
    spec.write_text('name = "ok"\n' + base)
    before = snapshot(tmp_path)
    assert main(["sweep", str(spec), "--out", str(foreign), "-q"]) == 2
    one_error_line(capsys)
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- the module itself


def test_sidecar_names_the_content(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    write_file(p, lambda t: t.write_text("one"), kind="table")
    assert own_file_kind(p) == "table"
    assert sidecar_path(p).name == ".a.txt.powerbalance.json"
    p.write_text("changed by the user")
    assert own_file_kind(p) is None
    with pytest.raises(InputError, match="not written by powerbalance"):
        write_file(p, lambda t: t.write_text("two"), kind="table", force=True)
    assert p.read_text() == "changed by the user"


def test_writer_failure_leaves_the_old_output_and_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder(target, lambda d: (d / "a.txt").write_text("old"), kind="t", manifest={})

    def boom(d: Path) -> None:
        (d / "a.txt").write_text("new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_folder(target, boom, kind="t", manifest={}, force=True)
    assert (target / "a.txt").read_text() == "old"
    assert not tmp_leftovers(tmp_path)
    with pytest.raises(ZeroDivisionError):
        write_file(tmp_path / "f.txt", lambda t: (t.write_text("x"), 1 / 0), kind="t")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_fallback_without_atomic_exchange(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    steps: list[str] = []
    monkeypatch.setattr(outputs, "_after_step", steps.append)
    target = tmp_path / "out"
    write_folder(target, lambda d: (d / "a.txt").write_text("old"), kind="t", manifest={})
    write_folder(target, lambda d: (d / "a.txt").write_text("new"), kind="t", manifest={},
                 force=True)
    assert (target / "a.txt").read_text() == "new"
    assert "old-moved" in steps and not tmp_leftovers(tmp_path)


def test_recover_leaves_temporaries_of_live_processes_and_foreign_lookalikes(
        tmp_path: Path) -> None:
    live = tmp_path / f"{outputs.TMP_PREFIX}{os.getppid()}-0123abcd.x"
    live.write_text("another writer, still running")
    lookalike = tmp_path / f"{outputs.TMP_PREFIX}999999999-0123abcd.x"
    lookalike.mkdir()  # a folder without our marker
    (lookalike / "data").write_text("?")
    dead_file = tmp_path / f"{outputs.TMP_PREFIX}999999999-89abcdef.x"
    dead_file.write_text("left by a killed writer")
    recover(tmp_path / "x")
    assert live.exists() and lookalike.exists() and not dead_file.exists()


def test_check_output_accepts_a_new_path_and_changes_nothing(tmp_path: Path) -> None:
    check_output(Output(tmp_path / "a" / "b", "run", folder=True))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- kill at every step

_KILLER = """
import os, signal, sys
from powerbalance import outputs
from powerbalance.cli import main
step, exchange = sys.argv[1], sys.argv[2] == "1"
if not exchange:
    outputs._exchange = lambda a, b: False
def after(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
outputs._after_step = after
sys.exit(main(sys.argv[3:]))
"""


def _run_killed(tmp: Path, step: str, exchange: bool, argv: list[str]) -> int:
    script = tmp / "killer.py"
    script.write_text(_KILLER)
    proc = subprocess.run([sys.executable, str(script), step, "1" if exchange else "0",
                           *argv], capture_output=True, timeout=300)
    return proc.returncode


def _seed_of(folder: Path) -> int | None:
    from powerbalance.experiments.results import load_run

    try:
        return int(load_run(folder).manifest["seed"])
    except InputError:
        return None


_FOLDER_CASES = [(s, True) for s in FOLDER_STEPS if s != "old-moved"] + [
    ("old-moved", False), ("swapped", False)]


@pytest.mark.parametrize(("step", "exchange"), _FOLDER_CASES)
@pytest.mark.parametrize("replace", [True, False], ids=["replace", "new"])
def test_kill_folder_write_at_every_step(step: str, exchange: bool, replace: bool,
                                         tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    if replace:
        assert main([*RUN, "--seed", "1", "--out", str(out)]) == 0
    argv = [*RUN, "--seed", "2", "--out", str(out), "--force"]
    rc = _run_killed(tmp_path, step, exchange, argv)
    if step == "old-moved" and not replace:
        assert rc == 0  # no old output: that step does not happen
        return
    assert rc == -signal.SIGKILL
    # before any clean-up: `show` answers with a summary or one line, never a traceback
    capsys.readouterr()
    shown = main(["show", str(out)])
    assert shown in (0, 2)
    if shown == 2:
        one_error_line(capsys)
    recover(out)
    seed = _seed_of(out)
    # a complete new output replaces a missing target: after "staged" when there was no
    # old one, after "old-moved" (the swap without an atomic exchange) when there was
    complete_new = step in ("swapped", "cleaned", "old-moved") or (
        step == "staged" and not replace)
    if replace:
        assert seed in (1, 2), "neither the old nor the new output"
        assert seed == (2 if complete_new else 1)
    else:
        assert seed == (2 if complete_new else None)
        if seed is None:
            assert not out.exists()
    assert not tmp_leftovers(tmp_path)
    # the next run works (and cleans whatever is left)
    assert main([*RUN, "--seed", "3", "--out", str(out), "--force"]) == 0
    assert _seed_of(out) == 3 and not tmp_leftovers(tmp_path)


@pytest.mark.parametrize("step", FILE_STEPS)
def test_kill_file_write_at_every_step(step: str, tmp_path: Path) -> None:
    plot = tmp_path / "p.png"
    assert main([*RUN, "--seed", "1", "--plot", str(plot)]) == 0
    old = plot.read_bytes()
    rc = _run_killed(tmp_path, step, True, [*RUN, "--seed", "2", "--worlds", "3", "--plot",
                                            str(plot), "--force"])
    assert rc == -signal.SIGKILL
    assert plot.is_file()
    new = plot.read_bytes()
    assert (new == old) == (step in ("temp-written", "sidecar-both"))
    assert own_file_kind(plot) == "plot", "the file on disk must stay recognisably ours"
    assert main([*RUN, "--seed", "3", "--plot", str(plot), "--force"]) == 0
    assert own_file_kind(plot) == "plot" and not tmp_leftovers(tmp_path)


def test_a_foreign_file_named_like_a_sidecar_is_not_overwritten(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    side = sidecar_path(tmp_path / "p.png")
    side.write_text("not ours")
    before = snapshot(tmp_path)
    assert main([*RUN, "--plot", str(tmp_path / "p.png")]) == 2
    assert side.name in one_error_line(capsys)
    assert snapshot(tmp_path) == before


def test_an_output_naming_the_current_folder_or_a_parent_is_refused(tmp_path, monkeypatch):
    """Written the long way (``../here``, an absolute path), the current folder or one of
    its parents is never an output, whatever it holds."""
    from powerbalance.errors import InputError
    from powerbalance.outputs import Output, check_name

    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    for path in (Path("../here"), here, here.parent, Path("/")):
        with pytest.raises(InputError, match="current folder or a parent|not a valid"):
            check_name(Output(path, "run", folder=True))
    check_name(Output(Path("results/run1"), "run", folder=True))  # a new folder is fine
