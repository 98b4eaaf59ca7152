""" "Draft from my evidence" on the team server: it fills an empty packet with its owner's
claims through the service ``perfpacket draft`` uses, never another person's, never over
text the person wrote; with a model the admin configured, the guard still decides."""

from __future__ import annotations

import re

from sqlalchemy import select

from perfpacket.store.models import Packet
from perfpacket.store.team import AuditEvent
from perfpacket.web.app import create_app
from tests.draft.conftest import MODEL_ID, Scripted, packet_of, scripted  # noqa: F401
from tests.packet.test_render import _claim
from tests.web.conftest import World, csrf_of


def _seed(world: World) -> None:
    with world.store.session() as s:
        for key, estimate in (("ana_packet", -8.0), ("ben_packet", -3.0)):
            packet = s.get(Packet, world.ids[key])
            assert packet is not None
            s.add(
                _claim(
                    id=None,
                    person_id=packet.person_id,
                    estimate=estimate,
                    ci_low=estimate - 2,
                    ci_high=estimate + 1,
                )
            )


def _new_packet(client: object, world: World) -> tuple[int, str]:
    home = client.get("/")  # type: ignore[attr-defined]
    made = client.post("/packets", data={"title": "Ben: Staff", "csrf_token": csrf_of(home.text)})  # type: ignore[attr-defined]
    assert made.status_code == 303
    packet_id = int(re.search(r"/packets/(\d+)/edit", made.headers["location"]).group(1))  # type: ignore[union-attr]
    return packet_id, csrf_of(home.text)


def test_the_button_fills_an_empty_packet_with_the_owners_claims_once(world: World) -> None:
    _seed(world)
    ben = world.client("ben")
    packet_id, csrf = _new_packet(ben, world)
    edit = ben.get(f"/packets/{packet_id}/edit")
    assert "Draft from my evidence" in edit.text
    done = ben.post(f"/packets/{packet_id}/draft", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"].endswith("?drafted=1")
    with world.store.session() as s:
        text = s.get(Packet, packet_id).markdown  # type: ignore[union-attr]
    assert "{{ claim.eval-regression-rate" in text and "<!-- perfpacket: you:" in text
    page = ben.get(f"/packets/{packet_id}")
    assert "\u22123.0 pp" in page.text and "\u22128.0 pp" not in page.text  # Ben's, not Ana's
    edit = ben.get(done.headers["location"])
    assert "Draft from my evidence</button>" not in edit.text
    assert "drafted from your evidence" in edit.text
    # Text of the person's own is never replaced: a second draft is refused.
    again = ben.post(f"/packets/{packet_id}/draft", data={"csrf_token": csrf})
    assert again.status_code == 409
    with world.store.session() as s:
        assert s.get(Packet, packet_id).markdown == text  # type: ignore[union-attr]
    # Someone else's packet cannot be drafted.
    ana = world.client("ana")
    other = ana.post(f"/packets/{packet_id}/draft", data={"csrf_token": csrf_of(ana.get("/").text)})
    assert other.status_code in (403, 404)


def test_a_configured_model_is_held_to_the_guard(world: World, scripted: Scripted) -> None:  # noqa: F811
    _seed(world)
    invent = lambda _p: packet_of(scripted.sent[0][1]) + "\nIt cut cost by 40%."  # noqa: E731
    scripted.script = [invent, invent, invent]
    world.app = create_app(world.store, draft_model=MODEL_ID)
    ben = world.client("ben")
    packet_id, csrf = _new_packet(ben, world)
    # Before anything is sent, the button says which model and plugin will see the text.
    edit = ben.get(f"/packets/{packet_id}/edit")
    assert f"model &#39;{MODEL_ID}&#39; from plugin" in edit.text and "agrees to that" in edit.text
    assert scripted.sent == []
    assert ben.post(f"/packets/{packet_id}/draft", data={"csrf_token": csrf}).status_code == 303
    with world.store.session() as s:
        text = s.get(Packet, packet_id).markdown  # type: ignore[union-attr]
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "packet_draft_model")).one()
        assert event.detail["accepted"] is False and len(event.detail["exchanges"]) == 3
        assert "40%" in event.detail["exchanges"][0]["response"]
    assert "40%" not in text and "{{ claim.eval-regression-rate" in text
