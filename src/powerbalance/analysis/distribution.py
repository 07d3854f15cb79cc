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
- Entropy: Shannon, C. E. (1948); Gini: Gini, C. (1912) *Variabilità e
  mutabilità*.
- Classes by number of surviving actors: Cederman, L.-E. (1997). *Emergent
  Actors in World Politics*. Princeton University Press (1, 2, 3-10, >10).
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
    return np.asarray(_sum_of_squares(normalize_shares(shares)) * scale)


def _sum_of_squares(s: FloatArray) -> FloatArray:
    """The HHI of shares already normalised (:func:`normalize_shares`)."""
    return np.asarray(np.sum(s * s, axis=-1))


def _inverse(h: FloatArray) -> FloatArray:
    """The effective number ``1 / h`` of the HHI ``h`` (0 where ``h`` is 0)."""
    return np.divide(1.0, h, out=np.zeros_like(h), where=h > 0)


def effective_number(shares: npt.ArrayLike) -> FloatArray:
    """Effective number of powers (Laakso-Taagepera): ``1 / HHI``.

    0 where nobody has any share.

    >>> float(effective_number([0.25, 0.25, 0.25, 0.25]))
    4.0
    """
    return _inverse(hhi(shares))


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
    return _concentration(s, _sum_of_squares(s))


def _concentration(s: FloatArray, h: FloatArray) -> FloatArray:
    """CON of shares already normalised, ``h`` their HHI."""
    n = np.count_nonzero(s > 0, axis=-1).astype(np.float64)
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
    return _polarity(normalize_shares(shares), rules or PolarityRules())


def _polarity(s: FloatArray, rules: PolarityRules) -> npt.NDArray[np.int8]:
    """The polarity code of shares already normalised."""
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


def power_measures(shares: npt.ArrayLike, rules: PolarityRules | None = None
                   ) -> dict[str, FloatArray | npt.NDArray[np.int8]]:
    """:func:`hhi`, :func:`effective_number`, :func:`concentration` and :func:`polarity` of
    the shares at once (keys ``hhi``, ``effective_number``, ``con``, ``polarity_code``):
    the same numbers as the four calls, from one normalisation (a system table computes
    all four every recorded year).

    >>> x = [[0.5, 0.3, 0.2], [0.7, 0.2, 0.1]]
    >>> m = power_measures(x)
    >>> all((m[k] == f(x)).all() for k, f in [("hhi", hhi), ("con", concentration),
    ...     ("effective_number", effective_number), ("polarity_code", polarity)])
    True
    >>> [POLARITY_NAMES[c] for c in m["polarity_code"]]
    ['bipolar', 'unipolar with great powers']
    """
    s = normalize_shares(shares)
    h = _sum_of_squares(s)
    return {"hhi": h, "effective_number": _inverse(h), "con": _concentration(s, h),
            "polarity_code": _polarity(s, rules or PolarityRules())}


def entropy(shares: npt.ArrayLike, *, base: float = np.e) -> FloatArray:
    """Shannon entropy ``-sum s log s`` of the shares (Shannon 1948).

    0 for a single actor, ``log N`` for N equal actors.

    >>> round(float(entropy([0.5, 0.5], base=2)), 6)
    1.0
    >>> float(entropy([1.0, 0.0]))
    0.0
    """
    s = normalize_shares(shares)
    logs = np.log(s, out=np.zeros_like(s), where=s > 0)
    return np.asarray(0.0 - np.sum(s * logs, axis=-1) / np.log(base))


def gini(shares: npt.ArrayLike, *, include_zeros: bool = False) -> FloatArray:
    """Gini coefficient of the shares among actors (Gini 1912).

    ``G = sum_i sum_j |s_i - s_j| / (2 N^2 mean)``. By default only actors with
    a positive share count (dead actors are not actors); ``include_zeros``
    counts every position of the last axis.

    >>> float(gini([0.25, 0.25, 0.25, 0.25]))
    0.0
    >>> round(float(gini([1.0, 0.0, 0.0, 0.0], include_zeros=True)), 6)
    0.75
    """
    s = normalize_shares(shares)
    live = np.ones_like(s, dtype=bool) if include_zeros else s > 0
    n = np.count_nonzero(live, axis=-1).astype(np.float64)
    # sort with the dead placed first as zeros; with the formula
    # G = (2 sum_i i x_(i)) / (n sum x) - (n + 1) / n over the live ones.
    srt = np.sort(np.where(live, s, -1.0), axis=-1)
    m = s.shape[-1]
    rank = np.arange(1, m + 1, dtype=np.float64) - (m - n)[..., None]
    vals = np.where(srt >= 0, srt, 0.0)
    total = vals.sum(axis=-1)
    num = 2.0 * np.sum(rank * vals, axis=-1)
    denom = n * total
    g = np.divide(num, denom, out=np.zeros_like(total), where=denom > 0)
    g = g - np.divide(n + 1, n, out=np.zeros_like(n), where=n > 0)
    return np.asarray(np.where(n > 1, np.clip(g, 0.0, 1.0), 0.0))


