"""Conventions of a well-kept package: version, `python -m`, metadata, logging, lazy imports."""

from __future__ import annotations

import ast
import json
import logging
import re
import subprocess
import sys
import tomllib
import warnings
from importlib import metadata, resources
from pathlib import Path

import pytest
import yaml

#: Modules that cost most of a second to import; none is needed to parse the command line.
HEAVY = ("pandas", "scipy", "matplotlib", "pyarrow", "dask", "distributed", "duckdb")

_PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_modules_after(code: str) -> list[str]:
    """The heavy modules present in sys.modules after running ``code`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _PROBE.format(code=code, heavy=HEAVY)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import powerbalance",
    "import powerbalance.cli",
    # what `powerbalance --help` and `powerbalance run --help` do
    "from powerbalance.cli import main\nassert main(['--help']) == 0",
    "from powerbalance.cli import main\nassert main(['run', '--help']) == 0",
])
def test_the_package_and_the_command_line_load_no_heavy_module(code):
    assert _heavy_modules_after(code) == []


def test_a_lazy_name_loads_its_module_on_first_use():
    # the probe is honest: touching one public name does load pandas
    assert "pandas" in _heavy_modules_after("import powerbalance as pb\npb.RunResult")
    import powerbalance as pb
    from powerbalance.experiments.results import run

    assert pb.run is run
    assert "tournament" in dir(pb)
    with pytest.raises(AttributeError, match="no_such_name"):
        pb.no_such_name  # noqa: B018


# ------------------------------------------------------------------ version and python -m

ROOT = Path(__file__).resolve().parents[1]


def test_version_option_prints_the_installed_version(capsys):
    from powerbalance.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"powerbalance {metadata.version('powerbalance')}"


def test_python_dash_m_powerbalance_runs_the_command_line(tmp_path):
    version = subprocess.run([sys.executable, "-m", "powerbalance", "--version"],
                             capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"powerbalance {metadata.version('powerbalance')}"
    bad = subprocess.run([sys.executable, "-m", "powerbalance", "run", "warring-states",
                          "--worlds", "0"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "worlds" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------------ files of a package

def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_file_is_the_mit_license_declared_in_pyproject():
    assert _pyproject()["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c)" in text and "powerbalance developers" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_citation_file_is_valid_cff_1_2_and_matches_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # the keys CFF 1.2.0 requires, with their types
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"]
    assert isinstance(cff["title"], str) and cff["title"]
    assert isinstance(cff["authors"], list) and cff["authors"]
    for author in cff["authors"]:  # a person (family-names) or an entity (name)
        assert author.get("family-names") or author.get("name"), author
    assert cff["type"] in ("software", "dataset")
    assert cff["version"] == _pyproject()["project"]["version"]
    assert cff["license"] == _pyproject()["project"]["license"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))


def test_changelog_follows_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog")
    assert "keepachangelog.com" in text
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.MULTILINE)
    assert releases[0] == ("Unreleased", "")
    versions = [v for v, _ in releases[1:]]
    assert _pyproject()["project"]["version"] in versions
    assert all(date for _, date in releases[1:]), "every release has a date"
    kinds = set(re.findall(r"^### (\w+)$", text, re.MULTILINE))
    assert kinds and kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_the_package_ships_its_type_hints():
    assert "py.typed" in _pyproject()["tool"]["setuptools"]["package-data"]["powerbalance"]
    assert resources.files("powerbalance").joinpath("py.typed").is_file()


# ------------------------------------------------------------------ logging

def test_library_modules_log_and_never_print():
    offenders = []
    for path in sorted((ROOT / "src" / "powerbalance").rglob("*.py")):
        if "cli" in path.relative_to(ROOT / "src" / "powerbalance").parts:
            continue  # the command line is where output is printed
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "print"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_verbose_shows_info_records_and_quiet_hides_warnings(capsys):
    from powerbalance.cli import main

    assert main(["scenarios"]) == 0
    assert "INFO" not in capsys.readouterr().err
    assert main(["-v", "scenarios"]) == 0
    err = capsys.readouterr().err
    assert "INFO" in err and f"powerbalance {metadata.version('powerbalance')}" in err


@pytest.mark.parametrize("options,shown", [((), ["WARNING"]), (("-q",), []),
                                           (("-vv",), ["DEBUG", "WARNING"])])
def test_log_levels_of_the_global_options(capsys, options, shown):
    from powerbalance.cli.app import global_options, reset_logging

    log = logging.getLogger("powerbalance.experiments.example")
    try:
        global_options(version=False, verbose=options.count("-vv") * 2,
                       quiet="-q" in options)
        capsys.readouterr()
        log.debug("a debug record")
        log.warning("a warning record")
        warnings.warn(f"a Python warning {options}", UserWarning, stacklevel=1)
        err = capsys.readouterr().err
    finally:
        reset_logging()
    for level in ("DEBUG", "WARNING"):
        assert (level in err) == (level in shown), (level, err)
    # Python warnings go through the same handler (hidden by -q)
    assert ("a Python warning" in err) == (not options == ("-q",))


def test_other_libraries_info_records_stay_hidden_even_when_their_logger_says_info(capsys):
    """distributed sets its own loggers to INFO: without -v its records must not reach the
    terminal (the handler filters other libraries below WARNING)."""
    from powerbalance.cli.app import global_options, reset_logging

    chatty = logging.getLogger("distributed.example")
    old = chatty.level
    chatty.setLevel(logging.INFO)
    try:
        global_options(version=False, verbose=0, quiet=False)
        capsys.readouterr()
        chatty.info("a cluster started")
        chatty.warning("a cluster warning")
        err = capsys.readouterr().err
    finally:
        reset_logging()
        chatty.setLevel(old)
    assert "a cluster started" not in err and "a cluster warning" in err


def test_the_cli_removes_its_log_handler_when_the_command_ends():
    from powerbalance.cli import main

    before = list(logging.getLogger().handlers), logging.getLogger().level
    package_level = logging.getLogger("powerbalance").level
    assert main(["-vv", "scenarios"]) == 0
    assert (list(logging.getLogger().handlers), logging.getLogger().level) == before
    assert logging.getLogger("powerbalance").level == package_level
    assert warnings.showwarning.__module__ != "logging"  # warnings are the warnings module's
