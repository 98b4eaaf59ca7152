"""Eval gate in CI: the regression escape rate on model swaps, and the QA cycle it replaced."""

from __future__ import annotations

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, went, worth
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import DAYS_PER_MONTH, person_records
from perfpacket.claims.value import priced
from perfpacket.slugs import slugify
from perfpacket.stats import (
    Direction,
    SampleMean,
    newcombe_diff_interval,
    welch_diff_interval,
    wilson_interval,
)
from perfpacket.store.models import Claim, Release
from perfpacket.vocab import Comparison, Outcome, ReleaseArtifact

DIMENSIONS = ("applied-ml-evaluation", "mlops-operations")


GATE_ASSUMPTION = (
    "no control group: the ungated swaps before the gate and the gated swaps after it differ "
    "only by the gate (nothing else changed between the periods)"
)


class EvalGateRecipe:
    name = "eval-gate"
    title = "Eval gate in CI"
    dimensions: tuple[str, ...] = DIMENSIONS
    needs: tuple[Need, ...] = (
        Need(
            "model releases before the gate (artifact 'model', gated = false)",
            "perfpacket import releases-csv",
            1,
            lambda ctx: sum(
                r.artifact == ReleaseArtifact.MODEL and r.gated is False
                for r in person_records(ctx, Release)
            ),
        ),
        Need(
            "model releases through the gate (artifact 'model', gated = true)",
            "perfpacket import releases-csv",
            1,
            lambda ctx: sum(
                r.artifact == ReleaseArtifact.MODEL and r.gated is True
                for r in person_records(ctx, Release)
            ),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """The escape rate as a release risk avoided; the QA cycle as time given back."""
        gate = by_me(claim, "the CI eval gate")
        if "qa" in claim.metric.lower():
            return (
                f"{gate[:1].upper()}{gate[1:]} replaced the manual QA cycle: after it, the "
                f"time a model swap waits for review before release {went(claim)}"
                f"{worth(claim)}."
            )
        return (
            f"After {gate} went into CI, the {metric(claim)} {went(claim)}"
            f"{worth(claim)} in rollbacks avoided."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        swaps = [r for r in person_records(ctx, Release) if r.artifact == ReleaseArtifact.MODEL]
        # A release whose source does not say whether it was gated is on neither side.
        before = [r for r in swaps if r.gated is False]
        after = [r for r in swaps if r.gated is True]
        if not before or not after:
            return []
        drafts = [self._qa_cycle(ctx, before, after)]
        # The escape rate counts only releases whose source says whether they were rolled back.
        known_before = [r for r in before if r.rolled_back is not None]
        known_after = [r for r in after if r.rolled_back is not None]
        if known_before and known_after:
            drafts.insert(0, self._escape_rate(ctx, known_before, known_after))
        return drafts

    def _escape_rate(
        self, ctx: RecipeContext, before: list[Release], after: list[Release]
    ) -> ClaimDraft:
        x_after = sum(bool(r.rolled_back) for r in after)
        x_before = sum(bool(r.rolled_back) for r in before)
        result = newcombe_diff_interval(
            x_after, len(after), x_before, len(before), direction=Direction.LOWER_IS_BETTER
        )
        rate_before, rate_after = x_before / len(before), x_after / len(after)
        cost = ctx.value_model["escaped_regression_cost_usd"]
        per_year = len(after) * 12 / _months(after)
        value = None
        if result.estimate is not None:
            value = priced(
                lambda change, k: -change * per_year * k["escaped_regression_cost_usd"],
                result.estimate,
                result.ci_low,
                result.ci_high,
                result.ci_level,
                (cost,),
                unit="USD",
                period="year",
                text="(rate_before − rate_after) × gated_swaps_per_year"
                f" × escaped_regression_cost_usd, gated_swaps_per_year = {per_year:.1f}",
                outcome=Outcome.PREVENTED,
                assumptions=(
                    "a rolled-back model swap is an escaped regression",
                    "swap volume continues at the gated period's rate",
                ),
            )
        return ClaimDraft(
            slug=slugify("eval-regression-rate"),
            title="Regression escape rate on model swaps after the CI eval gate",
            recipe=self.name,
            metric="regression escape rate on model swaps",
            unit="pp",
            direction=Direction.LOWER_IS_BETTER,
            comparison=Comparison.BEFORE_AFTER,
            result=result,
            scale=100.0,
            baseline=rate_before * 100,
            current=rate_after * 100,
            value=value,
            dimensions=DIMENSIONS,
            assumptions=(*(value.assumptions if value else ()), GATE_ASSUMPTION),
            evidence_ids=tuple(r.id for r in (*before, *after)),
            details={
                "before": {"x": x_before, "n": len(before)},
                "after": {"x": x_after, "n": len(after)},
                "current_interval": _level_interval(x_after, len(after)),
                "bars": _bars(
                    ("before the gate", x_before, len(before)), ("gated", x_after, len(after))
                ),
            },
            inputs={"before": [x_before, len(before)], "after": [x_after, len(after)]},
        )

    def _qa_cycle(
        self, ctx: RecipeContext, before: list[Release], after: list[Release]
    ) -> ClaimDraft:
        hours_before = [r.qa_hours for r in before if r.qa_hours is not None]
        hours_after = [r.qa_hours for r in after if r.qa_hours is not None]
        result = welch_diff_interval(
            SampleMean.of(hours_after),
            SampleMean.of(hours_before),
            direction=Direction.LOWER_IS_BETTER,
        )
        share = ctx.value_model["qa_effort_share"]
        hour = ctx.value_model["engineer_hour_cost_usd"]
        per_year = len(after) * 12 / _months(after)
        value = None
        if result.estimate is not None:
            # The measured hours saved per swap, not a constant standing in for them.
            value = priced(
                lambda change, k: (
                    -change * k["qa_effort_share"] * per_year * k["engineer_hour_cost_usd"]
                ),
                result.estimate,
                result.ci_low,
                result.ci_high,
                result.ci_level,
                (share, hour),
                unit="USD",
                period="year",
                text="(qa_hours_before − qa_hours_after) × qa_effort_share × gated_swaps_per_year"
                f" × engineer_hour_cost_usd, gated_swaps_per_year = {per_year:.1f}",
                assumptions=(
                    "each gated swap would otherwise have needed one manual QA cycle",
                    "a QA cycle's elapsed hours are engineer effort at the qa_effort_share rate",
                ),
            )
        mean_before = sum(hours_before) / len(hours_before) if hours_before else None
        mean_after = sum(hours_after) / len(hours_after) if hours_after else None
        return ClaimDraft(
            slug=slugify("qa-cycle-time"),
            title="QA cycle time per model swap: manual review replaced by the CI gate",
            recipe=self.name,
            metric="QA cycle time per model swap",
            unit="h",
            direction=Direction.LOWER_IS_BETTER,
            comparison=Comparison.BEFORE_AFTER,
            result=result,
            baseline=mean_before,
            current=mean_after,
            value=value,
            dimensions=("mlops-operations", "software-engineering"),
            assumptions=(*(value.assumptions if value else ()), GATE_ASSUMPTION),
            evidence_ids=tuple(r.id for r in (*before, *after) if r.qa_hours is not None),
            details={"before_mean": mean_before, "after_mean": mean_after},
            inputs={"before": sorted(hours_before), "after": sorted(hours_after)},
        )


def _level_interval(x: int, n: int) -> dict[str, float | None]:
    """A rate's Wilson interval in percent: the after level's uncertainty, for KPIs."""
    r = wilson_interval(x, n)
    low = None if r.ci_low is None else r.ci_low * 100
    high = None if r.ci_high is None else r.ci_high * 100
    return {"low": low, "high": high, "level": r.ci_level}


def _bars(*arms: tuple[str, int, int]) -> list[dict[str, object]]:
    """Each arm's rate in percent with its Wilson interval, for the chart."""
    out = []
    for label, x, n in arms:
        r = wilson_interval(x, n)
        if r.estimate is not None and r.ci_low is not None and r.ci_high is not None:
            out.append(
                {
                    "label": label,
                    "value": 100 * r.estimate,
                    "low": 100 * r.ci_low,
                    "high": 100 * r.ci_high,
                }
            )
    return out


def _months(releases: list[Release]) -> float:
    """Span of the releases in months, at least one."""
    first, last = releases[0].released_at, releases[-1].released_at
    return max((last - first).days / DAYS_PER_MONTH, 1.0)
