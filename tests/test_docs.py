"""Generated documentation pages are current."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


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
