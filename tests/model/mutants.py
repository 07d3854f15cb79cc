# ruff: noqa: E501  (the mutants quote source lines verbatim)
"""Mutation check of the defining rules: each mutant changes one rule of the engine or of a
strategy (its target, partner or timing); the tests must fail on every one of them.

Run ``python -m tests.model.mutants`` from the repository root to print the kill count
(``tests/model/test_mutations.py`` runs the same check as a slow test). Each mutant is
applied to a temporary copy of the package, which shadows the installed one through
``PYTHONPATH``, and the named test files run against it; a mutant is *killed* when they
fail. The first five are the mutants issue 11 found surviving.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "powerbalance"

STRATEGY_TESTS = ("tests/strategies/test_strategies.py",)
ENGINE_TESTS = ("tests/model/test_fidelity.py", "tests/model/test_alliance_interest.py",
                "tests/model/test_second_review.py")
LAW_TESTS = ("tests/model/test_law.py",)
DETERRENCE_TESTS = ("tests/model/test_deterrence.py",)
MOBILITY_TESTS = ("tests/model/test_mobility.py",)


@dataclass(frozen=True)
class Mutant:
    """One change of one rule: replace ``old`` (which must occur exactly once) by ``new``."""

    name: str
    path: str
    """File under src/powerbalance."""
    old: str
    new: str
    tests: tuple[str, ...] = STRATEGY_TESTS


MUTANTS = (
    # --- the five that survived before issue 11 ------------------------------------------
    Mutant("wedge target: the first free member, not the most valuable",
           "strategies/common.py",
           "    weight = rows_of(obs.perceived, own_row)\n    weight *= rows_of(obs.reach, own_row)",
           "    weight = np.ones((len(brow), n), dtype=np.float32)"),
    Mutant("balancing partner: the weakest candidate, not the strongest near the threat",
           "strategies/common.py",
           "    score = rows_of(obs.perceived, own_row)\n    score *= rows_of(obs.reach, threat_row)",
           "    score = 1.0 - rows_of(obs.perceived, own_row)"),
    Mutant("external balancer offers when not threatened",
           "strategies/external_balancer.py",
           "        bw, i = nonzero(threatened(obs, mask))",
           "        bw, i = nonzero(mask & (obs.top_threat >= 0))"),
    Mutant("buck-passer strikes its threat itself (a war of its own, not the catcher's)",
           "strategies/buck_passer.py",
           "        return actions.replace(offer=offer, shirk=shirk, spend=spend, join_offence=join_offence)",
           "        attack = actions.attack.copy()\n        attack[bw, i] = obs.top_threat[bw, i]\n"
           "        return actions.replace(offer=offer, shirk=shirk, spend=spend, join_offence=join_offence, attack=attack)"),
    Mutant("buck-passer never offers an alliance when it balances late",
           "strategies/buck_passer.py",
           "                offer[lw, li] = np.where(joining, np.where(allied, -1, ally), partner)\n", ""),
    # --- the strategies' other defining rules ------------------------------------------------
    Mutant("buck-passer does not stay out of the threat's wars",
           "strategies/buck_passer.py", "            shirk[pw, pi] = threat[~late]\n", ""),
    Mutant("buck-passer: any other actor is a catcher",
           "strategies/common.py",
           "    same = (take_rows(obs.top_threat, bw) == threat[:, None]) & take_rows(state.alive, bw)",
           "    same = take_rows(state.alive, bw).copy()"),
    Mutant("buck-passer balances at once (no passing while a catcher holds)",
           "strategies/buck_passer.py", "            late = (catcher < 0) | near_hegemony | failing",
           "            late = catcher > -2"),
    Mutant("buck-passer never detects a failing catcher", "strategies/buck_passer.py",
           "            late = (catcher < 0) | near_hegemony | failing",
           "            late = (catcher < 0) | near_hegemony"),
    Mutant("buck-passer: a catcher at war with the threat is always failing",
           "strategies/buck_passer.py",
           "    out[fighting] = odds < params.buck_failing_odds",
           "    out[fighting] = True"),
    Mutant("buck-passer joins no belligerent's war (balances by a partner only)",
           "strategies/buck_passer.py",
           "                ally = war_to_join(obs, lw, li, lt, lc)",
           "                ally = np.full(len(lw), -1)"),
    Mutant("buck-passer never answers the catcher's offensive call against the threat",
           "strategies/buck_passer.py",
           "                join_offence[lw[initiator], li[initiator]] = 1.0\n", ""),
    Mutant("buck-passer joins every offensive war of its ally, not only against the threat",
           "strategies/buck_passer.py",
           "                initiator = joining & (state.war_target[lw, np.maximum(ally, 0)] == lt)",
           "                initiator = np.ones(len(lw), dtype=bool)"),
    Mutant("buck-passer does not arm internally", "strategies/buck_passer.py",
           "            spend[bw, i] = internal_spend(obs, bw, i) + (spend[bw, i] - params.base_spend)\n",
           ""),
    Mutant("jackal preys on victims of weaker attackers too", "strategies/jackal.py",
           "            lion = (victim_of >= 0) & stronger & take_rows(state.alive, bw)",
           "            lion = (victim_of >= 0) & take_rows(state.alive, bw)"),
    Mutant("jackal attacks any neighbour", "strategies/jackal.py",
           "            prey = np.zeros((len(bw), n), dtype=bool)",
           "            prey = np.ones((len(bw), n), dtype=bool)"),
    Mutant("bandwagoner does not fight its patron's wars", "strategies/bandwagoner.py",
           "                               join_offence=np.ones_like(actions.join_offence))",
           "                               join_offence=actions.join_offence)",
           STRATEGY_TESTS + ENGINE_TESTS),
    Mutant("bandwagoner's patron: the least threatening actor", "strategies/bandwagoner.py",
           "            top, patron = row_max_argmax(raw)",
           "            top, patron = row_max_argmax(np.where(raw > 0, 1.0 / raw, 0.0))"),
    Mutant("bandwagoner switches patrons at once (no loyalty)", "strategies/bandwagoner.py",
           "            stay = (kept > 0) & (kept >= params.balance_exit * obs.share[bw, i])",
           "            stay = (kept > 0) & (kept >= top)"),
    Mutant("bandwagoner stays with its patron after the threat has passed",
           "strategies/bandwagoner.py",
           "            stay = (kept > 0) & (kept >= params.balance_exit * obs.share[bw, i])",
           "            stay = kept > 0"),
    Mutant("bandwagoner's patron ignores the trend (not the rising power)",
           "strategies/bandwagoner.py",
           "                raw *= 1.0 + params.trend_horizon * np.maximum(take_rows(state.momentum, bw),\n"
           "                                                               0.0)",
           "                pass"),
    Mutant("bandwagoner follows any threatening ally (stays in a coalition against its patron)",
           "strategies/bandwagoner.py",
           "            followed = allied & ((aim == np.arange(state.n_actors)[None, :])\n"
           "                                 | ((aim < 0) & (raw >= top[:, None])))",
           "            followed = allied"),
    Mutant("bandwagoner bandwagons when no one threatens it (the stronger state too)",
           "strategies/bandwagoner.py",
           "            some = (top > 0) & (top >= params.balance_exit * obs.share[bw, i])",
           "            some = top > 0"),
    Mutant("bandwagoner keeps a passed alignment when no one threatens it",
           "strategies/bandwagoner.py",
           "            leave_passed[bw[~some], i[~some]] = True\n", ""),
    Mutant("bandwagoner accepts other alliances while with its patron",
           "strategies/bandwagoner.py", "            accept[bw, i] = ~with_patron\n", ""),
    Mutant("balker joins when not pressed", "strategies/balker.py",
           "        ratio = np.where(pressed, 0.0, params.balk_pressure)",
           "        ratio = np.zeros_like(pressed, dtype=float)"),
    Mutant("balker is not pressed by a demand", "strategies/balker.py",
           "        ratio = np.where(pressed, 0.0, params.balk_pressure)",
           "        ratio = np.full(pressed.shape, params.balk_pressure)"),
    Mutant("balker sends its full forces", "strategies/balker.py",
           "        return actions.replace(join=np.full_like(actions.join, params.balk_share),",
           "        return actions.replace(join=actions.join,"),
    Mutant("wedger never pressures", "strategies/wedger.py",
           "            pressure[bw[~affordable], i[~affordable]] = member[~affordable]\n", ""),
    Mutant("wedger pays whatever the price", "strategies/wedger.py",
           "                          >= params.wedge_price * wealth[bw, member]) & (params.wedge_payment > 0)",
           "                          >= 0) & (params.wedge_payment > 0)"),
    Mutant("external balancer never leaves a passed alliance", "strategies/external_balancer.py",
           "                               leave_passed=np.ones_like(actions.leave_passed))",
           "                               leave_passed=actions.leave_passed)"),
    Mutant("external balancer ignores the trend of threat", "model/perception.py",
           "            threat *= rising.astype(PAIR)[:, None, :]\n", "", STRATEGY_TESTS + ENGINE_TESTS),
    Mutant("hegemon-seeker picks the best odds, not the largest net gain",
           "strategies/hegemon_seeker.py",
           "            pick, best = first_max_per_group(rows, net)",
           "            pick, best = first_max_per_group(rows, odds)"),
    Mutant("hegemon-seeker ignores the expected cost", "strategies/hegemon_seeker.py",
           "    return gain - cost, odds", "    return gain, odds"),
    Mutant("hegemon-seeker ignores the attrition against the expected coalition",
           "strategies/hegemon_seeker.py",
           "    cost = params.destructiveness * enemy_share * obs.forces[b, i]",
           "    cost = 0.0 * odds"),
    Mutant("hegemon-seeker ignores seeker_damage_weight", "strategies/hegemon_seeker.py",
           "    if params.seeker_damage_weight:", "    if False:"),
    Mutant("hegemon-seeker counts the damage to its economy whatever the weight",
           "strategies/hegemon_seeker.py",
           "    if params.seeker_damage_weight:\n"
           "        cost = cost + (params.seeker_damage_weight * params.war_damage * state.wealth[b, i]",
           "    if True:\n        cost = cost + (1.0 * params.war_damage * state.wealth[b, i]"),
    Mutant("preventive strike without decline", "strategies/common.py",
           "    declining = state.momentum[bw, i] < 0", "    declining = state.momentum[bw, i] < 1"),
    Mutant("hegemon-seeker attacks its ally", "strategies/hegemon_seeker.py",
           "                                 & (rows_of(state.alliance, own_row) <= 0))",
           "                                 & (rows_of(state.alliance, own_row) <= 2))"),
    # --- the engine's rules ----------------------------------------------------------------------
    Mutant("allies count at full strength whatever their record", "model/perception.py",
           "        return self.forces * self.reliability",
           "        return self.forces", STRATEGY_TESTS + ENGINE_TESTS),
    Mutant("the record of calls is not kept", "model/war.py",
           "    np.add.at(s.honoured.reshape(-1), b[dw] * n + dk, dsent)\n", "", ENGINE_TESTS),
    Mutant("the attacker's allies are not called", "model/war.py",
           "    aw, ak, asent = _calls(state, actions, b, a, t, actions.join_offence)",
           "    aw, ak, asent = _calls(state, actions, b[:0], a[:0], t[:0], actions.join_offence)",
           ENGINE_TESTS),
    Mutant("an ally shirking against the enemy still fights", "model/war.py",
           "    sent = np.where(actions.shirk[b[hw], hk] == enemy[hw], 0.0, share[b[hw], hk])",
           "    sent = share[b[hw], hk]", ENGINE_TESTS),
    Mutant("conquests are not shared by contribution (claim weights ignored)", "model/war.py",
           "    cost = (-detmath.log(u) / weight).astype(np.float32)",
           "    cost = (-detmath.log(u)).astype(np.float32)", ENGINE_TESTS),
    Mutant("a late strike on one's own top threat counts as a jackal's raid",
           "model/reputation.py",
           "        late &= ~((obs.top_threat[wb, wa] == wt)\n"
           "                  & (obs.top_threat_level[wb, wa] >= params.balance_threshold * obs.share[wb, wa]))\n",
           "", ENGINE_TESTS),
    Mutant("targets never concede", "model/war.py",
           "    concede = resist < params.concession_odds", "    concede = resist < -1.0",
           ENGINE_TESTS),
    Mutant("wars never end by concession", "model/war.py",
           "    concedes = ~mutual & (loser_odds < params.peace_odds)",
           "    concedes = ~mutual & (loser_odds < -1.0)", ENGINE_TESTS),
    Mutant("wars last one year", "model/war.py",
           "    concedes = ~mutual & (loser_odds < params.peace_odds)",
           "    concedes = ~mutual", ENGINE_TESTS),
    Mutant("an alliance records no threat", "model/diplomacy.py",
           "            target = obs.top_threat[bw, i].astype(np.int16)",
           "            target = np.full(len(bw), -1, dtype=np.int16)", ENGINE_TESTS),
    Mutant("an alliance's threat passes when it no longer threatens the leaver alone",
           "model/diplomacy.py",
           "    gone = (aim < 0) | ~held(b, j, np.maximum(aim, 0))",
           "    gone = np.ones(len(b), dtype=bool)", ENGINE_TESTS),
    Mutant("accept_ratio is ignored", "model/diplomacy.py",
           "            & (obs.share[bw, i] >= actions.accept_ratio[bw, j] * obs.share[bw, j])\n",
           "", ENGINE_TESTS),
    Mutant("pressure intimidates everyone", "model/subversion.py",
           "    cowed = obs.alive[pb, j] & (j != pw) & (ratio >= params.balance_threshold)",
           "    cowed = obs.alive[pb, j] & (j != pw)", ENGINE_TESTS),
    Mutant("no amphibious penalty in estimates", "model/perception.py",
           "            own = own * reach[(b * n + j) * n + e] * self.amphibious(b, j, e)",
           "            own = own * reach[(b * n + j) * n + e]", ENGINE_TESTS),
    Mutant("nuclear first use wins the campaign (the old rule)", "model/war.py",
           "    size = np.bincount(pw, weights=loss, minlength=nw)",
           "    att_wins = np.where(one_sided, ~att_wins, att_wins)\n"
           "    size = np.bincount(pw, weights=loss, minlength=nw)", ENGINE_TESTS),
    Mutant("a one-sided strike weakens the user, not the side struck, in the concession",
           "model/war.py",
           "            after_att = np.where(o & att_wins, after_att * devastated, after_att)\n"
           "            after_def = np.where(o & ~att_wins, after_def * devastated, after_def)",
           "            after_att = np.where(o & ~att_wins, after_att * devastated, after_att)\n"
           "            after_def = np.where(o & att_wins, after_def * devastated, after_def)",
           ENGINE_TESTS),
    Mutant("no amphibious penalty in campaigns", "model/war.py",
           "    strength = committed * obs.reach[pb, pk, t[pw]] * obs.amphibious(pb, pk, t[pw])",
           "    strength = committed * obs.reach[pb, pk, t[pw]]", ENGINE_TESTS),
    Mutant("first use costs no hostility", "model/war.py",
           "            np.add.at(s.hostility.reshape(-1), cells.ravel(), grudge.ravel())\n", "",
           ENGINE_TESTS),
    Mutant("the escalating ally is not hit back", "model/war.py",
           "                                  b[m] * n + loser[m], b[m] * n + escalator[m],",
           "                                  b[m] * n + loser[m], b[m] * n + loser[m],",
           ENGINE_TESTS),
    Mutant("no power-transition event", "model/step.py",
           "    w = np.flatnonzero((old >= 0) & (leader >= 0) & (leader != old))",
           "    w = np.zeros(0, dtype=np.int64)", ENGINE_TESTS),
    Mutant("serial means synchronous", "model/step.py",
           '    if params.update_order == "serial":', "    if False:", ENGINE_TESTS),
    Mutant("strategy ids are positions in the sorted names", "strategies/registry.py",
           "    return int(get(name, source).uid)", "    get(name, source)\n"
           "    return names().index(name)", ENGINE_TESTS),
    # --- issue 11's field review: interest, conduct, water, concessions, growth ------------
    Mutant("an ally's commitment ignores its interest", "model/perception.py",
           "        np.divide(self.threat, willing, out=willing)        # the stake T / (T + s)\n",
           "        willing[:] = 1.0\n", ENGINE_TESTS),
    Mutant("campaigns ignore a defending ally's interest", "model/war.py",
           "    help_d = state.alliance[b[dw], dk, t[dw]] * obs.interest(b[dw], dk, a[dw]) * dsent",
           "    help_d = state.alliance[b[dw], dk, t[dw]] * dsent", ENGINE_TESTS),
    Mutant("an ally at war elsewhere is expected to bring all its forces", "model/perception.py",
           "        return m / (1.0 + self.wars_under_way)",
           "        return m", ENGINE_TESTS),
    Mutant("an ally's wars as a defender go unseen", "model/perception.py",
           "        worlds, actors = [wb, wb], [wa, wt]", "        worlds, actors = [wb], [wa]",
           ENGINE_TESTS),
    Mutant("an ally committed to the enemy too still counts", "model/perception.py",
           "        ally *= self.state.alliance.reshape(-1)[cell] <= 0\n", "", ENGINE_TESTS),
    Mutant("sea-borne allies pay no amphibious penalty in estimates", "model/perception.py",
           "                * reach[(kb * n + k) * n + kf] * self.amphibious(kb, k, kf)",
           "                * reach[(kb * n + k) * n + kf]", ENGINE_TESTS),
    Mutant("the amphibious penalty falls on actors with no border at all", "model/perception.py",
           "        wet = self.state.adjacent & ~land", "        wet = ~land", ENGINE_TESTS),
    Mutant("a concession hands over each demanded province only by a draw", "model/war.py",
           "                 kind=EventKind.CONCESSION, rate=1.0)",
           "                 kind=EventKind.CONCESSION)", ENGINE_TESTS),
    Mutant("an actor defending in a war makes new demands", "model/war.py",
           "    b, a = nonzero(mover & (actions.attack >= 0) & ~_principals(state.war_target))",
           "    b, a = nonzero(mover & (actions.attack >= 0) & (state.war_target < 0))",
           ENGINE_TESTS),
    Mutant("growth advantages never fade", "model/economy.py",
           "    rho = params.growth_persistence\n", "    rho = 1.0\n", ENGINE_TESTS),
    Mutant("the growth deviation loses its spread", "model/economy.py",
           "+ np.sqrt(1.0 - rho * rho) * params.growth_spread * z",
           "+ (1.0 - rho) * params.growth_spread * z", ENGINE_TESTS),
    # --- the law of nations (issue 14) -------------------------------------------------------
    Mutant("law: a norm binds the actors its strength should leave free", "model/law.py",
           "    return np.asarray(disposition >= 1.0 - strength)",
           "    return np.asarray(disposition >= strength)", LAW_TESTS),
    Mutant("law: the penalty ignores the norm's strength", "model/law.py",
           "    return np.asarray(params.sanction_penalty * strength * share, dtype=np.float64)",
           "    return np.asarray(params.sanction_penalty * share, dtype=np.float64)", LAW_TESTS),
    Mutant("law: no violator is ever unpunishable", "model/law.py",
           "    unpunishable = np.where(possible, share, 0.0).sum(axis=1) < need",
           "    unpunishable = np.zeros(k, dtype=bool)", LAW_TESTS),
    Mutant("law: allies sanction the violator too", "model/law.py",
           "    possible &= ~allied\n", "", LAW_TESTS),
    Mutant("law: a coalition that cannot contend sanctions anyway", "model/law.py",
           "    can = strength_of.sum(axis=1) >= need",
           "    can = strength_of.sum(axis=1) >= 0.0", LAW_TESTS),
    Mutant("law: nobody free-rides", "model/law.py", "        members[r] &= kept\n", "", LAW_TESTS),
    Mutant("law: broken treaties go unnoticed", "model/law.py",
           "    treaty = kind == int(EventKind.ABANDONED)",
           "    treaty = kind == int(EventKind.ALLY_CALLED)", LAW_TESTS),
    Mutant("law: impunity never erodes a norm", "model/law.py",
           "(1.0 - params.norm_erosion) ** (count - hits)", "(1.0 - params.norm_erosion) ** 0",
           LAW_TESTS),
    Mutant("law: unpunished violations reaffirm a norm like punished ones", "model/law.py",
           "    reaffirmed = np.divide(hits, count, out=np.ones_like(norms), where=count > 0)",
           "    reaffirmed = np.ones_like(norms)", LAW_TESTS),
    Mutant("law: no attack is ever forgone", "model/law.py",
           "    forgo = expected > gain", "    forgo = expected > np.inf", LAW_TESTS),
    Mutant("law: sanctioning costs the sanctioners nothing", "model/law.py",
           "        np.add.at(flat, b[row] * n + k, -np.log1p(-own))\n", "", LAW_TESTS),
    Mutant("law: the engine never restrains a decision", "model/step.py",
           "    state, override = law.prepare(state, params, override)",
           "    state, _ = law.prepare(state, params, override)", LAW_TESTS),
    # --- the law's field review (ratio, allies, free-riders, lifting, enforceability) --------
    Mutant("law: the coalition need only equal the violator (contend_ratio ignored)",
           "model/law.py", "    need = params.contend_ratio * side\n", "    need = side\n", LAW_TESTS),
    Mutant("law: the coalition contends with the violator alone, not its allies",
           "model/law.py",
           "    side = share[rows, violator] + np.where(allied & state.alive[b], share, 0.0).sum(axis=1)",
           "    side = share[rows, violator]", LAW_TESTS),
    Mutant("law: the violator's allies count in the possible coalition's total", "model/law.py",
           "    unpunishable = np.where(possible, share, 0.0).sum(axis=1) < need",
           "    unpunishable = np.where(possible | (allied & state.alive[b]), share, 0.0).sum(axis=1) < need",
           LAW_TESTS),
    Mutant("law: a norm erodes at most once a year", "model/law.py",
           "(1.0 - params.norm_erosion) ** (count - hits)",
           "(1.0 - params.norm_erosion) ** np.minimum(count - hits, 1.0)", LAW_TESTS),
    Mutant("law: free-riders pay and resent too", "model/law.py",
           "    members, unpunishable = coalition(state, b, v, strength, params)\n",
           "    import dataclasses\n"
           "    members, unpunishable = coalition(state, b, v, strength, dataclasses.replace(params, law_free_riding=False))\n",
           LAW_TESTS),
    Mutant("law: the penalty is the might of every willing state, free-riders included",
           "model/law.py",
           "    might = np.where(members, state.last_share[b], 0.0).sum(axis=1)\n    cost",
           "    import dataclasses\n"
           "    willing, _ = coalition(state, b, v, strength, dataclasses.replace(params, law_free_riding=False))\n"
           "    might = np.where(willing & members.any(axis=1)[:, None], state.last_share[b], 0.0).sum(axis=1)\n    cost",
           LAW_TESTS),
    Mutant("law: the sanctioners' grievance ignores the norm's strength", "model/law.py",
           "PAIR(params.sanction_hostility) * strength[row].astype(PAIR)",
           "PAIR(params.sanction_hostility) * PAIR(1.0)", LAW_TESTS),
    Mutant("law: restraint only when the sanction is ten times the gain", "model/law.py",
           "    forgo = expected > gain", "    forgo = expected > 10.0 * gain", LAW_TESTS),
    Mutant("law: sanctions are never lifted (a permanent cut)", "model/law.py",
           "    state = lift(state)\n", "", LAW_TESTS),
    Mutant("law: a sanction lasts one year whatever sanction_years", "model/law.py",
           "int(round(params.sanction_years))", "1", LAW_TESTS),
    Mutant("law: norms regrow under a hegemon no coalition can punish", "model/law.py",
           "    return np.where(dominated[:, None], 0.0, out)", "    return out", LAW_TESTS),
    Mutant("law: every bound actor counts as punishable", "model/law.py",
           "        punishable = bound & (willing >= need - 1e-12)", "        punishable = bound",
           LAW_TESTS),
    Mutant("law: growth ignores enforceability", "model/law.py",
           "        reaffirmed = reaffirmed * enforced", "        reaffirmed = reaffirmed * 1.0",
           LAW_TESTS),
    Mutant("law: the year's judgement ignores enforceability", "model/law.py",
           "norms = update_norms(state.norms, b, norm, punished, params, enforceable(state, params))",
           "norms = update_norms(state.norms, b, norm, punished, params)", LAW_TESTS),
    # --- nuclear deterrence as a decision (issue 13): credibility, umbrella, cost vs gain ------
    Mutant("a vulnerable arsenal is as credible as a secure second strike", "model/deterrence.py",
           "np.where(vulnerable, params.vulnerable_survival, 1.0)", "np.where(vulnerable, 1.0, 1.0)",
           DETERRENCE_TESTS),
    Mutant("a non-nuclear attacker can disarm a vulnerable arsenal too", "model/deterrence.py",
           "        vulnerable = (level == 1) & attacker_nuclear.reshape(-1, *([1] * (level.ndim - 1)))",
           "        vulnerable = level == 1", DETERRENCE_TESTS),
    Mutant("the taboo does not restrain retaliation against a non-nuclear attacker",
           "model/deterrence.py",
           "params.nuclear_escalation * (1.0 - params.taboo_restraint))",
           "params.nuclear_escalation)", DETERRENCE_TESTS),
    Mutant("the umbrella ignores the patron's reliability", "model/deterrence.py",
           " * state.alliance[b, :, t].astype(np.float64) * reliability(state, params)[b])",
           " * state.alliance[b, :, t].astype(np.float64))", DETERRENCE_TESTS),
    Mutant("the umbrella ignores the patron's commitment", "model/deterrence.py",
           " * state.alliance[b, :, t].astype(np.float64) * reliability(state, params)[b])",
           " * reliability(state, params)[b])", DETERRENCE_TESTS),
    Mutant("any ally is an umbrella, however weak its commitment", "model/deterrence.py",
           "    ally = ((state.alliance[b, :, t] >= params.extended_commitment)",
           "    ally = ((state.alliance[b, :, t] > 0)", DETERRENCE_TESTS),
    Mutant("a patron allied with the attacker still retaliates", "model/deterrence.py",
           "            & (state.alliance[b, :, a] <= 0))", ")", DETERRENCE_TESTS),
    Mutant("the target's own deterrent is ignored when it has a patron", "model/deterrence.py",
           "    return np.asarray(1.0 - (1.0 - own) * held_back, dtype=np.float64)",
           "    return np.asarray(1.0 - held_back, dtype=np.float64)", DETERRENCE_TESTS),
    Mutant("the attack goes ahead when the cost exceeds the gain", "model/deterrence.py",
           "            chosen = gain >= cost", "            chosen = gain <= cost", DETERRENCE_TESTS),
    Mutant("resolve does not discount the attacker's own destruction", "model/deterrence.py",
           "                      * (1.0 - state.resolve[b, a]), dtype=np.float64)",
           "                      * 1.0, dtype=np.float64)", DETERRENCE_TESTS),
    Mutant("retaliation destroys only forces, not the wealth of years", "model/deterrence.py",
           "                                              + state.wealth[b, a] * params.stake_horizon)",
           "                                              + 0.0)", DETERRENCE_TESTS),
    Mutant("the retaliation cost ignores its weight (the ablation does nothing)",
           "model/deterrence.py", "    return np.asarray(params.retaliation_weight * probability * destroyed",
           "    return np.asarray(probability * destroyed", DETERRENCE_TESTS),
    Mutant("a nuclear attacker expects to keep its conquest after a mutual exchange",
           "model/deterrence.py",
           "    kept = np.where(state.nuclear[b, a] >= 1, 1.0 - probability, 1.0)",
           "    kept = 1.0", DETERRENCE_TESTS),
    Mutant("accidents never break deterrence", "model/deterrence.py",
           "    deterred = protected & ~chosen & ~accident", "    deterred = protected & ~chosen",
           DETERRENCE_TESTS),
    # --- per-actor mobility (issue 13) ------------------------------------------------------
    Mutant("mobility does not change the gradient", "model/derived.py",
           "        distance = distance / mobility\n", "        distance = distance / 1.0\n",
           MOBILITY_TESTS),
    Mutant("the target's mobility, not the mover's, flattens the gradient", "model/derived.py",
           "    mobility = None if setting.mobility is None else setting.mobility[:, None]",
           "    mobility = None if setting.mobility is None else setting.mobility[None, :]",
           MOBILITY_TESTS),
    Mutant("a moved capital's column takes its own mobility", "model/war.py",
           "        reach_[gw, :, mi] = incoming", "        reach_[gw, :, mi] = outgoing",
           MOBILITY_TESTS),
    Mutant("threat reads the observer's reach, not the observed actor's", "model/perception.py",
           "        threat = self.perceived * self.reach_in", "        threat = self.perceived * self.reach",
           MOBILITY_TESTS),
    # --- issue 11's second review: both sides' allies, one split, water, phoenix, grievance -
    Mutant("the estimates leave out the attacker's allies", "model/perception.py",
           "        if not self.allied or not len(b):\n            return own\n        ptr, entries, bond",
           "        if not self.allied or not len(b) or offence:\n            return own\n        ptr, entries, bond",
           ENGINE_TESTS),
    Mutant("the target's resistance leaves out the attacker's allies", "model/war.py",
           "    attacker = obs.expected_offence(b, a, t) * obs.noise.reshape(-1)[(b * n + t) * n + a]",
           "    attacker = (obs.forces[b, a] * obs.reach[b, a, t] * obs.amphibious(b, a, t)\n"
           "                * obs.noise.reshape(-1)[(b * n + t) * n + a])", ENGINE_TESTS),
    Mutant("campaigns do not split an actor's forces among its wars", "model/war.py",
           "    engaged = force_split(state.batch, n, pb, pk).reshape(-1)",
           "    engaged = np.ones(state.batch * n)", ENGINE_TESTS),
    Mutant("the estimates see no ally's part in the wars under way", "model/perception.py",
           "                worlds.append(wb[r[called]])\n                actors.append(k[called])\n",
           "", ENGINE_TESTS),
    Mutant("a participant with no border crosses the sea free", "model/perception.py",
           "            wet |= ~self.state.adjacent & self._overseas\n", "", ENGINE_TESTS),
    Mutant("war losses are never regained (no phoenix factor)", "model/war.py",
           "    regained = params.phoenix_rate * loss\n", "    regained = 0.0 * loss\n",
           ENGINE_TESTS),
    Mutant("war damage is not recorded as a loss to regain", "model/war.py",
           "        flat_loss[hit] = np.minimum(flat_loss[hit] + count_hit * _log_damage(params.war_damage),\n"
           "                                    MAX_WAR_LOSS)\n",
           "", ENGINE_TESTS),
    Mutant("a concession leaves no grievance", "model/war.py",
           "            np.add.at(s.hostility.reshape(-1), (b[concede] * n + t[concede]) * n + a[concede],\n"
           "                      PAIR(params.concession_grievance))\n", "", ENGINE_TESTS),
    Mutant("the conceder resents the taker at a fixed weight", "model/war.py",
           "                      PAIR(params.concession_grievance))", "                      PAIR(1.0))",
           ENGINE_TESTS),
    Mutant("the memo of expected strengths ignores the enemy", "model/perception.py",
           "        key = (b * n + j) * n + e\n", "        key = (b * n + j) * n + 0 * e\n",
           ENGINE_TESTS),
    Mutant("hegemon-seeker commits all its military, not its share for this war",
           "strategies/hegemon_seeker.py",
           "    cost = params.destructiveness * enemy_share * obs.forces[b, i]",
           "    cost = params.destructiveness * enemy_share * state.military[b, i]"),
    Mutant("hegemon-seeker's attrition is 1 - p, not the enemy's share of strength",
           "strategies/hegemon_seeker.py",
           "    enemy_share = enemy / np.maximum(own + enemy, 1e-300)",
           "    enemy_share = 1.0 - odds"),
    Mutant("hegemon-seeker's damage ignores the phoenix factor", "strategies/hegemon_seeker.py",
           "                       * damage_years(params))", "                       * params.stake_horizon)"),
    Mutant("the failing catcher is judged against the threat's own forces alone",
           "strategies/buck_passer.py",
           "    threat_side = np.where(t_attacks, obs.expected_offence(b, t, c, ongoing=True),\n"
           "                           obs.expected_defence(b, t, c, ongoing=True)) * seen_t",
           "    threat_side = state.military[b, t] * seen_t"),
    Mutant("a late strike on any top threat is excused (the old exemption)", "model/reputation.py",
           "                  & (obs.top_threat_level[wb, wa] >= params.balance_threshold * obs.share[wb, wa]))",
           "                  & (obs.top_threat_level[wb, wa] >= 0.0))", ENGINE_TESTS),
)


def apply(mutant: Mutant, into: Path) -> None:
    """Write the mutated package into ``into/powerbalance``."""
    shutil.copytree(PACKAGE, into / "powerbalance",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = into / "powerbalance" / mutant.path
    text = path.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        raise ValueError(f"mutant {mutant.name!r}: the rule occurs {count} times in "
                         f"{mutant.path} (expected once); update the mutant")
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")


def killed(mutant: Mutant) -> bool:
    """Whether the mutant's tests fail against the mutated package."""
    with tempfile.TemporaryDirectory(prefix="pb-mutant-") as tmp:
        apply(mutant, Path(tmp))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)]),
               "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p",
             "no:cacheprovider", "--no-header", "-o", "addopts=", *mutant.tests],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        return run.returncode != 0


def baseline_passes() -> bool:
    """The unmutated copy passes every test file the mutants use (so a kill means
    something)."""
    files = tuple(sorted({t for m in MUTANTS for t in m.tests}))
    return not killed(Mutant("none", MUTANTS[0].path, MUTANTS[0].old, MUTANTS[0].old, files))


def check(workers: int = 2) -> list[tuple[Mutant, bool]]:
    """Run every mutant; return (mutant, killed) pairs."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(zip(MUTANTS, pool.map(killed, MUTANTS), strict=True))


if __name__ == "__main__":
    results = check()
    for m, k in results:
        print(f"{'killed  ' if k else 'SURVIVED'} {m.name}")
    print(f"{sum(k for _, k in results)} of {len(results)} mutants killed")
