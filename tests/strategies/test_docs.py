"""docs/strategies.md carries the current section of every strategy."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_strategy_sections_of_the_page_are_current():
    spec = importlib.util.spec_from_file_location("make_strategy_docs",
                                                  DOCS / "make_strategy_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (DOCS / "strategies.md").read_text(encoding="utf-8")
    sections = "\n".join(module.strategy_sections())
    assert sections in page, "run .venv/bin/python docs/make_strategy_docs.py"
    mechanics = "\n".join(module.mechanics_sections())
    assert mechanics in page, "run .venv/bin/python docs/make_strategy_docs.py"
