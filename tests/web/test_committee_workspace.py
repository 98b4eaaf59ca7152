"""The committee's calibration workspace: candidates ranked by the column the committee picks,
two to four briefs compared side by side, and the name and decision columns held in view
while the table scrolls (in a real browser at 1366 px and on a phone)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.web.conftest import World, login
from tests.web.test_browser import SHOTS, server, signed_in_page  # noqa: F401
from tests.web.test_rater_effects_page import _committee


def _panel(world: World):  # type: ignore[no-untyped-def]
    client = world.client()
    login(client, "lee@example.com")
    return client


def _names(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [th.a.text for th in page.select("table.calibration tbody th")]


def test_candidates_rank_by_the_chosen_column(world: World) -> None:
    cohort = _committee(world)
    client = _panel(world)
    view = client.get(f"/api/calibration/{cohort}").json()
    adjusted = {r["name"]: r["adjusted"]["estimate"] for r in view["candidates"]}
    ranked = _names(client.get(f"/cohorts/{cohort}/calibration").text)
    assert [adjusted[n] for n in ranked] == sorted(adjusted.values(), reverse=True)
    by_name = _names(client.get(f"/cohorts/{cohort}/calibration?sort=name").text)
    assert by_name == sorted(by_name)
    assert client.get(f"/cohorts/{cohort}/calibration?sort=vibes").status_code == 422


def test_two_to_four_briefs_side_by_side(world: World) -> None:
    cohort = _committee(world)
    client = _panel(world)
    ids = [r["candidacy"] for r in client.get(f"/api/calibration/{cohort}").json()["candidates"]]
    page = client.get(f"/cohorts/{cohort}/compare", params={"c": ids[:3]})
    assert page.status_code == 200
    briefs = BeautifulSoup(page.text, "html.parser").select(".compare article")
    assert [b.h2.text for b in briefs] == ["Engineer 0", "Engineer 1", "Engineer 2"]
    assert "Adjusted" in briefs[0].text and "Kim" in briefs[0].text  # raters by name
    blind = client.get(f"/cohorts/{cohort}/compare", params={"c": ids[:2], "blind": 1}).text
    assert "Engineer 0" not in blind
    for bad in ([ids[0]], ids[:5], [ids[0], world.ids["candidacy"]]):
        answer = client.get(f"/cohorts/{cohort}/compare", params={"c": bad})
        assert answer.status_code == 422, bad
    assert "compare 2 to 4" in client.get(f"/cohorts/{cohort}/compare").text


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height", "label"), [(1366, 900, "wide"), (390, 844, "phone")])
def test_name_and_decision_stay_in_view_while_the_table_scrolls(
    server: str,  # noqa: F811
    world: World,
    db_url: str,
    width: int,
    height: int,
    label: str,
) -> None:
    cohort = _committee(world)
    backend = db_url.split(":")[0]
    with signed_in_page(server, "lee@example.com", width, height) as page:
        page.goto(f"{server}/cohorts/{cohort}/calibration")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"the page is {wide} px wide on a {width} px screen"
        box = page.locator(".sticky-table")
        box.evaluate("el => el.scrollLeft = el.scrollWidth")
        frame = box.bounding_box()
        name = page.locator("table.calibration tbody th").first.bounding_box()
        decision = page.locator("table.calibration tbody td.sticky-end").first.bounding_box()
        assert frame and name and decision
        assert abs(name["x"] - frame["x"]) < 2  # held at the left edge
        assert decision["x"] + decision["width"] <= frame["x"] + frame["width"] + 2
        page.screenshot(path=str(SHOTS / f"{backend}-workspace-{label}.png"), full_page=True)
        page.locator("table.calibration tbody input[type=checkbox]").nth(0).check()
        page.locator("table.calibration tbody input[type=checkbox]").nth(1).check()
        page.get_by_role("button", name="Compare").click()
        assert page.locator(".compare article").count() == 2
        page.screenshot(path=str(SHOTS / f"{backend}-compare-{label}.png"), full_page=True)
