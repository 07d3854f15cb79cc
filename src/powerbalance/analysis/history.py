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
    "DEFAULT_GAP_RATIO",
    "DEFAULT_PERSISTENCE",
    "POLARITY_INDICES",
    "CapabilityMatrix",
    "capability_matrix",
    "empirical_balancing",
    "great_power_polarity",
    "great_power_shares",
    "historical_transitions",
    "persistent_labels",
    "polarity_history",
    "polarity_spells",
    "yearly_measures",
    "COW_REGIONS",
    "dyad_history",
    "region_members",
    "regional_history",
    "run_regional_history",
    "state_codes",
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


# ------------------------------------------------------------------ polarity of real years

#: Capability indices of the great-power polarity (see :func:`great_power_shares`).
POLARITY_INDICES: tuple[str, ...] = ("military-economic", "cinc", "milex")

#: Default number of years a new polarity label must hold before it replaces the old one.
#: Chosen with the data in view (docs/validation.md): 5 years would also absorb the
#: 1948-1951 bipolar run, which the Korean-war peak of US spending in 1952 interrupts.
DEFAULT_PERSISTENCE = 3

#: A pole must be at least this many times stronger than the next power down: the
#: superpower ratio of :class:`~powerbalance.analysis.distribution.PolarityRules`.
DEFAULT_GAP_RATIO = PolarityRules().superpower_ratio


def great_power_shares(nmc: pd.DataFrame, majors: pd.DataFrame | None, *,
                       index: str = "military-economic", start: int | None = None,
                       end: int | None = None,
                       members: pd.DataFrame | None = None) -> CapabilityMatrix:
    """Each major power's share of the great-power system's capability, per year.

    The system is the COW major powers of the year (``majors2016``), or the
    ``ccode, year`` rows of ``members`` when given (a region, a user's list).
    Indices:

    - ``military-economic`` (the default): the mean of the power's share of
      the system's military expenditure (NMC ``milex``) and its share of the
      system's CINC, over the two that are not missing. Wohlforth (1999)
      measures unipolarity by shares of great-power defence spending and of
      economic output; NMC has no GDP, so CINC (Singer, Bremer & Stuckey 1972)
      stands for the economic and demographic base.
    - ``cinc``: the share of the system's CINC only (the capability index of
      Mansfield 1993).
    - ``milex``: the share of the system's military expenditure only.

    >>> df = pd.DataFrame({"ccode": [2, 200], "year": [1950, 1950],
    ...                    **{c: [3.0, 1.0] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> mj = pd.DataFrame({"ccode": [2, 200], "styear": [1816, 1816], "endyear": [2016, 2016]})
    >>> great_power_shares(df, mj).values.tolist()
    [[0.75, 0.25]]
    """
    if index not in POLARITY_INDICES:
        raise InputError(f"unknown capability index {index!r}", source="--index",
                         field="index", allowed=", ".join(POLARITY_INDICES))
    if members is not None:
        key = nmc["year"].to_numpy(dtype=np.int64) * 10_000 + nmc["ccode"].to_numpy(np.int64)
        mkey = (members["year"].to_numpy(dtype=np.int64) * 10_000
                + members["ccode"].to_numpy(dtype=np.int64))
        cinc_all = recompute_cinc(nmc)
        sub = nmc.assign(cinc=cinc_all)[np.isin(key, mkey)]
        if sub.empty:
            raise InputError("no state of the region has capability data",
                             source="--region", field="region",
                             allowed="states with NMC rows in the years asked for")
        m = capability_matrix(sub, start=start, end=end, published=True)
    else:
        m = capability_matrix(nmc, majors=majors, majors_only=True, start=start, end=end)
    cinc = normalize_shares(m.values)
    if index == "cinc":
        return CapabilityMatrix(m.years, m.ccodes, cinc, m.abbrev)
    sel = nmc[nmc["year"].isin(m.years) & nmc["ccode"].isin(m.ccodes)]
    mil = np.full(m.values.shape, np.nan)
    yi = np.searchsorted(m.years, sel["year"].to_numpy(dtype=np.int64))
    ci = np.searchsorted(m.ccodes, sel["ccode"].to_numpy(dtype=np.int64))
    mil[yi, ci] = sel["milex"].to_numpy(dtype=np.float64)
    mil[m.values <= 0] = np.nan  # not a member of the system that year
    total = np.nansum(mil, axis=1, keepdims=True)
    mil_share = np.divide(mil, total, out=np.full_like(mil, np.nan), where=total > 0)
    if index == "milex":
        return CapabilityMatrix(m.years, m.ccodes, np.nan_to_num(mil_share), m.abbrev)
    parts = np.stack([np.where(cinc > 0, cinc, np.nan), mil_share])
    counts = np.sum(~np.isnan(parts), axis=0)
    mixed = np.divide(np.nansum(parts, axis=0), counts, out=np.zeros(counts.shape),
                      where=counts > 0)
    return CapabilityMatrix(m.years, m.ccodes, normalize_shares(mixed), m.abbrev)


