"""The Typer application that every command module registers on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

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


#: The ``--force`` option of every writing command (see :mod:`powerbalance.outputs`).
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace an earlier output of this command at the same path (never a "
    "file powerbalance did not write).")]


def check_png(path: Path | None, option: str = "--plot") -> None:
    """Refuse a picture path that is not a .png file, before anything runs."""
    if path is not None and path.suffix.lower() != ".png":
        raise InputError(f"{path}", source=option, field=option.lstrip("-"),
                         allowed="a .png path")


@contextmanager
def year_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar of simulated years; yields the ``progress(done, total)`` hook."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} years"), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress
