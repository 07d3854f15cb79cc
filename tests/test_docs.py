"""The documentation is current and its examples run.

Generated pages are compared with their generators. Every fenced code block of the README
and of ``docs/*.md`` is listed in :data:`CHECKED` with the test that runs it (at a small
size where the page's size would take minutes: ``--worlds``, ``--years`` and sweep sizes
are reduced, nothing else), or with the reason it is not run; a new block that is in
neither fails :func:`test_every_code_block_is_checked`.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIXTURES = ROOT / "tests" / "analysis" / "fixtures" / "cow"

#: Small sizes the commands of the pages run at here (the pages show bigger ones).
SMALL = {"--worlds": 6, "--years": 30, "--samples": 2000, "--turns": 50, "--steps": 50}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parameters_page_is_current():
    page = _module("make_params_doc")
    assert (DOCS / "parameters.md").read_text(encoding="utf-8") == page.render(), (
        "run .venv/bin/python docs/make_params_doc.py")


def test_every_parameter_cites_a_source_or_reason():
    from powerbalance.params import Params

    for row in Params.describe():
        assert len(row["source"]) > 20, row["name"]
        assert row["doc"], row["name"]


# --------------------------------------------------------------------------- code blocks

@dataclass(frozen=True)
class Block:
    """A fenced code block: the page it is on, its language tag, its text and first line."""

    page: str
    lang: str
    text: str
    line: int

    @property
    def first(self) -> str:
        """The first line of its text."""
        return self.text.splitlines()[0] if self.text else ""


def page_blocks(page: str) -> list[Block]:
    """Every fenced code block of a page (relative to the repository root)."""
    blocks, lang, start, lines = [], None, 0, []
    for number, line in enumerate((ROOT / page).read_text(encoding="utf-8").splitlines(), 1):
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence and lang is None:
            lang, start, lines = fence.group(1), number + 1, []
        elif line.startswith("```") and lang is not None:
            blocks.append(Block(page, lang, "\n".join(lines) + "\n", start))
            lang = None
        elif lang is not None:
            lines.append(line)
    assert lang is None, f"{page}: a code block is not closed"
    return blocks


def block(page: str, first: str) -> Block:
    """The one block of a page whose first line starts with ``first``."""
    found = [b for b in page_blocks(page) if b.first.startswith(first)]
    assert len(found) == 1, f"{page}: {len(found)} blocks start with {first!r}"
    return found[0]


def pages() -> list[str]:
    """The README and every page of docs/ (generated scenario pages included)."""
    return ["README.md", *sorted(str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md"))]


#: (page, start of the block's first line) -> the test that runs it, or why it is not run.
CHECKED: dict[tuple[str, str], str] = {
    ("README.md", "make run"): "not run: `make run` and `make test` are the CI's own commands "
                               "(.ci/run runs `make test`)",
    ("README.md", "make serve"): "not run: it starts a server that runs until stopped; "
                                 "tests/web/test_serve.py runs `serve` with its options and "
                                 "tests/web/test_browser.py drives the served lab",
    ("README.md", "arm "): "test_readme_experiment_output_has_the_shown_columns",
    ("README.md", "import powerbalance as pb"): "test_readme_python_example",
    ("README.md", "powerbalance scenarios"): "test_readme_command_line",
    ("docs/analysis.md", ">>> from powerbalance.analysis import *"): "doctest of the page",
    ("docs/analysis.md", ">>> cap = "): "doctest of the page",
    ("docs/analysis.md", ">>> b = balancing"): "doctest of the page",
    ("docs/analysis.md", ">>> unsc = "): "doctest of the page",
    ("docs/analysis.md", ">>> float(effective_number_of_parties"): "doctest of the page",
    ("docs/analysis.md", ">>> r = nor_analysis"): "doctest of the page",
    ("docs/analysis.md", "powerbalance power-index --quota"): "test_synopses_name_real_options",
    ("docs/gallery.md", "def strategy_outcomes"): "test_gallery_table_function",
    ("docs/game.md", ">>> from powerbalance.game import parallel_env"): "doctest of the page",
    ("docs/game.md", ">>> import numpy as np"): "doctest of the page",
    ("docs/game.md", ">>> from powerbalance.game.session import"): "doctest of the page",
    ("docs/game.md", "printf 'spend=0.1"): "test_game_page_terminal_session",
    ("docs/game.md", "python examples/train_policy_gradient.py"): (
        "not run: it trains for minutes; tests/game/test_example.py runs the script at a "
        "tiny size"),
    ("README.md", "powerbalance play "): "test_game_page_terminal_session",
    ("docs/model.md", "state, record = "): "test_model_step_example",
    ("docs/presets.md", "powerbalance preset "): "test_presets_commands",
    ("docs/scenarios.md", 'name = "my-scenario"'): "test_scenario_template_runs",
    ("docs/scenarios.md", 'extends = "warring-states"'): "test_scenario_variant_runs",
    ("docs/strategies.md", "[[actors]]"): "test_mixed_profile_fragment_runs",
    ("docs/strategies.md", "powerbalance strategies ["): "test_synopses_name_real_options",
    ("docs/sweeps.md", 'name = "warring-states-sobol"'): "test_sweeps_page_spec",
    ("docs/sweeps.md", "$ powerbalance sweep bad.toml"): "test_sweeps_page_error_line",
    ("docs/sweeps.md", "$ powerbalance sweep examples/"): "test_sweeps_page_session",
    ("docs/sweeps.md", "$ powerbalance query "): "test_sweeps_page_session",
    ("docs/sweeps.md", "$ powerbalance sweep-report "): "test_sweeps_page_session",
    ("docs/sweeps.md", "             Sobol indices of"): "test_sweeps_page_session",
    ("docs/sweeps.md", "from powerbalance.experiments import stats"): "test_sweeps_page_session",
    ("docs/sweeps.md", "$ dask scheduler"): "not run: needs a cluster; --scheduler itself is "
                                             "run by tests/experiments (an existing cluster)",
    ("docs/sweeps.md", "distributed:"): "test_sweeps_page_cluster_examples",
    ("docs/sweeps.md", "# sweep_slurm.py"): "test_sweeps_page_cluster_examples",
    ("docs/sweeps.md", "$ python sweep_slurm.py"): "not run: needs a SLURM cluster (the "
                                                    "script is compiled and its calls checked)",
}

#: Pages whose every block one test runs, in order.
WHOLE_PAGES = {"docs/tutorial.md": "test_tutorial"}


def test_every_code_block_is_checked():
    unchecked, stale = [], set(CHECKED)
    for page in pages():
        for b in page_blocks(page):
            if page in WHOLE_PAGES:
                continue
            keys = [k for k in CHECKED if k[0] == page and b.first.startswith(k[1])]
            if len(keys) != 1:
                unchecked.append(f"{page}:{b.line}: {b.first}")
            stale.difference_update(keys)
    assert unchecked == [], "blocks no test runs: add them to CHECKED"
    assert stale == set(), "CHECKED names blocks that are gone"
    tests = {name for name, obj in globals().items() if name.startswith("test_")}
    for how in [*CHECKED.values(), *WHOLE_PAGES.values()]:
        assert how.startswith(("not run: ", "doctest of the page")) or how in tests, how


def test_analysis_page_is_collected_as_a_doctest():
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert "docs/analysis.md" in options["ini_options"]["testpaths"]
    assert "docs/game.md" in options["ini_options"]["testpaths"]
    assert "--doctest-glob=*.md" in options["ini_options"]["addopts"]


# --------------------------------------------------------------------------- helpers

def commands(text: str) -> list[list[str]]:
    """The ``powerbalance`` command lines of a block as argument lists (prompts, comments and
    continuation lines handled)."""
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    out = []
    while lines:
        line = lines.pop(0).strip().removeprefix("$ ")
        if not line.startswith("powerbalance "):
            continue
        while True:
            try:
                out.append(shlex.split(line, comments=True)[1:])
                break
            except ValueError:  # a quoted argument (SQL) goes on over the next lines
                line += "\n" + lines.pop(0)
    return out


def small(argv: list[str]) -> list[str]:
    """The same command at the small sizes of :data:`SMALL` (only lowered, never raised)."""
    argv = list(argv)
    for i, arg in enumerate(argv[:-1]):
        if arg in SMALL and argv[i + 1].isdigit():
            argv[i + 1] = str(min(int(argv[i + 1]), SMALL[arg]))
    return argv


def replace(argv: list[str], old: str, new: str) -> list[str]:
    """``argv`` with the argument ``old`` replaced (it must be there)."""
    assert old in argv, (old, argv)
    return [new if a == old else a for a in argv]


def cli(capsys, argv: list[str], *, expect: int = 0) -> str:
    """Run the command line in this process; return its standard output."""
    from powerbalance.cli import main

    rc = main(argv)
    captured = capsys.readouterr()
    assert rc == expect, (argv, captured.err)
    assert "Traceback" not in captured.err, captured.err
    return captured.out


def reduced_spec(text: str, folder: Path, name: str = "spec.toml") -> Path:
    """A copy of a sweep spec at a small size: 2 replicates of 30 years, a Sobol base of 2."""
    subs = [(r"^years = \d+", "years = 30"), (r"^replicates = \d+", "replicates = 2"),
            (r"^task_size = \d+", "task_size = 2"), (r"^points = \d+", "points = 2")]
    for pattern, new in subs:
        text, n = re.subn(pattern, new, text, flags=re.MULTILINE)
        assert n == 1, pattern
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _agg_backend():
    import matplotlib

    matplotlib.use("Agg")


# --------------------------------------------------------------------------- README

def test_readme_python_example(tmp_path, monkeypatch, capsys):
    code = block("README.md", "import powerbalance as pb").text
    for old, new in [("years=300", "years=30"), ("worlds=200", "worlds=6")]:
        assert old in code
        code = code.replace(old, new)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "polarity" in out and "share" in out
    assert (tmp_path / "results" / "my-run" / "manifest.json").is_file()


def test_readme_command_line(tmp_path, monkeypatch, capsys):
    argvs = commands(block("README.md", "powerbalance scenarios").text)
    assert len(argvs) == 18
    monkeypatch.chdir(tmp_path)
    spec = ROOT / "examples" / "sweep-warring-states.toml"
    small_spec = reduced_spec(spec.read_text(encoding="utf-8"), tmp_path)
    seen = set()
    for argv in argvs:
        argv = small(argv)
        if argv[0] == "history":
            argv = replace(argv, "path/to/cow-data", str(FIXTURES))
        if argv[0] == "sweep":
            argv = replace(argv, "examples/sweep-warring-states.toml", str(small_spec))
        if argv[0] in ("run", "tournament", "experiment") and "--years" not in argv and \
                "--list" not in argv:
            argv += ["--years", str(SMALL["--years"])]
        if argv[0] == "preset":
            argv += ["--turns", str(SMALL["--turns"])]
        out = cli(capsys, argv)
        assert out.strip(), argv
        seen.add(argv[0])
    for path in ["results/ws/manifest.json", "results/ws.png", "ws.html", "ws.gif",
                 "sweeps/ws"]:
        assert (tmp_path / path).exists(), path
    assert len(seen) == 16


def test_readme_experiment_output_has_the_shown_columns(capsys):
    shown = block("README.md", "arm ").text
    out = cli(capsys, ["experiment", "warring-states", "--worlds", "6", "--years", "30"])
    for word in shown.split("\n")[0].split("  "):
        if word.strip():
            assert word.strip() in out, word
    for arm in ("vertical", "horizontal"):
        assert re.search(rf"{arm}\s+\S+\s+qin_hegemony", out.replace("│", " ")) or \
            re.search(rf"{arm}\s+qin_hegemony", out.replace("│", " ")), arm
    assert re.search(r"the claim (holds|does not hold)", shown)  # no verdict is pinned
    assert re.search(r"verdict: the claim (holds|does not hold)", out)


# --------------------------------------------------------------------------- docs pages

def test_synopses_name_real_options(capsys):
    from powerbalance.cli import main

    for page, first in [("docs/analysis.md", "powerbalance power-index --quota"),
                        ("docs/strategies.md", "powerbalance strategies [")]:
        for argv in commands(block(page, first).text):
            options = {a.strip("[]").split("=")[0] for a in argv if a.lstrip("[").startswith("--")}
            assert main([argv[0], "--help"]) == 0
            help_text = capsys.readouterr().out
            for option in options:
                assert option in help_text, (page, argv[0], option)


def test_gallery_table_function():
    import numpy as np
    import pandas as pd

    import powerbalance as pb

    namespace = {"pb": pb, "pd": pd, "np": np, "SEED": 3}
    exec(compile(block("docs/gallery.md", "def strategy_outcomes").text, "gallery.md", "exec"),
         namespace)
    result = pb.run("random:actors=8", years=20, worlds=4, seed=3)
    table = namespace["strategy_outcomes"](result, boot=50)
    assert list(table.columns) == ["strategy", "metric", "mean", "lo", "hi"]
    assert set(table["metric"]) == {"survived", "final_share"}
    assert (table["lo"] <= table["mean"] + 1e-12).all()
    assert (table["mean"] <= table["hi"] + 1e-12).all()


def test_model_step_example():
    import numpy as np

    import powerbalance.model.step
    from powerbalance.scenarios import load

    scenario = load("warring-states")
    params = scenario.make_params()
    setting = scenario.setting(params)
    state = scenario.initial_state(params, setting, 7, np.arange(3))
    namespace = {"powerbalance": powerbalance, "state": state, "setting": setting,
                 "params": params}
    exec(compile(block("docs/model.md", "state, record = ").text, "model.md", "exec"),
         namespace)
    assert namespace["state"] is not state
    assert namespace["state"].military.shape == state.military.shape
    assert namespace["record"] is not None


def test_presets_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argvs = commands(block("docs/presets.md", "powerbalance preset ").text)
    assert len(argvs) == 4
    for argv in argvs:
        argv = small(argv)
        if len(argv) > 1:
            argv += ["--turns" if argv[1] == "cusack-stoll" else "--steps", "50"]
        assert cli(capsys, argv).strip()
    assert (tmp_path / "cs.png").is_file()
    assert (tmp_path / "runs" / "cs-versailles" / "manifest.json").is_file()


def test_scenario_template_runs(tmp_path, capsys):
    path = tmp_path / "my-scenario.toml"
    path.write_text(block("docs/scenarios.md", 'name = "my-scenario"').text, encoding="utf-8")
    out = cli(capsys, ["run", str(path), "--worlds", "3", "--years", "10",
                       "--out", str(tmp_path / "run")])
    assert "my-scenario" in out
    from powerbalance.scenarios import load

    scenario = load(str(path))
    assert [a.name for a in scenario.actors] == ["A", "B", "Rebels"]


def test_scenario_variant_runs(tmp_path, capsys):
    path = tmp_path / "variant.toml"
    path.write_text(block("docs/scenarios.md", 'extends = "warring-states"').text,
                    encoding="utf-8")
    out = cli(capsys, ["run", str(path), "--worlds", "3", "--years", "10"])
    assert "warring-states-vertical-alliance" in out
    from powerbalance.scenarios import load

    scenario = load(str(path))
    assert scenario.make_params().conquest_rate == 0.8
    qin = next(a for a in scenario.actors if a.name == "Qin")
    assert qin.resolve == 1.0


def test_mixed_profile_fragment_runs(tmp_path, capsys):
    """The fragment, put in place of Han in the built-in warring-states file, runs."""
    import tomllib

    from powerbalance.scenarios import load, parse

    fragment = tomllib.loads(block("docs/strategies.md", "[[actors]]").text)["actors"][0]
    base = tomllib.loads((ROOT / "src/powerbalance/scenarios/data/warring-states.toml")
                         .read_text(encoding="utf-8"))
    han = next(a for a in base["actors"] if a["name"] == fragment["name"])
    assert han["capital"] == fragment["capital"]
    han["strategy"] = fragment["strategy"]
    scenario = parse(base, "warring-states-mixed.toml")
    assert scenario.actors[[a.name for a in scenario.actors].index("Han")] is not None
    assert load("warring-states").names == scenario.names


# --------------------------------------------------------------------------- docs/sweeps.md

def test_sweeps_page_spec(tmp_path):
    from powerbalance.experiments.sweep import plan_sweep

    text = block("docs/sweeps.md", 'name = "warring-states-sobol"').text
    (tmp_path / "as-shown.toml").write_text(text, encoding="utf-8")
    plan = plan_sweep(tmp_path / "as-shown.toml")  # the design as shown (not run: 8,000 runs)
    assert len(plan.tasks) > 0
    small_plan = plan_sweep(reduced_spec(text, tmp_path))
    assert 0 < len(small_plan.tasks) < len(plan.tasks)


def test_sweeps_page_error_line(tmp_path, monkeypatch, capsys):
    from powerbalance.cli import main

    shown = block("docs/sweeps.md", "$ powerbalance sweep bad.toml").text.splitlines()
    spec = block("docs/sweeps.md", 'name = "warring-states-sobol"').text
    spec = spec.replace("attack_odds = { range = [0.4, 0.8] }",
                        "attack_odds = { range = [0.5, 0.5] }")
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text(spec, encoding="utf-8")
    assert main(commands(shown[0])[0]) == 2
    assert capsys.readouterr().err.strip() == shown[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_sweeps_page_session(tmp_path, monkeypatch, capsys):
    """The page's session: sweep, query, sweep-report and the Python block, at a small size."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    reduced_spec((ROOT / "examples" / "sweep-warring-states.toml").read_text(encoding="utf-8"),
                 tmp_path / "examples", "sweep-warring-states.toml")
    session = block("docs/sweeps.md", "$ powerbalance sweep examples/").text
    dry, real = commands(session)
    assert "--dry-run" in dry
    cli(capsys, dry)
    assert not (tmp_path / "results").exists()
    cli(capsys, real)
    assert (tmp_path / "results" / "ws-sobol").is_dir()

    (query,) = commands(block("docs/sweeps.md", "$ powerbalance query ").text)
    lines = cli(capsys, query).strip().splitlines()
    assert lines[0] == "bid,p_hegemony,n"
    assert sum(int(line.split(",")[2]) for line in lines[1:]) == 10 * 2  # 10 points x 2

    (report,) = commands(block("docs/sweeps.md", "$ powerbalance sweep-report ").text)
    out = cli(capsys, report)
    assert (tmp_path / "survival.png").is_file()
    sobol = block("docs/sweeps.md", "             Sobol indices of").text.splitlines()
    assert sobol[0].strip() in out
    for column in ("parameter", "S1", "S1_conf", "ST", "ST_conf"):
        assert column in sobol[1] and column in out
    for parameter in ("attack_odds", "bid_spend", "conquest_rate"):
        assert parameter in out

    code = block("docs/sweeps.md", "from powerbalance.experiments import stats").text
    exec(compile(code, "sweeps.md", "exec"), {})
    assert "S1" in capsys.readouterr().out


