"""Blind mode is a property of what a blind cohort's committee receives: the packet list, the
packet JSON (front matter too), the packet page and the frozen packet all carry the
pseudonym, never the candidate's name or email, and say that the prose may still identify."""

from __future__ import annotations

from perfpacket.store.team import Cohort
from perfpacket.team.calibration import pseudonym
from tests.web.conftest import World

NAMES = ("Ana", "Okafor", "ana@example.com")


def _blind(world: World) -> str:
    with world.store.session() as s:
        cohort = s.get(Cohort, world.ids["staff"])
        assert cohort is not None
        cohort.blind = True
    return pseudonym(world.ids["candidacy"], world.ids["staff"])


def test_every_committee_route_shows_the_pseudonym(world: World) -> None:
    label = _blind(world)
    cal = world.session_client("cal")
    pid, cid = world.ids["ana_packet"], world.ids["candidacy"]
    data = cal.get(f"/api/packets/{pid}").json()
    assert data["title"] == f"{label}: packet"
    assert data["front_matter"]["person"] == label
    assert "The prose may still identify them" in data["markdown"]
    listed = {p["id"]: p for p in cal.get("/api/packets").json()}
    assert listed[pid]["title"] == f"{label}: packet"
    for path in (f"/packets/{pid}", f"/candidacies/{cid}/packet", f"/candidacies/{cid}"):
        page = cal.get(path)
        assert page.status_code == 200, path
        for name in NAMES:
            assert name not in page.text, (path, name)
        if "packet" in path:
            assert label in page.text, path
    body = str(data)
    for name in NAMES:
        assert name not in body


def test_the_candidate_and_a_sighted_cohort_still_see_names(world: World) -> None:
    _blind(world)
    ana = world.session_client("ana").get(f"/api/packets/{world.ids['ana_packet']}").json()
    assert ana["front_matter"]["person"] == "Ana Okafor"
