"""Commands that run simulations: ``run``, ``scenarios``, ``show``."""

from __future__ import annotations
