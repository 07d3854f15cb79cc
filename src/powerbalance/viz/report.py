"""Reports: results as one self-contained HTML file (or a folder of PNGs).

A :class:`Report` is a title, a manifest and a list of :class:`ReportSection`
(text, figures and tables). Builders turn a result into a report; each kind
of result registers a :class:`ReportKind` (how to recognise its path, how to
load it, how to build the report), so experiments, sweeps or histories can be
added without touching the HTML writer. Built in: run folders, sweep folders
(written by ``powerbalance sweep SPEC --out DIR``), experiment folders
(``powerbalance experiment NAME --out DIR``) and history tables (CSV or
Parquet with columns year, con, hhi, polarity, as written by ``powerbalance
history --format csv``; columns ``share_NAME`` are drawn as the major
powers' shares).

The HTML embeds figures as base64 PNG and styles inline: it references no
external URL and opens offline in any browser.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from powerbalance.errors import InputError
from powerbalance.viz._common import HTML_CJK_FAMILY, cjk_font_face_css
from powerbalance.viz.colors import actor_colors, actor_names
from powerbalance.viz.ensembles import (
    fan_chart,
    outcome_plot,
    survival_plot,
    tournament_plot,
    war_size_plot,
    war_sizes,
)
from powerbalance.viz.history import history_plot
from powerbalance.viz.networks import alliance_plot
from powerbalance.viz.overview import overview_figure
from powerbalance.viz.timeseries import concentration_plot

if TYPE_CHECKING:
    from powerbalance.experiments.results import RunResult

#: Pixel width figures are rendered at in reports (height follows each figure's aspect).
REPORT_WIDTH_PX = 1000

FigureFactory = Callable[[], Figure]

#: A progress hook, called with (figures made, figures in all).
Progress = Callable[[int, int], None]


@dataclass
class ReportFigure:
    """A figure of a report, made on demand (so a failing or slow figure is isolated)."""

    caption: str
    make: FigureFactory
    name: str = ""
    """File stem when written as PNG (default: from the caption)."""

    @property
    def stem(self) -> str:
        """A file-name-safe stem."""
        base = self.name or self.caption
        return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:60] or "figure"


@dataclass
class ReportSection:
    """One section of a report: a heading, a paragraph, figures and tables."""

    title: str
    text: str = ""
    figures: list[ReportFigure] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures_first: bool = False
    """Render the figures before the tables (default: tables first)."""

    def figure(self, caption: str, make: FigureFactory, name: str = "") -> ReportSection:
        """Add a figure (made by ``make()`` when the report is written); return self."""
        self.figures.append(ReportFigure(caption, make, name))
        return self

    def table(self, caption: str, frame: pd.DataFrame) -> ReportSection:
        """Add a table; return self."""
        self.tables.append((caption, frame))
        return self


@dataclass
class Report:
    """A titled list of sections with the manifest of the result it describes."""

    title: str
    sections: list[ReportSection] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    subtitle: str = ""

    def section(self, title: str, text: str = "") -> ReportSection:
        """Append a new section and return it."""
        sec = ReportSection(title, text)
        self.sections.append(sec)
        return sec

    def figures(self) -> list[ReportFigure]:
        """All figures, in order."""
        return [f for s in self.sections for f in s.figures]

    def to_html(self, width_px: int = REPORT_WIDTH_PX, progress: Progress | None = None) -> str:
        """The report as one self-contained HTML document."""
        return render_html(self, width_px, progress)

    def write_html(self, path: str | Path, width_px: int = REPORT_WIDTH_PX,
                   progress: Progress | None = None) -> Path:
        """Write the HTML document to ``path``; return it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_html(width_px, progress), encoding="utf-8")
        return path

    def write_pngs(self, folder: str | Path, width_px: int = REPORT_WIDTH_PX,
                   progress: Progress | None = None) -> list[Path]:
        """Write every figure as ``NN-stem.png`` into ``folder``; return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        figures = self.figures()
        for k, fig in enumerate(figures, start=1):
            path = folder / f"{k:02d}-{fig.stem}.png"
            path.write_bytes(figure_png(fig.make(), width_px))
            out.append(path)
            if progress is not None:
                progress(k, len(figures))
        return out


# ---------------------------------------------------------------- rendering


def figure_png(fig: Figure, width_px: int = REPORT_WIDTH_PX, dpi: float = 100) -> bytes:
    """PNG bytes of ``fig``: its own size at ``dpi``, scaled down to ``width_px`` if wider."""
    w_in, h_in = fig.get_size_inches()
    width_px = min(width_px, int(round(w_in * dpi)))
    height_px = max(int(round(width_px * h_in / w_in)), 1)
    fig.set_size_inches((width_px + 1e-3) / dpi, (height_px + 1e-3) / dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def png_data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def table_html(frame: pd.DataFrame, max_rows: int = 60) -> str:
    """An HTML table (escaped, numbers to 4 significant digits), cut at ``max_rows`` rows."""
    shown = frame.head(max_rows)
    text = shown.to_html(index=False, border=0, classes="table", escape=True, na_rep="",
                         float_format=lambda v: f"{v:.4g}")
    if len(frame) > max_rows:
        text += f'<p class="note">{max_rows} of {len(frame)} rows shown.</p>'
    return text


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,"{cjk}",sans-serif;
margin:0 auto;max-width:1080px;padding:24px;color:#222;line-height:1.45;background:#fff}
h1{font-size:1.7em;margin-bottom:0.1em}h2{border-bottom:1px solid #ddd;padding-bottom:4px;
margin-top:2em}.subtitle{color:#555;margin-top:0}figure{margin:1.2em 0}
figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;
font-size:0.9em}table.table{border-collapse:collapse;font-size:0.88em;margin:0.5em 0 1em}
table.table th,table.table td{padding:3px 9px;border-bottom:1px solid #e3e3e3;text-align:right}
table.table th{background:#f5f5f5}table.table td:first-child,table.table th:first-child
{text-align:left}.note{color:#777;font-size:0.85em}pre{background:#f7f7f7;padding:10px;
overflow-x:auto;font-size:0.82em}.error{color:#a00}
""".replace("{cjk}", HTML_CJK_FAMILY)


