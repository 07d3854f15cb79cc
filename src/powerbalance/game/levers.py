"""The levers of a played actor: the engine's policy levers as small integer choices.

A move is a vector of ``len(LEVERS)`` integers (a Gymnasium ``MultiDiscrete``); the
engine fields are those of :class:`~powerbalance.strategies.base.Actions`:

===============  ==========================  =============================================
lever            choices                     engine field
===============  ==========================  =============================================
spend            0..5: SPEND_LEVELS          ``spend``: share of wealth on the military
attack           0 none, k: actor k-1        ``attack``: a demand on a live neighbour (war
                                             if refused, see :mod:`powerbalance.model.war`)
offer            0 none, k: actor k-1        ``offer``: an alliance offer
accept           0 refuse, 1 accept          ``accept``: accept this year's offers
leave            0 stay, 1 leave             ``leave``: leave all alliances
defend           0, 1, 2: JOIN_LEVELS        ``join``: share of forces sent to an attacked ally
join_offence     0, 1, 2: JOIN_LEVELS        ``join_offence``: share sent when an ally attacks
pay              0 none, k: actor k-1        ``pay`` + ``pay_spend = Params.wedge_payment``
pressure         0 none, k: actor k-1        ``pressure``: a coercive wedge (stay out)
subvert          0 none, k: actor k-1        ``subvert`` + ``subvert_spend =
                                             Params.subversion_spend``
===============  ==========================  =============================================

A target that is the actor itself or dead means none; an attack on an actor that is
not a neighbour means none (the engine's wars are between neighbours). Side payments,
subversion and counter-subversion (``Params.counter_spend`` when cohesion is below
``Params.counter_trigger``, as every strategy does) are paid on top of military
spending, as the strategies do.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.model.state import WorldState
from powerbalance.params import Params
from powerbalance.strategies.base import Actions

LEVERS = ("spend", "attack", "offer", "accept", "leave", "defend", "join_offence", "pay",
          "pressure", "subvert")
#: Military spending (share of wealth) of each ``spend`` choice; the top one is
#: ``Params.max_spend`` whatever its value.
SPEND_LEVELS = (0.0, 0.03, 0.06, 0.1, 0.15, None)
#: Shares of its forces an actor sends to an ally's war (none, half, all).
JOIN_LEVELS = (0.0, 0.5, 1.0)
_JOIN = np.asarray(JOIN_LEVELS)
_JOIN.setflags(write=False)
_TARGETS = ("attack", "offer", "pay", "pressure", "subvert")  # attack first (see _columns)
_TARGET_AT = np.array([LEVERS.index(name) for name in _TARGETS])
_TARGET_AT.setflags(write=False)
#: Positions of the other levers (the engine fields they set, see _columns).
_AT = {name: LEVERS.index(name) for name in LEVERS}


def choices(n_actors: int) -> npt.NDArray[np.int64]:
    """Number of choices of each lever (the ``nvec`` of a ``MultiDiscrete`` space)."""
    count = {"spend": len(SPEND_LEVELS), "accept": 2, "leave": 2, "defend": len(JOIN_LEVELS),
             "join_offence": len(JOIN_LEVELS)}
    return np.array([count.get(name, n_actors + 1) for name in LEVERS], dtype=np.int64)


def spend_levels(params: Params) -> npt.NDArray[np.float64]:
    """The military spending of each ``spend`` choice under ``params``."""
    return _spend_levels(params.max_spend).copy()


@lru_cache(maxsize=16)
def _spend_levels(top: float) -> npt.NDArray[np.float64]:
    """:func:`spend_levels` for ``Params.max_spend = top`` (read-only, computed once)."""
    out = np.array([top if x is None else min(x, top) for x in SPEND_LEVELS])
    out.setflags(write=False)
    return out


def passive_move(params: Params) -> list[int]:
    """The move that spends about ``Params.base_spend``, accepts offers, defends allies and
    starts nothing (what a status-quo actor does)."""
    levels = spend_levels(params)
    spend = int(np.argmin(np.abs(levels - params.base_spend)))
    move = dict.fromkeys(LEVERS, 0) | {"spend": spend, "accept": 1, "defend": 2}
    return [move[name] for name in LEVERS]


def _columns(levers: npt.NDArray[np.int64], players: list[int], state: WorldState,
             params: Params) -> dict[str, npt.NDArray[Any]]:
    """The players' columns (B, P) of every engine field their moves set (see
    :func:`to_actions`), the passive value of the fields no lever sets included."""
    b, n = state.batch, state.n_actors
    lv = np.minimum(np.maximum(levers, 0), _highest(n))  # np.clip's values (integers)
    pl, _ = _player_columns(tuple(players))
    # The five target levers at once: (B, P, 5) actor indices, -1 for none.
    t = lv.take(_TARGET_AT, axis=2)
    t -= 1
    safe = np.maximum(t, 0)
    rows = np.arange(b)[:, None]
    ok = (t >= 0) & (t != pl[None, :, None]) & state.alive[rows[:, :, None], safe]
    ok[:, :, 0] &= state.adjacent[rows, pl[None, :], safe[:, :, 0]]  # attack: a neighbour
    targets = np.where(ok, t, -1)
    out: dict[str, npt.NDArray[Any]] = {name: targets[:, :, k] for k, name in enumerate(_TARGETS)}
    pay_spend = np.where(out["pay"] >= 0, params.wedge_payment, 0.0)
    subvert_spend = np.where(out["subvert"] >= 0, params.subversion_spend, 0.0)
    military = _spend_levels(params.max_spend)[lv[:, :, 0]]
    join = _JOIN
    # Counter-subversion as every strategy does it (Actions.defensive): below the trigger.
    low = state.cohesion[:, pl] < params.counter_trigger
    counter = np.where(low, params.counter_spend, 0.0)
    out.update(spend=military + pay_spend + subvert_spend + counter, counter_spend=counter,
               pay_spend=pay_spend, subvert_spend=subvert_spend,
               accept=lv[:, :, _AT["accept"]] == 1,
               leave=lv[:, :, _AT["leave"]] == 1,
               join=join[lv[:, :, _AT["defend"]]],
               join_offence=join[lv[:, :, _AT["join_offence"]]])
    return out


@lru_cache(maxsize=16)
def _highest(n_actors: int) -> npt.NDArray[np.int64]:
    """The highest choice of each lever (read-only; :func:`choices` less one)."""
    out = choices(n_actors) - 1
    out.setflags(write=False)
    return out


def to_actions(levers: npt.NDArray[np.int64], players: list[int], state: WorldState,
               params: Params) -> Actions:
    """(B, N) engine actions whose player columns hold the moves ``levers`` (B, P, L).

    Out-of-range choices are clipped into range; invalid targets mean none (see the
    module docstring). Other columns hold passive actions (the override keeps only the
    players' columns).
    """
    passive = Actions.passive(state.batch, state.n_actors, params.base_spend)
    return apply_levers(passive, levers, players, state, params, live_only=False)


def apply_levers(actions: Actions, levers: npt.NDArray[np.int64], players: list[int],
                 state: WorldState, params: Params, *, live_only: bool = True) -> Actions:
    """``actions`` with the players' columns replaced by their moves ``levers`` (B, P, L),
    where the player is alive (``live_only``): the fields the levers set, and the passive
    value of the others (no shirking, no acceptance threshold, no leaving of passed
    alliances), as :meth:`Actions.where` of :func:`to_actions` would give, in one copy of
    each field instead of three."""
    pl, cols = _player_columns(tuple(players))
    live = state.alive[:, cols] if live_only else None
    if live is not None and live.all():
        live = None  # every player alive: its columns take its moves (the same values)
    mine = _columns(levers, players, state, params)
    changed: dict[str, np.ndarray] = {}
    pairs: list[tuple[str, Any]] = [*mine.items(), *_UNSET]
    fresh = actions.fresh
    for name, value in pairs:
        if name in _UNSET_NAMES and name in fresh:
            continue  # the passive value already, everywhere
        arr: np.ndarray = getattr(actions, name).copy()  # a writable copy
        arr[:, cols] = value if live is None else np.where(live, value, arr[:, cols])
        changed[name] = arr
    return actions.replace(**changed)


@lru_cache(maxsize=64)
def _player_columns(players: tuple[int, ...]) -> tuple[npt.NDArray[np.int64],
                                                      slice | npt.NDArray[np.int64]]:
    """The players' indices (read-only) and their columns: a slice when they are
    consecutive (one player, say), the same cells as the index array without a gather."""
    pl = np.asarray(players, dtype=np.int64)
    pl.setflags(write=False)
    cols: slice | npt.NDArray[np.int64] = pl
    if len(pl) and (pl == np.arange(pl[0], pl[0] + len(pl))).all():
        cols = slice(int(pl[0]), int(pl[0]) + len(pl))
    return pl, cols


#: Engine fields no lever sets, with the passive value a player's column takes.
_UNSET = (("shirk", -1), ("accept_ratio", 0.0), ("leave_passed", False),
          ("leave_ally", -1))
_UNSET_NAMES = frozenset(name for name, _ in _UNSET)


def describe(move: list[int] | npt.NDArray[np.int64], names: tuple[str, ...],
             params: Params) -> dict[str, object]:
    """A move in words: ``{"spend": 0.06, "attack": "Chu", ...}`` (None for no target)."""
    move = [int(x) for x in move]
    out: dict[str, object] = {}
    for k, name in enumerate(LEVERS):
        v = move[k]
        if name == "spend":
            out[name] = float(spend_levels(params)[min(v, len(SPEND_LEVELS) - 1)])
        elif name in ("accept", "leave"):
            out[name] = bool(v)
        elif name in ("defend", "join_offence"):
            out[name] = JOIN_LEVELS[min(v, len(JOIN_LEVELS) - 1)]
        else:
            out[name] = names[v - 1] if 0 < v <= len(names) else None
    return out


def encode(words: dict[str, object], names: tuple[str, ...], params: Params) -> list[int]:
    """The inverse of :func:`describe` (missing levers take :func:`passive_move`'s choice);
    a ``ValueError`` names a bad lever or value."""
    move = dict(zip(LEVERS, passive_move(params), strict=True))
    for name, value in words.items():
        if name not in LEVERS:
            raise ValueError(f"unknown lever {name!r} (allowed: {', '.join(LEVERS)})")
        if name == "spend":
            levels = spend_levels(params)
            move[name] = int(np.argmin(np.abs(levels - float(value))))  # type: ignore[arg-type]
        elif name in ("accept", "leave"):
            move[name] = int(bool(value))
        elif name in ("defend", "join_offence"):
            move[name] = int(np.argmin(np.abs(np.asarray(JOIN_LEVELS) - float(value))))  # type: ignore[arg-type]
        elif value is None or value == "":
            move[name] = 0
        elif value in names:
            move[name] = names.index(str(value)) + 1
        else:
            raise ValueError(f"lever {name}: unknown actor {value!r} "
                             f"(allowed: {', '.join(names)})")
    return [move[name] for name in LEVERS]
