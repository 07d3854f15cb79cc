"""Seat allocation rules against textbook examples and against their definitions."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.arenas.parliament.seats import dhondt, fptp, largest_remainder, sainte_lague
from powerbalance.errors import InputError

#: Wikipedia, "D'Hondt method" and "Sainte-Laguë method" (the same four-party example).
FOUR = np.array([[100_000, 80_000, 30_000, 20_000]])
#: Wikipedia, "Largest remainder method" (Hare quota example, 10 seats).
SIX = np.array([[47_000, 16_000, 15_800, 12_000, 6_100, 3_100]])


def test_textbook_examples() -> None:
    assert dhondt(FOUR, 8).tolist() == [[4, 3, 1, 0]]
    assert sainte_lague(FOUR, 8).tolist() == [[3, 3, 1, 1]]
    assert largest_remainder(SIX, 10).tolist() == [[5, 2, 1, 1, 1, 0]]
    assert dhondt(SIX, 10).tolist() == [[5, 2, 2, 1, 0, 0]]
    assert sainte_lague(SIX, 10).tolist() == [[4, 2, 2, 1, 1, 0]]


def _highest_quotients(votes: np.ndarray, seats: int, step: float) -> np.ndarray:
    """The definition: the seats go to the ``seats`` largest quotients v / (step k + 1)."""
    out = []
    for row in votes:
        q = sorted(((x / (step * k + 1), -i, i) for i, x in enumerate(row) for k in range(seats)),
                   reverse=True)
        counts = np.zeros(len(row), dtype=int)
        for _, _, i in q[:seats]:
            counts[i] += 1
        out.append(counts)
    return np.array(out)


@pytest.mark.parametrize("seats", [1, 3, 10, 41, 100])
@pytest.mark.parametrize("parties", [2, 5, 9])
def test_divisor_methods_are_the_highest_quotients(seats: int, parties: int) -> None:
    rng = np.random.default_rng(seats * 31 + parties)
    votes = rng.dirichlet(np.full(parties, rng.uniform(0.2, 3.0)), size=40)
    assert (dhondt(votes, seats) == _highest_quotients(votes, seats, 1.0)).all()
    assert (sainte_lague(votes, seats) == _highest_quotients(votes, seats, 2.0)).all()


def test_every_rule_hands_out_every_seat_and_respects_quota_where_it_must() -> None:
    rng = np.random.default_rng(0)
    votes = rng.dirichlet(np.ones(7), size=200)
    for rule in (dhondt, sainte_lague, largest_remainder):
        assert (rule(votes, 57).sum(axis=1) == 57).all()
    quota = votes / votes.sum(axis=1, keepdims=True) * 57
    lr = largest_remainder(votes, 57)  # Hamilton always stays within quota
    assert (lr >= np.floor(quota)).all() and (lr <= np.ceil(quota)).all()
    assert (dhondt(votes, 57) >= np.floor(quota)).all()  # Jefferson keeps the lower quota


def test_first_past_the_post_gives_each_district_to_its_plurality() -> None:
    votes = np.array([[40.0, 35.0, 25.0]])
    assert fptp(votes, np.ones((1, 7, 3))).tolist() == [[7, 0, 0]]
    factors = np.ones((1, 3, 3))
    factors[0, 1] = [1.0, 1.2, 1.0]   # 35 x 1.2 = 42 beats 40
    factors[0, 2] = [0.5, 1.0, 1.5]   # 25 x 1.5 = 37.5 beats 35 and 20
    assert fptp(votes, factors).tolist() == [[1, 1, 1]]


@pytest.mark.parametrize("votes,seats,field", [
    (np.array([[1.0, -1.0]]), 3, "votes"),
    (np.array([[0.0, 0.0]]), 3, "votes"),
    (np.array([[1.0, np.nan]]), 3, "votes"),
    (np.array([1.0, 2.0]), 3, "votes"),
    (np.array([[1.0, 2.0]]), 0, "seats"),
])
def test_bad_votes_or_seats_are_input_errors(votes: np.ndarray, seats: int, field: str) -> None:
    with pytest.raises(InputError, match=field):
        dhondt(votes, seats)
