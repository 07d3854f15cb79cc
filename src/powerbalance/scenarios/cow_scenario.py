"""``cow:YEAR``: a scenario generated from the user's Correlates of War data.

Each state of the system in that year (NMC rows) becomes an actor holding one
province. Capability components become the actor's stocks: the economic and
demographic components (iron and steel, energy, total and urban population)
its wealth, the military ones (expenditure, personnel) its military. With
the CINC rule (the mean over a state's non-missing component shares), each
state's recomputed CINC splits exactly into an economic part and a military
part, and the scenario sets ``wealth_weight`` to the economic parts' total
share, so that the model's capability shares at year 0 *equal* the
recomputed CINC shares of that year: the polarity and concentration of the
simulation's year 0 are those of the data.

The map comes from COW Direct Contiguity (Stinnett et al. 2002) in force that
year: ``conttype`` 1 (land) is a land link of cost 1, 2 and 3 (water up to 12
and 24 miles) land links of cost 2 and 3, and 4 and 5 (up to 150 and 400
miles) sea links. Major powers (``majors2016``) are
flagged ``major``. Regions follow the COW code ranges (Americas 2-165, Europe
200-399, Africa 400-626, Middle East 630-698, Asia and Oceania 700-999).

Real-world starting point (issue 12): when the folder holds them, the map is
drawn at the states' capitals of that year (COW capitals with coordinates,
via peacesciencer; longitude, latitude), the ATOP defence pacts in force that
year (``atop_defense`` = 1; Leeds et al. 2002) are the initial alliances at
full commitment, and states with nuclear weapons that year (:data:`NUCLEAR_TESTS`,
from the year of their first test) have ``nuclear = 2``.

Sea distances (``sea=distance``, the default when the capitals file is there): a sea link
costs ``sea_cost`` (the stopping power of water; Mearsheimer 2001, ch. 4) plus the
great-circle distance between the two capitals in land steps, one land step being
:data:`LAND_STEP_KM` (the median distance between the capitals of land-contiguous states).
Distance thus discounts power across the sea as the loss-of-strength gradient does over
land (Boulding 1962; Bueno de Mesquita 1981 discounts capabilities by distance). A link
of the typical land step costs ``1 + sea_cost``, the engine's uniform rule, which
``sea=uniform`` (and a folder without capitals) keeps for the contiguity sea links (the
majors' global links below always use the distance).

Global reach (``reach=majors``): each major power also gets a sea link, costed as above,
to every state it has no direct link with, so that great powers can project power beyond
contiguity (a great power is one that acts beyond its region: Levy 1983; COW's major
powers, Small & Singer 1982); the gradient over the real distance, not a cut-off, decides
how much arrives. The default, ``reach=contiguity``, keeps the map the data state (COW
direct contiguity only): global links are a modelling assumption a user opts into.

Growth from data (``growth=data``; default ``growth=spread``, the engine's draw around
``growth_rate`` with ``growth_spread``): each state's own mean growth rate is
``growth_rate`` plus the log-linear trend (least squares of the log of its economic CINC
part on the year) over the :data:`GROWTH_TREND_YEARS` years up to the start year, clipped to
:data:`GROWTH_TREND_CLIP`. The economic part is a share of the system, so its trend is the
state's growth relative to the system's mean, which ``growth_rate`` then stands for
(Organski & Kugler 1980, differential growth). A state with fewer than
:data:`GROWTH_TREND_MIN_YEARS` positive years keeps the draw. The trend is the state's
growth deviation at the start: with ``growth_persistence`` below 1 it fades like every
actor's deviation (an AR(1); Easterly et al. 1993), with ``growth_persistence = 1`` it is
kept for the whole run.

Options: ``cow:1914`` or ``cow:1914,data=DIR,majors=external-balancer,others=status-quo``,
``alliances=atop|none``, ``nuclear=tests|none``, ``sea=distance|uniform``,
``reach=contiguity|majors``, ``growth=spread|data``; the data folder defaults to
``$POWERBALANCE_DATA``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.analysis.cow import (
    DATA_ENV,
    NMC_COMPONENTS,
    data_dir,
    detect_files,
    load_atop_dyads,
    load_capitals,
    load_contiguity,
    load_majors,
    load_nmc,
    load_states,
    majors_in_year,
)
from powerbalance.analysis.distribution import POLARITY_NAMES, concentration, polarity
from powerbalance.errors import InputError
from powerbalance.model.geography import ProvinceMap
from powerbalance.scenarios.model import ActorSpec, Scenario

_ECON = ("irst", "pec", "tpop", "upop")
_MIL = ("milex", "milper")
_REGIONS = ((2, 165, "americas", -90.0, 15.0), (200, 399, "europe", 15.0, 50.0),
            (400, 626, "africa", 20.0, 0.0), (630, 698, "middle-east", 45.0, 30.0),
            (700, 999, "asia", 110.0, 25.0))
_DEFAULTS = {"data": "", "majors": "external-balancer", "others": "status-quo",
             "alliances": "atop", "nuclear": "tests", "sea": "distance",
             "reach": "contiguity", "growth": "spread"}
_CHOICES = {"alliances": ("atop", "none"), "nuclear": ("tests", "none"),
            "sea": ("distance", "uniform"), "reach": ("contiguity", "majors"),
            "growth": ("spread", "data")}

#: Mean Earth radius in km (IUGG), for great-circle distances.
EARTH_RADIUS_KM = 6371.0088
#: Kilometres per land step on a ``cow:`` map: the median great-circle distance between the
#: capitals of land-contiguous states (COW direct contiguity type 1, Stinnett et al. 2002;
#: capitals from the peacesciencer file), 698 km over 474 dyads, rounded. A sea link of this
#: length costs ``1 + sea_cost`` as in the engine's uniform rule.
LAND_STEP_KM = 700.0
#: Years of NMC data (up to and including the start year) whose trend gives ``growth=data``.
GROWTH_TREND_YEARS = 10
#: Fewest years with a positive economic part for a trend to be fitted.
GROWTH_TREND_MIN_YEARS = 5
#: Range the fitted trend is clipped to (yearly, relative to ``growth_rate``): three points
#: a year, about the largest sustained growth differential of a catching-up economy (Japan
#: 1950-1973 grew about 8% a year against a world mean of about 5%; Maddison 2001). Ten-year
#: NMC trends also hold wars and recoveries, which are no steady rate.
GROWTH_TREND_CLIP = (-0.03, 0.03)

#: Year of each state's first nuclear test (COW code: year), the start of its nuclear
#: status here: USA 1945 (Trinity), USSR 1949, UK 1952, France 1960, China 1964, India
#: 1974, Pakistan 1998, North Korea 2006 (Norris & Kristensen, "Nuclear Notebook",
#: *Bulletin of the Atomic Scientists*; CTBTO). Israel has never declared or tested a
#: weapon and is left out. The model has one deterrent level (``nuclear = 2``, a secure
#: second strike); giving it from the first test overstates the early years of each
#: arsenal.
NUCLEAR_TESTS: dict[int, int] = {2: 1945, 365: 1949, 200: 1952, 220: 1960, 710: 1964,
                                 750: 1974, 770: 1998, 731: 2006}


def region_of(ccode: int) -> tuple[str, float, float]:
    """COW region name and a drawing centre (longitude, latitude) of a country code.

    >>> region_of(200)[0], region_of(710)[0]
    ('europe', 'asia')
    """
    for lo, hi, name, x, y in _REGIONS:
        if lo <= ccode <= hi:
            return name, x, y
    return "other", 0.0, 0.0


def great_circle_km(lonlat_a: np.ndarray, lonlat_b: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between (longitude, latitude) points in degrees (haversine).

    >>> round(float(great_circle_km(np.array([0.0, 0.0]), np.array([90.0, 0.0]))))
    10008
    """
    lon1, lat1 = np.radians(lonlat_a[..., 0]), np.radians(lonlat_a[..., 1])
    lon2, lat2 = np.radians(lonlat_b[..., 0]), np.radians(lonlat_b[..., 1])
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


