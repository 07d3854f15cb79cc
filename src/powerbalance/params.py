"""Model parameters: one frozen record, separate from the state.

Each parameter carries its documentation, the allowed range and the source or
the reason for its default (``Params.describe()`` lists them; the docs page
``docs/parameters.md`` is generated from it). Scenarios and ``--set key=value``
override defaults through :meth:`Params.with_overrides`, which validates.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powerbalance.errors import InputError, read_toml


def _p(default: Any, doc: str, source: str, lo: float | None = None, hi: float | None = None,
       choices: tuple[str, ...] | None = None) -> Any:
    meta = {"doc": doc, "source": source, "lo": lo, "hi": hi, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Params:
    """All parameters of the balance-of-power model (defaults documented per field)."""

    # --- capability -------------------------------------------------------
    wealth_weight: float = _p(
        0.5, "Weight of the wealth share in the capability composite (military share gets "
        "the rest).", "In the spirit of COW's CINC, which averages economic, demographic and "
        "military shares (Singer, Bremer & Stuckey 1972); equal economic/military weight.", 0, 1)

    # --- economy ------------------------------------------------------------
    growth_rate: float = _p(
        0.02, "Mean yearly growth of productivity.",
        "Long-run pre-modern to modern growth of output per head is 0-2%/year "
        "(Maddison 2001, The World Economy: A Millennial Perspective).", -0.5, 0.5)
    growth_noise: float = _p(
        0.03, "Standard deviation of the yearly productivity shock.",
        "Stated reason: yearly output shocks of a few percent; makes rise and decline stochastic.",
        0, 1)
    guns_butter: float = _p(
        0.1, "Growth lost per unit share of wealth spent on the military (guns versus butter: "
        "spending 10% of wealth costs 1 point of growth).",
        "Dunne & Tian 2013 (Military expenditure and economic growth: a survey, Economics of "
        "Peace and Security Journal 8(1)) find mostly small negative effects; Kennedy 1987 on "
        "overstretch.", 0, 5)
    military_depreciation: float = _p(
        0.1, "Share of the military stock lost each year to upkeep and obsolescence.",
        "Stated reason: equipment and trained forces last about a decade.", 0, 1)
    extraction_midpoint: float = _p(
        8.0, "Distance (in land steps) from the capital at which only half of a province's "
        "production is extracted (logistic gradient) or the e-folding length (exponential).",
        "Boulding 1962 (Conflict and Defense) loss-of-strength gradient applied to "
        "extraction; stated reason: a pre-modern empire loses half its reach about eight "
        "provinces out.", 0.1, 1e6)
    min_productivity: float = _p(
        0.05, "Floor on productivity relative to the start (no economy collapses to nothing).",
        "Stated reason: keeps stocks positive under extreme shocks.", 0, 1)
    mobilisation_scale: float = _p(
        1.0, "Exponent on each actor's scenario mobilisation (the military a unit of its "
        "base spending, up to base_spend, buys; effort above base_spend buys what it buys a "
        "sedentary state; an actor without the field has 1, which any exponent leaves 1): 1 = "
        "the scenario's figure, 0 = every actor mobilises as a sedentary state (the ablation "
        "'mobilisation').", "Switch and robustness handle of the per-actor field; the figures "
        "are the scenarios' (mongol-steppe-1206: Mongols 6.8 from May 2007, see the scenario).",
        0, 3)

    # --- geography ------------------------------------------------------------
    sea_cost: float = _p(
        5.0, "Extra distance of one sea crossing, in land steps (stopping power of water).",
        "Mearsheimer 2001 (The Tragedy of Great Power Politics, ch. 4): large bodies of water "
        "sharply limit projection; five land steps is a stated choice.", 0, 1e6)
    gradient: str = _p(
        "logistic", "Shape of the loss-of-strength gradient.",
        "Boulding 1962; logistic default after Cederman 1997 (Emergent Actors), exponential "
        "as in Bueno de Mesquita 1981.", choices=("logistic", "exponential"))
    reach_midpoint: float = _p(
        10.0, "Distance (land steps between capitals) at which projected military power is "
        "about halved.", "Boulding 1962; stated choice: a power reaches across a region of "
        "about ten provinces.", 0.1, 1e6)
    actor_mobility: bool = _p(
        True, "Whether each actor's scenario mobility applies (false: every actor projects "
        "power by the engine's gradient; the ablation 'mobility').",
        "Switch of the per-actor field (Boulding 1962: a flatter gradient for a mobile force).")
    gradient_steepness: float = _p(
        0.5, "Steepness of the logistic gradient (per land step).",
        "Stated reason: a smooth fall over a few steps around the midpoint.", 0.01, 100)
    technology_growth: float = _p(
        0.0, "Yearly growth of reach (midpoints scale by (1+g)^year): technology shifts the "
        "gradient.", "Boulding 1962 notes the gradient flattens with transport technology.",
        -0.1, 0.1)

    # --- perception ------------------------------------------------------------
    misperception: float = _p(
        0.1, "Standard deviation of the multiplicative error N(1, sd) in estimates of "
        "others' capabilities (0 = perfect information).",
        "Cusack & Stoll 1990 (Exploring Realpolitik) use N(1, 0.2); 0.1 is a milder default.",
        0, 1)
    hostility_weight: float = _p(
        0.5, "How much remembered aggression raises threat (balance of threat).",
        "Walt 1987 (The Origins of Alliances): aggressive intentions are one of four sources "
        "of threat.", 0, 100)
    hostility_decay: float = _p(
        0.1, "Share of remembered hostility forgotten each year.",
        "Stated reason: grievances fade over a generation.", 0, 1)

    # --- policy ----------------------------------------------------------------
    update_order: str = _p(
        "synchronous", "All actors decide on the same information and wars resolve at once "
        "('synchronous'), or wars resolve one at a time in random order, each seeing the last "
        "('serial').", "Classic models differ: Cederman 1997 synchronous; Cusack & Stoll 1990 "
        "one conflict at a time.", choices=("synchronous", "serial"))
    base_spend: float = _p(
        0.03, "Share of wealth spent on the military by a status-quo actor.",
        "Peacetime defence burdens of 2-4% of output (SIPRI Military Expenditure Database).",
        0, 1)
    bid_spend: float = _p(
        0.08, "Share of wealth a hegemon-seeker spends on the military.",
        "Stated reason: revisionist powers arm at two to three times the peacetime burden "
        "(Kennedy 1987).", 0, 1)
    balance_threshold: float = _p(
        1.25, "An external balancer feels threatened when the top threat's projected "
        "capability exceeds this multiple of its own.",
        "Walt 1987; stated choice: a quarter more than oneself.", 0, 100)
    balance_exit: float = _p(
        1.0, "An alliance's threat has passed once it threatens neither member more than this "
        "multiple of that member's own capability (below balance_threshold: hysteresis, so "
        "that noise does not make alliances flicker); external balancers leave only such "
        "alliances.", "Stated reason: alliances outlast small swings "
        "(Walt 1987 on alliance persistence).", 0, 100)
    attack_odds: float = _p(
        0.6, "A hegemon-seeker attacks only when its estimated chance of victory is at least "
        "this, on top of its expected-utility rule (the loss-aversion floor); external "
        "balancers punish defectors at these odds.",
        "Stated reason: expected-utility attack rule (Bueno de Mesquita 1981) with loss "
        "aversion 1.5 (Kahneman & Tversky 1979).", 0, 1)

    internal_gain: float = _p(
        0.05, "How much an internal balancer raises its military spending (share of wealth) "
        "per unit by which the top threat's projected military exceeds internal_margin times "
        "its own.", "Stated reason: arms races escalate by a few points of GDP (Richardson "
        "1960, Arms and Insecurity, reaction coefficients).", 0, 10)
    internal_margin: float = _p(
        1.2, "Military superiority an internal balancer wants over its top threat's projected "
        "military (above 1, two internal balancers spiral).",
        "Jervis 1978 (Cooperation under the security dilemma, World Politics 30(2)): "
        "each side's security requirement exceeds parity.", 0, 100)
    max_spend: float = _p(
        0.25, "Ceiling on the share of wealth any strategy spends on the military.",
        "Stated reason: total-war mobilisation reached about a quarter to a half of output "
        "(Harrison 1998, The Economics of World War II); a sustained ceiling of 25%.", 0, 1)
    balk_share: float = _p(
        0.1, "Share of its forces a balker sends when an ally is attacked (token help).",
        "Stated reason: a token contingent (Schweller 1998, Deadly Imbalances, on 'balking').",
        0, 1)
    late_entry_odds: float = _p(
        0.55, "A jackal strikes a weakened victim of a stronger revisionist when its estimated "
        "chance of victory is at least this (1 = late strikes off).",
        "Stated reason: a weakened belligerent is attacked on slightly better than even odds "
        "(Schweller 1994 on jackals).",
        0, 1)
    wedge_payment: float = _p(
        0.02, "Share of its wealth a wedger (or hegemon-seeker) pays one would-be coalition "
        "member a year to stay out of alliances.",
        "Crawford 2011 (Preventing enemy coalitions, International Security 35(4)): "
        "selective accommodation is cheap relative to fighting the coalition; 2% of wealth is "
        "a stated choice.", 0, 1)
    wedge_price: float = _p(
        0.05, "A payee stays out of coalitions only for a payment worth at least this share "
        "of its own wealth (smaller offers are declined and nothing is paid).",
        "Crawford 2011: wedge strategies succeed when the reward is large relative to the "
        "target's stakes; 5% of a year's output is a stated choice.", 0, 100)
    seeker_rule: str = _p(
        "expected-utility", "The hegemon-seeker's attack rule: 'expected-utility' attacks the "
        "neighbour of the largest positive expected net gain (value at stake x chance of "
        "winning against the expected coalition, minus attrition and war damage) when the "
        "odds also clear attack_odds; 'odds' attacks the neighbour of the best odds when they "
        "clear attack_odds (the rule before issue 11, kept for ablations).",
        "Bueno de Mesquita 1981 (The War Trap): expected utility of war; issue 11 asks for the "
        "expected-utility form.", choices=("expected-utility", "odds"))
    seeker_wedges: bool = _p(
        True, "Whether the hegemon-seeker also pays would-be coalition members to stay out "
        "(docs/strategies.md: the hegemon-seeker 'wedges coalitions').",
        "Crawford 2011: revisionists (Bismarck, Hitler 1939) use wedge strategies.")
    subversion_spend: float = _p(
        0.03, "Share of its wealth a penetrator spends each year subverting its target (on top "
        "of the base military burden).",
        "Stated reason: covert action budgets of a few percent of defence outlays, scaled up "
        "for a dedicated strategy (Treverton 1987, Covert Action).", 0, 1)
    subversion_efficacy: float = _p(
        0.3, "Largest cohesion loss a year of subversion can cause (the contest function "
        "S/(S + counter_efficacy C + subversion_resilience W) times this).",
        "Stated reason: subversion works over several years, not one.", 0, 1)
    subversion_resilience: float = _p(
        0.05, "A target's own resistance to subversion, as a share of its wealth.",
        "Stated reason: a state is not subverted by trifling sums.", 0, 100)
    counter_efficacy: float = _p(
        10.0, "Effect of a unit of counter-subversion money relative to a unit of subversion "
        "money (defence is cheaper).", "Stated reason: counter-intelligence on home ground "
        "has the advantage; 2% of wealth holds an equal rival spending 3% to a cohesion "
        "of about 0.7, while a rival four times richer captures.", 0, 1000)
    counter_spend: float = _p(
        0.02, "Share of wealth an actor spends on counter-subversion when its cohesion is "
        "below counter_trigger (on top of its military spending).",
        "Stated reason: matches the penetrator's order of effort.", 0, 1)
    counter_trigger: float = _p(
        0.8, "Cohesion below which actors spend on counter-subversion.",
        "Stated reason: regimes react once unrest is visible.", 0, 1)
    cohesion_recovery: float = _p(
        0.1, "Share of the gap to full cohesion recovered each year.",
        "Stated reason: domestic unity returns within a decade or so once subversion stops.",
        0, 1)
    capture_threshold: float = _p(
        0.4, "A target whose cohesion falls below this has its policy captured by the "
        "penetrator that subverted it most.",
        "Stated reason: a divided elite lets a foreign patron's faction rule (Polybius on "
        "Macedon in Greece; Qin's bribery of Zhao's court, Shiji ch. 81).", 0, 1)
    fragment_threshold: float = _p(
        0.15, "A target whose cohesion falls below this fragments: its outer provinces "
        "secede into a reserve or dead actor slot, as a client of the penetrator.",
        "Stated reason: below capture, the state breaks up (stated choice).", 0, 1)
    capture_spell: float = _p(
        10, "Years a captured policy follows the penetrator (and a seceded client stays "
        "captured).", "Stated reason: about one ruler's reign.", 1, 1000)
    memory_decay: float = _p(
        0.05, "Share of remembered abandonment and exploitation forgotten each year.",
        "Stated reason: reputations outlast grievances over territory; about a generation "
        "(Crescenzi 2007, Reputation and interstate conflict, AJPS 51(2)).", 0, 1)
    reputation_spread: float = _p(
        0.5, "Weight with which actors who merely witnessed a defection remember it "
        "(1 for the victim).", "Stated reason: reputations are public but second-hand "
        "(Crescenzi 2007; Mercer 1996 argues they matter less than this).", 0, 1)
    balk_weight: float = _p(
        0.5, "Abandonment weight of balking (sending a token share below 0.25 of one's forces).",
        "Stated reason: half an abandonment.", 0, 10)
    bandwagon_weight: float = _p(
        1.0, "Exploitation weight an actor records against one that allies with its own top "
        "threat when that actor is also the observer's top threat (bandwagoning).",
        "Walt 1987: states that side with the threat are seen as its accomplices; weight 1 "
        "(one act suffices for distrust and punishment) is a stated choice.", 0, 10)
    distrust_threshold: float = _p(
        1.0, "An actor refuses alliance offers from one whose remembered abandonment plus "
        "exploitation is at least this.", "Stated reason: one betrayal of oneself, or two "
        "witnessed, makes a partner unacceptable (Crescenzi 2007).", 0, 1e9)
    punish_threshold: float = _p(
        1.0, "An external balancer attacks a neighbouring bandwagoner or late striker whose "
        "exploitation it remembers at least this much, when the odds clear attack_odds.",
        "Stated reason: balancing coalitions punish defectors (Walt 1987; Schweller 1994).",
        0, 1e9)
    offshore_exit: float = _p(
        0.1, "An offshore balancer leaves its alliances once the foreign regional hegemon's "
        "regional share is this far below regional_hegemony_share (hysteresis).",
        "Mearsheimer 2001, ch. 7: offshore balancers pass the buck back when the threat "
        "recedes.", 0, 1)

    # --- alliances --------------------------------------------------------------
    alliance_commitment: float = _p(
        1.0, "Commitment of a newly formed alliance (share of forces promised).",
        "Stated reason: a full defensive pact.", 0, 1)
    reliability_prior: float = _p(
        0.745, "Expected share of its promised help an ally with no record sends (the prior "
        "mean of reliability; an ally's help is valued at commitment x reliability).",
        "Leeds, Long & Mitchell 2000 (Reevaluating alliance reliability, Journal of Conflict "
        "Resolution 44(5)): alliance commitments were honoured in 74.5% of the cases that "
        "invoked them, 1816-1944; Smith 1995 and Leeds 2003 on alliances that may fail.", 0, 1)
    interest_weight: float = _p(
        0.5, "Weight of an ally's own interest in its commitment: in a war against e, ally k "
        "brings commitment x (1 - w + w x stake) of what its strategy sends, stake = T / "
        "(T + s) with T the threat of e to k and s k's own capability share; attackers and "
        "defenders count its expected help the same way (0 = commitment whatever the "
        "interest, the rule before issue 11's review).",
        "Smith 1995 (Alliance formation and war, International Studies Quarterly 39(4)): "
        "whether an ally intervenes depends on its own stake in the outcome; Leeds 2003 "
        "(Alliance reliability in times of war, International Organization 57(4)): "
        "commitments are kept when the interests behind them hold; Walt 1987 on shared "
        "threat. Half of the promise for an ally the enemy cannot reach is a stated "
        "choice.", 0, 1)
    reliability_weight: float = _p(
        2.0, "Weight of the prior in calls: reliability = (honoured + prior x weight) / "
        "(calls + weight), the mean of a Beta posterior over the ally's record.",
        "Stated reason: two calls answered or refused move the estimate half way from the "
        "prior.", 0.001, 1e6)
    trend_horizon: float = _p(
        5.0, "Years ahead over which a rival's growth is projected when its threat is judged "
        "(threat x (1 + horizon x positive smoothed growth of its share); 0 = no trend).",
        "Organski & Kugler 1980 (The War Ledger) and Walt 1987: a rising power threatens "
        "before it is strong; five years is a stated choice (a planning cycle).", 0, 100)
    trend_smoothing: float = _p(
        0.3, "Weight of the latest year in the smoothed growth of each actor's capability "
        "share (exponential smoothing).", "Stated reason: filters the yearly shocks "
        "(growth_noise) out of the trend over three or four years.", 0.001, 1)
    buck_alarm: float = _p(
        0.8, "A buck-passer stops passing the buck and balances when its threat's perceived "
        "capability share reaches this multiple of hegemony_share (the threat nears "
        "hegemony) or when no buck-catcher is left.",
        "Mearsheimer 2001, ch. 8: buck-passers balance late, once the catcher cannot contain "
        "the threat alone; 0.8 of the hegemony share is a stated choice.", 0, 10)
    buck_failing_odds: float = _p(
        0.5, "A buck-passer judges its buck-catcher failing, and balances late by joining the "
        "catcher's war against the threat, when the catcher is at war with the threat and "
        "its estimated chance of winning (its expected defence strength, allies counted at "
        "commitment x reliability, against the threat's projected forces) is below this.",
        "Mearsheimer 2001, ch. 8 (and Christensen & Snyder 1990): the buck-passer enters once "
        "the catcher cannot contain the threat alone; 0.5, a catcher expected to lose its "
        "war, is that definition, not a tuned value.", 0, 1)
    balk_pressure: float = _p(
        1.0, "A balker accepts an alliance only from a proposer whose capability share is at "
        "least this multiple of its own (joins only when pressed by a stronger ally), or "
        "from anyone while it fought last year (pressed by a demand).",
        "Schweller 2006 (Unanswered Threats): balkers comply with a stronger partner's "
        "demands but shirk; parity is a stated choice.", 0, 100)
    stake_horizon: float = _p(
        10.0, "Years of a province's production a hegemon-seeker counts as the value at stake "
        "of a war (expected gain = chance of winning x conquest_rate x production of the "
        "target's frontier x this).", "Stated reason: conquests are held for about a "
        "decade before they are lost or absorbed (Bueno de Mesquita 1981 values the stake, "
        "not its horizon).", 0, 1000)
    seeker_damage_weight: float = _p(
        1.0, "Weight of the war's damage to its own economy in the hegemon-seeker's expected "
        "cost, on top of the attrition of its forces: the war model's damage rule applied "
        "to the sides it expects (2 x war_damage x the expected enemy side's share of the "
        "total strength, of its wealth, per campaign-year of the war's expected length "
        "from the engine's war-ending rule, each loss lasting in full until the war ends and "
        "then less what the phoenix factor regains, within stake_horizon); 0 = the "
        "attrition alone (the seeker-cost ablation).",
        "Consistency: the expected cost is what the war model will inflict on the seeker "
        "(issue 11: the attrition against the expected, not nominal, coalition; Bueno de "
        "Mesquita 1981, The War Trap: expected utility counts the expected costs of the war; "
        "Fearon 1995: the costs of fighting), so a seeker that expects what the engine "
        "does weighs the damage at 1.", 0, 100)
    seeker_spares_until: float = _p(
        0.5, "A hegemon-seeker spares its allies (attacks none of them; an alignment accepted "
        "this year calls its demand off) while its own capability share is below this; at "
        "or above it, it no longer needs them: it accepts none, may attack an ally like any "
        "neighbour and leaves the alliance of the ally it attacks (or all at once: "
        "seeker_exit) (1 = it spares its allies for ever, the rule before issue 11's third "
        "review).",
        "Schweller 1994 (Bandwagoning for profit, International Security 19(1)): "
        "bandwagoners share the revisionist's spoils, but the lion may turn on the jackals "
        "once it no longer needs them (Hitler on the Soviet Union in 1941, Napoleon on Spain "
        "in 1808); a hegemon, by definition the holder of hegemony_share (Mansfield 1993: "
        "half the system's capability), needs no partner, so the default is that share.",
        0, 1)
    seeker_exit: str = _p(
        "gradual", "How a hegemon-seeker past seeker_spares_until leaves its alliances: "
        "'gradual' leaves only the alliance whose partner it attacks that year (one a year; "
        "the jackals it gains nothing from attacking stay allied); 'all' leaves every "
        "alliance the year it turns (the rule before issue 11's fourth review).",
        "Stated choice: Schweller 1994 says the lion may turn on the jackals once it no "
        "longer needs them, not that it breaks with all at once (Napoleon turned on Spain in "
        "1808 and kept the Confederation of the Rhine).", choices=("gradual", "all"))
    concession_odds: float = _p(
        0.2, "A target concedes a demand (a peaceful transfer of the demanded frontier "
        "provinces) when its estimated chance of resisting successfully is below this.",
        "Fearon 1995 (Rationalist explanations for war, International Organization 49(3)): "
        "costly war leaves a bargaining range, so a weak target concedes; one in five is a "
        "stated choice.", 0, 1)
    peace_odds: float = _p(
        0.5, "After each year's campaign the side that lost it concedes (the war ends) when "
        "its chance of winning the next campaign, on the forces the fighting revealed, is "
        "below this; otherwise the war goes on.",
        "Slantchev 2003 (The principle of convergence in wartime negotiations, APSR 97(4)) "
        "and Fearon 1995: fighting reveals the balance and wars end when expectations "
        "converge; a side beaten and shown to be weaker gives up.", 0, 1)
    amphibious_penalty: float = _p(
        0.5, "Share of its strength a belligerent of the attacking side (the attacker or its "
        "ally) loses when it borders the target only across the sea (a border, none of it "
        "by land): the amphibious penalty, on top of distance; the same factor enters the "
        "estimates of the odds and of an ally's expected help. The target's allies pay "
        "none (they land on a friendly coast).",
        "Mearsheimer 2001, ch. 4 (the stopping power of water): amphibious assaults on a "
        "defended great power rarely succeed. At 0.5 an attacker across the sea needs twice "
        "the projected strength of an insular defender for even odds, so an equal "
        "continental rival (odds 1/3) never clears attack_odds.", 0, 1)
    amphibious_overseas: bool = _p(
        True, "Whether the amphibious penalty also falls on an attacking participant with no "
        "border with the target whose capital lies on another land mass (it must project "
        "its power over the sea to get there); off, only those bordering the target across "
        "the sea pay it (the rule before issue 11's second review). The target's allies "
        "never pay it: they land on a friendly coast.",
        "Mearsheimer 2001, ch. 4: the stopping power of water limits amphibious assaults "
        "against defended territory, an attacking ally's expedition as much as the "
        "attacker's; reinforcements landing in an ally's ports face no defended shore.")
    concession_grievance: float = _p(
        1.0, "Hostility a state that conceded provinces adds towards the taker, per "
        "concession, times the share of its production (the value of its provinces) it "
        "conceded (a grievance that raises the threat it sees in the taker and grows with "
        "what it gave up; 0 = concessions leave no memory).",
        "Goertz & Diehl 1992 (Territorial Changes and International Conflict) and Hensel "
        "2001 (Contentious issues and world politics, ISQ 45(1)): territory changing hands "
        "leaves claims that make recurrent conflict between the same states likelier, the "
        "more so the more valuable (salient) the territory (Hensel 2001; Goertz & Diehl "
        "1992 on the value of territory); conceding all it has weighs one act of "
        "aggression's worth of grievance (as an attack leaves), a stated choice.",
        0, 100)
    taboo_restraint: float = _p(
        0.9, "Probability that a nuclear-armed side facing defeat by a non-nuclear enemy "
        "refrains from first use (the nuclear taboo).",
        "Tannenwald 1999 (The nuclear taboo, International Organization 53(3)): nuclear "
        "states lost or stalemated wars against non-nuclear ones (Korea, Vietnam, "
        "Afghanistan) without using the weapon; 0.9 is a stated choice.", 0, 1)
    taboo_hostility: float = _p(
        1.0, "Hostility every live observer adds towards an actor that uses nuclear weapons "
        "first against a non-nuclear state (the taboo's cost in reputation).",
        "Tannenwald 1999: first use would make the user a pariah; one act of aggression's "
        "worth of grievance in every capital is a stated choice.", 0, 100)
    growth_spread: float = _p(
        0.005, "Standard deviation of each actor's own mean growth rate around growth_rate, "
        "drawn once per world (differential growth drives power transitions).",
        "Organski & Kugler 1980 (The War Ledger): uneven growth; Maddison 2001 shows "
        "long-run national growth rates differing by about half a point a year.", 0, 0.5)
    growth_persistence: float = _p(
        0.8, "Year-to-year autocorrelation of each actor's own growth deviation (AR(1) around "
        "growth_rate with stationary standard deviation growth_spread): growth advantages "
        "are episodes that fade; 1 = drawn once and kept for ever (the rule before issue 11's "
        "review).", "Easterly, Kremer, Pritchett & Summers 1993 (Good policy or good luck?, "
        "Journal of Monetary Economics 32(3)): country growth rates correlate only 0.1-0.3 "
        "from one decade to the next; 0.8 a year gives a correlation of about 0.3 between "
        "successive decade means. Organski & Kugler 1980 tie fast growth to a transitional "
        "stage that ends at power maturity.", 0, 1)
    preventive_ratio: float = _p(
        0.8, "A declining leader whose strategy has the preventive trait attacks a rising "
        "challenger once the challenger's share reaches this fraction of its own (when its "
        "odds clear attack_odds).",
        "Copeland 2000 (The Origins of Major War): a dominant power facing deep decline "
        "wages preventive war before it is overtaken; 0.8 is a stated choice.", 0, 10)

    # --- war -----------------------------------------------------------------
    victory_function: str = _p(
        "ratio", "Victory function of the two sides' projected strength: contest (ratio) "
        "p = A^m/(A^m+D^m); logistic in the relative difference; erf (probit) of the log "
        "ratio; deterministic (stronger wins).",
        "Hirshleifer 1989 (Conflict and rent-seeking success functions, Public Choice 63).",
        choices=("ratio", "logistic", "erf", "deterministic"))
    decisiveness: float = _p(
        1.0, "Exponent m of the contest function (and scale of logistic/erf).",
        "Hirshleifer 1989: m = 1 is the standard ratio form.", 0.01, 100)
    destructiveness: float = _p(
        0.3, "Share of committed forces a side loses in a war it is evenly matched in "
        "(each side loses destructiveness x enemy share of total strength).",
        "Stated reason: annual campaign losses of tens of percent (Lanchester-style attrition).",
        0, 1)
    war_damage: float = _p(
        0.05, "Share of productivity each principal belligerent loses per campaign-year of "
        "an even war; in general a principal loses min(2 x war_damage x the enemy side's "
        "share of the two sides' strength, 1), so the damage grows with the force the enemy "
        "brings (a great power fighting a small state loses little).",
        "Stated reason: wars destroy wealth as well as forces (Organski & Kugler 1977, "
        "The costs of major wars: the phoenix factor, APSR 71(4); 1980, The War Ledger). "
        "Stated choice: the loss grows with the enemy's share of the strength, as the "
        "engine's attrition does; the factor 2 is a normalisation keeping the total at 2 x "
        "war_damage per war-year (the two shares sum to 1).", 0, 1)
    phoenix_rate: float = _p(
        0.12, "Share of its remaining war losses of productivity an actor regains each year, "
        "back towards the growth path it would have followed without the war (the phoenix "
        "factor; 0 = war damage is permanent, the rule before issue 11's second review).",
        "Organski & Kugler 1977 (The costs of major wars: the phoenix factor, APSR 71(4)) "
        "and 1980 (The War Ledger, ch. 3): belligerents, losers included, return to their "
        "pre-war growth trend within 15-20 years; 0.12 a year regains 90% of the loss in 18 "
        "years.", 0, 1)
    conquest_rate: float = _p(
        0.5, "Probability that each frontier province of the loser bordering a victor passes "
        "to that victor.", "Stated reason: a won war takes part of the frontier, not all.",
        0, 1)
    capital_loss_kills: bool = _p(
        False, "Whether an actor whose capital falls dies (its provinces pass to the "
        "conqueror of the capital); otherwise the capital moves.",
        "Cederman 1997 uses capital-based state death as an option.")

    # --- nuclear deterrence (powerbalance.model.deterrence) ----------------------------
    deterrence_rule: str = _p(
        "decision", "How nuclear weapons deter an attack: decision = the attacker weighs the "
        "expected cost of retaliation (its probability x the damage it inflicts) against the "
        "expected gain of the attack and goes ahead only if the gain exceeds the cost (an "
        "attack with no expected gain is not chosen, even at no cost); "
        "veto = every attack on a target with a secure second strike (or such a committed "
        "ally) is deterred unless the attacker's resolve reaches resolve_threshold (the rule "
        "before issue 13, kept for comparison).",
        "Schelling 1966 (Arms and Influence, ch. 2-3), Jervis 1989 (The Meaning of the "
        "Nuclear Revolution, ch. 1), Powell 1990 (Nuclear Deterrence Theory, ch. 1-2) and "
        "Waltz 1981 (The Spread of Nuclear Weapons: More May Be Better, Adelphi 171): "
        "deterrence works through the expected cost of retaliation, a decision, not a rule.",
        choices=("decision", "veto"))
    deterrence_credibility: str = _p(
        "expected-help", "Under the decision rule, a nuclear ally's chance of being in the war "
        "(and so of escalating for the target): expected-help = commitment x its interest in "
        "a war against the attacker x its reliability, the side estimate's expected help, "
        "for every ally the campaigns would call; committed = only allies committed at least "
        "extended_commitment, at commitment x reliability (the rule before issue 13's "
        "review).",
        "Schelling 1960 (The Strategy of Conflict, ch. 8) and 1966 (Arms and Influence, "
        "ch. 3): the threat that leaves something to chance, a patron's retaliation "
        "likelier the more it has at stake in the client; "
        "Smith 1995 (Alliance formation and war, ISQ 39(4)) and Leeds 2003 (International "
        "Organization 57(4)): allies intervene as their interests and record warrant; the "
        "war model calls every ally (powerbalance.model.war), which the decision expects.",
        choices=("expected-help", "committed"))
    resolve_rule: str = _p(
        "own-valuation", "Under the decision rule, where resolve enters (once): own-valuation "
        "= the attacker's own valuation, its expected cost of retaliation discounted by "
        "1 - its resolve, the defenders escalating at the war model's rate; balance = no "
        "discount, each defender's chance of escalating scaled by the balance of resolve "
        "2 r_d / (r_d + r_a) (1 at equal resolve; clipped to a probability), for "
        "comparison.",
        "Powell 1990 (Nuclear Deterrence Theory, ch. 2-3): a state's resolve is its own "
        "valuation, the highest risk of disaster it runs to prevail; it escalates while the "
        "risk is below that cutoff, which the attacker's gain > (1 - r) x expected cost "
        "is (powerbalance.model.deterrence). The war model's escalation does not depend on "
        "resolve, so the default expects the war it fights; the balance form is a stated "
        "choice (Powell gives no closed form for the contest).",
        choices=("own-valuation", "balance"))
    deterrence_crisis_memory: bool = _p(
        True, "Under either deterrence rule, draw the accident once per crisis (when an "
        "attacker first stands down against a target) rather than every year it goes on "
        "demanding the same target and is deterred; off = a draw every year (the rule "
        "before issue 13's review).",
        "Stated choice: a challenger that has stood down is off the brink, so the risk is "
        "tied to entering a crisis, not re-run every year of a standoff (which would make "
        "the accident rate a yearly hazard, a floor growing with the years). The phrase is "
        "Schelling 1960 (The Strategy of Conflict, ch. 8: the threat that leaves something "
        "to chance); Schelling 1966 (Arms and Influence, ch. 3) has the shared risk "
        "accumulate with time on the brink, the contrast, which off (the nuclear-peace "
        "experiment's memory-off arm) bounds.")
    retaliation_campaigns: bool = _p(
        True, "Under the decision rule, count the risk of a nuclear exchange over the war's "
        "expected campaigns (the defenders escalate in the T p campaigns they lose, a "
        "nuclear attacker in the T (1 - p) it loses; T the expected war length at the "
        "attacker's odds p, the hegemon-seeker's estimate) and the gain over the T p it "
        "wins; off = one campaign (the rule before issue 13's review).",
        "Consistency with the war model (powerbalance.model.war): a losing side may "
        "escalate in every campaign (Schelling 1966, ch. 3, on the risk that accumulates "
        "over a war); the length is the engine's war-ending rule (Slantchev 2003).")
    retaliation_weight: float = _p(
        1.0, "Weight an attacker gives the expected cost of nuclear retaliation against the "
        "expected gain of its attack (1 = risk-neutral expected cost; above 1 risk-averse; "
        "0 = retaliation costs nothing, the 'deterrence' ablation).",
        "Powell 1990 (ch. 1): deterrence as an expected-utility comparison; Jervis 1989 "
        "(ch. 1) on statesmen's aversion to the risk of nuclear war. Plausible range 0.5-2; "
        "1 is the risk-neutral choice.", 0, 100)
    resolve_threshold: float = _p(
        0.9, "With deterrence_rule = veto: attackers with resolve below this are deterred by "
        "a secure second strike (unused by the decision rule, where resolve r discounts the "
        "attacker's own destruction by 1 - r).",
        "Stated reason: only actors (almost) willing to be destroyed ignore MAD (Jervis 1989, "
        "The Meaning of the Nuclear Revolution).", 0, 1)
    extended_commitment: float = _p(
        0.5, "Minimum commitment of a nuclear ally for extended deterrence to cover a target "
        "under the veto rule, and under the decision rule with deterrence_credibility = "
        "committed (the patron's threat then counts its commitment x its reliability).",
        "Stated reason: a half-hearted guarantee is not credible (Schelling 1966, Arms and "
        "Influence; Huth 1988, Extended Deterrence and the Prevention of War).", 0, 1)
    deterrence_accident: float = _p(
        0.01, "Probability that deterrence fails by accident or miscalculation.",
        "Stated reason: small but non-zero (Sagan 1993, The Limits of Safety).", 0, 1)
    nuclear_escalation: float = _p(
        0.5, "Probability that a nuclear-armed side facing defeat crosses the nuclear threshold.",
        "Stated reason: escalation is a gamble (Schelling 1960, The Strategy of Conflict).",
        0, 1)
    nuclear_devastation: float = _p(
        0.9, "Share of productivity and forces destroyed on a side hit by nuclear weapons.",
        "Stated reason: mutual assured destruction (McNamara 1967 criterion).", 0, 1)

    # --- law of nations (powerbalance.model.law; off by default) ------------------------
    law: bool = _p(
        False, "Norms of international law (territorial integrity, pacta sunt servanda) as "
        "part of the state: violations are detected, sanctioned and erode or strengthen the "
        "norms (off: the null, no law at all).",
        "Off by default: every calibrated result and shipped claim was established without "
        "norms; Oppenheim 1905 (International Law, vol. 1, s. 51) and Bull 1977 (The "
        "Anarchical Society, ch. 5) on law resting on a balance of power.")
    law_sanctions: bool = _p(
        True, "With law on, violations are sanctioned by the coalition of compliant states "
        "that can contend with the violator (off: no one punishes; violations only erode).",
        "Vattel 1758 (The Law of Nations, book III, s. 47-49): nations may unite to repress "
        "one that violates the law of nations; Morgenthau 1948 (Politics among Nations, "
        "ch. 18): enforcement is decentralised, in the hands of the states themselves.")
    law_restraint: bool = _p(
        True, "With law on, a compliant actor forgoes an attack whose expected sanction "
        "exceeds its expected gain (off: norms never restrain a decision).",
        "Henkin 1979 (How Nations Behave): almost all nations observe almost all principles "
        "of international law almost all of the time, for the costs of violation.")
    law_free_riding: bool = _p(
        True, "With law on, willing sanctioners beyond the smallest coalition that can "
        "contend with the violator free-ride (off: every willing state sanctions).",
        "Olson 1965 (The Logic of Collective Action); Axelrod 1986 (An evolutionary approach "
        "to norms, APSR 80(4)): punishing is costly, so punishment is itself a public good "
        "(the second-order free-rider problem; Heckathorn 1989).")
    norm_start: float = _p(
        0.5, "Strength of each norm in the first year (0 = dead letter, 1 = fully "
        "internalised).", "Stated choice: a norm half-way through its life cycle "
        "(Finnemore & Sikkink 1998, International norm dynamics and political change, IO "
        "52(4)).", 0, 1)
    norm_growth: float = _p(
        0.02, "Share of the gap to full strength a norm gains in a year without violation or "
        "in which every violation was punished (scaled by the share punished).",
        "Zacher 2001 (The territorial integrity norm, IO 55(2)): the norm consolidated over "
        "about half a century after 1945; 2% a year closes half the gap in 35 years.", 0, 1)
    norm_erosion: float = _p(
        0.1, "Share of its strength a norm loses with each unpunished violation.",
        "Stated choice: an unpunished breach invites imitation (Axelrod 1986: norms collapse "
        "when defection goes unpunished); ten unpunished breaches leave a third of it.", 0, 1)
    sanction_penalty: float = _p(
        0.2, "Share of productivity a violator loses to sanctions at full norm strength when "
        "the sanctioning coalition overwhelms it (scaled by norm strength and by the "
        "coalition's share of the coalition's and violator's capability).",
        "Stated choice: embargo, blockade and hostility costing up to a fifth of output; "
        "Hufbauer et al. 2007 (Economic Sanctions Reconsidered, 3rd ed.) measure costs of "
        "several percent of GNP for trade sanctions alone.", 0, 1)
    sanction_cost: float = _p(
        0.25, "A sanctioner loses this multiple of the penalty it helps impose (the cost of "
        "punishing).", "Hufbauer et al. 2007: the sender's losses are a fraction of the "
        "target's; stated choice a quarter.", 0, 10)
    sanction_years: float = _p(
        5.0, "Years (rounded to whole years) a sanction stays in force (the violator's "
        "penalty and each sanctioner's cost are paid every year until then); it is then "
        "lifted and productivity returns to its path.",
        "Hufbauer et al. 2007 (Economic Sanctions Reconsidered, 3rd ed.): "
        "the costs of sanctions are a flow, per year while the sanctions last, and most "
        "episodes last some years; stated choice five.", 1, 100)
    sanction_hostility: float = _p(
        0.5, "Grievance each sanctioner adds against the violator, times the norm's strength "
        "(collective hostility feeds the balance of threat).",
        "Walt 1987 (aggressive intentions are a source of threat); stated weight.", 0, 100)
    contend_ratio: float = _p(
        1.0, "The willing sanctioners must hold at least this multiple of the violator's "
        "capability to punish it (can contend with it); a violator stronger than every "
        "possible coalition is unpunishable.",
        "Polybius, Histories I.83: no power may grow so great that the others cannot "
        "contend with it on equal terms (ratio 1: equal terms).", 0, 100)
    compliance_mean: float = _p(
        0.5, "Mean of the actors' compliance dispositions (uniform around it); an actor "
        "complies with a norm when its disposition is at least 1 - the norm's strength.",
        "Stated choice: dispositions spread evenly, so a norm of strength s binds a share s "
        "of the actors (the norm cascade of Finnemore & Sikkink 1998).", 0, 1)
    compliance_spread: float = _p(
        0.5, "Half-width of the uniform spread of compliance dispositions (clipped to [0, 1]).",
        "Stated choice: from the lawless to the law-abiding.", 0, 1)
    law_collapse: float = _p(
        0.1, "A norm weaker than this is dead (the end of law's lifetime in the metrics).",
        "Stated choice: a tenth of full strength.", 0, 1)
    law_treaty_restraint: bool = _p(
        True, "With law on, an actor bound by pacta sunt servanda that would send nothing to "
        "an ally's call honours it, with probability the norm's strength (off: treaties are "
        "kept only as far as strategies keep them).",
        "Leeds 2003 (Alliance reliability in times of war, IO 57(4)): states honour most but "
        "not all alliance commitments (about three in four, Leeds, Long & Mitchell 2000); "
        "Keohane 1984 (After Hegemony): states keep agreements they would rather break, for "
        "the norm and the reputation it carries.")
    concert_consult: bool = _p(
        True, "With law on and a concert named by the scenario, a concert member attacks only "
        "with the assent of more than concert_assent of the other live members (off: each "
        "member acts alone).",
        "Elrod 1976 (The Concert of Europe: a fresh look, World Politics 28(2)): no great "
        "power acted alone on a question that concerned the system; Schroeder 1994 (The "
        "Transformation of European Politics, ch. 12-13).")
    concert_assent: float = _p(
        0.99, "Share of the other live concert members that must assent to a member's attack "
        "(more than this share; 0.99: every other member, 0.5: a majority).",
        "Consensus, near unanimity: Kupchan & Kupchan 1991 (Concerts, collective security "
        "and the future of Europe, International Security 16(1): 114-161) and Elrod 1976 "
        "(The Concert of Europe: a fresh look, World Politics 28(2)): the powers acted on a "
        "question of the system only by common consent. A majority (0.5) is the model's "
        "departure, kept in the robustness band.", 0, 1)
    concert_policing: bool = _p(
        True, "With law on, a concert member that violates a norm is sanctioned by all the "
        "other members jointly, its alliance with them no shield and whatever their "
        "dispositions (off: members are sanctioned like anyone, so never by their allies).",
        "Schroeder 1976 (Alliances, 1815-1945: weapons of power and tools of management): "
        "the Quadruple Alliance restrained its own members; Jervis 1985 (From balance to "
        "concert, World Politics 38(1)): the powers restrain one another.")
    concert_intervention: bool = _p(
        True, "With law on, the concert answers a non-member's aggression with joint "
        "sanctions: every member sanctions it, none free-rides (off: non-members are "
        "sanctioned like anyone). Armed intervention is concert_armed.",
        "London Convention of 15 July 1840 (Britain, Austria, Prussia and Russia acting "
        "together against Mehmet Ali's change of the Near Eastern order by force; "
        "Schroeder 1994, The Transformation of European Politics); the reading of "
        "it as a standing rule is the model's own.")
    concert_armed: bool = _p(
        True, "With law on, the concert takes up arms against last year's outlaws (the "
        "non-members that took provinces by force) under a mandate (concert_mandate), and "
        "after a won intervention restores the provinces taken (concert_restore) (off: "
        "no armed intervention).",
        "Interventions by mandate of the congresses: Austria in Naples and Piedmont 1821 "
        "(Laibach), France in Spain 1823 (Verona); Schroeder 1994, ch. 13; Elrod 1976. The "
        "Troppau Protocol (1820) concerned revolutions, not conquests: applying the rule to "
        "a change of the settlement by force is the model's own reading (see the London "
        "Convention of 1840 under concert_intervention).")
    concert_mandate: bool = _p(
        True, "With armed intervention, one executor per outlaw: the strongest free "
        "intervener bordering it, and only if it can contend with the outlaw and its "
        "allies (contend_ratio); one war (off: every bordering intervener attacks, each its "
        "own war, whatever the odds).",
        "The congresses mandated one power (Austria at Laibach 1821, France at Verona 1823; "
        "Schroeder 1994, ch. 13); stated choice of one executor over a joint war, since the "
        "war phase fights each demand as its own war.")
    concert_restore: bool = _p(
        True, "After a won intervention the law layer restores the provinces the outlaw "
        "took by force to their live former owners and the executor's conquests from the "
        "outlaw to it: the members annex nothing (off: the war's conquests stand).",
        "The interventions of 1821-23 restored the legitimate rulers and annexed nothing "
        "(Schroeder 1994, ch. 13; Kissinger 1957, A World Restored); the settlement as the "
        "law layer's own step is a stated choice: the war phase knows no restitution.")
    concert_interveners: str = _p(
        "all", "Which concert members take up arms for it: 'all' members, or 'troppau': the "
        "signatories of the Troppau Protocol, Austria, Prussia and Russia (the actors so "
        "named), Britain abstaining.",
        "Castlereagh's State Paper of 5 May 1820: Britain refused to join armed "
        "intervention in other states' affairs; the Troppau Protocol (19 November 1820) was "
        "signed by Austria, Prussia and Russia only (Schroeder 1994, ch. 13).",
        choices=("all", "troppau"))
    concert_deterrence: bool = _p(
        True, "With armed intervention, the concert's response is expected in advance: a "
        "non-member weighing an attack counts the one executor the mandate would send against "
        "it (the strongest live intervener bordering it, only if it can contend alone), "
        "other than its target, in the target's expected defence, at commitment 1 times "
        "its reliability, interest and reach (as an ally is valued), and a law-bound "
        "non-member counts the expected intervention cost (the chance that executor wins "
        "times the gain it would restore) besides the expected sanction (off: the concert "
        "only answers a breach after it).",
        "Slantchev 2005 (Territory and commitment: the Concert of Europe as self-enforcing "
        "equilibrium, Security Studies 14(4)): the expected response keeps expansion off "
        "the equilibrium path, credible because it would be carried out; Jervis 1985 "
        "(From balance to concert, World Politics 38(1)): the powers are restrained by the "
        "expectation that the others "
        "would respond. Commitment 1 (the Quadruple Alliance treaty of 20 November 1815, in "
        "which each ally pledged its forces should the settlement be overturned by force, "
        "read as a guarantee) is a stated choice.")

    # --- metrics ----------------------------------------------------------------
    hegemony_share: float = _p(
        0.5, "A hegemon holds at least this share of system capability.",
        "Mansfield 1993 (unipolarity at half of capabilities).", 0, 1)
    regional_hegemony_share: float = _p(
        0.5, "A regional hegemon holds at least this share of its region's capability.",
        "Mearsheimer 2001: a regional hegemon dominates its region.", 0, 1)

    # -------------------------------------------------------------------------
    @classmethod
    def fields(cls) -> tuple[dataclasses.Field[Any], ...]:
        """The parameter fields with their metadata."""
        return dataclasses.fields(cls)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One dict per parameter: name, default, doc, source, allowed range.

        >>> rows = Params.describe()
        >>> any(r["name"] == "sea_cost" for r in rows)
        True
        """
        rows = []
        for f in cls.fields():
            rows.append({"name": f.name, "default": f.default, "allowed": _allowed(f),
                         "doc": f.metadata["doc"], "source": f.metadata["source"]})
        return rows

    def with_overrides(self, overrides: dict[str, Any], source: str = "--set") -> Params:
        """A copy with validated overrides; an :class:`InputError` names a bad one.

        >>> Params().with_overrides({"sea_cost": 2}).sea_cost
        2.0
        """
        by_name = {f.name: f for f in self.fields()}
        clean: dict[str, Any] = {}
        for key, raw in overrides.items():
            f = by_name.get(key)
            if f is None:
                raise InputError("unknown parameter", source=source, field=key,
                                 allowed=", ".join(sorted(by_name)))
            clean[key] = _coerce(f, raw, source)
        return dataclasses.replace(self, **clean)