def first_second_ratio(shares: npt.ArrayLike) -> FloatArray:
    """Ratio of the largest share to the second largest (``inf`` with one actor).

    >>> float(first_second_ratio([0.2, 0.5, 0.3]))
    1.6666666666666667
    """
    s = normalize_shares(shares)
    if s.shape[-1] < 2:
        s = np.concatenate([s, np.zeros(s.shape[:-1] + (1,))], axis=-1)
    top = -np.partition(-s, 1, axis=-1)[..., :2]
    s1 = np.max(top, axis=-1)
    s2 = np.min(top, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(s2 > 0, s1 / np.where(s2 > 0, s2, 1.0), np.where(s1 > 0, np.inf, np.nan))
    return np.asarray(r)


#: Names of Cederman's classes by number of surviving actors (codes 0..3).
CEDERMAN_NAMES: tuple[str, ...] = ("unipolar", "bipolar", "multipolar", "fragmented")


def cederman_class(
    shares: npt.ArrayLike, *, bounds: tuple[int, int, int] = (1, 2, 10)
) -> npt.NDArray[np.int8]:
    """Classify by the number of surviving actors, after Cederman (1997).

    With the default ``bounds=(1, 2, 10)``: 1 actor is code 0 (*unipolar*, a
    world empire), 2 is 1 (*bipolar*), 3-10 is 2 (*multipolar*), more than 10 is 3
    (*fragmented*); no actor at all is -1. Codes index :data:`CEDERMAN_NAMES`.

    >>> cederman_class([[1, 0, 0], [1, 1, 0], [1, 1, 1]]).tolist()
    [0, 1, 2]
    >>> int(cederman_class([1.0] * 11))
    3
    """
    s = normalize_shares(shares)
    n = np.count_nonzero(s > 0, axis=-1)
    a, b, c = bounds
    code = np.select([n == 0, n <= a, n <= b, n <= c], [-1, 0, 1, 2], default=3)
    return np.asarray(code, dtype=np.int8)


def hegemon(shares: npt.ArrayLike, *, threshold: float = 0.5) -> npt.NDArray[np.int64]:
    """Index of the hegemon (an actor with more than ``threshold`` of the
    capabilities), or -1 where there is none.

    The default of half of all capabilities follows the "predominant actor" of
    Niou, Ordeshook & Rose (1989), who can win against all others combined.

    >>> hegemon([[0.6, 0.3, 0.1], [0.4, 0.4, 0.2]]).tolist()
    [0, -1]
    """
    s = normalize_shares(shares)
    top = np.argmax(s, axis=-1)
    best = np.take_along_axis(s, top[..., None], axis=-1)[..., 0]
    return np.asarray(np.where((best > threshold) & (best > 0), top, -1), dtype=np.int64)


def regional_hegemons(
    capabilities: npt.ArrayLike, regions: npt.ArrayLike, *, threshold: float = 0.5
) -> dict[str, npt.NDArray[np.int64]]:
    """The hegemon of each region: an actor with more than ``threshold`` of its
    region's capabilities (-1 where none). ``regions`` labels the last axis.

    >>> r = regional_hegemons([5, 1, 1, 2, 2], ["eu", "eu", "eu", "as", "as"])
    >>> {k: int(v) for k, v in r.items()}
    {'as': -1, 'eu': 0}
    """
    cap = np.asarray(capabilities, dtype=np.float64)
    reg = np.asarray(regions)
    if reg.shape != cap.shape[-1:]:
        raise ValueError("regions must label the last axis of capabilities")
    out: dict[str, npt.NDArray[np.int64]] = {}
    for r in sorted({str(x) for x in reg.tolist()}):
        idx = np.flatnonzero(reg == r)
        h = hegemon(cap[..., idx], threshold=threshold)
        out[r] = np.asarray(np.where(h >= 0, idx[np.maximum(h, 0)], -1), dtype=np.int64)
    return out
