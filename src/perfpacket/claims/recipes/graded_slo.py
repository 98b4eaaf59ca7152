"""SLOs without ground truth: an error budget on sampled graded outputs, and how far the judge
that grades them can be trusted.

No label arrives by itself for a model's answer, so a sample of outputs is graded: every sampled
output by a judge (a model or a rubric), a subsample also by a person. The error budget is the
failure rate the SLO allows (1 − the pass-rate SLO); the sample burns the judge's failure rate
over that budget, with the Wilson interval scaled, and it meets its target only when the whole
interval is under the whole budget. Judge–person agreement is Cohen's kappa on the outputs both
graded, with its asymptotic interval, against the level at which agreement is called
substantial: below it, the budget is the judge's opinion, and the claim says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.slugs import slugify
from perfpacket.stats import (
    Direction,
    agreement_table,
    budget_burn,
    cohens_kappa_interval,
    judged_against,
)
from perfpacket.store.models import Claim, Grade
from perfpacket.vocab import Comparison

SOURCE = "perfpacket import graded-csv"


def _grades(ctx: RecipeContext) -> Sequence[Grade]:
    return person_records(ctx, Grade)


class GradedSloRecipe:
    name = "graded-slo"
    title = "SLO on graded outputs, and how far its judge is trusted"
    dimensions: tuple[str, ...] = ("applied-ml-evaluation", "mlops-operations")
    needs: tuple[Need, ...] = (
        Need(
            "sampled outputs graded by a judge",
            SOURCE,
            1,
            lambda ctx: len(_grades(ctx)),
        ),
        Need(
            "graded outputs a person graded too (column human)",
            SOURCE,
            1,
            lambda ctx: sum(1 for g in _grades(ctx) if g.human_pass is not None),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """The budget as a level against the whole budget; agreement as a level against the
        substantial-agreement mark."""
        work = by_me(claim, "the graded-output SLO")
        if claim.slug.startswith("judge-human-agreement"):
            return (
                f"The judge behind {work} agrees with people's grades at a kappa of "
                f"{ref(claim, 'current')} against the {ref(claim, 'baseline')} that counts as "
                f"substantial agreement: {ref(claim, 'verdict')}."
            )
        return (
            f"On the sampled outputs graded for {work}, failures burned "
            f"{ref(claim, 'current')} of the error budget: {ref(claim, 'verdict')}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        grades = _grades(ctx)
        if not grades:
            return []
        slo = ctx.value_model["graded_pass_slo"]
        budget = 1.0 - slo.value
        failed = sum(1 for g in grades if not g.judge_pass)
        first, last = grades[0].graded_at, grades[-1].graded_at
        burn = budget_burn(failed, len(grades), budget)
        burn = judged_against(burn, 1.0, Direction.LOWER_IS_BETTER, "the whole error budget")
        claims = [
            ClaimDraft(
                slug=slugify("graded-error-budget-burn"),
                title="Error budget burned on graded outputs",
                recipe=self.name,
                metric="error budget burned",
                unit="% of budget",
                direction=Direction.LOWER_IS_BETTER,
                comparison=Comparison.TARGET,
                result=burn,
                scale=100.0,
                baseline=100.0,
                current=100 * burn.estimate if burn.estimate is not None else None,
                dimensions=self.dimensions,
                assumptions=(
                    f"SLO: {slo.source}",
                    f"the {len(grades)} graded outputs from {first:%Y-%m-%d} to {last:%Y-%m-%d} "
                    "are a random sample of the outputs served, and the judge's grade is the "
                    "grade (see the judge–person agreement)",
                ),
                evidence_ids=tuple(g.id for g in grades),
                details={
                    "graded": len(grades),
                    "failed": failed,
                    "slo": slo.value,
                    "value_note": "an SLO is a guardrail held, not a gain to price",
                },
                inputs={"failed": [failed, len(grades)], "budget": round(budget, 12)},
            )
        ]
        # Rows: the judge's grade; columns: the person's; over outputs both graded.
        table = agreement_table(
            (g.judge_pass, g.human_pass) for g in grades if g.human_pass is not None
        )
        both = sum(map(sum, table))
        if both:
            mark = ctx.value_model["judge_kappa_substantial"]
            kappa = judged_against(
                cohens_kappa_interval(table),
                mark.value,
                Direction.HIGHER_IS_BETTER,
                f"substantial agreement (kappa {mark.value:g})",
            )
            claims.append(
                ClaimDraft(
                    slug=slugify("judge-human-agreement"),
                    title="Agreement of the grading judge with people's grades",
                    recipe=self.name,
                    metric="judge–person agreement (Cohen's kappa)",
                    unit="kappa",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.TARGET,
                    result=kappa,
                    baseline=mark.value,
                    current=kappa.estimate,
                    dimensions=self.dimensions,
                    assumptions=(
                        f"substantial agreement: {mark.source}",
                        f"the {both} outputs a person graded are a random subsample of the "
                        "graded outputs",
                    ),
                    evidence_ids=tuple(g.id for g in grades if g.human_pass is not None),
                    details={
                        "both_graded": both,
                        "table": table,
                        "value_note": "agreement says how far the judge is trusted; it is "
                        "not priced",
                    },
                    inputs={"table": table},
                )
            )
        return claims
