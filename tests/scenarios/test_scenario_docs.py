"""The generated scenario pages (docs/scenarios/NAME.md) are current."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_scenario_pages_are_current() -> None:
    spec = importlib.util.spec_from_file_location("make_scenario_docs",
                                                  DOCS / "make_scenario_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pages = module.pages()
    for name in module.builtin_names():
        assert f"{name}.md" in pages
    for file, text in pages.items():
        path = DOCS / "scenarios" / file
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            "run .venv/bin/python docs/make_scenario_docs.py")
