"""Golden regression: a small fixed-seed run's summary, pinned.

Any change to the model's behaviour changes these numbers; when that is
intended, regenerate with ``PB_REGEN_GOLDEN=1 pytest tests/model/test_golden.py``
and say why in the commit message.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from powerbalance.model.events import EventKind
from powerbalance.scenarios import load
from tests.conftest import simulate_scenario

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "warring_states_seed2026.json"


def summarise() -> dict:
    traj = simulate_scenario(load("warring-states"), years=60, worlds=8, seed=2026)
    final = traj.share[-1].astype(np.float64)
    kinds = {k.label: int((traj.events.kind == k).sum()) for k in EventKind}
    return {
        "final_share": np.round(final, 9).tolist(),
        "final_territory": traj.territory[-1].tolist(),
        "live_actors": traj.alive[-1].sum(axis=1).tolist(),
        "events": kinds,
        "sha256_share": hashlib.sha256(traj.share.tobytes()).hexdigest(),
    }


def test_golden_summary():
    got = summarise()
    if os.environ.get("PB_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1) + "\n")
        pytest.skip("golden file regenerated")
    want = json.loads(GOLDEN.read_text())
    assert got["events"] == want["events"]
    assert got["final_territory"] == want["final_territory"]
    assert got["live_actors"] == want["live_actors"]
    np.testing.assert_allclose(got["final_share"], want["final_share"], rtol=0, atol=2e-9)
    # Bit-identical on any machine (see powerbalance.detmath and powerbalance.rng).
    assert got["sha256_share"] == want["sha256_share"]
