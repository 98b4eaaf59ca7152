"""`perfpacket evidence list` reads rows, not objects: each record must still come out exactly as
its stored object says, its kind's own fields after the common ones, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.errors import InputError
from perfpacket.evidence.query import list_evidence
from perfpacket.store.models import EVIDENCE_KINDS, Evidence, Ticket
from perfpacket.workspace import find_workspace, init_workspace

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
SKIP = {"id", "kind", "natural_key", "source_id", "person_id", "occurred_at", "actor"}


def _text(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _as_objects(session: Session, kind: type[Evidence] | None = None) -> list[dict[str, Any]]:
    """The same listing built the other way: ORM objects, one attribute at a time."""
    model: Any = kind or with_polymorphic(Evidence, "*")
    out = []
    for r in session.scalars(select(model).order_by(model.occurred_at, model.id)):
        data = {
            "id": r.id,
            "kind": r.kind,
            "source": r.source.location,
            "occurred_at": _text(r.occurred_at),
            "person": r.person.email if r.person else None,
            "actor": r.actor,
        }
        for column in type(r).__table__.columns:
            if column.key not in SKIP | {"source_version"}:
                data[column.key] = _text(getattr(r, column.key))
        out.append(data)
    return out


def test_every_kind_lists_as_its_object_says(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws", db_url=db_url)
    monkeypatch.chdir(ws.root)
    app = build_app()
    for kind, path in [
        ("jira-issues", REAL / "jira" / "search_expand_changelog.json"),
        ("inspect", REAL / "inspect_ai" / "log_formats.eval"),
        ("pagerduty", REAL / "pagerduty" / "incidents_raw.json"),
    ]:
        done = CliRunner().invoke(app, ["--db", db_url, "import", kind, str(path), "--json"])
        assert done.exit_code == 0, done.output
    with ws.open_store() as store, store.session() as session:
        listed = list_evidence(session)
        assert {r["kind"] for r in listed} == {"ticket", "eval_run", "incident"}
        assert listed == _as_objects(session)
        assert list_evidence(session, "ticket") == _as_objects(session, Ticket)
        since = datetime.fromisoformat(listed[len(listed) // 2]["occurred_at"]).date()
        assert list_evidence(session, since=since) == [
            r for r in listed if datetime.fromisoformat(r["occurred_at"]).date() >= since
        ]
        with pytest.raises(InputError, match="unknown evidence kind 'tickets'"):
            list_evidence(session, "tickets")


def test_the_demo_lists_as_its_objects_say(demo: Path) -> None:
    """Ten kinds, 3,431 records, the kinds' own fields of every type (JSON, booleans, times)."""
    with find_workspace(demo).open_store() as store, store.session() as session:
        listed = list_evidence(session)
        assert len({r["kind"] for r in listed}) == 10
        assert listed == _as_objects(session)
        for kind in ("grade", "release"):
            assert list_evidence(session, kind) == _as_objects(session, EVIDENCE_KINDS[kind])
