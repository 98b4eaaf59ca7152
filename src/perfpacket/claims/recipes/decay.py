"""Decay prevention: a feature's pass-rate trend before and after the sustain work."""

from __future__ import annotations

from collections import Counter, defaultdict

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, ref, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.claims.value import priced
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, change_points, segmented_regression
from perfpacket.store.models import Claim, EvalRun, Release
from perfpacket.vocab import Comparison, Outcome, ReleaseArtifact

WEEK_SECONDS = 7 * 24 * 3600
MIN_RUNS = 12


class DecayPreventionRecipe:
    name = "decay-prevention"
    title = "Decay prevention"
    dimensions: tuple[str, ...] = ("applied-ml-evaluation", "mlops-operations")
    needs: tuple[Need, ...] = (
        Need(
            "sustain releases (artifact 'sustain') marking the upkeep work",
            "perfpacket import releases-csv",
            1,
            lambda ctx: sum(
                r.artifact == ReleaseArtifact.SUSTAIN for r in person_records(ctx, Release)
            ),
        ),
        Need(
            "runs of one eval suite with pass counts (the longest series)",
            "perfpacket import lm-eval, inspect, promptfoo or mlflow",
            MIN_RUNS,
            lambda ctx: max(
                Counter(
                    r.suite for r in person_records(ctx, EvalRun) if r.passed is not None and r.n
                ).values(),
                default=0,
            ),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Sustaining what shipped: a decay with no incident to show for it, stopped."""
        work = by_me(claim, work_of(claim, "the drift fixes"))
        return (
            f"Before {work}, the {metric(claim)} was trending at {ref(claim, 'baseline')} with "
            f"no incident to show for it; after them the trend changed by {ref(claim)}"
            + (f", preserving {ref(claim, 'value')} against the drift" if claim.value else "")
            + "."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        sustain = [r for r in person_records(ctx, Release) if r.artifact == ReleaseArtifact.SUSTAIN]
        if not sustain:
            return []
        series: dict[str, list[EvalRun]] = defaultdict(list)
        for run in person_records(ctx, EvalRun):
            if run.passed is not None and run.n:
                series[run.suite].append(run)
        claims = []
        for work in sustain:
            for suite, runs in series.items():
                before = [r for r in runs if r.run_at < work.released_at]
                after = [r for r in runs if r.run_at >= work.released_at]
                if len(runs) < MIN_RUNS or len(before) < 4 or len(after) < 4:
                    continue
                start = runs[0].run_at
                weeks = [(r.run_at - start).total_seconds() / WEEK_SECONDS for r in runs]
                rates = [100 * (r.passed or 0) / r.n for r in runs]
                brk = (work.released_at - start).total_seconds() / WEEK_SECONDS
                fit = segmented_regression(rates, weeks, brk)
                # The fitted gap at the last week between the trend after the work and the old
                # trend carried on: the counterfactual the segmented model itself implies.
                since = weeks[-1] - brk
                gap = fit.gap(since)
                preserved = None
                if gap.estimate is not None:
                    # Points preserved carry the joint uncertainty of the level and slope change.
                    preserved = priced(
                        lambda points, _k: points,
                        gap.estimate,
                        gap.ci_low,
                        gap.ci_high,
                        gap.ci_level,
                        (),
                        unit="pass-rate points",
                        period="at period end",
                        text="level_change + slope_change × weeks_since_break "
                        "(interval from their joint HAC covariance)",
                        outcome=Outcome.PREVENTED,
                        assumptions=(
                            "without the sustain work the pre-existing trend would have continued",
                        ),
                    )
                claims.append(
                    ClaimDraft(
                        slug=slugify(suite, "decay"),
                        title=f"Pass-rate trend of {suite} after {work.version}",
                        recipe=self.name,
                        metric="weekly pass-rate trend",
                        unit="points/week",
                        direction=Direction.HIGHER_IS_BETTER,
                        comparison=Comparison.TREND,
                        result=fit.slope_change,
                        baseline=fit.slope_before,
                        current=fit.slope_after,
                        value=preserved,
                        dimensions=self.dimensions,
                        assumptions=(
                            "without the sustain work the pre-existing trend would have continued",
                        ),
                        evidence_ids=(work.id, *(r.id for r in runs)),
                        details={
                            "runs": len(runs),
                            "level_change": fit.level_change.estimate,
                            "first_rate": rates[0],
                            "rate_at_break": rates[len(before) - 1],
                            "last_rate": rates[-1],
                            "weeks_since_break": since,
                            # Where the series itself shifted (PELT), for the chart.
                            "change_points": [
                                round(weeks[i], 3) for i in change_points(rates).indices
                            ],
                            "series": [
                                [round(w, 3), round(r, 3)]
                                for w, r in zip(weeks, rates, strict=True)
                            ],
                            "break": brk,
                        },
                        inputs={"weeks": weeks, "rates": rates, "break": brk},
                    )
                )
        return claims
