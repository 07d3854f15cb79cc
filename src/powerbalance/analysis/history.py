"""The balance of power in history: yearly measures from the COW data.

Shares are recomputed CINC values (see :func:`~powerbalance.analysis.cow.recompute_cinc`)
renormalised within each year over the states considered: the whole system, or
the major powers of that year (``majors2016``) when ``majors_only`` is set.
All measures are computed at once on a ``years x states`` matrix.

References: Singer, Bremer & Stuckey (1972) for CINC and concentration;
Organski & Kugler (1980) for transitions; Leeds et al. (2002) for ATOP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.analysis.cow import major_power_years, recompute_cinc
from powerbalance.analysis.distribution import (
    CEDERMAN_NAMES,
    POLARITY_NAMES,
    PolarityRules,
    cederman_class,
    concentration,
    effective_number,
    entropy,
    first_second_ratio,
    gini,
    hhi,
    normalize_shares,
    polarity,
)
from powerbalance.analysis.transitions import balancing_frame, power_transitions
from powerbalance.errors import InputError

__all__ = [
    "CapabilityMatrix",
    "capability_matrix",
    "empirical_balancing",
    "historical_transitions",
    "yearly_measures",
]


@dataclass(frozen=True)
class CapabilityMatrix:
    """CINC of each state (columns, ``ccodes``) in each year (rows, ``years``)."""

    years: npt.NDArray[np.int64]
    ccodes: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    abbrev: dict[int, str]


def capability_matrix(nmc: pd.DataFrame, *, majors: pd.DataFrame | None = None,
                      majors_only: bool = False, start: int | None = None,
                      end: int | None = None, published: bool = False) -> CapabilityMatrix:
    """Pivot NMC to a ``years x states`` matrix of CINC (0 where absent).

    >>> df = pd.DataFrame({"ccode": [2, 200, 2], "year": [1816, 1816, 1817],
    ...                    **{c: [1.0, 3.0, 1.0] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> m = capability_matrix(df)
    >>> m.values.tolist()
    [[0.25, 0.75], [1.0, 0.0]]
    """
    df = nmc
    if start is not None or end is not None:
        lo = start if start is not None else int(df["year"].min())
        hi = end if end is not None else int(df["year"].max())
        if lo > hi:
            raise InputError(f"--from {lo} is after --to {hi}", source="--from", field="years",
                             allowed="from <= to")
        df = df[(df["year"] >= lo) & (df["year"] <= hi)]
    if df.empty:
        raise InputError("no NMC rows in the years asked for", source="--from/--to",
                         field="years", allowed=f"{int(nmc['year'].min())}-"
                                                f"{int(nmc['year'].max())}")
    cinc = (df["cinc"] if published else recompute_cinc(df)).to_numpy(dtype=np.float64)
    years_col = df["year"].to_numpy(dtype=np.int64)
    cc_col = df["ccode"].to_numpy(dtype=np.int64)
    if majors_only:
        if majors is None:
            raise InputError("--majors-only needs the major powers file", source="--data",
                             field="majors", allowed="a majors2016.csv-like file")
        mp = major_power_years(majors)
        key = years_col * 10_000 + cc_col
        mkey = mp["year"].to_numpy(dtype=np.int64) * 10_000 + mp["ccode"].to_numpy(np.int64)
        keep = np.isin(key, mkey)
        years_col, cc_col, cinc = years_col[keep], cc_col[keep], cinc[keep]
    years, yi = np.unique(years_col, return_inverse=True)
    ccodes, ci = np.unique(cc_col, return_inverse=True)
    values = np.zeros((len(years), len(ccodes)))
    values[yi, ci] = np.nan_to_num(cinc)
    abbrev: dict[int, str] = {}
    if "stateabb" in df.columns:
        ab = df.drop_duplicates("ccode").set_index("ccode")["stateabb"]
        abbrev = {int(cast(int, k)): str(v) for k, v in ab.items() if isinstance(v, str) and v}
    return CapabilityMatrix(years, ccodes, values, abbrev)


def yearly_measures(nmc: pd.DataFrame, *, majors: pd.DataFrame | None = None,
                    majors_only: bool = False, start: int | None = None,
                    end: int | None = None, rules: PolarityRules | None = None,
                    published: bool = False) -> pd.DataFrame:
    """Concentration and polarity of the system in every year.

    Columns: ``year, states, leader, leader_abb, leader_share, ratio, hhi,
    effective_number, con, entropy, gini, polarity, cederman``.

    >>> df = pd.DataFrame({"ccode": [2, 200], "year": [1816, 1816],
    ...                    **{c: [1.0, 3.0] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> r = yearly_measures(df).iloc[0]
    >>> int(r.leader), float(r.leader_share), float(r.hhi), r.polarity
    (200, 0.75, 0.625, 'unipolar with great powers')
    """
    m = capability_matrix(nmc, majors=majors, majors_only=majors_only, start=start, end=end,
                          published=published)
    s = normalize_shares(m.values)
    lead = np.argmax(s, axis=1)
    leaders = m.ccodes[lead]
    out = pd.DataFrame({
        "year": m.years,
        "states": np.count_nonzero(s > 0, axis=1),
        "leader": leaders,
        "leader_abb": [m.abbrev.get(int(c), "") for c in leaders],
        "leader_share": s[np.arange(len(s)), lead],
        "ratio": first_second_ratio(s),
        "hhi": hhi(s),
        "effective_number": effective_number(s),
        "con": concentration(s),
        "entropy": entropy(s),
        "gini": gini(s),
        "polarity": np.array(POLARITY_NAMES, dtype=object)[polarity(s, rules)],
        "cederman": np.array(CEDERMAN_NAMES, dtype=object)[cederman_class(s)],
    })
    return out


def historical_transitions(nmc: pd.DataFrame, *, majors: pd.DataFrame | None = None,
                           majors_only: bool = True, start: int | None = None,
                           end: int | None = None, persistence: int = 1) -> pd.DataFrame:
    """Power transitions at the top of the system (Organski & Kugler 1980).

    Returns ``year, dominant, challenger, dominant_abb, challenger_abb,
    dominant_cinc, challenger_cinc``.

    >>> df = pd.DataFrame({"ccode": [200, 2, 200, 2], "year": [1, 1, 2, 2],
    ...                    **{c: [3.0, 1.0, 1.0, 3.0] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> historical_transitions(df, majors_only=False)[["year", "challenger"]].values.tolist()
    [[2, 2]]
    """
    m = capability_matrix(nmc, majors=majors, majors_only=majors_only, start=start, end=end)
    tr = power_transitions(m.values, list(m.years), list(m.ccodes), persistence=persistence)
    rows = []
    for t in tr:
        dom, cha = int(cast(int, t.dominant)), int(cast(int, t.challenger))
        rows.append({"year": int(cast(int, t.year)), "dominant": dom, "challenger": cha,
                     "dominant_abb": m.abbrev.get(dom, ""),
                     "challenger_abb": m.abbrev.get(cha, ""),
                     "dominant_cinc": t.dominant_value, "challenger_cinc": t.challenger_value})
    return pd.DataFrame(rows, columns=["year", "dominant", "challenger", "dominant_abb",
                                       "challenger_abb", "dominant_cinc", "challenger_cinc"])


def empirical_balancing(nmc: pd.DataFrame, atop: pd.DataFrame, *,
                        majors: pd.DataFrame | None = None, majors_only: bool = False,
                        start: int | None = None, end: int | None = None,
                        kind: str = "atop_defense") -> pd.DataFrame:
    """Capability in defence alliances with the leading power versus outside them.

    For each year: the leader (largest recomputed CINC), its share, the share
    of states allied with it (ATOP ``kind``, default defence pacts), the share
    of states in such alliances that exclude it, and the unaligned rest.

    >>> df = pd.DataFrame({"ccode": [1, 2, 3, 4], "year": [1] * 4,
    ...                    **{c: [4.0, 2.0, 2.5, 1.5] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> at = pd.DataFrame({"ccode1": [1, 3], "ccode2": [2, 4], "year": [1, 1],
    ...                    "atop_defense": [1, 1]})
    >>> r = empirical_balancing(df, at).iloc[0]
    >>> int(r.leader), round(float(r.with_leader), 2), round(float(r.against_leader), 2)
    (1, 0.2, 0.4)
    """
    if kind not in atop.columns:
        raise InputError(f"no column {kind!r} in the ATOP data", field=kind,
                         allowed=", ".join(c for c in atop.columns if c.startswith("atop_")))
    m = capability_matrix(nmc, majors=majors, majors_only=majors_only, start=start, end=end)
    yi, ci = np.nonzero(m.values > 0)
    actors = pd.DataFrame({"year": m.years[yi], "actor": m.ccodes[ci],
                           "share": m.values[yi, ci]})
    al = atop.loc[atop[kind] == 1, ["year", "ccode1", "ccode2"]]
    al = al.rename(columns={"ccode1": "actor", "ccode2": "ally"})
    out = balancing_frame(actors, al, by=["year"])
    ab = out["leader"].map(lambda c: m.abbrev.get(int(c), ""))
    out.insert(2, "leader_abb", ab)
    return out
