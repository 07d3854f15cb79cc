"""The web lab (``powerbalance serve``): a thin FastAPI shell over the library's public API.

``app`` builds the application and its shared state, ``routers`` hold one
router per concern (scenarios, params, runs, compare, history), ``schemas``
the request models and their limits, ``jobs`` the bounded worker pool and the
result cache, ``payloads`` the reshaping of tables into JSON, and ``static``
the front end (HTML, CSS, one script, and vendored d3, topojson-client and
world-atlas with their licences). Routes compute nothing of their own: every
number comes from :func:`powerbalance.run`, the registries,
:mod:`powerbalance.experiments.claims` and :mod:`powerbalance.analysis`.
"""
