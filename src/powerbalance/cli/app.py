"""The Typer application that every command module registers on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from powerbalance.errors import InputError

app = typer.Typer(
    name="powerbalance",
    help="A laboratory for the balance of power: simulate, measure, experiment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Console for results (standard output).
console = Console()
#: Console for errors and progress (standard error).
err_console = Console(stderr=True)


def check_png(path: Path | None, option: str = "--plot") -> None:
    """Refuse a picture path that is not a .png file, before anything runs."""
    if path is not None and path.suffix.lower() != ".png":
        raise InputError(f"{path}", source=option, field=option.lstrip("-"),
                         allowed="a .png path")


@contextmanager
def progress_bar(description: str, total: int | None = None, unit: str = "steps"
                 ) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on standard error; yields the ``progress(done, total)`` hook.

    The bar shows its total from the start: ``total`` when the caller knows
    it, otherwise the bar stays hidden until the first call of the hook
    brings it, so it never shows an unknown total.
    """
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn(f"{{task.completed:.0f}}/{{task.total:.0f}} {unit}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err_console,
                  transient=True) as bar:
        task = bar.add_task(description, total=total, visible=total is not None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        yield progress


def year_progress(description: str, total: int | None = None
                  ) -> AbstractContextManager[Callable[[int, int], None]]:
    """A :func:`progress_bar` of simulated years (``total`` years in all, when known)."""
    return progress_bar(description, total, "years")
