"""The web lab in a real browser: Debian's chromium driven by pytest-playwright.

Each test loads the lab from a live uvicorn server on 127.0.0.1, fails on any
console error or uncaught exception, refuses (and fails on) every request that
leaves that server, and leaves a screenshot in the ``weblab-screenshots``
folder of pytest's temporary directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import (
    CHINESE_NAME,
    CHROMIUM,
    PROVINCE_NAME,
    SCRIPT_NAME,
    data_folder,
    unpacked,
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")

FILLS = "ps => ps.map(p => p.getAttribute('fill'))"


class Watch:
    """Console errors, page errors and requests to other hosts seen by a page."""

    def __init__(self, page: Any, base: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog {d.message}"), d.dismiss()))

        def route(r: Any) -> None:
            if r.request.url.startswith(base + "/"):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        page.route("**/*", route)


@pytest.fixture()
def lab(page: Any, live_server: str, screenshots: Path,
        request: pytest.FixtureRequest) -> Iterator[tuple[Any, Watch]]:
    """The lab page, loaded and ready; checks the page stayed clean and saves a screenshot."""
    watch = Watch(page, live_server)
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page, watch
    page.screenshot(path=str(screenshots / f"{request.node.name}.png"), full_page=True)
    assert watch.errors == []
    assert watch.external == []


def run_in_lab(page: Any, scenario: str, worlds: int, years: int, seed: int = 0) -> str:
    """Run a scenario from the Lab panel; return the run's id."""
    page.select_option("#scenario", scenario)
    page.wait_for_function("() => document.querySelector('#status').textContent === ''")
    page.fill("#worlds", str(worlds))
    page.fill("#years", str(years))
    page.fill("#seed", str(seed))
    with page.expect_response(lambda r: r.url.endswith("/api/runs")
                              and r.request.method == "POST") as info:
        page.click("#run")
    job = str(info.value.json()["id"])
    page.wait_for_selector(f"#results[data-run='{job}']", state="attached", timeout=120_000)
    return job


def scrub(page: Any, year: int) -> list[str]:
    """Move the year slider to ``year``; return the provinces' fill colours."""
    page.eval_on_selector("#year", "(el, y) => { el.value = y; "
                          "el.dispatchEvent(new Event('input')); }", year)
    assert page.text_content("#year-label") == str(year)
    page.wait_for_selector(f"#map[data-year='{year}']", state="attached")  # the next frame
    return list(page.eval_on_selector_all("#map path.province", FILLS))


def expected_fills(base: str, job: str, world: int, year: int) -> list[str]:
    """The colours the map must show: the API's owners in that year, the run's colours."""
    summary = httpx.get(f"{base}/api/runs/{job}").json()["summary"]
    data = httpx.get(f"{base}/api/runs/{job}/worlds/{world}").json()
    owners = unpacked(data["owners"])[data["years"].index(year)].tolist()
    return [summary["colors"][summary["actors"][o]] if o >= 0 else summary["unowned"]
            for o in owners]


def test_run_warring_states_scrub_the_year_and_open_a_world(lab, live_server):
    page, _ = lab
    job = run_in_lab(page, "warring-states", worlds=10, years=120, seed=3)
    assert page.text_content("#cli") == ("powerbalance run warring-states --worlds 10 "
                                         "--years 120 --seed 3")
    # The first recorded world in which a province changed hands, and the year it did.
    world, changed = next(
        (w, y) for w in range(8)
        for owners in [unpacked(httpx.get(f"{live_server}/api/runs/{job}/worlds/{w}")
                                .json()["owners"])]
        for y in range(len(owners)) if (owners[y] != owners[0]).any())
    if world != 0:
        page.select_option("#world", str(world))
        page.wait_for_selector(f"#map[data-world='{world}']", state="attached", timeout=60_000)
    start, later = scrub(page, 0), scrub(page, changed)
    assert start != later
    assert start == expected_fills(live_server, job, world, 0)
    assert later == expected_fills(live_server, job, world, changed)
    # Open a world beyond the recorded maps (re-run on the server): its map at the end.
    page.select_option("#world", "9")
    page.wait_for_selector("#map[data-world='9']", state="attached", timeout=60_000)
    assert scrub(page, 120) == expected_fills(live_server, job, 9, 120)
    # Play moves the year on; Pause stops it.
    scrub(page, 0)
    page.click("#play")
    page.wait_for_function("() => +document.querySelector('#year').value >= 3")
    page.click("#play")
    assert page.text_content("#play") == "Play"
    assert page.locator("#network circle").count() == 7
    assert page.locator("#outcomes rect").count() == 8  # seven states and "anyone"
    assert page.locator("#downloads a").count() >= 14
    # The map as drawn, as an SVG file that carries its own colours, and as a PNG.
    with page.expect_download() as download:
        page.click(".toolbar a.svg-download:not(.png-download)")
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved.startswith("<svg") and saved.count('class="province"') == 45
    assert re.search(r"class=\"land\" [^>]*style=\"fill: rgb", saved)
    with page.expect_download() as download:
        page.click(".toolbar a.png-download")
    assert download.value.suggested_filename == "map.png"
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_compare_two_parameter_settings(lab):
    page, _ = lab
    page.click("nav a[data-page=compare]")
    page.wait_for_selector("#cmp-experiment option", state="attached")
    page.check("input[name=cmp-mode][value=settings]")
    page.select_option("#cmp-statistic", "wars_fought_by")
    page.select_option("#cmp-actor", "Qin")
    # A long comparison streams its years and stops on Cancel.
    page.fill("#cmp-worlds", "200")
    page.fill("#cmp-years", "1000")
    page.click("#cmp-run")
    # two arms and their two null arms (nobody balancing), 1,000 years each
    page.wait_for_function("() => /simulating: [1-9][0-9]*\\/4000 years/"
                           ".test(document.querySelector('#cmp-status').textContent)")
    page.click("#cmp-cancel")
    page.wait_for_function("() => document.querySelector('#cmp-status').textContent "
                           "=== 'cancelled'", timeout=60_000)
    assert page.is_hidden("#cmp-results")
    page.fill("#cmp-worlds", "6")
    page.fill("#cmp-years", "30")
    page.click("#cmp-run")
    page.wait_for_selector("#cmp-verdict.holds, #cmp-verdict.fails", timeout=120_000)
    assert page.text_content("#cmp-verdict").startswith("The claim ")
    assert page.locator("#cmp-diff-table tbody tr").count() == 1
    # the two arms and their null arms
    arms = [t.strip() for t in page.locator("#cmp-arms-table tbody tr td:first-child")
            .all_text_contents()]
    assert sorted(arms) == ["A", "B", "null:A", "null:B"], arms
    assert "B − A" in page.text_content("#cmp-diff-table")


