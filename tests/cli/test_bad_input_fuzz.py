"""Bad input over the whole CLI: exit 2, one line on standard error, no traceback, and
nothing written.

The cases of the issue-10 audit are kept here as explicit cases (tracebacks for
``wealth = inf``, ``random:seed=-1``, NaN/inf mix weights, ``--out .`` and ``''``,
names with control characters, oversized inputs; hangs for ``--years 10000000``,
power-index weights of 1e308 and ``--samples 10**12``; NaN link costs, ``wealth = 1e308``
and truncated or duplicated NMC files accepted silently; memory blow-ups for 10^7 worlds
and ``random:actors=5000,provinces=100``), and Hypothesis draws further values for every
option and parameter. Each command is called in-process with the working folder in
``tmp_path``, whose contents are compared before and after.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerbalance.cli import main
from powerbalance.params import Params

NMC_HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version"
NMC_ROWS = ["USA,2,1816,3823,17,80,254,8659,101,0.039,2021",
            "UKG,200,1816,16942,255,325,7026,19520,1113,0.336,2021",
            "FRN,220,1816,12000,200,100,3000,30000,900,0.2,2021"]


def _scenario(name: str = '"A"', wealth: str = "2.0", cost: str = "1.0",
              extra: str = "") -> str:
    params = ""
    if extra.startswith("[params]"):
        params, extra = extra, ""
    return (f'name = "fuzz"\n{extra}\n[map]\ntopology = "graph"\n'
            f'land = [["a", "b", {cost}], ["b", "c"]]\n'
            '[[map.provinces]]\nid = "a"\n[[map.provinces]]\nid = "b"\n'
            '[[map.provinces]]\nid = "c"\n'
            f'{params}\n'
            f'[[actors]]\nname = {name}\nprovinces = ["a"]\ncapital = "a"\nwealth = {wealth}\n'
            '[[actors]]\nname = "B"\nprovinces = ["b", "c"]\ncapital = "c"\n')


# Files the cases refer to as {name}; written into tmp_path/inputs before each case.
FILES: dict[str, str] = {
    "wealth_inf.toml": _scenario(wealth="inf"),
    "wealth_nan.toml": _scenario(wealth="nan"),
    "wealth_huge.toml": _scenario(wealth="1e308"),
    "cost_nan.toml": _scenario(cost="nan"),
    "cost_inf.toml": _scenario(cost="inf"),
    "name_ctrl.toml": _scenario(name='"Q\\u001b[2Jin"'),
    "name_newline.toml": _scenario(name='"Q\\nin"'),
    "years_huge.toml": _scenario(extra="years = 10000000"),
    "mix_nan.toml": _scenario().replace('capital = "c"\n',
                                        'capital = "c"\nstrategy = {status-quo = nan}\n'),
    "mix_inf.toml": _scenario().replace('capital = "c"\n',
                                        'capital = "c"\nstrategy = {status-quo = inf}\n'),
    "params_nan.toml": _scenario(extra="[params]\nsea_cost = nan"),
    "big_map.toml": 'name = "big"\n[map]\ntopology = "hex"\nrows = 1000\ncols = 1000\n'
                    '[[actors]]\nname = "A"\ncapital = "h0_0"\n',
    "not_toml.toml": "name = [unclosed\n",
    "nmc_ok/NMC-60.csv": "\n".join([NMC_HEADER, *NMC_ROWS]) + "\n",
    "nmc_truncated/NMC-60.csv": "\n".join([NMC_HEADER, *NMC_ROWS])[:-12] + "\n",
    "nmc_duplicated/NMC-60.csv": "\n".join([NMC_HEADER, *NMC_ROWS, NMC_ROWS[1]]) + "\n",
    "nmc_inf/NMC-60.csv": "\n".join([NMC_HEADER, NMC_ROWS[0].replace("3823", "inf"),
                                     *NMC_ROWS[1:]]) + "\n",
    "sweep_escape.toml": 'name = "../x"\nscenario = "warring-states"\nyears = 5\n'
                         '[parameters]\nattack_odds = [0.5, 0.6]\n',
    "sweep_steps.toml": 'name = "s"\nscenario = "warring-states"\nyears = 5\n'
                        '[parameters]\nattack_odds = { range = [0.4, 0.8], '
                        'steps = 1000000000000 }\n',
    "sweep_points.toml": 'name = "s"\nscenario = "warring-states"\nyears = 5\n'
                         '[design]\nkind = "lhs"\npoints = 1000000000000\n'
                         '[parameters]\nattack_odds = { range = [0.4, 0.8] }\n',
    "sweep_nan.toml": 'name = "s"\nscenario = "warring-states"\nyears = 5\n'
                      '[parameters]\nattack_odds = [nan, 0.5]\n',
}

RUN = ["run", "warring-states", "--years", "2"]
TOURNAMENT = ["tournament", "warring-states", "--strategies", "status-quo,hegemon-seeker"]
CASES: list[list[str]] = [
    # loops and sizes the user controls
    ["run", "warring-states", "--years", "10000000"],
    ["run", "warring-states", "--worlds", "10000000"],
    ["run", "warring-states", "--worlds", str(10**12)],
    ["run", "random:actors=5000,provinces=100"],
    ["run", "random:actors=4000,provinces=100"],
    ["run", "random:actors=100", "--worlds", "1000000", "--years", "1"],
    ["power-index", "1e308", "1e308", "1e308", "--quota", "1e308"],
    ["power-index", "1", "2", "3", "--quota", "4", "--samples", str(10**12)],
    ["power-index", *["1"] * 200, "--quota", "101", "--samples", "10000000"],
    ["power-index", "1e999999999", "1", "--quota", "1"],
    ["power-index", "1e-300", "1", "--quota", "1"],
    ["power-index", *["0.1234567"] * 60, "--quota", "1", "--index", "ss"],
    ["sweep", "{sweep_steps.toml}"],
    ["sweep", "{sweep_points.toml}"],
    ["preset", "cederman-polarity", "--turns", str(10**9)],
    [*TOURNAMENT, "--evolve", str(10**9)],
    # out of range, not finite, not a number
    [*RUN, "--years", "0"], [*RUN, "--years", "-5"], [*RUN, "--worlds", "0"],
    [*RUN, "--seed", "-1"], [*RUN, "--seed", str(2**70)], [*RUN, "--batch-size", "0"],
    [*RUN, "--batch-size", str(10**9)],
    ["run", "random:seed=-1"], ["run", "random:seed=abc"], ["run", "random:actors=1"],
    ["run", "random:actors=nan"], ["run", "random:inequality=nan"],
    ["run", "random:inequality=inf"], ["run", "random:provinces=0"], ["run", "random:bogus=1"],
    ["run", "random:mix=status-quo:nan"], ["run", "random:mix=status-quo:inf"],
    ["run", "random:mix=status-quo:-1"], ["run", "random:mix=status-quo:0"],
    ["run", "random:mix=bogus:1"], ["run", "random:mix=status-quo:1e400"],
    ["run", "random:" + "actors=3," * 5000],
    [*RUN, "--set", "sea_cost=nan"], [*RUN, "--set", "sea_cost=inf"],
    [*RUN, "--set", "sea_cost=-inf"], [*RUN, "--set", "sea_cost=1e400"],
    [*RUN, "--set", "sea_cost=" + "9" * 5000], [*RUN, "--set", "growth_rate=0.6"],
    [*RUN, "--set", "gradient=bogus"], [*RUN, "--set", "teleport=1"], [*RUN, "--set", "=1"],
    [*RUN, "--set", "novalue"], [*RUN, "--set", "a\nb=1"], [*RUN, "--set", "[/]=1"],
    [*RUN, "--set", "seeker_wedges=maybe"],
    # output paths that name no folder of their own
    [*RUN, "--out", "."], [*RUN, "--out", ""], [*RUN, "--out", ".."], [*RUN, "--out", "./"],
    [*RUN, "--plot", "x.jpg"],
    # scenario files
    ["run", "{wealth_inf.toml}"], ["run", "{wealth_nan.toml}"], ["run", "{wealth_huge.toml}"],
    ["run", "{cost_nan.toml}"], ["run", "{cost_inf.toml}"], ["run", "{name_ctrl.toml}"],
    ["run", "{name_newline.toml}"], ["run", "{years_huge.toml}"], ["run", "{mix_nan.toml}"],
    ["run", "{mix_inf.toml}"], ["run", "{params_nan.toml}"], ["run", "{big_map.toml}"],
    ["run", "{not_toml.toml}"], ["run", "no-such-scenario"], ["run", "missing.toml"],
    ["run", "[/]"], ["run", "\x1b[2J"],
    # experiments, presets, tournaments, sweeps
    ["experiment", "no-such"], ["experiment", "balance-of-power", "--worlds", "1"],
    ["experiment", "balance-of-power", "--confidence", "nan"],
    ["experiment", "balance-of-power", "--confidence", "1.5"],
    ["experiment", "balance-of-power", "--years", "10000000"],
    ["experiment", "balance-of-power", "--out", "."],
    ["preset", "cederman-polarity", "--worlds", "0"], ["preset", "cederman-polarity",
                                                       "--turns", "0"],
    ["preset", "cederman-polarity", "--out", "."], ["preset", "no-such"],
    [*TOURNAMENT, "--worlds", "0"],
    [*TOURNAMENT, "--years", "10000000"],
    [*TOURNAMENT, "--population", "0"],
    [*TOURNAMENT, "--out", "."],
    ["sweep", "{sweep_escape.toml}"], ["sweep", "{sweep_nan.toml}"],
    ["sweep", "{not_toml.toml}"], ["sweep", "examples-missing.toml"],
    ["sweep", "{sweep_nan.toml}", "--workers", "0"],
    ["sweep", "{sweep_nan.toml}", "--connect-timeout", "nan"],
    # analysis commands
    ["power-index", "nan", "1", "--quota", "1"], ["power-index", "inf", "1", "--quota", "1"],
    ["power-index", "1/0", "1", "--quota", "1"], ["power-index", "-1", "2", "--quota", "1"],
    ["power-index", "1", "2", "--quota", "5"], ["power-index", "1", "2", "--quota", "0"],
    ["power-index", "1", "2", "--quota", "2", "--seed", "-1"],
    ["power-index", "1", "2", "--quota", "2", "--names", "a"],
    ["power-index", "1", "2", "--quota", "2", "--names", "a,b\x07"],
    ["power-index", "1", "2", "--quota", "2", "--index", "bogus"],
    ["power-index", "1", "2", "--quota", "2", "--format", "xml"],
    ["power-index", "x" * 1000, "--quota", "1"],
    ["parties", "nan", "3"], ["parties", "-1", "3"], ["parties", "0", "0"],
    ["parties", "1e999", "3"], ["parties", "2", "3", "--edition", "1900"],
    ["history", "--data", "{nmc_truncated}"], ["history", "--data", "{nmc_duplicated}"],
    ["history", "--data", "{nmc_inf}"], ["history", "--data", "nowhere"],
    ["history", "--data", "{nmc_ok}", "--persistence", "0"],
    ["history", "--data", "{nmc_ok}", "--from", "1900", "--to", "1800"],
    ["analyze", "nowhere"], ["analyze", "{nmc_ok}", "--hegemony", "nan"],
    ["show", "nowhere"], ["show", "{nmc_ok}"],
    # usage errors of the parser: one line too
    ["run"], ["run", "warring-states", "--years", "abc"], ["bogus-command"], ["tournament",
                                                                              "warring-states"],
    ["run", "warring-states", "--no-such-option"],
]


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st_ = p.lstat()
            out[str(p.relative_to(root))] = (st_.st_size, st_.st_mtime_ns)
    return out


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    for name, text in FILES.items():
        path = inputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _expand(argv: list[str], root: Path) -> list[str]:
    out = []
    for a in argv:
        if a.startswith("{") and a.endswith("}"):
            a = str(root / "inputs" / a[1:-1])
        out.append(a)
    return out


def assert_refused(argv: list[str], root: Path, capsys) -> str:
    """exit 2, one line on stderr naming what is wrong, no traceback, nothing written."""
    before = _tree(root)
    capsys.readouterr()
    rc = main(argv)
    captured = capsys.readouterr()
    err = captured.err
    assert rc == 2, (argv, rc, err[-2000:])
    assert "Traceback" not in err + captured.out
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert _tree(root) == before, "something was written"
    return lines[0]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c)[:60] for c in CASES])
def test_audit_case_is_refused(workdir, capsys, argv):
    assert_refused(_expand(argv, workdir), workdir, capsys)


def test_memory_refusal_names_the_estimate_and_the_limit(workdir, capsys):
    line = assert_refused(["run", "warring-states", "--worlds", "10000000"], workdir, capsys)
    assert "needs about" in line and "TiB" in line and "of the memory available" in line
    line = assert_refused(["run", "random:actors=4000,provinces=100"], workdir, capsys)
    assert "400000 provinces" in line and "memory" in line


def test_the_template_scenario_is_valid(workdir, capsys):
    path = workdir / "inputs" / "good.toml"
    path.write_text(_scenario(), encoding="utf-8")
    assert main(["run", str(path), "--years", "2"]) == 0
    path.write_text(_scenario(extra="[params]\nsea_cost = 2.0"), encoding="utf-8")
    assert main(["run", str(path), "--years", "2"]) == 0


def test_markup_in_names_is_printed_as_text(workdir, capsys):
    path = workdir / "inputs" / "markup.toml"
    path.write_text(_scenario(name='"[bold]Qin[/] [/]"'), encoding="utf-8")
    assert main(["run", str(path), "--years", "3"]) == 0
    out = capsys.readouterr().out
    assert "[bold]Qin[/] [/]" in out
    assert main(["power-index", "2", "1", "--quota", "2", "--names", "[red]x,[/]"]) == 0
    out = capsys.readouterr().out
    assert "[red]x" in out and "[/]" in out
    line = assert_refused(["run", "random:mix=[bold]x[/]:1"], workdir, capsys)
    assert "[bold]x[/]" in line


# ---------------------------------------------------------------- Hypothesis-drawn cases

_FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


def _bad_numbers(lo: float | None, hi: float | None) -> st.SearchStrategy[str]:
    """Text of numbers outside [lo, hi], non-finite numbers and non-numbers."""
    bad = [st.sampled_from(["nan", "inf", "-inf", "NaN", "1e400", "-1e400", "", "x", "1,5",
                            "0x10", "[/]", "1e999999999"])]
    if lo is not None:
        bad.append(st.floats(max_value=float(lo), exclude_max=True, allow_nan=False,
                             allow_infinity=False).filter(lambda v: v < lo).map(repr))
    if hi is not None:
        bad.append(st.floats(min_value=float(hi), exclude_min=True, allow_nan=False,
                             allow_infinity=False).filter(lambda v: v > hi).map(repr))
    return st.one_of(*bad)


_NUMERIC = [f for f in Params.fields()
            if not isinstance(f.default, bool | str) and f.metadata["lo"] is not None]


@_FUZZ
@given(data=st.data())
def test_any_out_of_range_parameter_override_is_refused(workdir, capsys, data):
    f = data.draw(st.sampled_from(_NUMERIC))
    value = data.draw(_bad_numbers(f.metadata["lo"], f.metadata["hi"]))
    line = assert_refused([*RUN, "--set", f"{f.name}={value}"], workdir, capsys)
    assert f.name in line


_RANDOM_RANGES = {"actors": (2, 4000), "provinces": (1, 100), "inequality": (0, 5),
                  "seed": (0, 2**63 - 1)}


@_FUZZ
@given(data=st.data())
def test_any_bad_generator_option_is_refused(workdir, capsys, data):
    key = data.draw(st.sampled_from(sorted(_RANDOM_RANGES)))
    lo, hi = _RANDOM_RANGES[key]
    value = data.draw(_bad_numbers(lo, hi) | st.integers(max_value=lo - 1).map(str)
                      | st.integers(min_value=hi + 1).map(str))
    if key != "inequality":  # integer options also refuse fractions
        value = data.draw(st.sampled_from([value, "2.5", "1e3"]))
    assert_refused(["run", f"random:{key}={value}", "--years", "1"], workdir, capsys)


@_FUZZ
@given(weight=_bad_numbers(0, 1e9).filter(lambda w: w != ""))  # an empty weight means 1
def test_any_bad_mix_weight_is_refused(workdir, capsys, weight):
    assert_refused(["run", f"random:mix=status-quo:1+hegemon-seeker:{weight}", "--years",
                    "1"], workdir, capsys)


_INT_OPTIONS = [
    (RUN, "--years", 1, 100_000), (RUN, "--worlds", 1, 10**9), (RUN, "--seed", 0, 2**64 - 1),
    (RUN, "--batch-size", 1, 10**6),
    (TOURNAMENT, "--evolve", 0, 10**6),
    (TOURNAMENT, "--population", 1, 10**6),
    (["preset", "cederman-polarity"], "--turns", 1, 10**6),
    (["experiment", "balance-of-power"], "--worlds", 2, 10**9),
    (["power-index", "1", "1", "--quota", "1"], "--samples", 0, 10**8),
]


@_FUZZ
@given(data=st.data())
def test_any_out_of_range_integer_option_is_refused(workdir, capsys, data):
    base, option, lo, hi = data.draw(st.sampled_from(_INT_OPTIONS))
    value = data.draw(st.integers(max_value=lo - 1) | st.integers(min_value=hi + 1))
    assume_typer_int = -(2**63) <= value < 2**63 or option in ("--seed", "--worlds")
    if not assume_typer_int:
        value = hi + 1
    line = assert_refused([*base, option, str(value)], workdir, capsys)
    assert option.lstrip("-") in line


@_FUZZ
@given(weights=st.lists(_bad_numbers(0, None), min_size=1, max_size=4),
       good=st.lists(st.integers(1, 9).map(str), min_size=1, max_size=4))
def test_any_bad_power_index_weight_is_refused(workdir, capsys, weights, good):
    assert_refused(["power-index", *good, *weights, "--quota", "1"], workdir, capsys)


@_FUZZ
@given(exponent=st.integers(8, 308), players=st.integers(2, 30))
def test_huge_exact_power_index_games_are_refused_up_front(workdir, capsys, exponent, players):
    w = f"1e{exponent}"
    line = assert_refused(["power-index", *[w] * players, "--quota", w], workdir, capsys)
    assert "samples" in line  # the way out: a Monte Carlo estimate


@_FUZZ
@given(st.text(min_size=1, max_size=30).filter(
    lambda s: any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in s)))
def test_names_with_control_characters_are_refused(workdir, capsys, name):
    path = workdir / "inputs" / "ctrl.toml"
    escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in name)
    path.write_text(_scenario(name=f'"{escaped}"'), encoding="utf-8")
    try:
        assert_refused(["run", str(path), "--years", "1"], workdir, capsys)
    finally:
        path.unlink()

