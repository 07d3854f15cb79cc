"""The strategy library: every policy of the theory, registered by name.

Eleven strategies (docs/strategies.md), one module each; ``registry`` looks
them up by name or id and filters them by classifier.

>>> from powerbalance import strategies
>>> strategies.registry.get("hegemon-seeker").classifier["initiates_war"]
True
>>> len(strategies.registry.names())
11
"""

from powerbalance.strategies import (
    balker,
    bandwagoner,
    buck_passer,
    external_balancer,
    hegemon_seeker,
    internal_balancer,
    jackal,
    offshore_balancer,
    penetrator,
    registry,
    status_quo,
    wedger,
)
from powerbalance.strategies.base import Actions, Strategy

__all__ = ["Actions", "Strategy", "balker", "bandwagoner", "buck_passer", "external_balancer",
           "hegemon_seeker", "internal_balancer", "jackal", "offshore_balancer", "penetrator",
           "registry", "status_quo", "wedger"]
