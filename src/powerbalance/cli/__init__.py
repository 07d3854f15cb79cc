"""Command-line interface: ``powerbalance COMMAND``.

Each area of the product registers its commands in its own module; this
package imports them and turns user mistakes (:class:`~powerbalance.errors.InputError`)
into a one-line message and exit code 2.
"""

from __future__ import annotations

import sys

from rich.markup import escape

from powerbalance.cli import analysis as _analysis  # noqa: F401  (registers commands)
from powerbalance.cli import calibration as _calibration  # noqa: F401  (registers commands)
from powerbalance.cli import experiment as _experiment  # noqa: F401  (registers commands)
from powerbalance.cli import play as _play  # noqa: F401  (registers commands)
from powerbalance.cli import report as _report  # noqa: F401  (registers commands)
from powerbalance.cli import serve as _serve  # noqa: F401  (registers commands)
from powerbalance.cli import simulate as _simulate  # noqa: F401  (registers commands)
from powerbalance.cli import strategies as _strategies  # noqa: F401  (registers commands)
from powerbalance.cli import sweep as _sweep  # noqa: F401  (registers commands)
from powerbalance.cli.app import app, err_console, logger, reset_logging
from powerbalance.errors import MAX_ALLOWED, InputError, one_line

__all__ = ["app", "main"]


def _print_error(text: str) -> None:
    """One line on standard error: user text escaped (control characters, Rich markup)."""
    err_console.print(f"[bold red]error:[/] {escape(one_line(text, MAX_ALLOWED))}",
                      markup=True, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (2 for a user mistake)."""
    try:
        return _main(argv)
    finally:  # the logging set up by the global options ends with the command
        reset_logging()


def _main(argv: list[str] | None) -> int:
    try:
        from powerbalance.model.engines import engine_variable

        engine_variable()  # a bad $POWERBALANCE_ENGINE stops every command before it starts
        app(args=argv, standalone_mode=False)
    except InputError as exc:
        logger.debug("the input error was raised here (-vv)", exc_info=True)
        _print_error(str(exc))
        return 2
    except OSError as exc:  # an unwritable --out, a vanished file: one line, no traceback
        _print_error(f"{exc.filename or ''}: {exc.strerror or exc}")
        return 2
    except SystemExit as exc:  # typer/click exit codes
        return int(exc.code or 0)
    except Exception as exc:
        # Usage errors of the command-line parser (click, which typer may bundle under
        # another module name) carry their own exit code and message: one line too, except
        # the help that a bare command prints.
        if hasattr(exc, "exit_code") and hasattr(exc, "show"):
            if type(exc).__name__ == "NoArgsIsHelpError" or not hasattr(exc, "format_message"):
                exc.show()
            else:
                ctx = getattr(exc, "ctx", None)
                sub = ctx.command_path.partition(" ")[2] if ctx is not None else ""
                where = f" (see 'powerbalance {sub} --help')".replace("  ", " ")
                _print_error(f"{exc.format_message()}{where}")
            return int(exc.exit_code)
        if type(exc).__name__ == "Abort":
            return 1
        raise
    return 0

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