def test_sweeps_page_cluster_examples():
    """Cluster-only examples: the YAML is what the local cluster sets, the script's calls
    exist with the arguments it passes (running it needs a SLURM cluster)."""
    from powerbalance.experiments.executors import DaskExecutor
    from powerbalance.experiments.sweep import run_sweep

    config = yaml.safe_load(block("docs/sweeps.md", "distributed:").text)
    assert config["distributed"]["nanny"]["pre-spawn-environ"] == {"MALLOC_TRIM_THRESHOLD_": None}
    executors = (ROOT / "src/powerbalance/experiments/executors.py").read_text(encoding="utf-8")
    assert "MALLOC_TRIM_THRESHOLD_" in executors

    script = block("docs/sweeps.md", "# sweep_slurm.py").text
    compile(script, "sweep_slurm.py", "exec")
    for name, function in [("DaskExecutor", DaskExecutor), ("run_sweep", run_sweep)]:
        calls = re.findall(rf"{name}\(([^)]*)\)", script)
        assert calls, name
        parameters = inspect.signature(function).parameters
        for keyword in re.findall(r"(\w+)=", calls[0]):
            assert keyword in parameters, (name, keyword)



def test_relative_links_of_the_pages_resolve():
    missing = []
    for page in pages():
        text = (ROOT / page).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not ((ROOT / page).parent / target.split("#")[0]).exists():
                missing.append(f"{page}: {target}")
    assert missing == []
    assert not any("MODEL.md" in (ROOT / page).read_text(encoding="utf-8") for page in pages())


