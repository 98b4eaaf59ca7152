"""Rules committees expect: a decision needs a quorum of committee ratings; a step that
cannot be undone says what it will do and waits for confirmation; a cycle is created with
several cohorts; released decisions export as CSV for the HR system."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from perfpacket.store.team import Candidacy, Cohort, Cycle
from perfpacket.vocab import CandidacyState
from tests.web.conftest import World, csrf_of

REASON = "Three supported improvements with intervals that exclude zero, across quarters."


def _state(world: World) -> CandidacyState:
    with world.store.session() as s:
        row = s.get(Candidacy, world.ids["candidacy"])
        assert row is not None
        return row.state


def _two_member_committee(world: World, quorum: int) -> None:
    with world.store.session() as s:
        staff = s.get(Cohort, world.ids["staff"])
        senior = s.get(Cohort, world.ids["senior"])
        assert staff is not None and senior is not None
        staff.members = [*staff.members, *senior.members]  # Cal and Cora
        staff.cycle.quorum = quorum


def test_a_decision_waits_for_the_quorum_of_committee_ratings(world: World) -> None:
    _two_member_committee(world, quorum=2)
    c = world.ids["candidacy"]
    cal, cora = world.session_client("cal"), world.session_client("cora")
    rate = {"rating": "next_level", "reason": REASON}
    decide = {"decision": "promote", "reason": REASON}
    assert cal.post(f"/api/candidacies/{c}/rating", json=rate).status_code == 200
    short = cal.post(f"/api/candidacies/{c}/decision", json=decide)
    assert short.status_code == 409
    assert short.json()["error"] == "a decision needs 2 committee ratings; this candidacy has 1"
    assert _state(world) is CandidacyState.IN_CALIBRATION
    # Rating twice does not count twice; a second member's rating does.
    assert cal.post(f"/api/candidacies/{c}/rating", json=rate).status_code == 200
    assert cal.post(f"/api/candidacies/{c}/decision", json=decide).status_code == 409
    assert cora.post(f"/api/candidacies/{c}/rating", json=rate).status_code == 200
    assert cal.post(f"/api/candidacies/{c}/decision", json=decide).json() == {"state": "decided"}


def test_a_quorum_larger_than_the_committee_needs_the_whole_committee(world: World) -> None:
    # The Staff cohort's committee is Cal alone: a quorum of 3 cannot be met, so his is enough.
    with world.store.session() as s:
        cohort = s.get(Cohort, world.ids["staff"])
        assert cohort is not None
        cohort.cycle.quorum = 3
    c = world.ids["candidacy"]
    cal = world.session_client("cal")
    decide = {"decision": "promote", "reason": REASON}
    assert cal.post(f"/api/candidacies/{c}/decision", json=decide).status_code == 409
    cal.post(f"/api/candidacies/{c}/rating", json={"rating": "meets", "reason": REASON})
    assert cal.post(f"/api/candidacies/{c}/decision", json=decide).status_code == 200


def test_irreversible_steps_say_what_they_will_do_then_wait_for_confirmation(
    world: World,
) -> None:
    ada = world.client("ada")
    csrf = csrf_of(ada.get("/admin/cycles").text)
    # Ben's packet goes to the Senior cohort, still submitted.
    ben = world.session_client("ben")
    done = ben.post(
        f"/api/packets/{world.ids['ben_packet']}/submit", json={"cohort_id": world.ids["senior"]}
    )
    assert done.status_code == 200, done.text
    url = f"/admin/cohorts/{world.ids['senior']}/step"
    asked = ada.post(url, data={"step": "start_calibration", "csrf_token": csrf})
    assert asked.status_code == 200
    assert "1 candidacy will move from <strong>submitted</strong> to <strong>in calibration" in (
        asked.text
    )
    assert "Ben Ito" in asked.text and "This cannot be undone" in asked.text
    with world.store.session() as s:
        states = set(
            s.scalars(select(Candidacy.state).where(Candidacy.cohort_id == world.ids["senior"]))
        )
    assert states == {CandidacyState.SUBMITTED}  # nothing moved yet
    confirmed = ada.post(
        url, data={"step": "start_calibration", "confirmed": "true", "csrf_token": csrf}
    )
    assert confirmed.status_code == 303
    with world.store.session() as s:
        states = set(
            s.scalars(select(Candidacy.state).where(Candidacy.cohort_id == world.ids["senior"]))
        )
    assert states == {CandidacyState.IN_CALIBRATION}


def test_a_cycle_is_created_with_several_cohorts_and_a_quorum(world: World) -> None:
    ada = world.client("ada")
    csrf = csrf_of(ada.get("/admin/cycles").text)
    form = {
        "name": "2027 H1",
        "cohort": "Staff",
        "members": "cal@example.com",
        "more_cohorts": "Senior: cora@example.com\nPrincipal: cal@example.com, cora@example.com\n",
        "quorum": "3",
        "csrf_token": csrf,
    }
    assert ada.post("/admin/cycles", data=form).status_code == 303
    with world.store.session() as s:
        cycle = s.scalars(select(Cycle).where(Cycle.name == "2027 H1")).one()
        assert cycle.quorum == 3
        assert [(k.name, sorted(m.email for m in k.members)) for k in cycle.cohorts] == [
            ("Staff", ["cal@example.com"]),
            ("Senior", ["cora@example.com"]),
            ("Principal", ["cal@example.com", "cora@example.com"]),
        ]
    bad = ada.post("/admin/cycles", data={**form, "name": "2027 H2", "more_cohorts": "Senior"})
    assert bad.status_code == 422 and "more_cohorts" in bad.text and "line 1" in bad.text
    with world.store.session() as s:
        assert s.scalars(select(Cycle).where(Cycle.name == "2027 H2")).first() is None


def test_released_decisions_export_as_csv(world: World) -> None:
    c = world.ids["candidacy"]
    cal, ada = world.session_client("cal"), world.session_client("ada")
    cal.post(f"/api/candidacies/{c}/rating", json={"rating": "meets", "reason": REASON})
    reason = "=SUM(A1) " + REASON  # a reason a spreadsheet must not run
    assert (
        cal.post(
            f"/api/candidacies/{c}/decision", json={"decision": "promote", "reason": reason}
        ).status_code
        == 200
    )
    before = list(csv.DictReader(io.StringIO(ada.get("/admin/decisions.csv").text)))
    assert before == []  # decided, not released: not for the HR system yet
    assert ada.post(f"/api/cohorts/{world.ids['staff']}/step", json={"step": "release"}).json() == {
        "moved": 1
    }
    rows = list(csv.DictReader(io.StringIO(ada.get("/admin/decisions.csv").text)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["cycle"], row["cohort"], row["candidate"], row["email"], row["decision"]) == (
        "2026 H2",
        "Staff",
        "Ana Okafor",
        "ana@example.com",
        "promote",
    )
    assert row["reason"] == "'" + reason
    assert world.session_client("cal").get("/admin/decisions.csv").status_code in (403, 404)
