"""Ownership seams: incidents whose cause crossed an ownership boundary (they name two or more
teams), before and after an ownership change the person made (a RACI, an on-call rotation, a
service contract), as the incidents that did not happen at the rate they happened before."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._incidents import (
    averted_incidents,
    averted_sentence,
    crosses_teams,
    incidents_need,
)
from perfpacket.claims.recipes._query import person_records
from perfpacket.store.models import Artifact, Claim
from perfpacket.vocab import ArtifactKind


def _ownership_changes(ctx: RecipeContext) -> list[Artifact]:
    return [a for a in person_records(ctx, Artifact) if a.artifact_kind == ArtifactKind.OWNERSHIP]


class OwnershipSeamsRecipe:
    name = "ownership-seams"
    title = "Ownership seams: cross-team incidents"
    dimensions: tuple[str, ...] = ("leadership-communication", "mlops-operations")
    needs: tuple[Need, ...] = (
        Need(
            "ownership changes you made (a RACI, an on-call rotation, a service contract)",
            "perfpacket import artifacts-csv (kind ownership)",
            1,
            lambda ctx: len(_ownership_changes(ctx)),
        ),
        incidents_need("that name two or more teams", crosses_teams),
    )

    def describe(self, claim: Claim) -> str:
        """Cross-team incidents as a counterfactual at their earlier rate."""
        work = by_me(claim, "the ownership change")
        return averted_sentence(claim, "incidents crossed team boundaries", work)

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        changes = _ownership_changes(ctx)
        if not changes:
            return []
        change = changes[-1]
        averted = averted_incidents(
            ctx,
            slug="cross-team-incidents-averted",
            title=f"Cross-team incidents averted after {change.title}",
            recipe=self.name,
            dimensions=self.dimensions,
            what="cross-team",
            match=crosses_teams,
            change_at=change.occurred_at,
            change_ids=(change.id,),
        )
        return [averted] if averted else []
