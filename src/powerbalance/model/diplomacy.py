"""Phase 4, diplomacy: alliances form and dissolve.

An alliance forms when an actor offers one and the other accepts: it must be
alive, open to offers this year, not leaving its alliances, and the proposer
must not be its own top threat. Both become committed to each other with
``Params.alliance_commitment``. An actor that leaves dissolves all its
alliances. Nothing is hard-wired: any pair can ally and part again ("no
permanent friends, no permanent enemies": Palmerston, 1848).
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import sorted_unique
from powerbalance.model.perception import Observation
from powerbalance.model.state import WorldState
from powerbalance.params import Params
from powerbalance.strategies.base import Actions


def diplomacy(state: WorldState, actions: Actions, obs: Observation,
              params: Params) -> tuple[WorldState, list[Events]]:
    """Apply leaving and offers; return the new state and alliance events."""
    alive = state.alive
    k = state.alliance.copy()
    events: list[Events] = []

    leave = actions.leave & alive
    lw, li = np.nonzero(leave)
    if len(lw):
        # Only the leavers' rows matter: dissolve each of their alliances both ways.
        rows = k[lw, li] > 0
        ri, j = np.nonzero(rows)
        bw, i = lw[ri], li[ri]
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        n = state.n_actors
        codes = sorted_unique((bw * n + lo) * n + hi)  # two leavers share one event
        ew, rest = np.divmod(codes, n * n)
        elo, ehi = np.divmod(rest, n)
        events.append(Events.make(EventKind.ALLIANCE_BROKEN, ew, elo, ehi))
        k[ew, elo, ehi] = 0.0
        k[ew, ehi, elo] = 0.0

    bw, i = np.nonzero(alive & (actions.offer >= 0))
    if len(bw):
        j = actions.offer[bw, i]
        ok = (
            alive[bw, j] & (j != i) & actions.accept[bw, j] & ~leave[bw, j]
            & (obs.top_threat[bw, j] != i) & (k[bw, i, j] <= 0)
        )
        bw, i, j = bw[ok], i[ok], j[ok]
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        n = state.n_actors
        codes = sorted_unique((bw * n + lo) * n + hi)
        fw, rest = np.divmod(codes, n * n)
        flo, fhi = np.divmod(rest, n)
        k[fw, flo, fhi] = params.alliance_commitment
        k[fw, fhi, flo] = params.alliance_commitment
        events.append(Events.make(EventKind.ALLIANCE_FORMED, fw, flo, fhi))
    return state.replace(alliance=k), events