@dataclass(frozen=True)
class SeaDistanceMap(ProvinceMap):
    """A :class:`ProvinceMap` whose sea links each have their own length.

    A sea link costs ``sea_steps[k] + sea_cost`` land steps instead of the uniform
    ``1 + sea_cost``; the shortest paths are the engine's (the sea links are handed to
    :meth:`ProvinceMap.distances` as links of that cost).
    """

    sea_steps: npt.NDArray[np.float64] | None = None
    """(S,) length of each sea link in land steps (None = 1 each, the uniform rule)."""

    def sea_link_costs(self, sea_cost: float) -> npt.NDArray[np.float64]:
        """(S,) cost in land steps of each sea link: its length plus ``sea_cost``."""
        steps = np.ones(len(self.sea)) if self.sea_steps is None else self.sea_steps
        return np.asarray(steps + sea_cost, dtype=np.float64)

    def distances(self, sea_cost: float) -> npt.NDArray[np.float64]:
        """All-pairs shortest paths; a sea link costs its length plus ``sea_cost``."""
        if self.sea_steps is None or self.topology == "none" or not len(self.sea):
            return super().distances(sea_cost)
        merged = ProvinceMap(
            names=self.names, value=self.value, land=np.concatenate([self.land, self.sea]),
            land_cost=np.concatenate([self.land_cost, self.sea_link_costs(sea_cost)]),
            sea=np.zeros((0, 2), dtype=np.int64), coords=self.coords, topology=self.topology)
        return merged.distances(sea_cost)


