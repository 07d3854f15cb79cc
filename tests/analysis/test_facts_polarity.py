"""The great-power polarity rule and the persistence rule, tested mechanically."""

import numpy as np
import pandas as pd
import pytest

from powerbalance.analysis.distribution import POLARITY_NAMES
from powerbalance.analysis.history import (
    great_power_polarity,
    great_power_shares,
    persistent_labels,
    polarity_history,
    polarity_spells,
)
from powerbalance.errors import InputError


def _names(rows, **kw):
    return [POLARITY_NAMES[c] for c in great_power_polarity(rows, **kw)]


def test_each_class_at_its_boundary():
    # s1 = 2 s2 exactly is one superpower; just below it is not
    assert _names([[0.4, 0.2, 0.2, 0.2]]) == ["unipolar with great powers"]
    assert _names([[0.39, 0.2, 0.2, 0.21]]) == ["multipolar"]
    # s2 = 2 s3 exactly: two poles; just below: several
    assert _names([[0.4, 0.4, 0.2]]) == ["bipolar"]
    assert _names([[0.38, 0.38, 0.24]]) == ["multipolar"]
    # one power with half and nobody else above the great-power share
    assert _names([[0.91, 0.09]]) == ["unipolar"]
    assert _names([[0.5, 0.1, 0.1, 0.1, 0.1, 0.1]]) == ["unipolar with great powers"]


def test_gap_ratio_is_a_parameter():
    assert _names([[0.45, 0.35, 0.2]], gap_ratio=1.5) == ["bipolar"]
    assert _names([[0.45, 0.35, 0.2]], gap_ratio=2.0) == ["multipolar"]
    with pytest.raises(ValueError):
        great_power_polarity([[0.5, 0.5]], gap_ratio=0.5)


def test_two_powers_alone_are_bipolar_and_order_does_not_matter():
    assert _names([[0.5, 0.5]]) == ["bipolar"]
    rng = np.random.default_rng(0)
    s = rng.random((50, 6))
    perm = s[:, rng.permutation(6)]
    assert great_power_polarity(s).tolist() == great_power_polarity(perm).tolist()


def test_persistence_absorbs_short_runs_and_keeps_long_ones():
    raw = [3] * 5 + [2] * 2 + [3] * 4 + [2] * 6 + [1] * 1 + [2] * 3
    out = persistent_labels(raw, 3).tolist()
    assert out == [3] * 11 + [2] * 10
    assert persistent_labels(raw, 1).tolist() == raw
    # no label flips back after fewer than `persistence` years
    runs = np.diff(np.flatnonzero(np.r_[True, np.diff(out) != 0, True]))
    assert runs.min() >= 3
    with pytest.raises(InputError):
        persistent_labels(raw, 0)


def test_persistence_on_random_sequences_never_leaves_a_short_inner_run():
    rng = np.random.default_rng(1)
    for _ in range(50):
        raw = rng.integers(0, 4, 60)
        out = persistent_labels(raw, 4)
        starts = np.flatnonzero(np.r_[True, out[1:] != out[:-1]])
        lengths = np.diff(np.r_[starts, len(out)])
        # every run but the last (which may still be confirming) lasts >= 4 years, or the
        # sequence had no lasting run at all
        long_exists = any(len(list(g)) >= 4 for g in np.split(raw, np.flatnonzero(
            np.diff(raw)) + 1))
        if long_exists:
            assert (lengths[:-1] >= 4).all()


def _system():
    comps = ("milex", "milper", "irst", "pec", "tpop", "upop")
    rows = []
    for year in range(1900, 1906):
        for cc, v, mil in ((2, 4.0, 8.0), (200, 4.0, 1.0), (365, 2.0, 1.0)):
            rows.append({"ccode": cc, "year": year, **{c: v for c in comps}, "milex": mil})
    majors = pd.DataFrame({"ccode": [2, 200, 365], "styear": [1900] * 3,
                           "endyear": [1905] * 3})
    return pd.DataFrame(rows), majors


def test_military_economic_index_is_the_mean_of_milex_and_cinc_shares():
    nmc, majors = _system()
    cinc = great_power_shares(nmc, majors, index="cinc").values[0]
    milex = great_power_shares(nmc, majors, index="milex").values[0]
    mixed = great_power_shares(nmc, majors).values[0]
    assert milex.tolist() == pytest.approx([0.8, 0.1, 0.1])
    assert mixed.tolist() == pytest.approx(((cinc + milex) / 2).tolist())
    with pytest.raises(InputError, match="index"):
        great_power_shares(nmc, majors, index="gdp")


def test_polarity_history_columns_and_spells():
    nmc, majors = _system()
    table = polarity_history(nmc, majors, persistence=1)
    assert list(table.columns[:4]) == ["year", "powers", "first", "second"]
    assert set(table["polarity"]) == {"unipolar with great powers"}
    assert polarity_spells(table) == [(1900, 1905, "unipolar with great powers")]
