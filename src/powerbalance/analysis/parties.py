"""Party systems and markets: effective number of parties, HHI and mergers.

References
----------
- Laakso, M. & Taagepera, R. (1979). "'Effective' number of parties: a measure
  with application to West Europe". *Comparative Political Studies* 12(1): 3-27.
- US Department of Justice & Federal Trade Commission. *Horizontal Merger
  Guidelines* (1992, section 1.51), *Horizontal Merger Guidelines* (2010,
  section 5.3) and *Merger Guidelines* (2023, Guideline 1 / section 2.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError

__all__ = [
    "GUIDELINES",
    "VERDICTS",
    "MergerAssessment",
    "MergerGuidelines",
    "assess_merger",
    "effective_number_of_parties",
    "market_hhi",
    "merger_delta",
]


def _check_counts(values: npt.ArrayLike, source: str, field: str) -> npt.NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError("not a number", source=source, field=field,
                         allowed="non-negative numbers") from exc
    if arr.shape[-1:] == (0,) or arr.size == 0:
        raise InputError("no values", source=source, field=field,
                         allowed="at least one non-negative number")
    bad = np.flatnonzero(~np.isfinite(arr.reshape(-1)) | (arr.reshape(-1) < 0))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"invalid value {arr.reshape(-1)[i]}", source=source,
                         field=f"{field}[{i}]", allowed=">= 0")
    if np.any(arr.sum(axis=-1) <= 0):
        raise InputError("all values are zero", source=source, field=field,
                         allowed="at least one positive value")
    return arr


def effective_number_of_parties(seats_or_votes: npt.ArrayLike, *,
                                source: str = "argument") -> npt.NDArray[np.float64]:
    """Laakso-Taagepera (1979) effective number of parties ``1 / sum p_i^2``.

    Works on seat counts or vote counts (or shares), along the last axis.
    Raises :class:`~powerbalance.errors.InputError` on negative counts.

    >>> float(effective_number_of_parties([50, 30, 20]))
    2.6315789473684212
    """
    arr = _check_counts(seats_or_votes, source, "seats")
    p = arr / arr.sum(axis=-1, keepdims=True)
    return np.asarray(1.0 / np.sum(p * p, axis=-1))


def market_hhi(shares: npt.ArrayLike, *, source: str = "argument") -> npt.NDArray[np.float64]:
    """HHI of a market on the 0-10,000 scale (shares in percent, squared).

    Shares may be given as counts, fractions or percentages; they are
    normalised to 100 %.

    >>> float(market_hhi([40, 30, 20, 10]))
    3000.0
    """
    arr = _check_counts(shares, source, "shares")
    p = 100.0 * arr / arr.sum(axis=-1, keepdims=True)
    return np.asarray(np.sum(p * p, axis=-1))


def merger_delta(shares: npt.ArrayLike, i: int, j: int) -> float:
    """Change in HHI when firms ``i`` and ``j`` merge: ``2 * s_i * s_j`` (percent).

    >>> merger_delta([40, 30, 20, 10], 2, 3)
    400.0
    """
    arr = _check_counts(shares, "argument", "shares")
    p = 100.0 * arr / arr.sum()
    if i == j or not (0 <= i < len(p) and 0 <= j < len(p)):
        raise InputError(f"cannot merge firms {i} and {j}", field="merger",
                         allowed=f"two different firms in 0..{len(p) - 1}")
    return float(2.0 * p[i] * p[j])


@dataclass(frozen=True)
class MergerGuidelines:
    """Concentration thresholds of one edition of the US merger guidelines.

    A market is *highly concentrated* when its HHI is above ``high_above``;
    *moderately concentrated* from ``moderate_from`` up to ``high_above``
    (editions that define the tier) and *unconcentrated* below it; the 2023
    edition names no tier below "highly concentrated". ``presumption`` maps a
    level to the HHI increase above which a merger is presumed to enhance
    market power (2023: to substantially lessen competition); ``concern`` to
    the increase above which it "potentially raises significant competitive
    concerns". ``share_trigger`` is the 2023 share test (merged share above
    30 % with an increase above 100).
    """

    edition: int
    high_above: float
    moderate_from: float | None
    concern: dict[str, float]
    presumption: dict[str, float]
    share_trigger: tuple[float, float] | None = None
    citation: str = ""

    def level(self, hhi_value: float) -> str:
        """The concentration level of a market with this HHI (0-10,000 scale).

        >>> GUIDELINES[2010].level(1500.0), GUIDELINES[1992].level(1800.0)
        ('moderately concentrated', 'moderately concentrated')
        """
        if hhi_value > self.high_above:
            return "highly concentrated"
        if self.moderate_from is None:
            return "not highly concentrated"
        if hhi_value >= self.moderate_from:
            return "moderately concentrated"
        return "unconcentrated"

    def verdict_codes(self, post_hhi: npt.ArrayLike, delta: npt.ArrayLike,
                      merged_share: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """Index into :data:`VERDICTS` of mergers given post-merger HHI, its increase and the
        merged share (percent), elementwise over arrays of any shape.

        >>> GUIDELINES[2010].verdict_codes([2550.0, 1400.0], [300.0, 300.0], [25.0, 25.0])
        array([2, 0], dtype=int8)
        """
        post, d = np.asarray(post_hhi, dtype=np.float64), np.asarray(delta, dtype=np.float64)
        share = np.asarray(merged_share, dtype=np.float64)
        high = post > self.high_above
        moderate = (~high & (post >= self.moderate_from) if self.moderate_from is not None
                    else np.zeros_like(high))

        def above(table: dict[str, float]) -> npt.NDArray[np.bool_]:
            out = np.zeros(np.broadcast(post, d).shape, dtype=bool)
            for level, mask in (("highly concentrated", high),
                                ("moderately concentrated", moderate)):
                if level in table:
                    out |= mask & (d > table[level])
            return out

        presumed = above(self.presumption)
        if self.share_trigger:
            presumed |= (share > self.share_trigger[0]) & (d > self.share_trigger[1])
        codes = np.where(presumed, 2, np.where(above(self.concern), 1, 0))
        return codes.astype(np.int8)


#: Thresholds by edition. Sources (checked against the published texts):
#:
#: - 1992 *Horizontal Merger Guidelines* (rev. 1997), section 1.51: post-merger
#:   HHI below 1,000 unconcentrated; 1,000-1,800 moderately concentrated
#:   (increase above 100 potentially raises significant concerns); above
#:   1,800 highly concentrated (increase below 50 unlikely to matter, above 50
#:   potentially raises concerns, above 100 presumed to create or enhance
#:   market power).
#: - 2010 *Horizontal Merger Guidelines*, section 5.3: below 1,500
#:   unconcentrated; 1,500-2,500 moderately concentrated; above 2,500 highly
#:   concentrated; increase below 100 unlikely to have adverse effects;
#:   moderately concentrated and above 100, or highly concentrated and
#:   100-200, potentially raise significant concerns; highly concentrated and
#:   above 200 presumed likely to enhance market power.
#: - 2023 *Merger Guidelines*, Guideline 1 (section 2.1): above 1,800 highly
#:   concentrated; a change above 100 is a significant increase and raises a
#:   presumption that the merger may substantially lessen competition; so does
#:   a merged share above 30 % with a change above 100. No safe harbour.
GUIDELINES: dict[int, MergerGuidelines] = {
    1992: MergerGuidelines(
        1992, high_above=1800.0, moderate_from=1000.0,
        concern={"moderately concentrated": 100.0, "highly concentrated": 50.0},
        presumption={"highly concentrated": 100.0},
        citation="US DOJ & FTC, Horizontal Merger Guidelines (1992, rev. 1997), s. 1.51",
    ),
    2010: MergerGuidelines(
        2010, high_above=2500.0, moderate_from=1500.0,
        concern={"moderately concentrated": 100.0, "highly concentrated": 100.0},
        presumption={"highly concentrated": 200.0},
        citation="US DOJ & FTC, Horizontal Merger Guidelines (2010), s. 5.3",
    ),
    2023: MergerGuidelines(
        2023, high_above=1800.0, moderate_from=None,
        concern={},
        presumption={"highly concentrated": 100.0},
        share_trigger=(30.0, 100.0),
        citation="US DOJ & FTC, Merger Guidelines (2023), Guideline 1, s. 2.1",
    ),
}


#: The verdicts of :func:`assess_merger`, in order of concern (the codes of
#: :meth:`MergerGuidelines.verdict_codes`).
VERDICTS = ("unlikely concern", "potential concern", "presumed harmful")


@dataclass(frozen=True)
class MergerAssessment:
    """Outcome of :func:`assess_merger` (HHI on the 0-10,000 scale)."""

    edition: int
    pre_hhi: float
    post_hhi: float
    delta: float
    level: str
    verdict: str


def assess_merger(shares: Sequence[float], i: int, j: int, *,
                  edition: int = 2023) -> MergerAssessment:
    """Classify a merger of firms ``i`` and ``j`` under one guidelines edition.

    The verdict is ``"presumed harmful"``, ``"potential concern"`` or
    ``"unlikely concern"``; see :data:`GUIDELINES` for the sources.

    >>> a = assess_merger([30, 25, 20, 15, 10], 3, 4, edition=2010)
    >>> a.post_hhi, a.delta, a.level, a.verdict
    (2550.0, 300.0, 'highly concentrated', 'presumed harmful')
    >>> assess_merger([30, 25, 20, 15, 10], 3, 4, edition=1992).verdict
    'presumed harmful'
    """
    if edition not in GUIDELINES:
        raise InputError(f"unknown guidelines edition {edition}", field="edition",
                         allowed=", ".join(str(e) for e in GUIDELINES))
    g = GUIDELINES[edition]
    pre = float(market_hhi(shares))
    delta = merger_delta(shares, i, j)
    post = pre + delta
    level = g.level(post)
    arr = np.asarray(shares, dtype=np.float64)
    merged_share = 100.0 * (arr[i] + arr[j]) / arr.sum()
    verdict = VERDICTS[int(g.verdict_codes(post, delta, merged_share))]
    return MergerAssessment(edition, pre, post, delta, level, verdict)
