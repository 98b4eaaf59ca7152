"""Reading evidence back: ``perfpacket evidence list``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic

from perfpacket.errors import InputError
from perfpacket.evidence.people import find_person
from perfpacket.store.models import EVIDENCE_KINDS, Evidence, Person, Source

COMMON = {"id", "kind", "natural_key", "source_id", "person_id", "occurred_at", "actor"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    return value


def record_to_dict(
    record: Evidence,
    sources: Mapping[int, str] | None = None,
    people: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """A record's JSON shape. ``sources`` and ``people`` (locations and emails by id), when a
    caller has read them once for many records, spare a look-up of each record's two rows."""
    if sources is not None and people is not None:
        location: str | None = sources.get(record.source_id)
        email = people.get(record.person_id) if record.person_id is not None else None
    else:
        location = record.source.location if record.source else None
        email = record.person.email if record.person else None
    data: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind,
        "source": location,
        "occurred_at": _jsonable(record.occurred_at),
        "person": email,
        "actor": record.actor,
    }
    for column in type(record).__table__.columns:
        if column.key not in COMMON and column.key != "source_version":
            data[column.key] = _jsonable(getattr(record, column.key))
    return data


def list_evidence(
    session: Session,
    kind: str | None = None,
    person: str | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise InputError(
            f"unknown evidence kind '{kind}'", hint="kinds: " + ", ".join(sorted(EVIDENCE_KINDS))
        )
    model: Any = EVIDENCE_KINDS[kind] if kind else with_polymorphic(Evidence, "*")
    stmt = select(model).order_by(model.occurred_at, model.id)
    if person is not None:
        stmt = stmt.where(model.person_id == find_person(session, person).id)
    if since is not None:
        stmt = stmt.where(
            model.occurred_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
    sources: dict[int, str] = {
        i: loc for i, loc in session.execute(select(Source.id, Source.location))
    }
    people: dict[int, str] = {
        i: email for i, email in session.execute(select(Person.id, Person.email))
    }
    return [record_to_dict(r, sources, people) for r in session.scalars(stmt)]
