"""``make bench``: every benchmark module of this folder, each case in its own process.

A module ``bench_*.py`` either exposes ``cases() -> list[str]`` and
``run_case(case) -> list[(label, value, note)]`` (each case then runs alone in a fresh
interpreter), or only ``run() -> list[(label, value, note)]`` (the whole module is one
case). Every case runs ``--repeat`` times (3 by default), the repeats of a module's cases
interleaved; for each row the table gives the median and the spread (min-max) of the
repeats, and for each case the CPU time
(user + system) and peak resident memory of *its own* process, read with
``resource.getrusage`` in the child (not the parent's, which stays small), its worker
processes included: their CPU time (``RUSAGE_CHILDREN``) and, when it is larger than the
process's own peak, the peak of the summed RSS of the process and its descendants
(:class:`TreeMemory`, sampled every 50 ms). The first time a module runs on the compiled
kernels as they are now (a fresh install, an edit of a kernel), every case first runs
once untimed, so that numba's compiling falls outside the figures (``--warm-up`` forces
it).

The figures are written atomically to ``benchmarks/results.json`` (``--json PATH``
elsewhere); ``benchmarks/make_table.py`` renders the README's table from that file. The
machine is shared and noisy: compare figures as ratios from one run, CPU time rather than
wall time.

    python benchmarks/run.py [--repeat N] [--json PATH] [--case TEXT] [MODULE ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
#: The whole module is one case when it has no ``cases()``.
WHOLE = "*"


def load_module(stem: str) -> ModuleType:
    """Import ``benchmarks/<stem>.py`` by path (the folder is not a package)."""
    path = HERE / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def case_names(module: ModuleType) -> list[str]:
    """The cases of a module (one, :data:`WHOLE`, when it has no ``cases()``)."""
    return list(module.cases()) if hasattr(module, "cases") else [WHOLE]


class TreeMemory:
    """The peak of the summed resident memory of this process and its descendants (worker
    processes), sampled every 50 ms by a thread (Linux ``/proc``; elsewhere 0)."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _tree(pid: int) -> list[int]:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return [pid]
        return [pid, *(p for kid in kids for p in TreeMemory._tree(int(kid)))]

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return 0

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree(os.getpid())))

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def child(stem: str, case: str) -> None:
    """Run one case in this process and print its rows and its usage (its own and its
    worker processes') as JSON."""
    import resource

    module = load_module(stem)
    wall = time.perf_counter()
    with TreeMemory() as tree:
        rows = module.run() if case == WHOLE else module.run_case(case)
    wall = time.perf_counter() - wall
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "rows": [[str(label), float(value), str(note)] for label, value, note in rows],
        "cpu_s": usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime,
        "wall_s": wall,
        # kilobytes on Linux; the summed RSS of the worker processes when larger
        "peak_rss_mib": max(usage.ru_maxrss / 1024, tree.peak / 2**20),
    }))


def measure(stem: str, case: str) -> dict[str, Any]:
    """One repeat of a case in a fresh interpreter."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", stem, case],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{stem} {case}: exit {proc.returncode}: {tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(values: list[float]) -> dict[str, Any]:
    """Median and spread of the repeats (NaN values, cases that were skipped, are kept)."""
    real = [v for v in values if v == v]
    if not real:
        return {"median": None, "min": None, "max": None, "values": values}
    return {"median": statistics.median(real), "min": min(real), "max": max(real),
            "values": values}


def run_case(stem: str, case: str, repeat: int) -> dict[str, Any]:
    """Every repeat of a case, summarised per row."""
    return summarise_case(stem, case, [measure(stem, case) for _ in range(repeat)])


#: Cases named ``X [numpy]`` and ``X [compiled]`` are an A/B pair of engines.
PAIR = (" [numpy]", " [compiled]")


def run_cases(stem: str, cases: list[str], repeat: int) -> list[dict[str, Any]]:
    """The cases of a module with their repeats interleaved (repeat 1 of every case, then
    repeat 2, ...), so that the load of a shared machine falls alike on every case; each
    compiled case of an A/B pair gets a row of the paired ratio of its first figure (the
    NumPy repeat's over the compiled repeat run beside it: a speed-up for times)."""
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in cases}
    failed: set[str] = set()
    for _ in range(repeat):
        for case in cases:
            if case in failed:
                continue
            try:
                runs[case].append(measure(stem, case))
            except RuntimeError as exc:
                print(f"  FAILED {exc}", flush=True)
                failed.add(case)
    out = {case: summarise_case(stem, case, r) for case, r in runs.items() if case not in failed}
    for case, res in out.items():
        base = case.removesuffix(PAIR[1]) + PAIR[0]
        if not case.endswith(PAIR[1]) or base not in out:
            continue
        pairs = zip(runs[base], runs[case], strict=False)
        ratios = [a["rows"][0][1] / b["rows"][0][1] for a, b in pairs if b["rows"][0][1] > 0]
        res["rows"].append({"label": f"{case.removesuffix(PAIR[1])}: compiled vs numpy",
                            **summarise(ratios),
                            "note": "x (paired ratio of the first figure, numpy / compiled)"})
    return list(out.values())


