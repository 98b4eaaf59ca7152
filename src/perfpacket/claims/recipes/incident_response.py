"""Incident response: time to resolve the incidents the person responded to, against target."""

from __future__ import annotations

from sqlalchemy import select

from perfpacket.claims.attribution import contact_keys
from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import join, metric, partners, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, bca_mean_interval, judged_against
from perfpacket.store.models import Claim, Incident
from perfpacket.vocab import ClaimRole, Comparison


def _responded(ctx: RecipeContext) -> list[Incident]:
    """Resolved incidents with the person among the responders, oldest first. A responder
    is theirs by an email or identity ("Name <PagerDuty id>" by the id), never by a name."""
    identities = {ctx.person.email.lower(), *(i.value.lower() for i in ctx.person.identities)}
    return [
        i
        for i in ctx.session.scalars(select(Incident).order_by(Incident.opened_at))
        if i.resolved_at is not None and any(identities & contact_keys(r) for r in i.responders)
    ]


class IncidentResponseRecipe:
    name = "incident-response"
    title = "Mean time to resolve"
    dimensions: tuple[str, ...] = ("mlops-operations",)
    needs: tuple[Need, ...] = (
        Need(
            "resolved incidents with you among the responders",
            "perfpacket import pagerduty or incidents-csv",
            1,
            lambda ctx: len(_responded(ctx)),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Time to resolve as a responder, judged against the target."""
        return (
            f"As a responder{' with ' + join(partners(claim)) if partners(claim) else ''}, "
            f"the {metric(claim)} of AI incidents stands at {ref(claim, 'current')} against "
            f"its target: {ref(claim, 'verdict')}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        incidents = _responded(ctx)
        if not incidents:
            return []
        hours = [
            (i.resolved_at - i.opened_at).total_seconds() / 3600  # type: ignore[operator]
            for i in incidents
        ]
        target = ctx.value_model["mttr_target_hours"]
        raw = bca_mean_interval(hours)  # durations are right-skewed: no t interval
        result = judged_against(
            raw, target.value, Direction.LOWER_IS_BETTER, f"the {target.value:g} h target"
        )
        return [
            ClaimDraft(
                slug=slugify("incident-mttr"),
                title="Mean time to resolve AI incidents as responder",
                recipe=self.name,
                metric="mean time to resolve",
                unit="h",
                direction=Direction.LOWER_IS_BETTER,
                comparison=Comparison.TARGET,
                result=result,
                baseline=target.value,
                current=raw.estimate,
                # Every incident behind the claim is one the person responded to.
                attribution={"role": ClaimRole.CONTRIBUTED},
                dimensions=self.dimensions,
                assumptions=(f"target: {target.source}",),
                evidence_ids=tuple(i.id for i in incidents),
                details={
                    "incidents": len(incidents),
                    "value_note": "response time is compared with its target, not priced",
                },
                inputs={"hours": [round(h, 6) for h in hours]},
            )
        ]
