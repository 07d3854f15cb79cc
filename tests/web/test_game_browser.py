"""The Game page in a real browser (Debian's chromium): five turns, a crisis, the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from powerbalance.game import crisis as ladder

from .conftest import CHROMIUM

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")


def test_five_turns_with_a_crisis_to_the_end_summary(page: Any, live_server: str,
                                                      screenshots: Path, monkeypatch):
    # The server runs in this process: its rivals question the opening move and back down
    # at the next rung, whatever the engine's odds of the day.
    monkeypatch.setattr(ladder, "ai_escalates", lambda odds, resolve, bold, defcon:
                        defcon == ladder.PEACE)
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith(live_server + "/"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(live_server + "/#game")
    page.wait_for_selector("#game-scenario option[value='cold-war-1950']", state="attached")
    assert page.locator("#page-lab").is_hidden()
    page.select_option("#game-scenario", "cold-war-1950")
    assert page.input_value("#game-power") == "USA"
    page.fill("#game-years", "5")
    page.fill("#game-seed", "0")
    page.click("#game-start")
    page.wait_for_selector("body[data-game-year='0']", state="attached")
    assert "USSR" in page.inner_text("#game-advisor")

    # Turn 1: pressure the USSR; it questions the move and a crisis opens at DEFCON 4.
    page.select_option("#game-lever-pressure", "USSR")
    page.select_option("#game-lever-spend", "0.1")
    page.click("#game-play")
    page.wait_for_selector("#game-crisis:not([hidden])")
    assert page.inner_text("#game-defcon") == "DEFCON 4"
    assert "USSR questions USA" in page.inner_text("#game-crisis-text")
    page.click("#game-escalate")
    page.wait_for_selector("body[data-game-year='1']", state="attached")
    assert "backs down" in page.inner_text("#game-log")
    assert page.inner_text("#game-defcon") == "DEFCON 5"

    # Turns 2 to 5: other levers; the last ends the game and shows the summary.
    for year, (lever, value) in enumerate([("offer", "UK"), ("pay", "Mexico"),
                                           ("subvert", "USSR"), ("offer", "France")], 2):
        page.select_option(f"#game-lever-{lever}", value)
        page.click("#game-play")
        page.wait_for_selector(f"body[data-game-year='{year}']", state="attached")
    page.wait_for_selector("#game-summary:not([hidden])")
    page.wait_for_selector("body[data-game-summary='true']", state="attached")
    text = page.inner_text("#game-summary-text")
    assert "reached the last year" in text and "AI-only worlds" in text
    assert page.locator("#game-chart path").count() >= 3
    assert "game over: completed" in page.inner_text("#game-log")
    href = page.get_attribute("#game-save", "href")
    record = page.evaluate("h => fetch(h).then(r => r.json())", href)
    assert len(record["turns"]) == 5 and record["turns"][0]["answers"] == ["escalate"]
    page.screenshot(path=str(screenshots / "game.png"), full_page=True)
    assert errors == []
    assert external == []
