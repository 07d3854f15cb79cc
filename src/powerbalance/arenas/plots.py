"""The picture of an arena run, drawn with the project's plot functions in arena words."""

from __future__ import annotations

from matplotlib.figure import Figure

from powerbalance.arenas.run import ArenaRun


def arena_figure(result: ArenaRun, world: int = 0) -> Figure:
    """Two panels: the largest share over time across worlds (median, 50 % and 90 % bands;
    :func:`powerbalance.viz.fan_chart`) and each actor's share in ``world``
    (:func:`powerbalance.viz.shares_plot`), titled and labelled in the arena's words.

    >>> from powerbalance.arenas.run import simulate
    >>> len(arena_figure(simulate("market:firms=3", worlds=4, years=5)).axes)
    2
    """
    from powerbalance.viz import fan_chart, shares_plot

    words = result.spec.arena.words
    fig = Figure(figsize=(12.0, 4.5), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2)
    worlds = result.manifest["worlds"]
    fan_chart({result.spec.arena.name: result.system}, ax=left,
              title=f"largest {words.actor}'s share of {words.resource}, {worlds} worlds")
    left.set_ylabel(f"largest {words.actor}'s share")
    shares_plot(result.actors, None, world=world, ax=right, crop=False,
                title=f"{words.resource} share of each {words.actor}, world {world}")
    right.set_ylabel(f"share of {words.resource}")
    fig.suptitle(f"{result.spec.short_name}: {words.actors} and their {words.contest}s, "
                 f"seed {result.manifest['seed']}")
    return fig
