"""Phase 2, perception: what each actor believes about the others.

Each actor i estimates every other actor j's capability with a multiplicative
error ``N(1, misperception)`` drawn afresh each year (Cusack & Stoll 1990),
floored at 5% so an estimate is never negative; self-knowledge is exact.
Threat of j to i combines j's perceived capability, projected over the
distance between capitals by the loss-of-strength gradient, and j's past
hostility towards i (balance of threat: Walt 1987, *The Origins of Alliances*),
and j's trend: its capability is projected ``trend_horizon`` years ahead at its
smoothed positive growth (a rising rival threatens before it is strong:
Organski & Kugler 1980, *The War Ledger*); a committed ally's threat is
discounted by the commitment.

An ally's help is valued at its *expected* contribution
(:meth:`Observation.expected_defence`): commitment times its interest in the
war (its own stake against the enemy: :meth:`Observation.interest`) times
reliability, the mean of a Beta posterior over its public record of calls
answered (prior ``reliability_prior``, the 74.5% of Leeds, Long & Mitchell
2000, with weight ``reliability_weight``), times the forces its observable
conduct leaves for this war (shared with the wars it already takes part in,
by the campaigns' rule :func:`force_split`; nothing if it is committed to the
enemy too), projected over its distance and across the sea
(:meth:`Observation.amphibious`): alliances may fail (Smith 1995, "Alliance
formation and war", *ISQ* 39(4); Leeds 2003, "Alliance reliability in times
of war", *International Organization* 57(4)), so a hollow, uninterested or
busy alliance deters less than a kept one. The allies of both sides count:
the attacker's in :meth:`Observation.expected_offence`, each weighted by its
offensive obligation (the share of its forces it declared it sends when an
ally attacks, ``WorldState.join_offence``: 0 for a defensive pact, Leeds 2003),
the target's in :meth:`Observation.expected_defence`, as the campaigns call them.

:class:`Observation` bundles these arrays for the strategies; quantities that
only some strategies need are computed lazily, once per year.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

import numpy as np
from scipy.special import ndtri

from powerbalance import rng
from powerbalance.model.derived import actor_reach
from powerbalance.model.derived import reach as gradient_reach
from powerbalance.model.economy import capability_share
from powerbalance.model.fastops import nonzero, row_max_argmax, sorted_unique
from powerbalance.model.mandate import expected_executor
from powerbalance.model.state import F32, F64, I64, PAIR, BoolA, Setting, WorldState, any_set
from powerbalance.model.victory import victory_probability
from powerbalance.params import Params

_T = TypeVar("_T")


class cached_property(Generic[_T]):  # noqa: N801 (named as the functools one it stands for)
    """:func:`functools.cached_property` without its lock: the value is computed at the
    first read and kept in the instance's ``__dict__``, which later reads find first (a
    non-data descriptor). Python 3.11's own takes a lock at every first read, and an
    Observation has a dozen first reads a year; an Observation is never shared between
    threads."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


def _diagonal(a: np.ndarray) -> np.ndarray:
    """A writable view of the (B, N) diagonals of a C-contiguous (B, N, N) array."""
    b, n, _ = a.shape
    return a.reshape(b, n * n)[:, :: n + 1]


@lru_cache(maxsize=8)
def _error_table(sd: float) -> F32:
    """Quantiles of the estimation error ``max(1 + sd * z, 0.05)``, z standard normal."""
    table = np.maximum(1.0 + sd * rng.quantile_table(ndtri), 0.05).astype(PAIR)
    table.setflags(write=False)
    return table


def update_trend(state: WorldState, params: Params) -> WorldState:
    """The state with this year's capability share recorded and the smoothed growth of
    every actor's share (``momentum``) updated: ``m <- (1 - s) m + s g`` with
    s = ``trend_smoothing`` and g the share's relative growth since last year (0 in the
    first year and for the dead)."""
    share = capability_share(state.wealth, state.military, state.alive, params)
    last = state.last_share
    grows = state.alive & (last > 0)
    if grows.all():  # every actor alive with a share last year: the same numbers as below
        growth = share / last - 1.0
    else:
        growth = np.divide(share, last, out=np.ones_like(share), where=last > 0) - 1.0
        growth = np.where(grows, growth, 0.0)
    s = params.trend_smoothing
    momentum = (1.0 - s) * state.momentum + s * growth
    return state.replace(last_share=share, momentum=np.where(state.alive, momentum, 0.0))


