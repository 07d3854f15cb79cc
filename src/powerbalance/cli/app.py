"""The Typer application that every command module registers on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from powerbalance.errors import InputError

app = typer.Typer(
    name="powerbalance",
    help="A laboratory for the balance of power: simulate, measure, experiment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Both consoles print user text (names, paths, messages) as it is: markup and emoji codes
# are off, so a name such as "[bold]" or "[/]" is neither interpreted nor an error. A print
# that wants styling passes markup=True and escapes what it interpolates.
#: Console for results (standard output).
console = Console(markup=False, emoji=False)
#: Console for errors and progress (standard error).
err_console = Console(stderr=True, markup=False, emoji=False)


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
        task = bar.add_task(escape(description), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress
