"""Scenario files: TOML data (never code), validated field by field.

A scenario file has top-level keys ``name``, ``description``, ``years``,
``sources``, ``stylisation``, a ``[map]`` table, an optional ``[params]``
table (overrides of :class:`~powerbalance.params.Params`) and an array of
``[[actors]]``. The full format is in ``docs/scenarios.md``. Every mistake is
reported as an :class:`~powerbalance.errors.InputError` naming the file, the
field and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from powerbalance.errors import InputError
from powerbalance.model import geography
from powerbalance.model.geography import ProvinceMap
from powerbalance.model.state import check_memory, setting_bytes
from powerbalance.params import Params
from powerbalance.scenarios.model import ActorSpec, Scenario
from powerbalance.strategies import registry

_TOP_KEYS = {"name", "description", "years", "sources", "stylisation", "map", "params",
             "actors", "alliances"}
_MAP_KEYS = {"topology", "provinces", "land", "sea", "rows", "cols", "size", "degree", "seed",
             "regions"}
_PROVINCE_KEYS = {"id", "name", "value", "x", "y", "region", "lon", "lat"}
_ACTOR_KEYS = {"name", "provinces", "capital", "wealth", "military", "nuclear", "resolve",
               "cohesion", "strategy", "region", "major", "reserve", "compliance",
               "concert", "mobility", "mobilisation"}
#: Allowed range of an actor's ``mobility`` (a tenth to ten times the default reach).
MOBILITY_RANGE = (0.1, 10.0)
#: Allowed range of an actor's ``mobilisation`` (military per unit of spending, relative to 1).
MOBILISATION_RANGE = (0.1, 20.0)

#: Largest scenario file read (a 1,000 x 1,000 graph map is far smaller).
MAX_FILE_BYTES = 16 * 2**20
#: Longest name, id or region (characters); descriptions and stylisation notes may be longer.
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
MAX_SOURCES = 1000
#: Most actors in a scenario (also for the ``random`` generator): the perception phase
#: draws N x N random numbers per world and year, and the counter-based streams hold 2**24
#: elements per draw (see :mod:`powerbalance.rng`), so N <= 4096.
MAX_ACTORS = 4000
#: Largest start wealth or military of an actor: a GDP in dollars fits; the model is
#: scale-free (only ratios matter), and stocks are renormalised well below the float
#: limits as they grow (see :func:`powerbalance.model.economy.renormalise`).
MAX_STOCK = 1e15
#: Largest cost of a land or sea link (in land steps), as for ``sea_cost``.
MAX_LINK_COST = 1e6


def check_text(value: str, *, source: str, field: str, multiline: bool = False,
               limit: int = MAX_NAME_LENGTH) -> str:
    """Refuse text with control characters (a newline or tab only where ``multiline``) or
    longer than ``limit``; return it unchanged. Markup such as ``[bold]`` is allowed: the
    CLI prints user text literally.

    >>> check_text("Qin [bold]", source="s.toml", field="name")
    'Qin [bold]'
    >>> check_text("Q\x1b[2Jin", source="s.toml", field="name")
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: s.toml: name: control character '\\x1b' at position 1 \
(allowed: printable text of at most 200 characters)
    """
    allowed = f"printable text of at most {limit} characters"
    if len(value) > limit:
        raise InputError(f"{len(value)} characters", source=source, field=field,
                         allowed=allowed)
    for k, ch in enumerate(value):
        if multiline and ch in "\n\t\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            raise InputError(f"control character {ch!r} at position {k}", source=source,
                             field=field, allowed=allowed)
    return value


def _num(x: float) -> str:
    """A bound as written in an error: ``1e+15``, ``0.5``, ``100000``."""
    return str(x) if isinstance(x, int) else f"{x:g}"


class _Checker:
    """Typed access to a TOML table, raising InputError with the field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, message: str, allowed: str | None = None) -> InputError:
        return InputError(message, source=self.source, field=field, allowed=allowed)

    def keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                field = f"{where}.{key}" if where else key
                raise self.fail(field, "unknown key", ", ".join(sorted(allowed)))

    def string(self, table: dict[str, Any], key: str, where: str, default: str | None = None,
               choices: tuple[str, ...] | None = None, multiline: bool = False) -> str:
        field = f"{where}.{key}" if where else key
        if key not in table:
            if default is None:
                raise self.fail(field, "missing", "a string")
            return default
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {type(value).__name__}", "a string")
        if choices and value not in choices:
            raise self.fail(field, f"invalid value {value!r}", " | ".join(choices))
        if not multiline and not value.strip():  # a name, id or region
            raise self.fail(field, "empty", "a non-empty string")
        return check_text(value, source=self.source, field=field, multiline=multiline,
                          limit=MAX_TEXT_LENGTH if multiline else MAX_NAME_LENGTH)

    def number(self, table: dict[str, Any], key: str, where: str, default: float | None,
               lo: float | None = None, hi: float | None = None,
               integer: bool = False) -> float | None:
        field = f"{where}.{key}" if where else key
        allowed = f"{'an integer' if integer else 'a number'}" + (
            f" from {_num(lo)} to {_num(hi)}" if lo is not None and hi is not None
            else f" >= {_num(lo)}" if lo is not None else "")
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                integer and not isinstance(value, int)):
            raise self.fail(field, f"expected {allowed.split(' from')[0].split(' >=')[0]}, "
                            f"got {type(value).__name__}", allowed)
        if not math.isfinite(value) or (lo is not None and value < lo) or (
                hi is not None and value > hi):
            raise self.fail(field, f"value {value} out of range", allowed)
        return value


