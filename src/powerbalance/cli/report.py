"""Commands that draw results: ``report`` (a self-contained HTML report) and ``animate``.

Both write through :mod:`powerbalance.outputs`: a path that exists is refused unless it
is an earlier output of the same command and ``--force`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from powerbalance.cli.app import ForceOption, app, console
from powerbalance.errors import InputError


@app.command("report")
def report(
    path: Annotated[Path, typer.Argument(
        help="A run, sweep or experiment folder (or a history CSV).", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output file (html) or folder (png). Default: PATH/report.html "
        "or PATH/figures/ for a folder, PATH.html or PATH-figures/ for a file.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="html: one self-contained file; png: the figures "
                                          "alone, in a folder.")] = "html",
    force: ForceOption = False,
) -> None:
    """Write a report of a result that opens offline in any browser."""
    import matplotlib

    matplotlib.use("Agg")
    from powerbalance.cli.app import progress_bar
    from powerbalance.viz.report import write_report

    with progress_bar("report", unit="figures") as progress:
        written = write_report(path, out, fmt.lower(), progress=progress, force=force)
    console.print(f"wrote {written}", highlight=False, soft_wrap=True, markup=False)


@app.command("animate")
def animate(
    path: Annotated[Path, typer.Argument(help="A run folder.", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="GIF (or MP4 where ffmpeg is installed). Default: PATH/map.gif")
    ] = None,
    world: Annotated[int, typer.Option(help="Which world (one with a recorded map).")] = 0,
    fps: Annotated[int, typer.Option(help="Frames (years) per second.")] = 10,
    force: ForceOption = False,
) -> None:
    """Animate the map of one world of a run, one frame per year."""
    from powerbalance.cli.app import progress_bar
    from powerbalance.outputs import Output, check_output, write_file

    if fps < 1:
        raise InputError(f"{fps}", source="--fps", field="fps", allowed="an integer >= 1")
    target = out if out is not None else Path(path) / "map.gif"
    if target.suffix.lower() not in (".gif", ".mp4"):
        raise InputError(f"unknown animation format {target.suffix!r}", source=str(target),
                         field="--out", allowed=".gif, .mp4")
    check_output(Output(target, "animation", folder=False), force)  # before any work

    import matplotlib

    matplotlib.use("Agg")
    from powerbalance.experiments.results import load_run
    from powerbalance.viz import actor_names, map_animation, save_animation

    result = load_run(path)
    anim = map_animation(result.map, result.links, result.provinces,
                         names=actor_names(result.actors), world=world, events=result.events)
    with progress_bar("animation", unit="frames") as progress:
        written = write_file(target,
                             lambda tmp: save_animation(anim, tmp, fps=fps, progress=progress),
                             kind="animation", force=force)
    console.print(f"wrote {written}", highlight=False, soft_wrap=True, markup=False)