def parse_spec(options: str, source: str) -> tuple[int, dict[str, str]]:
    """Year and options of a ``cow:`` spec (``1914,data=DIR``).

    >>> parse_spec("1914,others=status-quo", "cow")[1]["others"]
    'status-quo'
    """
    parts = [p.strip() for p in options.split(",") if p.strip()]
    if not parts or not parts[0].lstrip("-").isdigit():
        raise InputError("a year is needed, e.g. cow:1914", source=source, field="year",
                         allowed="cow:YEAR[,data=DIR][,majors=STRATEGY][,others=STRATEGY]")
    year = int(parts[0])
    opts = dict(_DEFAULTS)
    for item in parts[1:]:
        key, eq, value = item.partition("=")
        if not eq or key not in _DEFAULTS:
            raise InputError(f"bad option {item!r}", source=source, field=key or item,
                             allowed=", ".join(f"{k}=..." for k in _DEFAULTS))
        if key in _CHOICES and value not in _CHOICES[key]:
            raise InputError(f"bad value {value!r}", source=source, field=key,
                             allowed=", ".join(_CHOICES[key]))
        opts[key] = value
    return year, opts


def cow_scenario(options: str = "", source: str = "cow") -> Scenario:
    """The states of a year of the user's COW data, with capabilities, contiguity and majors.

    Options: the year first, then data (folder; default $POWERBALANCE_DATA), majors and
    others (strategies of major powers and of the rest), alliances, nuclear, sea, reach and
    growth (see the module docstring).
    """
    from powerbalance.strategies import registry

    year, opts = parse_spec(options, source)
    for key in ("majors", "others"):
        registry.get(opts[key], source)
    if not opts["data"] and not os.environ.get(DATA_ENV):
        raise InputError("no data folder given", source=source, field="data",
                         allowed=f"cow:YEAR,data=DIR or the {DATA_ENV} environment variable "
                                 "(a folder with the COW CSV files you downloaded)")
    folder = data_dir(opts["data"] or None)
    files = detect_files(folder)
    nmc = load_nmc(files.require("nmc", folder))
    rows = nmc[nmc["year"] == year].sort_values("ccode").reset_index(drop=True)
    if rows.empty:
        lo, hi = int(nmc["year"].min()), int(nmc["year"].max())
        raise InputError(f"no states in {year}", source=source, field="year",
                         allowed=f"a year from {lo} to {hi}")
    econ, mil = _cinc_parts(rows)
    names = _names(rows, files, folder)
    majors = set(majors_in_year(load_majors(files.majors), year)) if files.majors else set()
    ccodes = rows["ccode"].to_numpy(dtype=np.int64)
    pmap = _contiguity_map(ccodes, names, files, year, econ + mil)
    capitals = _capital_coords(ccodes, files, year)
    if opts["reach"] == "majors" and capitals is None:
        raise InputError("reach=majors needs the capitals file (its distances cost the links)",
                         source=source, field="reach",
                         allowed="contiguity, or majors with cow_capitals*.csv in the folder")
    if capitals is not None:
        # real positions (degrees): drawn on the world's coastlines too
        pmap = replace(pmap, coords=capitals[0], lonlat=capitals[0])
        major_index = [k for k, c in enumerate(ccodes.tolist()) if c in majors]
        pmap = _sea_distances(pmap, capitals, opts["sea"] == "distance",
                              major_index if opts["reach"] == "majors" else [])
    trends = (_growth_trends(nmc, ccodes, year) if opts["growth"] == "data"
              else [None] * len(ccodes))
    alliances = _alliances(ccodes, files, year) if opts["alliances"] == "atop" else ()
    scale = 100.0
    actors = []
    for k, cc in enumerate(ccodes.tolist()):
        region, _, _ = region_of(cc)
        major = cc in majors
        actors.append(ActorSpec(
            name=names[k], provinces=(k,), capital=k,
            wealth=float(max(econ[k] * scale, 1e-6)), military=float(max(mil[k] * scale, 1e-6)),
            strategy=opts["majors"] if major else opts["others"], region=region, major=major,
            nuclear=2 if opts["nuclear"] == "tests" and NUCLEAR_TESTS.get(cc, 10**6) <= year
            else 0, growth_trend=trends[k],
        ))
    e_tot, m_tot = float(econ.sum()), float(mil.sum())
    weight = e_tot / (e_tot + m_tot) if e_tot + m_tot > 0 else 0.5
    params: dict[str, Any] = {"wealth_weight": weight}
    return Scenario(
        name=f"cow-{year}",
        description=(f"The state system of {year} from the user's COW data: {len(actors)} states, "
                     f"{len(majors & set(ccodes.tolist()))} major powers, capabilities from NMC, "
                     f"map from direct contiguity (sea={opts['sea']}, reach={opts['reach']}), "
                     f"growth={opts['growth']}."),
        province_map=pmap, actors=tuple(actors), params=params, years=50,
        alliances=alliances,
        sources=("Singer, Bremer & Stuckey (1972); COW National Material Capabilities.",
                 "Stinnett et al. (2002), COW Direct Contiguity v3.",
                 "Correlates of War Project (2017), State System Membership v2016.",
                 "Leeds et al. (2002), ATOP (defence pacts in force that year).",
                 "COW capitals with coordinates (peacesciencer; Miller 2022).",
                 "First nuclear tests: Norris & Kristensen, Nuclear Notebook.",
                 "Sea links by distance: Boulding (1962) loss-of-strength gradient; Bueno de "
                 "Mesquita (1981) distance discount; Mearsheimer (2001) stopping power of water.",
                 "Global reach of great powers: Levy (1983); Small & Singer (1982).",
                 "growth=data: Organski & Kugler (1980), differential growth; Maddison (2001)."),
        stylisation=("One province per state (production = its CINC); wealth = the economic "
                     "and demographic part of its CINC, military = the military part; "
                     "wealth_weight set so that capability shares equal recomputed CINC shares."),
        origin=source,
    )


