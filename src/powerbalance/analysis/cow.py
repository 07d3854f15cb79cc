"""Loaders for Correlates of War and ATOP data that the user has downloaded.

The product ships no data: the Correlates of War terms forbid redistribution.
Point the tools at a folder of downloaded files (``--data DIR`` or the
``POWERBALANCE_DATA`` environment variable); files are recognised by their
columns (and, between several candidates, by their names), so the names of
the downloads do not matter:

============  =========================================================  ================
kind          columns that identify it                                   typical name
============  =========================================================  ================
``nmc``       ccode, year, milex, milper, irst, pec, tpop, upop           ``NMC-60-abridged.csv``,
                                                                         ``NMC_5_0.csv``
``states``    ccode, styear, endyear, statenme                            ``states2016.csv``
``majors``    ccode, styear, endyear (no statenme)                        ``majors2016.csv``
``system``    ccode, year (no capability columns)                         ``system2016.csv``
``contdir``   conttype, begin, end, statelno, statehno                    ``contdir...csv``
``atop``      ccode1, ccode2, year, atop_defense                          ``atop...ddy...csv``
``wars``      warnum, ccode1, ccode2, year, sidea1, batdeath1             ``cow_war_inter...ddy...``
``mids``      dispnum, styear, fatality                                   ``gml_mid...disps...``
``capitals``  ccode, capital, lat, lng                                    ``cow_capitals...csv``
``powers``    ccode, regstdate, globstdate                                ``maoz_powers...csv``
============  =========================================================  ================

National Material Capabilities comes in several layouts: v5 (``NMC_5_0.csv``)
and v6 (``NMC-60-abridged.csv``) with ``stateabb`` and ``version`` columns and
``-9`` for missing values; v7 conversions (``NMC-70-abridged_peacesciencer``)
without ``stateabb`` and with empty cells for missing values. All load to the
same frame.

CINC (Singer, Bremer & Stuckey 1972) is recomputed from the six components as
the mean, over the components that are *not* missing, of the state's share of
the year's total of that component (the total over states with a value).

Citations the data owners require are in ``docs/analysis.md``.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from powerbalance.errors import InputError

__all__ = [
    "DATA_ENV",
    "NMC_COMPONENTS",
    "DataFiles",
    "attach_abbreviations",
    "cinc_difference",
    "data_dir",
    "detect_files",
    "load_atop_dyads",
    "load_capitals",
    "load_maoz_powers",
    "load_mids",
    "load_wars",
    "load_contiguity",
    "load_majors",
    "load_nmc",
    "load_states",
    "load_system",
    "major_power_years",
    "majors_in_year",
    "recompute_cinc",
]

#: Environment variable naming the data folder.
DATA_ENV = "POWERBALANCE_DATA"

#: The six NMC components: military expenditure, military personnel, iron and
#: steel production, primary energy consumption, total and urban population.
NMC_COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")

_MISSING = ["-9", "-9.0", "-9.00", ""]
#: Largest magnitude of a code or date column (YYYYMM dates of contiguity are the longest).
_MAX_INT = 10**9


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``path`` if given, else ``$POWERBALANCE_DATA``.

    >>> data_dir(".").is_dir()
    True
    """
    raw = str(path) if path is not None else os.environ.get(DATA_ENV)
    if not raw:
        raise InputError("no data folder given", source="--data", field="data",
                         allowed=f"--data DIR or the {DATA_ENV} environment variable")
    p = Path(raw).expanduser()
    if not p.is_dir():
        raise InputError(f"not a folder: {p}", source="--data", field="data",
                         allowed="a folder holding the downloaded CSV files")
    return p


@dataclass(frozen=True)
class DataFiles:
    """The files found in a data folder (``None`` where none matched)."""

    nmc: Path | None = None
    states: Path | None = None
    majors: Path | None = None
    system: Path | None = None
    contdir: Path | None = None
    atop: Path | None = None
    wars: Path | None = None
    mids: Path | None = None
    capitals: Path | None = None
    powers: Path | None = None

    def require(self, kind: str, folder: Path | None = None) -> Path:
        """The path of ``kind``, or an :class:`InputError` saying what is missing.

        >>> DataFiles().require("atop")
        Traceback (most recent call last):
        ...
        powerbalance.errors.InputError: data folder: atop: no atop file found (allowed: a CSV \
with columns ccode1, ccode2, year, atop_defense (ATOP dyad-years))
        """
        p = getattr(self, kind)
        if p is None:
            raise InputError(f"no {kind} file found", source=str(folder or "data folder"),
                             field=kind, allowed=_EXPECT[kind])
        return Path(p)


