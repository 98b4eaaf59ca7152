"""Flight recorder: how long incidents took to diagnose when a trace of the failing requests
was captured, against incidents without one.

The incident records say, per incident, whether a trace existed (incidents-csv ``traced``)
and when the cause was known (``diagnosed_at``). Times to diagnose are right-skewed (most
incidents are quick, a few take a day), so the comparison is of medians, with the
distribution-free order-statistic interval of each group combined into a conservative interval
of their difference; it says "improved" only when that whole interval is below zero. The
groups were not assigned at random: the claim says so, and reads "with traces", never "because
of traces".
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

from sqlalchemy import select

from perfpacket.claims.model import NO_CONTROL, ClaimDraft
from perfpacket.claims.phrasing import by_me, ref, work_of
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import person_records
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, quantile_diff_interval
from perfpacket.store.models import Claim, Incident, Release
from perfpacket.vocab import Comparison, ReleaseArtifact

ARTIFACT = ReleaseArtifact.TRACING  # a release of trace capture: the flight recorder shipped


def _recorders(ctx: RecipeContext) -> list[Release]:
    return [r for r in person_records(ctx, Release) if r.artifact == ARTIFACT]


def _diagnosed(ctx: RecipeContext) -> list[Incident]:
    """Incidents that record both whether a trace existed and when the cause was known."""
    stmt = select(Incident).order_by(Incident.opened_at, Incident.id)
    return [
        i for i in ctx.session.scalars(stmt) if i.traced is not None and i.diagnosed_at is not None
    ]


def minutes_to_diagnose(incident: Incident) -> float:
    assert incident.diagnosed_at is not None
    return round((incident.diagnosed_at - incident.opened_at).total_seconds() / 60, 6)


class FlightRecorderRecipe:
    name = "flight-recorder"
    title = "Flight recorder: time to diagnose with traces"
    dimensions: tuple[str, ...] = ("mlops-operations", "ai-system-design")
    needs: tuple[Need, ...] = (
        Need(
            f"trace-capture releases you made (artifact '{ARTIFACT}')",
            "perfpacket import releases-csv",
            1,
            lambda ctx: len(_recorders(ctx)),
        ),
        Need(
            "incidents with a trace captured, with diagnosed_at",
            "perfpacket import incidents-csv (columns traced, diagnosed_at)",
            1,
            lambda ctx: sum(1 for i in _diagnosed(ctx) if i.traced),
        ),
        Need(
            "incidents without a trace, with diagnosed_at",
            "perfpacket import incidents-csv (columns traced, diagnosed_at)",
            1,
            lambda ctx: sum(1 for i in _diagnosed(ctx) if not i.traced),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Two groups of incidents, told as what they are: not a before/after, not a cause."""
        work = by_me(claim, work_of(claim, "the flight recorder"))
        return (
            f"With {work}, incidents that had a trace took a median of {ref(claim, 'current')} "
            f"to diagnose, against {ref(claim, 'baseline')} for incidents without one: "
            f"a difference of {ref(claim)} ({ref(claim, 'verdict')})."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        recorders = _recorders(ctx)
        incidents = _diagnosed(ctx)
        if not recorders or not incidents:
            return []
        recorder = recorders[-1]
        traced = [minutes_to_diagnose(i) for i in incidents if i.traced]
        untraced = [minutes_to_diagnose(i) for i in incidents if not i.traced]
        result = quantile_diff_interval(
            traced, untraced, quantile=0.5, direction=Direction.LOWER_IS_BETTER
        )
        result = replace(
            result,
            method="difference of medians (with a trace − without), over every incident that "
            "records both; each group's distribution-free order-statistic interval at 97.5%, "
            "combined (Bonferroni) into a conservative 95% interval",
        )
        return [
            ClaimDraft(
                slug=slugify("time-to-diagnose-with-traces"),
                title=f"Median time to diagnose incidents with traces since {recorder.version}",
                recipe=self.name,
                metric="median time to diagnose",
                unit="min",
                direction=Direction.LOWER_IS_BETTER,
                comparison=Comparison.BEFORE_AFTER,
                result=result,
                baseline=median(untraced) if untraced else None,
                current=median(traced) if traced else None,
                dimensions=self.dimensions,
                assumptions=(
                    f"{NO_CONTROL}: which incidents had a trace was not chosen at random; "
                    "incidents with and without one are taken to be alike in everything else "
                    "that sets how long a diagnosis takes (severity, service, who responded)",
                    "time to diagnose: from opened_at to diagnosed_at (when the cause was "
                    "known), as the incident records give them",
                ),
                evidence_ids=(recorder.id, *(i.id for i in incidents)),
                # The incidents without a trace are the comparison group, not work done with
                # the recorder: who responded to them names no partner of it.
                context_ids=tuple(i.id for i in incidents if not i.traced),
                details={
                    "incidents_traced": len(traced),
                    "incidents_untraced": len(untraced),
                    "value_note": "diagnosis time is responders' time; it is compared, not priced",
                },
                inputs={"traced": sorted(traced), "untraced": sorted(untraced)},
            )
        ]
