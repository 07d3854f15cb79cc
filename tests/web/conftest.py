"""Fixtures of the web lab tests: an app with a test scenario, a live server, chromium."""

from __future__ import annotations

import base64
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from powerbalance.scenarios import Scenario, parse

with warnings.catch_warnings():  # starlette's notice about its httpx client, not our code
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient



def pytest_configure(config: pytest.Config) -> None:
    """Starlette's notice about its httpx-based test client is not about our code."""
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx`")


CHROMIUM = Path("/usr/bin/chromium")
#: An actor name that would run as a script if the page wrote it as HTML.
SCRIPT_NAME = "<script>document.body.dataset.pwned='1'</script>"
#: A non-Latin name (the lab must render Chinese names).
CHINESE_NAME = "秦國"
#: A province name in markup and Chinese (tooltips show names, as text).
PROVINCE_NAME = "<i>Ying 郢</i>"


def escape_scenario() -> Scenario:
    """Two actors on a line of four provinces, one named like a script tag, one in Chinese;
    the first province has a name in markup, the others only ids."""
    return parse({
        "name": "escape-test",
        "description": "A test scenario whose names are <b>markup</b> & non-Latin: 合縱連橫.",
        "sources": ["<img src=x onerror=alert(1)>"],
        "map": {"topology": "graph",
                "provinces": [{"id": "p0", "name": PROVINCE_NAME, "x": 0.0, "y": 0.0},
                              *({"id": f"p{i}", "x": float(i), "y": float(i % 2)}
                                for i in range(1, 4))],
                "land": [[f"p{i}", f"p{i + 1}"] for i in range(3)]},
        "actors": [{"name": SCRIPT_NAME, "provinces": ["p0", "p1"], "capital": "p0",
                    "strategy": "hegemon-seeker"},
                   {"name": CHINESE_NAME, "provinces": ["p2", "p3"], "capital": "p3"}],
    }, "escape-test.toml")


@pytest.fixture()
def client() -> Iterator[Any]:
    """A TestClient of a fresh app (its own pool and cache) with the escape scenario."""
    from powerbalance.web.app import create_app

    with TestClient(create_app(scenarios=[escape_scenario()], workers=1)) as c:
        yield c


def unpacked(p: dict[str, Any]) -> np.ndarray:
    """A packed matrix of a world payload (dtype, shape, base64) as the array it encodes."""
    data = np.frombuffer(base64.b64decode(p["base64"]), np.dtype(p["dtype"]).newbyteorder("<"))
    return data.reshape(p["shape"])


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def data_folder() -> Path | None:
    """The licensed COW data beside the repository (``../shared/data``), if present."""
    folder = Path(__file__).resolve().parents[3] / "shared" / "data"
    return folder if (folder / "NMC-60-abridged.csv").is_file() else None


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The lab on uvicorn in a thread, on a free localhost port; yields its base URL."""
    import uvicorn

    from powerbalance.cli.serve import LOOPBACK_NAMES
    from powerbalance.web.app import create_app

    port = free_port()
    data = data_folder()
    app = create_app(data, scenarios=[escape_scenario()], allowed_hosts=LOOPBACK_NAMES)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the lab server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright: Debian's chromium, never a downloaded browser."""
    return {"executable_path": str(CHROMIUM),
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    """pytest-playwright: a desktop-sized page."""
    return {"viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests leave their screenshots (test artefacts)."""
    return tmp_path_factory.mktemp("weblab-screenshots")


# pytest-playwright keeps one sync Playwright for the whole session; other tests (the HTML
# report's) start their own with sync_playwright(), which refuses to run inside a live one.
# Module scope here ends ours with the browser tests' module.
@pytest.fixture(scope="module")
def playwright(_pw_api_request_contexts: Any) -> Iterator[Any]:
    """pytest-playwright's Playwright, for this module only."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="module")
def browser_type(playwright: Any, browser_name: str) -> Any:
    """The browser type of pytest-playwright's ``--browser`` (chromium by default)."""
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: Any) -> Any:
    """Launch Debian's chromium with :func:`browser_type_launch_args`."""
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser: Any) -> Iterator[Any]:
    """One browser for the module's tests."""
    b = launch_browser()
    yield b
    b.close()
