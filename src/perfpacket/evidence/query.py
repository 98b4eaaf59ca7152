"""Reading evidence back: ``perfpacket evidence list``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectin_polymorphic

from perfpacket.errors import InputError
from perfpacket.evidence.people import find_person
from perfpacket.store.models import EVIDENCE_KINDS, Evidence, Person, Source

COMMON = {"id", "kind", "natural_key", "source_id", "person_id", "occurred_at", "actor"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    return value


def list_evidence(
    session: Session,
    kind: str | None = None,
    person: str | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Each record's JSON shape, oldest first: the common fields, then its kind's own.

    Read as plain rows, one query per kind (the kind's table joined to the common one), not as
    ORM objects: a listing shows every record, and building an object for each was most of its
    time. One query joining every kind's table read each row's columns of every kind,
    nearly all of them empty, and that was most of what was left."""
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise InputError(
            f"unknown evidence kind '{kind}'", hint="kinds: " + ", ".join(sorted(EVIDENCE_KINDS))
        )
    base = Evidence.__table__
    kinds = {kind: EVIDENCE_KINDS[kind]} if kind else EVIDENCE_KINDS
    owner = find_person(session, person).id if person is not None else None
    connection = session.connection()
    listed: list[tuple[datetime, int, dict[str, Any]]] = []
    for cls in kinds.values():
        table = cls.__table__
        own = [c for c in table.columns if c.key not in COMMON | {"source_version"}]
        keys = [c.key for c in own]
        stmt = select(
            base.c.id,
            base.c.kind,
            Source.__table__.c.location,
            base.c.occurred_at,
            Person.__table__.c.email,
            base.c.actor,
            *own,
        ).select_from(
            base.join(table, table.c.id == base.c.id)
            .join(Source.__table__, Source.__table__.c.id == base.c.source_id)
            .outerjoin(Person.__table__, Person.__table__.c.id == base.c.person_id)
        )
        if owner is not None:
            stmt = stmt.where(base.c.person_id == owner)
        if since is not None:
            stmt = stmt.where(
                base.c.occurred_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
            )
        for row in connection.execute(stmt):
            data: dict[str, Any] = {
                "id": row[0],
                "kind": row[1],
                "source": row[2],
                "occurred_at": _jsonable(row[3]),
                "person": row[4],
                "actor": row[5],
            }
            for key, value in zip(keys, row[6:], strict=True):
                data[key] = _jsonable(value)
            listed.append((row[3], row[0], data))
    listed.sort(key=lambda entry: (entry[0], entry[1]))
    return [data for _, _, data in listed]


def load_records(session: Session, ids: Sequence[int]) -> dict[int, Evidence]:
    """The records of these ids, each with the fields of its own kind (a release's version, an
    incident's severity), in one query per kind: reading those record by record, as a page of
    labels does, would cost a query per record."""
    if not ids:
        return {}
    kinds = list(EVIDENCE_KINDS.values())
    stmt = select(Evidence).where(Evidence.id.in_(ids))
    return {e.id: e for e in session.scalars(stmt.options(selectin_polymorphic(Evidence, kinds)))}


def load_kind_fields(session: Session, records: Sequence[Evidence]) -> None:
    """Loads the fields of each record's own kind for records read as plain evidence (see
    :func:`load_records`)."""
    load_records(session, [e.id for e in records])
