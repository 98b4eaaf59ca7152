"""The audit log: every read of someone else's packet and every rating or decision change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.store.audit import record
from perfpacket.store.team import AuditEvent

__all__ = ["events", "record"]


def events(session: Session, limit: int = 500) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
