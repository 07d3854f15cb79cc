"""Measuring power: concentration, polarity and related indices.

Every function here takes capability shares (or raw capabilities) and works on
a single vector or, vectorised, on any leading batch of worlds and years.
The engine's per-year system metrics are computed by these same functions.
"""

from powerbalance.analysis.distribution import (
    CEDERMAN_NAMES,
    POLARITY_NAMES,
    PolarityRules,
    cederman_class,
    concentration,
    effective_number,
    entropy,
    first_second_ratio,
    gini,
    hegemon,
    hhi,
    largest_share,
    normalize_shares,
    polarity,
    regional_hegemons,
)

__all__ = [
    "CEDERMAN_NAMES",
    "POLARITY_NAMES",
    "PolarityRules",
    "cederman_class",
    "concentration",
    "effective_number",
    "entropy",
    "first_second_ratio",
    "gini",
    "hegemon",
    "hhi",
    "largest_share",
    "normalize_shares",
    "polarity",
    "regional_hegemons",
]
