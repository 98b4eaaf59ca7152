"""A share of requests before and after a release, from telemetry: the comparison two recipes
(cache staleness, structured output) make, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.recipe import RecipeContext
from perfpacket.claims.recipes._query import before_after_assumption, telemetry_slug
from perfpacket.stats import Direction, newcombe_diff_interval
from perfpacket.store.models import Release, TelemetrySource
from perfpacket.telemetry.metrics import Condition, counts_by_period
from perfpacket.vocab import ClaimRole, Comparison


def share_change(
    ctx: RecipeContext,
    source: TelemetrySource,
    change: Release,
    condition: Condition,
    *,
    slug: str,
    title: str,
    recipe: str,
    metric: str,
    dimensions: Sequence[str],
    value_note: str,
) -> ClaimDraft:
    """The share of requests meeting ``condition`` after the release less the share before it
    (lower is better), with Newcombe's hybrid score interval for the difference of two
    independent proportions (Newcombe 1998, method 10), over every row of each period."""
    before, after = counts_by_period(source, condition, change.released_at)
    result = newcombe_diff_interval(
        after.matched,
        after.total,
        before.matched,
        before.total,
        direction=Direction.LOWER_IS_BETTER,
    )
    return ClaimDraft(
        slug=telemetry_slug(ctx, slug, source),
        title=f"{title} after {change.version}",
        recipe=recipe,
        metric=metric,
        unit="pp",
        direction=Direction.LOWER_IS_BETTER,
        comparison=Comparison.BEFORE_AFTER,
        result=result,
        scale=100.0,
        baseline=100 * before.matched / before.total if before.total else None,
        current=100 * after.matched / after.total if after.total else None,
        attribution={"role": ClaimRole.LED},
        dimensions=tuple(dimensions),
        assumptions=(before_after_assumption(change.released_at), condition.description),
        evidence_ids=(change.id,),
        details={"telemetry": source.name, "value_note": value_note},
        inputs={
            "telemetry_sha256": source.sha256,
            "before": [before.matched, before.total],
            "after": [after.matched, after.total],
        },
    )