def _cinc_parts(rows: Any) -> tuple[np.ndarray, np.ndarray]:
    """Economic and military parts of each state's recomputed CINC (they sum to it)."""
    shares = {}
    for c in NMC_COMPONENTS:
        v = rows[c].to_numpy(dtype=float)
        total = np.nansum(v)
        shares[c] = v / total if total > 0 else np.where(np.isnan(v), np.nan, 0.0)
    stack = np.column_stack([shares[c] for c in NMC_COMPONENTS])
    count = np.maximum((~np.isnan(stack)).sum(axis=1), 1)
    econ = np.nansum(np.column_stack([shares[c] for c in _ECON]), axis=1) / count
    mil = np.nansum(np.column_stack([shares[c] for c in _MIL]), axis=1) / count
    return econ, mil


def _names(rows: Any, files: Any, folder: Any) -> list[str]:
    abb = {int(c): str(a) for c, a in zip(rows["ccode"], rows["stateabb"], strict=True) if a}
    if files.states is not None:
        st = load_states(files.states)
        for c, a in zip(st["ccode"], st["stateabb"], strict=True):
            if isinstance(a, str) and a and int(c) not in abb:
                abb[int(c)] = a
    out = []
    for c in rows["ccode"].tolist():
        name = abb.get(int(c), f"C{int(c)}")
        out.append(name if name not in out else f"{name}-{int(c)}")
    return out


