"""Quality lift measured offline: the same eval items scored under two versions."""

from __future__ import annotations

from collections import Counter, defaultdict

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, metric, name, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, StatResult, paired_diff_interval, paired_proportion_diff
from perfpacket.store.models import Claim, EvalRun
from perfpacket.vocab import Comparison


class QualityLiftRecipe:
    name = "quality-lift"
    title = "Offline quality lift"
    dimensions: tuple[str, ...] = ("applied-ml-evaluation", "ai-system-design")
    needs: tuple[Need, ...] = (
        Need(
            "models or prompts evaluated on one eval suite with per-item results (the most "
            "on any suite)",
            "perfpacket import lm-eval with its samples file, inspect or promptfoo",
            2,
            lambda ctx: max(
                Counter(
                    suite
                    for suite, _system in {
                        (r.suite, _system(r)) for r in person_records(ctx, EvalRun) if r.items
                    }
                ).values(),
                default=0,
            ),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """An offline lift on fixed items: quality before it reaches users."""
        versions = claim.title.split(": ", 1)[1] if ": " in claim.title else ""
        old, _, new = versions.partition(" → ")
        change = f"the change from {name(old)} to {name(new)}" if new else "the new version"
        return (
            f"On the same evaluation items, {by_me(claim, change)} moved "
            f"the {metric(claim)} from {ref(claim, 'baseline')} to {ref(claim, 'current')}, a "
            f"change of {ref(claim)}: the quality users get before any A/B test."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        by_suite: dict[str, list[EvalRun]] = defaultdict(list)
        for run in person_records(ctx, EvalRun):
            if run.items:
                by_suite[run.suite].append(run)
        claims = []
        for suite, runs in by_suite.items():
            if len(runs) < 2:
                continue
            # The first and the latest run of a suite: what the work changed overall. The
            # same model and prompt at both ends is a health check, not a change to compare.
            base, new = runs[0], runs[-1]
            if _system(base) == _system(new):
                continue
            assert base.items is not None and new.items is not None
            shared = sorted(set(base.items) & set(new.items))
            before = [base.items[k] for k in shared]
            after = [new.items[k] for k in shared]
            result = _paired(before, after)
            metric = str(new.metrics.get("primary_metric", "score"))
            claims.append(
                ClaimDraft(
                    slug=slugify(suite, "lift"),
                    title=f"{metric} on {suite}: {base.model} → {new.model}",
                    recipe=self.name,
                    metric=metric,
                    unit="points",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.PAIRED,
                    result=result,
                    scale=100.0,
                    baseline=100 * sum(before) / len(before) if before else None,
                    current=100 * sum(after) / len(after) if after else None,
                    dimensions=self.dimensions,
                    assumptions=("the eval items represent production queries",),
                    evidence_ids=(base.id, new.id),
                    details={
                        "items": len(shared),
                        "from": base.model,
                        "to": new.model,
                        "value_note": "an offline metric: its business effect is read in an A/B "
                        "test, not converted here",
                    },
                    inputs={"before": before, "after": after},
                )
            )
        return claims


def _system(run: EvalRun) -> tuple[str | None, str | None]:
    """What an eval run evaluated: its model and prompt version."""
    return run.model, run.prompt_version


def _paired(before: list[float], after: list[float]) -> StatResult:
    """Pass/fail items: paired proportions with McNemar; graded items: paired t interval."""
    if all(v in (0.0, 1.0) for v in (*before, *after)):
        pairs = list(zip(before, after, strict=True))
        return paired_proportion_diff(
            both=sum(1 for b, a in pairs if b and a),
            after_only=sum(1 for b, a in pairs if a and not b),
            before_only=sum(1 for b, a in pairs if b and not a),
            neither=sum(1 for b, a in pairs if not b and not a),
        )
    return paired_diff_interval(after, before, direction=Direction.HIGHER_IS_BETTER)
