"""Writing the audit log: one place for every layer that changes what others rely on (the team
server's reads and decisions, and edits to people in the workspace)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from perfpacket.store.team import AuditEvent, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    target: str,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one event; ``actor`` is None for a command run in the workspace itself."""
    session.add(
        AuditEvent(
            at=datetime.now(UTC),
            actor_id=actor.id if actor else None,
            action=action,
            target=target,
            reason=reason,
            detail=detail or {},
        )
    )