_EXPECT = {
    "nmc": "a CSV with columns ccode, year, milex, milper, irst, pec, tpop, upop "
           "(e.g. NMC-60-abridged.csv)",
    "states": "a CSV with columns ccode, statenme, styear, endyear (e.g. states2016.csv)",
    "majors": "a CSV with columns ccode, styear, endyear (e.g. majors2016.csv)",
    "system": "a CSV with columns ccode, year (e.g. system2016.csv)",
    "contdir": "a CSV with columns statelno, statehno, conttype, begin, end",
    "atop": "a CSV with columns ccode1, ccode2, year, atop_defense (ATOP dyad-years)",
    "wars": "a CSV with columns warnum, ccode1, ccode2, year, sidea1, batdeath1 "
            "(COW Inter-State War v4 dyad-years)",
    "mids": "a CSV with columns dispnum, styear, fatality (MIDs, one row per dispute)",
    "capitals": "a CSV with columns ccode, capital, stdate, enddate, lat, lng",
    "powers": "a CSV with columns ccode, regstdate, regenddate, globstdate, globenddate "
              "(Maoz regional and global powers)",
}


def _header(path: Path) -> list[str]:
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
            line = fh.readline()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    return [c.strip().strip('"').lower() for c in line.strip().split(",")]


def _classify(cols: list[str]) -> str | None:
    c = set(cols)
    if {"ccode", "year", *NMC_COMPONENTS} <= c:
        return "nmc"
    if {"ccode1", "ccode2", "year", "atop_defense"} <= c:
        return "atop"
    if {"warnum", "ccode1", "ccode2", "year", "sidea1", "batdeath1"} <= c:
        return "wars"
    if {"dispnum", "styear", "fatality"} <= c:
        return "mids"
    if {"ccode", "capital", "lat", "lng"} <= c:
        return "capitals"
    if {"ccode", "regstdate", "globstdate"} <= c:
        return "powers"
    if {"statelno", "statehno", "conttype", "begin", "end"} <= c:
        return "contdir"
    if {"ccode", "styear", "endyear"} <= c:
        return "states" if "statenme" in c else "majors"
    if {"ccode", "year"} <= c and not (c & set(NMC_COMPONENTS)):
        return "system"
    return None


def _nmc_version(path: Path) -> float:
    """Version of an NMC file from its name (``NMC-60`` -> 6.0, ``NMC_5_0`` -> 5.0)."""
    m = re.search(r"nmc[-_ ]?v?(\d)[-_.]?(\d)?", path.name.lower())
    if not m:
        return 0.0
    return float(f"{m.group(1)}.{m.group(2) or 0}")


def detect_files(folder: str | os.PathLike[str], *, nmc_version: float | None = None) -> DataFiles:
    """Recognise the data files of a folder by their columns.

    Between several NMC files the newest version (by name) wins unless
    ``nmc_version`` asks for one (e.g. ``6`` or ``7``).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "my_download.csv").write_text("ccode,year,milex,milper,irst,pec,tpop,upop\\n")
    >>> _ = (d / "mp.csv").write_text("stateabb,ccode,styear,endyear\\n")
    >>> f = detect_files(d)
    >>> f.nmc.name, f.majors.name, f.states
    ('my_download.csv', 'mp.csv', None)
    """
    root = Path(folder)
    found: dict[str, list[Path]] = {}
    for p in sorted(root.glob("*.csv")) + sorted(root.glob("*/*.csv")):
        kind = _classify(_header(p))
        if kind:
            found.setdefault(kind, []).append(p)
    picked: dict[str, Path] = {}
    for kind, paths in found.items():
        if kind == "nmc":
            if nmc_version is not None:
                paths = [p for p in paths if int(_nmc_version(p)) == int(nmc_version)] or []
                if not paths:
                    raise InputError(f"no NMC v{nmc_version} file", source=str(root),
                                     field="nmc", allowed=", ".join(
                                         p.name for p in found["nmc"]))
            picked[kind] = max(paths, key=lambda p: (_nmc_version(p), p.name))
        elif kind == "atop":
            ddy = [p for p in paths if "ddy" in p.name.lower()]
            picked[kind] = (ddy or paths)[0]
        elif kind in ("contdir", "wars", "mids", "capitals", "powers"):
            picked[kind] = paths[0]
        else:
            pat = {"states": "states", "majors": "major", "system": "system"}[kind]
            named = [p for p in paths if pat in p.name.lower()]
            picked[kind] = (named or paths)[0]
    names = {f.name for f in fields(DataFiles)}
    return DataFiles(**{k: v for k, v in picked.items() if k in names})


