"""The team server shows each engineer their own claims: two people with a claim of the same
slug, and every page that renders a packet (preview, packet page, the committee's candidacy
page) shows the packet's own person's number."""

from __future__ import annotations

from perfpacket.store.models import Packet
from tests.packet.test_render import _claim
from tests.web.conftest import World, csrf_of

SLUG = "eval-regression-rate"
TEXT = (
    "---\nperson: {who}\n---\n# Summary\n\n"
    "After the gate, escapes changed by {{{{ claim.{slug} }}}}.\n"
)


def _seed(world: World) -> None:
    with world.store.session() as s:
        ana = s.get(Packet, world.ids["ana_packet"])
        ben = s.get(Packet, world.ids["ben_packet"])
        assert ana is not None and ben is not None
        for packet, estimate in ((ana, -8.0), (ben, -3.0)):
            claim = _claim(
                id=None,
                person_id=packet.person_id,
                estimate=estimate,
                ci_low=estimate - 2,
                ci_high=estimate + 1,
            )
            s.add(claim)
        ben.markdown = TEXT.format(who="Ben Ito", slug=SLUG)


def test_previews_and_pages_show_the_packets_own_persons_claims(world: World) -> None:
    _seed(world)
    ben = world.client("ben")
    page = ben.get(f"/packets/{world.ids['ben_packet']}")
    assert page.status_code == 200
    assert "\u22123.0 pp" in page.text and "\u22128.0 pp" not in page.text
    edit = ben.get(f"/packets/{world.ids['ben_packet']}/edit")
    preview = ben.post(
        f"/packets/{world.ids['ben_packet']}/preview",
        data={"markdown": TEXT.format(who="Ben Ito", slug=SLUG), "csrf_token": csrf_of(edit.text)},
    )
    assert preview.status_code == 200
    assert "\u22123.0 pp" in preview.text and "\u22128.0 pp" not in preview.text
    ana = world.client("ana")
    edit = ana.get(f"/packets/{world.ids['ana_packet']}/edit")
    preview = ana.post(
        f"/packets/{world.ids['ana_packet']}/preview",
        data={
            "markdown": TEXT.format(who="Ana Okafor", slug=SLUG),
            "csrf_token": csrf_of(edit.text),
        },
    )
    assert "\u22128.0 pp" in preview.text and "\u22123.0 pp" not in preview.text