def figure_html(fig: ReportFigure, width_px: int = REPORT_WIDTH_PX) -> str:
    """A ``<figure>`` with the PNG embedded, or an error paragraph if making it failed."""
    esc = html.escape
    try:
        uri = png_data_uri(figure_png(fig.make(), width_px))
    except Exception as exc:  # one broken figure must not lose the report
        return (f'<p class="error">Figure "{esc(fig.caption)}" failed: '
                f"{esc(type(exc).__name__)}: {esc(str(exc))}</p>")
    return (f'<figure><img src="{uri}" alt="{esc(fig.caption)}">'
            f"<figcaption>{esc(fig.caption)}</figcaption></figure>")


def render_html(report: Report, width_px: int = REPORT_WIDTH_PX,
                progress: Progress | None = None) -> str:
    """Render ``report`` as one HTML document with embedded figures and inline CSS.

    ``progress`` is called with (figures made, figures in all) as each is drawn.
    """
    esc = html.escape
    total = len(report.figures())
    made = 0

    def draw(fig: ReportFigure) -> str:
        nonlocal made
        text = figure_html(fig, width_px)
        made += 1
        if progress is not None:
            progress(made, total)
        return text

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{esc(report.title)}</h1>"]
    if report.subtitle:
        parts.append(f'<p class="subtitle">{esc(report.subtitle)}</p>')
    for sec in report.sections:
        parts.append(f"<section><h2>{esc(sec.title)}</h2>")
        if sec.text:
            parts.extend(f"<p>{esc(p)}</p>" for p in sec.text.split("\n\n") if p.strip())
        tables = [f"<h3>{esc(caption)}</h3>{table_html(frame)}" for caption, frame in sec.tables]
        figures = [draw(fig) for fig in sec.figures]
        parts.extend(figures + tables if sec.figures_first else tables + figures)
        parts.append("</section>")
    if report.manifest:
        text = json.dumps(report.manifest, indent=2, default=str)
        parts.append("<section><h2>Manifest</h2><details><summary>The full manifest "
                     f"(JSON)</summary><pre>{esc(text, quote=False)}</pre></details></section>")
    parts.append("</body></html>")
    document = "\n".join(parts)
    # Chinese names render in any browser: the CJK glyphs used, embedded (a few kB).
    return document.replace("<style>", f"<style>{cjk_font_face_css(document)}", 1)


# ---------------------------------------------------------------- run reports