def _contiguity_map(ccodes: np.ndarray, names: list[str], files: Any, year: int,
                    cinc: np.ndarray) -> ProvinceMap:
    index = {int(c): k for k, c in enumerate(ccodes.tolist())}
    land: list[tuple[int, int]] = []
    land_cost: list[float] = []
    sea: list[tuple[int, int]] = []
    if files.contdir is not None:
        cont = load_contiguity(files.contdir)
        cont = cont[(cont["begin_year"] <= year) & (cont["end_year"] >= year)]
        seen: set[tuple[int, int]] = set()
        for lo, hi, kind in zip(cont["statelno"], cont["statehno"], cont["conttype"],
                                strict=True):
            a, b = index.get(int(lo)), index.get(int(hi))
            if a is None or b is None or a == b:
                continue
            pair = (min(a, b), max(a, b))
            if pair in seen:
                continue
            seen.add(pair)
            if int(kind) <= 3:
                land.append(pair)
                land_cost.append(float(kind))
            else:
                sea.append(pair)
    coords = np.zeros((len(ccodes), 2))
    counters: dict[str, int] = {}
    for k, c in enumerate(ccodes.tolist()):
        region, x, y = region_of(int(c))
        j = counters.get(region, 0)
        counters[region] = j + 1
        angle = 2.39996 * j  # golden-angle spiral around the region's centre
        radius = 3.0 * np.sqrt(j)
        coords[k] = (x + radius * np.cos(angle), y + radius * np.sin(angle))
    return ProvinceMap(
        names=tuple(names), value=np.maximum(cinc * 100.0, 1e-3),
        land=np.array(land, dtype=np.int64).reshape(-1, 2),
        land_cost=np.array(land_cost, dtype=float),
        sea=np.array(sea, dtype=np.int64).reshape(-1, 2),
        coords=coords, topology="graph",
    )


