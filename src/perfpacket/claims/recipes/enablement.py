"""Enablement: reviews given to other teams, work co-authored with them, standards adopted."""

from __future__ import annotations

from sqlalchemy import select

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import join, partners, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import DAYS_PER_MONTH, person_records
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, poisson_rate_interval
from perfpacket.store.models import Artifact, Change, Claim, Review
from perfpacket.vocab import ArtifactKind, Comparison


class EnablementRecipe:
    name = "enablement"
    title = "Enablement of other engineers"
    dimensions: tuple[str, ...] = ("leadership-communication",)
    needs: tuple[Need, ...] = (
        Need(
            "code reviews given",
            "perfpacket import github-prs (the reviews on other people's pull requests)",
            1,
            lambda ctx: len(person_records(ctx, Review)),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Reviews given to other teams: counted, not valued."""
        who = partners(claim)
        return f"I review other teams' changes at {ref(claim)}" + (
            f", for {join(who)}." if who else "."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        reviews = list(person_records(ctx, Review))
        if not reviews:
            return []
        span_days = max((reviews[-1].submitted_at - reviews[0].submitted_at).days, 30)
        months = span_days / DAYS_PER_MONTH
        result = poisson_rate_interval(len(reviews), months)
        identity = ctx.person.email
        co_authored = [
            c
            for c in ctx.session.scalars(select(Change).where(Change.person_id != ctx.person.id))
            if any(identity in a for a in c.co_authors)
        ]
        # Standards, designs and code others adopt; an ownership change or an interview loop is
        # another recipe's, not enablement.
        artifacts = [
            a
            for a in person_records(ctx, Artifact)
            if a.artifact_kind in set(ArtifactKind) and ArtifactKind(a.artifact_kind).is_adoptable
        ]
        adopters = sorted({team for a in artifacts for team in a.adopters})
        repos = sorted({r.repo for r in reviews})
        return [
            ClaimDraft(
                slug=slugify("reviews-given"),
                title="Code reviews given to other teams' changes",
                recipe=self.name,
                metric="reviews given per month",
                unit="reviews/month",
                direction=Direction.HIGHER_IS_BETTER,
                comparison=Comparison.COUNT,
                result=result,
                attribution={"partners": adopters},
                dimensions=self.dimensions,
                assumptions=("a review is a unit of enablement, whatever its size",),
                evidence_ids=tuple(x.id for x in (*reviews, *co_authored, *artifacts)),
                details={
                    "reviews": len(reviews),
                    "repositories": repos,
                    "co_authored_changes": len(co_authored),
                    "artifacts": [a.title for a in artifacts],
                    "adopting_teams": adopters,
                    "value_note": "enablement is shown by reviews, co-authorship and "
                    "adoption, not converted to money",
                },
                inputs={"reviews": len(reviews), "months": round(months, 6)},
            )
        ]