def manifest_table(manifest: dict[str, Any]) -> pd.DataFrame:
    """The headline facts of a run manifest as a two-column table."""
    scen = manifest.get("scenario", {}) or {}
    rows = [
        ("scenario", scen.get("name", "")),
        ("origin", scen.get("origin", "")),
        ("actors", ", ".join(map(str, scen.get("actors", [])))),
        ("worlds", manifest.get("worlds", "")),
        ("first world", manifest.get("first_world", 0)),
        ("years", manifest.get("years", "")),
        ("seed", manifest.get("seed", "")),
        ("overrides", json.dumps(manifest.get("overrides", {}) or {}, default=str)),
        ("powerbalance version", manifest.get("version", "")),
        ("created", manifest.get("created", "")),
    ]
    return pd.DataFrame(rows, columns=["field", "value"]).astype({"value": str})


def params_table(manifest: dict[str, Any]) -> pd.DataFrame:
    """The model parameters of a manifest (name, value), overridden ones marked."""
    params = manifest.get("params", {}) or {}
    overrides = manifest.get("overrides", {}) or {}
    return pd.DataFrame({
        "parameter": list(params),
        "value": [json.dumps(v, default=str) if isinstance(v, list | dict) else str(v)
                  for v in params.values()],
        "overridden": ["yes" if k in overrides else "" for k in params],
    })


def final_outcomes(system: pd.DataFrame) -> pd.DataFrame:
    """Across worlds at the last year: polarity classes, hegemony, concentration.

    Shares of worlds carry their 95% Wilson interval.
    """
    last = system[system["year"] == system["year"].max()]
    n = len(last)
    pol = last["polarity"].astype(str).value_counts()
    rows: list[tuple[str, str]] = [("worlds", str(n)), ("final year", str(system["year"].max()))]
    rows += [(f"polarity: {k}", _count_share(int(v), n)) for k, v in pol.items()]
    rows += [
        ("worlds with a hegemon", _count_share(int(last["hegemon"].sum()), n)),
        ("largest share: median [5%, 95%]",
         "{:.3f} [{:.3f}, {:.3f}]".format(*np.quantile(last["largest_share"], [0.5, 0.05, 0.95]))),
        ("effective number: median", f"{last['effective_number'].median():.2f}"),
        ("live actors: mean", f"{last['live_actors'].mean():.2f}"),
        ("CON: mean", f"{last['con'].mean():.3f}"),
    ]
    return pd.DataFrame(rows, columns=["outcome", "value"])


def _count_share(k: int, n: int) -> str:
    """``k (share [95% Wilson interval])``, e.g. ``0 (0.0% [0.0%, 0.4%])`` for 0 of 1,000."""
    from powerbalance.experiments.stats import format_interval, proportion_ci

    return f"{k} ({format_interval(*proportion_ci(k, n), percent=True)})"


def actor_outcomes(actors: pd.DataFrame) -> pd.DataFrame:
    """Per actor at the last year across worlds: survival, mean and median share, leads."""
    last = actors[actors["year"] == actors["year"].max()]
    share = last["share"].where(last["alive"], 0.0)
    frame = pd.DataFrame({"actor": last["name"].astype(str), "strategy":
                          last["strategy"].astype(str), "alive": last["alive"].astype(float),
                          "share": share, "world": last["world"]})
    top = frame.loc[frame.groupby("world")["share"].idxmax(), "actor"].value_counts()
    out = frame.groupby(["actor", "strategy"], sort=False).agg(
        survived=("alive", "mean"), mean_share=("share", "mean"),
        median_share=("share", "median")).reset_index()
    out["largest_in_worlds"] = out["actor"].map(top).fillna(0).astype(int)
    order = {n: i for i, n in enumerate(actor_names(actors))}
    return out.sort_values("actor", key=lambda s: s.map(order)).reset_index(drop=True)


def event_counts(events: pd.DataFrame, worlds: int) -> pd.DataFrame:
    """Events by kind: total and per world."""
    counts = events["kind"].astype(str).value_counts()
    counts = counts[counts > 0]
    return pd.DataFrame({"kind": counts.index, "events": counts.to_numpy(),
                         "per world": counts.to_numpy() / max(worlds, 1)})


