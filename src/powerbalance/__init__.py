"""powerbalance: a laboratory for the balance of power.

Simulate an anarchic system of states, measure polarity and concentration in
simulated and real data, and run experiments at scale.

>>> import powerbalance as pb
>>> result = pb.run("warring-states", years=10, worlds=4, seed=7)
>>> list(result.system.columns[:4])
['world', 'year', 'live_actors', 'largest_share']
"""

from __future__ import annotations

__version__ = "0.1.0"

from powerbalance.errors import InputError
from powerbalance.experiments.results import RunResult, load_run, run
from powerbalance.experiments.tournament import TournamentResult, tournament
from powerbalance.params import Params
from powerbalance.scenarios import Scenario
from powerbalance.scenarios import load as load_scenario

__all__ = ["InputError", "Params", "RunResult", "Scenario", "TournamentResult", "__version__",
           "load_run", "load_scenario", "run", "tournament"]
