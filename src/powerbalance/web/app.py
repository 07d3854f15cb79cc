"""The FastAPI application: routers per concern, the shared lab state, security headers.

``create_app()`` builds the app; ``powerbalance serve`` runs it on uvicorn.
Every route is a thin shell over the library's public API (the one the CLI and
notebooks use): :func:`powerbalance.run`, the scenario and parameter registries,
:mod:`powerbalance.experiments.claims` and :mod:`powerbalance.analysis`.

Security: the app serves only the files of its own ``static/`` folder (read once, looked
up by name: :mod:`powerbalance.web.assets`) and the API; a Content-Security-Policy
allows scripts, styles, images and connections from the app itself only (no inline
scripts, no other host), so that text from scenarios and results, which the page writes
as text, can never run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse

from powerbalance.errors import InputError
from powerbalance.model.engines import default_engine
from powerbalance.web.assets import Assets
from powerbalance.web.jobs import JobPool, PoolBusy
from powerbalance.web.schemas import LimitError

#: The Content-Security-Policy of every response.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def static_dir() -> Path:
    """The folder of the lab's own front-end files."""
    return Path(str(resources.files("powerbalance.web") / "static"))


@dataclass
class Lab:
    """What the routes share: the worker pool (with its cache) and the server's data folder."""

    pool: JobPool
    data: str | None = None
    """The COW data folder given to ``powerbalance serve --data`` (never from a request)."""
    scenarios: dict[str, Any] = field(default_factory=dict)
    """Scenarios the server adds to the built-ins (``serve --scenario FILE``), by name."""
    memo: dict[str, Any] = field(default_factory=dict)
    """Derived data computed once per server (the history tables)."""
    engine: str = field(default_factory=default_engine)
    """The engine of the lab's runs: the compiled one (the faster for one world and for many;
    the same results), or ``$POWERBALANCE_ENGINE`` where it is set
    (:func:`~powerbalance.model.engines.default_engine`)."""


def get_lab(request: Request) -> Lab:
    """Dependency: the lab state of the app serving ``request``."""
    lab: Lab = request.app.state.lab
    return lab


#: The scenario the Lab page opens with (``static/app.js`` names the same).
DEFAULT_SCENARIO = "warring-states"


def _warm_up(lab: Lab) -> None:
    """Read the scenario list, the default scenario's page and the parameter registry, import
    what a run's summary uses and simulate some decades of the default scenario, before the
    server takes its first request. The first page load and the first run then pay neither
    for matplotlib's and SciPy's imports (the scenario page imports :mod:`powerbalance.viz`
    for the actors' colours) nor for numba loading the compiled kernels from its cache,
    which it does at each kernel's first call (the war phase's at the first war, within the
    first 30 years of warring-states), and do not share the CPU with them: about a second
    of CPU that a warm-up thread beside the server spent while the first page loaded."""
    from powerbalance.experiments import summary  # noqa: F401
    from powerbalance.experiments.results import run
    from powerbalance.viz import colors, ensembles  # noqa: F401
    from powerbalance.web.routers.params import params_body
    from powerbalance.web.routers.scenarios import detail_body, load_spec
    from powerbalance.web.schemas import builtin_scenarios

    builtin_scenarios()
    detail_body(lab, DEFAULT_SCENARIO)
    params_body()
    run(load_spec(lab, DEFAULT_SCENARIO)[1], years=30, worlds=1, seed=0, engine=lab.engine)


async def _preflight(app: FastAPI, path: str = "/static/favicon.svg") -> None:
    """Answer one request inside the server before it takes the first real one: FastAPI
    builds its routing tables at the first request (some 70 ms of CPU for the lab's routes,
    several times that on a loaded machine), which the first visitor should not wait for.
    ``path`` is matched against every route (the static files' route comes last)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        pass

    await app(scope, receive, send)


def create_app(data: str | Path | None = None, *, workers: int = 2, max_pending: int = 16,
               allowed_hosts: list[str] | None = None,
               scenarios: list[Any] | tuple[Any, ...] = ()) -> FastAPI:
    """The web lab; ``data`` is the COW data folder of the History page (``--data``).

    ``scenarios`` (:class:`~powerbalance.scenarios.Scenario` objects) are offered
    beside the built-ins under their names (the server's choice, never the browser's).

    ``allowed_hosts`` (e.g. ``["127.0.0.1", "localhost"]``) refuses requests naming
    another host, which stops DNS-rebinding pages from reaching a local server.
    """
    from powerbalance.web.routers import compare, game, history, params, runs
    from powerbalance.web.routers import scenarios as scenario_routes

    if data is not None:
        from powerbalance.analysis.cow import data_dir

        data = str(data_dir(data).resolve())
        if "," in data or "=" in data:
            raise InputError(f"{data}", source="--data", field="data",
                             allowed="a folder whose path has no ',' or '='")
    pool = JobPool(workers=workers, max_pending=max_pending)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(_warm_up, app.state.lab)
        await _preflight(app)
        yield
        pool.shutdown()

    app = FastAPI(title="powerbalance lab", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.lab = Lab(pool=pool, data=None if data is None else str(data),
                        scenarios={s.name: s for s in scenarios})

    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    # Payloads of a long run are large; compressing costs far less than sending them (the
    # progress stream, text/event-stream, is left alone by the middleware).
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)

    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(LimitError)
    async def limit_error(request: Request, exc: LimitError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", exc.field], "msg": str(exc), "type": "limit"}]})

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body"], "msg": str(exc), "type": "input"}]})

    @app.exception_handler(PoolBusy)
    async def pool_busy(request: Request, exc: PoolBusy) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)},
                            headers={"Retry-After": "5"})

    for module in (scenario_routes, params, runs, compare, history, game):
        app.include_router(module.router)

    assets = Assets(static_dir())  # read and gzipped once: see powerbalance.web.assets

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def index(request: Request) -> Response:
        return assets.response("index.html", request)

    @app.api_route("/static/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def static_file(name: str, request: Request) -> Response:
        return assets.response(name, request)

    return app