def run_report(result: RunResult, world: int = 0) -> Report:
    """The report of a run: manifest, outcomes across worlds, one world in detail, wars."""
    man = result.manifest or {}
    scen = man.get("scenario", {}) or {}
    worlds = int(result.system["world"].nunique())
    years = int(result.system["year"].max())
    report = Report(title=f"powerbalance run: {scen.get('name', 'scenario')}",
                    subtitle=(f"{worlds} worlds x {years} years, seed {man.get('seed', '?')}, "
                              f"powerbalance {man.get('version', '?')}"),
                    manifest=man)
    about = report.section("Run", str(scen.get("description", "")).strip())
    about.table("Manifest", manifest_table(man))
    if scen.get("sources"):
        about.table("Sources of the scenario",
                    pd.DataFrame({"source": [str(s) for s in scen["sources"]]}))
    colors = actor_colors(actor_names(result.actors))
    ens = report.section("Across worlds",
                         "Outcomes at the last year over all worlds, the distribution of the "
                         "largest capability share over time, and the survival of actors.")
    ens.table("Final outcomes", final_outcomes(result.system))
    ens.table("Actors at the last year", actor_outcomes(result.actors))
    ens.figure("Largest capability share: median, 50% and 90% bands across worlds",
               lambda: fan_chart({scen.get("name", "run"): result.system}), "fan-chart")
    ens.figure("Fraction of actors alive over time by strategy (Kaplan-Meier)",
               lambda: survival_plot(result.actors, by="strategy"), "survival")
    one = report.section(f"World {world}",
                         "Capability shares (war years shaded), the map at the last year, "
                         "concentration and polarity, and the alliance network.")
    one.figure(f"Capability shares and final map of world {world}",
               lambda: overview_figure(result, world), "overview")
    one.figure(f"Concentration (HHI, CON), effective number and polarity, world {world}",
               lambda: concentration_plot(result.system, world=world), "concentration")
    one.figure(f"Alliances of world {world} at the last year (width: years allied)",
               lambda: alliance_plot(result.actors, result.alliances, map_=result.map,
                                     world=world, colors=colors), "alliances")
    wars = report.section("Wars and events")
    n_wars = len(war_sizes(result.events))
    wars.text = f"{n_wars} wars in {worlds} worlds."
    wars.table("Events by kind", event_counts(result.events, worlds))
    wars.figure("War sizes: complementary CDF with a power-law tail (Clauset et al. 2009)",
                lambda: war_size_plot(result.events), "war-sizes")
    report.section("Parameters").table("Model parameters", params_table(man))
    return report


# ---------------------------------------------------------------- sweep reports


#: Design points up to which a sweep report draws per-point figures (fan chart, intervals).
MAX_POINTS_DRAWN = 12


def point_labels(points: pd.DataFrame) -> dict[int, str]:
    """A short label per design point: ``p3: attack_odds=0.5, ...``.

    >>> point_labels(pd.DataFrame({"point": [0, 1], "a": [0.5, 0.712345]}))
    {0: 'p0: a=0.5', 1: 'p1: a=0.7123'}
    """
    params = [c for c in points.columns if c != "point"]
    out = {}
    for row in points.to_dict("records"):
        vals = ", ".join(f"{c}={row[c]:.4g}" if isinstance(row[c], float) else f"{c}={row[c]}"
                         for c in params)
        out[int(row["point"])] = f"p{int(row['point'])}" + (f": {vals}" if vals else "")
    return out


def sweep_spec_table(meta: dict[str, Any], runs: int, points: int) -> pd.DataFrame:
    """The headline facts of a sweep's ``sweep.json`` as a two-column table."""
    spec = meta.get("spec", {}) or {}
    design = spec.get("design", {}) or {}
    rows = [
        ("name", meta.get("name", "")),
        ("scenario", spec.get("scenario", "")),
        ("years", spec.get("years", "")),
        ("seed", spec.get("seed", "")),
        ("replicates per point", spec.get("replicates", "")),
        ("design", design.get("kind", "")),
        ("design points", points),
        ("finished runs", runs),
        ("varied", json.dumps(spec.get("parameters", {}), default=str)),
        ("fixed", json.dumps(spec.get("fixed", {}), default=str)),
        ("kept", ", ".join(map(str, spec.get("keep", [])))),
        ("spec hash", str(meta.get("spec_hash", ""))[:16]),
        ("powerbalance version", meta.get("version", "")),
        ("created", meta.get("created", "")),
    ]
    return pd.DataFrame(rows, columns=["field", "value"]).astype({"value": str})


