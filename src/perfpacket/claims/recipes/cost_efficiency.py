"""Cost efficiency from gateway telemetry: cost per 1k requests before and after a change."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.recipe import RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.claims.value import Value
from perfpacket.stats import Direction, welch_diff_interval
from perfpacket.store.models import Release
from perfpacket.telemetry import moments_by_period


class CostEfficiencyRecipe:
    name = "cost-efficiency"
    title = "Cost per 1k requests"
    dimensions: tuple[str, ...] = ("ai-system-design",)

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        # A gateway release (routing, caching) by the person splits the telemetry in two.
        changes = [r for r in person_records(ctx, Release) if r.artifact == "gateway"]
        if not changes or not ctx.telemetry:
            return []
        change = changes[-1]
        claims = []
        for source in ctx.telemetry:
            before, after = moments_by_period(source, "cost_usd", change.released_at)
            if before.n == 0 or after.n == 0:
                continue
            result = welch_diff_interval(after, before, direction=Direction.LOWER_IS_BETTER)
            volume = ctx.value_model["monthly_llm_requests"]
            saving = -(result.estimate or 0.0)
            value = Value(
                amount=round(saving * volume.value * 12, 2),
                unit="USD",
                period="year",
                formula="(cost_per_request_before − cost_per_request_after)"
                " × monthly_llm_requests × 12",
                constants=(volume,),
                assumptions=("the request mix after the change stays as it was in the sample",),
            )
            claims.append(
                ClaimDraft(
                    slug="cost-per-1k-requests",
                    title=f"LLM cost per 1k requests after {change.version}",
                    recipe=self.name,
                    metric="cost per 1k requests",
                    unit="USD/1k requests",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison="before_after",
                    result=result,
                    scale=1000.0,
                    baseline=before.mean * 1000,
                    current=after.mean * 1000,
                    value=value,
                    attribution={"role": "led", "partners": ["Gateway team"]},
                    dimensions=self.dimensions,
                    assumptions=value.assumptions,
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
        return claims