def great_power_polarity(shares: npt.ArrayLike, *, gap_ratio: float = DEFAULT_GAP_RATIO,
                         rules: PolarityRules | None = None) -> npt.NDArray[np.int8]:
    """Polarity of a great-power system; codes index ``POLARITY_NAMES``.

    ``s1 >= s2 >= s3`` are the three largest shares of great-power capability.
    Poles are the powers that stand far above the rest (Waltz 1979, ch. 8: the
    number of great powers "of the first rank"); "far" is a ratio of
    ``gap_ratio`` (default 2, the superpower ratio of
    :class:`~powerbalance.analysis.distribution.PolarityRules`):

    0. *unipolar*: ``s1 >= rules.unipolar_share`` and ``s2 < rules.great_power_share``
       (one power, nobody else of account: Mansfield 1993's half of the capabilities);
    1. *unipolar with great powers* (one superpower and several great powers,
       一超多強; Huntington 1999, Wohlforth 1999): ``s1 >= gap_ratio * s2``;
    2. *bipolar*: ``s2 >= gap_ratio * s3`` (two powers, each far above the third);
    3. *multipolar*: otherwise.

    >>> [POLARITY_NAMES[c] for c in great_power_polarity(
    ...     [[0.45, 0.4, 0.1, 0.05], [0.5, 0.2, 0.2, 0.1], [0.3, 0.3, 0.2, 0.2]])]
    ['bipolar', 'unipolar with great powers', 'multipolar']
    """
    if gap_ratio < 1.0:
        raise ValueError(f"gap_ratio must be >= 1, got {gap_ratio}")
    rules = rules or PolarityRules()
    s = normalize_shares(shares)
    if s.shape[-1] < 3:
        s = np.pad(s, [(0, 0)] * (s.ndim - 1) + [(0, 3 - s.shape[-1])])
    top = -np.sort(-s, axis=-1)[..., :3]
    s1, s2, s3 = top[..., 0], top[..., 1], top[..., 2]
    code = np.full(s1.shape, 3, dtype=np.int8)
    code = np.where((s2 > 0) & (s2 >= gap_ratio * s3), 2, code)
    code = np.where((s1 > 0) & (s1 >= gap_ratio * s2), 1, code)
    code = np.where((s1 >= rules.unipolar_share) & (s2 < rules.great_power_share), 0, code)
    return np.asarray(code, dtype=np.int8)


def persistent_labels(labels: npt.ArrayLike, persistence: int = DEFAULT_PERSISTENCE
                      ) -> npt.NDArray[np.int64]:
    """Labels that change only when the new one holds ``persistence`` years in a row.

    A run of equal labels shorter than ``persistence`` takes the label of the
    run before it (the first run, of the run after it); a change is dated to
    the first year of the run that confirms it. ``persistence=1`` returns the
    labels unchanged.

    >>> persistent_labels([3, 3, 3, 2, 3, 3, 2, 2, 2], 3).tolist()
    [3, 3, 3, 3, 3, 3, 2, 2, 2]
    >>> persistent_labels([1, 3, 3, 3], 2).tolist()
    [3, 3, 3, 3]
    """
    if persistence < 1:
        raise InputError(f"persistence {persistence}", source="--persistence",
                         field="persistence", allowed=">= 1")
    lab = np.asarray(labels, dtype=np.int64).copy()
    if len(lab) == 0 or persistence == 1:
        return lab
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    ends = np.r_[starts[1:], len(lab)]
    long_runs = [(a, b) for a, b in zip(starts, ends, strict=True) if b - a >= persistence]
    if not long_runs:
        return lab
    out = lab.copy()
    current = lab[long_runs[0][0]]  # short runs at the start take the first lasting label
    for a, b in zip(starts, ends, strict=True):
        if b - a >= persistence:
            current = lab[a]
        out[a:b] = current
    return out