def interval_table(table: pd.DataFrame, outcomes: list[str], label: str = "point",
                   labels: dict[int, str] | None = None) -> pd.DataFrame:
    """Long form of an outcome table (strategy, metric, mean, lo, hi) for the interval plot."""
    rows = []
    for rec in table.to_dict("records"):
        key = rec[label]
        name = labels.get(int(key), str(key)) if labels is not None else str(key)
        for o in outcomes:
            m = float(rec[o])
            lo, hi = float(rec[f"{o}_lo"]), float(rec[f"{o}_hi"])
            rows.append({"strategy": name, "metric": o, "mean": m,
                         "lo": m if np.isnan(lo) else lo, "hi": m if np.isnan(hi) else hi})
    return pd.DataFrame(rows, columns=["strategy", "metric", "mean", "lo", "hi"])


def sweep_folder_report(folder: str | Path, group: str = "point",
                        level: float = 0.95) -> Report:
    """The report of a sweep folder: spec, outcomes per design point with CIs, Sobol
    indices, survival curves, war sizes with the power-law fit.

    The statistics are those of :func:`powerbalance.experiments.sweep.sweep_report`;
    this only lays them out and draws them.
    """
    from powerbalance.experiments.store import SweepStore
    from powerbalance.experiments.sweep import REPORT_OUTCOMES, sweep_report

    store = SweepStore(folder)
    meta = store.meta()
    spec = meta.get("spec", {}) or {}
    rep = sweep_report(folder, group=group, level=level)
    points = pd.read_parquet(store.points_path)
    labels = point_labels(points)
    name = str(rep.get("name") or Path(folder).name)
    runs = int(rep["runs"])  # type: ignore[call-overload]
    report = Report(title=f"powerbalance sweep: {name}",
                    subtitle=(f"{runs} runs over {len(points)} design points of "
                              f"{spec.get('scenario', '?')}, {spec.get('years', '?')} years, "
                              f"seed {spec.get('seed', '?')}, "
                              f"powerbalance {meta.get('version', '?')}"),
                    manifest=meta)
    about = report.section("Sweep", str(meta.get("description", "") or "").strip())
    about.table("Specification", sweep_spec_table(meta, runs, len(points)))
    about.table("Design points", points)

    table = rep["outcomes"]
    assert isinstance(table, pd.DataFrame)
    outcomes = [o for o in REPORT_OUTCOMES if o in table.columns]
    res = report.section(
        "Outcomes per design point",
        f"Means (t interval) and proportions (Wilson interval) with {level:.0%} confidence "
        "intervals over the replicates of each design point.")
    res.figures_first = True
    res.table("Outcomes per design point", table)
    params = [c for c in points.columns if c != "point"]
    numeric = [c for c in params if pd.api.types.is_numeric_dtype(points[c])]
    if len(params) == 1 and numeric and len(points) > 1:
        res.figure(f"Outcomes against {params[0]} ({level:.0%} CI band)",
                   lambda: outcome_plot(table, params[0], outcomes), "outcomes")
    elif len(points) <= MAX_POINTS_DRAWN:
        long = interval_table(table, outcomes, labels=labels)
        res.figure(f"Outcomes by design point (estimate, {level:.0%} CI)",
                   lambda: tournament_plot(long, title="Outcomes by design point"), "outcomes")
    if "system" in spec.get("keep", []) and len(points) <= MAX_POINTS_DRAWN:
        system = store.table("system")
        if not system.empty:
            arms = {labels.get(int(p), str(p)): g.rename(columns={"replicate": "world"})
                    for p, g in system.groupby("point", sort=True)}
            res.figure("Largest capability share by design point: median, 50% and 90% bands",
                       lambda: fan_chart(arms), "fan-chart")

    if "sobol" in rep:
        sob = rep["sobol"]
        assert isinstance(sob, pd.DataFrame)
        report.section("Sensitivity (Sobol indices)",
                       f"First-order (S1) and total (ST) Sobol indices of the per-point mean of "
                       f"{rep.get('sobol_outcome')}, with bootstrap CI half-widths."
                       ).table("Sobol indices", sob)

    survival = rep.get("survival")
    if isinstance(survival, pd.DataFrame):
        curves = survival
        if group == "point":
            curves = survival.assign(group=[labels.get(int(g), g) for g in survival["group"]])
        sec = report.section(f"Survival of states by {group}",
                             "Kaplan-Meier estimate of the probability that a state is still "
                             f"alive, with {level:.0%} confidence bands.")
        sec.figures_first = True
        sec.figure(f"Survival of states by {group} (Kaplan-Meier)",
                   lambda: survival_plot(curves, title=f"Survival of states by {group}"),
                   "survival")
        end = (curves.groupby("group", sort=False)
               .agg(at_risk_at_start=("at_risk", "first"), last_year=("time", "last"),
                    survival=("survival", "last"), lo=("lo", "last"), hi=("hi", "last"))
               .reset_index())
        sec.table("Survival at the last year", end)

    if "wars" in spec.get("keep", []):
        wars = store.table("wars")
        fit = rep.get("war_sizes")
        sec = report.section("War sizes", f"{len(wars)} wars in {runs} runs.")
        sec.figures_first = True
        if isinstance(fit, dict):
            sec.text += (" Power-law fit by maximum likelihood (Clauset, Shalizi & Newman "
                         "2009); R > 0 favours the power law over a log-normal.")
            sec.table("Power-law fit", pd.DataFrame(
                {"statistic": list(fit), "value": [float(v) for v in fit.values()]}))
        if not wars.empty:
            sec.figure("War sizes: complementary CDF with the fitted power-law tail",
                       lambda: war_size_plot(wars, fit=fit if isinstance(fit, dict) else None),
                       "war-sizes")
    return report


