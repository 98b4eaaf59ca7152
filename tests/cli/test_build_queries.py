"""Building a packet reads the store in a fixed number of queries: the evidence appendix shows
records of many kinds, and reading each record's own fields one record at a time (a release's
version, an incident's severity) made `build` issue a query per record shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from perfpacket.claims import load_claims
from perfpacket.cli import build_app
from perfpacket.evidence.people import find_person
from perfpacket.packet.context import APPENDIX_PER_CLAIM
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
