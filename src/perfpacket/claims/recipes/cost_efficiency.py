"""Cost efficiency from gateway telemetry: cost per 1k requests before and after a change."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, ref, went, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import (
    before_after_assumption,
    gateway_telemetry,
    telemetry_needs,
    telemetry_slug,
)
from perfpacket.claims.recipes._shares import share_change
from perfpacket.claims.value import priced
from perfpacket.stats import Direction, welch_diff_interval
from perfpacket.store.models import Claim, Release, TelemetrySource
from perfpacket.telemetry.metrics import (
    Condition,
    has_column,
    moments_by_period,
)
from perfpacket.vocab import Comparison


class CostEfficiencyRecipe:
    name = "cost-efficiency"
    title = "Cost per 1k requests"
    dimensions: tuple[str, ...] = ("ai-system-design",)
    needs: tuple[Need, ...] = telemetry_needs("cost_usd")

    def describe(self, claim: Claim) -> str:
        """Cost, tokens and cache hits after a gateway change: money at production volume."""
        work = by_me(claim, work_of(claim, "the gateway change"))
        return (
            f"After {work}, the {metric(claim)} {went(claim)}"
            + (f", worth {ref(claim, 'value')} at production volume" if claim.value else "")
            + " in LLM cost."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for change, source in gateway_telemetry(ctx, "cost_usd"):
            before, after = moments_by_period(source, "cost_usd", change.released_at)
            if before.n == 0 or after.n == 0:
                continue
            result = welch_diff_interval(after, before, direction=Direction.LOWER_IS_BETTER)
            volume = ctx.value_model["monthly_llm_requests"]
            value = None
            if result.estimate is not None:
                value = priced(
                    lambda change, k: -change * k["monthly_llm_requests"] * 12,
                    result.estimate,
                    result.ci_low,
                    result.ci_high,
                    result.ci_level,
                    (volume,),
                    unit="USD",
                    period="year",
                    text="(cost_per_request_before − cost_per_request_after)"
                    " × monthly_llm_requests × 12",
                    assumptions=("the request mix after the change stays as it was in the sample",),
                )
            claims.append(
                ClaimDraft(
                    slug=telemetry_slug(ctx, "cost-per-1k-requests", source),
                    title=f"LLM cost per 1k requests after {change.version}",
                    recipe=self.name,
                    metric="cost per 1k requests",
                    unit="USD/1k requests",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison=Comparison.BEFORE_AFTER,
                    result=result,
                    scale=1000.0,
                    baseline=before.mean * 1000,
                    current=after.mean * 1000,
                    value=value,
                    dimensions=self.dimensions,
                    assumptions=(
                        *(value.assumptions if value else ()),
                        before_after_assumption(change.released_at),
                    ),
                    evidence_ids=(change.id,),
                    details={
                        "telemetry": source.name,
                        "change": change.version,
                        "change_at": change.released_at.isoformat(),
                        "requests_before": before.n,
                        "requests_after": after.n,
                    },
                    inputs={
                        "telemetry_sha256": source.sha256,
                        "change_at": change.released_at.isoformat(),
                        "before": [before.sum, before.sum_squares, before.n],
                        "after": [after.sum, after.sum_squares, after.n],
                    },
                )
            )
            if has_column(source, "input_tokens") and has_column(source, "output_tokens"):
                claims.append(self._tokens(ctx, source, change))
            if has_column(source, "cached_tokens"):
                claims.append(self._cache_hits(ctx, source, change))
        return claims

    def _tokens(self, ctx: RecipeContext, source: TelemetrySource, change: Release) -> ClaimDraft:
        before, after = moments_by_period(source, "total_tokens", change.released_at)
        return ClaimDraft(
            slug=telemetry_slug(ctx, "tokens-per-request", source),
            title=f"Tokens per LLM request after {change.version}",
            recipe=self.name,
            metric="tokens per request",
            unit="tokens",
            direction=Direction.LOWER_IS_BETTER,
            comparison=Comparison.BEFORE_AFTER,
            result=welch_diff_interval(after, before, direction=Direction.LOWER_IS_BETTER),
            baseline=before.mean if before.n else None,
            current=after.mean if after.n else None,
            dimensions=self.dimensions,
            assumptions=(before_after_assumption(change.released_at),),
            evidence_ids=(change.id,),
            details={
                "telemetry": source.name,
                "value_note": "tokens are an input: their money effect is in cost per 1k requests",
            },
            inputs={
                "telemetry_sha256": source.sha256,
                "before": [before.sum, before.sum_squares, before.n],
                "after": [after.sum, after.sum_squares, after.n],
            },
        )

    def _cache_hits(
        self, ctx: RecipeContext, source: TelemetrySource, change: Release
    ) -> ClaimDraft:
        return share_change(
            ctx,
            source,
            change,
            Condition.CACHE_HIT,
            slug="prefix-cache-hit-rate",
            title="Prefix-cache hit rate",
            recipe=self.name,
            metric="cache hit rate",
            dimensions=self.dimensions,
            value_note="the saving is counted once, in cost per 1k requests",
            direction=Direction.HIGHER_IS_BETTER,
        )