# ---------------------------------------------------------------- experiment reports


def experiment_folder_report(folder: str | Path) -> Report:
    """The report of an experiment folder (``powerbalance experiment NAME --out DIR``).

    The verdict, each arm's statistics with their confidence intervals, the
    paired comparisons and checks (as the experiment wrote them), and, from
    the arms' run folders: the largest share by arm (fan chart) and the
    survival of states by arm (Kaplan-Meier, computed by
    :mod:`powerbalance.experiments.stats`).
    """
    from powerbalance.experiments import stats
    from powerbalance.experiments.results import load_run

    folder = Path(folder)
    summary = json.loads((folder / "experiment.json").read_text())
    name = str(summary.get("experiment", folder.name))
    conf = float(summary.get("confidence", 0.95))
    pct = f"{conf:.0%}"
    holds = bool(summary.get("holds", False))
    verdict = "holds" if holds else "does not hold"
    report = Report(title=f"powerbalance experiment: {name}",
                    subtitle=(f"claim {summary.get('claim', '?')}: {verdict} at {pct} "
                              f"confidence; {summary.get('worlds', '?')} worlds per arm, "
                              f"seed {summary.get('seed', '?')} (common random numbers)"),
                    manifest=summary)
    claim_text = ""
    try:
        from powerbalance.experiments.claims import get

        exp = get(name)
        claim_text = f"Claim {exp.claim}: {exp.title}.\n\n{exp.claim_text}"
    except Exception:  # an experiment this version does not know: the tables still stand
        pass
    text = "\n\n".join(t for t in (claim_text, f"Verdict: the claim {verdict} at {pct} "
                                     "confidence.", str(summary.get("notes", "") or ""))
                       if t.strip())
    sec = report.section("Claim and verdict", text)
    sec.figures_first = True
    arms = pd.read_csv(folder / "arms.csv") if (folder / "arms.csv").is_file() \
        else pd.DataFrame(summary.get("arms", []))
    sec.table(f"Statistics per arm ({pct} CI)", arms)
    for stem, caption in (("comparisons", "Comparisons (paired by world; one-sided bound)"),
                          ("checks", "Checks")):
        frame = pd.read_csv(folder / f"{stem}.csv") if (folder / f"{stem}.csv").is_file() \
            else pd.DataFrame(summary.get(stem, []))
        if len(frame):
            sec.table(caption, frame)
    if {"arm", "statistic", "mean", "ci_low", "ci_high"} <= set(arms.columns) and len(arms):
        long = arms.rename(columns={"arm": "strategy", "statistic": "metric", "ci_low": "lo",
                                    "ci_high": "hi"})
        long["mean"] = long["mean"].astype(float)
        long["lo"] = long["lo"].fillna(long["mean"]).astype(float)
        long["hi"] = long["hi"].fillna(long["mean"]).astype(float)
        sec.figure(f"Statistics by arm (mean, {pct} CI)",
                   lambda: tournament_plot(long, title=f"{name}: statistics by arm"), "arms")
    labels = list(dict.fromkeys(arms["arm"].astype(str))) if "arm" in arms.columns else []
    labels += sorted(p.name for p in folder.iterdir() if p.name not in labels)
    runs = {label: folder / label for label in labels if _is_run_folder(folder / label)}
    if runs:
        loaded = {label: load_run(path) for label, path in runs.items()}
        by_arm = report.section("Arms compared", "The largest capability share over time and "
                                "the survival of states in each arm (the same worlds, with "
                                "common random numbers).")
        by_arm.figure("Largest capability share by arm: median, 50% and 90% bands",
                      lambda: fan_chart({k: r.system for k, r in loaded.items()},
                                        title=f"{name}: largest share by arm"), "fan-chart")
        life = pd.concat([stats.lifetimes(r.actors).assign(arm=k) for k, r in loaded.items()],
                         ignore_index=True)
        curves = stats.kaplan_meier(life, group="arm", level=conf)
        order = {k: i for i, k in enumerate(loaded)}
        curves = curves.sort_values("group", key=lambda g: g.map(order), kind="stable")
        by_arm.figure("Survival of states by arm (Kaplan-Meier)",
                      lambda: survival_plot(curves, title="Survival of states by arm"),
                      "survival")
    return report


