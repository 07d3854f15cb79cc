"""Voting power in weighted voting games: who holds the balance of power.

A weighted voting game ``[q; w_1, ..., w_n]`` makes a coalition winning when the
sum of its members' weights reaches the quota ``q``. A :class:`CompositeGame`
joins several weighted games on the same players: a coalition wins when it
wins in *every* component (e.g. a majority plus the vetoes of some members).

Exact indices are Python integers and :class:`fractions.Fraction` values,
computed by generating functions (counting coalitions by weight, and by size
and weight), so they never overflow:

- Banzhaf swings come from the polynomial ``P(x) = prod_j (1 + x^{w_j})``
  truncated below the quota; the polynomial of "everyone but ``i``" is
  ``P / (1 + x^{w_i})`` and its window sums are read from the prefix sums of
  ``P`` by an alternating series, so each distinct weight costs ``O(q / w)``.
- Shapley-Shubik values come from the bivariate ``prod_j (1 + y x^{w_j})``
  (size by weight; Mann & Shapley 1962), counted exactly in residues modulo
  several primes and rebuilt by the Chinese remainder theorem; "everyone but
  ``i``" is read, as for Banzhaf, by the alternating series of ``1/(1 + y x^w)``
  over prefix sums, once per distinct weight. Large games are counted by a numba
  kernel (:mod:`powerbalance.analysis.compiled_voting`), small ones with numpy
  (vectorised shift-adds, the reference); both give the same integers.

References
----------
- Shapley, L. S. & Shubik, M. (1954). "A method for evaluating the
  distribution of power in a committee system". *APSR* 48(3): 787-792.
- Mann, I. & Shapley, L. S. (1962). "Values of large games, VI: Evaluating the
  Electoral College exactly". RAND Corporation RM-3158-PR (generating function of
  coalitions by size and weight for Shapley-Shubik values).
- Banzhaf, J. F. (1965). "Weighted voting doesn't work: a mathematical
  analysis". *Rutgers Law Review* 19: 317-343.
- Penrose, L. S. (1946). "The elementary statistics of majority voting".
  *Journal of the Royal Statistical Society* 109(1): 53-57 (absolute index).
- Deegan, J. & Packel, E. W. (1978). "A new index of power for simple
  n-person games". *International Journal of Game Theory* 7(2): 113-123.
- Holler, M. J. (1982). "Forming coalitions and measuring voting power".
  *Political Studies* 30(2): 262-271 (public good index).
- Uno, T. (2012). "Efficient computation of power indices for weighted
  majority games". *ISAAC 2012*, LNCS 7676 (generating-function algorithms).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError

__all__ = [
    "INDEX_NAMES",
    "CompositeGame",
    "Estimate",
    "WeightedGame",
    "banzhaf",
    "banzhaf_absolute",
    "batch_power",
    "batch_swings_pivots",
    "count_minimal_winning",
    "deegan_packel",
    "dummy_players",
    "holler",
    "minimal_winning_coalitions",
    "monte_carlo_banzhaf",
    "monte_carlo_shapley_shubik",
    "pivot_counts",
    "power_indices",
    "shapley_shubik",
    "swing_counts",
    "veto_players",
]

#: Short names of the indices accepted by :func:`power_indices` and the CLI.
INDEX_NAMES: dict[str, str] = {
    "ss": "Shapley-Shubik",
    "bz": "Banzhaf (normalised)",
    "pb": "Penrose-Banzhaf (absolute)",
    "dp": "Deegan-Packel",
    "pgi": "Holler public good",
}

Number = int | float | Fraction

#: Limits of the exact algorithms, so that no input runs for hours. The generating
#: functions cost about (players x quota) big-integer additions for Banzhaf swings and
#: (players^2 x primes x quota) machine additions for Shapley-Shubik pivots, with the quota
#: on the integer scale of the weights (decimals and fractions scale it up); measured at
#: about 3e7 and 1.5e9 a second, so each limit is some ten seconds of work.
MAX_EXACT_QUOTA = 10**7
MAX_BANZHAF_WORK = 3 * 10**8
MAX_SHAPLEY_WORK = 2 * 10**10
#: Limits of the Monte Carlo estimators: samples, and samples x players^2 (each sample
#: tests every player's coalitions, each test a sum over the players).
MAX_SAMPLES = 10**8
MAX_MONTE_CARLO_WORK = 10**9


def _check_exact(game: WeightedGame, work: int, limit: int, what: str) -> None:
    """Refuse an exact computation whose quota or work estimate is above its limit."""
    hint = "use Monte Carlo (power-index --samples N)"
    if game.int_quota > MAX_EXACT_QUOTA:
        raise InputError(f"exact {what} needs the quota on an integer scale of at most "
                         f"{MAX_EXACT_QUOTA:.0e}; these weights give {game.int_quota:.3g}",
                         source=game.source, field="weights",
                         allowed=f"integer weights and quota up to {MAX_EXACT_QUOTA:.0e} "
                         f"(or decimals with few digits); {hint}")
    if work > limit:
        raise InputError(f"exact {what} would take about {work:.2g} steps", source=game.source,
                         field="weights", allowed=f"at most {limit:.0e} steps; {hint}")


def _check_samples(game: Game, samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"{samples} samples", field="samples",
                         allowed=f"1 to {MAX_SAMPLES:.0e}")
    work = samples * game.n * game.n
    if work > MAX_MONTE_CARLO_WORK:
        raise InputError(f"{samples} samples of {game.n} players would take about {work:.2g} "
                         "steps", field="samples",
                         allowed=f"samples x players^2 at most {MAX_MONTE_CARLO_WORK:.0e}")


def _to_integers(quota: Number, weights: Sequence[Number], source: str) -> tuple[int, list[int]]:
    """Scale a rational quota and weights to integers with the same game."""
    try:
        fr = [Fraction(str(w)) if isinstance(w, float) else Fraction(w) for w in weights]
        fq = Fraction(str(quota)) if isinstance(quota, float) else Fraction(quota)
    except (TypeError, ValueError) as exc:
        raise InputError(
            "weights and quota must be numbers", source=source, field="weights",
            allowed="non-negative numbers",
        ) from exc
    denom = 1
    for f in [*fr, fq]:
        denom = denom * f.denominator // math.gcd(denom, f.denominator)
    ints = [int(f * denom) for f in fr]
    q = fq * denom
    # A coalition wins when its weight reaches q; with integer weights this
    # means reaching ceil(q).
    return math.ceil(q), ints


@dataclass(frozen=True)
class WeightedGame:
    """A weighted voting game ``[quota; weights]``.

    Weights and quota may be integers, fractions or decimals; they are scaled
    to integers (the game is unchanged by multiplying all by a constant).

    Raises :class:`~powerbalance.errors.InputError` for no players, a negative
    weight, a quota not above 0 or above the total weight.

    >>> g = WeightedGame(6, [4, 3, 2, 1])
    >>> g.n, g.total, g.wins([0, 3]), g.wins([1, 2])
    (4, 10, False, False)
    """

    quota: Number
    weights: Sequence[Number]
    names: Sequence[str] | None = None
    source: str = field(default="argument", compare=False)

    def __post_init__(self) -> None:
        if len(self.weights) == 0:
            raise InputError("no players", source=self.source, field="weights",
                             allowed="at least one weight")
        q, w = _to_integers(self.quota, self.weights, self.source)
        for i, x in enumerate(w):
            if x < 0:
                raise InputError(f"negative weight {self.weights[i]}", source=self.source,
                                 field=f"weights[{i}]", allowed=">= 0")
        total = sum(w)
        if q <= 0 or q > total:
            raise InputError(f"quota {self.quota} outside the game", source=self.source,
                             field="quota", allowed=f"0 < quota <= total weight ({_sum_str(self)})")
        if self.names is not None and len(self.names) != len(w):
            raise InputError(f"{len(self.names)} names for {len(w)} players",
                             source=self.source, field="names",
                             allowed="one name per weight")
        object.__setattr__(self, "_q", q)
        object.__setattr__(self, "_w", tuple(w))

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.weights)

    @property
    def int_quota(self) -> int:
        """The quota on the integer scale of :attr:`int_weights`."""
        return int(self._q)  # type: ignore[attr-defined]

    @property
    def int_weights(self) -> tuple[int, ...]:
        """The weights scaled to integers."""
        return tuple(self._w)  # type: ignore[attr-defined]

    @property
    def total(self) -> int:
        """Total integer weight."""
        return sum(self.int_weights)

    def player_names(self) -> list[str]:
        """Names of the players (``P1``, ``P2``, ... if none were given).

        >>> WeightedGame(2, [1, 1]).player_names()
        ['P1', 'P2']
        """
        return list(self.names) if self.names is not None else [f"P{i + 1}" for i in
                                                                 range(self.n)]

    def wins(self, coalition: Sequence[int]) -> bool:
        """Whether the coalition (player indices) is winning.

        >>> WeightedGame(51, [50, 49, 1]).wins([0, 2])
        True
        """
        return sum(self.int_weights[i] for i in coalition) >= self.int_quota

    def win_mask(self, members: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Vectorised :meth:`wins` over rows of a boolean membership matrix.

        >>> WeightedGame(51, [50, 49, 1]).win_mask(np.array([[1, 0, 1], [0, 1, 1]], bool))
        array([ True, False])
        """
        w = np.array(self.int_weights, dtype=object if self.total > 2**62 else np.int64)
        return np.asarray(members.astype(w.dtype) @ w >= self.int_quota)


