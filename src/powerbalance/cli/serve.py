"""``powerbalance serve``: the web lab (FastAPI on uvicorn), on 127.0.0.1:8000 by default."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from powerbalance.cli.app import app, err_console
from powerbalance.errors import InputError

#: Host names a local-only server answers to (others are refused: DNS rebinding).
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data: Annotated[Path | None, typer.Option(help="Folder of the user's COW data for the "
                                                   "History page and cow:YEAR scenarios.")]
    = None,
    workers: Annotated[int, typer.Option(help="Runs simulated at the same time.")] = 2,
    scenario: Annotated[list[Path] | None, typer.Option(
        "--scenario", help="A scenario file to offer beside the built-ins (repeatable).")]
    = None,
) -> None:
    """Start the web lab: pick a scenario, run it, watch the map, compare arms, see history."""
    import uvicorn

    from powerbalance.scenarios import load_file
    from powerbalance.web.app import create_app

    if not 0 < port < 65536:
        raise InputError(f"{port}", source="--port", field="port", allowed="1 to 65535")
    if not 1 <= workers <= 64:
        raise InputError(f"{workers}", source="--workers", field="workers", allowed="1 to 64")
    extra = [load_file(path) for path in scenario or []]
    local = is_loopback(host)
    if not local:
        err_console.print(f"[bold yellow]warning:[/] listening on {host}: anyone who can reach "
                          "this machine can use the lab and its CPU (there is no login); "
                          "use --host 127.0.0.1 to keep it local", highlight=False)
    web = create_app(data, workers=workers, allowed_hosts=LOOPBACK_NAMES if local else None,
                     scenarios=extra)
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"powerbalance lab on http://{shown}:{port}/ (Ctrl+C stops it)",
                      highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")