def polarity_history(nmc: pd.DataFrame, majors: pd.DataFrame | None, *,
                     index: str = "military-economic", gap_ratio: float = DEFAULT_GAP_RATIO,
                     persistence: int = DEFAULT_PERSISTENCE, start: int | None = None,
                     end: int | None = None, members: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """The polarity of the great-power system in every year (the default classification).

    Shares by :func:`great_power_shares` (``index``), classes by
    :func:`great_power_polarity` (``gap_ratio``), smoothed by
    :func:`persistent_labels` (``persistence``). Columns: ``year, powers,
    first, second, third`` (abbreviations or codes), ``s1, s2, s3``,
    ``raw_polarity``, ``polarity``, ``gp_con`` and ``hhi`` (CON and HHI of the system).
    ``members`` (``ccode, year``) replaces the great powers by another system,
    e.g. a region (:func:`region_members`). The CINC-only classification of all
    states stays in :func:`yearly_measures` (column ``polarity``). The labels are
    smoothed over every year of the data and then cut to ``start``-``end``, so a
    window never changes the label of a year.
    """
    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}", source="--from", field="years",
                         allowed="from <= to")
    m = great_power_shares(nmc, majors, index=index, members=members)
    s = m.values
    order = np.argsort(-s, axis=1, kind="stable")[:, :3]
    if s.shape[1] < 3:
        order = np.pad(order, [(0, 0), (0, 3 - s.shape[1])], constant_values=-1)
    raw = great_power_polarity(s, gap_ratio=gap_ratio)
    smooth = persistent_labels(raw, persistence)
    names = np.array(POLARITY_NAMES, dtype=object)

    def who(k: int) -> list[str]:
        return [m.abbrev.get(int(m.ccodes[j]), str(int(m.ccodes[j]))) if j >= 0 and
                s[i, j] > 0 else "" for i, j in enumerate(order[:, k])]

    def share(k: int) -> npt.NDArray[np.float64]:
        j = order[:, k]
        return np.where(j >= 0, s[np.arange(len(s)), np.maximum(j, 0)], 0.0)

    out = pd.DataFrame({
        "year": m.years, "powers": np.count_nonzero(s > 0, axis=1),
        "first": who(0), "second": who(1), "third": who(2),
        "s1": share(0), "s2": share(1), "s3": share(2),
        "raw_polarity": names[raw], "polarity": names[smooth],
        "gp_con": concentration(s), "hhi": hhi(s),
    })
    keep = np.ones(len(out), dtype=bool)
    if start is not None:
        keep &= out["year"].to_numpy() >= start
    if end is not None:
        keep &= out["year"].to_numpy() <= end
    if not keep.any():
        raise InputError("no capability data in the years asked for", source="--from/--to",
                         field="years", allowed=f"{int(m.years.min())}-{int(m.years.max())}")
    return out[keep].reset_index(drop=True)


def polarity_spells(table: pd.DataFrame, column: str = "polarity") -> list[tuple[int, int, str]]:
    """The runs of equal labels of a yearly table: ``(first year, last year, label)``.

    >>> t = pd.DataFrame({"year": [1, 2, 3], "polarity": ["multipolar", "multipolar", "bipolar"]})
    >>> polarity_spells(t)
    [(1, 2, 'multipolar'), (3, 3, 'bipolar')]
    """
    rows = table.sort_values("year")
    years = rows["year"].to_numpy(dtype=np.int64)
    labels = rows[column].astype(str).to_numpy()
    out: list[tuple[int, int, str]] = []
    for y, lab in zip(years, labels, strict=True):
        if out and out[-1][2] == lab and out[-1][1] == y - 1:
            out[-1] = (out[-1][0], int(y), lab)
        else:
            out.append((int(y), int(y), str(lab)))
    return out


# ------------------------------------------------------------------ regions and dyads

#: COW regions by country-code range (COW State System codebook: 2-165 the Americas,
#: 200-399 Europe, 402-626 Africa, 630-698 the Middle East, 700-999 Asia and Oceania).
COW_REGIONS: dict[str, tuple[int, int]] = {
    "americas": (2, 199),
    "europe": (200, 399),
    "africa": (400, 629),
    "middle-east": (630, 699),
    "asia": (700, 999),
}


def _codes(items: list[str], abbrev: dict[str, int], source: str) -> list[int]:
    out = []
    for item in items:
        text = item.strip()
        if text.isdigit():
            out.append(int(text))
        elif text.upper() in abbrev:
            out.append(abbrev[text.upper()])
        else:
            raise InputError(f"unknown state {text!r}", source=source, field="state",
                             allowed="COW country codes or abbreviations (e.g. 710 or CHN)")
    return out


