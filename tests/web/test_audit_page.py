"""The audit page as people read it: actors and subjects named, filters by actor, subject,
kind and date, pages beyond the first 500 events with none lost or repeated, a CSV export of
the same filters that a spreadsheet cannot run, and the same events as JSON for scripts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from perfpacket.store.team import AuditEvent, User
from tests.web.conftest import World

EXTRA = 1_234  # more than two pages


def _fill(world: World) -> int:
    """Reads of Ana's packet by Cal, one a minute back from a fixed day, and one by an
    account whose name a spreadsheet would run as a formula."""
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with world.store.session() as s:
        cal = s.scalars(select(User).where(User.email == "cal@example.com")).one()
        ben = s.scalars(select(User).where(User.email == "ben@example.com")).one()
        ben.name = '=HYPERLINK("http://evil.example")'
        s.add_all(
            AuditEvent(
                at=start - timedelta(minutes=i),
                actor_id=cal.id,
                action="read",
                target=f"packet:{world.ids['ana_packet']}",
                reason="committee of cohort Staff",
                detail={"path": "/packets/1"},
            )
            for i in range(EXTRA)
        )
        s.add(
            AuditEvent(
                at=start + timedelta(days=3),
                actor_id=ben.id,
                action="read",
                target=f"candidacy:{world.ids['candidacy']}",
                reason="manager",
                detail={},
            )
        )
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_pages_reach_every_event_once_and_name_people_and_packets(world: World) -> None:
    total = _fill(world)
    ada = world.client("ada")
    seen: list[str] = []
    url: str | None = "/admin/audit"
    pages = 0
    while url:
        page = ada.get(url)
        assert page.status_code == 200
        seen += page.text.split('<tr>\n      <td><time datetime="')[1:]
        found = [x for x in page.text.split('href="') if x.startswith("/admin/audit?before=")]
        url = found[0].split('"')[0].replace("&amp;", "&") if found else None
        pages += 1
    assert pages == -(-total // 500) and len(seen) == total
    first = ada.get("/admin/audit").text
    assert "packet &#39;Ana: Staff&#39; (Ana Okafor)" in first and "Cal Diaz" in first
    assert "Ben Ito" not in first or "candidacy in 2026 H2 · Staff" in first


def test_filters_by_actor_subject_kind_and_date(world: World) -> None:
    _fill(world)
    api = world.client("ada")
    only_ben = api.get("/api/audit", params={"actor": "ben@example.com"}).json()["events"]
    assert [e["subject"] for e in only_ben] == [f"candidacy:{world.ids['candidacy']}"]
    assert only_ben[0]["subject_name"] == "Ana Okafor's candidacy in 2026 H2 · Staff"
    day = {"since": "2026-06-01", "until": "2026-06-01"}
    first = api.get("/api/audit", params=day).json()
    assert len(first["events"]) == 500 and first["next_before"] is not None
    rest = api.get("/api/audit", params={**day, "before": first["next_before"]}).json()
    assert rest["next_before"] is None
    shown = first["events"] + rest["events"]
    assert len(shown) == 12 * 60 + 1  # one a minute from 00:00 to 12:00, both included
    assert all(e["at"].startswith("2026-06-01") for e in shown)
    kinds = api.get("/api/audit", params={"action": "start_calibration"}).json()["events"]
    assert [e["subject"] for e in kinds] == [f"cohort:{world.ids['staff']}"]
    assert kinds[0]["subject_name"] == "cohort 2026 H2 · Staff"
    packets = api.get("/api/audit", params={"subject": "packet"}).json()
    assert {e["subject"].split(":")[0] for e in packets["events"]} == {"packet"}
    assert packets["next_before"] is not None  # more than a page: the next page's id
    for bad, field in (({"since": "June"}, "since"), ({"subject": "packet:x"}, "subject")):
        answer = api.get("/admin/audit", params=bad)
        assert answer.status_code == 422 and field in answer.text


def test_the_csv_export_holds_the_filtered_events_and_runs_no_formula(world: World) -> None:
    _fill(world)
    ada = world.client("ada")
    answer = ada.get("/admin/audit.csv", params={"actor": "ben@example.com"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(table) == 1 and table[0]["actor"].startswith("'=HYPERLINK")
    everything = list(csv.DictReader(io.StringIO(ada.get("/admin/audit.csv").text)))
    assert len(everything) > 1_000  # not cut at a page
    assert world.client("cal").get("/admin/audit.csv").status_code in (403, 404)
    assert world.client("cal").get("/api/audit").status_code in (403, 404)
