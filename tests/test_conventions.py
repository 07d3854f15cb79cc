"""Conventions of a well-kept package: version, ``python -m``, metadata files, logging, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
