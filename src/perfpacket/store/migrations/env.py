"""Alembic environment: runs on the engine perfpacket hands over, never on an ini file."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from perfpacket.store import team as _team  # noqa: F401  (registers the team tables)
from perfpacket.store.models import Base, UTCDateTime

config = context.config
engine = config.attributes["engine"]


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Migrations use plain SQLAlchemy types: UTCDateTime is a DateTime with a time zone."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    context.run_migrations()
