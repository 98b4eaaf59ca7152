"""A/B lift of a prompt or model change on a business metric."""

from __future__ import annotations

from typing import Any

from perfpacket.claims.model import ClaimDraft, Comparison
from perfpacket.claims.recipe import RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.claims.value import priced
from perfpacket.stats import Direction, Proportion, SampleMean, ab_test
from perfpacket.store.models import Experiment


def _stat(variant: dict[str, Any]) -> Proportion | SampleMean:
    if "conversions" in variant:
        return Proportion(int(variant["conversions"]), int(variant["n"]))
    return SampleMean(float(variant["sum"]), float(variant["sum_squares"]), int(variant["n"]))


def _arms(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conversion per arm in percent with its Wilson interval, for the chart."""
    from perfpacket.claims.recipes.eval_gate import _bars

    return _bars(
        *[
            (str(v.get("name", f"arm {i}")), int(v["conversions"]), int(v["n"]))
            for i, v in enumerate(variants)
            if "conversions" in v
        ]
    )


class ABLiftRecipe:
    name = "ab-lift"
    title = "A/B lift"
    dimensions: tuple[str, ...] = ("experimentation-product",)

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for exp in person_records(ctx, Experiment):
            if len(exp.variants) < 2:
                continue
            control, treatment = _stat(exp.variants[0]), _stat(exp.variants[1])
            is_rate = isinstance(control, Proportion)
            result = ab_test(control, treatment, relative=not is_rate)
            value = None
            if is_rate and result.estimate is not None:
                point = ctx.value_model["revenue_per_conversion_point_usd_month"]
                value = priced(
                    lambda lift, k: lift * 100 * k["revenue_per_conversion_point_usd_month"] * 12,
                    result.estimate,
                    result.ci_low,
                    result.ci_high,
                    result.ci_level,
                    (point,),
                    unit="USD",
                    period="year",
                    text="lift_points × revenue_per_conversion_point_usd_month × 12",
                    assumptions=("the lift holds after full rollout at current traffic",),
                )
            claims.append(
                ClaimDraft(
                    slug=f"{exp.name}-lift",
                    title=f"A/B: {exp.metric} lift from {exp.variants[1].get('name', 'treatment')}",
                    recipe=self.name,
                    metric=exp.metric,
                    unit="pp" if is_rate else "%",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.AB,
                    result=result,
                    scale=100.0,
                    baseline=100 * control.mean
                    if isinstance(control, SampleMean)
                    else 100 * control.x / control.n,
                    current=100 * treatment.mean
                    if isinstance(treatment, SampleMean)
                    else 100 * treatment.x / treatment.n,
                    value=value,
                    attribution={"role": "led", "partners": ["Product", "Data science"]},
                    dimensions=self.dimensions,
                    assumptions=value.assumptions if value else (),
                    evidence_ids=(exp.id,),
                    details={"variants": exp.variants, "bars": _arms(exp.variants)},
                    inputs={"variants": exp.variants},
                )
            )
        return claims
