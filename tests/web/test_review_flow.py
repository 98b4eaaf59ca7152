"""Packets, frozen versions, reviews, ratings, decisions and calibration through the JSON API
and the pages, read back from the store."""

from __future__ import annotations

import pytest
import scipy.stats
from bs4 import BeautifulSoup
from sqlalchemy import select

from perfpacket.store.team import Candidacy, PacketVersion
from perfpacket.team.calibration import pseudonym, rater_stats
from tests.web.conftest import PACKET, World

REASON = "Supported drop in escaped regressions, spread over three quarters."


def test_packet_api_create_read_update(world: World) -> None:
    ben = world.session_client("ben")
    created = ben.post("/api/packets", json={"title": "Ben: Staff", "markdown": PACKET})
    assert created.status_code == 201
    new_id = created.json()["id"]
    got = ben.get(f"/api/packets/{new_id}").json()
    assert (got["title"], got["version"], got["relation"], got["frozen"]) == (
        "Ben: Staff",
        1,
        "owner",
        False,
    )
    assert got["front_matter"] == {"person": "Ana Okafor"}
    put = ben.put(f"/api/packets/{new_id}", json={"title": "Ben v2", "markdown": "# New\n"})
    assert put.status_code == 200 and put.json()["title"] == "Ben v2"
    assert put.json()["version"] == 1  # not submitted: edits stay in the same version
    listed = [p["id"] for p in ben.get("/api/packets").json()]
    assert listed == [world.ids["ben_packet"], new_id]


def test_api_errors_are_json_and_name_the_field(world: World) -> None:
    ben = world.session_client("ben")
    empty = ben.post("/api/packets", json={"title": " ", "markdown": "x"})
    assert empty.status_code == 422
    assert empty.json() == {"error": "field 'title' is empty", "hint": "give the packet a title"}
    missing = ben.post("/api/packets", json={"title": "x"})
    assert missing.status_code == 422
    assert missing.json()["error"] == "field 'markdown': Field required"
    bad_yaml = ben.post("/api/packets", json={"title": "x", "markdown": "---\n[a\n---\n"})
    assert bad_yaml.status_code == 422
    assert bad_yaml.json()["error"].startswith("'markdown' front matter is not valid YAML")
    assert ben.get("/api/nothing").json() == {"error": "Not Found"}


def test_a_submitted_version_is_frozen_and_edits_start_the_next(world: World) -> None:
    ana = world.session_client("ana")
    packet = world.ids["ana_packet"]
    assert ana.get(f"/api/packets/{packet}").json()["frozen"] is True
    edited = ana.put(f"/api/packets/{packet}", json={"title": "Ana", "markdown": "# Later\n"})
    assert edited.json()["version"] == 2 and edited.json()["frozen"] is False
    with world.store.session() as s:
        versions = s.scalars(select(PacketVersion).where(PacketVersion.packet_id == packet)).all()
        assert [(v.number, v.markdown) for v in versions] == [(1, PACKET)]
    # the committee still reads version 1
    page = world.session_client("cal").get(f"/candidacies/{world.ids['candidacy']}/packet")
    assert "Ana built the eval gate" in page.text and "Later" not in page.text
    # resubmitting once calibration has started is refused
    again = ana.post(f"/api/packets/{packet}/submit", json={"cohort_id": world.ids["staff"]})
    assert again.status_code == 409
    assert again.json()["error"] == "the candidacy in cohort 'Staff' is in calibration"
    # submitting to another cohort freezes version 2 there
    other = ana.post(f"/api/packets/{packet}/submit", json={"cohort_id": world.ids["senior"]})
    assert other.json()["version"] == 2 and other.json()["state"] == "submitted"


def test_manager_review_committee_rating_decision_and_release(world: World) -> None:
    c = world.ids["candidacy"]
    mia, cal, ada = (world.session_client(w) for w in ("mia", "cal", "ada"))
    assert (
        mia.post(
            f"/candidacies/{c}/review", data={"rating": "exceeds", "reason": REASON}
        ).status_code
        == 303
    )
    short = cal.post(f"/api/candidacies/{c}/decision", json={"decision": "promote", "reason": ""})
    assert short.status_code == 422
    assert short.json()["error"] == "field 'reason' has 0 characters; at least 20 are needed"
    assert cal.post(
        f"/api/candidacies/{c}/rating", json={"rating": "next_level", "reason": REASON}
    ).json() == {"rating": "next_level"}
    decided = cal.post(
        f"/api/candidacies/{c}/decision", json={"decision": "promote", "reason": REASON}
    )
    assert decided.json() == {"state": "decided"}
    # the candidate sees no decision until it is released
    ana = world.session_client("ana")
    assert (
        "promote"
        not in BeautifulSoup(ana.get(f"/candidacies/{c}").text, "html.parser")
        .select_one("main")
        .text
    )
    released = ada.post(f"/api/cohorts/{world.ids['staff']}/step", json={"step": "release"})
    assert released.json() == {"moved": 1}
    page = BeautifulSoup(ana.get(f"/candidacies/{c}").text, "html.parser")
    assert page.select_one(".decision").text.strip() == f"promote: {REASON}"
    # ...and never the committee's individual ratings
    assert page.select(".ratings") == []
    late = cal.post(
        f"/api/candidacies/{c}/decision", json={"decision": "not_yet", "reason": REASON}
    )
    assert late.status_code == 409
    with world.store.session() as s:
        row = s.get(Candidacy, c)
        assert row is not None
        assert (row.state, row.decision, [r.kind for r in row.ratings]) == (
            "released",
            "promote",
            ["manager", "committee"],
        )


