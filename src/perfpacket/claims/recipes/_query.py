"""Shared evidence queries for recipes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import select

from perfpacket.claims.recipe import RecipeContext
from perfpacket.store.models import Evidence, Release, TelemetrySource
from perfpacket.telemetry.metrics import has_column

E = TypeVar("E", bound=Evidence)

DAYS_PER_MONTH = 30.44


def person_records(ctx: RecipeContext, model: type[E]) -> Sequence[E]:
    """The person's records of one kind, oldest first."""
    stmt = (
        select(model).where(model.person_id == ctx.person.id).order_by(model.occurred_at, model.id)
    )
    return ctx.session.scalars(stmt).all()


def gateway_change(ctx: RecipeContext) -> Release | None:
    """The person's latest gateway release (routing, caching): it splits telemetry in two."""
    changes = [r for r in person_records(ctx, Release) if r.artifact == "gateway"]
    return changes[-1] if changes else None


def gateway_telemetry(ctx: RecipeContext, column: str) -> Iterator[tuple[Release, TelemetrySource]]:
    """(gateway change, telemetry source) pairs to compare before and after, for the sources
    that have ``column``; nothing when the person made no gateway change."""
    change = gateway_change(ctx)
    if change is None:
        return
    for source in ctx.telemetry:
        if has_column(source, column):
            yield change, source