def _check_rows(p: Path) -> None:
    """Refuse a file with a row of more or fewer fields than its header (pandas would pad
    a truncated row with missing values, or a cut-off download would pass as data).

    A file without quotes (every COW and ATOP file) is checked on its bytes at once: the
    fields of a line are its commas plus one; one with quotes goes through the csv module.
    """
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(p)) from None
    if b'"' not in data and b"\0" not in data and b"\r" not in data.replace(b"\r\n", b""):
        buf = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(buf == ord("\n"))
        starts = np.r_[0, ends + 1]
        stops = np.r_[ends, len(buf)]
        cr = (stops > starts) & (buf[np.maximum(stops - 1, 0)] == ord("\r"))
        nonblank = stops - starts - cr > 0
        fields_of = np.bincount(np.searchsorted(ends, np.flatnonzero(buf == ord(","))),
                                minlength=len(starts)) + 1
        bad = nonblank & (fields_of != fields_of[0])
        bad[0] = False
        if bad.any():
            line = int(np.flatnonzero(bad)[0])
            raise InputError(f"{int(fields_of[line])} fields where the header has "
                             f"{int(fields_of[0])} "
                             f"(line {line + 1})", source=str(p), field="(row)",
                             allowed="one value per column in every row; is the "
                             "file truncated or damaged?")
        return
    try:
        with p.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh)
            width = len(next(reader, []))
            for row in reader:
                if row and len(row) != width:
                    raise InputError(f"{len(row)} fields where the header has {width} "
                                     f"(line {reader.line_num})", source=str(p), field="(row)",
                                     allowed="one value per column in every row; is the "
                                     "file truncated or damaged?")
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", source=str(p), field="(row)",
                         allowed="comma-separated values with a header row") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(p)) from None


def _check_unique(df: pd.DataFrame, p: Path, keys: list[str]) -> None:
    """Refuse duplicated key rows (a file pasted twice would double-count)."""
    if not keys or not set(keys) <= set(df.columns):
        return
    dup = df.duplicated(keys, keep="first").to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        key = ", ".join(f"{k}={df[k].iloc[row]}" for k in keys)
        raise InputError(f"duplicated row {key} (line {row + 2})", source=str(p),
                         field=", ".join(keys), allowed="one row per " + ", ".join(keys))


def _read(path: str | os.PathLike[str], required: list[str], floats: list[str],
          ints: list[str], missing: list[str] | None = None,
          unique: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV with explicit dtypes; any mistake becomes an InputError.

    Rows must have one field per column, numbers must be finite, and the ``unique`` key
    columns may not repeat.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=str(p), allowed="an existing CSV file")
    cols = _header(p)
    for c in required:
        if c not in cols:
            raise InputError(f"missing column {c!r}", source=str(p), field=c,
                             allowed="columns " + ", ".join(required))
    dtypes: dict[str, str] = {c: "float64" for c in floats if c in cols}
    na = {c: missing for c in floats} if missing else None
    try:
        df = pd.read_csv(p, dtype=dtypes, na_values=na, keep_default_na=missing is None
                         or "" in missing, encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError) as exc:
        raise _locate_bad_value(p, [c for c in floats + ints if c in cols], missing,
                                exc) from exc
    df.columns = [c.strip().lower() for c in df.columns]
    if df.empty:
        raise InputError("no rows", source=str(p), allowed="at least one data row")
    _check_rows(p)
    for c in floats:
        if c not in df.columns:
            continue
        values = df[c].to_numpy(dtype=np.float64)
        bad = np.isinf(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(f"not a finite number: {values[row]} (line {row + 2})",
                             source=str(p), field=c,
                             allowed="finite numbers, with -9 or an empty cell for missing")
    for c in ints:
        if c not in df.columns:
            continue
        col = pd.to_numeric(df[c], errors="coerce")
        bad = col.isna() | (col != np.floor(col))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"not an integer: {df[c].iloc[row]!r} (line {row + 2})",
                             source=str(p), field=c, allowed="whole numbers")
        if (col.abs() > _MAX_INT).any():
            row = int(np.flatnonzero((col.abs() > _MAX_INT).to_numpy())[0])
            raise InputError(f"value {df[c].iloc[row]!r} (line {row + 2})", source=str(p),
                             field=c, allowed=f"whole numbers up to {_MAX_INT}")
        df[c] = col.astype(np.int64)
    _check_unique(df, p, unique or [])
    return df


