"""The committee's workspace acts in place: a rating, a 9-box move and a decision are saved
from the calibration page with a reason and land back on it (HTMX swaps the page's workspace
in place; without script the form posts and the page reloads), each recorded like any other
rating or decision; bad input is a 4xx naming the field and leaves the store unchanged."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from perfpacket.store.team import AuditEvent, Candidacy, PacketVersion, Rating, User
from perfpacket.team import accounts, cycles, packets
from tests.web.conftest import PACKET, PASSWORD, World

REASON = "Rated against the scorecard with the evidence appendix open beside it."
PANEL = {"kim": "Kim Park", "lee": "Lee Chen", "noa": "Noa Diaz"}
# The test's input: where each candidate's evidence places them (score, level progress, ready).
PLACES = [(1.5, 0.2, False), (2.5, 0.6, False), (3.4, 1.0, True), (2.2, 0.3, False)]


def workspace(world: World, candidates: int = 20) -> tuple[int, dict[str, int], list[int]]:
    """A committee of three and a cohort of ``candidates`` in calibration, none rated yet,
    their evidence spread over the 9-box: (cohort id, user ids by key, candidacy ids)."""
    with world.store.session() as s:
        panel = {
            key: accounts.add_user(s, f"{key}@example.com", name, "committee", PASSWORD)
            for key, name in PANEL.items()
        }
        cycle = cycles.create_cycle(
            s, "2027 H1", [{"name": "Panel", "members": [f"{k}@example.com" for k in PANEL]}]
        )
        cohort = cycle.cohorts[0]
        admin = s.get(User, world.ids["ada"])
        assert admin is not None
        ids = []
        for i in range(candidates):
            user = accounts.add_user(
                s, f"e{i}@example.com", f"Engineer {i}", "engineer", PASSWORD, "ada@example.com"
            )
            packet = packets.create_packet(s, user, f"E{i}", PACKET)
            candidacy = packets.submit_packet(s, packet, user, cohort)
            version = s.get(PacketVersion, candidacy.version_id)
            assert version is not None
            score, progress, ready = PLACES[i % len(PLACES)]
            version.summary = {
                **version.summary,
                "score": score,
                "level": {**version.summary["level"], "progress": progress, "ready": ready},
            }
            ids.append(candidacy.id)
        cycles.advance_cohort(s, cohort, "start_calibration", admin)
        s.flush()
        return cohort.id, {k: u.id for k, u in panel.items()}, ids


def member(world: World, user_id: int) -> TestClient:
    """A signed-in committee member sending the CSRF token as HTMX does."""
    client = TestClient(world.app, follow_redirects=False)
    with world.store.session() as s:
        user = s.get(User, user_id)
        assert user is not None
        cookie, row = accounts.start_session(s, user)
        token = row.csrf_token
    client.cookies.set("perfpacket_session", cookie)
    client.headers["x-csrf-token"] = token
    return client


def _ratings(world: World, candidacy: int) -> list[tuple[int, str, str | None, str | None]]:
    with world.store.session() as s:
        rows = s.scalars(select(Rating).where(Rating.candidacy_id == candidacy)).all()
        return sorted((r.rater_id, r.rating, r.performance, r.readiness) for r in rows)


def _audit_count(world: World) -> int:
    with world.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_a_rating_saved_in_the_workspace_returns_to_it_and_says_what_was_saved(
    world: World,
) -> None:
    cohort, panel, ids = workspace(world, candidates=4)
    kim = member(world, panel["kim"])
    form = {"rating": "exceeds", "reason": REASON, "back": "rating", "sort": "name"}
    answer = kim.post(f"/candidacies/{ids[1]}/rating", data=form)
    assert answer.status_code == 303
    where = urlsplit(answer.headers["location"])
    assert where.path == f"/cohorts/{cohort}/calibration"
    assert parse_qs(where.query) == {"sort": ["name"], "saved": ["rating"], "c": [str(ids[1])]}
    page = BeautifulSoup(kim.get(answer.headers["location"]).text, "html.parser")
    assert page.select_one("#saved").text.strip() == "Saved your rating of Engineer 1: exceeds."
    rows = {tr.th.a.text: tr for tr in page.select("table.calibration tbody tr")}
    assert rows["Engineer 1"].select_one("td.your-rating summary").text.strip() == "exceeds"
    assert rows["Engineer 0"].select_one("td.your-rating summary").text.strip() == "Rate"
    assert "1/2 ratings" in rows["Engineer 1"].select_one("td.sticky-end").text
    # Another member's page shows their own (empty) rating, not Kim's.
    lee = BeautifulSoup(member(world, panel["lee"]).get(where.path).text, "html.parser")
    mine = [s.text.strip() for s in lee.select("td.your-rating summary")]
    assert mine == ["Rate"] * 4
    assert _ratings(world, ids[1]) == [(panel["kim"], "exceeds", None, None)]
    # From the candidacy page (no ``back``), the form still returns there.
    again = kim.post(f"/candidacies/{ids[1]}/rating", data={"rating": "meets", "reason": REASON})
    assert again.headers["location"] == f"/candidacies/{ids[1]}"


def test_moving_a_candidate_in_the_ninebox_records_the_boxs_rating_with_the_reason(
    world: World,
) -> None:
    cohort, panel, ids = workspace(world, candidates=4)
    kim = member(world, panel["kim"])
    page = BeautifulSoup(kim.get(f"/cohorts/{cohort}/calibration").text, "html.parser")
    boxes = {
        td["data-box"]: [a.text for a in td.select("li.chip > a")]
        for td in page.select(".ninebox .box")
    }
    assert len(boxes) == 9
    # Where PLACES puts the evidence: score → column, level progress → row.
    assert boxes["low/not_yet"] == ["Engineer 0"]
    assert boxes["moderate/developing"] == ["Engineer 1"]
    assert boxes["high/ready"] == ["Engineer 2"]
    assert boxes["moderate/not_yet"] == ["Engineer 3"]
    answer = kim.post(
        f"/candidacies/{ids[0]}/placement", data={"box": "moderate/ready", "reason": REASON}
    )
    assert answer.status_code == 303
    assert "saved=move" in answer.headers["location"]
    # Moderate performance and ready: the box stands for "exceeds".
    assert _ratings(world, ids[0]) == [(panel["kim"], "exceeds", "moderate", "ready")]
    with world.store.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.target) == ("committee_rating", f"candidacy:{ids[0]}")
        assert event.detail["before"] is None
        assert event.detail["after"] == {
            "rating": "exceeds",
            "reason": REASON,
            "box": "Ready · moderate performance",
        }
    page = BeautifulSoup(kim.get(answer.headers["location"]).text, "html.parser")
    assert page.select_one("#saved").text.strip() == (
        "Moved Engineer 0 to Ready · moderate performance: your rating is now exceeds."
    )
    chip = page.select_one('.box[data-box="moderate/ready"] li.chip')
    assert chip is not None and "moved" in chip["class"]
    assert page.select_one('.box[data-box="low/not_yet"] li.chip') is None
    # Only Kim's board moved: Lee still sees the evidence's placement.
    lee = BeautifulSoup(
        member(world, panel["lee"]).get(f"/cohorts/{cohort}/calibration").text, "html.parser"
    )
    assert lee.select_one('.box[data-box="low/not_yet"] li.chip > a').text == "Engineer 0"
    # A rating chosen in the table afterwards replaces the move and leaves the box.
    kim.post(f"/candidacies/{ids[0]}/rating", data={"rating": "meets", "reason": REASON})
    assert _ratings(world, ids[0]) == [(panel["kim"], "meets", None, None)]


def test_bad_workspace_input_is_refused_by_field_and_changes_nothing(world: World) -> None:
    _, panel, ids = workspace(world, candidates=2)
    kim = member(world, panel["kim"])
    before = _audit_count(world)
    for data, field in [
        ({"box": "high/sky", "reason": REASON}, "box"),
        ({"box": "x" * 41, "reason": REASON}, "box"),
        ({"box": "high/ready", "reason": "ok"}, "reason"),
    ]:
        answer = kim.post(f"/candidacies/{ids[0]}/placement", data=data)
        assert answer.status_code == 422, (data, answer.text)
        assert field in answer.text
    bad_back = {"rating": "meets", "reason": REASON, "back": "elsewhere"}
    assert kim.post(f"/candidacies/{ids[0]}/rating", data=bad_back).status_code == 422
    assert _ratings(world, ids[0]) == []
    assert _audit_count(world) == before
    # From HTMX, the error is sent to the page's alert region instead of the workspace.
    htmx = kim.post(
        f"/candidacies/{ids[0]}/placement",
        data={"box": "high/sky", "reason": REASON},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 422
    assert htmx.headers["hx-retarget"] == "#flash"
    assert htmx.headers["hx-reselect"] == "#flash-body"
    body = BeautifulSoup(htmx.text, "html.parser").select_one("#flash-body")
    assert body is not None and "'box'" in body.text and "high/ready" in body.text


def test_a_decision_from_the_workspace_waits_for_the_quorum(world: World) -> None:
    cohort, panel, ids = workspace(world, candidates=2)
    kim, lee = member(world, panel["kim"]), member(world, panel["lee"])
    url = f"/cohorts/{cohort}/calibration"
    decide = {"decision": "promote", "reason": REASON, "back": "decision"}
    row = BeautifulSoup(kim.get(url).text, "html.parser").select("table.calibration tbody tr")[0]
    assert row.select_one("td.sticky-end form") is None  # no ratings yet: nothing to decide
    kim.post(f"/candidacies/{ids[0]}/rating", data={"rating": "exceeds", "reason": REASON})
    short = kim.post(f"/candidacies/{ids[0]}/decision", data=decide)
    assert short.status_code == 409 and "needs 2 committee ratings" in short.text
    lee.post(f"/candidacies/{ids[0]}/placement", data={"box": "high/ready", "reason": REASON})
    page = BeautifulSoup(kim.get(url).text, "html.parser")
    cell = page.select("table.calibration tbody tr")[0].select_one("td.sticky-end")
    assert "2/2 ratings" in cell.text and cell.select_one("form") is not None
    done = kim.post(f"/candidacies/{ids[0]}/decision", data=decide)
    assert done.status_code == 303 and "saved=decision" in done.headers["location"]
    page = BeautifulSoup(kim.get(done.headers["location"]).text, "html.parser")
    assert page.select_one("#saved").text.strip() == "Recorded the decision on Engineer 0: promote."
    with world.store.session() as s:
        candidacy = s.get(Candidacy, ids[0])
        assert candidacy is not None and candidacy.decision == "promote"
