"""The audit log: every read of someone else's packet and every rating or decision change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.store.team import AuditEvent, User
from perfpacket.team.clock import now


def record(
    session: Session,
    actor: User | None,
    action: str,
    target: str,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now(),
            actor_id=actor.id if actor else None,
            action=action,
            target=target,
            reason=reason,
            detail=detail or {},
        )
    )


def events(session: Session, limit: int = 500) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
