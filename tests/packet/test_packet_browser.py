"""The rendered demo packet in a real browser (Debian's chromium) at 1366 px and on a phone:
nothing wider than the screen outside a scrollable table, the brief's totals show their
intervals, and screenshots go to test-artifacts/screenshots for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from perfpacket.demo import build_demo

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.browser

# Elements wider than the viewport, other than tables, which scroll on their own on a phone.
OVERFLOW = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('table'))
  .map(e => e.tagName + ': ' + (e.textContent || '').trim().slice(0, 60))"""


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 900, "wide"), (390, 844, "phone")])
def test_the_packet_fits_the_screen_and_shows_its_totals_intervals(
    tmp_path: Path, width: int, height: int, name: str
) -> None:
    out = tmp_path / "demo"
    build_demo(out)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto((out / "packet.html").as_uri())
        page.screenshot(path=str(SHOTS / f"packet-{name}.png"), full_page=True)
        assert page.evaluate(OVERFLOW, width) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        money = page.locator(".money").inner_text()
        assert money.count("95% CI") == 3  # shipped per year, prevented per year and once
        assert page.locator("mark.unbound").count() == 0
        browser.close()
