"""The Typer application that every command module registers on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated

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

logger = logging.getLogger(__name__)


def _print_version(value: bool) -> None:
    if value:
        from powerbalance import __version__

        console.print(f"powerbalance {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def global_options(
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print the version and exit.")] = False,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True,
        help="More log messages on standard error: -v info, -vv debug.")] = 0,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Only errors on standard error: no warnings.")] = False,
) -> None:
    """A laboratory for the balance of power: simulate, measure, experiment."""
    configure_logging(verbose=verbose, quiet=quiet)
    if verbose:  # the first line of a bug report
        import platform

        from powerbalance import __version__

        logger.info("powerbalance %s, Python %s on %s", __version__,
                    platform.python_version(), platform.platform(terse=True))


#: The one handler the CLI installs on the root logger (None until configured), and the
#: levels it replaced.
_handler: logging.Handler | None = None
_saved_levels: tuple[int, int] = (logging.WARNING, logging.NOTSET)


def configure_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Send log records (and Python warnings) to standard error through rich, once.

    Library modules only call ``logging.getLogger(__name__)``; the command line is the one
    place that decides where records go. powerbalance's own records show from WARNING
    (``-q``: ERROR, ``-v``: INFO, ``-vv``: DEBUG); other libraries' from WARNING (``-q``:
    ERROR). Calling it again replaces the handler, so repeated in-process runs do not
    print each record twice.
    """
    from rich.logging import RichHandler

    global _handler, _saved_levels
    reset_logging()
    _saved_levels = (logging.getLogger().level, logging.getLogger("powerbalance").level)
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(
        verbose, logging.DEBUG)
    _handler = RichHandler(console=err_console, show_time=verbose >= 2, show_path=verbose >= 2,
                           markup=False, rich_tracebacks=False)
    # Libraries that set their own loggers' levels (distributed logs its cluster's start at
    # INFO) reach this handler through propagation whatever the root's level: the handler
    # itself lets other libraries' records through from WARNING (-q: ERROR) only.
    others = logging.ERROR if quiet else logging.WARNING
    _handler.addFilter(lambda record: record.name == "powerbalance"
                       or record.name.startswith("powerbalance.") or record.levelno >= others)
    root = logging.getLogger()
    root.addHandler(_handler)
    root.setLevel(logging.ERROR if quiet else logging.WARNING)
    logging.getLogger("powerbalance").setLevel(level)
    logging.captureWarnings(True)


def reset_logging() -> None:
    """Remove the CLI's handler and give Python warnings back to the warnings module."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        logging.getLogger().setLevel(_saved_levels[0])
        logging.getLogger("powerbalance").setLevel(_saved_levels[1])
        logging.captureWarnings(False)
        _handler = None


#: Picture formats a ``--plot`` path may have (matplotlib writes each by its suffix).
PICTURE_SUFFIXES = (".png", ".svg", ".pdf")


#: The ``--force`` option of every writing command (see :mod:`powerbalance.outputs`).
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace an earlier output of this command at the same path (never a "
    "file powerbalance did not write).")]


def check_png(path: Path | None, option: str = "--plot") -> None:
    """Refuse a picture path that is not .png, .svg or .pdf, before anything runs."""
    if path is not None and path.suffix.lower() not in PICTURE_SUFFIXES:
        raise InputError(f"{path}", source=option, field=option.lstrip("-"),
                         allowed="a " + ", ".join(PICTURE_SUFFIXES) + " path")


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
        task = bar.add_task(escape(description), total=total, visible=total is not None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        yield progress


def year_progress(description: str, total: int | None = None
                  ) -> AbstractContextManager[Callable[[int, int], None]]:
    """A :func:`progress_bar` of simulated years (``total`` years in all, when known)."""
    return progress_bar(description, total, "years")