def test_rater_statistics_match_an_independent_computation() -> None:
    ratings = [("a", 2.0), ("a", 3.0), ("a", 4.0), ("b", 1.0), ("b", 1.0), ("b", 2.0), ("c", 3.0)]
    stats = rater_stats(ratings)
    assert stats["a"].mean == pytest.approx(3.0) and stats["a"].sd == pytest.approx(1.0)
    assert stats["b"].sd == pytest.approx(0.5773503, abs=1e-7)
    assert stats["a"].leniency == pytest.approx(3.0 - 16 / 7)
    assert stats["b"].leniency == pytest.approx(4 / 3 - 16 / 7)
    z = scipy.stats.zscore([1.0, 1.0, 2.0], ddof=1)
    assert [stats["b"].standardise(v) for v in (1.0, 1.0, 2.0)] == pytest.approx(list(z))
    assert stats["c"].sd is None and stats["c"].standardise(3.0) is None


def _rate(world: World, cohort_members: list[str]) -> None:
    c = world.ids["candidacy"]
    for who in cohort_members:
        world.session_client(who).post(
            f"/api/candidacies/{c}/rating", json={"rating": "exceeds", "reason": REASON}
        )


def test_calibration_view_and_blind_mode(world: World) -> None:
    cal = world.session_client("cal")
    _rate(world, ["cal"])
    view = cal.get(f"/api/calibration/{world.ids['staff']}").json()
    (row,) = view["candidates"]
    assert (row["name"], row["email"], row["state"]) == (
        "Ana Okafor",
        "ana@example.com",
        "in_calibration",
    )
    assert [d["rating"] for d in row["dimensions"]] == ["insufficient_evidence"] * 6
    assert view["distribution"]["committee"] == {
        "not_yet": 0,
        "meets": 0,
        "exceeds": 1,
        "next_level": 0,
    }
    assert view["raters"] == [
        {
            "rater": "cal@example.com",
            "name": "Cal Diaz",
            "n": 1,
            "mean": 3.0,
            "sd": None,
            "leniency": 0.0,
            "hints": 1,  # "three quarters" in the reason: a number no evidence backs
        }
    ]
    blind = cal.get(f"/api/calibration/{world.ids['staff']}?blind=true").json()
    (hidden,) = blind["candidates"]
    label = pseudonym(world.ids["candidacy"], world.ids["staff"])
    assert (hidden["name"], hidden["email"]) == (label, None)
    assert blind["raters"][0]["rater"] == blind["raters"][0]["name"] == "Rater 1"
    page = cal.get(f"/cohorts/{world.ids['staff']}/calibration?blind=true").text
    assert "Ana" not in page and label in page
    soup = BeautifulSoup(cal.get(f"/cohorts/{world.ids['staff']}/calibration").text, "html.parser")
    chart = soup.select_one("svg.chart")
    assert chart is not None and chart["role"] == "img"
    assert "committee: not yet 0, meets 0, exceeds 1, next level 0" in chart["aria-label"]
    assert soup.select_one("table.calibration tbody th").text.strip() == "Ana Okafor"


def test_editor_preview_shows_lint_findings(world: World) -> None:
    ana = world.session_client("ana")
    text = PACKET + "\nI worked on many things and improved latency by 40%.\n"
    fragment = ana.post(f"/packets/{world.ids['ana_packet']}/preview", data={"markdown": text})
    soup = BeautifulSoup(fragment.text, "html.parser")
    codes = {c.text for c in soup.select(".diagnostic code")}
    assert {"PP106", "PP110"} <= codes  # an unbound number; missing sections
    assert soup.select_one("#rendered .prose h1").text == "Summary"
    broken = ana.post(
        f"/packets/{world.ids['ana_packet']}/preview", data={"markdown": "{{ claim.nope }}\n"}
    )
    # The preview keeps rendering: the unknown reference is marked, and lint names it.
    soup = BeautifulSoup(broken.text, "html.parser")
    marked = soup.select_one("#rendered mark.problem")
    assert marked is not None and marked.text == "{{ claim.nope }}"
    assert "'{{ claim.nope }}' names no claim" in soup.select_one("#lint").text  # type: ignore[union-attr]


def test_nobody_rates_their_own_candidacy(world: World) -> None:
    from perfpacket.errors import ConflictError
    from perfpacket.team import cycles

    with world.store.session() as s:
        candidacy = s.get(Candidacy, world.ids["candidacy"])
        assert candidacy is not None
        with pytest.raises(ConflictError, match="nobody rates or decides their own candidacy"):
            cycles.rate(s, candidacy, candidacy.user, "committee", "exceeds", REASON, "x")


def test_submitting_to_an_unknown_cohort_names_the_field(world: World) -> None:
    ben = world.session_client("ben")
    r = ben.post(f"/api/packets/{world.ids['ben_packet']}/submit", json={"cohort_id": 999})
    assert (r.status_code, r.json()) == (
        422,
        {"error": "field 'cohort_id': no cohort 999", "hint": "pick a listed cohort"},
    )
