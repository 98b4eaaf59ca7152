"""What a claim's card says of its records: how many and of which kinds. A committee reads a
frozen snapshot, re-rendered when its cohort is blind (pseudonymised prose over the same frozen
claims). The card counted the claim objects' records, which a frozen claim does not carry, so
every claim of a blind copy read "0 records (telemetry aggregates)" while the candidate's own
page read "300 records (release)"."""

from __future__ import annotations

import re
from pathlib import Path

from perfpacket.claims import load_claims, packet_person
from perfpacket.packet import parse_packet
from perfpacket.packet.context import RenderContext
from perfpacket.packet.render import render_packet_html
from perfpacket.snapshot import (
    PacketSnapshot,
    build_snapshot,
    choose_target,
    claims_from_rows,
    render_snapshot,
)
from perfpacket.workspace import find_workspace

CARD = re.compile(r"<dt>Evidence</dt><dd>(.*?); fingerprint <code>")
LINKED = re.compile(r'<a href="#evidence-([^"]+)">(.*)')


def _cards(html: str) -> dict[str, str]:
    """Each claim's card text after its link's target, by the claim's slug."""
    linked = [LINKED.fullmatch(text) for text in CARD.findall(html)]
    assert all(linked)
    return {m.group(1): m.group(2) for m in linked if m}


def _snapshot(root: Path) -> tuple[PacketSnapshot, dict[str, tuple[int, list[str]]]]:
    """The demo's snapshot, and what the store says of each claim's records."""
    ws = find_workspace(root)
    text = (root / "packet.md").read_text(encoding="utf-8")
    front = parse_packet(text, "packet.md").front_matter
    with ws.open_store() as store, store.session() as session:
        person = packet_person(session, front, None, ws.person)
        snapshot = build_snapshot(session, person, text, choose_target(front, ws.config, None))
        truth = {
            c.slug: (len(c.evidence), list(dict.fromkeys(e.kind for e in c.evidence)))
            for c in load_claims(session, person)
        }
    return snapshot, truth


def _expected(count: int, kinds: list[str]) -> str:
    """The card's text after the link's target: "300 records</a> (release)"."""
    noun = "record" if count == 1 else "records"
    return f"{count} {noun}</a> ({', '.join(kinds) or 'telemetry aggregates'})"


def test_a_re_rendered_snapshot_states_each_claims_records_as_the_store_holds_them(
    demo: Path,
) -> None:
    snapshot, truth = _snapshot(demo)
    stored = PacketSnapshot.from_json(snapshot.to_json())  # as the team server keeps it
    copy = render_snapshot(stored, snapshot.markdown.replace("Ana", "Candidate A"), "packet.md")
    assert copy != snapshot.html
    for html in (snapshot.html, copy):
        cards = _cards(html)
        assert cards.keys() == truth.keys() and len(cards) > 10
        for slug, (count, kinds) in truth.items():
            assert cards[slug] == _expected(count, kinds), (slug, cards[slug])
    assert sum(count for count, _kinds in truth.values()) > 1000


def test_a_card_states_only_what_its_version_kept(demo: Path) -> None:
    """A snapshot frozen before the kinds were kept gives the count alone; a version frozen
    before snapshots (its claims only) says the records were not kept, not "0 records"."""
    snapshot, truth = _snapshot(demo)
    claims = claims_from_rows(snapshot.claims)
    context = snapshot.render_context()
    for entry in context.evidence.values():
        del entry["kinds"]
    older = _cards(render_packet_html(snapshot.markdown, claims, "packet.md", context))
    for slug, (count, _kinds) in truth.items():
        noun = "record" if count == 1 else "records"
        suffix = " (telemetry aggregates)" if count == 0 else ""
        assert older[slug] == f"{count} {noun}</a>{suffix}", (slug, older[slug])
    oldest = render_packet_html(snapshot.markdown, claims, "packet.md", RenderContext())
    assert CARD.findall(oldest) == ["records not kept with this version"] * len(truth)