def reliability(state: WorldState, params: Params) -> F64:
    """(B, N) expected share of its promised help each actor sends when called:
    ``(honoured + prior * weight) / (calls + weight)``."""
    w = params.reliability_weight
    return (state.honoured + params.reliability_prior * w) / (state.calls + w)


class Observation:
    """Everything a strategy may read in one year, for the whole batch."""

    def __init__(self, state: WorldState, setting: Setting, params: Params,
                 share: F64 | None = None) -> None:
        """Observe ``state``; ``share`` passes the capability shares when the caller has
        just computed them (they are recomputed otherwise)."""
        self.state = state
        self.setting = setting
        self.params = params
        n = state.n_actors
        self.alive = state.alive
        # Dead actors have share 0, so they are perceived (and threaten) as nothing.
        self.share: F64 = (capability_share(state.wealth, state.military, state.alive, params)
                           if share is None else share)
        self.reach: F32 = (state.reach if params.technology_growth == 0.0
                           else actor_reach(state.capital_distance, params, state.year, setting))
        # reach_in[b, i, j]: the share of j's power arriving at i (reach transposed; the same
        # array while no actor has its own mobility).
        self.reach_in: F32 = (self.reach if setting.mobility is None
                              else np.ascontiguousarray(self.reach.transpose(0, 2, 1)))
        self.noise: F32
        self.perceived: F32
        self.threat: F32
        if setting.engine == "compiled":
            from powerbalance.model import compiled

            self.allied = compiled.any_set(state.alliance)  # (stops at the first alliance)
            self.noise, self.perceived, self.threat, level, index = compiled.observe(
                state, params, self.share, self.reach_in, self.allied,
                _error_table(params.misperception) if params.misperception > 0 else None)
            if level.size:  # the top threats found with the threats (many actors)
                self.__dict__["_top"] = (level, index)
            return
        self.allied = any_set(state.alliance)  # any alliance in the batch
        if params.misperception > 0:
            noise = rng.from_table(state.keys, state.year, rng.Stream.PERCEPTION, (n, n),
                                   _error_table(params.misperception))
            _diagonal(noise)[:] = 1.0
        else:
            noise = np.ones((state.batch, n, n), dtype=PAIR)
        self.noise = noise
        self.perceived = noise * self.share.astype(PAIR)[:, None, :]
        threat = self.perceived * self.reach_in
        factor = None  # one scratch array for both factors
        if self.allied:
            factor = np.subtract(PAIR(1.0), state.alliance)
            threat *= factor
        if params.hostility_weight and any_set(state.hostility):
            factor = np.multiply(state.hostility, PAIR(params.hostility_weight), out=factor)
            factor += PAIR(1.0)
            threat *= factor
        if params.trend_horizon > 0 and (state.momentum > 0).any():
            rising = 1.0 + params.trend_horizon * np.maximum(state.momentum, 0.0)
            threat *= rising.astype(PAIR)[:, None, :]
        _diagonal(threat)[:] = 0.0
        self.threat = threat

    @cached_property
    def money_reach(self) -> F32:
        """(B, N, N) the share of i's money (subsidies, bribes, subversion) arriving at j: the
        engine's gradient between the capitals with mobility 1 for every actor, so symmetric.
        An actor's ``mobility`` is the march of its armies (horse archers with remounts living
        off the grass, May 2007), which carries no purse faster; where no actor has its own
        mobility this is :attr:`reach` itself. A stated choice: the literature cited for
        mobility is silent on the transfer of money."""
        if self.setting.mobility is None:
            return self.reach
        return gradient_reach(self.state.capital_distance, self.params, self.state.year,
                              self.setting.engine)

    @cached_property
    def abandonment_peak(self) -> float:
        """Largest remembered abandonment in the batch (0 if none)."""
        return float(self.state.abandonment.max(initial=0.0))

    @cached_property
    def exploitation_peak(self) -> float:
        """Largest remembered exploitation in the batch (0 if none)."""
        return float(self.state.exploitation.max(initial=0.0))

    @cached_property
    def pair_alive(self) -> BoolA:
        """(B, N, N) both i and j alive, i != j."""
        pair = self.alive[:, :, None] & self.alive[:, None, :]
        _diagonal(pair)[:] = False
        return pair

    @property
    def adjacent(self) -> BoolA:
        """(B, N, N) live actors sharing a border."""
        return self.state.adjacent

    @cached_property
    def _top(self) -> tuple[F32, I64]:
        if self.setting.engine == "compiled":  # the same first maxima in one pass
            from powerbalance.model.compiled import kernels

            return kernels()["top"](self.threat)  # type: ignore[no-any-return]
        return row_max_argmax(self.threat)

    @cached_property
    def top_threat(self) -> I64:
        """(B, N) the most threatening actor for each actor (-1 if none)."""
        level, idx = self._top
        return np.where(level > 0, idx, -1)

    @property
    def top_threat_level(self) -> F32:
        """(B, N) threat of the top threat, in capability-share units."""
        return self._top[0]

    @cached_property
    def reliability(self) -> F64:
        """(B, N) each actor's reliability as an ally (see :func:`reliability`)."""
        if self.setting.engine == "compiled":
            return self._fused_forces("reliability")
        return reliability(self.state, self.params)

    @cached_property
    def wars_under_way(self) -> F64:
        """(B, N) wars under way in which the actor takes part: as a principal (waging or
        defending) or as an ally of a principal, not committed to the enemy too, that
        fought the enemy last year (it joined the war's campaign: ``WorldState.fought``).
        An actor splits its forces evenly among its wars (:func:`force_split`, the rule of
        the campaigns), which others see."""
        if self.setting.engine == "compiled":
            return self._fused_forces("wars_under_way")
        state = self.state
        n = state.n_actors
        wb, wa = nonzero(state.war_target >= 0)
        wt = state.war_target[wb, wa]
        worlds, actors = [wb, wb], [wa, wt]
        if self.allied and len(wb):
            alliance = state.alliance
            for principal, enemy in ((wa, wt), (wt, wa)):
                r, k = nonzero(alliance.reshape(-1, n)[wb * n + principal] > 0)
                cell = (wb[r] * n + k) * n + enemy[r]
                called = (self.alive[wb[r], k] & (k != enemy[r])
                          & (alliance.reshape(-1)[cell] <= 0) & state.fought.reshape(-1)[cell])
                worlds.append(wb[r[called]])
                actors.append(k[called])
        return force_split(state.batch, n, np.concatenate(worlds), np.concatenate(actors))

    @cached_property
    def forces(self) -> F64:
        """(B, N) the forces each actor can be expected to bring to a new war: its military
        shared evenly among the wars it takes part in already plus the new one (the split
        of the campaigns, :func:`force_split`)."""
        if self.setting.engine == "compiled":
            return self._fused_forces("forces")
        m = np.where(self.alive, self.state.military, 0.0)
        return m / (1.0 + self.wars_under_way)

    @cached_property
    def forces_ongoing(self) -> F64:
        """(B, N) as :attr:`forces`, for a war already under way (counted among its wars)."""
        if self.setting.engine == "compiled":
            return self._fused_forces("forces_ongoing")
        m = np.where(self.alive, self.state.military, 0.0)
        return m / np.maximum(self.wars_under_way, 1.0)

    @cached_property
    def ally_forces(self) -> F64:
        """(B, N) forces each actor can be expected to bring as an ally, before commitment,
        interest, distance and water: :attr:`forces` (its observable conduct) x reliability
        (its record)."""
        if self.setting.engine == "compiled":
            return self._fused_forces("ally_forces")
        return self.forces * self.reliability

    @cached_property
    def _ally_forces_ongoing(self) -> F64:
        if self.setting.engine == "compiled":
            return self._fused_forces("_ally_forces_ongoing")
        return self.forces_ongoing * self.reliability

    def _fused_forces(self, name: str) -> F64:
        """On the compiled engine, :attr:`wars_under_way`, :attr:`forces`,
        :attr:`forces_ongoing`, :attr:`reliability`, :attr:`ally_forces` and
        :attr:`_ally_forces_ongoing` in one pass (the same rows counted and the same float64
        operations, so the same bits), all six kept at the first read of any; ``name``'s."""
        d = self.__dict__
        if "_forces_fused" not in d:
            from powerbalance.model.compiled import kernels

            state, p = self.state, self.params
            w = p.reliability_weight
            d["_forces_fused"] = dict(zip(
                ("wars_under_way", "forces", "forces_ongoing", "reliability", "ally_forces",
                 "_ally_forces_ongoing"),
                kernels()["forces"](state.war_target, state.alliance, state.fought, self.alive,
                                    state.military, state.honoured, state.calls,
                                    float(p.reliability_prior * w), float(w), bool(self.allied)),
                strict=True))
        out: F64 = d["_forces_fused"][name]
        return out

    def interest(self, b: I64, k: I64, e: I64) -> F64:
        """Per triple, ally k's interest in a war against e, the factor of its commitment:
        ``1 - w + w * stake`` with w = ``interest_weight`` and ``stake = T / (T + s)``, T
        the threat of e to k (e's perceived capability projected over their distance, with
        hostility and trend) and s k's own capability share. An ally threatened by the
        same enemy (a shared threat, near it) honours its promise in full; one the enemy
        cannot reach sends ``1 - w`` of it (Smith 1995, "Alliance formation and war",
        *ISQ* 39(4): an ally intervenes as its own stake in the outcome warrants; Leeds
        2003: commitments are kept when interests are; Walt 1987 on shared threat)."""
        if self.params.interest_weight == 0 or not len(b):
            return np.ones(len(b))
        n = self.state.n_actors
        # (The campaign asks only about allies that are not committed to e as well.)
        return self._willing_against.reshape(-1)[(b * n + k) * n + e].astype(np.float64)

    @cached_property
    def _amphibious(self) -> F32 | None:
        """(B, N, N) the amphibious factor of every pair (None without sea links, and on the
        compiled engine where no pair must cross the sea)."""
        land = self.state.land_adjacent
        penalty = self.params.amphibious_penalty
        if land is None or penalty <= 0:
            return None
        if self.setting.engine == "compiled":  # the same factors in one pass
            from powerbalance.model.compiled import kernels

            # None where no pair must cross the sea: every factor is 1, which multiplies
            # nothing (x * 1.0 is x), so the estimates and campaigns keep their bits.
            mass = land_masses(self.setting)[np.maximum(self.state.capital, 0)]
            factor, wet = kernels()["amphibious"](
                np.ascontiguousarray(self.state.adjacent), np.ascontiguousarray(land),
                mass, self.alive, bool(self.params.amphibious_overseas), PAIR(1.0 - penalty))
            return factor if wet else None
        wet = self.state.adjacent & ~land
        if self.params.amphibious_overseas:
            wet |= ~self.state.adjacent & self._overseas
        return np.where(wet, PAIR(1.0 - penalty), PAIR(1.0))

    @cached_property
    def _overseas(self) -> BoolA:
        """(B, N, N) pairs whose capitals lie on different land masses (connected components
        of the land links): power between them must cross the sea."""
        mass = land_masses(self.setting)[np.maximum(self.state.capital, 0)]
        mass = np.where(self.alive, mass, -1)
        return mass[:, :, None] != mass[:, None, :]

    def amphibious(self, b: I64, i: I64, j: I64) -> F64:
        """Per pair, the share of i's projected strength that reaches j: ``1 -
        amphibious_penalty`` when i must project its power over the sea to reach j: it
        borders j only across the sea (a border, none of it by land), or it has no border
        with j and their capitals lie on different land masses (``amphibious_overseas``);
        else 1 (a land border, or a land route whose length distance already discounts).
        One rule for every participant of the *attacking* side (the attacker and its
        allies), in campaigns, in estimates of the odds and in an attacking ally's
        expected help (the stopping power of water: Mearsheimer 2001, ch. 4, on amphibious
        assaults against defended territory); a defender's ally pays none, it lands on a
        friendly coast (:meth:`expected_defence`; :mod:`powerbalance.model.war`)."""
        factor = self._amphibious
        if factor is None or not len(b):
            return np.ones(len(b))
        n = self.state.n_actors
        return factor.reshape(-1)[(b * n + i) * n + j].astype(np.float64)

    @cached_property
    def _allies_of(self) -> tuple[I64, I64, F64]:
        """The live allies of every actor, grouped by (b, j) in CSR form: ``(ptr, cells,
        bond)``, the allies of (b, j) being the flat ``[b, j, k]`` cells
        ``cells[ptr[b*N+j]:ptr[b*N+j+1]]`` in index order, ``bond`` their commitment
        (built once a year; an estimate then reads only the allies)."""
        if self.setting.engine == "compiled":  # the same cells in one compiled pass
            from powerbalance.model import compiled_war

            return compiled_war.allies_of(self.state.alliance, self.alive)
        n, batch = self.state.n_actors, self.state.batch
        alliance = self.state.alliance.reshape(-1)
        cells = np.flatnonzero(alliance > 0)
        cells = cells[self.alive.reshape(-1)[(cells // (n * n)) * n + cells % n]]
        ptr = np.zeros(batch * n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // n, minlength=batch * n), out=ptr[1:])
        return ptr, cells, alliance[cells].astype(np.float64)

    @cached_property
    def _willing_against(self) -> F32:
        """(B, N, N) ``[b, k, e]``: k's interest in a war against e (see :meth:`interest`),
        0 where k is e."""
        w = PAIR(self.params.interest_weight)
        if self.setting.engine == "compiled":  # the same operations in one pass
            from powerbalance.model.compiled import kernels

            return kernels()["willing"](  # type: ignore[no-any-return]
                np.ascontiguousarray(self.threat), self.share, w, PAIR(1.0) - w)
        # [b, k, e]: T + s, s floored so that a dead k (no share) divides by no zero.
        own = np.maximum(self.share, 1e-30).astype(PAIR)
        willing = self.threat + own[:, :, None]
        np.divide(self.threat, willing, out=willing)        # the stake T / (T + s)
        willing *= w
        willing += PAIR(1.0) - w
        _diagonal(willing)[:] = 0.0
        return willing

    def _side(self, b: I64, j: I64, e: I64, offence: bool, ongoing: bool) -> F64:
        """Per pair, the strength j's side is expected to bring to a war with e, measured
        at the front (e's capital when j attacks, j's own when it defends), before the
        estimation error about j: j's :attr:`forces` projected to the front (with the
        amphibious factor when it attacks), plus, for each live ally k not committed to e
        too (it would stay out), commitment x interest(k, e) x :attr:`ally_forces` x reach
        to the front, and, when j attacks, x k's offensive obligation
        (``WorldState.join_offence``, the share it declared it sends when an ally attacks:
        an ally under a defensive pact adds nothing to an attack) x the amphibious factor
        of k's route there (a defender's ally reinforces a friendly coast and pays no
        amphibious penalty, as in the campaigns). The campaigns call the
        allies of both sides and measure every participant's strength at the target's
        capital (:mod:`.war`); the estimates do the same, with each ally's help at its
        expectation (Smith 1995; Leeds 2003). Memoised per pair for the year."""
        if self.setting.engine == "compiled":
            from powerbalance.model import compiled

            return compiled.side(self, b, j, e, offence, ongoing)
        n = self.state.n_actors
        memo = self._memo(offence, ongoing)
        key = (b * n + j) * n + e
        out = memo[key]
        miss = np.isnan(out)
        if miss.any():
            uniq = key[miss]
            # (The pairs mostly come sorted and distinct: sort only when they do not.)
            if len(uniq) > 1 and not (uniq[1:] > uniq[:-1]).all():
                uniq = sorted_unique(uniq)
            qb, rest = np.divmod(uniq, n * n)
            qj, qe = np.divmod(rest, n)
            memo[uniq] = self._side_of(qb, qj, qe, offence, ongoing)
            out = memo[key]
        return out

    def _memo(self, offence: bool, ongoing: bool) -> F64:
        """The flat (B*N*N,) memo of :meth:`_side` for one kind of estimate (NaN: not yet
        computed this year). Every bit of a new memo is set, a NaN: a byte fill (a memset)
        writes it faster than ``np.full(..., np.nan)`` (a 10,000-world memo of 3.9 MB in
        0.47 ms against 0.64 ms, cold), and only NaN-ness is read."""
        memos = self.__dict__.setdefault("_memos", {})
        kind = (offence, ongoing)
        if kind not in memos:
            fresh = np.empty(self.state.batch * self.state.n_actors ** 2)
            fresh.view(np.uint8).fill(0xFF)
            memos[kind] = fresh
        memo: F64 = memos[kind]
        return memo

    def _side_of(self, b: I64, j: I64, e: I64, offence: bool, ongoing: bool) -> F64:
        """:meth:`_side` computed (no memo)."""
        n = self.state.n_actors
        front = e if offence else j
        reach = self.reach.reshape(-1)
        forces = self.forces_ongoing if ongoing else self.forces
        own = forces.reshape(-1)[b * n + j]
        if offence:
            own = own * reach[(b * n + j) * n + e] * self.amphibious(b, j, e)
        guard = None if offence else self._concert_guard
        if guard is not None and len(b):
            own = self._with_concert(own, b, j, e, guard, ongoing)
        if not self.allied or not len(b):
            return own
        ptr, entries, bond = self._allies_of
        row = b * n + j
        first, count = ptr[row], ptr[row + 1] - ptr[row]
        r = np.repeat(np.arange(len(b)), count)
        at = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(len(r))
        k = entries[at] % n
        kb, kf = b[r], front[r]
        cell = (kb * n + k) * n + e[r]
        ally_forces = self._ally_forces_ongoing if ongoing else self.ally_forces
        ally = (bond[at] * ally_forces.reshape(-1)[kb * n + k]
                * reach[(kb * n + k) * n + kf] * self._willing_against.reshape(-1)[cell])
        if offence:
            # An attacker's ally comes as far as its pact obliges it to join an offensive war
            # (its declared join_offence; 0 for a defensive pact: Leeds 2003) and crosses the
            # sea to assault; a defender's ally lands on a friendly coast (no penalty).
            # A treaty's own offensive obligation (pact_offence) binds as well.
            ally *= (np.maximum(self.state.join_offence.reshape(-1)[kb * n + k],
                                self.state.pact_offence.reshape(-1)[(kb * n + k) * n + j[r]])
                     * self.amphibious(kb, k, kf))
        # An ally committed to e as well stays out of the war.
        ally *= self.state.alliance.reshape(-1)[cell] <= 0
        if guard is not None:
            # the executor protecting j counts once, as the concert's (see _with_concert)
            ally *= guard[kb * n + e[r]] != k
        # Entries run by pair, then ally: each pair's sum takes its allies in index order,
        # whatever the batch.
        return np.asarray(own + np.bincount(r, weights=ally, minlength=len(b)),
                          dtype=np.float64)

    @cached_property
    def _concert_guard(self) -> I64 | None:
        """With ``concert_deterrence`` (law, a concert and its armed intervention on): the
        flat (B*N,) executor the mandate would send against each actor were it an outlaw
        (:func:`powerbalance.model.mandate.expected_executor`, the selection the mandate
        makes; -1: none); else None. Only an actor outside the concert has one, since only
        its attack the concert answers (:func:`powerbalance.model.law.outlaws`: a
        non-member that takes provinces by force, whoever its victim): the executor is -1
        for members (and the dead), so no separate mask of the outsiders is needed."""
        p, state = self.params, self.state
        if not (p.law and p.concert_armed and p.concert_deterrence) or state.concert is None:
            return None
        return expected_executor(state, p).reshape(-1)

    def _with_concert(self, own: F64, b: I64, j: I64, e: I64, executor: I64,
                      ongoing: bool) -> F64:
        """Per pair, j's own expected defence against e (``own``) plus, when e is outside
        the concert (``concert_deterrence``), the expected help of the one executor the
        mandate would send against e (:func:`powerbalance.model.mandate.expected_executor`:
        the strongest live intervener bordering e, only if it can contend alone), when it
        is neither j nor e: commitment 1 x :attr:`ally_forces` (its forces x reliability)
        x reach to j's capital x interest(k, e), as an ally of j is valued, its alliance
        with e no shield (as in the mandate, :func:`powerbalance.model.law.intervene`),
        added after j's own forces. Only the executor counts: a threat the concert would
        carry out, credible because it would be made (Slantchev 2005, *Security Studies*
        14(4); Jervis 1985, *World Politics* 38(1))."""
        n = self.state.n_actors
        k = executor[b * n + e]   # -1 where e is in the concert (see _concert_guard)
        q = np.flatnonzero((k >= 0) & (k != j) & (k != e))
        if not len(q):
            return own
        qb, qj, qe, k = b[q], j[q], e[q], k[q]
        ally_forces = self._ally_forces_ongoing if ongoing else self.ally_forces
        reach = self.reach.reshape(-1)
        help_ = (ally_forces.reshape(-1)[qb * n + k] * reach[(qb * n + k) * n + qj]
                 * self._willing_against.reshape(-1)[(qb * n + k) * n + qe])
        out = own.copy()
        out[q] = own[q] + help_
        return out

    def expected_defence(self, b: I64, j: I64, e: I64, ongoing: bool = False) -> F64:
        """Per pair, the military j and its allies can be expected to bring to j's defence
        against e (see :meth:`_side`): hollow, uninterested, busy, distant or sea-borne
        allies deter less (Smith 1995; Leeds 2003). ``ongoing``: in a war already under way
        (not a new one on top of j's wars)."""
        return self._side(b, j, e, False, ongoing)

    def expected_offence(self, b: I64, i: I64, j: I64, ongoing: bool = False) -> F64:
        """Per pair, the strength i and its allies can be expected to bring to an attack on
        j, at j's capital (see :meth:`_side`): the attacker's allies are called too, each
        valued at its expected help, as the defender's are, times its offensive obligation
        (an ally bound only to defend adds nothing: Leeds 2003)."""
        return self._side(b, i, j, True, ongoing)

    def war_sides(self, b: I64, i: I64, j: I64) -> tuple[F64, F64]:
        """Per pair, i's estimate of the two sides of a war it starts against j: (its side's
        expected offence, j's side's expected defence with i's estimation error about j)."""
        n = self.state.n_actors
        enemy = (self.expected_defence(b, j, i)
                 * self.noise.reshape(-1)[(b * n + i) * n + j])
        return self.expected_offence(b, i, j), enemy

    def win_odds(self, b: I64, i: I64, j: I64) -> F64:
        """Actor (b, i)'s estimate of its chance to defeat j and j's allies, per pair: its
        side's expected offence against j's expected defence against i, as i perceives it
        (with i's estimation error about j; :meth:`war_sides`)."""
        own, enemy = self.war_sides(b, i, j)
        return victory_probability(own, enemy, self.params)


def force_split(batch: int, n: int, world: I64, actor: I64) -> F64:
    """(B, N) the number of wars each actor takes part in, from one row ``(world, actor)``
    per war and participant: an actor in several wars splits its forces evenly among them.
    One rule for the campaigns (:mod:`.war`) and for the estimates
    (:attr:`Observation.wars_under_way`)."""
    counts = np.bincount(world * n + actor, minlength=batch * n)
    return counts.reshape(batch, n).astype(np.float64)


def land_masses(setting: Setting) -> I64:
    """(P,) the land mass of every province: its connected component of the land links
    (sea links do not join land masses; :attr:`ProvinceMap.land_masses`, computed once per
    map)."""
    return setting.province_map.land_masses
