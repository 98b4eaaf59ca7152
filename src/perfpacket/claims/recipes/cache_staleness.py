"""Tool-result cache staleness: the share of answers served from a cache older than its
freshness contract, before and after a TTL or invalidation change; and the stale-data
incidents that did not happen at the rate they happened before it."""

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

COLUMNS = ("cache_age_s", "cache_ttl_s")
# A TTL or invalidation change ships as a cache release, or inside a gateway release.
ARTIFACTS = ("cache", "gateway")


class CacheStalenessRecipe:
    name = "cache-staleness"
    title = "Tool-result cache staleness"
    dimensions: tuple[str, ...] = ("ai-system-design", "mlops-operations")
    needs: tuple[Need, ...] = (
        *telemetry_needs(*COLUMNS, artifacts=ARTIFACTS),
        incidents_need(f"with cause '{CauseTag.STALE_DATA}'", tagged(CauseTag.STALE_DATA)),
    )

    def describe(self, claim: Claim) -> str:
        """Stale answers as a before/after; stale-data incidents as a counterfactual."""
        work = by_me(claim, work_of(claim, "the cache freshness change"))
        if claim.comparison is Comparison.COUNTERFACTUAL:
            return averted_sentence(claim, "stale-data incidents happened", work)
        return f"After {work}, the {metric(claim)} {went(claim)}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = [
            share_change(
                ctx,
                source,
                change,
                Condition.STALE,
                slug="stale-cache-answers",
                title="Answers served from a cache older than its TTL",
                recipe=self.name,
                metric="share of cached answers past their freshness contract",
                dimensions=self.dimensions,
                value_note="a stale answer has no price of its own; its incidents are counted",
            )
            for change, source in gateway_telemetry(ctx, *COLUMNS, artifacts=ARTIFACTS)
        ]
        change = gateway_change(ctx, ARTIFACTS)
        if change is not None:
            averted = averted_incidents(
                ctx,
                slug="stale-data-incidents-averted",
                title=f"Stale-data incidents averted after {change.version}",
                recipe=self.name,
                dimensions=self.dimensions,
                what="stale-data",
                match=tagged(CauseTag.STALE_DATA),
                change_at=change.released_at,
                change_ids=(change.id,),
            )
            claims += [averted] if averted else []
        return claims