def tooltip_of(page: Any, selector: str) -> str:
    """Hover ``selector``; return the tooltip's text (it must hold text only, no elements)."""
    page.hover(selector)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert page.locator("#tooltip *").count() == 0
    return str(page.text_content("#tooltip"))


def test_names_are_shown_as_text_never_run(lab, live_server):
    page, _ = lab
    scripts = page.locator("script").count()
    page.select_option("#scenario", "escape-test")
    page.wait_for_function("() => document.querySelector('#status').textContent === ''")
    # Tooltips name the province (its id where it has no name) and its owner.
    assert tooltip_of(page, "#preview-map path[data-province=p0]") == (
        f"{PROVINCE_NAME}: {SCRIPT_NAME}")
    assert tooltip_of(page, "#preview-map path[data-province=p3]") == f"p3: {CHINESE_NAME}"
    job = run_in_lab(page, "escape-test", worlds=1, years=5)
    names = httpx.get(f"{live_server}/api/runs/{job}").json()["summary"]["actors"]
    owners = unpacked(httpx.get(f"{live_server}/api/runs/{job}/worlds/0").json()["owners"])
    for k, province in ((0, "p0"), (2, "p2")):
        owner = names[owners[-1][k]] if owners[-1][k] >= 0 else "unowned"
        label = PROVINCE_NAME if province == "p0" else province
        assert tooltip_of(page, f"#map path[data-province={province}]") == f"{label}: {owner}"
    legend = page.text_content("#legend")
    assert SCRIPT_NAME in legend and CHINESE_NAME in legend
    page.click("#scenario-details summary")
    assert "<img src=x onerror=alert(1)>" in page.text_content("#scenario-sources")
    assert "合縱連橫" in page.text_content("#scenario-description")
    assert page.locator("script").count() == scripts
    assert page.locator("#scenario-sources img, #legend script").count() == 0
    assert page.evaluate("document.body.dataset.pwned") is None


def test_real_geography_draws_on_the_world_basemap(lab, live_server):
    """Warring States has lon/lat for every province: the map is drawn on the world-atlas
    basemap (China's coastline), one shape per province."""
    page, _ = lab
    job = run_in_lab(page, "warring-states", worlds=1, years=10)
    assert httpx.get(f"{live_server}/api/runs/{job}/map").json()["geo"] is True
    assert page.locator("#map path.land").count() > 100  # countries of world-atlas 110m
    assert page.locator("#map path.province").count() == 45


def test_history_page(lab):
    page, _ = lab
    page.click("nav a[data-page=history]")
    if data_folder() is None:
        page.wait_for_function("() => document.querySelector('#hist-status').textContent !== ''")
        assert "--data" in page.text_content("#hist-status")
        return
    page.wait_for_selector("#hist-body:not([hidden])", timeout=60_000)
    assert page.text_content("#hist-span").startswith("1816")
    assert page.locator("#hist-powers path").count() >= 5
    page.fill("#hist-year", "1914")
    page.click("#hist-simulate")
    page.wait_for_function("() => document.querySelector('#scenario').value === 'cow:1914' && "
                           "document.querySelector('#status').textContent === ''",
                           timeout=60_000)
    assert page.locator("#preview-map path.province").count() > 20
    assert page.locator("#preview-map path.land").count() > 100  # on the world basemap
