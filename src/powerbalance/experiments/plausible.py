"""Plausible ranges of the uncalibrated parameters: what a robustness band varies.

``powerbalance experiment NAME --robustness N`` reruns an experiment at N
parameter sets and reports in how many the claim holds. Where a calibrated
posterior exists for the experiment's scenarios (:data:`POSTERIORS`, filled by
a calibration: see :func:`register_posterior`) the sets are drawn from it;
otherwise they are a Latin hypercube over the ranges below (McKay, Beckman &
Conover 1979), one per parameter whose default is a *stated choice* rather than
a measured figure, each with the reason for its bounds. Parameters a scenario
calibrates in its ``[params]`` table are held at the scenario's values, and an
arm's own overrides (its treatment) always win.

Each range lies inside the parameter's allowed range (a test checks it) and
contains its default.

References: M. D. McKay, R. J. Beckman & W. J. Conover (1979), "A comparison
of three methods for selecting values of input variables in the analysis of
output from a computer code", *Technometrics* 21(2): 239-245.

>>> PLAUSIBLE["attack_odds"].lo, PLAUSIBLE["attack_odds"].hi
(0.5, 0.75)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PlausibleRange:
    """The range [lo, hi] a parameter plausibly takes, and why."""

    name: str
    lo: float
    hi: float
    reason: str
    only_with: str | None = None
    """A switch parameter the range matters under: it is varied only for experiments with
    an arm (or scenario) that turns that switch on (the law's parameters, say)."""


PLAUSIBLE: dict[str, PlausibleRange] = {r.name: r for r in (
    PlausibleRange("growth_noise", 0.01, 0.05,
                   "yearly output shocks of one to five percent (Maddison 2001's series)"),
    PlausibleRange("guns_butter", 0.0, 0.3,
                   "Dunne & Tian 2013 find effects from none to small negative ones"),
    PlausibleRange("misperception", 0.0, 0.2,
                   "from perfect information to Cusack & Stoll's (1990) N(1, 0.2)"),
    PlausibleRange("hostility_weight", 0.25, 1.0,
                   "aggression one of Walt's (1987) four sources of threat: a quarter to all "
                   "of the weight of capability"),
    PlausibleRange("hostility_decay", 0.05, 0.2,
                   "grievances fade over five to twenty years"),
    PlausibleRange("balance_threshold", 1.1, 1.5,
                   "threatened by a tenth to a half more than oneself (stated choice 1.25)"),
    PlausibleRange("mobilisation_scale", 0.65, 1.41,
                   "a steppe people 7-15% under arms against an agrarian state's 1-2% (May "
                   "2007; Khazanov 1984): a mobilisation of 3.5 to 15, the exponent that takes "
                   "the Mongols' 6.8 there; no effect on an actor without the field"),
    PlausibleRange("attack_odds", 0.5, 0.75,
                   "from even odds to the loss-averse floor of Kahneman & Tversky's 1.5-2"),
    PlausibleRange("late_entry_odds", 0.5, 0.7,
                   "a weakened victim struck at even to clearly favourable odds"),
    PlausibleRange("memory_decay", 0.02, 0.1,
                   "reputations last ten to fifty years (Crescenzi 2007)"),
    PlausibleRange("reputation_spread", 0.25, 0.75,
                   "second-hand reputations weigh a quarter to three quarters "
                   "(Mercer 1996 argues they weigh little)"),
    PlausibleRange("distrust_threshold", 0.5, 2.0,
                   "half a betrayal to two betrayals of oneself make a partner unacceptable"),
    PlausibleRange("punish_threshold", 0.5, 2.0,
                   "balancers punish after half an act to two acts of exploitation"),
    PlausibleRange("trend_horizon", 0.0, 10.0,
                   "from no projection to two planning cycles (Organski & Kugler 1980)"),
    PlausibleRange("buck_alarm", 0.6, 1.0,
                   "buck-passers balance when the threat holds 60% of the hegemony share up to "
                   "the share itself (Mearsheimer 2001, ch. 8)"),
    PlausibleRange("destructiveness", 0.15, 0.45,
                   "annual campaign losses of fifteen to forty-five percent"),
    PlausibleRange("war_damage", 0.02, 0.1,
                   "two to ten percent of productivity lost per campaign-year "
                   "(Organski & Kugler 1980 on recovery)"),
    PlausibleRange("concession_odds", 0.1, 0.3,
                   "a target concedes below one-in-ten to three-in-ten odds (Fearon 1995)"),
    PlausibleRange("peace_odds", 0.4, 0.6,
                   "a beaten side gives up near even odds (Slantchev 2003)"),
    PlausibleRange("stake_horizon", 5.0, 20.0,
                   "conquests held for five to twenty years"),
    PlausibleRange("wedge_price", 0.02, 0.1,
                   "a payee stays out for two to ten percent of a year's output "
                   "(Crawford 2011)"),
    PlausibleRange("conquest_rate", 0.3, 0.7,
                   "a won war takes a third to two thirds of the frontier"),
    PlausibleRange("sea_cost", 3.0, 10.0,
                   "one sea crossing as costly as three to ten land steps "
                   "(Mearsheimer 2001, ch. 4; stated choice 5)"),
    PlausibleRange("amphibious_penalty", 0.3, 0.7,
                   "an attacker across the sea needs about 1.4 to 3.3 times the strength"),
    PlausibleRange("deterrence_accident", 0.0, 0.03,
                   "accidents rare but not impossible (Sagan 1993)"),
    PlausibleRange("nuclear_escalation", 0.25, 0.75,
                   "escalation a gamble either way (Schelling 1960)"),
    PlausibleRange("retaliation_weight", 0.5, 2.0,
                   "attackers from risk-seeking to risk-averse about nuclear war around "
                   "the risk-neutral 1 (Powell 1990; Jervis 1989)"),
    PlausibleRange("internal_margin", 1.0, 1.5,
                   "security requirements from parity to half again (Jervis 1978)"),
    PlausibleRange("internal_gain", 0.02, 0.1,
                   "arms races escalating by two to ten points of spending per unit of gap "
                   "(Richardson 1960)"),
    PlausibleRange("norm_start", 0.3, 0.7,
                   "a norm from contested to widely accepted (Finnemore & Sikkink 1998)",
                   only_with="law"),
    PlausibleRange("norm_growth", 0.01, 0.05,
                   "a norm consolidating over twenty to seventy years (Zacher 2001)",
                   only_with="law"),
    PlausibleRange("norm_erosion", 0.05, 0.2,
                   "an unpunished breach costing a norm a twentieth to a fifth of its strength",
                   only_with="law"),
    PlausibleRange("sanction_penalty", 0.05, 0.4,
                   "sanctions and hostility costing a twentieth to two fifths of output "
                   "(Hufbauer et al. 2007 for trade sanctions at the low end)", only_with="law"),
    PlausibleRange("sanction_cost", 0.1, 0.5,
                   "a sender losing a tenth to a half of what it inflicts (Hufbauer et al. 2007)",
                   only_with="law"),
    PlausibleRange("contend_ratio", 0.75, 1.5,
                   "contending from near-equal to clearly superior terms (Polybius I.83)",
                   only_with="law"),
    PlausibleRange("concert_assent", 0.5, 0.99,
                   "a concert deciding from a majority (the model's departure) to the consensus "
                   "of every other member (Kupchan & Kupchan 1991; Elrod 1976)",
                   only_with="concert_consult"),
)}

def _stated(name: str, lo: float, hi: float, default: float, why: str) -> PlausibleRange:
    """A range around an arena option's stated choice ``default`` (no source gives a size)."""
    return PlausibleRange(name, lo, hi, f"stated choice {default:g}; {why}")


#: Plausible ranges of the arena options a robustness band of an arena claim varies, per
#: arena (``powerbalance experiment market-balance --robustness N``). Only options whose
#: default is a stated choice get one; held at their values are the options a source
#: sizes (the market's takeover ``premium``, the parliament's ``ruling_cost``), the
#: setting a claim is about (numbers of firms, parties, chambers; strategies, antitrust,
#: seat and coalition rules) and the thresholds that define what is measured (the
#: monopoly line, the dominance share, the collapse of the rule of law, the veto share,
#: the dominant premiership), plus options the claims' arms never read (the district
#: spread of first past the post, the weight of federal units). The constitution's rule of
#: law is the law layer's norm: its three options take the law layer's ranges above.
ARENA_PLAUSIBLE: dict[str, dict[str, PlausibleRange]] = {
    "market": {r.name: r for r in (
        _stated("growth_sd", 0.1, 0.3, 0.15, "Gibrat's law fixes the form, not the size: "
                "a spread of a tenth to three tenths (the claim's variant 0.3 at the top)"),
        _stated("margin", 0.05, 0.2, 0.1, "a war chest fed by a twentieth to a fifth of "
                "revenue"),
        _stated("payout", 0.1, 0.4, 0.2, "a tenth to two fifths of the war chest paid out"),
        _stated("inequality", 0.25, 1.0, 0.5, "starting sizes from nearly equal to strongly "
                "skewed"),
        _stated("war_rate", 0.15, 0.5, 0.3, "the leader starts a price war every two to "
                "seven years"),
        _stated("counter_rate", 0.15, 0.5, 0.3, "the joint venture strikes back every two "
                "to seven years (it carries the balancing result)"),
        _stated("war_stake", 0.05, 0.2, 0.1, "a price war moves a twentieth to a fifth of "
                "the loser's segment"),
        _stated("war_cost", 0.02, 0.1, 0.05, "a price war costs two to ten percent of the "
                "contested revenue"),
        _stated("contest_exponent", 0.5, 2.0, 1.0, "Tullock's (1980) contest from "
                "diminishing to increasing returns around the lottery form 1"),
        _stated("bid_rate", 0.1, 0.4, 0.2, "a takeover bid every two and a half to ten years"),
        _stated("entry_rate", 0.05, 0.2, 0.1, "an empty slot refilled in five to twenty "
                "years"),
        _stated("entrant_share", 0.01, 0.05, 0.02, "entrants of one to five percent of the "
                "market"),
        _stated("exit_share", 0.002, 0.01, 0.005, "firms exit below a fifth to one percent "
                "of the market"),
    )},
    "parliament": {r.name: r for r in (
        _stated("swing_sd", 0.1, 0.3, 0.15, "Pedersen (1979) measures volatility, not this "
                "log-weight spread: a tenth to three tenths"),
        _stated("fall_rate", 0.05, 0.2, 0.1, "a constant hazard (King et al. 1990) of a "
                "majority cabinet falling every five to twenty years"),
        _stated("minority_fall", 1.5, 3.0, 2.0, "minority cabinets half again to three times "
                "as likely to fall"),
        _stated("inequality", 0.25, 1.0, 0.5, "starting vote weights from nearly equal to "
                "strongly skewed"),
        _stated("term", 3, 5, 4, "elections every three to five years"),
        _stated("office_bonus", 0.0, 0.05, 0.0, "Greene (2007) names the mechanism without a "
                "size: from none to a twentieth of log vote weight a year"),
    )},
    "constitution": {r.name: r for r in (
        _stated("executive_weight", 0.8, 1.25, 1.0, "the executive's starting competences a "
                "fifth less to a quarter more"),
        _stated("chamber_weight", 0.45, 0.75, 0.6, "each chamber's starting competences a "
                "quarter less to a quarter more"),
        _stated("court_weight", 0.4, 0.6, 0.5, "the court's starting competences a fifth "
                "less to a fifth more"),
        _stated("inequality", 0.05, 0.2, 0.1, "starting competences spread by five to twenty "
                "percent"),
        _stated("drift_sd", 0.025, 0.1, 0.05, "competences drifting by 2.5 to 10 percent a "
                "year"),
        _stated("support_sd", 0.025, 0.1, 0.05, "public support shocks of 2.5 to 10 points"),
        _stated("support_persistence", 0.8, 0.95, 0.9, "shocks to support fading over five "
                "to twenty years"),
        _stated("grab_rate", 0.25, 0.75, 0.5, "an occasion for a power grab every one to "
                "four years"),
        _stated("pack_rate", 0.15, 0.5, 0.3, "a sixth to a half of the grabs pack the court "
                "(Leuchtenburg 1995 gives one plan, not a rate)"),
        _stated("grab_stake", 0.05, 0.2, 0.1, "a successful grab takes a twentieth to a "
                "fifth of the targets' competences"),
        _stated("pack_years", 6, 14, 10, "a packed court sides with its packer for six to "
                "fourteen years"),
        _stated("check_ratio", 0.8, 1.5, 1.0, "checkers need four fifths to one and a half "
                "times the grabber's weight (a grab fails above a share 0.56 to 0.4)"),
        _stated("check_penalty", 0.025, 0.1, 0.05, "a checked grabber loses 2.5 to 10 percent "
                "of its competences"),
        _stated("impeach_ratio", 1.5, 3.0, 2.0, "impeachment at one and a half to three times "
                "the executive's side"),
        _stated("impeach_penalty", 0.15, 0.5, 0.3, "an impeached executive loses a sixth to a "
                "half of its competences"),
        _stated("compliance_mean", 0.3, 0.7, 0.5, "branches from inclined to break to inclined "
                "to keep the constitution"),
        _stated("compliance_spread", 0.25, 0.5, 0.5, "dispositions from moderately to widely "
                "spread"),
        *(replace(PLAUSIBLE[name], only_with=None)  # the norm is the arena's own
          for name in ("norm_start", "norm_growth", "norm_erosion")),
    )},
}
"""Arena name -> option -> its plausible range (each inside the option's allowed range and
containing its default: a test checks it)."""


#: A sampler of a calibrated posterior: (number of draws, seed) -> one dict of parameter
#: values per draw.
Posterior = Callable[[int, int], list[dict[str, Any]]]

#: Calibrated posteriors by scenario name (none built in: ``powerbalance experiment NAME
#: --robustness N --posterior DIR`` registers a calibration's with :func:`use_calibration`;
#: robustness then draws from it instead of the Latin hypercube).
POSTERIORS: dict[str, Posterior] = {}


def register_posterior(scenario: str, sampler: Posterior) -> None:
    """Use ``sampler`` for robustness bands of experiments whose arms all run ``scenario``."""
    POSTERIORS[scenario] = sampler


def posterior_for(scenarios: set[str]) -> Posterior | None:
    """The posterior shared by all of ``scenarios``, if one is registered for each and it is
    the same sampler; else None (robustness falls back to the Latin hypercube)."""
    samplers = {id(POSTERIORS[s]): POSTERIORS[s] for s in scenarios if s in POSTERIORS}
    if len(samplers) == 1 and all(s in POSTERIORS for s in scenarios):
        return next(iter(samplers.values()))
    return None


#: Columns of a calibration's ``posterior.parquet`` that are not parameters.
_POSTERIOR_META = {"point", "distance", "rank", "weight", "generation"}


def calibration_posterior(folder: str | Path) -> tuple[Posterior, dict[str, Any]]:
    """A sampler of the accepted particles of a calibration folder (``powerbalance
    calibrate --out``), and what it draws.

    A draw is one particle, chosen with probability its weight (ABC-SMC importance weights;
    uniform for the rejection step), with replacement, from a stream of the robustness
    seed; it gives the fitted parameters' values and the calibration's fixed values. The
    information dict holds ``folder``, ``scenario`` (the calibration's), ``particles``,
    ``fitted`` and ``fixed``.
    """
    import numpy as np
    import pandas as pd

    from powerbalance.errors import InputError
    from powerbalance.experiments.stats import derived_seed

    root = Path(folder)
    path = root / "posterior.parquet"
    if not path.is_file():
        raise InputError("no posterior.parquet", source=str(root), field="--posterior",
                         allowed="a folder written by 'powerbalance calibrate --out'")
    try:
        post = pd.read_parquet(path)
        summary = json.loads((root / "calibration.json").read_text(encoding="utf-8")) \
            if (root / "calibration.json").is_file() else {}
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable ({exc})", source=str(path), field="--posterior",
                         allowed="a folder written by 'powerbalance calibrate --out'") from None
    fitted = [c for c in summary.get("priors", {}) if c in post.columns] or \
        [c for c in post.columns if c not in _POSTERIOR_META]
    if post.empty or not fitted:
        raise InputError("no accepted particle", source=str(path), field="--posterior",
                         allowed="a calibration with at least one accepted parameter set")
    fixed = {k: v for k, v in summary.get("calibrated", {}).items() if k not in fitted}
    weight = (post["weight"].to_numpy(dtype=np.float64) if "weight" in post.columns
              else np.ones(len(post)))
    weight = weight / weight.sum()
    values = post[fitted].to_numpy(dtype=np.float64)

    def sample(n: int, seed: int) -> list[dict[str, Any]]:
        rng = np.random.default_rng([derived_seed(seed, "robustness"), 1])
        picks = rng.choice(len(weight), size=n, p=weight)
        return [{**fixed, **{p: float(values[i, j]) for j, p in enumerate(fitted)}}
                for i in picks]

    info = {"folder": str(root), "scenario": summary.get("scenario", ""),
            "particles": len(post), "fitted": fitted, "fixed": fixed}
    return sample, info


def use_calibration(folder: str | Path, scenarios: Iterable[str]) -> dict[str, Any]:
    """Register the posterior of a calibration folder for ``scenarios`` (an experiment's
    arms): its robustness band then draws its parameter sets from the accepted particles.
    Returns :func:`calibration_posterior`'s information."""
    sampler, info = calibration_posterior(folder)
    for scenario in scenarios:
        register_posterior(scenario, sampler)
    return info
