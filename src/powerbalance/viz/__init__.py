"""Pictures of results: plots that take tables (DataFrames) and return matplotlib figures.

Every function builds its own :class:`matplotlib.figure.Figure` (no pyplot,
no global state, Agg-friendly); actors keep the same colour across the plots
of a run (:func:`actor_colors`). Plots draw; the statistics they show come
from :mod:`powerbalance.experiments.stats` (``kaplan_meier`` and
``lifetimes`` are re-exported from there).
"""

from powerbalance.experiments.stats import kaplan_meier, lifetimes
from powerbalance.viz.colors import actor_colors, actor_names, palette
from powerbalance.viz.ensembles import (
    fan_chart,
    fan_quantiles,
    outcome_plot,
    survival_plot,
    tournament_plot,
    war_size_plot,
    war_sizes,
)
from powerbalance.viz.history import history_plot, wide_powers
from powerbalance.viz.maps import MapDrawer, map_animation, map_plot, save_animation
from powerbalance.viz.networks import alliance_durations, alliance_plot
from powerbalance.viz.notebook import run_html
from powerbalance.viz.overview import overview_figure, save_figure
from powerbalance.viz.report import (
    Report,
    ReportFigure,
    ReportKind,
    ReportSection,
    build_report,
    register_report_kind,
    run_report,
    write_report,
)
from powerbalance.viz.timeseries import concentration_plot, share_matrix, shares_plot

__all__ = [
    "MapDrawer",
    "Report",
    "ReportFigure",
    "ReportKind",
    "ReportSection",
    "actor_colors",
    "actor_names",
    "alliance_durations",
    "alliance_plot",
    "build_report",
    "concentration_plot",
    "fan_chart",
    "fan_quantiles",
    "history_plot",
    "kaplan_meier",
    "lifetimes",
    "map_animation",
    "map_plot",
    "outcome_plot",
    "overview_figure",
    "palette",
    "register_report_kind",
    "run_html",
    "run_report",
    "save_animation",
    "save_figure",
    "share_matrix",
    "shares_plot",
    "survival_plot",
    "tournament_plot",
    "war_size_plot",
    "war_sizes",
    "wide_powers",
    "write_report",
]