def state_codes(states: pd.DataFrame | None) -> dict[str, int]:
    """COW abbreviation -> country code, from a states (or NMC) table.

    >>> state_codes(pd.DataFrame({"stateabb": ["USA", "CHN"], "ccode": [2, 710]}))
    {'USA': 2, 'CHN': 710}
    """
    if states is None or "stateabb" not in states.columns:
        return {}
    rows = states[states["stateabb"].astype(str) != ""].drop_duplicates("stateabb")
    return {str(a).upper(): int(c) for a, c in zip(rows["stateabb"], rows["ccode"],
                                                    strict=True)}


def region_members(nmc: pd.DataFrame, region: str,
                   abbrev: dict[str, int] | None = None) -> tuple[str, pd.DataFrame]:
    """The ``ccode, year`` rows of a region: a COW region by name (:data:`COW_REGIONS`)
    or a comma-separated list of codes or abbreviations. Returns (label, members).

    >>> n = pd.DataFrame({"ccode": [2, 710, 713], "year": [1950] * 3})
    >>> region_members(n, "710,713")[1]["ccode"].tolist()
    [710, 713]
    >>> region_members(n, "americas")[1]["ccode"].tolist()
    [2]
    """
    name = region.strip().lower()
    if name in COW_REGIONS:
        lo, hi = COW_REGIONS[name]
        sel = nmc["ccode"].between(lo, hi)
        label = f"{name} (COW codes {lo}-{hi})"
    else:
        items = [x for x in region.split(",") if x.strip()]
        if len(items) < 2:
            raise InputError(f"unknown region {region!r}", source="--region", field="region",
                             allowed=", ".join(COW_REGIONS) + ", or a list of at least two "
                                     "states (codes or abbreviations)")
        codes = _codes(items, abbrev or {}, "--region")
        sel = nmc["ccode"].isin(codes)
        label = "states " + ", ".join(str(c) for c in codes)
    out = nmc.loc[sel, ["ccode", "year"]].drop_duplicates().reset_index(drop=True)
    if out.empty:
        raise InputError(f"no state of {region!r} in the capability data", source="--region",
                         field="region", allowed="states with NMC rows")
    return label, out


def regional_history(nmc: pd.DataFrame, region: str, *, powers: pd.DataFrame | None = None,
                     abbrev: dict[str, int] | None = None, index: str = "military-economic",
                     persistence: int = DEFAULT_PERSISTENCE, start: int | None = None,
                     end: int | None = None) -> tuple[str, pd.DataFrame]:
    """Polarity and concentration of a region in every year, with Maoz powers marked.

    The region's states are a system of their own: shares by
    :func:`great_power_shares` over its members, polarity by the great-power
    rule with persistence (:func:`polarity_history`), and ``con, hhi`` of the
    shares. With Maoz's (2010) powers (``load_maoz_powers``), ``regional_powers``
    and ``global_powers`` list the members that were such powers that year.
    """
    label, members = region_members(nmc, region, abbrev)
    table = polarity_history(nmc, None, index=index, persistence=persistence, start=start,
                             end=end, members=members)
    m = great_power_shares(nmc, None, index=index, start=start, end=end, members=members)
    table = table.rename(columns={"gp_con": "con"})
    table["leader_share"] = table["s1"]
    if powers is not None:
        names = {c: n for n, c in (abbrev or {}).items()}
        for kind in ("reg", "glob"):
            marks = []
            for i, year in enumerate(m.years):
                present = m.ccodes[m.values[i] > 0]
                rows = powers[(powers[f"{kind}styear"] <= year) & (powers[f"{kind}endyear"]
                                                                    >= year)]
                codes = sorted(set(rows["ccode"].astype(int)) & {int(c) for c in present})
                marks.append(", ".join(names.get(c, str(c)) for c in codes))
            table["regional_powers" if kind == "reg" else "global_powers"] = marks
    return label, table


