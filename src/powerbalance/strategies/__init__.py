"""The strategy library: every policy of the theory, registered by name.

>>> from powerbalance import strategies
>>> strategies.registry.get("hegemon-seeker").classifier["initiates_war"]
True
"""

from powerbalance.strategies import external_balancer, hegemon_seeker, registry, status_quo
from powerbalance.strategies.base import Actions, Strategy

__all__ = ["Actions", "Strategy", "external_balancer", "hegemon_seeker", "registry",
           "status_quo"]
