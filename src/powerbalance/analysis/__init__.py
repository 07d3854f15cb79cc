"""Measuring power: concentration, polarity and related indices.

Every function here takes capability shares (or raw capabilities) and works on
a single vector or, vectorised, on any leading batch of worlds and years.
The engine's per-year system metrics are computed by these same functions.
"""

from powerbalance.analysis.distribution import (
    POLARITY_NAMES,
    PolarityRules,
    concentration,
    effective_number,
    hhi,
    largest_share,
    normalize_shares,
    polarity,
)

__all__ = [
    "POLARITY_NAMES",
    "PolarityRules",
    "concentration",
    "effective_number",
    "hhi",
    "largest_share",
    "normalize_shares",
    "polarity",
]
