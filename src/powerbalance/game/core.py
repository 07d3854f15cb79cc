"""The game's core: a batch of worlds on the engine where some actors are played.

:class:`World` wraps the pure :func:`~powerbalance.model.step.step`: the actors
named as *players* take the actions given to :meth:`World.step` (their levers,
see :mod:`powerbalance.game.levers`), the others follow their registry
strategies. The player's decisions replace its strategy's through the engine's
override hook (:data:`powerbalance.model.policy.ActionOverride`), after every
strategy has decided, so the rest of the year (diplomacy, subversion, war,
memory) runs the engine's own rules on them.

What a player sees (:meth:`World.observe`) is what its actor perceives: the
capability shares of the others through its own estimation error of the year
(:class:`~powerbalance.model.perception.Observation`), the threats it feels, its
own estimate of the odds of beating each rival, the public facts (who is alive,
borders, alliances, wars) and its own memory; never the true strength of others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError
from powerbalance.game.levers import LEVERS, apply_levers, to_actions
from powerbalance.model.derived import adjacency, frontier_value
from powerbalance.model.economy import capability_share, own_growth
from powerbalance.model.engines import check_engine, default_engine
from powerbalance.model.perception import Observation
from powerbalance.model.state import Setting, WorldState
from powerbalance.model.step import YearRecord, step
from powerbalance.params import Params
from powerbalance.scenarios import load
from powerbalance.scenarios.model import Scenario
from powerbalance.strategies.base import Actions

F32 = npt.NDArray[np.float32]

#: Names of the per-rival blocks of an observation, in order (each holds N values, one per
#: actor of the scenario, the player's own slot included).
RIVAL_BLOCKS = ("perceived_share", "threat", "win_odds", "alive", "neighbour", "my_commitment",
                "their_commitment", "grievance", "at_war")
#: Names of the scalars that end an observation.
SELF_FIELDS = ("spend", "cohesion", "nuclear", "resolve", "year", "prestige")
#: Upper bounds of the blocks and scalars (values are clipped into them: a misperceived
#: share can exceed 1, a threat grows with grievance and trend).
_BLOCK_HIGH = {"perceived_share": 4.0, "threat": 16.0, "grievance": 16.0}
_SELF_LOW = {"prestige": -1.0}

#: Weight of prestige in the reward (see :meth:`World.rewards`).
PRESTIGE_WEIGHT = 0.1
#: Reward of the year in which a played actor is eliminated.
DEATH_PENALTY = -1.0


@dataclass(frozen=True)
class Layout:
    """Where each named quantity sits in the flat observation vector."""

    n_actors: int

    @property
    def size(self) -> int:
        """Length of the observation vector: ``9 N + 6``."""
        return len(RIVAL_BLOCKS) * self.n_actors + len(SELF_FIELDS)

    def slice(self, name: str) -> slice:
        """Positions of a block (N values) or a scalar (one value)."""
        n = self.n_actors
        if name in RIVAL_BLOCKS:
            k = RIVAL_BLOCKS.index(name)
            return slice(k * n, (k + 1) * n)
        k = len(RIVAL_BLOCKS) * n + SELF_FIELDS.index(name)
        return slice(k, k + 1)

    def bounds(self) -> tuple[F32, F32]:
        """(low, high) of every position."""
        low = np.zeros(self.size, np.float32)
        high = np.ones(self.size, np.float32)
        for name in (*RIVAL_BLOCKS, *SELF_FIELDS):
            high[self.slice(name)] = _BLOCK_HIGH.get(name, 1.0)
            low[self.slice(name)] = _SELF_LOW.get(name, 0.0)
        return low, high


def resolve_players(scenario: Scenario, players: list[str] | tuple[str, ...] | None,
                    source: str = "players") -> list[int]:
    """Actor indices of the named players (None: the first actor; an empty list: nobody
    plays); an :class:`InputError` lists the choices."""
    names = list(scenario.names)
    chosen = names[:1] if players is None else list(players)
    out = []
    for name in chosen:
        if name not in names:
            raise InputError(f"unknown actor {name!r}", source=source, field="players",
                             allowed=", ".join(names))
        if names.index(name) in out:
            raise InputError(f"actor {name!r} named twice", source=source, field="players",
                             allowed="each actor at most once")
        out.append(names.index(name))
    return out


def _as_slice(index: npt.NDArray[np.int64]) -> slice | npt.NDArray[np.int64]:
    """``index`` as the same positions in a slice where they are consecutive (a view
    instead of a gather), else itself."""
    if len(index) and (index == np.arange(index[0], index[0] + len(index))).all():
        return slice(int(index[0]), int(index[0]) + len(index))
    return index


def affinity(state: WorldState,
             columns: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.float64]:
    """(B, N, N) how j regards i, in [-1, 1], at ``[b, j, i]``: j's commitment to i less its
    grievance against i and its memory of i abandoning or exploiting allies (each passed
    through ``tanh`` so a long memory saturates). A documented proxy of standing built
    from the engine's own state (the engine has no affinity of its own). ``columns``: only
    those actors i (then (B, N, len(columns))), the same values as the full array's."""
    def pick(a: np.ndarray) -> np.ndarray:
        return a if columns is None else a[:, :, columns]

    memory = np.tanh(pick(state.abandonment).astype(np.float64) + pick(state.exploitation))
    aff = (pick(state.alliance).astype(np.float64) - np.tanh(pick(state.hostility)
                                                            .astype(np.float64)) - memory)
    return np.clip(aff, -1.0, 1.0, out=aff)


