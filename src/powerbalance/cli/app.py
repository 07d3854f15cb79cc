"""The Typer application that every command module registers on."""

from __future__ import annotations

import typer
from rich.console import Console

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
