"""Classic models of the literature as presets, for comparison with published figures."""
