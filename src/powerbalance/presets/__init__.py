"""Classic models of the literature as presets, for comparison with published figures.

Each preset is a dedicated vectorised model (batch axis of worlds,
counter-based random numbers per global world index, pure step functions)
whose tables have the engine's layout, so the analysis and plotting layers
read them. ``powerbalance preset NAME`` runs one.

>>> sorted(PRESETS)
['cederman-polarity', 'cusack-stoll']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerbalance.errors import InputError
from powerbalance.experiments.results import RunResult


@dataclass(frozen=True)
class Preset:
    """A registered preset: how to run it and what it is compared with."""

    name: str
    description: str
    compare_with: str
    run: Callable[..., tuple[RunResult, dict[str, Any]]]
    params: type
    length_name: str
    """Name of the length argument of ``run`` (``turns`` or ``steps``)."""
    engines: tuple[str, ...] = ("numpy",)
    """The engines ``run`` takes (``engine=``; the first is its default where numba is not
    installed, see :func:`powerbalance.model.engines.default_engine`)."""


def batch_progress(progress: Callable[[int, int], None] | None, batch: int, batches: int,
                   length: int) -> Callable[[int], None] | None:
    """The per-batch hook ``done -> progress(batch * length + done, batches * length)``.

    Defined before :data:`PRESETS`, whose building imports the preset modules that use it.
    """
    if progress is None:
        return None
    hook = progress

    def tick(done: int) -> None:
        hook(batch * length + done, batches * length)

    return tick


def _cusack_stoll(**kwargs: Any) -> tuple[RunResult, dict[str, Any]]:
    from powerbalance.presets import cusack_stoll

    length = kwargs.pop("length", None)
    return cusack_stoll.run(turns=length, **kwargs)


def _cederman(**kwargs: Any) -> tuple[RunResult, dict[str, Any]]:
    from powerbalance.presets import cederman

    length = kwargs.pop("length", None)
    return cederman.run(steps=length, **kwargs)


def _params(name: str) -> type:
    if name == "cusack-stoll":
        from powerbalance.presets.cusack_stoll import CusackStollParams

        return CusackStollParams
    from powerbalance.presets.cederman import CedermanParams

    return CedermanParams


PRESETS: dict[str, Preset] = {
    "cusack-stoll": Preset(
        name="cusack-stoll",
        description=("Cusack & Stoll (1990), Exploring Realpolitik: 98 states on a random "
                     "8-regular graph, one protagonist per turn, coalitions inside wars."),
        compare_with=("Cusack & Stoll (1990), ch. 5-6: state survival over 500 turns and the "
                      "share of runs ending in a universal empire (rare under balance-of-power "
                      "rules, near-certain with the Versailles rule)."),
        run=_cusack_stoll, params=_params("cusack-stoll"), length_name="turns",
        engines=("numpy", "compiled")),
    "cederman-polarity": Preset(
        name="cederman-polarity",
        description=("Cederman (1997), Emergent Actors in World Politics, ch. 4: a 10 x 10 "
                     "grid of states, predators, offence/defence dominance, alliances."),
        compare_with=("Cederman (1997), ch. 4, figures 4.5-4.7: polarity outcomes (1, 2, 3-10, "
                      ">10 states) after 1,000 steps as predators, offence dominance and "
                      "alliances vary."),
        run=_cederman, params=_params("cederman-polarity"), length_name="steps"),
}


def get(name: str) -> Preset:
    """The preset called ``name`` (an :class:`InputError` lists the choices)."""
    if name not in PRESETS:
        raise InputError(f"unknown preset {name!r}", source="preset", field="NAME",
                         allowed=", ".join(sorted(PRESETS)))
    return PRESETS[name]


def run(name: str, *, worlds: int = 1, seed: int = 0, length: int | None = None,
        overrides: dict[str, Any] | None = None, every: int = 10,
        out: str | None = None, force: bool = False,
        progress: Callable[[int, int], None] | None = None, engine: str | None = None
        ) -> tuple[RunResult, dict[str, Any]]:
    """Run a preset; write the run folder to ``out`` if given (an earlier one of ours is
    replaced only with ``force``). Returns (tables, summary).

    ``progress`` is called with (turns or steps done, total) of the whole run. ``engine``:
    ``numpy`` or ``compiled`` where the preset has both (:attr:`Preset.engines`; the
    results are the same), None: the preset's default (compiled where it has it and numba
    loads).
    """
    preset = get(name)
    if engine is not None:
        from powerbalance.model.engines import check_engine

        check_engine(engine, source="--engine")
        if engine not in preset.engines:
            raise InputError(f"{engine!r} for preset {name}", source="--engine",
                             field="engine", allowed=" or ".join(preset.engines))
    if out is not None:  # refuse a bad --out before anything runs
        from powerbalance.outputs import Output, check_output

        check_output(Output(Path(out), "run", folder=True), force)
    if worlds < 1:
        raise InputError(f"{worlds}", source="--worlds", field="worlds", allowed=">= 1")
    if seed < 0:
        raise InputError(f"{seed}", source="--seed", field="seed", allowed=">= 0")
    if length is not None and length < 1:
        raise InputError(f"{length}", source=f"--{preset.length_name}", field="length",
                         allowed=">= 1")
    options = {} if engine is None or len(preset.engines) == 1 else {"engine": engine}
    result, summ = preset.run(worlds=worlds, seed=seed, length=length, overrides=overrides,
                              every=every, progress=progress, **options)
    if out is not None:
        result.write(out, force=force)
    return result, summ