def _sum_str(game: WeightedGame) -> str:
    """The total of the game's weights as written by the user."""
    try:
        return str(sum(Fraction(str(w)) if isinstance(w, float) else Fraction(w)
                       for w in game.weights))
    except (TypeError, ValueError):
        return "?"


@dataclass(frozen=True)
class CompositeGame:
    """Several weighted games on the same players; a coalition must win in all.

    The UN Security Council is "9 of 15 members, including all 5 permanent
    members": ``[9; 1 x 15]`` and ``[5; 1,1,1,1,1, 0 x 10]``.

    Exact indices of composite games enumerate all ``2^n`` coalitions
    (``n <= 22``); larger composite games use the Monte Carlo estimators.

    >>> unsc = CompositeGame([WeightedGame(9, [1] * 15),
    ...                       WeightedGame(5, [1] * 5 + [0] * 10)])
    >>> unsc.n, unsc.wins(list(range(9))), unsc.wins(list(range(1, 10)))
    (15, True, False)
    """

    games: Sequence[WeightedGame]
    names: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if not self.games:
            raise InputError("no component games", field="games", allowed="at least one game")
        sizes = {g.n for g in self.games}
        if len(sizes) != 1:
            raise InputError(f"component games have different numbers of players {sorted(sizes)}",
                             field="games", allowed="the same players in every game")

    @property
    def n(self) -> int:
        """Number of players."""
        return self.games[0].n

    def player_names(self) -> list[str]:
        """Names of the players.

        >>> CompositeGame([WeightedGame(1, [1, 1])], names=["a", "b"]).player_names()
        ['a', 'b']
        """
        if self.names is not None:
            return list(self.names)
        return self.games[0].player_names()

    def wins(self, coalition: Sequence[int]) -> bool:
        """Whether the coalition wins in every component game.

        >>> CompositeGame([WeightedGame(2, [1, 1, 1]), WeightedGame(1, [1, 0, 0])]).wins([1, 2])
        False
        """
        return all(g.wins(coalition) for g in self.games)

    def win_mask(self, members: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Vectorised :meth:`wins` over rows of a boolean membership matrix.

        >>> g = CompositeGame([WeightedGame(2, [1, 1, 1]), WeightedGame(1, [1, 0, 0])])
        >>> g.win_mask(np.array([[1, 1, 0], [0, 1, 1]], bool))
        array([ True, False])
        """
        out = np.ones(members.shape[0], dtype=bool)
        for g in self.games:
            out &= g.win_mask(members)
        return out


Game = WeightedGame | CompositeGame

# --------------------------------------------------------------------------
# Exact counting for weighted games
# --------------------------------------------------------------------------


def _weight_polynomial(weights: Sequence[int], q: int) -> npt.NDArray[np.object_]:
    """Coefficients ``0..q-1`` of ``prod (1 + x^w)`` as Python integers."""
    p = np.zeros(q, dtype=object)
    p[:] = 0
    p[0] = 1
    for w in sorted(weights):
        if w == 0:
            p = p * 2
        elif w < q:
            p[w:] = p[w:] + p[: q - w]
    return p


def _prefix(p: npt.NDArray[np.object_]) -> list[int]:
    """``S[k] = sum_{k' < k} p[k']`` for ``k = 0..len(p)`` as a list of ints."""
    out = [0]
    acc = 0
    for v in p.tolist():
        acc += v
        out.append(acc)
    return out


def _window_alternating(prefix: Sequence[int], q: int, w: int) -> int:
    """``sum_{k=q-w}^{q-1}`` of the coefficients of ``P / (1 + x^w)``."""
    total = 0
    sign = 1
    hi = q
    while hi > 0:
        lo = max(0, hi - w)
        total += sign * (prefix[hi] - prefix[lo])
        sign = -sign
        hi -= w
    return total


def swing_counts(game: Game) -> list[int]:
    """Banzhaf swings: for each player, the losing coalitions it turns winning.

    Exact (Python integers); ``O(n q)`` for a weighted game, enumeration of all
    coalitions for a composite game.

    >>> swing_counts(WeightedGame(6, [4, 3, 2, 1]))
    [5, 3, 3, 1]
    """
    if isinstance(game, CompositeGame):
        return _enumerate(game)[0]
    q, w = game.int_quota, game.int_weights
    _check_exact(game, game.n * q, MAX_BANZHAF_WORK, "Banzhaf counting")
    prefix = _prefix(_weight_polynomial(w, q))
    cache: dict[int, int] = {}
    out = []
    for wi in w:
        if wi not in cache:
            cache[wi] = 0 if wi == 0 else _window_alternating(prefix, q, wi)
        out.append(cache[wi])
    return out


def banzhaf(game: Game) -> list[Fraction]:
    """Normalised Banzhaf index (Banzhaf 1965): swings over all swings.

    >>> [str(x) for x in banzhaf(WeightedGame(6, [4, 3, 2, 1]))]
    ['5/12', '1/4', '1/4', '1/12']
    >>> [str(x) for x in banzhaf(WeightedGame(51, [50, 49, 1]))]
    ['3/5', '1/5', '1/5']
    """
    s = swing_counts(game)
    total = sum(s)
    return [Fraction(x, total) if total else Fraction(0) for x in s]


def banzhaf_absolute(game: Game) -> list[Fraction]:
    """Absolute Banzhaf (Penrose 1946) index: swings over ``2^(n-1)``.

    The probability that a player is decisive when all others vote at random.

    >>> [str(x) for x in banzhaf_absolute(WeightedGame(51, [50, 49, 1]))]
    ['3/4', '1/4', '1/4']
    """
    s = swing_counts(game)
    denom = 2 ** (game.n - 1)
    return [Fraction(x, denom) for x in s]


# ---- Shapley-Shubik: counts by (size, weight) in modular residues ---------


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    for p in small:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in small:  # deterministic for n < 3.3e24
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _primes_below(bound: int, count: int) -> list[int]:
    out: list[int] = []
    c = bound - 1 if bound % 2 == 0 else bound - 2
    while len(out) < count:
        if _is_prime(c):
            out.append(c)
        c -= 2
    return out


def _live_rows(asc: Sequence[int], q: int) -> int:
    """Sizes ``0..rows-1`` that a coalition below the quota can have: from size ``rows``
    on even the lightest players (``asc``: the weights ascending) reach ``q``."""
    rows, acc = 1, 0
    for x in asc:
        acc += x
        if acc >= q:
            break
        rows += 1
    return min(rows, len(asc) + 1)


def _crt_primes(n: int, bound: int) -> list[int]:
    """Primes below ``bound``, largest first, whose product is above ``2^n`` (every count
    of coalitions of ``n`` players is at most ``2^(n-1)``)."""
    primes: list[int] = []
    while math.prod(primes) <= 2**n:
        primes += _primes_below(primes[-1] if primes else bound, 1)
    return primes


def _from_residues(residues: Sequence[Sequence[int]], primes: Sequence[int],
                   n: int) -> list[int]:
    """The integers (below the product of ``primes``) of the residues of each row, by the
    Chinese remainder theorem; padded with zeros to ``n`` values."""
    modulus = math.prod(primes)
    coef = [(modulus // p) * pow(modulus // p, -1, p) for p in primes]
    vals = [sum(int(a) * c for a, c in zip(r, coef, strict=True)) % modulus
            for r in residues]
    vals += [0] * (n - len(vals))
    return vals[:n]


def _size_weight_windows(weights: Sequence[int], q: int) -> dict[int, list[int]]:
    """For each distinct positive weight ``w`` of a player ``i``: ``A[s]``, the
    number of coalitions of size ``s`` of the *other* players with weight in
    ``[q - w, q - 1]`` (``s = 0..n-1``), exactly.

    The NumPy reference; :func:`_size_weight_windows_compiled` is the same counts by the
    numba kernel of :mod:`powerbalance.analysis.compiled_voting`."""
    n = len(weights)
    asc = sorted(weights)
    # rows s whose lightest s players already reach q are all zero
    rows = _live_rows(asc, q)
    # residues modulo primes p with q * p < 2^64 (safe prefix sums) and
    # product above 2^n (every count is at most 2^(n-1)).
    primes = _crt_primes(n, min(2**62, (2**64 - 1) // (q + 1)))
    m = len(primes)
    pcol = np.array(primes, dtype=np.uint64)[:, None]
    table = np.zeros((rows, m, q), dtype=np.uint64)
    table[0, :, 0] = 1
    lo = [q] * rows
    hi = [0] * rows
    lo[0], hi[0] = 0, 1
    used = 0
    tmp = np.empty((m, q), dtype=np.uint64)
    for w in asc:
        used += 1
        for s in range(min(used, rows - 1), 0, -1):
            a, b = lo[s - 1], min(hi[s - 1], q - w)
            if a >= b:
                continue
            dst = table[s, :, a + w : b + w]
            np.add(dst, table[s - 1, :, a:b], out=dst)
            t = tmp[:, : b - a]
            np.subtract(dst, pcol, out=t)
            np.minimum(dst, t, out=dst)  # reduce: x - p wraps above x when x < p
            lo[s] = min(lo[s], a + w)
            hi[s] = max(hi[s], b + w)
    # prefix sums along weight, then reduce
    pref = np.zeros((rows, m, q + 1), dtype=np.uint64)
    np.cumsum(table, axis=2, out=pref[:, :, 1:])
    pref %= pcol[None, :, :]
    del table
    out: dict[int, list[int]] = {}
    for w in sorted(set(weights)):
        if w == 0:
            out[w] = [0] * n
            continue
        acc_pos = np.zeros((rows, m), dtype=np.uint64)
        acc_neg = np.zeros((rows, m), dtype=np.uint64)
        j, top = 0, q
        pm = pcol[:, 0][None, :]
        while top > 0 and j < rows:
            bot = max(0, top - w)
            d = pref[: rows - j, :, top] + pm - pref[: rows - j, :, bot]
            d = np.minimum(d, d - pm)
            target = acc_pos if j % 2 == 0 else acc_neg
            seg = target[j:]
            np.add(seg, d, out=seg)
            np.minimum(seg, seg - pm, out=seg)
            j += 1
            top -= w
        res = acc_pos + pm - acc_neg
        res = np.minimum(res, res - pm)
        out[w] = _from_residues(res.tolist(), primes, n)
    return out


def _size_weight_windows_compiled(weights: Sequence[int], q: int) -> dict[int, list[int]]:
    """:func:`_size_weight_windows` by the numba kernel (the same integers), with primes
    below ``2^63`` (the kernel reduces its prefix sums as it takes them); the NumPy
    reference where numba cannot be imported."""
    try:
        from powerbalance.analysis.compiled_voting import size_weight_windows_kernel
    except ImportError:
        return _size_weight_windows(weights, q)
    n = len(weights)
    asc = sorted(weights)
    primes = _crt_primes(n, 2**63)
    distinct = sorted(set(weights) - {0})
    residues = size_weight_windows_kernel(
        np.array(asc, dtype=np.int64), q, _live_rows(asc, q),
        np.array(primes, dtype=np.uint64), np.array(distinct, dtype=np.int64))
    out = {w: _from_residues(r, primes, n) for w, r in zip(distinct, residues.tolist(),
                                                              strict=True)}
    if 0 in weights:
        out[0] = [0] * n
    return out


#: Work estimate of :func:`pivot_counts` (players^2 x primes x quota) from which the numba
#: kernel counts instead of the NumPy reference (the same integers). Measured: the NumPy
#: path takes about 4.6e-10 s per unit (0.37 s for 200 players of weight 10,000), the
#: kernel about 0.55e-10 s plus some 0.85 s to import numba and load its cached code on
#: first use in a process, so below about 2e9 the NumPy path is the faster.
COMPILED_SHAPLEY_WORK = 2 * 10**9


def pivot_counts(game: Game) -> list[int]:
    """Number of the ``n!`` orderings in which each player is pivotal.

    >>> pivot_counts(WeightedGame(51, [50, 49, 1]))
    [4, 1, 1]
    """
    n = game.n
    if isinstance(game, CompositeGame):
        return _enumerate(game)[1]
    primes = 1 + n // 62  # residues modulo primes below 2**62 whose product exceeds 2**n
    work = n * (n + 1) * primes * game.int_quota
    _check_exact(game, work, MAX_SHAPLEY_WORK, "Shapley-Shubik counting")
    count = (_size_weight_windows_compiled if work >= COMPILED_SHAPLEY_WORK
             else _size_weight_windows)
    windows = count(game.int_weights, game.int_quota)
    fact = [math.factorial(k) for k in range(n + 1)]
    weights_s = [fact[s] * fact[n - 1 - s] for s in range(n)]
    cache: dict[int, int] = {}
    out = []
    for wi in game.int_weights:
        if wi not in cache:
            cache[wi] = sum(a * b for a, b in zip(windows[wi], weights_s, strict=True))
        out.append(cache[wi])
    return out


def shapley_shubik(game: Game) -> list[Fraction]:
    """Shapley-Shubik index (Shapley & Shubik 1954): the share of orderings in
    which a player turns the coalition of those before it into a winning one.

    The UN Security Council ``[39; 7,7,7,7,7, 1 x 10]`` gives 421/2145 to each
    permanent and 4/2145 to each elected member:

    >>> ss = shapley_shubik(WeightedGame(39, [7] * 5 + [1] * 10))
    >>> str(ss[0]), str(ss[-1]), sum(ss)
    ('421/2145', '4/2145', Fraction(1, 1))
    """
    counts = pivot_counts(game)
    nf = math.factorial(game.n)
    return [Fraction(c, nf) for c in counts]


# ---- enumeration (composite games, minimal winning coalitions) -----------

_MAX_ENUM = 22


def _members(n: int) -> npt.NDArray[np.bool_]:
    masks = np.arange(2**n, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def _enumerate(game: Game) -> tuple[list[int], list[int]]:
    """Swings and pivot counts by enumerating every coalition."""
    n = game.n
    if n > _MAX_ENUM:
        raise InputError(f"{n} players is too many to enumerate", field="players",
                         allowed=f"<= {_MAX_ENUM} for exact composite games; use Monte Carlo")
    mem = _members(n)
    win = game.win_mask(mem)
    size = mem.sum(axis=1)
    fact = [math.factorial(k) for k in range(n + 1)]
    swings, pivots = [], []
    idx = np.arange(2**n, dtype=np.int64)
    for i in range(n):
        without = ~mem[:, i]
        with_i = idx[without] | (1 << i)
        crit = without.copy()
        crit[without] = win[with_i] & ~win[without]
        swings.append(int(crit.sum()))
        sizes = np.bincount(size[crit], minlength=n)
        pivots.append(sum(int(c) * fact[s] * fact[n - 1 - s] for s, c in enumerate(sizes)
                          if c))
    return swings, pivots


#: Most players of :func:`batch_swings_pivots` (``2^n`` coalitions per world; ``n!`` fits
#: in 64 bits up to 20).
MAX_BATCH_PLAYERS = 16


def batch_swings_pivots(quota: npt.ArrayLike, weights: npt.ArrayLike, *,
                        chunk_cells: int = 1 << 22) -> tuple[npt.NDArray[np.int64],
                                                             npt.NDArray[np.int64]]:
    """Banzhaf swings and Shapley-Shubik pivot counts of many weighted games at once.

    Row ``k`` is the game ``[quota[k]; weights[k]]`` with non-negative integer weights (a
    parliament's seats in each world); every game has the same ``n <= 16`` players. All
    ``2^n`` coalitions are enumerated for a block of games at a time (``chunk_cells``
    coalition-weights at most), so the counts are the exact definitions, the same integers
    as :func:`swing_counts` and :func:`pivot_counts` game by game, at a few microseconds a
    game for a handful of players instead of a millisecond.

    >>> s, p = batch_swings_pivots([6, 51], [[4, 3, 2, 1], [50, 49, 1, 0]])
    >>> s.tolist(), p.tolist()
    ([[5, 3, 3, 1], [6, 2, 2, 0]], [[10, 6, 6, 2], [16, 4, 4, 0]])
    """
    w = np.asarray(weights, dtype=np.int64)
    q = np.asarray(quota, dtype=np.int64).reshape(-1)
    if w.ndim != 2 or len(q) != w.shape[0]:
        raise ValueError("weights must be (games, players) and quota (games,)")
    games, n = w.shape
    if not 1 <= n <= MAX_BATCH_PLAYERS:
        raise ValueError(f"batch counting takes 1 to {MAX_BATCH_PLAYERS} players, not {n}")
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    members = _members(n)
    size = members.sum(axis=1)
    fact = [math.factorial(k) for k in range(n + 1)]
    # a coalition S holding i of size s: i is pivotal in (s - 1)! (n - s)! orderings
    order_weight = np.array([fact[max(s - 1, 0)] * fact[n - s] for s in size.tolist()],
                            dtype=np.int64)
    idx = np.arange(2**n, dtype=np.int64)
    holding = [idx[members[:, i]] for i in range(n)]
    swings = np.zeros((games, n), dtype=np.int64)
    pivots = np.zeros((games, n), dtype=np.int64)
    step = max(1, chunk_cells // 2**n)
    member_weights = members.T.astype(np.int64)
    for lo in range(0, games, step):
        rows = slice(lo, min(lo + step, games))
        win = (w[rows] @ member_weights) >= q[rows, None]
        for i in range(n):
            crit = win[:, holding[i]] & ~win[:, holding[i] ^ (1 << i)]
            swings[rows, i] = crit.sum(axis=1)
            pivots[rows, i] = crit.astype(np.int64) @ order_weight[holding[i]]
    return swings, pivots


def batch_power(quota: npt.ArrayLike, weights: npt.ArrayLike
                ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Normalised Banzhaf and Shapley-Shubik indices of many weighted games as floats.

    Each value is the correctly rounded float of the exact fraction (the float of
    :func:`banzhaf` and :func:`shapley_shubik`): the counts are exact integers below
    ``2^53`` and one IEEE division of two exactly represented integers rounds correctly.

    >>> bz, ss = batch_power([51], [[50, 30, 20]])
    >>> bz.round(3).tolist(), ss.round(3).tolist()
    ([[0.6, 0.2, 0.2]], [[0.667, 0.167, 0.167]])
    """
    swings, pivots = batch_swings_pivots(quota, weights)
    total = swings.sum(axis=1, keepdims=True).astype(np.float64)
    bz = np.divide(swings.astype(np.float64), total, out=np.zeros(swings.shape),
                   where=total > 0)
    ss = pivots.astype(np.float64) / float(math.factorial(swings.shape[1]))
    return bz, ss


def minimal_winning_coalitions(game: Game, *, limit: int = 1_000_000) -> list[tuple[int, ...]]:
    """Winning coalitions in which every member is needed (sorted tuples).

    Raises :class:`~powerbalance.errors.InputError` when there are more than
    ``limit``; :func:`count_minimal_winning` counts without listing.

    >>> minimal_winning_coalitions(WeightedGame(6, [4, 3, 2, 1]))
    [(0, 1), (0, 2), (1, 2, 3)]
    """
    out: list[tuple[int, ...]] = []
    if isinstance(game, CompositeGame):
        mem = _members(game.n) if game.n <= _MAX_ENUM else None
        if mem is None:
            raise InputError(f"{game.n} players is too many to enumerate", field="players",
                             allowed=f"<= {_MAX_ENUM}")
        win = game.win_mask(mem)
        idx = np.arange(2**game.n, dtype=np.int64)
        minimal = win.copy()
        for i in range(game.n):
            has = mem[:, i]
            minimal[has] &= ~win[idx[has] & ~(1 << i)]
        for row in mem[minimal]:
            out.append(tuple(int(i) for i in np.flatnonzero(row)))
        return sorted(out)
    q, w = game.int_quota, game.int_weights
    order = sorted(range(game.n), key=lambda i: (-w[i], i))
    ws = [w[i] for i in order]
    suffix = [0] * (game.n + 1)
    for k in range(game.n - 1, -1, -1):
        suffix[k] = suffix[k + 1] + ws[k]
    stack: list[int] = []

    def visit(start: int, total: int) -> None:
        for k in range(start, game.n):
            if total + suffix[k] < q:
                return
            t = total + ws[k]
            stack.append(k)
            if t >= q:
                if t - ws[k] < q and ws[k] > 0:
                    out.append(tuple(sorted(order[j] for j in stack)))
                    if len(out) > limit:
                        raise InputError(f"more than {limit} minimal winning coalitions",
                                         field="limit", allowed="a larger limit, or count them")
            else:
                visit(k + 1, t)
            stack.pop()

    visit(0, 0)
    return sorted(out)


def count_minimal_winning(game: WeightedGame) -> int:
    """Number of minimal winning coalitions, counted without listing them.

    Each is counted once through its lightest member ``i`` (players sorted by
    weight): the heavier members must weigh ``q - w_i`` to ``q - 1``.

    >>> count_minimal_winning(WeightedGame(6, [4, 3, 2, 1]))
    3
    """
    q, w = game.int_quota, game.int_weights
    _check_exact(game, game.n * q, MAX_BANZHAF_WORK, "counting of minimal winning coalitions")
    order = sorted(range(game.n), key=lambda i: (-w[i], i))
    p = np.zeros(q, dtype=object)
    p[:] = 0
    p[0] = 1
    count = 0
    for i in order:
        wi = w[i]
        if wi > 0:
            count += sum(p[max(0, q - wi) : q].tolist())
        if 0 < wi < q:
            p[wi:] = p[wi:] + p[: q - wi]
    return int(count)


def deegan_packel(game: Game) -> list[Fraction]:
    """Deegan-Packel index (Deegan & Packel 1978): each minimal winning
    coalition is equally likely and shares power equally among its members.

    >>> [str(x) for x in deegan_packel(WeightedGame(6, [4, 3, 2, 1]))]
    ['1/3', '5/18', '5/18', '1/9']
    """
    mwc = minimal_winning_coalitions(game)
    out = [Fraction(0)] * game.n
    for c in mwc:
        share = Fraction(1, len(c) * len(mwc))
        for i in c:
            out[i] += share
    return out


def holler(game: Game) -> list[Fraction]:
    """Holler's public good index (Holler 1982): the number of minimal winning
    coalitions a player belongs to, normalised to sum to 1.

    >>> [str(x) for x in holler(WeightedGame(6, [4, 3, 2, 1]))]
    ['2/7', '2/7', '2/7', '1/7']
    """
    mwc = minimal_winning_coalitions(game)
    counts = [0] * game.n
    for c in mwc:
        for i in c:
            counts[i] += 1
    total = sum(counts)
    return [Fraction(c, total) if total else Fraction(0) for c in counts]


def dummy_players(game: Game) -> list[int]:
    """Players who are never decisive (no swing, no power under any index).

    The EEC Council of 1958, ``[12; 4,4,4,2,2,1]``: Luxembourg is a dummy.

    >>> dummy_players(WeightedGame(12, [4, 4, 4, 2, 2, 1]))
    [5]
    """
    return [i for i, s in enumerate(swing_counts(game)) if s == 0]


def veto_players(game: Game) -> list[int]:
    """Players without whom no coalition wins.

    >>> veto_players(WeightedGame(39, [7] * 5 + [1] * 10))
    [0, 1, 2, 3, 4]
    """
    # i is a veto player when everyone else together falls short of the quota (in some
    # component game): one pass, not one coalition sum per player.
    games = game.games if isinstance(game, CompositeGame) else [game]
    vetoes: set[int] = set()
    for g in games:
        total, q = g.total, g.int_quota
        vetoes.update(i for i, wi in enumerate(g.int_weights) if total - wi < q)
    return sorted(vetoes)


def power_indices(game: Game, which: Sequence[str] = ("ss", "bz")) -> dict[str, list[Fraction]]:
    """Several indices at once, keyed by the short names of :data:`INDEX_NAMES`.

    >>> r = power_indices(WeightedGame(51, [50, 49, 1]), ["bz", "pb"])
    >>> [str(x) for x in r["bz"]], [str(x) for x in r["pb"]]
    (['3/5', '1/5', '1/5'], ['3/4', '1/4', '1/4'])
    """
    funcs = {"ss": shapley_shubik, "bz": banzhaf, "pb": banzhaf_absolute,
             "dp": deegan_packel, "pgi": holler}
    out: dict[str, list[Fraction]] = {}
    for name in which:
        key = name.strip().lower()
        if key not in funcs:
            raise InputError(f"unknown index {name!r}", source="--index", field="index",
                             allowed=", ".join(INDEX_NAMES))
        out[key] = funcs[key](game)
    return out


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate per player with a Wilson score interval (Wilson 1927).

    Attributes: ``value`` (the estimates), ``stderr`` (the binomial standard
    error), ``low`` and ``high`` (Wilson bounds at the ``level`` two-sided
    confidence, from :func:`powerbalance.experiments.stats.proportion_interval`)
    and ``samples``.
    """

    value: npt.NDArray[np.float64]
    stderr: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    samples: int
    level: float


def _estimate(hits: npt.NDArray[np.float64], samples: int, level: float) -> Estimate:
    # the one statistics module (Wilson score interval, Wilson 1927; imported here so that
    # importing the analysis layer stays light)
    from powerbalance.experiments.stats import proportion_interval

    p = hits / samples
    se = np.sqrt(p * (1 - p) / samples)
    low, high = proportion_interval(np.rint(hits), samples, level)
    return Estimate(p, se, low, high, samples, level)


def monte_carlo_shapley_shubik(game: Game, samples: int = 10_000, *, seed: int | None = 0,
                               level: float = 0.95, batch: int = 2_000) -> Estimate:
    """Estimate Shapley-Shubik values from random orderings.

    Each sample draws an ordering (``numpy.random.default_rng(seed)``, never the
    global state) and credits the pivotal player.

    >>> est = monte_carlo_shapley_shubik(WeightedGame(51, [50, 49, 1]), 4000, seed=1)
    >>> bool(abs(est.value[0] - 2/3) < 4 * est.stderr[0] + 1e-9)
    True
    """
    _check_samples(game, samples)
    rng = np.random.default_rng(seed)
    n = game.n
    hits = np.zeros(n)
    done = 0
    while done < samples:
        b = min(batch, samples - done)
        perms = np.argsort(rng.random((b, n)), axis=1)
        # membership of the first k players of each ordering, k = 1..n
        mem = np.zeros((b, n), dtype=bool)
        pivotal = np.full(b, -1)
        for k in range(n):
            mem[np.arange(b), perms[:, k]] = True
            newly = (pivotal < 0) & game.win_mask(mem)
            pivotal[newly] = perms[newly, k]
            if (pivotal >= 0).all():
                break
        hits += np.bincount(pivotal[pivotal >= 0], minlength=n)
        done += b
    return _estimate(hits, samples, level)


def monte_carlo_banzhaf(game: Game, samples: int = 10_000, *, seed: int | None = 0,
                        level: float = 0.95, batch: int = 5_000) -> Estimate:
    """Estimate absolute Banzhaf (Penrose) values from random coalitions.

    Each sample draws every other player in or out with probability 1/2 and
    checks, for every player, whether it is decisive.

    >>> est = monte_carlo_banzhaf(WeightedGame(51, [50, 49, 1]), 4000, seed=2)
    >>> bool(abs(est.value[0] - 0.75) < 4 * est.stderr[0] + 1e-9)
    True
    """
    _check_samples(game, samples)
    rng = np.random.default_rng(seed)
    n = game.n
    hits = np.zeros(n)
    done = 0
    while done < samples:
        b = min(batch, samples - done)
        mem = rng.random((b, n)) < 0.5
        for i in range(n):
            with_i = mem.copy()
            with_i[:, i] = True
            without = mem.copy()
            without[:, i] = False
            hits[i] += np.count_nonzero(game.win_mask(with_i) & ~game.win_mask(without))
        done += b
    return _estimate(hits, samples, level)

