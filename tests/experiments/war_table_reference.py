"""The pandas implementation of the wars table (groupby, merge, merge_asof) that
:func:`powerbalance.experiments.tables.war_table` replaced with NumPy: the reference its
tests compare it with, row for row and bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerbalance.experiments.runner import Trajectory
from powerbalance.experiments.tables import WAR_COLUMNS, empty_war_table
from powerbalance.model.events import EventKind


def reference_war_table(traj: Trajectory) -> pd.DataFrame:
    """The wars table as pandas built it (groupby, merge_asof, MultiIndex) before
    :func:`powerbalance.experiments.tables.war_table` was written with NumPy; that
    function's docstring says what each column is. Kept unchanged as the reference the
    NumPy table is compared with (tests/experiments/test_war_table.py)."""
    from powerbalance.model.war import OUTCOMES

    c = traj.campaigns
    camp = pd.DataFrame({
        "world": traj.worlds[c.world].astype(np.int64) if len(c.world) else np.zeros(0, int),
        "year": traj.campaign_year.astype(np.int64),
        "initiator": c.initiator, "target": c.target, "start": c.start, "actor": c.actor,
        "side": c.side, "lost": c.lost,
    })
    key = ["world", "initiator", "start"]
    ev = traj.events
    if not len(camp):
        return empty_war_table()
    wars = (camp.groupby(key, sort=True)
            .agg(target=("target", "first"), campaigns=("year", "nunique"))
            .reset_index())
    # (groupby-sum-unstack: the sums of pivot_table(aggfunc="sum"), at a third of its fixed
    # cost, which a one-world run of the lab pays once per table.)
    losses = camp.groupby([*key, "side"])["lost"].sum().unstack(fill_value=0.0)
    wars["initiator_losses"] = losses.get(0, 0.0).reindex(
        pd.MultiIndex.from_frame(wars[key])).to_numpy()
    wars["target_losses"] = losses.get(1, 0.0).reindex(
        pd.MultiIndex.from_frame(wars[key])).to_numpy()
    # Sides: principals first, then allies in order of index.
    members = camp.assign(principal=(camp["actor"] == np.where(
        camp["side"] == 0, camp["initiator"], camp["target"])))
    members = members.drop_duplicates([*key, "side", "actor"]).sort_values(
        [*key, "side", "principal", "actor"], ascending=[True, True, True, True, False, True])
    # One list per (war, side) from the sorted rows' group boundaries: the same lists as a
    # groupby(...).agg(list), without a Python call per group.
    group = members[[*key, "side"]].to_numpy()
    starts = np.flatnonzero(np.r_[True, (group[1:] != group[:-1]).any(axis=1)])
    lists = np.split(members["actor"].to_numpy(), starts[1:])
    sides = pd.Series([x.tolist() for x in lists], dtype=object, index=pd.MultiIndex.from_arrays(
        [group[starts, k] for k in range(len(key) + 1)], names=[*key, "side"]))
    index = pd.MultiIndex.from_frame(wars[key])
    for side, name in ((0, "initiator_side"), (1, "target_side")):
        part = sides.xs(side, level="side") if side in sides.index.get_level_values("side") \
            else pd.Series(dtype=object)
        wars[name] = [list(map(int, x)) if isinstance(x, list) else []
                      for x in part.reindex(index).tolist()]
    # Provinces taken in the war's campaigns from a member of the other side.
    sel = ev.kind == EventKind.CONQUEST
    conq = pd.DataFrame({"world": traj.worlds[ev.world[sel]].astype(np.int64),
                         "year": traj.event_year[sel].astype(np.int64),
                         "actor": ev.actor[sel], "loser": ev.other[sel],
                         "provinces": ev.value[sel].astype(np.int64)})
    taken = camp.merge(conq, on=["world", "year", "actor"])
    enemy = camp[["world", "year", "initiator", "start", "actor", "side"]].rename(
        columns={"actor": "loser", "side": "loser_side"})
    taken = taken.merge(enemy, on=["world", "year", "initiator", "start", "loser"])
    taken = taken[taken["side"] != taken["loser_side"]]
    gained = taken.groupby([*key, "side"])["provinces"].sum().unstack(fill_value=0)
    for side, name in ((0, "provinces_to_initiator_side"), (1, "provinces_to_target_side")):
        col = gained[side] if side in gained.columns else pd.Series(dtype=np.int64)
        wars[name] = col.reindex(index).fillna(0).to_numpy(dtype=np.int64)
    # End and outcome from war_ended events: the war of that initiator that began last
    # before the event.
    sel = ev.kind == EventKind.WAR_ENDED
    ended = pd.DataFrame({"world": traj.worlds[ev.world[sel]].astype(np.int64),
                          "end": traj.event_year[sel].astype(np.int64),
                          "initiator": ev.actor[sel], "code": ev.value[sel].astype(np.int64)})
    ended = ended.sort_values("end", kind="stable")
    ordered = wars.sort_values("start", kind="stable")
    both = pd.merge_asof(ordered, ended, left_on="start", right_on="end",
                         by=["world", "initiator"], direction="forward")
    both = both.sort_values(key, kind="stable").reset_index(drop=True)
    # A war ends once; an end event after a later war's start belongs to that later war.
    nxt = both.groupby(["world", "initiator"])["start"].shift(-1)
    stale = both["end"].notna() & nxt.notna() & (both["end"] >= nxt)
    both.loc[stale, ["end", "code"]] = np.nan
    both["outcome"] = [OUTCOMES.get(int(x), "ongoing") if x == x else "ongoing"
                       for x in both["code"]]
    both = both.sort_values(["world", "start", "initiator"], kind="stable", ignore_index=True)
    both["war"] = both.groupby("world").cumcount()
    out = pd.DataFrame({
        "world": both["world"].astype(np.int32), "war": both["war"].astype(np.int32),
        "start": both["start"].astype(np.int32), "end": both["end"].astype("Int32"),
        "initiator": both["initiator"].astype(np.int16),
        "target": both["target"].astype(np.int16), "outcome": both["outcome"],
        "campaigns": both["campaigns"].astype(np.int32),
        "initiator_side": both["initiator_side"], "target_side": both["target_side"],
        "initiator_losses": both["initiator_losses"].astype(np.float64),
        "target_losses": both["target_losses"].astype(np.float64),
        "provinces_to_initiator_side": both["provinces_to_initiator_side"].astype(np.int64),
        "provinces_to_target_side": both["provinces_to_target_side"].astype(np.int64),
    })
    return out[list(WAR_COLUMNS)]