def regard(state: WorldState, params: Params, *, share: npt.NDArray[np.float64] | None = None,
           columns: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.float64]:
    """(B, N) the sum over the other live actors j of j's capability share times j's
    affinity towards each actor (:func:`affinity`): :func:`prestige` before the crisis
    standing and the clip. ``share``: the capability shares of ``state`` when the caller
    has them; ``columns``: only those actors (then (B, len(columns)))."""
    if share is None:
        share = capability_share(state.wealth, state.military, state.alive, params)
    cols = np.arange(state.n_actors) if columns is None else np.asarray(columns, dtype=np.int64)
    aff = affinity(state, None if columns is None else cols)
    aff[:, cols, np.arange(len(cols))] = 0.0  # nobody's own regard counts
    weight = np.where(state.alive, share, 0.0)
    out: npt.NDArray[np.float64] = np.einsum("bj,bji->bi", weight, aff)
    return out


def prestige(state: WorldState, params: Params,
             standing: npt.NDArray[np.float64] | None = None, *,
             share: npt.NDArray[np.float64] | None = None,
             columns: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
    """(B, N) the standing of every actor: the sum over the other live actors j of j's
    capability share times j's affinity towards it (:func:`regard`), plus the game's
    crisis ``standing`` (backing down in a crisis lowers it, see
    :mod:`powerbalance.game.crisis`), clipped to [-1, 1].

    ``share``: the capability shares of ``state`` when the caller has them; ``columns``:
    only those actors (then (B, len(columns)); the env's rewards need the players' alone).
    """
    cols = None if columns is None else np.asarray(columns, dtype=np.int64)
    return _standing(regard(state, params, share=share, columns=cols), standing, cols)


def _standing(regard: npt.NDArray[np.float64], standing: npt.NDArray[np.float64] | None,
              columns: npt.NDArray[np.int64] | None) -> npt.NDArray[np.float64]:
    """Prestige from :func:`regard`: plus the crisis standing, clipped to [-1, 1]."""
    out = regard.copy()
    if standing is not None:
        out += standing if columns is None else standing[:, columns]
    return np.clip(out, -1.0, 1.0, out=out)


class World:
    """B worlds of a scenario with some actors played (the rest follow their strategies).

    ``players`` are actor names; ``worlds`` the global world indices (world k of a batch
    is bit-identical to world k alone, as in every run of the engine). ``engine``: ``numpy``
    or ``compiled`` (the same results; see :mod:`powerbalance.model.compiled`); None: the
    compiled one (the faster for the game's small worlds and its batches alike:
    benchmarks/bench_game.py), or ``$POWERBALANCE_ENGINE`` where it is set
    (:func:`~powerbalance.model.engines.default_engine`).
    """

    def __init__(self, scenario: str | Scenario = "warring-states", *, seed: int = 0,
                 players: list[str] | tuple[str, ...] | None = None,
                 worlds: npt.ArrayLike = (0,), params: Params | None = None,
                 overrides: dict[str, object] | None = None,
                 held: tuple[int, ...] | list[int] = (), engine: str | None = None) -> None:
        self.scenario = load(scenario) if isinstance(scenario, str) else scenario
        self.params = params if params is not None else self.scenario.make_params(overrides)
        self.setting: Setting = self.scenario.setting(
            self.params, default_engine() if engine is None else check_engine(engine, "game"))
        self.players = resolve_players(self.scenario, players)
        self.held = tuple(sorted(set(held) - set(self.players)))
        """Actors that start nothing (no demand, offer, leaving, payment, pressure or
        subversion) whatever their strategy decides; they still spend, accept offers and
        defend their allies (the game's levels hold the minor powers so)."""
        self.worlds = np.asarray(worlds, dtype=np.int64).reshape(-1)
        self.layout = Layout(len(self.scenario.actors))
        self.low, self.high = self.layout.bounds()
        self._player_index = np.asarray(self.players, dtype=np.int64)
        pl, n = self._player_index, self.layout.n_actors
        self._player_cols = _as_slice(pl)
        """The players' columns: a slice where they are consecutive (one player, say)."""
        self._actors = np.arange(n)
        self._not_me = (pl[:, None] != self._actors)[None]  # (1, P, N): j is not player p
        self._player_column = pl[None, :, None]  # (1, P, 1)
        self._template: WorldState | None = None
        self._template_arrays: dict[str, np.ndarray] | None = None
        self._given_growth = np.zeros(0, dtype=bool)
        self.reset(seed)

    @property
    def names(self) -> tuple[str, ...]:
        """Actor names of the scenario."""
        return self.scenario.names

    def reset(self, seed: int) -> None:
        """Start again from the scenario's initial state under ``seed``."""
        self.seed = int(seed)
        self.state: WorldState = self.scenario.initial_state(self.params, self.setting,
                                                             self.seed, self.worlds)
        self.standing = np.zeros((self.state.batch, self.state.n_actors))
        self.last_record: YearRecord | None = None
        self._forget()

    def _forget(self) -> None:
        """Drop what was derived from the previous state (once per year: the observation,
        the advisor's preview, the true shares)."""
        self._obs: Observation | None = None
        self._preview: Actions | None = None
        self._share: npt.NDArray[np.float64] | None = None
        self._regard: dict[tuple[int, ...] | None, npt.NDArray[np.float64]] = {}

    @property
    def perception(self) -> Observation:
        """The engine's observation of the current state (each actor's view of the year to
        come: its estimation error of this year's perception stream)."""
        if self._obs is None:
            self._obs = Observation(self.state, self.setting, self.params, share=self.share())
        return self._obs

    def share(self) -> npt.NDArray[np.float64]:
        """(B, N) true capability shares now (for rewards and summaries, not for players;
        computed once per year, read-only)."""
        if self._share is None:
            s = self.state
            self._share = capability_share(s.wealth, s.military, s.alive, self.params)
            self._share.setflags(write=False)
        return self._share

    def prestige(self, columns: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
        """(B, N) prestige now (see :func:`prestige`); ``columns``: only those actors. The
        regard of the others is computed once per year and columns; the crisis standing,
        which a crisis changes within the year, is added at each call."""
        cols = None if columns is None else np.asarray(columns, dtype=np.int64)
        key = None if cols is None else tuple(cols.tolist())
        if key not in self._regard:
            self._regard[key] = regard(self.state, self.params, share=self.share(), columns=cols)
        return _standing(self._regard[key], self.standing, cols)

    def observe(self, elapsed: npt.ArrayLike | None = None,
                rows: npt.ArrayLike | None = None,
                players_prestige: npt.NDArray[np.float64] | None = None) -> F32:
        """(B, P, 9N+6) float32: what each player perceives (layout :class:`Layout`).

        ``elapsed``: (B,) years of each world's current game, for the ``year`` field (the
        batch's year by default; a batched env that restarts finished worlds passes its
        own clocks). ``rows``: only the worlds at those batch positions (``elapsed`` then
        holds theirs), the same values as their rows of the whole batch's.
        ``players_prestige``: ``self.prestige(self.players)`` where the caller has just
        computed it on the current state and standing (whole batch only; saves doing it
        twice a year).
        """
        n, pl = self.layout.n_actors, self._player_index
        if rows is None:
            obs, s, share, standing = self.perception, self.state, self.share(), self.standing
        else:
            rows = np.asarray(rows, dtype=np.int64)
            s, standing = self.state.select(rows), self.standing[rows]
            share = capability_share(s.wealth, s.military, s.alive, self.params)
            obs = Observation(s, self.setting, self.params, share=share)
        b = s.batch
        p = len(pl)
        out = np.empty((b, p, self.layout.size), np.float32)
        alive = s.alive[:, None, :]
        # The odds against each live rival (0 against oneself and the dead), estimated only
        # for those pairs: each pair's estimate is computed alone, whatever else is asked.
        wb, wp, wj = (alive & self._not_me).nonzero()
        odds = obs.win_odds(wb, pl[wp], wj)
        if rows is not None:
            own_prestige = prestige(s, self.params, standing, share=share, columns=pl)
        else:
            own_prestige = self.prestige(pl) if players_prestige is None else players_prestige
        span = max(self.scenario.years, 1)
        if self.setting.engine == "compiled":  # the same values in one pass
            from powerbalance.game.compiled_observe import observation_fill

            if elapsed is None:  # the same float64 quotient and minimum as the array's
                year = np.full(b, min(float(s.year) / span, 1.0))
            else:
                year = np.minimum(np.asarray(elapsed, dtype=np.float64) / span, 1.0)
            observation_fill(out, pl, s.alive, obs.perceived, obs.threat, s.adjacent,
                             s.alliance, s.hostility, s.war_target, s.spend,
                             max(self.params.max_spend, 1e-9), s.cohesion, s.nuclear,
                             s.resolve, np.ascontiguousarray(year, dtype=np.float64),
                             np.ascontiguousarray(own_prestige, dtype=np.float64),
                             wb, wp, wj, np.ascontiguousarray(odds, dtype=np.float64))
            out.clip(self.low, self.high, out=out)
            return out
        me = self._player_cols  # pl, or the same columns as a slice (a view, no gather)
        block = out[:, :, :len(RIVAL_BLOCKS) * n].reshape(b, p, len(RIVAL_BLOCKS), n)  # a view
        block[:, :, 2] = 0.0
        block[wb, wp, 2, wj] = odds
        block[:, :, 0] = obs.perceived[:, me, :]
        block[:, :, 1] = obs.threat[:, me, :]
        block[:, :, 3] = alive
        block[:, :, 4] = s.adjacent[:, me, :]
        block[:, :, 5] = s.alliance[:, me, :]
        block[:, :, 6] = s.alliance[:, :, me].swapaxes(1, 2)
        block[:, :, 7] = s.hostility[:, me, :]
        war = s.war_target[:, me, None] == self._actors
        war |= s.war_target[:, None, :] == self._player_column
        war &= alive
        block[:, :, 8] = war
        own = out[:, :, len(RIVAL_BLOCKS) * n:]  # SELF_FIELDS, in order
        own[:, :, 0] = s.spend[:, me] / max(self.params.max_spend, 1e-9)
        own[:, :, 1] = s.cohesion[:, me]
        own[:, :, 2] = s.nuclear[:, me] / 2.0
        own[:, :, 3] = s.resolve[:, me]
        if elapsed is None:  # the same float64 quotient and minimum as the array's below
            own[:, :, 4] = min(float(s.year) / span, 1.0)
        else:
            own[:, :, 4] = np.minimum(np.asarray(elapsed, dtype=np.float64) / span, 1.0)[:, None]
        own[:, :, 5] = own_prestige
        out.clip(self.low, self.high, out=out)
        return out

    def restart(self, rows: npt.ArrayLike, keys: npt.NDArray[np.uint64],
                drawn: dict[str, np.ndarray] | None = None) -> None:
        """Start the worlds at batch positions ``rows`` again from the scenario's initial
        state with the random ``keys`` (one per row), leaving the others as they are.

        The batch keeps one calendar (the engine's year is the batch's): a restarted
        world lives on from the batch's year, its random streams being those of its new
        key at the years it lives through. Its actors' own growth rates are drawn as the
        engine draws them at a world's first year (the engine redraws them only when the
        whole batch is new); everything the first year derives from the map (frontier,
        land borders) is filled in likewise.

        ``drawn``: :meth:`key_draws` of ``keys`` when the caller has them (a batched env
        draws those of a whole game counter once, see :class:`~powerbalance.game.env.
        BatchedEnv`); drawn here otherwise.
        """
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        keys = np.asarray(keys, dtype=np.uint64).reshape(-1)
        if not len(rows):
            return
        t = self._start()
        template = self._template_rows()
        # What differs between restarted worlds: their keys and what is drawn from them;
        # every other field is the template's one world, broadcast over the rows.
        per_key = {"keys": keys, **(self.key_draws(keys) if drawn is None else drawn)}
        changed = {}
        for name, value in self.state.__dict__.items():
            if not isinstance(value, np.ndarray):
                continue
            arr = value.copy()  # states are immutable: the old one may be shared
            arr[rows] = per_key[name] if name in per_key else template.get(name, getattr(t, name))
            changed[name] = arr
        self.state = self.state.replace(**changed)
        self.standing[rows] = 0.0
        self._forget()

    def key_draws(self, keys: npt.NDArray[np.uint64]) -> dict[str, np.ndarray]:
        """What a restarted world draws from its key (:meth:`restart`): its actors'
        strategies and own growth rates, (len(keys), N) each. Each key's row is a pure
        function of that key (counter-based streams), so the rows of some keys are those
        keys' rows of a larger draw."""
        t = self._start()
        self._template_rows()  # (the actors whose growth trend the scenario gives)
        keys = np.asarray(keys, dtype=np.uint64).reshape(-1)
        return {"strategy": self.scenario.draw_strategies(keys),
                "growth": np.where(self._given_growth, t.growth,  # a scenario's given trend
                                   own_growth(t.replace(keys=keys), self.params))}

    def _template_rows(self) -> dict[str, np.ndarray]:
        """The template's arrays (:meth:`_start`) by field, each of one world (1, ...), and
        the actors whose growth trend the scenario gives; computed once."""
        if self._template_arrays is None:
            self._template_arrays = {
                name: value for name, value in self._start().__dict__.items()
                if isinstance(value, np.ndarray)}
            self._given_growth = np.array([a.growth_trend is not None
                                           for a in self.scenario.actors])
        return self._template_arrays

    def _start(self) -> WorldState:
        """One world's initial state with what the engine's first year derives from the map
        filled in (the template of :meth:`restart`; its key is replaced there)."""
        if self._template is None:
            t = self.scenario.initial_state(self.params, self.setting, 0, [0])
            t = t.replace(frontier=frontier_value(t.owner, t.n_actors, self.setting))
            if self.setting.link_land is not None:
                pair = t.alive[:, :, None] & t.alive[:, None, :]
                t = t.replace(land_adjacent=adjacency(t.owner, t.n_actors, self.setting,
                                                      land_only=True) & pair)
            self._template = t
        return self._template

    def actions_of(self, levers: npt.ArrayLike) -> Actions:
        """The engine's actions of the players from their levers (B, P, len(LEVERS))."""
        lv = np.asarray(levers, dtype=np.int64).reshape(self.state.batch, len(self.players),
                                                       len(LEVERS))
        return to_actions(lv, self.players, self.state, self.params)

    def step(self, levers: npt.ArrayLike,
             withdraw: tuple[tuple[int, str], ...] = ()) -> YearRecord:
        """One year with the players' levers (B, P, len(LEVERS)); returns the year's record.

        ``withdraw``: (actor, "attack" or "pressure") pairs whose demand is withdrawn this
        year whatever the actor's strategy decides (a rival that backed down in a crisis).
        """
        lv = np.asarray(levers, dtype=np.int64).reshape(self.state.batch, len(self.players),
                                                       len(LEVERS))

        def override(obs: Observation, actions: Actions) -> Actions:
            actions = self._hold(actions)
            if self.players:  # read on the state the engine decides on (after the economy)
                actions = apply_levers(actions, lv, self.players, obs.state, self.params)
            if withdraw:
                changed = {name: np.array(getattr(actions, name)) for _, name in withdraw}
                for actor, name in withdraw:
                    changed[name][:, actor] = -1
                actions = actions.replace(**changed)
            return actions

        plain = not (self.players or self.held or withdraw)
        self.state, record = step(self.state, self.setting, self.params,
                                  None if plain else override)
        self.last_record = record
        self._forget()
        return record

    def preview(self) -> Actions:
        """What every actor's strategy would decide on the current state (the engine's own
        estimate of the rivals' next moves, for an advisor); computed once per year."""
        from powerbalance.model.policy import decide

        if self._preview is None:
            self._preview = self._hold(decide(self.perception))
        return self._preview

    def _hold(self, actions: Actions) -> Actions:
        """``actions`` with the initiatives of :attr:`held` actors undone."""
        if not self.held:
            return actions
        h = list(self.held)
        changed: dict[str, np.ndarray] = {}
        spend = np.array(actions.spend)
        spend[:, h] -= np.asarray(actions.pay_spend)[:, h] + np.asarray(actions.subvert_spend)[:, h]
        changed["spend"] = spend
        for name, none in (("attack", -1), ("offer", -1), ("pay", -1), ("pressure", -1),
                           ("subvert", -1), ("pay_spend", 0.0), ("subvert_spend", 0.0),
                           ("leave", False), ("leave_passed", False), ("leave_ally", -1)):
            if name in actions.fresh:
                continue
            arr = np.array(getattr(actions, name))
            arr[:, h] = none
            changed[name] = arr
        return actions.replace(**changed)
