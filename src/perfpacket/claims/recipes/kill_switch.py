"""Kill switch and fallback: incidents averted, as a counterfactual with named assumptions."""

from __future__ import annotations

from sqlalchemy import select

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, ref, worth
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.claims.value import priced
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, averted_events
from perfpacket.store.models import Claim, GuardEvent, Incident, Release
from perfpacket.vocab import Comparison, Outcome


class KillSwitchRecipe:
    name = "kill-switch"
    title = "Kill switch: incidents averted"
    dimensions: tuple[str, ...] = ("mlops-operations", "ai-system-design")
    needs: tuple[Need, ...] = (
        Need(
            "kill-switch or fallback trips",
            "perfpacket import guard-events (guard = kill_switch or fallback)",
            1,
            lambda ctx: sum(
                e.guard in {"kill_switch", "fallback"} for e in person_records(ctx, GuardEvent)
            ),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Incidents that did not happen, at the historical rate bad releases became them."""
        switch = by_me(claim, "the prompt kill switch")
        return (
            f"{switch[:1].upper()}{switch[1:]} rerouted traffic on every trip; by the "
            f"historical rate at which bad releases became incidents, it averted "
            f"{ref(claim)}{worth(claim)}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        trips = [
            e for e in person_records(ctx, GuardEvent) if e.guard in {"kill_switch", "fallback"}
        ]
        if not trips:
            return []
        first_trip = trips[0].at
        # History before the switch existed: how often did a bad release become an incident?
        bad = ctx.session.scalars(
            select(Release).where(Release.rolled_back.is_(True), Release.released_at < first_trip)
        ).all()
        incidents = ctx.session.scalars(
            select(Incident).where(
                Incident.opened_at < first_trip, Incident.release_version.is_not(None)
            )
        ).all()
        caused = {i.release_version for i in incidents}
        # The base rate should come from releases of the kind the switch guards.
        tripped = {e.version_from for e in trips if e.version_from}
        kinds = set(
            ctx.session.scalars(select(Release.artifact).where(Release.version.in_(tripped)))
        ) or {"prompt"}
        matching = [r for r in bad if r.artifact in kinds]
        base = matching or list(bad)
        became_incident = [r for r in base if r.version in caused]
        result = averted_events(len(trips), len(became_incident), len(base))
        cost = ctx.value_model["incident_cost_usd_p1"]
        guarded = " or ".join(sorted(kinds))
        if matching:
            source = (
                f"the base rate is {len(became_incident)} incidents in {len(base)} rolled-back "
                f"{guarded} releases before the switch, the same kind as the tripped releases"
            )
        else:
            others = " and ".join(sorted({r.artifact for r in base})) or "no"
            source = (
                f"the base rate is {len(became_incident)} incidents in {len(base)} rolled-back "
                f"{others} releases before the switch; there is no history of rolled-back "
                f"{guarded} releases, and {others} releases are not {guarded} releases, "
                "so the rate is a weak match for the tripped ones"
            )
        assumptions = (
            "a tripped release would have behaved like the unguarded bad releases before it",
            source,
            "an averted incident would have been a P1",
        )
        value = None
        if result.estimate is not None:
            value = priced(
                lambda averted, k: averted * k["incident_cost_usd_p1"],
                result.estimate,
                result.ci_low,
                result.ci_high,
                result.ci_level,
                (cost,),
                unit="USD",
                period="one-off",
                text="trips × P(bad release → incident) × incident_cost_usd_p1",
                outcome=Outcome.PREVENTED,
                assumptions=assumptions,
            )
        return [
            ClaimDraft(
                slug=slugify("kill-switch-incidents-averted"),
                title="Incidents averted by the prompt kill switch",
                recipe=self.name,
                metric="incidents averted",
                unit="incidents",
                direction=Direction.HIGHER_IS_BETTER,
                comparison=Comparison.COUNTERFACTUAL,
                result=result,
                value=value,
                dimensions=self.dimensions,
                assumptions=assumptions,
                evidence_ids=tuple(x.id for x in (*trips, *base, *incidents)),
                # The releases and incidents before the switch are its base rate: who responded
                # to those is not who the switch was built with.
                context_ids=tuple(x.id for x in (*base, *incidents)),
                details={
                    "trips": len(trips),
                    "historical_bad_releases": len(bad),
                    "historical_incidents": len(became_incident),
                    "rerouted_to": [t.version_to for t in trips],
                },
                inputs={
                    "trips": len(trips),
                    "bad": len(bad),
                    "became_incident": len(became_incident),
                },
            )
        ]