# --------------------------------------------------------------------------- tutorial

#: Lines of the tutorial's shell blocks that set up the machine (the suite runs in a set-up
#: environment); every other line must be a powerbalance command.
TUTORIAL_SETUP = {"make venv", "source .venv/bin/activate"}


def _header_words(text: str) -> set[str]:
    """The words of the column headers of the rich tables in ``text``."""
    return {word for line in text.splitlines() if "┃" in line
            for cell in line.split("┃") for word in cell.split()}


def _labels(text: str) -> set[str]:
    """The labels of 'label: value' lines (picture:, run folder:, verdict:, ...)."""
    return set(re.findall(r"^([a-z][a-z ]*): ", text, re.MULTILINE))


def test_tutorial(tmp_path, monkeypatch, capsys):
    """Every command of the tutorial runs (in order, at a small size), and each printed
    output shown keeps the shown tables' columns and labels."""
    monkeypatch.chdir(tmp_path)
    blocks = page_blocks("docs/tutorial.md")
    ran = 0
    for index, b in enumerate(blocks):
        if b.lang != "bash":
            assert b.lang == "text" and blocks[index - 1].lang == "bash", b
            continue
        lines = [line.strip() for line in re.sub(r"\\\n\s*", " ", b.text).splitlines()]
        assert all(line in TUTORIAL_SETUP or line.startswith("powerbalance ")
                   for line in lines if line), b.text
        out = "".join(cli(capsys, small(argv)) for argv in commands(b.text))
        ran += len(commands(b.text))
        shown = blocks[index + 1] if index + 1 < len(blocks) else None
        if shown is not None and shown.lang == "text":
            assert _header_words(shown.text) <= _header_words(out), (b.first, out)
            assert _labels(shown.text) <= _labels(out), (b.first, out)
            assert _header_words(shown.text) | _labels(shown.text) or \
                shown.text.split()[0] == out.split()[0], b.first
    assert ran == 9
    # what the page says the commands leave behind
    for path in ["results/lianheng/manifest.json", "results/lianheng.png", "lianheng.html",
                 "results/short-reach/manifest.json", "results/experiment"]:
        assert (tmp_path / path).exists(), path
    manifest = json.loads((tmp_path / "results/short-reach/manifest.json").read_text())
    assert manifest["params"]["reach_midpoint"] == 10.0
    assert cli(capsys, ["params"]).count("reach_midpoin") >= 1


