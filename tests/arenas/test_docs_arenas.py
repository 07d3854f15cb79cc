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