def _locate_bad_value(p: Path, numeric: list[str], missing: list[str] | None,
                      exc: Exception) -> InputError:
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError):
        return InputError(f"malformed CSV ({str(exc).splitlines()[0]})", source=str(p),
                          allowed="comma-separated values with a header row")
    raw.columns = [c.strip().lower() for c in raw.columns]
    for c in numeric:
        vals = raw[c].str.strip()
        ok = vals.isin(missing or []) | pd.to_numeric(vals, errors="coerce").notna()
        if not ok.all():
            row = int(np.flatnonzero(~ok.to_numpy())[0])
            return InputError(f"not a number: {raw[c].iloc[row]!r} (line {row + 2})",
                              source=str(p), field=c,
                              allowed="numbers, with -9 or an empty cell for missing")
    return InputError(f"malformed CSV ({str(exc).splitlines()[0]})", source=str(p),
                      allowed="comma-separated values with a header row")


def load_nmc(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Load an NMC file (v5, v6 or v7 layout) to ``stateabb, ccode, year,
    milex, milper, irst, pec, tpop, upop, cinc`` (NaN where missing).

    ``-9`` and empty cells are missing; ``stateabb`` is empty when the file has
    none, ``cinc`` NaN when it has no published CINC.

    >>> import io, tempfile, os
    >>> d = tempfile.mkdtemp(); f = os.path.join(d, "NMC_5_0.csv")
    >>> _ = open(f, "w").write("ccode,year,milex,milper,irst,pec,tpop,upop,cinc\\n"
    ...                        "2,1816,-9,17,80,254,8659,101,0.04\\n")
    >>> load_nmc(f)[["ccode", "milex", "milper"]].to_dict("records")
    [{'ccode': 2, 'milex': nan, 'milper': 17.0}]
    """
    floats = [*NMC_COMPONENTS, "cinc"]
    df = _read(path, ["ccode", "year", *NMC_COMPONENTS], floats, ["ccode", "year"],
               missing=_MISSING, unique=["ccode", "year"])
    if "cinc" not in df.columns:
        df["cinc"] = np.nan
    if "stateabb" not in df.columns:
        df["stateabb"] = ""
    df["stateabb"] = df["stateabb"].fillna("").astype(str)
    for c in NMC_COMPONENTS:
        neg = df[c] < 0
        if neg.any():
            row = int(np.flatnonzero(neg.to_numpy())[0])
            raise InputError(f"negative value {df[c].iloc[row]} (line {row + 2})",
                             source=str(path), field=c, allowed=">= 0, or -9 for missing")
    return df[["stateabb", "ccode", "year", *NMC_COMPONENTS, "cinc"]].reset_index(drop=True)


def attach_abbreviations(nmc: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """Fill empty ``stateabb`` cells of an NMC frame from a states (or system) table.

    >>> n = pd.DataFrame({"ccode": [2, 200], "stateabb": ["", ""]})
    >>> s = pd.DataFrame({"ccode": [2, 200], "stateabb": ["USA", "UKG"]})
    >>> attach_abbreviations(n, s)["stateabb"].tolist()
    ['USA', 'UKG']
    """
    out = nmc.copy()
    lookup = states.drop_duplicates("ccode").set_index("ccode")["stateabb"]
    filled = out["ccode"].map(lookup).fillna("").astype(str)
    have = out["stateabb"].fillna("").astype(str)
    out["stateabb"] = have.where(have != "", filled)
    return out


def recompute_cinc(nmc: pd.DataFrame) -> pd.Series:
    """CINC from the six components (Singer, Bremer & Stuckey 1972).

    For each component, a state's share of the year's total over states with a
    value; CINC is the mean of the shares that are not missing (so yearly sums
    need not be 1).

    >>> df = pd.DataFrame({"year": [1, 1], "milex": [1.0, 3.0], "milper": [1.0, None],
    ...                    "irst": [0.0, 0.0], "pec": [1.0, 1.0], "tpop": [1.0, 1.0],
    ...                    "upop": [1.0, 1.0]})
    >>> recompute_cinc(df).round(4).tolist()
    [0.4583, 0.45]
    """
    comp = nmc[list(NMC_COMPONENTS)].to_numpy(dtype=np.float64)
    years = nmc["year"].to_numpy()
    _, inv = np.unique(years, return_inverse=True)
    totals = np.zeros((inv.max() + 1, comp.shape[1]))
    np.add.at(totals, inv, np.nan_to_num(comp))
    tot = totals[inv]
    shares = np.divide(comp, tot, out=np.zeros_like(comp), where=tot > 0)
    shares[np.isnan(comp)] = np.nan
    with np.errstate(invalid="ignore"):
        counts = np.sum(~np.isnan(shares), axis=1)
        cinc = np.where(counts > 0, np.nansum(shares, axis=1) / np.maximum(counts, 1), np.nan)
    return pd.Series(cinc, index=nmc.index, name="cinc_recomputed")


def cinc_difference(nmc: pd.DataFrame) -> pd.DataFrame:
    """Published CINC against the recomputed one: ``ccode, year, cinc,
    cinc_recomputed, difference`` (recomputed minus published).

    >>> df = pd.DataFrame({"ccode": [1, 2], "year": [1, 1], "cinc": [0.5, 0.5],
    ...                    **{c: [1.0, 1.0] for c in NMC_COMPONENTS}})
    >>> float(cinc_difference(df)["difference"].abs().max())
    0.0
    """
    out = nmc[["ccode", "year", "cinc"]].copy()
    out["cinc_recomputed"] = recompute_cinc(nmc)
    out["difference"] = out["cinc_recomputed"] - out["cinc"]
    return out


_SPELL = ["ccode", "styear", "endyear"]


def load_states(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW State System Membership spells: ``stateabb, ccode, statenme, styear,
    endyear`` (and the months and days when present).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "states2016.csv")
    >>> _ = open(f, "w").write("stateabb,ccode,statenme,styear,endyear\\nUSA,2,USA,1816,2016\\n")
    >>> load_states(f)["endyear"].tolist()
    [2016]
    """
    df = _read(path, [*_SPELL, "statenme"], [], ["ccode", "styear", "endyear"],
               unique=["ccode", "styear"])
    if "stateabb" not in df.columns:
        df["stateabb"] = ""
    return df


def load_majors(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW major powers spells: ``stateabb, ccode, styear, endyear, ...``.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "majors2016.csv")
    >>> _ = open(f, "w").write("stateabb,ccode,styear,endyear\\nUKG,200,1816,2016\\n")
    >>> majors_in_year(load_majors(f), 1900)
    [200]
    """
    df = _read(path, _SPELL, [], ["ccode", "styear", "endyear"], unique=["ccode", "styear"])
    if "stateabb" not in df.columns:
        df["stateabb"] = ""
    return df


def majors_in_year(majors: pd.DataFrame, year: int) -> list[int]:
    """Country codes that were major powers at any time in ``year``.

    >>> m = pd.DataFrame({"ccode": [2, 200], "styear": [1898, 1816], "endyear": [2016, 2016]})
    >>> majors_in_year(m, 1850)
    [200]
    """
    sel = (majors["styear"] <= year) & (majors["endyear"] >= year)
    return sorted({int(c) for c in majors.loc[sel, "ccode"]})


def major_power_years(majors: pd.DataFrame) -> pd.DataFrame:
    """Expand major-power spells to ``ccode, year`` rows (one per year).

    >>> m = pd.DataFrame({"ccode": [2], "styear": [1898], "endyear": [1900]})
    >>> major_power_years(m)["year"].tolist()
    [1898, 1899, 1900]
    """
    st = majors["styear"].to_numpy(dtype=np.int64)
    en = majors["endyear"].to_numpy(dtype=np.int64)
    lengths = np.maximum(en - st + 1, 0)
    cc = np.repeat(majors["ccode"].to_numpy(dtype=np.int64), lengths)
    starts = np.repeat(st, lengths)
    offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out = pd.DataFrame({"ccode": cc, "year": starts + offs})
    return out.drop_duplicates().reset_index(drop=True)


def load_system(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW state-years (``system2016.csv``): ``stateabb, ccode, year``.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "system2016.csv")
    >>> _ = open(f, "w").write("stateabb,ccode,year,version\\nUSA,2,1816,2016\\n")
    >>> load_system(f)["ccode"].tolist()
    [2]
    """
    df = _read(path, ["ccode", "year"], [], ["ccode", "year"], unique=["ccode", "year"])
    if "stateabb" not in df.columns:
        df["stateabb"] = ""
    return df


def load_contiguity(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW Direct Contiguity master records (Stinnett et al. 2002).

    Returns ``statelno, statehno, conttype, begin, end, begin_year, end_year``;
    ``conttype`` 1 is land, 2-5 water up to 12/24/150/400 miles; ``begin`` and
    ``end`` are YYYYMM.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "contdir.csv")
    >>> _ = open(f, "w").write("statelno,statehno,conttype,begin,end\\n2,20,1,192001,201612\\n")
    >>> load_contiguity(f)[["begin_year", "end_year"]].values.tolist()
    [[1920, 2016]]
    """
    df = _read(path, ["statelno", "statehno", "conttype", "begin", "end"], [],
               ["statelno", "statehno", "conttype", "begin", "end"],
               unique=["statelno", "statehno", "begin"])
    bad = ~df["conttype"].between(1, 5)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"contiguity type {df['conttype'].iloc[row]} (line {row + 2})",
                         source=str(path), field="conttype", allowed="1, 2, 3, 4, 5")
    df["begin_year"] = df["begin"] // 100
    df["end_year"] = df["end"] // 100
    return df


def load_atop_dyads(path: str | os.PathLike[str]) -> pd.DataFrame:
    """ATOP alliance dyad-years (Leeds et al. 2002): ``ccode1, ccode2, year,
    atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul`` (0/1).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "atop_ddy.csv")
    >>> _ = open(f, "w").write("ccode1,ccode2,year,atop_defense\\n2,20,1942,1\\n")
    >>> load_atop_dyads(f)["atop_defense"].tolist()
    [1]
    """
    kinds = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    df = _read(path, ["ccode1", "ccode2", "year", "atop_defense"], [],
               ["ccode1", "ccode2", "year", *kinds], unique=["ccode1", "ccode2", "year"])
    for c in kinds:
        if c not in df.columns:
            df[c] = 0
        bad = ~df[c].isin([0, 1])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"value {df[c].iloc[row]} (line {row + 2})", source=str(path),
                             field=c, allowed="0 or 1")
    return df[["ccode1", "ccode2", "year", *kinds]]


def _check_codes(df: pd.DataFrame, path: str | os.PathLike[str], column: str,
                 allowed: set[int], text: str) -> None:
    """Refuse a code outside ``allowed`` with the line it is on."""
    bad = ~df[column].isin(sorted(allowed))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"value {df[column].iloc[row]} (line {row + 2})", source=str(path),
                         field=column, allowed=text)


def load_wars(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW Inter-State War v4.0 directed dyad-years (Sarkees & Wayman 2010).

    One row per ``warnum, ccode1, ccode2, year``: ``sidea1`` (1 side A, 2 side
    B), ``initiator1`` (0/1), ``outcome1`` (COW codes; NaN where empty),
    ``batdeath1`` (the participant's battle deaths over the whole war, NaN
    where ``-9``), and the same for ``ccode2``.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "war_ddy.csv")
    >>> _ = open(f, "w").write("warnum,ccode1,ccode2,year,sidea1,sidea2,batdeath1,batdeath2\\n"
    ...                        "1,220,230,1823,1,2,400,-9\\n")
    >>> load_wars(f)[["sidea1", "batdeath1", "batdeath2"]].values.tolist()
    [[1.0, 400.0, nan]]
    """
    floats = ["batdeath1", "batdeath2", "outcome1", "outcome2"]
    df = _read(path, ["warnum", "ccode1", "ccode2", "year", "sidea1", "batdeath1"], floats,
               ["warnum", "ccode1", "ccode2", "year", "sidea1"], missing=_MISSING)
    for c in ("sidea2", "initiator1", "initiator2", "cowinteronset"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    _check_codes(df, path, "sidea1", {1, 2}, "1 (side A) or 2 (side B)")
    for c in ("batdeath1", "batdeath2"):
        if c in df.columns and (df[c] < 0).any():
            row = int(np.flatnonzero((df[c] < 0).to_numpy())[0])
            raise InputError(f"negative battle deaths {df[c].iloc[row]} (line {row + 2})",
                             source=str(path), field=c, allowed=">= 0, or -9 for missing")
    return df


def load_mids(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Militarized interstate disputes, one row per dispute (GML 2.2.1; Gibler, Miller &
    Little 2016): ``dispnum, styear, fatality`` (0 none ... 6 more than 999 deaths, NaN
    where ``-9``) and the other columns of the file.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "mids.csv")
    >>> _ = open(f, "w").write("dispnum,styear,fatality,hostlev\\n2,1902,0,3\\n3,1913,-9,4\\n")
    >>> load_mids(f)["fatality"].tolist()
    [0.0, nan]
    """
    df = _read(path, ["dispnum", "styear", "fatality"], ["fatality"], ["dispnum", "styear"],
               missing=_MISSING)
    ok = df["fatality"].isna() | df["fatality"].isin([0, 1, 2, 3, 4, 5, 6])
    if not ok.all():
        row = int(np.flatnonzero(~ok.to_numpy())[0])
        raise InputError(f"fatality level {df['fatality'].iloc[row]} (line {row + 2})",
                         source=str(path), field="fatality", allowed="0-6, or -9 for missing")
    return df


def _years_of_dates(df: pd.DataFrame, path: str | os.PathLike[str], column: str) -> pd.Series:
    """The year of each ISO date (``YYYY-MM-DD``) of ``column``; NA where the cell is empty."""
    raw = df[column].astype("string").str.strip()
    parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    bad = raw.notna() & (raw != "") & parsed.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"not a date: {raw.iloc[row]!r} (line {row + 2})", source=str(path),
                         field=column, allowed="YYYY-MM-DD, or empty")
    return parsed.dt.year.astype("Int64")


def load_capitals(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Capitals of COW states with coordinates (peacesciencer; Miller 2022): ``ccode,
    capital, lat, lng, styear, endyear`` (a state whose capital moved has several rows).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "capitals.csv")
    >>> _ = open(f, "w").write("ccode,capital,stdate,enddate,lat,lng\\n"
    ...                        "2,Washington,1816-01-01,2024-12-31,38.9,-77.0\\n")
    >>> load_capitals(f)[["styear", "endyear"]].values.tolist()
    [[1816, 2024]]
    """
    df = _read(path, ["ccode", "capital", "stdate", "enddate", "lat", "lng"], ["lat", "lng"],
               ["ccode"])
    for c, limit in (("lat", 90.0), ("lng", 180.0)):
        bad = ~df[c].between(-limit, limit)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"coordinate {df[c].iloc[row]} (line {row + 2})",
                             source=str(path), field=c, allowed=f"-{limit:g} to {limit:g}")
    df["styear"] = _years_of_dates(df, path, "stdate")
    df["endyear"] = _years_of_dates(df, path, "enddate")
    return df


def load_maoz_powers(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Maoz (2010) regional and global powers: ``ccode, regstyear, regendyear, globstyear,
    globendyear`` (NA where the state has no such spell on that row).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "maoz.csv")
    >>> _ = open(f, "w").write("ccode,regstdate,regenddate,globstdate,globenddate\\n"
    ...                        "140,1970-01-01,2019-12-31,,\\n")
    >>> load_maoz_powers(f).iloc[0][["regstyear", "globstyear"]].tolist()
    [1970, <NA>]
    """
    cols = ["regstdate", "regenddate", "globstdate", "globenddate"]
    df = _read(path, ["ccode", *cols], [], ["ccode"])
    for c in cols:
        df[c.replace("date", "year")] = _years_of_dates(df, path, c)
    return df[["ccode", *[c.replace("date", "year") for c in cols]]]
