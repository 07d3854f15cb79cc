"""Rich display of results in Jupyter: a compact summary and the main figure."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from powerbalance.viz.report import figure_png, png_data_uri

if TYPE_CHECKING:
    from powerbalance.experiments.results import RunResult

#: Width in pixels of the figure shown in notebooks.
NOTEBOOK_WIDTH_PX = 900


def run_summary_rows(result: RunResult) -> list[tuple[str, str]]:
    """Headline facts of a run: scenario, size, seed, final polarity and concentration."""
    man = result.manifest or {}
    scen = man.get("scenario", {}) or {}
    system = result.system
    rows = [("scenario", str(scen.get("name", "?"))),
            ("worlds x years", f"{system['world'].nunique()} x {system['year'].max()}"),
            ("seed", str(man.get("seed", "?"))),
            ("version", str(man.get("version", "?")))]
    if not system.empty:
        last = system[system["year"] == system["year"].max()]
        pol = last["polarity"].astype(str).value_counts(normalize=True)
        rows.append(("final polarity", ", ".join(f"{k} {v:.0%}" for k, v in pol.items()
                                                 if v > 0)))
        rows.append(("final largest share (median)", f"{last['largest_share'].median():.3f}"))
        rows.append(("worlds with a hegemon", f"{last['hegemon'].mean():.1%}"))
    return rows


def run_html(result: RunResult, world: int = 0, figure: bool = True) -> str:
    """HTML for ``RunResult._repr_html_``: a summary table and the overview figure."""
    rows = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
                   for k, v in run_summary_rows(result))
    parts = [f"<div><strong>RunResult</strong><table>{rows}</table>"]
    if figure and not result.actors.empty:
        from powerbalance.viz.overview import overview_figure

        try:
            png = figure_png(overview_figure(result, world), NOTEBOOK_WIDTH_PX)
        except Exception as exc:  # a display hook must never raise
            parts.append(f"<p>(no figure: {html.escape(str(exc))})</p>")
        else:
            parts.append(f'<img src="{png_data_uri(png)}" alt="overview of world {world}" '
                         f'style="max-width:100%">')
    parts.append("</div>")
    return "".join(parts)