# --------------------------------------------------------------------------- docs/game.md

def test_game_page_terminal_session(tmp_path, monkeypatch, capsys):
    """The page's scripted `powerbalance play` session runs as shown (its moves on stdin),
    the saved game loads, and the README's command starts a game."""
    import io

    text = re.sub(r"\\\n\s*", " ", block("docs/game.md", "printf 'spend=0.1").text)
    first, second = [line.strip() for line in text.splitlines() if line.strip()]
    printf, _, command = first.partition(" | ")
    stdin = shlex.split(printf)[1].encode().decode("unicode_escape")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = cli(capsys, shlex.split(command)[1:])
    assert "USA spend 0.10, pressure USSR" in out and "saved my-game.json" in out
    record = json.loads((tmp_path / "my-game.json").read_text())
    assert [t["move"]["offer"] for t in record["turns"]] == [None, "UK"]
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    again = cli(capsys, shlex.split(second)[1:])
    assert "year 2: USA spend 0.03, offer UK" in again
    readme = commands(block("README.md", "powerbalance play ").text)
    assert len(readme) == 1
    (tmp_path / "fresh").mkdir()
    monkeypatch.chdir(tmp_path / "fresh")  # its --save names a new file there
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    assert "Year 1 of" in cli(capsys, readme[0])
    assert (tmp_path / "fresh" / "my-game.json").is_file()
