"""docs/arenas.md is current: every option and preset is documented, its commands run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from powerbalance.arenas import ARENA_NAMES, get
from powerbalance.cli import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "arenas.md"


def test_every_option_preset_and_strategy_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in ARENA_NAMES:
        arena = get(name)
        for key in (*arena.options, *arena.presets):
            assert f"`{key}`" in text, f"{name}: {key} is not in docs/arenas.md"
        for word in arena.words.as_dict().values():
            assert word in text, word


def _commands() -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8").replace("\n", " ")
    found = re.findall(r"`powerbalance (run [^`]+)`", text)
    return [shlex.split(re.sub(r"\s+", " ", c)) for c in found]


def test_the_page_shows_run_commands() -> None:
    assert len(_commands()) >= 4


@pytest.mark.parametrize("argv", _commands(), ids=lambda a: " ".join(a))
def test_the_run_commands_of_the_page_work(argv: list[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command at a small size: the page's --worlds and --years replaced by 3 and 4."""
    monkeypatch.chdir(tmp_path)
    small, words = [], iter(argv)
    for word in words:
        if word in ("--worlds", "--years"):
            next(words)
        else:
            small.append(word)
    assert main([*small, "--worlds", "3", "--years", "4"]) == 0


def test_the_theory_page_lists_each_arena_s_plausible_ranges() -> None:
    """docs/make_theory_checked.py's range tables (built without running an experiment)
    show every arena option a band varies, one table per arena."""
    import importlib.util

    from powerbalance.experiments.plausible import ARENA_PLAUSIBLE

    script = PAGE.parent / "make_theory_checked.py"
    spec = importlib.util.spec_from_file_location("make_theory_checked", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "\n".join(module.plausible_lines())
    for arena, ranges in ARENA_PLAUSIBLE.items():
        assert f"Options of the {arena} arena" in text
        for r in ranges.values():
            assert f"| `{r.name}` | {r.lo:g} - {r.hi:g} | {r.reason} |" in text
    assert f"`market-balance` {len(ARENA_PLAUSIBLE['market'])}" in text
