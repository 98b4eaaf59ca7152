"""A committee member reads exactly the version submitted to their cohort: never a later
draft, never the draft's title, on the packet page, the packet JSON and the packet list. The
owner and the owner's manager see the live draft (the manager coaches it: that is the policy)."""

from __future__ import annotations

from perfpacket.store.models import Packet
from perfpacket.team import packets
from tests.web.conftest import PACKET, World

DRAFT_TITLE = "Ana: Staff, draft after submission"
DRAFT = PACKET.replace("Ana built the eval gate", "UNSUBMITTED-DRAFT-TEXT: Ana built the gate")


def _edit_after_submission(world: World) -> None:
    with world.store.session() as s:
        packet = s.get(Packet, world.ids["ana_packet"])
        assert packet is not None
        packets.update_packet(s, packet, DRAFT_TITLE, DRAFT)


def test_the_committee_never_sees_a_later_draft(world: World) -> None:
    _edit_after_submission(world)
    pid = world.ids["ana_packet"]
    cal = world.session_client("cal")
    data = cal.get(f"/api/packets/{pid}").json()
    assert data["title"] == "Ana: Staff"
    assert "UNSUBMITTED-DRAFT-TEXT" not in data["markdown"]
    assert data["version"] == 1 and data["frozen"] is True
    listed = {p["id"]: p for p in cal.get("/api/packets").json()}
    assert listed[pid]["title"] == "Ana: Staff" and listed[pid]["version"] == 1
    page = cal.get(f"/packets/{pid}")
    assert page.status_code == 200
    assert "UNSUBMITTED-DRAFT-TEXT" not in page.text and DRAFT_TITLE not in page.text
    assert "Ana built the eval gate" in page.text


def test_the_owner_and_manager_see_the_draft(world: World) -> None:
    _edit_after_submission(world)
    pid = world.ids["ana_packet"]
    for who in ("ana", "mia"):
        data = world.session_client(who).get(f"/api/packets/{pid}").json()
        assert data["title"] == DRAFT_TITLE, who
        assert "UNSUBMITTED-DRAFT-TEXT" in data["markdown"], who
        assert data["version"] == 2 and data["frozen"] is False, who


def test_another_cohorts_committee_still_cannot_read_it(world: World) -> None:
    _edit_after_submission(world)
    pid = world.ids["ana_packet"]
    cora = world.session_client("cora")
    assert cora.get(f"/api/packets/{pid}").status_code == 404
    assert pid not in {p["id"] for p in cora.get("/api/packets").json()}


def test_a_submission_is_audited(world: World) -> None:
    from sqlalchemy import select

    from perfpacket.store.team import AuditEvent

    with world.store.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "submit")).all()
        assert [(e.target, e.detail["version"]) for e in events] == [
            (f"candidacy:{world.ids['candidacy']}", 1)
        ]
