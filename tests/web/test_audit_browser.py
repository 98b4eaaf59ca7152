"""The audit page in a real browser at 1366 px and on a phone: filters usable, the table
scrolling inside its box rather than widening the page. Screenshots go to
test-artifacts/screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World
from tests.web.test_audit_page import _fill
from tests.web.test_browser import SHOTS, server, signed_in_page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "label"), [(1366, 900, "wide"), (390, 844, "phone")])
def test_the_audit_page_filters_in_a_browser(
    server: str,  # noqa: F811
    world: World,
    db_url: str,
    width: int,
    height: int,
    label: str,
) -> None:
    _fill(world)
    backend = db_url.split(":")[0]
    with signed_in_page(server, "ada@example.com", width, height) as page:
        page.goto(f"{server}/admin/audit")
        expect(page.get_by_role("link", name="Older events")).to_be_visible()
        page.get_by_label("Who").select_option("ben@example.com")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("table.audit tbody tr")).to_have_count(1)
        expect(page.locator("table.audit")).to_contain_text("candidacy in 2026 H2 · Staff")
        expect(page.get_by_role("link", name="Older events")).to_have_count(0)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"the audit page is {wide} px wide on a {width} px screen"
        page.screenshot(path=str(SHOTS / f"{backend}-audit-{label}.png"), full_page=True)
