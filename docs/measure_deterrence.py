"""Measure the nuclear deterrence decision on cold-war-1950: the figures of docs/model.md.

Run from the repository root::

    python docs/measure_deterrence.py --worlds 100 --seed 0

It prints, with the engine defaults (``resolve_rule = "own-valuation"``, crisis memory on):

1. **Dose-response** over the USSR's resolve (0.1, 0.5, 0.9, 1): ``superpower_war`` (the
   share of worlds in which the USA and the USSR fought on opposite sides, the
   nuclear-peace experiment's statistic) and the deterred share (the USSR's demands on
   targets with a nuclear defender that were deterred, pooled over worlds and years), and
   the same with ``deterrence_accident = 0`` (the accident floor's null) and under the
   alternative ``resolve_rule = "balance"``.
2. **Cost against gain** of every USSR demand on a client of the USA (a target the USA is
   allied with), recorded at the decision (:func:`powerbalance.model.deterrence.decision_terms`)
   at USSR resolve 0.5: per target, the median chance h of being struck, the median ratio
   of the undiscounted expected cost (resolve 0) to the gain, and the median break-even
   resolve ``1 - gain / cost`` (the resolve at which the attack would be chosen); and per
   decision the chance of being struck below which the attack would pay, ``h* = S / (S +
   (1 - r) D)`` (S the stake before the ``1 - h`` of a mutual exchange, D the devastation
   risked: the challenger's cutoff), undiscounted (r = 0, as under the balance rule) and at
   r = 0.5, with the fall in h it needs (the median of ``h / h*``).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np

from powerbalance.experiments import claims
from powerbalance.experiments.runner import simulate
from powerbalance.model import deterrence as deterrence_module
from powerbalance.model import war as war_module
from powerbalance.scenarios import load

SCENARIO = "cold-war-1950"
RESOLVES = (0.1, 0.5, 0.9, 1.0)


def _ussr_events(kind: str) -> claims.Statistic:
    def stat(result: Any, scen: Any) -> np.ndarray:
        ev = result.events
        rows = ev[(ev["kind"] == kind) & (ev["actor"] == claims.actor_index(scen, "USSR"))]
        return claims._per_world(result, rows.groupby("world").size())

    return stat


def dose_response(worlds: int, seed: int) -> None:
    """Print superpower_war and the deterred share per USSR resolve and variant."""
    variants: dict[str, dict[str, Any]] = {
        "default": {}, "no-accident": {"deterrence_accident": 0.0},
        "balance": {"resolve_rule": "balance"},
    }
    arms = tuple(claims.Arm(f"{v}:{r}", SCENARIO, overrides=o,
                            changes={"USSR": {"resolve": r}})
                 for v, o in variants.items() for r in RESOLVES)
    exp = claims.Experiment(
        name="deterrence-dose-response", claim=0, title="deterrence dose-response",
        claim_text="", arms=arms,
        statistics={"superpower_war": ("", claims.war_between("USA", "USSR")),
                    "held": ("", _ussr_events("deterrence_held")),
                    "failed": ("", _ussr_events("deterrence_failed"))},
        comparisons=(), null=False)
    result = claims.run_experiment(exp, worlds=worlds, seed=seed, keep_runs=False)
    mean = {(r["arm"], r["statistic"]): r["mean"] for r in result.arms.to_dict("records")}
    print(f"dose-response ({SCENARIO}, {worlds} worlds, seed {seed})")
    print(f"{'variant':<12} {'resolve':>7} {'superpower_war':>15} {'deterred share':>15}")
    for v in variants:
        for r in RESOLVES:
            arm = f"{v}:{r}"
            held, failed = mean[(arm, "held")], mean[(arm, "failed")]
            share = held / (held + failed) if held + failed else float("nan")
            print(f"{v:<12} {r:>7} {mean[(arm, 'superpower_war')]:>15.3f} {share:>15.3f}")


def cost_against_gain(worlds: int, seed: int) -> None:
    """Print, per NATO client, the USSR's median h, cost/gain and break-even resolve."""
    scen = load(SCENARIO)
    params = scen.make_params()
    setting = scen.setting(params)
    ussr, usa = claims.actor_index(scen, "USSR"), claims.actor_index(scen, "USA")
    records: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
    original = war_module.deterrence

    def recording(state: Any, b: Any, a: Any, t: Any, p: Any, s: Any = None) -> Any:
        pick = (a == ussr) & (t != usa) & (state.alliance[b, usa, t] > 0)
        if pick.any() and p.deterrence_rule == "decision":
            k = np.flatnonzero(pick)
            # Resolve 0: the undiscounted cost (resolve enters only there by default).
            resolve = state.resolve.copy()
            resolve[b[k], ussr] = 0.0
            hit, cost, gain = deterrence_module.decision_terms(
                state.replace(resolve=resolve), s, b[k], a[k], t[k], p)
            for tt, h, c, g in zip(t[k], hit, cost, gain, strict=True):
                records[int(tt)].append((float(h), float(c), float(g)))
        return original(state, b, a, t, p, s)

    war_module.deterrence = recording  # type: ignore[assignment]
    try:
        simulate(scen, params, setting, seed, np.arange(worlds), scen.years, record="final")
    finally:
        war_module.deterrence = original  # type: ignore[assignment]
    print(f"\nUSSR (resolve {params_resolve(scen)}) against the USA's clients "
          f"({worlds} worlds, seed {seed}): medians over its demand-years")
    print(f"{'target':<16} {'demands':>8} {'h':>6} {'cost/gain':>10} {'break-even r':>13} "
          f"{'h* r=0':>7} {'fold':>5} {'h* r=.5':>8} {'fold':>5}")
    for tt, rows in sorted(records.items(), key=lambda kv: -len(kv[1])):
        h, c, g = (np.array(x) for x in zip(*rows, strict=True))
        ratio = np.where(g > 0, c / np.where(g > 0, g, 1.0), np.inf)
        # No cost (h = 0, nobody can strike): chosen at any resolve, break-even 0.
        even = np.where(c > 0, np.clip(1.0 - g / np.where(c > 0, c, 1.0), 0.0, 1.0), 0.0)
        cut = [float(np.median(x)) if len(x) else float("nan")
               for x in (*_cutoff(h, c, g, 0.0), *_cutoff(h, c, g, 0.5))]
        print(f"{scen.names[tt]:<16} {len(rows):>8} {np.median(h):>6.3f} "
              f"{np.median(ratio):>10.1f} {np.median(even):>13.3f} "
              f"{cut[0]:>7.3f} {cut[1]:>5.1f} {cut[2]:>8.3f} {cut[3]:>5.1f}")


def _cutoff(h: np.ndarray, cost: np.ndarray, gain: np.ndarray,
            resolve: float) -> tuple[np.ndarray, np.ndarray]:
    """Per decision of the (nuclear) USSR, from its undiscounted terms: the cutoff ``h* = S
    / (S + (1 - r) D)`` below which the attack pays at resolve r (gain ``(1 - h) S``, cost
    ``h D``), and the fold ``h / h*`` by which h would have to fall (decisions with h in
    (0, 1) only)."""
    ok = (h > 0) & (h < 1)
    stake, devastation = gain[ok] / (1.0 - h[ok]), cost[ok] / h[ok]
    cut = stake / (stake + (1.0 - resolve) * devastation)
    return cut, h[ok] / cut


def params_resolve(scen: Any) -> float:
    """The USSR's resolve in the scenario."""
    return float(next(a.resolve for a in scen.actors if a.name == "USSR"))


def main() -> None:
    """Parse the arguments and print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("dose", "cost"), default=None)
    args = parser.parse_args()
    if args.only != "cost":
        dose_response(args.worlds, args.seed)
    if args.only != "dose":
        cost_against_gain(args.worlds, args.seed)


if __name__ == "__main__":
    main()
