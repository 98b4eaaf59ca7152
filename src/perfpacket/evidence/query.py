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

    Read as rows of one query (the kinds' tables joined to the common one), not as ORM objects:
    a listing shows every record, and building an object for each was most of its time."""
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise InputError(
            f"unknown evidence kind '{kind}'", hint="kinds: " + ", ".join(sorted(EVIDENCE_KINDS))
        )
    base = Evidence.__table__
    kinds = {kind: EVIDENCE_KINDS[kind]} if kind else EVIDENCE_KINDS
    own = {
        name: [c for c in cls.__table__.columns if c.key not in COMMON | {"source_version"}]
        for name, cls in kinds.items()
    }
    joined = base
    for cls in kinds.values():
        table = cls.__table__
        on = table.c.id == base.c.id
        joined = joined.join(table, on) if kind else joined.outerjoin(table, on)
    stmt = (
        select(
            base.c.id,
            base.c.kind,
            Source.location,
            base.c.occurred_at,
            Person.email,
            base.c.actor,
            *(c.label(f"{name}.{c.key}") for name, columns in own.items() for c in columns),
        )
        .select_from(
            joined.join(Source.__table__, Source.id == base.c.source_id).outerjoin(
                Person.__table__, Person.id == base.c.person_id
            )
        )
        .order_by(base.c.occurred_at, base.c.id)
    )
    if person is not None:
        stmt = stmt.where(base.c.person_id == find_person(session, person).id)
    if since is not None:
        stmt = stmt.where(
            base.c.occurred_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
    out = []
    for row in session.execute(stmt).mappings():
        data: dict[str, Any] = {
            "id": row["id"],
            "kind": row["kind"],
            "source": row["location"],
            "occurred_at": _jsonable(row["occurred_at"]),
            "person": row["email"],
            "actor": row["actor"],
        }
        name = row["kind"]
        for column in own.get(name, ()):
            data[column.key] = _jsonable(row[f"{name}.{column.key}"])
        out.append(data)
    return out


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