def load_file(path: str | Path) -> Scenario:
    """Load and validate a scenario TOML file.

    >>> from powerbalance.scenarios import builtin_path
    >>> load_file(builtin_path("warring-states")).name
    'warring-states'
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("no such scenario file", source=source, field="path",
                         allowed="an existing .toml file or a built-in scenario name")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{size} bytes", source=source, field="(file)",
                         allowed=f"a scenario file of at most {MAX_FILE_BYTES // 2**20} MiB")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError(f"not valid TOML: {exc}", source=source, field="(file)",
                         allowed="TOML 1.0") from None
    from powerbalance.scenarios.variants import resolve

    return parse(resolve(data, path), source)


def parse(data: dict[str, Any], source: str) -> Scenario:
    """Validate a scenario given as a parsed TOML dict."""
    c = _Checker(source)
    c.keys(data, _TOP_KEYS, "")
    name = c.string(data, "name", "")
    description = c.string(data, "description", "", default="", multiline=True)
    years = int(c.number(data, "years", "", 300, 1, 100_000, integer=True) or 300)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise c.fail("sources", "expected a list of strings", "a list of strings")
    if len(sources) > MAX_SOURCES:
        raise c.fail("sources", f"{len(sources)} sources", f"at most {MAX_SOURCES}")
    for k, text in enumerate(sources):
        check_text(text, source=source, field=f"sources[{k}]", multiline=True,
                   limit=MAX_TEXT_LENGTH)
    stylisation = c.string(data, "stylisation", "", default="", multiline=True)
    if not isinstance(data.get("map"), dict):
        raise c.fail("map", "missing table [map]", "a [map] table")
    pmap = _parse_map(c, data["map"])
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise c.fail("params", "expected a table", "a [params] table")
    Params().with_overrides(params, source=f"{source}: params")
    actors_raw = data.get("actors")
    if not isinstance(actors_raw, list) or not actors_raw:
        raise c.fail("actors", "at least one [[actors]] entry is needed", "[[actors]] tables")
    if len(actors_raw) > MAX_ACTORS:
        raise c.fail("actors", f"{len(actors_raw)} actors", f"at most {MAX_ACTORS}")
    actors = _parse_actors(c, actors_raw, pmap)
    alliances, offence = _parse_alliances(c, data.get("alliances", []),
                                          [a.name for a in actors])
    return Scenario(name=name, description=description, province_map=pmap,
                    actors=tuple(actors), params=dict(params), years=years,
                    alliances=alliances, offence=offence,
                    sources=tuple(sources), stylisation=stylisation, origin=source,
                    province_names=_province_names(c, data["map"], pmap))


def _province_names(c: _Checker, m: dict[str, Any], pmap: ProvinceMap) -> tuple[str, ...]:
    """The ``name`` of each province of a graph map (its id where it has none); empty when
    no province has one (generated maps, or a file that names none)."""
    provinces = m.get("provinces", []) if pmap.topology == "graph" else []
    if not any("name" in prov for prov in provinces):
        return ()
    return tuple(c.string(prov, "name", f"map.provinces[{k}]", default=pmap.names[k])
                 for k, prov in enumerate(provinces))


def _parse_map(c: _Checker, m: dict[str, Any]) -> ProvinceMap:
    c.keys(m, _MAP_KEYS, "map")
    topology = c.string(m, "topology", "map", default="graph", choices=geography.TOPOLOGIES)
    if topology == "graph":
        return _parse_graph(c, m)
    for key in ("provinces", "land", "sea"):
        if key in m:
            raise c.fail(f"map.{key}", f"only for topology 'graph', not {topology!r}",
                         "rows/cols (hex, square), size/degree/seed (random-regular), size (none)")
    if topology in ("hex", "square"):
        rows = int(c.number(m, "rows", "map", None, 1, 1000, integer=True) or 0)
        cols = int(c.number(m, "cols", "map", None, 1, 1000, integer=True) or 0)
        if not rows or not cols:
            raise c.fail("map.rows", "rows and cols are required", "integers from 1 to 1000")
        _check_map_memory(c, rows * cols, "map.rows")
        return geography.hex_grid(rows, cols) if topology == "hex" else geography.square_grid(
            rows, cols)
    size = int(c.number(m, "size", "map", None, 1, 100_000, integer=True) or 0)
    if not size:
        raise c.fail("map.size", "missing", "an integer from 1 to 100000")
    _check_map_memory(c, size, "map.size")
    if topology == "none":
        return geography.no_geography(size)
    degree = int(c.number(m, "degree", "map", 4, 1, size - 1, integer=True) or 4)
    seed = int(c.number(m, "seed", "map", 0, 0, 2**63 - 1, integer=True) or 0)
    if size * degree % 2:
        raise c.fail("map.degree", "size x degree must be even", "an even product")
    return geography.random_regular(size, degree, seed)


def _check_map_memory(c: _Checker, provinces: int, field: str) -> None:
    """Refuse a map whose (P, P) distance matrix would not fit in memory, before building it."""
    check_memory(setting_bytes(provinces), f"a map of {provinces} provinces", source=c.source,
                 field=field, hint="a smaller map")


def _parse_graph(c: _Checker, m: dict[str, Any]) -> ProvinceMap:
    provinces = m.get("provinces")
    if not isinstance(provinces, list) or not provinces:
        raise c.fail("map.provinces", "a graph needs [[map.provinces]]", "a list of tables")
    _check_map_memory(c, len(provinces), "map.provinces")
    ids: list[str] = []
    value, coords, lonlat = [], [], []
    for k, prov in enumerate(provinces):
        where = f"map.provinces[{k}]"
        if not isinstance(prov, dict):
            raise c.fail(where, "expected a table", "{id = ..., value = ...}")
        c.keys(prov, _PROVINCE_KEYS, where)
        pid = c.string(prov, "id", where)
        if pid in ids:
            raise c.fail(f"{where}.id", f"duplicate province id {pid!r}", "unique ids")
        ids.append(pid)
        value.append(c.number(prov, "value", where, 1.0, 0, 1e9))
        coords.append((c.number(prov, "x", where, float(k), -1e9, 1e9),
                       c.number(prov, "y", where, 0.0, -1e9, 1e9)))
        # Optional real geography (degrees), for drawing on a coastline map only.
        lonlat.append((c.number(prov, "lon", where, float("nan"), -180, 180),
                       c.number(prov, "lat", where, float("nan"), -90, 90)))
    index = {pid: k for k, pid in enumerate(ids)}
    land, land_cost = _parse_links(c, m.get("land", []), "map.land", index, default_cost=1.0)
    sea, _ = _parse_links(c, m.get("sea", []), "map.sea", index, default_cost=0.0)
    return ProvinceMap(
        names=tuple(ids), value=np.array(value, dtype=float),
        land=np.array(land, dtype=np.int64).reshape(-1, 2),
        land_cost=np.array(land_cost, dtype=float),
        sea=np.array(sea, dtype=np.int64).reshape(-1, 2),
        coords=np.array(coords, dtype=float), topology="graph",
        lonlat=np.array(lonlat, dtype=float),
    )


def _parse_links(c: _Checker, raw: Any, where: str, index: dict[str, int],
                 default_cost: float) -> tuple[list[tuple[int, int]], list[float]]:
    if not isinstance(raw, list):
        raise c.fail(where, "expected a list of [a, b] or [a, b, cost]", "a list")
    links, costs = [], []
    allowed = (f"[\"id\", \"id\"] or [\"id\", \"id\", cost] with known province ids and "
               f"0 < cost <= {MAX_LINK_COST:g}")
    for k, link in enumerate(raw):
        field = f"{where}[{k}]"
        if not isinstance(link, list) or len(link) not in (2, 3):
            raise c.fail(field, "malformed link", allowed)
        a, b = link[0], link[1]
        if not isinstance(a, str) or not isinstance(b, str):
            raise c.fail(field, "province ids must be strings", allowed)
        if a not in index or b not in index:
            bad = a if a not in index else b
            raise c.fail(field, f"unknown province {bad!r}", allowed)
        if a == b:
            raise c.fail(field, "a province cannot border itself", allowed)
        cost = link[2] if len(link) == 3 else default_cost
        if len(link) == 3 and (isinstance(cost, bool) or not isinstance(cost, int | float)
                               or not 0 < cost <= MAX_LINK_COST):  # NaN and inf fail too
            raise c.fail(field, f"bad cost {cost!r}", allowed)
        links.append((index[a], index[b]))
        costs.append(float(cost))
    return links, costs


def _parse_actors(c: _Checker, raw: list[Any], pmap: ProvinceMap) -> list[ActorSpec]:
    index = {pid: k for k, pid in enumerate(pmap.names)}
    owned_by: dict[int, str] = {}
    parsed: list[dict[str, Any]] = []
    names: set[str] = set()
    for k, actor in enumerate(raw):
        where = f"actors[{k}]"
        if not isinstance(actor, dict):
            raise c.fail(where, "expected a table", "[[actors]] tables")
        c.keys(actor, _ACTOR_KEYS, where)
        name = c.string(actor, "name", where)
        if name in names:
            raise c.fail(f"{where}.name", f"duplicate actor name {name!r}", "unique names")
        names.add(name)
        strategy, profile = _parse_strategy(c, actor.get("strategy", "status-quo"),
                                            f"{where}.strategy")
        reserve = actor.get("reserve", False)
        if not isinstance(reserve, bool):
            raise c.fail(f"{where}.reserve", "expected a boolean", "true | false")
        if reserve:
            for key in ("provinces", "capital", "wealth", "military"):
                if key in actor:
                    raise c.fail(f"{where}.{key}", "a reserve slot starts without territory",
                                 "name, strategy, region, resolve, nuclear, cohesion, "
                                 "mobility, mobilisation")
            parsed.append({
                "name": name, "provinces": [], "capital": -1, "wealth": 0.0, "military": 0.0,
                "nuclear": int(c.number(actor, "nuclear", where, 0, 0, 2, integer=True) or 0),
                "resolve": c.number(actor, "resolve", where, 0.5, 0, 1),
                "cohesion": c.number(actor, "cohesion", where, 1.0, 0, 1),
                "mobility": c.number(actor, "mobility", where, 1.0, *MOBILITY_RANGE),
                "mobilisation": c.number(actor, "mobilisation", where, 1.0,
                                         *MOBILISATION_RANGE),
                "strategy": strategy, "profile": profile,
                "region": c.string(actor, "region", where, default="world"),
                "major": False, "reserve": True,
            })
            continue
        capital_id = c.string(actor, "capital", where)
        if capital_id not in index:
            raise c.fail(f"{where}.capital", f"unknown province {capital_id!r}",
                         "a province id of the map")
        provs = actor.get("provinces")
        prov_idx: list[int] | None = None
        if provs is not None:
            if not isinstance(provs, list) or not all(isinstance(p, str) for p in provs):
                raise c.fail(f"{where}.provinces", "expected a list of province ids",
                             "a list of strings")
            prov_idx = []
            for pid in provs:
                if pid not in index:
                    raise c.fail(f"{where}.provinces", f"unknown province {pid!r}",
                                 "province ids of the map")
                q = index[pid]
                if q in owned_by:
                    raise c.fail(f"{where}.provinces",
                                 f"province {pid!r} is already owned by {owned_by[q]!r}",
                                 "each province owned at most once")
                owned_by[q] = name
                prov_idx.append(q)
            if index[capital_id] not in prov_idx:
                raise c.fail(f"{where}.capital", f"capital {capital_id!r} is not among its "
                             "provinces", "one of the actor's provinces")
        region = c.string(actor, "region", where, default="world")
        major = actor.get("major", False)
        if not isinstance(major, bool):
            raise c.fail(f"{where}.major", "expected a boolean", "true | false")
        concert = actor.get("concert", False)
        if not isinstance(concert, bool):
            raise c.fail(f"{where}.concert", "expected a boolean", "true | false")
        parsed.append({
            "name": name, "provinces": prov_idx, "capital": index[capital_id],
            "wealth": c.number(actor, "wealth", where, None, 0, MAX_STOCK),
            "military": c.number(actor, "military", where, None, 0, MAX_STOCK),
            "nuclear": int(c.number(actor, "nuclear", where, 0, 0, 2, integer=True) or 0),
            "resolve": c.number(actor, "resolve", where, 0.5, 0, 1),
            "cohesion": c.number(actor, "cohesion", where, 1.0, 0, 1),
            "mobility": c.number(actor, "mobility", where, 1.0, *MOBILITY_RANGE),
            "mobilisation": c.number(actor, "mobilisation", where, 1.0, *MOBILISATION_RANGE),
            "strategy": strategy, "profile": profile, "region": region, "major": major,
            "compliance": c.number(actor, "compliance", where, None, 0, 1),
            "concert": concert,
        })
    _assign_missing_provinces(c, parsed, pmap, owned_by)
    if all(a.get("reserve") for a in parsed):
        raise c.fail("actors", "every actor is a reserve slot", "at least one actor with land")
    return [ActorSpec(provinces=tuple(sorted(a.pop("provinces"))), **a) for a in parsed]


def _parse_strategy(c: _Checker, raw: Any,
                    field: str) -> tuple[str, tuple[tuple[str, float], ...]]:
    """A strategy name, or a mixed profile ``{name = probability, ...}``.

    Returns the label (the most probable name) and the normalised profile
    (empty for a pure strategy).
    """
    allowed = ", ".join(registry.names())
    if isinstance(raw, str):
        if raw not in registry.names():
            raise c.fail(field, f"unknown strategy {raw!r}", allowed)
        return raw, ()
    if not isinstance(raw, dict) or not raw:
        raise c.fail(field, "expected a strategy name or a table {name = probability}",
                     allowed)
    items = []
    for name, weight in raw.items():
        if name not in registry.names():
            raise c.fail(f"{field}.{name}", f"unknown strategy {name!r}", allowed)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not (
                0 <= weight <= 1):  # NaN and inf fail too
            raise c.fail(f"{field}.{name}", f"bad probability {weight!r}", "a number from 0 to 1")
        items.append((name, float(weight)))
    total = sum(w for _, w in items)
    if total <= 0:
        raise c.fail(field, "probabilities sum to zero", "probabilities summing to 1")
    if abs(total - 1.0) > 1e-6:
        raise c.fail(field, f"probabilities sum to {total:g}", "probabilities summing to 1")
    label = max(items, key=lambda item: item[1])[0]
    return label, tuple((name, w / total) for name, w in items)


def _assign_missing_provinces(c: _Checker, parsed: list[dict[str, Any]], pmap: ProvinceMap,
                              owned_by: dict[int, str]) -> None:
    """Actors without a province list get the free provinces nearest their capital."""
    missing = [a for a in parsed if a["provinces"] is None and not a.get("reserve")]
    if not missing:
        return
    for a in missing:
        if a["capital"] in owned_by:
            raise c.fail(f"actors[{parsed.index(a)}].capital",
                         f"capital is owned by {owned_by[a['capital']]!r}", "a free province")
        a["provinces"] = [a["capital"]]
        owned_by[a["capital"]] = a["name"]
    dist = pmap.distances(Params().sea_cost)
    caps = np.array([a["capital"] for a in missing])
    free = [q for q in range(pmap.n) if q not in owned_by]
    if free:
        nearest = np.argmin(dist[np.ix_(caps, np.array(free))], axis=0)
        for q, k in zip(free, nearest.tolist(), strict=True):
            missing[k]["provinces"].append(q)


def _parse_alliances(c: _Checker, raw: Any, names: list[str]
                     ) -> tuple[tuple[tuple[int, int, float], ...],
                                tuple[tuple[int, int, float], ...]]:
    """``alliances = [["A", "B"], ["A", "C", 0.5], {allies = ["A", "D"], offence = 1.0}]``:
    pacts in force at the start, and the offensive obligations of those that carry one.

    A table entry names the two ``allies`` and may give ``commitment`` (default 1) and
    ``offence``: the share of its forces each owes when the other attacks (ATOP's OFFENSE
    variable, Leeds et al. 2002; default 0, a defensive pact)."""
    allowed = ('["actor", "actor"], ["actor", "actor", commitment in (0, 1]] or '
               '{allies = ["actor", "actor"], commitment = (0, 1], offence = [0, 1]}')
    if not isinstance(raw, list):
        raise c.fail("alliances", "expected a list", allowed)
    out, offence = [], []
    for k, item in enumerate(raw):
        field = f"alliances[{k}]"
        share: Any = 0.0
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"allies", "commitment", "offence"})
            if unknown or "allies" not in item:
                raise c.fail(field, f"unknown or missing keys {unknown or ['allies']}",
                             allowed)
            share = item.get("offence", 0.0)
            if isinstance(share, bool) or not isinstance(share, int | float) or not (
                    0 <= share <= 1):
                raise c.fail(f"{field}.offence", f"bad offence {share!r}", "a number in [0, 1]")
            pair = item["allies"]
            if not isinstance(pair, list) or len(pair) != 2:
                raise c.fail(f"{field}.allies", "expected two actors", allowed)
            item = [*pair, item["commitment"]] if "commitment" in item else pair
        if not isinstance(item, list) or len(item) not in (2, 3):
            raise c.fail(field, "malformed alliance", allowed)
        a, b = item[0], item[1]
        for x in (a, b):
            if not isinstance(x, str) or x not in names:
                raise c.fail(field, f"unknown actor {x!r}", ", ".join(names))
        if a == b:
            raise c.fail(field, "an actor cannot ally with itself", allowed)
        commitment = item[2] if len(item) == 3 else 1.0
        if isinstance(commitment, bool) or not isinstance(commitment, int | float) or not (
                0 < commitment <= 1):
            raise c.fail(field, f"bad commitment {commitment!r}", allowed)
        out.append((names.index(a), names.index(b), float(commitment)))
        if share > 0:
            offence.append((names.index(a), names.index(b), float(share)))
    return tuple(out), tuple(offence)
