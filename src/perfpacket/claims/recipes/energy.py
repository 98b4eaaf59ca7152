"""Energy per request before and after a gateway change, when telemetry carries energy."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, went, work_of, worth
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import (
    before_after_assumption,
    gateway_telemetry,
    telemetry_needs,
    telemetry_slug,
)
from perfpacket.claims.value import priced
from perfpacket.stats import Direction, welch_diff_interval
from perfpacket.store.models import Claim
from perfpacket.telemetry.metrics import moments_by_period
from perfpacket.vocab import Comparison


class EnergyRecipe:
    name = "energy"
    title = "Energy per request"
    dimensions: tuple[str, ...] = ("ai-system-design",)
    needs: tuple[Need, ...] = telemetry_needs("energy_wh")

    def describe(self, claim: Claim) -> str:
        """Energy per request, and the money and carbon it stands for."""
        work = by_me(claim, work_of(claim, "the change"))
        return f"After {work}, the {metric(claim)} {went(claim)}{worth(claim)} in energy cost."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for change, source in gateway_telemetry(ctx, "energy_wh"):
            before, after = moments_by_period(source, "energy_wh", change.released_at)
            if before.n == 0 or after.n == 0:
                continue
            result = welch_diff_interval(after, before, direction=Direction.LOWER_IS_BETTER)
            volume = ctx.value_model["monthly_llm_requests"]
            carbon = ctx.value_model["carbon_intensity_kg_per_kwh"]
            value = None
            if result.estimate is not None:
                value = priced(
                    lambda change, k: (
                        -change
                        * k["monthly_llm_requests"]
                        * 12
                        / 1000
                        * k["carbon_intensity_kg_per_kwh"]
                    ),
                    result.estimate,
                    result.ci_low,
                    result.ci_high,
                    result.ci_level,
                    (volume, carbon),
                    unit="kgCO2e",
                    period="year",
                    text="(wh_per_request_before − wh_per_request_after) × monthly_llm_requests"
                    " × 12 / 1000 × carbon_intensity_kg_per_kwh",
                    assumptions=("energy per request is as the serving telemetry estimates it",),
                    digits=1,
                )
            claims.append(
                ClaimDraft(
                    slug=telemetry_slug(ctx, "energy-per-request", source),
                    title=f"Energy per LLM request after {change.version}",
                    recipe=self.name,
                    metric="energy per request",
                    unit="Wh",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison=Comparison.BEFORE_AFTER,
                    result=result,
                    baseline=before.mean,
                    current=after.mean,
                    value=value,
                    dimensions=self.dimensions,
                    assumptions=(
                        *(value.assumptions if value else ()),
                        before_after_assumption(change.released_at),
                    ),
                    evidence_ids=(change.id,),
                    details={"telemetry": source.name, "change": change.version},
                    inputs={
                        "telemetry_sha256": source.sha256,
                        "before": [before.sum, before.sum_squares, before.n],
                        "after": [after.sum, after.sum_squares, after.n],
                    },
                )
            )
        return claims
