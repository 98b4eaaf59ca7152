"""Shared evidence queries for recipes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select

from perfpacket.claims.model import NO_CONTROL
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.slugs import slugify
from perfpacket.store.models import EvalRun, Evidence, Release, TelemetrySource
from perfpacket.telemetry.metrics import has_column
from perfpacket.vocab import ReleaseArtifact

E = TypeVar("E", bound=Evidence)

DAYS_PER_MONTH = 30.44
# The pass-rate metrics an eval run may report, in the order they are read.
RATE_KEYS = ("acc,none", "acc", "exact_match,none", "exact_match")


def person_records(ctx: RecipeContext, model: type[E]) -> Sequence[E]:
    """The person's records of one kind, oldest first."""
    stmt = (
        select(model).where(model.person_id == ctx.person.id).order_by(model.occurred_at, model.id)
    )
    return ctx.session.scalars(stmt).all()


def gateway_change(
    ctx: RecipeContext, artifacts: Sequence[str] = (ReleaseArtifact.GATEWAY,)
) -> Release | None:
    """The person's latest release of one of ``artifacts`` (by default a gateway release:
    routing, caching): it splits telemetry in two."""
    changes = [r for r in person_records(ctx, Release) if r.artifact in artifacts]
    return changes[-1] if changes else None


def gateway_telemetry(
    ctx: RecipeContext, *columns: str, artifacts: Sequence[str] = (ReleaseArtifact.GATEWAY,)
) -> Iterator[tuple[Release, TelemetrySource]]:
    """(change, telemetry source) pairs to compare before and after, for the sources that have
    every one of ``columns``; nothing when the person made no such release."""
    change = gateway_change(ctx, artifacts)
    if change is None:
        return
    for source in ctx.telemetry:
        if all(has_column(source, column) for column in columns):
            yield change, source


def telemetry_slug(ctx: RecipeContext, base: str, source: TelemetrySource) -> str:
    """A telemetry claim's slug: the plain name when one source feeds the recipes, else the
    name with its source's, so two sources give two claims instead of the last one winning."""
    if len(ctx.telemetry) <= 1:
        return slugify(base)
    return slugify(base, source.name)


def before_after_assumption(change_at: datetime) -> str:
    """The assumption every before/after comparison without a control group rests on."""
    return (
        f"{NO_CONTROL}: nothing else that moves this metric changed between the period "
        f"before {change_at:%Y-%m-%d} and the period after it"
    )


def gateway_releases(
    ctx: RecipeContext, artifacts: Sequence[str] = (ReleaseArtifact.GATEWAY,)
) -> int:
    return sum(1 for r in person_records(ctx, Release) if r.artifact in artifacts)


def sources_with(*columns: str) -> Callable[[RecipeContext], int]:
    def count(ctx: RecipeContext) -> int:
        return sum(1 for s in ctx.telemetry if all(has_column(s, c) for c in columns))

    return count


def telemetry_needs(
    *columns: str, artifacts: Sequence[str] = (ReleaseArtifact.GATEWAY,)
) -> tuple[Need, ...]:
    """What a recipe that compares telemetry before and after a release needs."""
    kinds = " or ".join(f"'{a}'" for a in artifacts)
    names = " and ".join(f"'{c}'" for c in columns)
    maps = " ".join(f"--map {c}=COLUMN" for c in columns)
    return (
        Need(
            f"{' or '.join(artifacts)} releases (artifact {kinds}) to compare the telemetry "
            "before and after",
            "perfpacket import releases-csv",
            1,
            lambda ctx: gateway_releases(ctx, artifacts),
        ),
        Need(
            f"telemetry sources with a {names} column" + ("s" if len(columns) > 1 else ""),
            f"perfpacket import telemetry FILE ({maps})",
            1,
            sources_with(*columns),
        ),
    )


def pass_count(run: EvalRun) -> int | None:
    """Items passed: the run's count, else its accuracy times n when that is a whole number
    (an accuracy that is not is not a pass rate, and the run is left out)."""
    if run.passed is not None:
        return int(run.passed)
    for key in RATE_KEYS:
        value = (run.metrics or {}).get(key)
        if isinstance(value, int | float) and 0.0 <= value <= 1.0:
            count = value * run.n
            return round(count) if abs(count - round(count)) <= 1e-6 * max(run.n, 1) else None
    return None
