"""A/B lift of a prompt or model change on a business metric."""

from __future__ import annotations

from typing import Any

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, moved, ref, worth
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.claims.value import priced
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, Proportion, SampleMean, ab_test
from perfpacket.stats.ab import (
    Arm,
    Cuped,
    Ratio,
    minimum_detectable_effect,
    srm_p_value,
    with_srm_check,
)
from perfpacket.store.models import Claim, Experiment
from perfpacket.vocab import Comparison


def _stat(variant: dict[str, Any]) -> Arm:
    """An arm as imported: conversions, a mean, a ratio (with a denominator) or a mean with a
    pre-period covariate (CUPED)."""
    n = int(variant["n"])
    if "conversions" in variant:
        return Proportion(int(variant["conversions"]), n)
    main = SampleMean(float(variant["sum"]), float(variant["sum_squares"]), n)
    if variant.get("denominator_sum") is not None:
        den = SampleMean(
            float(variant["denominator_sum"]), float(variant["denominator_sum_squares"]), n
        )
        return Ratio(main, den, float(variant["sum_products"]))
    if variant.get("pre_sum") is not None:
        pre = SampleMean(float(variant["pre_sum"]), float(variant["pre_sum_squares"]), n)
        return Cuped(main, pre, float(variant["sum_products"]))
    return main


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
    needs: tuple[Need, ...] = (
        Need(
            "experiments with a control and a treatment variant",
            "perfpacket import experiments-csv",
            1,
            lambda ctx: sum(len(e.variants) >= 2 for e in person_records(ctx, Experiment)),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """A randomised test: the one design where the prose may say the work caused it."""
        return (
            f"In a randomised A/B test, {by_me(claim, 'the change')} {moved(claim)} "
            f"{metric(claim)} for users by {ref(claim)}{worth(claim)} at current traffic."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for exp in person_records(ctx, Experiment):
            if len(exp.variants) < 2:
                continue
            control, treatment = _stat(exp.variants[0]), _stat(exp.variants[1])
            if type(control) is not type(treatment):
                continue  # the importer refuses this; a hand-made record is skipped
            is_rate = isinstance(control, Proportion)
            better = str(exp.variants[0].get("better") or "higher")
            direction = (
                Direction.LOWER_IS_BETTER if better == "lower" else Direction.HIGHER_IS_BETTER
            )
            planned = [float(v.get("weight") or 1.0) for v in exp.variants[:2]]
            srm = srm_p_value([control.n, treatment.n], planned)
            result = with_srm_check(
                ab_test(control, treatment, relative=not is_rate, direction=direction), srm
            )
            mde = minimum_detectable_effect(result)
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
                    slug=slugify(exp.name, "lift"),
                    title=f"A/B: {exp.metric} lift from {exp.variants[1].get('name', 'treatment')}",
                    recipe=self.name,
                    metric=exp.metric,
                    unit="pp" if is_rate else "%",
                    direction=direction,
                    comparison=Comparison.AB,
                    result=result,
                    scale=100.0,
                    # a rate's levels in percent; a mean's relative lift has no level to show
                    baseline=100 * control.x / control.n
                    if isinstance(control, Proportion)
                    else None,
                    current=100 * treatment.x / treatment.n
                    if isinstance(treatment, Proportion)
                    else None,
                    value=value,
                    dimensions=self.dimensions,
                    assumptions=(
                        *(value.assumptions if value else ()),
                        f"units were assigned at random in the planned split "
                        f"{planned[0]:g}/{planned[1]:g}; sample-ratio check p = {srm:.3g}"
                        + (" (not as planned: the lift is not trustworthy)" if srm < 0.001 else ""),
                    ),
                    evidence_ids=(exp.id,),
                    details={
                        "variants": exp.variants,
                        "bars": _arms(exp.variants),
                        "srm_p_value": srm,
                        # the smallest lift this test could detect at 80% power, in its unit
                        "mde": None if mde is None else mde * 100,
                    },
                    inputs={"variants": exp.variants},
                )
            )
        return claims
