"""``make bench``: every benchmark module of this folder, one table.

Each ``bench_*.py`` exposes ``run() -> list[(label, seconds, note)]``. The
machine is shared and noisy: compare figures as ratios from one run.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    """Run the selected benchmark modules (all when none are named)."""
    modules = sorted(HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if m.stem.removeprefix("bench_") in selected]
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        started = time.perf_counter()
        print(f"== {path.stem} == (value: seconds, unless the note names another unit)",
              flush=True)
        for label, value, note in module.run():
            print(f"  {label:55s} {value:11.3f}  {note}", flush=True)
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
