"""powerbalance: a laboratory for the balance of power.

Simulate an anarchic system of states, measure polarity and concentration in
simulated and real data, and run experiments at scale.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