def _allowed(f: dataclasses.Field[Any]) -> str:
    meta = f.metadata
    if meta.get("choices"):
        return " | ".join(meta["choices"])
    if isinstance(f.default, bool):
        return "true | false"
    return f"{meta['lo']} to {meta['hi']}"


def _coerce(f: dataclasses.Field[Any], raw: Any, source: str) -> Any:
    meta = f.metadata
    allowed = _allowed(f)
    if isinstance(f.default, bool):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0", "yes", "no"):
            return raw.lower() in ("true", "1", "yes")
        raise InputError(f"expected a boolean, got {raw!r}", source=source, field=f.name,
                         allowed=allowed)
    if isinstance(f.default, str):
        if not isinstance(raw, str) or raw not in meta["choices"]:
            raise InputError(f"invalid value {raw!r}", source=source, field=f.name,
                             allowed=allowed)
        return raw
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"expected a number, got {raw!r}", source=source, field=f.name,
                         allowed=allowed) from None
    lo, hi = meta["lo"], meta["hi"]
    if not (value == value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(f"value {value} out of range", source=source, field=f.name,
                         allowed=allowed)
    return value


#: Tables a params file may hold: ``[params]`` (the values) and ``[calibration]``
#: (provenance written by ``powerbalance calibrate``; not read as parameters).
PARAMS_FILE_TABLES = ("params", "calibration")


def load_params_file(path: str | Path) -> dict[str, Any]:
    """The validated ``[params]`` of a params file (``powerbalance run --params FILE``).

    A params file is TOML with a ``[params]`` table of parameter values, such as the
    ``calibrated-params.toml`` that ``powerbalance calibrate`` writes; its values are
    overrides (``--set`` goes over them).

    >>> load_params_file("no-such.toml")
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: no-such.toml: --params: no such file (allowed: a params \
.toml file with a [params] table)
    """
    path = Path(path)
    allowed = "a params .toml file with a [params] table"
    data = read_toml(path, field="--params", allowed=allowed)
    for key in data:
        if key not in PARAMS_FILE_TABLES:
            raise InputError("unknown key", source=str(path), field=key,
                             allowed=", ".join(PARAMS_FILE_TABLES))
    table = data.get("params")
    if not isinstance(table, dict):
        raise InputError("missing or not a table", source=str(path), field="params",
                         allowed=allowed)
    checked = Params().with_overrides(table, source=f"{path} [params]")
    return {k: getattr(checked, k) for k in table}
