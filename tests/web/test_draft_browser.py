""" "Draft from my evidence" in a real browser (Debian's chromium), at 1366 px and on a phone:
an engineer makes a new packet, drafts it from their evidence, and the editor and its live
preview show their own numbers, the prompts left for them, and no page wider than the screen.
Screenshots go to test-artifacts/screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World
from tests.web.test_browser import SHOTS, server, signed_in_page  # noqa: F401
from tests.web.test_draft_button import _seed

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "label"), [(1366, 900, "wide"), (390, 844, "phone")])
def test_draft_from_my_evidence_in_a_browser(
    server: str,  # noqa: F811
    world: World,
    db_url: str,
    width: int,
    height: int,
    label: str,
) -> None:
    _seed(world)
    backend = db_url.split(":")[0]
    with signed_in_page(server, "ben@example.com", width, height) as page:
        page.get_by_label("Title").fill("Ben: Staff, drafted")
        page.get_by_role("button", name="New packet").click()
        button = page.get_by_role("button", name="Draft from my evidence")
        expect(button).to_be_visible()
        page.screenshot(path=str(SHOTS / f"{backend}-draft-{label}-1-empty.png"), full_page=True)
        button.click()
        expect(page.get_by_role("status")).to_contain_text("drafted from your evidence")
        expect(page.get_by_role("button", name="Draft from my evidence")).to_have_count(0)
        text = page.get_by_label("Markdown").input_value()
        assert "{{ claim.eval-regression-rate" in text and "<!-- perfpacket: you:" in text
        rendered = page.locator("#rendered")
        expect(rendered).to_contain_text("\u22123.0 pp")  # Ben's own claim
        expect(rendered).not_to_contain_text("\u22128.0 pp")  # never Ana's
        expect(rendered).not_to_contain_text("perfpacket: you")  # prompts are never rendered
        expect(page.locator("#lint")).to_contain_text("not filled in yet")  # lint lists them
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"the editor is {wide} px wide on a {width} px screen"
        page.screenshot(path=str(SHOTS / f"{backend}-draft-{label}-2-drafted.png"), full_page=True)
