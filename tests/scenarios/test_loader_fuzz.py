"""Fuzz tests of the scenario loader: every bad file is one InputError, never a crash.

Bad values are planted into a valid scenario (one or several at a time), written as
TOML text and loaded with :func:`powerbalance.scenarios.load_file`; random edits of a
built-in scenario's text must load or fail with an InputError. The audit of issue 10
found tracebacks for ``wealth = inf``, NaN link costs, strategy weights of NaN or inf,
names with markup or control characters and oversized inputs; those cases are here.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerbalance.errors import InputError
from powerbalance.scenarios import builtin_path, load_file

BASE: dict[str, Any] = {
    "name": "fuzz",
    "description": "a line of four provinces",
    "years": 20,
    "sources": ["stated"],
    "map": {
        "topology": "graph",
        "provinces": [{"id": f"p{i}", "value": 1.0, "x": float(i), "y": 0.0}
                      for i in range(4)],
        "land": [["p0", "p1"], ["p1", "p2", 2.0], ["p2", "p3"]],
        "sea": [["p0", "p3", 1.0]],
    },
    "params": {"sea_cost": 2.0},
    "actors": [
        {"name": "A", "provinces": ["p0", "p1"], "capital": "p0", "wealth": 2.0,
         "military": 1.0, "strategy": "status-quo"},
        {"name": "B", "provinces": ["p2", "p3"], "capital": "p3",
         "strategy": {"status-quo": 0.5, "external-balancer": 0.5}},
    ],
    "alliances": [["A", "B", 0.5]],
}

NON_FINITE = [math.nan, math.inf, -math.inf]
NOT_NUMBERS = ["x", True, [1.0], {"a": 1}]
BAD_TEXT = ["", " ", "a\x00b", "Q\x1b[2Jin", "line\nbreak", "tab\there", "x" * 201, "\u2028", 5, []]

# (path into BASE, bad values): every one of these must be refused.
BAD: list[tuple[tuple[Any, ...], list[Any]]] = [
    (("years",), [0, -1, 100_001, 10**7, 1.5, *NON_FINITE, *NOT_NUMBERS]),
    (("name",), [*BAD_TEXT]),
    (("description",), ["a\x00b", "\x1b[31m", "x" * 20_001, 3]),
    (("sources",), ["notalist", [1], ["\x07"], ["x"] * 1001]),
    (("map", "topology"), ["bogus", 1]),
    (("map", "provinces", 0, "id"), [*BAD_TEXT]),
    (("map", "provinces", 1, "value"), [-1.0, 1e10, *NON_FINITE, *NOT_NUMBERS]),
    (("map", "provinces", 1, "x"), [1e10, *NON_FINITE, *NOT_NUMBERS]),
    (("map", "land", 0), [["p0"], ["p0", "p0"], ["p0", "zz"], [1, 2], [["p0"], "p1"],
                          ["p0", "p1", 0.0], ["p0", "p1", -1.0], ["p0", "p1", 1e7],
                          *[["p0", "p1", v] for v in [*NON_FINITE, *NOT_NUMBERS]]]),
    (("map", "sea", 0, 2), [0.0, -2.0, 1e7, *NON_FINITE, "x"]),
    (("params",), ["x", {"sea_cost": -1.0}, {"growth_rate": 0.6}, {"bogus": 1},
                   {"gradient": "x"}, *[{"sea_cost": v} for v in NON_FINITE],
                   {"sea_cost": 10**400}]),
    (("actors", 0, "name"), [*BAD_TEXT, "B"]),
    (("actors", 0, "wealth"), [-1.0, 1e16, 1e308, *NON_FINITE, *NOT_NUMBERS]),
    (("actors", 0, "military"), [-1.0, 1e308, *NON_FINITE, *NOT_NUMBERS]),
    (("actors", 0, "resolve"), [-0.1, 1.5, *NON_FINITE, "x"]),
    (("actors", 0, "cohesion"), [-0.1, 1.5, *NON_FINITE]),
    (("actors", 0, "nuclear"), [-1, 3, 1.5, "x"]),
    (("actors", 0, "capital"), ["zz", "p3", 1, ["p0"]]),
    (("actors", 0, "provinces"), ["p0", [1], ["zz"], ["p0", "p2"], [["p0"]]]),
    (("actors", 0, "region"), [*BAD_TEXT]),
    (("actors", 0, "strategy"), ["bogus", 5, {}, {"status-quo": 2.0}, {"status-quo": -1.0},
                                 {"status-quo": 0.5}, {"bogus": 1.0},
                                 *[{"status-quo": v} for v in NON_FINITE]]),
    (("actors", 1, "major"), ["yes", 1]),
    (("actors",), [[], "x", [1], [{"name": "C"}]]),
    (("alliances",), ["x", [["A", "A"]], [["A", "Z"]], [["A", "B", 2.0]], [[1, 2]],
                      [[["A"], "B"]], [["A", "B", 0.0]],
                      *[[["A", "B", v]] for v in NON_FINITE]]),
]
CASES = [(path, value) for path, values in BAD for value in values]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}"
                               for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(data: dict[str, Any]) -> str:
    """TOML text of a scenario dict (top-level keys as ``key = value``, inline tables)."""
    return "\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in data.items()) + "\n"


def _plant(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _assert_refused(tmp_path: Path, data: dict[str, Any]) -> InputError:
    path = tmp_path / "s.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_file(path)
    err = info.value
    line = str(err)
    assert "\n" not in line and "\r" not in line and len(line) < 3000
    assert err.source and str(path) in err.source
    return err


def test_the_base_scenario_is_valid(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(to_toml(BASE), encoding="utf-8")
    scen = load_file(path)
    assert scen.names == ("A", "B") and scen.province_map.n == 4


@pytest.mark.parametrize("path,value", CASES, ids=[f"{'.'.join(map(str, p))}={v!r:.30}"
                                                    for p, v in CASES])
def test_every_planted_bad_value_is_refused_naming_the_field(tmp_path, path, value):
    err = _assert_refused(tmp_path, _plant(BASE, path, value))
    if path[0] not in ("params",) and err.field not in ("(file)",):
        # the field named is the planted one (or its table, for a wrong type or length)
        top = str(path[0])
        assert err.field is not None and top.split(".")[0] in err.field


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CASES), min_size=1, max_size=4))
def test_any_combination_of_bad_values_is_one_input_error(tmp_path, planted):
    data = BASE
    for path, value in planted:
        try:
            data = _plant(data, path, value)
        except (TypeError, KeyError, IndexError):
            continue  # an earlier plant replaced the container: the later one is moot
    _assert_refused(tmp_path, data)


_TEXT = builtin_path("warring-states").read_text(encoding="utf-8")
_EDIT = st.tuples(st.integers(0, len(_TEXT)), st.integers(0, 40),
                  st.sampled_from(["", "nan", "inf", "-", "[", "]", "\"", "=", "1e999",
                                   "\x00", "\x1b", "[/]", "\n", "99999999999999999999", "{",
                                   "-1", "0", "[[actors]]", "\ud7ff", "é"]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(_EDIT, min_size=1, max_size=5))
def test_random_edits_of_a_scenario_file_load_or_give_one_input_error(tmp_path, edits):
    text = _TEXT
    for pos, length, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + length:]
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_file(path)
    except InputError as exc:
        assert "\n" not in str(exc)


def test_oversized_and_undecodable_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# padding\n" * (2 * 2**20))
    with pytest.raises(InputError, match="MiB"):
        load_file(big)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"name = \"\xff\xfe\"\n")
    with pytest.raises(InputError, match="TOML"):
        load_file(binary)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(InputError):
        load_file(deep)


def test_a_map_too_large_for_memory_is_refused_before_it_is_built(tmp_path):
    data = _plant(BASE, ("map",), {"topology": "hex", "rows": 1000, "cols": 1000})
    data = _plant(data, ("actors",), [{"name": "A", "capital": "h0_0"}])
    err = _assert_refused(tmp_path, data)
    assert "memory" in err.message and err.field == "map.rows"


def test_markup_in_names_is_kept_as_text(tmp_path):
    data = _plant(BASE, ("actors", 0, "name"), "[bold]Qin[/]")
    data = _plant(data, ("alliances",), [["[bold]Qin[/]", "B"]])
    path = tmp_path / "s.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    assert load_file(path).names[0] == "[bold]Qin[/]"
