"""Regenerate the README's picture of the web lab (``docs/images/weblab.png``).

Starts the lab on a free localhost port, runs 100 worlds of warring-states for
300 years (seed 2026) in Debian's chromium, moves the year slider to 150, points
at Xianyang (its tooltip names the province and its owner) and saves the top of
the page::

    .venv/bin/python docs/make_weblab_screenshot.py
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parent / "images" / "weblab.png"


def main() -> None:
    """Serve, run, scrub, point, save (written to a temporary name, then moved)."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from powerbalance.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("body[data-ready=true]")
            page.fill("#worlds", "100")
            page.fill("#years", "300")
            page.fill("#seed", "2026")
            page.click("#run")
            page.wait_for_selector("#results[data-run]", state="attached", timeout=600_000)
            page.eval_on_selector("#year", "el => { el.value = 150; "
                                  "el.dispatchEvent(new Event('input')); }")
            page.wait_for_selector("#map[data-year='150']", state="attached")
            page.hover("#map path[data-province=xianyang]")
            page.wait_for_selector("#tooltip:not([hidden])")
            tmp = OUT.with_name(f".{OUT.name}.{os.getpid()}.tmp")
            page.screenshot(path=str(tmp), type="png")
            os.replace(tmp, OUT)
            browser.close()
    finally:
        server.should_exit = True
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