def dyad_history(nmc: pd.DataFrame, pair: str, *, abbrev: dict[str, int] | None = None,
                 start: int | None = None, end: int | None = None) -> tuple[
                     tuple[int, int], pd.DataFrame]:
    """The capability ratio of a pair over time: ``year, cinc_a, cinc_b, ratio`` (a / b,
    recomputed CINC) and ``milex_ratio``, in the years both have data.

    >>> df = pd.DataFrame({"ccode": [710, 713], "year": [1950, 1950],
    ...                    **{c: [9.0, 1.0] for c in
    ...                       ("milex", "milper", "irst", "pec", "tpop", "upop")}})
    >>> dyad_history(df, "710,713")[1]["ratio"].round(6).tolist()
    [9.0]
    """
    items = [x for x in pair.split(",") if x.strip()]
    if len(items) != 2:
        raise InputError(f"not a pair: {pair!r}", source="--dyad", field="dyad",
                         allowed="two states, e.g. CHN,TAW or 710,713")
    a, b = _codes(items, abbrev or {}, "--dyad")
    if a == b:
        raise InputError(f"the same state twice: {pair!r}", source="--dyad", field="dyad",
                         allowed="two different states")
    df = nmc.assign(cinc_r=recompute_cinc(nmc))
    if start is not None:
        df = df[df["year"] >= start]
    if end is not None:
        df = df[df["year"] <= end]
    sa = df[df["ccode"] == a].set_index("year")
    sb = df[df["ccode"] == b].set_index("year")
    years = sa.index.intersection(sb.index).sort_values()
    if len(years) == 0:
        raise InputError(f"no year with data for both {a} and {b}", source="--dyad",
                         field="dyad", allowed="two states that coexist in the NMC data")
    ca = sa.loc[years, "cinc_r"].to_numpy(dtype=np.float64)
    cb = sb.loc[years, "cinc_r"].to_numpy(dtype=np.float64)
    ma = sa.loc[years, "milex"].to_numpy(dtype=np.float64)
    mb = sb.loc[years, "milex"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({"year": years.to_numpy(dtype=np.int64), "cinc_a": ca,
                            "cinc_b": cb, "ratio": np.where(cb > 0, ca / cb, np.nan),
                            "milex_ratio": np.where(mb > 0, ma / mb, np.nan)})
    return (a, b), out


def run_regional_history(actors: pd.DataFrame, region: str | None = None, *,
                         persistence: int = DEFAULT_PERSISTENCE) -> pd.DataFrame:
    """The same regional measures for a simulation: per world and year of a run's actors
    table (``world, year, actor, region, alive, share``), the polarity (great-power rule
    with persistence, per world), CON and HHI of the shares of the live actors of
    ``region`` (all actors when ``None``), its leader and the leader's share.

    >>> a = pd.DataFrame({"world": 0, "year": [0, 0, 0], "actor": [0, 1, 2],
    ...                   "region": ["east", "east", "west"], "alive": True,
    ...                   "share": [0.46, 0.04, 0.5]})
    >>> r = run_regional_history(a, "east").iloc[0]
    >>> r.polarity, int(r.leader), round(float(r.leader_share), 2)
    ('unipolar', 0, 0.92)
    """
    for c in ("world", "year", "actor", "alive", "share"):
        if c not in actors.columns:
            raise InputError(f"no column {c!r}", source="actors", field=c,
                             allowed="a run's actors table")
    sel = actors[actors["alive"].astype(bool)]
    if region is not None:
        if "region" not in actors.columns:
            raise InputError("no column 'region'", source="actors", field="region",
                             allowed="a run's actors table")
        names = sorted({str(r) for r in actors["region"].unique()})
        if region not in names:
            raise InputError(f"unknown region {region!r}", source="--region", field="region",
                             allowed=", ".join(names))
        sel = sel[sel["region"].astype(str) == region]
    wide = sel.pivot_table(index=["world", "year"], columns="actor", values="share",
                           fill_value=0.0, observed=True)
    s = normalize_shares(wide.to_numpy(dtype=np.float64))
    keys = wide.index.to_frame(index=False)
    raw = great_power_polarity(s)
    smooth = np.empty(len(raw), dtype=np.int64)
    worlds = keys["world"].to_numpy()
    for w in np.unique(worlds):
        idx = np.flatnonzero(worlds == w)
        smooth[idx] = persistent_labels(raw[idx], persistence)
    lead = np.argmax(s, axis=1) if s.size else np.zeros(0, dtype=np.int64)
    return pd.DataFrame({
        "world": worlds, "year": keys["year"].to_numpy(),
        "actors": np.count_nonzero(s > 0, axis=1),
        "leader": wide.columns.to_numpy()[lead], "leader_share": s[np.arange(len(s)), lead],
        "con": concentration(s), "hhi": hhi(s),
        "polarity": np.array(POLARITY_NAMES, dtype=object)[smooth],
    })