# ---------------------------------------------------------------- history reports


HISTORY_COLUMNS = ("year", "con", "hhi", "polarity")


def history_report(history: pd.DataFrame, powers: pd.DataFrame | None = None,
                   source: str = "history") -> Report:
    """The report of a yearly history table.

    ``history`` has columns year, con, hhi, polarity, and optionally the
    other columns of ``powerbalance history --format csv`` (leader_abb,
    leader_share, effective_number, entropy, gini, ...); ``powers`` is an
    optional table of major powers' shares (long or wide, see
    :func:`~powerbalance.viz.history.wide_powers`).
    """
    missing = set(HISTORY_COLUMNS) - set(history.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", source=source, field="columns",
                         allowed=", ".join(HISTORY_COLUMNS))
    rows = history.sort_values("year").reset_index(drop=True)
    report = Report(title=f"History: {Path(source).name}",
                    subtitle=f"{rows['year'].min()}-{rows['year'].max()}, {len(rows)} years",
                    manifest={"source": Path(source).name, "rows": len(rows),
                              "columns": [str(c) for c in rows.columns]})
    sec = report.section("Concentration and polarity")
    sec.figures_first = True
    sec.figure("Concentration (CON, HHI), polarity and major powers' shares",
               lambda: history_plot(rows, powers), "history")
    sec.table("Polarity periods", periods(rows, "polarity"))
    leader = next((c for c in ("leader_abb", "leader") if c in rows.columns
                   and rows[c].astype(str).str.len().gt(0).any()), None)
    if leader is not None:
        sec.table("Leading state periods", periods(rows, leader))
    numeric = [c for c in rows.columns if c != "year"
               and pd.api.types.is_numeric_dtype(rows[c]) and c not in ("leader",)]
    sec.table("Summary", rows[numeric].describe().T.reset_index(names="measure"))
    return report


