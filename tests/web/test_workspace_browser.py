"""Done when: a committee of three calibrates a cohort of twenty from one page, in a real
browser at 1366 px and on a phone. Two members rate inline and move a candidate in the 9-box
(by dragging at 1366 px, with the Move button on the phone) without the page changing; the
committee compares two briefs; a decision waits for the quorum and is then recorded inline.
Screenshots of each step go to the test artifacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import World
from tests.web.test_browser import SHOTS, server, signed_in_page  # noqa: F401
from tests.web.test_workspace_inline import REASON, workspace

pytestmark = pytest.mark.browser


def _row(page: Page, name: str) -> Locator:
    return page.locator("table.calibration tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def _mark(page: Page) -> None:
    """A value that lives only as long as the document: a page load would lose it."""
    page.evaluate("window.stillHere = true")


def _same_document(page: Page) -> None:
    assert page.evaluate("window.stillHere === true"), "the page was reloaded"


# The elements wider than their box, outermost first: what makes a page scroll sideways.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
  .slice(0, 6).map(e => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`)"""


def _fits(page: Page, width: int) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide on {width} px: {page.evaluate(OVERFLOWING)}"


def _rate(page: Page, name: str, rating: str) -> None:
    cell = _row(page, name).locator("td.your-rating")
    cell.locator("summary").click()
    cell.locator("select[name=rating]").select_option(label=rating)
    cell.locator("textarea[name=reason]").fill(REASON)
    cell.get_by_role("button", name="Save rating").click()
    expect(page.locator("#saved")).to_have_text(f"Saved your rating of {name}: {rating}.")
    expect(_row(page, name).locator("td.your-rating summary")).to_have_text(rating)


@pytest.mark.parametrize(("width", "height", "label"), [(1366, 900, "wide"), (390, 844, "phone")])
def test_a_committee_of_three_calibrates_twenty_from_one_page(
    server: str,  # noqa: F811
    world: World,
    db_url: str,
    width: int,
    height: int,
    label: str,
) -> None:
    cohort, _, _ = workspace(world, candidates=20)
    url = f"{server}/cohorts/{cohort}/calibration"
    backend = db_url.split(":")[0]

    def shot(page: Page, step: str) -> None:
        page.screenshot(path=str(SHOTS / f"{backend}-calibrate-{step}-{label}.png"), full_page=True)

    with signed_in_page(server, "kim@example.com", width, height) as page:
        page.goto(url)
        assert page.locator("table.calibration tbody tr").count() == 20
        _fits(page, width)
        _mark(page)
        _rate(page, "Engineer 0", "meets")
        _rate(page, "Engineer 1", "exceeds")
        expect(_row(page, "Engineer 0").locator("td.sticky-end")).to_contain_text("1/2 ratings")
        shot(page, "rated")
        # The 9-box: Engineer 0's evidence puts them at low performance, not yet ready.
        chip = page.locator('.box[data-box="low/not_yet"] li.chip').filter(
            has=page.get_by_role("link", name="Engineer 0", exact=True)
        )
        target = page.locator('.box[data-box="moderate/developing"]')
        if label == "wide":
            chip.drag_to(target)  # opens the chip's Move form with the box chosen
            expect(chip.locator("select[name=box]")).to_have_value("moderate/developing")
        else:
            chip.locator("summary").click()
            chip.locator("select[name=box]").select_option("moderate/developing")
        chip.locator("textarea[name=reason]").fill(REASON)
        shot(page, "moving")
        chip.get_by_role("button", name="Move").click()
        expect(page.locator("#saved")).to_have_text(
            "Moved Engineer 0 to Developing · moderate performance: your rating is now meets."
        )
        moved = target.locator("li.chip.moved")
        expect(moved).to_have_count(1)
        expect(moved.get_by_role("link")).to_have_text("Engineer 0")
        # A refused move says why in the alert line and keeps the workspace.
        mover = page.locator("li.chip").filter(
            has=page.get_by_role("link", name="Engineer 2", exact=True)
        )
        mover.locator("summary").click()
        mover.locator("textarea[name=reason]").fill("too short")
        mover.locator("textarea[name=reason]").evaluate("el => el.removeAttribute('minlength')")
        mover.get_by_role("button", name="Move").click()
        expect(page.locator("#flash")).to_contain_text("field 'reason' has 9 characters")
        expect(page.locator("#flash")).to_be_in_viewport()  # held in view above the 9-box
        expect(page.locator("#saved")).to_be_hidden()  # the earlier "Moved …" no longer applies
        # The workspace was not replaced: what was typed is still there to correct.
        expect(mover.locator("textarea[name=reason]")).to_have_value("too short")
        _same_document(page)
        _fits(page, width)  # with a Move form open
        shot(page, "moved")

    with signed_in_page(server, "lee@example.com", width, height) as page:
        page.goto(url)
        _mark(page)
        _rate(page, "Engineer 0", "exceeds")
        # Lee's own board still shows the evidence's placement.
        expect(
            page.locator('.box[data-box="low/not_yet"]').get_by_role("link", name="Engineer 0")
        ).to_have_count(1)
        _same_document(page)

    with signed_in_page(server, "noa@example.com", width, height) as page:
        page.goto(url)
        _row(page, "Engineer 0").locator("input[type=checkbox]").check()
        _row(page, "Engineer 1").locator("input[type=checkbox]").check()
        page.get_by_role("button", name="Compare").click()
        expect(page.locator(".compare article")).to_have_count(2)
        shot(page, "compare")
        page.goto(url)
        _mark(page)
        # Engineer 1 has one rating of the two the decision needs: nothing to decide yet.
        expect(_row(page, "Engineer 1").locator("td.sticky-end")).to_contain_text("1/2 ratings")
        expect(_row(page, "Engineer 1").locator("td.sticky-end summary")).to_have_count(0)
        decision = _row(page, "Engineer 0").locator("td.sticky-end")
        expect(decision).to_contain_text("2/2 ratings")
        decision.locator("summary").click()
        decision.locator("select[name=decision]").select_option("promote")
        decision.locator("textarea[name=reason]").fill(REASON)
        decision.get_by_role("button", name="Record decision").click()
        expect(page.locator("#saved")).to_have_text("Recorded the decision on Engineer 0: promote.")
        expect(_row(page, "Engineer 0").locator("td.sticky-end")).to_contain_text("promote")
        _same_document(page)
        shot(page, "decided")
