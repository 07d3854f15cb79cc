"""History: polarity, concentration and great powers from the user's COW data.

The data folder is the server's ``--data`` (never a path from the browser).
The measures are :func:`powerbalance.analysis.history.yearly_measures` over
all states and over the major powers, the great powers' shares come from
:func:`~powerbalance.analysis.history.capability_matrix`, and the power
transitions from :func:`~powerbalance.analysis.history.historical_transitions`,
as in ``powerbalance history``; they are computed once per server.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from powerbalance.web.app import Lab, get_lab
from powerbalance.web.payloads import columns, figure_response, plain, table_response

router = APIRouter(prefix="/api/history", tags=["history"])
_LOCK = threading.Lock()


def history_tables(lab: Lab) -> dict[str, Any]:
    """The yearly measures, the great powers' shares (long table) and the transitions."""
    if lab.data is None:
        raise HTTPException(404, "the server was started without --data: no COW data "
                                 "(start it with 'powerbalance serve --data DIR')")
    with _LOCK:
        if "history" in lab.memo:
            return lab.memo["history"]  # type: ignore[no-any-return]
        from powerbalance.analysis.cow import (
            attach_abbreviations,
            detect_files,
            load_majors,
            load_nmc,
            load_states,
        )
        from powerbalance.analysis.distribution import normalize_shares
        from powerbalance.analysis.history import (
            capability_matrix,
            historical_transitions,
            yearly_measures,
        )

        files = detect_files(lab.data)
        nmc = load_nmc(files.require("nmc", Path(lab.data)))
        if files.states is not None and (nmc["stateabb"] == "").any():
            nmc = attach_abbreviations(nmc, load_states(files.states))
        majors = load_majors(files.majors) if files.majors else None
        table = yearly_measures(nmc, majors=majors)
        powers = pd.DataFrame(columns=["year", "power", "share"])
        if majors is not None:
            mp = yearly_measures(nmc, majors=majors, majors_only=True)
            table = table.merge(mp[["year", "con", "polarity"]].rename(
                columns={"con": "mp_con", "polarity": "mp_polarity"}), on="year", how="left")
            m = capability_matrix(nmc, majors=majors, majors_only=True)
            shares = normalize_shares(m.values)
            wide = pd.DataFrame(shares, index=m.years,
                                columns=[m.abbrev.get(int(c), str(int(c))) for c in m.ccodes])
            powers = (wide.rename_axis(index="year", columns="power").stack()
                      .rename("share").reset_index())
            powers = powers[powers["share"] > 0].reset_index(drop=True)
        transitions = historical_transitions(nmc, majors=majors,
                                             majors_only=majors is not None)
        lab.memo["history"] = {"table": table, "powers": powers, "transitions": transitions}
        return lab.memo["history"]  # type: ignore[no-any-return]


@router.get("")
def history(lab: Annotated[Lab, Depends(get_lab)]) -> dict[str, Any]:
    """Yearly measures, great powers' shares and power transitions of the COW system."""
    h = history_tables(lab)
    keep = [c for c in ("year", "states", "leader_abb", "leader_share", "hhi",
                        "effective_number", "con", "polarity", "mp_con", "mp_polarity")
            if c in h["table"].columns]
    return plain({"table": columns(h["table"][keep]), "powers": columns(h["powers"]),
                  "transitions": h["transitions"]})


@router.get("/table.{fmt}")
def history_download(fmt: str, lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """Download the yearly measures (Parquet or CSV)."""
    return table_response(history_tables(lab)["table"], fmt, "history")


@router.get("/figure.{fmt}")
def history_figure(fmt: str, lab: Annotated[Lab, Depends(get_lab)]) -> Response:
    """Download the history figure (:func:`powerbalance.viz.history_plot`) as PNG or SVG."""
    from powerbalance.viz import history_plot

    h = history_tables(lab)
    if fmt not in ("png", "svg"):
        raise HTTPException(404, f"format {fmt!r}: allowed png, svg")
    return figure_response(history_plot(h["table"], h["powers"] if len(h["powers"]) else None,
                                         title="COW system"), fmt, "history")