def _capital_coords(ccodes: np.ndarray, files: Any,
                    year: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(longitude, latitude) of each state's capital in ``year`` and whether it is listed;
    ``None`` without the file.

    A state whose capital is not listed for that year keeps the drawing position of its
    region (the capitals file dates each capital; a moved capital has several rows)."""
    if files.capitals is None:
        return None
    cap = load_capitals(files.capitals)
    cap = cap[(cap["styear"].fillna(-10**6) <= year) & (cap["endyear"].fillna(10**6) >= year)]
    where = {int(c): (float(x), float(y)) for c, x, y in
             zip(cap["ccode"], cap["lng"], cap["lat"], strict=True)}
    coords = np.zeros((len(ccodes), 2))
    known = np.zeros(len(ccodes), dtype=bool)
    for k, c in enumerate(ccodes.tolist()):
        known[k] = int(c) in where
        coords[k] = where.get(int(c), region_of(int(c))[1:])
    return coords, known


def _sea_distances(pmap: ProvinceMap, capitals: tuple[np.ndarray, np.ndarray],
                   by_distance: bool, majors: list[int]) -> ProvinceMap:
    """The map with each sea link's length from the capitals' distance (``by_distance``;
    1 step where a capital is not listed) and, for each of ``majors``, a sea link to every
    state it has no link with."""
    coords, known = capitals
    sea = [tuple(pair) for pair in pmap.sea.tolist()]
    linked = {tuple(pair) for pair in pmap.land.tolist()} | set(sea)
    for m in majors:
        for k in range(pmap.n):
            pair = (min(m, k), max(m, k))
            if k != m and pair not in linked:
                linked.add(pair)
                sea.append(pair)
    links = np.array(sea, dtype=np.int64).reshape(-1, 2)
    steps = np.ones(len(links))
    if by_distance or majors:
        a, b = links[:, 0], links[:, 1]
        km = great_circle_km(coords[a], coords[b]) / LAND_STEP_KM
        # Global links always need a distance; the contiguity links only with sea=distance.
        real = known[a] & known[b]
        if not by_distance:
            real &= np.arange(len(links)) >= len(pmap.sea)
        steps = np.where(real, km, 1.0)
    fields = {f: getattr(pmap, f) for f in ("names", "value", "land", "land_cost", "coords",
                                            "topology", "regions", "lonlat")}
    return SeaDistanceMap(**fields, sea=links, sea_steps=steps)


def _growth_trends(nmc: Any, ccodes: np.ndarray, year: int) -> list[float | None]:
    """Each state's log-linear trend of its economic CINC part over the
    :data:`GROWTH_TREND_YEARS` years up to ``year``, clipped to :data:`GROWTH_TREND_CLIP`
    (``None`` with fewer than :data:`GROWTH_TREND_MIN_YEARS` positive years)."""
    index = {int(c): k for k, c in enumerate(ccodes.tolist())}
    years, parts = [], []
    for y in range(year - GROWTH_TREND_YEARS + 1, year + 1):
        rows = nmc[nmc["year"] == y].sort_values("ccode").reset_index(drop=True)
        if rows.empty:
            continue
        econ, _ = _cinc_parts(rows)
        column = np.full(len(ccodes), np.nan)
        for c, e in zip(rows["ccode"].tolist(), econ.tolist(), strict=True):
            if int(c) in index:
                column[index[int(c)]] = e
        years.append(y)
        parts.append(column)
    out: list[float | None] = [None] * len(ccodes)
    if not parts:
        return out
    t = np.array(years, dtype=float)
    table = np.column_stack(parts)
    for k in range(len(ccodes)):
        ok = np.isfinite(table[k]) & (table[k] > 0)
        if ok.sum() >= GROWTH_TREND_MIN_YEARS:
            slope = np.polyfit(t[ok], np.log(table[k][ok]), 1)[0]
            out[k] = float(np.clip(slope, *GROWTH_TREND_CLIP))
    return out


def _alliances(ccodes: np.ndarray, files: Any, year: int) -> tuple[tuple[int, int, float], ...]:
    """ATOP defence pacts in force in ``year`` between the year's states, at commitment 1."""
    if files.atop is None:
        return ()
    at = load_atop_dyads(files.atop)
    at = at[(at["year"] == year) & (at["atop_defense"] == 1)]
    index = {int(c): k for k, c in enumerate(ccodes.tolist())}
    pairs = set()
    for a, b in zip(at["ccode1"], at["ccode2"], strict=True):
        i, j = index.get(int(a)), index.get(int(b))
        if i is not None and j is not None and i != j:
            pairs.add((min(i, j), max(i, j)))
    return tuple((i, j, 1.0) for i, j in sorted(pairs))


def observed_measures(scenario: Scenario) -> dict[str, Any]:
    """Polarity class and concentration (CON) of the data a ``cow:`` scenario came from.

    Computed from the recomputed CINC of the year (the actors' economic plus
    military parts), with the analysis layer's functions.
    """
    wealth = np.array([a.wealth or 0.0 for a in scenario.actors])
    military = np.array([a.military or 0.0 for a in scenario.actors])
    cinc = wealth + military
    s = cinc / cinc.sum()
    return {"polarity": POLARITY_NAMES[int(polarity(s))], "con": float(concentration(s)),
            "states": len(s)}
