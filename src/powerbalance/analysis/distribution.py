"""Distribution of power: concentration indices and polarity.

All functions accept an array whose **last axis** holds the actors (any leading
axes are worlds, years, ...). Dead or absent actors are given a share of 0 (or
NaN, treated as 0) and do not count as actors.

References
----------
- Herfindahl-Hirschman index: Hirschman, A. O. (1945). *National Power and the
  Structure of Foreign Trade*; Herfindahl (1950).
- Effective number 1/HHI: Laakso, M. & Taagepera, R. (1979). "Effective number
  of parties". *Comparative Political Studies* 12(1): 3-27.
- Concentration CON: Ray, J. L. & Singer, J. D. (1973). "Measuring the
  concentration of power in the international system". *Sociological Methods
  & Research* 1(4): 403-437.
- Polarity thresholds: in the spirit of Mansfield, E. D. (1993).
  "Concentration, polarity, and the distribution of power". *International
  Studies Quarterly* 37(1): 105-128; "unipolar with great powers" (uni-multipolar,
  一超多強) after Huntington, S. P. (1999). "The Lonely Superpower". *Foreign
  Affairs* 78(2): 35-49.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Names of the polarity classes, indexed by the codes :func:`polarity` returns.
POLARITY_NAMES: tuple[str, ...] = (
    "unipolar",
    "unipolar with great powers",
    "bipolar",
    "multipolar",
)


def normalize_shares(values: npt.ArrayLike) -> FloatArray:
    """Turn non-negative capabilities into shares summing to 1 along the last axis.

    NaN and negative entries count as 0. A row of zeros stays all zero.

    >>> normalize_shares([2.0, 1.0, 1.0]).tolist()
    [0.5, 0.25, 0.25]
    """
    arr = np.asarray(values, dtype=np.float64)
    arr = np.where(np.isfinite(arr) & (arr > 0), arr, 0.0)
    total = arr.sum(axis=-1, keepdims=True)
    return np.divide(arr, total, out=np.zeros_like(arr), where=total > 0)


def hhi(shares: npt.ArrayLike, *, scale: float = 1.0) -> FloatArray:
    """Herfindahl-Hirschman index: the sum of squared shares.

    ``scale=10_000`` gives the 0-10,000 scale used by competition authorities
    (shares in percent, squared).

    >>> float(hhi([0.5, 0.5]))
    0.5
    >>> float(hhi([0.5, 0.3, 0.2], scale=10_000))
    3800.0
    """
    s = normalize_shares(shares)
    return np.asarray(np.sum(s * s, axis=-1) * scale)


def effective_number(shares: npt.ArrayLike) -> FloatArray:
    """Effective number of powers (Laakso-Taagepera): ``1 / HHI``.

    0 where nobody has any share.

    >>> float(effective_number([0.25, 0.25, 0.25, 0.25]))
    4.0
    """
    h = hhi(shares)
    return np.divide(1.0, h, out=np.zeros_like(h), where=h > 0)


def concentration(shares: npt.ArrayLike) -> FloatArray:
    """Ray-Singer concentration ``CON = sqrt((sum s^2 - 1/N) / (1 - 1/N))``.

    N is the number of actors with a positive share. CON is 0 for equal shares
    and 1 when one actor holds everything (by convention also when N = 1).

    >>> float(concentration([1/3, 1/3, 1/3]))
    0.0
    >>> float(concentration([1.0, 0.0, 0.0]))
    1.0
    """
    s = normalize_shares(shares)
    n = np.count_nonzero(s > 0, axis=-1).astype(np.float64)
    h = np.sum(s * s, axis=-1)
    inv_n = np.divide(1.0, n, out=np.ones_like(n), where=n > 0)
    denom = 1.0 - inv_n
    ratio = np.divide(h - inv_n, denom, out=np.ones_like(h), where=denom > 0)
    return np.asarray(np.sqrt(np.clip(ratio, 0.0, 1.0)))


def largest_share(shares: npt.ArrayLike) -> FloatArray:
    """The largest share along the last axis.

    >>> float(largest_share([0.2, 0.5, 0.3]))
    0.5
    """
    return np.asarray(np.max(normalize_shares(shares), axis=-1))


@dataclass(frozen=True)
class PolarityRules:
    """Thresholds of the polarity classification (all shares of total capability).

    Attributes
    ----------
    pole_share:
        An actor with at least this share is a *pole*. Default 0.25, after
        Mansfield (1993), who counts a pole at a quarter of major-power
        capabilities in a bipolar system.
    unipolar_share:
        A single pole with at least this share and no great power beside it is
        *unipolar* (Mansfield 1993: half of the capabilities).
    great_power_share:
        Actors with at least this share are great powers (Mansfield 1993 uses
        5% of major-power capabilities; 0.10 of the whole system is the default
        here because simulated systems have few actors).
    superpower_ratio:
        A pole at least this many times stronger than the second actor
        dominates: with great powers beside it the system is *unipolar with
        great powers* (Huntington 1999). Two poles closer than this ratio make
        the system *bipolar*.
    """

    pole_share: float = 0.25
    unipolar_share: float = 0.5
    great_power_share: float = 0.10
    superpower_ratio: float = 2.0

    def __post_init__(self) -> None:
        for name in ("pole_share", "unipolar_share", "great_power_share"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if self.superpower_ratio < 1.0:
            raise ValueError(f"superpower_ratio must be >= 1, got {self.superpower_ratio}")


def polarity(shares: npt.ArrayLike, rules: PolarityRules | None = None) -> npt.NDArray[np.int8]:
    """Classify the distribution of power; codes index :data:`POLARITY_NAMES`.

    Rules, in order (s1 >= s2 >= s3 are the three largest shares):

    0. *unipolar*: s1 >= ``unipolar_share`` and s2 < ``great_power_share``;
    1. *unipolar with great powers*: s1 >= ``pole_share`` and
       s1 >= ``superpower_ratio`` * s2 (one superpower, the others great
       powers or less);
    2. *bipolar*: s1, s2 >= ``pole_share`` and s3 < ``pole_share``;
    3. *multipolar*: anything else.

    >>> [POLARITY_NAMES[c] for c in polarity([[1.0, 0, 0], [0.6, 0.2, 0.2],
    ...                                       [0.45, 0.45, 0.1], [0.3, 0.3, 0.4]])]
    ['unipolar', 'unipolar with great powers', 'bipolar', 'multipolar']
    """
    rules = rules or PolarityRules()
    s = normalize_shares(shares)
    if s.shape[-1] < 3:
        pad = [(0, 0)] * (s.ndim - 1) + [(0, 3 - s.shape[-1])]
        s = np.pad(s, pad)
    top = -np.partition(-s, 2, axis=-1)[..., :3]
    top = -np.sort(-top, axis=-1)
    s1, s2, s3 = top[..., 0], top[..., 1], top[..., 2]
    uni = (s1 >= rules.unipolar_share) & (s2 < rules.great_power_share)
    uni_gp = (s1 >= rules.pole_share) & (s1 >= rules.superpower_ratio * s2)
    bi = (s2 >= rules.pole_share) & (s3 < rules.pole_share)
    code = np.full(s1.shape, 3, dtype=np.int8)
    code = np.where(bi, 2, code)
    code = np.where(uni_gp, 1, code)
    code = np.where(uni, 0, code)
    return np.asarray(code, dtype=np.int8)
