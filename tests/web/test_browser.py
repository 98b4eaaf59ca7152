"""End to end in a real browser (Debian's chromium through Playwright): an engineer signs in,
edits with live lint, submits; an admin opens calibration; a committee member rates and
decides with reasons; the decision is released. Screenshots go to test-artifacts/screenshots.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from tests.web.conftest import PASSWORD, World

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
REASON = "Three supported improvements with intervals that exclude zero, across quarters."

pytestmark = pytest.mark.browser


@pytest.fixture
def server(world: World) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@contextmanager
def signed_in_page(server: str, email: str, width: int, height: int) -> Iterator[Page]:
    """A chromium page of ``width`` × ``height`` px, signed in as ``email``."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            _sign_in(page, server, email)
            yield page
        finally:
            browser.close()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_review_flow_in_a_browser(server: str, world: World, db_url: str) -> None:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    backend = db_url.split(":")[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def shot(name: str) -> None:
            page.screenshot(path=str(SHOTS / f"{backend}-{name}.png"), full_page=True)

        # Ben edits his packet: the linter answers as he types, script in the text stays text.
        _sign_in(page, server, "ben@example.com")
        shot("01-home")
        page.get_by_role("link", name="Ben: Senior").click()
        editor = page.get_by_label("Markdown")
        editor.fill(
            "---\nperson: Ben Ito\n---\n\n# Summary\n\n"
            "I worked on many things and improved latency by 40%.\n\n"
            '<img src=x onerror="alert(1)"> <script>alert(2)</script>\n'
        )
        expect(page.locator("#lint .diagnostic code", has_text="PP106").first).to_be_visible()
        expect(page.locator("#rendered .prose")).to_contain_text("<script>alert(2)</script>")
        shot("02-live-lint")
        # A number no claim computes cannot be submitted: the editor says so, with the line,
        # and keeps (and saves) what Ben wrote.
        page.get_by_label("Cohort").select_option(label="2026 H2 · Senior")
        page.get_by_role("button", name="Save and submit packet").click()
        expect(page.locator("#submit-error")).to_contain_text("not bound to a claim")
        expect(page.get_by_label("Markdown")).to_have_value(re.compile("latency by 40%"))
        shot("03-not-submittable")
        # Ben takes the number out and saves; then adds a line and submits without saving:
        # what is on screen is what is submitted.
        editor = page.get_by_label("Markdown")
        fixed = (
            "---\nperson: Ben Ito\n---\n\n# Summary\n\n"
            "I worked on many things and improved latency.\n\n"
            '<img src=x onerror="alert(1)"> <script>alert(2)</script>\n'
        )
        editor.fill(fixed)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".saved")).to_have_text("saved")
        page.get_by_label("Markdown").fill(fixed + "\nI also wrote the runbook.\n")
        page.get_by_label("Cohort").select_option(label="2026 H2 · Senior")
        page.get_by_role("button", name="Save and submit packet").click()
        expect(page.locator(".state")).to_have_text("submitted")
        shot("04-submitted")
        page.get_by_role("link", name="read the submitted packet").click()
        expect(page.locator("body")).to_contain_text("I also wrote the runbook.")
        page.go_back()
        _sign_out(page)

        # Ada opens calibration for the Senior cohort.
        _sign_in(page, server, "ada@example.com")
        page.get_by_role("link", name="Cycles").click()
        row = page.locator("table.cohorts tr", has_text="Senior")
        row.get_by_role("button", name="Start calibration").click()
        # An irreversible step says what it will do and who moves before it is done.
        expect(page.get_by_role("note")).to_contain_text("This cannot be undone")
        expect(page.locator("main")).to_contain_text("Ben Ito")
        shot("05a-confirm-start")
        page.get_by_role("button", name="Yes, start calibration").click()
        expect(page.locator("table.cohorts tr", has_text="Senior")).to_contain_text(
            "in calibration: 1"
        )
        shot("05-admin-cycles")
        _sign_out(page)

        # Cora rates and decides, each with a written reason.
        _sign_in(page, server, "cora@example.com")
        page.get_by_role("link", name="2026 H2 · Senior").click()
        expect(page.get_by_role("heading", name="Rater leniency")).to_be_visible()
        shot("06-calibration")
        page.get_by_role("link", name="Blind mode").click()
        expect(page.locator("table.calibration tbody th")).not_to_contain_text("Ben")
        shot("07-calibration-blind")
        page.locator("table.calibration tbody th a").click()
        rating = page.locator("#rating-form")
        rating.get_by_label("Rating").select_option("exceeds")
        rating.get_by_label("Reason").fill(REASON)
        rating.get_by_role("button", name="Save rating").click()
        expect(page.locator(".ratings")).to_contain_text("exceeds")
        decision = page.locator("#decision-form")
        decision.get_by_role("button", name="Record decision").click()  # no reason yet
        expect(page.locator(".decision")).to_have_count(0)
        decision.get_by_label("Decision").select_option("promote")
        decision.get_by_label("Reason").fill(REASON)
        decision.get_by_role("button", name="Record decision").click()
        expect(page.locator(".decision")).to_contain_text("promote")
        shot("08-decided")
        page.get_by_role("link", name="Home").click()
        page.get_by_role("link", name="2026 H2 · Senior").click()
        expect(page.locator("table.calibration tbody tr").last).to_contain_text("promote")
        _sign_out(page)

        # Ada releases; Ben reads the decision and its reason.
        _sign_in(page, server, "ada@example.com")
        page.get_by_role("link", name="Cycles").click()
        page.locator("table.cohorts tr", has_text="Senior").get_by_role(
            "button", name="Release decisions"
        ).click()
        page.get_by_role("button", name="Yes, release decisions").click()
        expect(page.locator("table.cohorts tr", has_text="Senior")).to_contain_text("released: 1")
        _sign_out(page)
        _sign_in(page, server, "ben@example.com")
        page.get_by_role("link", name="2026 H2 · Senior").click()
        expect(page.locator(".decision")).to_have_text(f"promote: {REASON}")
        shot("09-released")
        browser.close()
    assert dialogs == [], "a script in packet text ran"
