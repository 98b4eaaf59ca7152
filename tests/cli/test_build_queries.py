"""Building a packet reads the store in a fixed number of queries: the evidence appendix shows
records of many kinds, and reading each record's own fields one record at a time (a release's
version, an incident's severity) made `build` issue a query per record shown. Readers that need
only a record's id or date read those columns instead of loading the records (the demo's claims
cite 2,152 of them, 2,883 times)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from perfpacket.claims import load_claims
from perfpacket.cli import build_app
from perfpacket.evidence.people import find_person
from perfpacket.ladder.service import gather
from perfpacket.packet.context import APPENDIX_PER_CLAIM
from perfpacket.store.models import Evidence
from perfpacket.workspace import find_workspace


def test_the_evidence_appendix_costs_a_query_per_kind_not_per_record(demo: Path) -> None:
    ws = find_workspace(demo)
    with ws.open_store() as store, store.session() as session:
        claims = load_claims(session, find_person(session, ws.person))
        shown = [e for c in claims for e in c.evidence[:APPENDIX_PER_CLAIM]]
        kinds = {e.kind for e in shown}
    assert len(shown) >= 60 and len(kinds) >= 5  # the demo's appendix: many records, many kinds

    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        done = CliRunner().invoke(build_app(), ["build", "packet.md", "--html", "out.html"])
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert done.exit_code == 0, done.output
    # 122 statements before, most of them one per record shown; 26 now.
    assert len(statements) < len(shown) / 2, len(statements)


def test_the_evidence_page_costs_a_query_per_kind_not_per_record(demo: Path) -> None:
    """The team server's evidence page labels up to 200 records of many kinds: the same reading
    of each kind's fields, through the same shared loader."""
    from fastapi.testclient import TestClient

    from perfpacket.team import accounts
    from perfpacket.web.app import create_app

    ws = find_workspace(demo)
    with ws.open_store() as store:
        with store.session() as session:
            user = accounts.add_user(
                session, ws.person or "", "Ana", "engineer", "correct horse battery staple"
            )
            cookie, _row = accounts.start_session(session, user)
        client = TestClient(create_app(store), follow_redirects=False)
        client.cookies.set("perfpacket_session", cookie)
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", count)
        try:
            page = client.get("/evidence")
        finally:
            event.remove(Engine, "before_cursor_execute", count)
    assert page.status_code == 200, page.text
    rows = page.text.split('<table class="records">')[1].split("</table>")[0].count("<tr><td>")
    shown_kinds = {
        k
        for k in ("release", "incident", "eval_run", "review", "change", "grade")
        if f"<td>{k}</td>" in page.text
    }
    assert rows == 200 and len(shown_kinds) >= 2, (rows, shown_kinds)
    # 200 records labelled: 205 statements before (one per record), 11 now; the bound leaves
    # room for the page's own reads, never for one per record.
    assert len(statements) < 40, len(statements)


def test_claims_list_reads_record_ids_without_loading_the_records(demo: Path) -> None:
    """`claims list --json` prints each claim's record ids; it loaded all 2,152 cited records as
    objects to do so, most of the command's own work."""
    loaded: list[Any] = []

    def on_load(target: Any, _context: Any) -> None:
        loaded.append(target)

    event.listen(Evidence, "load", on_load, propagate=True)
    try:
        done = CliRunner().invoke(build_app(), ["claims", "list", "--json"])
    finally:
        event.remove(Evidence, "load", on_load)
    assert done.exit_code == 0, done.output
    assert loaded == []
    listed = {c["slug"]: c["evidence"] for c in json.loads(done.output)}
    ws = find_workspace(demo)
    with ws.open_store() as store, store.session() as session:
        claims = load_claims(session, find_person(session, ws.person))
        expected = {c.slug: [e.id for e in c.evidence] for c in claims}
    assert sum(map(len, expected.values())) > 1000  # the demo's claims cite many records
    assert listed == expected


def test_assessment_reads_evidence_dates_without_loading_the_records(demo: Path) -> None:
    """The ladder assessment needs each claim's evidence dates: read as columns, the same dates
    the records hold, and the records themselves stay unloaded."""
    ws = find_workspace(demo)
    with ws.open_store() as store, store.session() as session:
        facts, _records = gather(session, find_person(session, ws.person))
        claims = load_claims(session, find_person(session, ws.person), with_evidence=False)
        assert all("evidence" in inspect(c).unloaded for c in claims)
        dated = {f.slug: f.dates for f in facts}
        for c in claims:
            expected = tuple(sorted(e.occurred_at for e in c.evidence)) or (c.computed_at,)
            assert dated[c.slug] == expected, c.slug


def test_build_loads_only_the_records_its_page_shows(demo: Path) -> None:
    """The claims cite 2,152 records and the page shows a few of each claim in its appendix:
    `build` loaded every cited record as an object (twice: for the page and for the
    assessment); it now loads the ones the appendix shows and the person's incidents, artifacts
    and feedback that the page reads for reach and quotes (134 in the demo)."""
    import re

    from sqlalchemy import select

    from perfpacket.store.models import Artifact, ClaimEvidence, Feedback, Incident

    loaded: set[int] = set()

    def on_load(target: Any, _context: Any) -> None:
        loaded.add(target.id)

    event.listen(Evidence, "load", on_load, propagate=True)
    try:
        done = CliRunner().invoke(build_app(), ["build", "packet.md", "--html", "out.html"])
    finally:
        event.remove(Evidence, "load", on_load)
    assert done.exit_code == 0, done.output
    shown = {
        int(i) for i in re.findall(r'id="ev-[a-z0-9-]+-(\d+)"', (demo / "out.html").read_text())
    }
    ws = find_workspace(demo)
    with ws.open_store() as store, store.session() as session:
        person = find_person(session, ws.person)
        read = {
            e.id
            for kind in (Incident, Artifact, Feedback)
            for e in session.scalars(select(kind).where(kind.person_id == person.id))
        }
        cited = set(session.scalars(select(ClaimEvidence.evidence_id)))
    assert len(cited) > 2000 and 50 < len(shown) < 200
    assert loaded <= shown | read
