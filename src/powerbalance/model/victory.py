"""The victory function: the attacker's chance of winning given two strengths.

Named switches (``Params.victory_function``), with m = ``decisiveness``:

- ``ratio`` (default): the contest success function ``A^m / (A^m + D^m)``
  (Tullock 1980; Hirshleifer 1989, "Conflict and rent-seeking success
  functions", *Public Choice* 63: 101-112);
- ``logistic``: ``1 / (1 + exp(-4 m (A - D) / (A + D)))``, Hirshleifer's
  difference form on the relative margin;
- ``erf``: ``Phi(m * ln(A / D))``, a probit of the log power ratio;
- ``deterministic``: the stronger side wins (a tie is a coin toss).

Every form gives 1/2 at equal strength.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from powerbalance import detmath
from powerbalance.model.state import F64
from powerbalance.params import Params


def victory_probability(attack: F64, defence: F64, params: Params) -> F64:
    """Chance that a side of strength ``attack`` beats one of strength ``defence``.

    >>> from powerbalance.params import Params
    >>> for kind in ("ratio", "logistic", "erf", "deterministic"):
    ...     p = Params().with_overrides({"victory_function": kind})
    ...     print(kind, float(victory_probability(np.array(2.0), np.array(2.0), p)))
    ratio 0.5
    logistic 0.5
    erf 0.5
    deterministic 0.5
    """
    a = np.maximum(np.asarray(attack, dtype=np.float64), 1e-12)
    d = np.maximum(np.asarray(defence, dtype=np.float64), 1e-12)
    m = params.decisiveness
    kind = params.victory_function
    if kind == "ratio":
        if m == 1.0:
            return a / (a + d)
        return 1.0 / (1.0 + detmath.exp(m * detmath.log(d / a)))
    if kind == "logistic":
        return 1.0 / (1.0 + detmath.exp(-4.0 * m * (a - d) / (a + d)))
    if kind == "erf":
        return np.asarray(ndtr(m * detmath.log(a / d)))
    return np.where(a > d, 1.0, np.where(a < d, 0.0, 0.5))


def war_damage_share(war_damage: float, enemy_share: F64) -> F64:
    """Share of its productivity a principal loses in one campaign-year, per war:
    ``min(2 x war_damage x enemy_share, 1)``, with ``enemy_share`` the enemy side's share of
    the two sides' total strength in the campaign. The rule is a stated choice, not a
    law from the literature: the damage grows with the enemy's share of the strength, as
    the engine's attrition of forces does (``destructiveness`` x the enemy's share), so a
    great power fighting a small state loses little of its economy, its victim much; the
    factor 2 is a normalisation: an even war (share 1/2) costs each principal
    ``war_damage``, and the two principals of any war lose ``2 x war_damage`` of
    productivity between them per campaign-year (shares summing to 1), as much as two
    principals lost under the flat rule before. That wars destroy productivity, and that it
    recovers, is Organski & Kugler's (1977, "The costs of major wars: the phoenix
    factor", *APSR* 71(4); 1980, *The War Ledger*). The hegemon-seeker's expected cost
    applies the same rule to the sides it expects (:mod:`powerbalance.strategies.hegemon_seeker`);
    the campaigns of :mod:`powerbalance.model.war` apply it to the strengths fought."""
    return np.minimum(2.0 * war_damage * np.asarray(enemy_share, dtype=np.float64), 1.0)


def expected_war_years(odds: F64, params: Params) -> F64:
    """Expected number of campaign-years of a war fought at the estimated odds ``p`` (the
    attacker's chance of winning a campaign; one estimate for the hegemon-seeker's expected
    cost and for the campaigns a deterrent threat covers, :mod:`.deterrence`), from the
    engine's war-ending rule
    (:mod:`powerbalance.model.war`): after each campaign its loser concedes when its chance
    of winning the next one is below ``peace_odds``. Taking that chance as ``p`` again (the
    forces revealed keep the balance: attrition by the enemy's share only widens the
    favourite's lead), a year ends the war with probability ``q = p x [1 - p <
    peace_odds] + (1 - p) x [p < peace_odds]`` (the attacker wins and the target gives up,
    or the reverse; ``q = max(p, 1 - p)`` at the default 0.5: the war ends in the first
    campaign the favourite wins), so its length is geometric with mean ``1 / q``. Capped at
    ``max(stake_horizon, 1)``: a war neither side would concede (q = 0) is priced over the
    horizon. A war ended sooner by a collapse or a lost border is left out (an
    approximation: those end few of a favourite's wars)."""
    p = np.asarray(odds, dtype=np.float64)
    ends = (np.where(1.0 - p < params.peace_odds, p, 0.0)
            + np.where(p < params.peace_odds, 1.0 - p, 0.0))
    cap = max(params.stake_horizon, 1.0)
    return np.where(ends * cap > 1.0, 1.0 / np.maximum(ends, 1e-300), cap)