def summarise_case(stem: str, case: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The repeats ``runs`` of a case, summarised per row."""
    repeat = len(runs)
    labels = [row[0] for row in runs[0]["rows"]]
    rows = []
    for k, label in enumerate(labels):
        values = [r["rows"][k][1] if k < len(r["rows"]) else float("nan") for r in runs]
        rows.append({"label": label, **summarise(values), "note": runs[-1]["rows"][k][2]})
    return {"module": stem, "case": case, "repeats": repeat, "rows": rows,
            **{key: summarise([r[key] for r in runs])
               for key in ("cpu_s", "wall_s", "peak_rss_mib")}}


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` atomically: a temporary file beside ``path``, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=1)
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def warm_marker(stem: str) -> Path | None:
    """The file that says the benchmark module ``stem`` has run once with numba's cache of
    the kernels as they are now (powerbalance.model.numba_cache names that folder by a hash
    of the kernels' sources, so an edit of a kernel starts a folder without markers);
    ``None`` where the folder is not powerbalance's (``NUMBA_CACHE_DIR`` set by the user)."""
    from powerbalance.model import numba_cache

    folder = Path(numba_cache.CACHE_DIR) if numba_cache.CACHE_DIR else None
    if folder is None or folder.parent != numba_cache.user_cache_root():
        return None
    return folder / f".benchmark-{stem}-warm"


def _fmt(s: dict[str, Any]) -> str:
    if s["median"] is None:
        return "n/a"
    return f"{s['median']:.4g} [{s['min']:.4g}-{s['max']:.4g}]"


def main(argv: list[str]) -> int:
    """Run the selected benchmark modules (all when none are named); write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module names without bench_ (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the figures go")
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    parser.add_argument("--warm-up", action="store_true",
                        help="run every case once, untimed, before its repeats (done "
                             "anyway the first time a module runs on the compiled "
                             "kernels as they are now)")
    parser.add_argument("--child", nargs=2, metavar=("MODULE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    stems = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.modules:
        stems = [s for s in stems if s.removeprefix("bench_") in args.modules]
    started = time.time()
    results = []
    for stem in stems:
        print(f"== {stem} == (value: seconds unless the note names another unit; "
              f"median [min-max] of {args.repeat})", flush=True)
        every = case_names(load_module(stem))
        selected = [case for case in every if args.case in case or case == WHOLE]
        marker = warm_marker(stem)
        if args.warm_up or marker is None or not marker.exists():
            # The first use of a kernel compiles it (seconds inside a timed case): every
            # case once, untimed, where this module has not run on these kernels yet.
            print("  (warm-up: every case once, untimed)", flush=True)
            for case in selected:
                try:
                    measure(stem, case)
                except RuntimeError as exc:
                    print(f"  FAILED {exc}", flush=True)
            if marker is not None and selected == every:
                marker.touch()
        for res in run_cases(stem, selected, args.repeat):
            case = res["case"]
            results.append(res)
            for row in res["rows"]:
                print(f"  {row['label']:55s} {_fmt(row):>28s}  {row['note']}", flush=True)
            print(f"  (case {case}: CPU {_fmt(res['cpu_s'])} s, peak RSS "
                  f"{_fmt(res['peak_rss_mib'])} MiB)", flush=True)
    if (args.modules or args.case) and args.json.is_file():  # keep the cases not rerun
        rerun = {(r["module"], r["case"]) for r in results}
        kept = json.loads(args.json.read_text(encoding="utf-8")).get("results", [])
        results = [r for r in kept if (r.get("module"), r.get("case")) not in rerun] + results
    write_json(args.json, {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "repeat": args.repeat,
        "results": results,
    })
    print(f"figures: {args.json}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
