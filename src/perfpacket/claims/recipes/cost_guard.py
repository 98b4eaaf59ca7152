"""Budget guard in the LLM gateway: spend it blocked, projected to a monthly run rate."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, ref, worth
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import DAYS_PER_MONTH, person_records
from perfpacket.claims.value import Observed, priced
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, mean_interval
from perfpacket.store.models import Claim, GuardEvent
from perfpacket.vocab import Comparison, Outcome


class CostGuardRecipe:
    name = "cost-guard"
    title = "Budget guard: blocked spend"
    dimensions: tuple[str, ...] = ("ai-system-design", "mlops-operations")
    needs: tuple[Need, ...] = (
        Need(
            "budget-guard blocks with the amount they stopped",
            "perfpacket import guard-events (guard = budget_block, amount_usd)",
            1,
            lambda ctx: sum(
                e.guard == "budget_block" and e.amount_usd is not None
                for e in person_records(ctx, GuardEvent)
            ),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Spend that did not happen, with the counterfactual's assumptions in the claim."""
        guard = by_me(claim, "the budget guard in the LLM gateway")
        return (
            f"{guard[:1].upper()}{guard[1:]} stopped a spend spike running at {ref(claim)} "
            f"before it reached the bill{worth(claim)}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        blocks = [
            e
            for e in person_records(ctx, GuardEvent)
            if e.guard == "budget_block" and e.amount_usd is not None
        ]
        if not blocks:
            return []
        daily: dict[date, float] = defaultdict(float)
        for event in blocks:
            assert event.amount_usd is not None
            daily[event.at.date()] += event.amount_usd
        amounts = [daily[d] for d in sorted(daily)]
        # Daily blocked spend while the spike ran, as a monthly run rate.
        result = mean_interval(amounts, direction=Direction.HIGHER_IS_BETTER)
        months = ctx.value_model["spike_months_until_detected"]
        total = sum(amounts)
        value = None
        if result.estimate is not None:
            value = priced(
                lambda daily_mean, k: (
                    daily_mean * DAYS_PER_MONTH * k["spike_months_until_detected"]
                ),
                result.estimate,
                result.ci_low,
                result.ci_high,
                result.ci_level,
                (months,),
                unit="USD",
                period="one-off",
                text="mean_daily_blocked_usd × 30.44 × spike_months_until_detected",
                outcome=Outcome.PREVENTED,
                assumptions=(
                    "without the guard, the blocked requests would have been served and billed",
                    "the spike would have run until the monthly finance review",
                    f"an extrapolation: {len(amounts)} days of blocked spend were observed "
                    f"(${total:,.0f} in all), stretched to the months until detection",
                ),
                observed=Observed(round(total, 2), f"{len(amounts)} days observed"),
            )
        return [
            ClaimDraft(
                slug=slugify("budget-guard-blocked-spend"),
                title="Spend spike stopped by the gateway budget guard",
                recipe=self.name,
                metric="blocked spend run rate",
                unit="USD/month",
                direction=Direction.HIGHER_IS_BETTER,
                comparison=Comparison.COUNTERFACTUAL,
                result=result,
                scale=DAYS_PER_MONTH,
                value=value,
                dimensions=self.dimensions,
                assumptions=value.assumptions if value else (),
                evidence_ids=tuple(e.id for e in blocks),
                details={
                    "days": len(amounts),
                    "events": len(blocks),
                    "total_blocked_usd": round(total, 2),
                    "first": min(daily).isoformat(),
                    "last": max(daily).isoformat(),
                },
                inputs={"daily": [round(a, 6) for a in amounts]},
            )
        ]