def periods(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Runs of equal values of ``column`` in a yearly table: from, to, value.

    >>> periods(pd.DataFrame({"year": [1, 2, 3], "p": ["a", "a", "b"]}), "p").values.tolist()
    [[1, 2, 'a'], [3, 3, 'b']]
    """
    values = rows[column].astype(str).to_numpy()
    yrs = rows["year"].to_numpy()
    if len(values) == 0:
        return pd.DataFrame(columns=["from", "to", column])
    starts = np.r_[0, np.flatnonzero(values[1:] != values[:-1]) + 1]
    ends = np.r_[starts[1:], len(values)] - 1
    return pd.DataFrame({"from": yrs[starts], "to": yrs[ends], column: values[starts]})


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


# ---------------------------------------------------------------- kinds


@dataclass(frozen=True)
class ReportKind:
    """A kind of result that can be reported: how to recognise its path and build its report."""

    name: str
    detect: Callable[[Path], bool]
    build: Callable[[Path], Report]


def _is_run_folder(path: Path) -> bool:
    if not (path / "manifest.json").is_file():
        return False
    try:
        manifest = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "scenario" in manifest and (
        path / "system.parquet").is_file()


def _build_run(path: Path) -> Report:
    from powerbalance.experiments.results import load_run

    return run_report(load_run(path))


def _is_sweep_folder(path: Path) -> bool:
    return path.is_dir() and (path / "sweep.json").is_file() and (
        path / "points.parquet").is_file()


def _build_sweep(path: Path) -> Report:
    return sweep_folder_report(path)


def _is_experiment_folder(path: Path) -> bool:
    return path.is_dir() and (path / "experiment.json").is_file()


def _build_experiment(path: Path) -> Report:
    return experiment_folder_report(path)


def _is_history(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in (".csv", ".parquet"):
        return False
    try:
        cols = (pd.read_csv(path, nrows=0).columns if path.suffix.lower() == ".csv"
                else pd.read_parquet(path).columns)
    except Exception:
        return False
    return set(HISTORY_COLUMNS) <= set(cols)


def _build_history(path: Path) -> Report:
    table = _read_table(path)
    shares = [c for c in table.columns if str(c).startswith("share_")]
    powers = None
    if shares:
        powers = table[["year", *shares]].rename(columns=lambda c: str(c).removeprefix("share_"))
    return history_report(table, powers, source=str(path))


#: The kinds of results :func:`build_report` knows, tried in order.
REPORT_KINDS: list[ReportKind] = [
    ReportKind("run", _is_run_folder, _build_run),
    ReportKind("sweep", _is_sweep_folder, _build_sweep),
    ReportKind("experiment", _is_experiment_folder, _build_experiment),
    ReportKind("history", _is_history, _build_history),
]


def register_report_kind(kind: ReportKind, first: bool = True) -> None:
    """Teach :func:`build_report` a new kind of result (tried before the built-ins by default)."""
    REPORT_KINDS[:] = [k for k in REPORT_KINDS if k.name != kind.name]
    REPORT_KINDS.insert(0 if first else len(REPORT_KINDS), kind)


def build_report(path: str | Path) -> Report:
    """The report of the result at ``path``: a run, sweep or experiment folder, or a
    history table."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", source=str(path), field="PATH",
                         allowed="a run, sweep or experiment folder, or a history CSV")
    for kind in REPORT_KINDS:
        if kind.detect(path):
            return kind.build(path)
    allowed = ", ".join(k.name for k in REPORT_KINDS)
    raise InputError("not a result powerbalance can report", source=str(path), field="PATH",
                     allowed=f"one of: {allowed} (a run, sweep or experiment folder, or a "
                     f"CSV with columns "
                     f"{', '.join(HISTORY_COLUMNS)})")


FORMATS = ("html", "png")


def report_target(path: str | Path, out: str | Path | None = None, fmt: str = "html") -> Path:
    """Where :func:`write_report` writes: ``out`` if given, else ``PATH/report.html``
    (``PATH/figures/``) for a folder, ``PATH`` with suffix ``.html`` (``PATH-figures/``)
    for a file."""
    if out is not None:
        return Path(out)
    path = Path(path)
    if fmt == "html":
        return path / "report.html" if path.is_dir() else path.with_suffix(".html")
    return path / "figures" if path.is_dir() else path.with_name(f"{path.stem}-figures")


def write_report(path: str | Path, out: str | Path | None = None, fmt: str = "html",
                 progress: Progress | None = None, force: bool = False) -> Path:
    """Build the report of ``path`` and write it; return the file (html) or folder (png).

    The target (:func:`report_target`) is written through :mod:`powerbalance.outputs`:
    an existing path is refused unless it is an earlier report of ours and ``force`` is
    given, and the write is atomic. ``progress`` is called with (figures made, figures in
    all) once the report is built (when the number of figures is known).
    """
    from powerbalance.outputs import Output, check_output, write_file, write_folder

    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", source="--format", field="format",
                         allowed=", ".join(FORMATS))
    target = report_target(path, out, fmt)
    kind = "report" if fmt == "html" else "figures"
    check_output(Output(target, kind, folder=fmt == "png"), force)  # before any work
    built = build_report(path)
    if fmt == "html":
        return write_file(target, lambda tmp: built.write_html(tmp, progress=progress),
                          kind=kind, force=force)
    figures: list[str] = []

    def fill(tmp: Path) -> None:
        figures.extend(p.name for p in built.write_pngs(tmp, progress=progress))

    return write_folder(target, fill, kind=kind, force=force,
                        manifest={"source": str(path), "title": built.title,
                                  "figures": figures})
