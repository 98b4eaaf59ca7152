"""Model and feature deprecations: traffic moved off what was deprecated, the quality held on
what replaced it, and the incidents the migration caused.

A deprecation is a release of yours with artifact ``deprecation``: ``previous_version`` names
what is deprecated (a model, a deployment, a feature flag as the gateway logs it) and
``version`` what replaces it; ``released_at`` is when the migration started.

- Traffic migrated: the share of requests the deprecated model served in the 30 days before the
  migration started and in the last 30 days of the telemetry, with Newcombe's interval for the
  difference (a before/after with no control: it says "after").
- Quality held: the latest eval run of the replacement against the latest of the deprecated
  model on the same suite, the difference of pass rates with Newcombe's interval, judged against
  a non-inferiority margin: "meets target" when the whole interval is above −margin, which is
  what "held" means; a drop the interval cannot rule out is not called held.
- Incidents during the migration: incidents tagged ``migration`` opened from the start to the
  last request the deprecated model served (or the last incident, without telemetry), counted
  with the exact Poisson interval; a count, with no verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, name, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._incidents import CauseTag, incidents_need, tagged
from perfpacket.claims.recipes._query import (
    before_after_assumption,
    pass_count,
    person_records,
    telemetry_slug,
)
from perfpacket.slugs import slugify
from perfpacket.stats import (
    Direction,
    judged_against,
    newcombe_diff_interval,
    poisson_rate_interval,
)
from perfpacket.store.models import Claim, EvalRun, Incident, Release, TelemetrySource
from perfpacket.telemetry.metrics import has_column, model_last_seen, model_share
from perfpacket.vocab import Comparison, ReleaseArtifact

ARTIFACT = ReleaseArtifact.DEPRECATION
WINDOW = timedelta(days=30)


def deprecations(ctx: RecipeContext) -> list[Release]:
    return [
        r
        for r in person_records(ctx, Release)
        if r.artifact == ARTIFACT and r.previous_version and r.version
    ]


def _latest_run(runs: Sequence[EvalRun], model: str) -> dict[str, EvalRun]:
    """The latest run of ``model`` on each suite."""
    found: dict[str, EvalRun] = {}
    for run in runs:  # oldest first
        if run.model == model and pass_count(run) is not None and run.n > 0:
            found[run.suite] = run
    return found


class DeprecationRecipe:
    name = "deprecation"
    title = "Deprecations: traffic migrated, quality held"
    dimensions: tuple[str, ...] = ("mlops-operations", "ai-system-design")
    needs: tuple[Need, ...] = (
        Need(
            f"deprecations you led (releases with artifact '{ARTIFACT}': previous_version the "
            "deprecated model or feature, version its replacement)",
            "perfpacket import releases-csv",
            1,
            lambda ctx: len(deprecations(ctx)),
        ),
        Need(
            "telemetry sources with a 'model' column",
            "perfpacket import telemetry FILE (--map model=COLUMN)",
            1,
            lambda ctx: sum(1 for s in ctx.telemetry if has_column(s, "model")),
        ),
        Need(
            "eval runs of the deprecated model and of its replacement on one suite",
            "perfpacket import lm-eval, inspect, promptfoo or mlflow",
            1,
            lambda ctx: sum(
                1
                for d in deprecations(ctx)
                if set(_latest_run(person_records(ctx, EvalRun), d.previous_version or ""))
                & set(_latest_run(person_records(ctx, EvalRun), d.version))
            ),
        ),
        incidents_need(f"with cause '{CauseTag.MIGRATION}'", tagged(CauseTag.MIGRATION)),
    )

    def describe(self, claim: Claim) -> str:
        """Traffic as a before/after, quality against its margin, incidents as a count."""
        details = claim.details or {}
        old = name(str(details.get("deprecated", "the deprecated model")))
        new = name(str(details.get("replacement", "its replacement")))
        work = by_me(claim, f"the migration off {old}")
        if claim.comparison is Comparison.TARGET:
            return (
                f"On the same eval suite, {new}'s pass rate less {old}'s is {ref(claim)}, "
                f"against the {ref(claim, 'baseline')} a replacement may lose: "
                f"{ref(claim, 'verdict')}."
            )
        if claim.comparison is Comparison.COUNT:
            return f"During {work}, {ref(claim)} were tagged as caused by it."
        return (
            f"After {work} started, the share of requests {old} served went from "
            f"{ref(claim, 'baseline')} to {ref(claim, 'current')}, a change of {ref(claim)}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims: list[ClaimDraft] = []
        runs = person_records(ctx, EvalRun)
        for dep in deprecations(ctx):
            old, new = str(dep.previous_version), dep.version
            ends = []
            for source in ctx.telemetry:
                if has_column(source, "model"):
                    claim, end = self._traffic(ctx, source, dep, old, new)
                    claims += [claim] if claim else []
                    ends += [end] if end else []
            claims += self._quality(ctx, runs, dep, old, new)
            counted = self._incidents(ctx, dep, old, new, max(ends) if ends else None)
            claims += [counted] if counted else []
        return claims

    def _traffic(
        self, ctx: RecipeContext, source: TelemetrySource, dep: Release, old: str, new: str
    ) -> tuple[ClaimDraft | None, datetime | None]:
        start = dep.released_at
        last_old, last = model_last_seen(source, old)
        if last is None or last <= start:
            return None, None
        before, now = model_share(source, old, [(start - WINDOW, start), (last - WINDOW, None)])
        lower = Direction.LOWER_IS_BETTER
        result = newcombe_diff_interval(
            now.matched, now.total, before.matched, before.total, direction=lower
        )
        claim = ClaimDraft(
            slug=telemetry_slug(ctx, f"{old}-traffic-migrated", source),
            title=f"Traffic on {old} after its deprecation for {new}",
            recipe=self.name,
            metric=f"share of requests served by {old}",
            unit="pp",
            direction=Direction.LOWER_IS_BETTER,
            comparison=Comparison.BEFORE_AFTER,
            result=result,
            scale=100.0,
            baseline=100 * before.matched / before.total if before.total else None,
            current=100 * now.matched / now.total if now.total else None,
            dimensions=self.dimensions,
            assumptions=(
                before_after_assumption(start),
                f"before: the {WINDOW.days} days before {start:%Y-%m-%d}; now: the last "
                f"{WINDOW.days} days of the telemetry, to {last:%Y-%m-%d}; requests that name "
                "no model are not counted",
            ),
            evidence_ids=(dep.id,),
            details={
                "deprecated": old,
                "replacement": new,
                "telemetry": source.name,
                "last_request_on_deprecated": last_old.isoformat() if last_old else None,
                "value_note": "a deprecation avoids a forced migration later; it is not priced",
            },
            inputs={
                "telemetry_sha256": source.sha256,
                "before": [before.matched, before.total],
                "now": [now.matched, now.total],
            },
        )
        return claim, last_old or start

    def _quality(
        self, ctx: RecipeContext, runs: Sequence[EvalRun], dep: Release, old: str, new: str
    ) -> list[ClaimDraft]:
        margin = ctx.value_model["replacement_quality_margin"]
        olds, news = _latest_run(runs, old), _latest_run(runs, new)
        claims = []
        for suite in sorted(set(olds) & set(news)):
            a, b = news[suite], olds[suite]
            xa, xb = pass_count(a), pass_count(b)
            assert xa is not None and xb is not None
            raw = newcombe_diff_interval(xa, a.n, xb, b.n)
            result = judged_against(
                raw,
                -margin.value,
                Direction.HIGHER_IS_BETTER,
                f"a non-inferiority margin of {margin.value * 100:g} points",
            )
            claims.append(
                ClaimDraft(
                    slug=slugify(old, "replacement-quality", suite),
                    title=f"Pass rate of {new} against {old} on {suite}",
                    recipe=self.name,
                    metric=f"pass rate of the replacement less the deprecated model's on {suite}",
                    unit="pp gap",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.TARGET,
                    result=result,
                    scale=100.0,
                    baseline=-100 * margin.value,
                    current=100 * (xa / a.n - xb / b.n),
                    dimensions=self.dimensions,
                    assumptions=(
                        f"non-inferiority margin: {margin.source}",
                        "the eval suite stands for the traffic that migrated; the two runs are "
                        "treated as independent samples (conservative when they share items)",
                    ),
                    evidence_ids=(dep.id, a.id, b.id),
                    details={
                        "deprecated": old,
                        "replacement": new,
                        "pass_rate_deprecated": xb / b.n,
                        "pass_rate_replacement": xa / a.n,
                        "value_note": "quality held is a guardrail, not a gain to price",
                    },
                    inputs={"replacement": [xa, a.n], "deprecated": [xb, b.n]},
                )
            )
        return claims

    def _incidents(
        self, ctx: RecipeContext, dep: Release, old: str, new: str, end: datetime | None
    ) -> ClaimDraft | None:
        match = tagged(CauseTag.MIGRATION)
        stmt = select(Incident).order_by(Incident.opened_at)
        incidents = list(ctx.session.scalars(stmt))
        if end is None:
            end = max((i.opened_at for i in incidents), default=None)
        if end is None or end <= dep.released_at:
            return None
        during = [i for i in incidents if match(i) and dep.released_at <= i.opened_at <= end]
        result = poisson_rate_interval(len(during), 1.0)
        return ClaimDraft(
            slug=slugify(old, "migration-incidents"),
            title=f"Incidents during the migration off {old}",
            recipe=self.name,
            metric="incidents tagged migration",
            unit="incidents",
            direction=Direction.LOWER_IS_BETTER,
            comparison=Comparison.COUNT,
            result=result,
            baseline=None,
            current=float(len(during)),
            dimensions=self.dimensions,
            assumptions=(
                f"the migration ran from {dep.released_at:%Y-%m-%d} to {end:%Y-%m-%d} (the last "
                f"request {old} served, else the last incident on record)",
                f"an incident the migration caused has '{CauseTag.MIGRATION}' in its cause",
            ),
            evidence_ids=(dep.id, *(i.id for i in during)),
            details={
                "deprecated": old,
                "replacement": new,
                "value_note": "incidents are counted, not priced",
            },
            inputs={"incidents": len(during), "from": dep.released_at.isoformat()},
        )
