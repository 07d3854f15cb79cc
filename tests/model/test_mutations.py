"""The mutation check (``tests/model/mutants.py``): every defining rule, mutated, fails a test."""

import pytest

from tests.model import mutants


def test_every_mutant_applies_to_exactly_one_place(tmp_path):
    for i, m in enumerate(mutants.MUTANTS):
        mutants.apply(m, tmp_path / str(i))


def test_the_mutants_tests_run_the_numpy_reference(monkeypatch):
    # the default engine is the compiled one; a mutant of a NumPy rule the kernels replace
    # survives there (two did, forced onto it: the phoenix factor, the seeker's choice)
    monkeypatch.setenv("POWERBALANCE_ENGINE", "compiled")
    assert mutants.environment("/tmp/x")["POWERBALANCE_ENGINE"] == "numpy"


@pytest.mark.slow
def test_the_tests_kill_every_mutant_of_a_defining_rule():
    assert mutants.baseline_passes()
    survivors = [m.name for m, killed in mutants.check() if not killed]
    assert not survivors, survivors
