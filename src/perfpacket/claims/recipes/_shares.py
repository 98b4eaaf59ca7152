"""A share of requests before and after a release, from telemetry: the comparison several recipes
(cache hits, cache staleness, structured output) make, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, went, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._incidents import (
    CauseTag,
    averted_incidents,
    averted_sentence,
    incidents_need,
    tagged,
)
from perfpacket.claims.recipes._query import (
    before_after_assumption,
    gateway_change,
    gateway_telemetry,
    telemetry_needs,
    telemetry_slug,
)
from perfpacket.stats import Direction, newcombe_diff_interval
from perfpacket.store.models import Claim, Release, TelemetrySource
from perfpacket.telemetry.metrics import Condition, counts_by_period
from perfpacket.vocab import Comparison


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
    direction: Direction = Direction.LOWER_IS_BETTER,
) -> ClaimDraft:
    """The share of requests meeting ``condition`` after the release less the share before it
    (by default lower is better), with Newcombe's hybrid score interval for the difference of two
    independent proportions (Newcombe 1998, method 10), over every row of each period."""
    before, after = counts_by_period(source, condition, change.released_at)
    result = newcombe_diff_interval(
        after.matched,
        after.total,
        before.matched,
        before.total,
        direction=direction,
    )
    return ClaimDraft(
        slug=telemetry_slug(ctx, slug, source),
        title=f"{title} after {change.version}",
        recipe=recipe,
        metric=metric,
        unit="pp",
        direction=direction,
        comparison=Comparison.BEFORE_AFTER,
        result=result,
        scale=100.0,
        baseline=100 * before.matched / before.total if before.total else None,
        current=100 * after.matched / after.total if after.total else None,
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


class ShareAndIncidentsRecipe:
    """A recipe that reads one condition's share of requests before and after the person's
    release of some kinds, and the incidents of one cause that did not happen after it at the
    rate they happened before (cache staleness, structured output): the evidence, method and
    sentences are the same; only these attributes differ."""

    name: str
    title: str
    dimensions: tuple[str, ...]
    condition: Condition
    artifacts: tuple[str, ...]
    cause: CauseTag
    share_slug: str
    share_title: str
    share_metric: str
    value_note: str
    work: str  # what the work is called when its release title does not say
    happened: str  # "stale-data incidents happened"

    def __init__(self) -> None:
        self.needs: tuple[Need, ...] = (
            *telemetry_needs(*self.condition.columns, artifacts=self.artifacts),
            incidents_need(f"with cause '{self.cause}'", tagged(self.cause)),
        )

    def describe(self, claim: Claim) -> str:
        """The share as a before/after; the incidents as a counterfactual at the base rate."""
        work = by_me(claim, work_of(claim, self.work))
        if claim.comparison is Comparison.COUNTERFACTUAL:
            return averted_sentence(claim, self.happened, work)
        return f"After {work}, the {metric(claim)} {went(claim)}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        columns = self.condition.columns
        claims = [
            share_change(
                ctx,
                source,
                change,
                self.condition,
                slug=self.share_slug,
                title=self.share_title,
                recipe=self.name,
                metric=self.share_metric,
                dimensions=self.dimensions,
                value_note=self.value_note,
            )
            for change, source in gateway_telemetry(ctx, *columns, artifacts=self.artifacts)
        ]
        change = gateway_change(ctx, self.artifacts)
        if change is not None:
            averted = averted_incidents(
                ctx,
                slug=f"{self.cause}-incidents-averted",
                title=f"{self.cause.value.capitalize()} incidents averted after {change.version}",
                recipe=self.name,
                dimensions=self.dimensions,
                what=self.cause.value,
                match=tagged(self.cause),
                change_at=change.released_at,
                change_ids=(change.id,),
            )
            claims += [averted] if averted else []
        return claims
