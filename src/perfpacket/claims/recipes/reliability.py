"""Reliability: the error rate against its SLO, and how much of the error budget it burns."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, ref, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import gateway_telemetry, telemetry_needs, telemetry_slug
from perfpacket.stats import Direction, judged_against, wilson_interval
from perfpacket.store.models import Claim
from perfpacket.telemetry.metrics import error_counts_by_period
from perfpacket.vocab import Comparison


class ReliabilityRecipe:
    name = "reliability"
    title = "Error rate against the SLO"
    dimensions: tuple[str, ...] = ("mlops-operations",)
    needs: tuple[Need, ...] = telemetry_needs("status")

    def describe(self, claim: Claim) -> str:
        """A level against its SLO: meets or misses, never "improved"."""
        work = by_me(claim, work_of(claim, "the change"))
        return (
            f"Since {work}, the {metric(claim)} users "
            f"see stands at {ref(claim, 'current')} against its SLO: {ref(claim, 'verdict')}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        slo = ctx.value_model["slo_error_rate"]
        claims = []
        for change, source in gateway_telemetry(ctx, "status"):
            rule, _before, after = error_counts_by_period(source, change.released_at)
            rate = wilson_interval(after.matched, after.total)
            # A level against its objective: "meets target" only when the whole interval is
            # within the SLO, "misses target" when it is wholly outside.
            result = judged_against(
                rate, slo.value, Direction.LOWER_IS_BETTER, f"the SLO of {slo.value:.2%}"
            )
            burn = (rate.estimate or 0.0) / slo.value
            claims.append(
                ClaimDraft(
                    slug=telemetry_slug(ctx, "gateway-error-rate", source),
                    title="LLM gateway error rate against its SLO since the routing change",
                    recipe=self.name,
                    metric="error rate",
                    unit="%",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison=Comparison.TARGET,
                    result=result,
                    scale=100.0,
                    baseline=slo.value * 100,
                    current=(rate.estimate or 0.0) * 100,
                    dimensions=self.dimensions,
                    assumptions=(f"SLO: {slo.source}", f"errors: {rule.description}"),
                    evidence_ids=(change.id,),
                    details={
                        "error_budget_burn": round(burn, 4),
                        "slo": slo.value,
                        "status_vocabulary": rule.vocabulary.value,
                        "value_note": "an SLO is a guardrail held, not a gain to price",
                    },
                    inputs={
                        "telemetry_sha256": source.sha256,
                        "errors": [after.matched, after.total],
                    },
                )
            )
        return claims
