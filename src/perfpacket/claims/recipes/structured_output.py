"""Structured output at the prompt boundary: the share of model outputs that fail to parse or
validate against their schema, before and after typed boundaries shipped; and the
malformed-output incidents that did not happen at the rate they happened before."""

from __future__ import annotations

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
from perfpacket.claims.recipes._query import gateway_change, gateway_telemetry, telemetry_needs
from perfpacket.claims.recipes._shares import share_change
from perfpacket.store.models import Claim
from perfpacket.telemetry.metrics import Condition
from perfpacket.vocab import Comparison

# Typed boundaries ship as a release of their own (artifact 'schema': a schema in the prompt,
# its parser, or validation and retry at the gateway). Not any prompt or gateway release: the
# latest of those need not be the one that put a type on the boundary.
ARTIFACTS = ("schema",)


class StructuredOutputRecipe:
    name = "structured-output"
    title = "Structured output at the prompt boundary"
    dimensions: tuple[str, ...] = ("ai-system-design", "software-engineering")
    needs: tuple[Need, ...] = (
        *telemetry_needs("output_valid", artifacts=ARTIFACTS),
        incidents_need(
            f"with cause '{CauseTag.MALFORMED_OUTPUT}'", tagged(CauseTag.MALFORMED_OUTPUT)
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Invalid outputs as a before/after; malformed-output incidents as a counterfactual."""
        work = by_me(claim, work_of(claim, "the typed output boundary"))
        if claim.comparison is Comparison.COUNTERFACTUAL:
            return averted_sentence(claim, "malformed model output caused incidents", work)
        return f"After {work}, the {metric(claim)} {went(claim)}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = [
            share_change(
                ctx,
                source,
                change,
                Condition.INVALID_OUTPUT,
                slug="invalid-output-rate",
                title="Model outputs failing their schema",
                recipe=self.name,
                metric="share of model outputs that fail to parse or validate",
                dimensions=self.dimensions,
                value_note="retries and fallbacks are in cost and latency; incidents are counted",
            )
            for change, source in gateway_telemetry(ctx, "output_valid", artifacts=ARTIFACTS)
        ]
        change = gateway_change(ctx, ARTIFACTS)
        if change is not None:
            averted = averted_incidents(
                ctx,
                slug="malformed-output-incidents-averted",
                title=f"Malformed-output incidents averted after {change.version}",
                recipe=self.name,
                dimensions=self.dimensions,
                what="malformed-output",
                match=tagged(CauseTag.MALFORMED_OUTPUT),
                change_at=change.released_at,
                change_ids=(change.id,),
            )
            claims += [averted] if averted else []
        return claims
