"""Latency: the p95 before and after a gateway change, from request-level telemetry."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, went, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import (
    before_after_assumption,
    gateway_telemetry,
    telemetry_needs,
    telemetry_slug,
)
from perfpacket.stats import Direction, quantile_diff_from_summaries
from perfpacket.stats.quantile import joint_level
from perfpacket.store.models import Claim
from perfpacket.telemetry.metrics import quantiles_by_period
from perfpacket.vocab import Comparison

LEVEL = 0.95


class LatencyRecipe:
    name = "latency"
    title = "p95 latency"
    dimensions: tuple[str, ...] = ("ai-system-design", "software-engineering")
    needs: tuple[Need, ...] = telemetry_needs("latency_ms")

    def describe(self, claim: Claim) -> str:
        """The tail latency users wait through."""
        work = by_me(claim, work_of(claim, "the change"))
        return f"After {work}, the {metric(claim)} users waited through {went(claim)}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for change, source in gateway_telemetry(ctx, "latency_ms"):
            before, after = quantiles_by_period(
                source, "latency_ms", change.released_at, 0.95, joint_level(LEVEL)
            )
            result = quantile_diff_from_summaries(
                after, before, LEVEL, direction=Direction.LOWER_IS_BETTER
            )
            claims.append(
                ClaimDraft(
                    slug=telemetry_slug(ctx, "p95-latency", source),
                    title=f"p95 latency of LLM requests after {change.version}",
                    recipe=self.name,
                    metric="p95 request latency",
                    unit="ms",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison=Comparison.BEFORE_AFTER,
                    result=result,
                    baseline=before.estimate,
                    current=after.estimate,
                    dimensions=self.dimensions,
                    assumptions=(before_after_assumption(change.released_at),),
                    evidence_ids=(change.id,),
                    details={
                        "telemetry": source.name,
                        "change": change.version,
                        # the after period's p95 with its order-statistic interval, for KPIs
                        "current_interval": {
                            "low": after.low,
                            "high": after.high,
                            "level": after.level,
                        },
                        "value_note": "latency is a user-experience input: its money effect is "
                        "read in engagement or conversion, not assumed here",
                    },
                    inputs={
                        "telemetry_sha256": source.sha256,
                        "change_at": change.released_at.isoformat(),
                        "n": [before.n, after.n],
                    },
                )
            )
        return claims
