"""Incidents of one kind before and after a change: the counterfactual a recipe states when
its work should have made such incidents rarer (stale-data, malformed-output, cross-team).

The team's incident records are the history: they cover from the first incident imported to
the last, and a change inside that span splits it in two. At the rate the kind of incident
happened before the change, some were expected after it; fewer happened. The claim is the
difference, with the score interval of the Poisson rate difference, and it says "improved"
only when that whole interval is above zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import DAYS_PER_MONTH, before_after_assumption
from perfpacket.slugs import slugify
from perfpacket.stats import Direction, averted_at_base_rate
from perfpacket.store.models import Claim, Incident
from perfpacket.vocab import Comparison, Verdict


class CauseTag(StrEnum):
    """A word in an incident's ``cause`` that names its kind (incidents-csv's ``cause`` column;
    several tags separated by spaces, commas or semicolons)."""

    STALE_DATA = "stale-data"
    MALFORMED_OUTPUT = "malformed-output"
    MIGRATION = "migration"


def tagged(tag: CauseTag) -> Callable[[Incident], bool]:
    def match(incident: Incident) -> bool:
        words = re.split(r"[\s,;|]+", (incident.cause or "").lower())
        return tag.value in words

    return match


def crosses_teams(incident: Incident) -> bool:
    """An incident whose cause crossed an ownership boundary: it names two or more teams."""
    return len({t.strip().lower() for t in incident.teams if t.strip()}) >= 2


def incident_span(ctx: RecipeContext) -> tuple[datetime, datetime] | None:
    """From the first incident imported to the last: the period the records cover."""
    first, last = ctx.session.execute(
        select(func.min(Incident.opened_at), func.max(Incident.opened_at))
    ).one()
    return (first, last) if first is not None and last is not None and first < last else None


def count_matching(match: Callable[[Incident], bool]) -> Callable[[RecipeContext], int]:
    def count(ctx: RecipeContext) -> int:
        return sum(1 for i in ctx.session.scalars(select(Incident)) if match(i))

    return count


def incidents_need(what: str, match: Callable[[Incident], bool]) -> Need:
    return Need(
        f"incidents {what}, before and after the change",
        "perfpacket import incidents-csv (cause, teams) or pagerduty",
        1,
        count_matching(match),
    )


def averted_sentence(claim: Claim, happened: str, work: str) -> str:
    """ "At the rate stale-data incidents happened before the cache change, N were expected
    after it and M happened: K averted (improved)." It says "averted" only when the interval
    supports it; otherwise it gives the difference and its verdict, and claims nothing."""
    said = (
        f"At the rate {happened} before {work}, {ref(claim, 'baseline')} were expected after "
        f"it and {ref(claim, 'current')} happened"
    )
    if claim.verdict is Verdict.IMPROVED:
        return f"{said}: {ref(claim)} averted ({ref(claim, 'verdict')})."
    return f"{said}: a difference of {ref(claim)} ({ref(claim, 'verdict')})."


def averted_incidents(
    ctx: RecipeContext,
    *,
    slug: str,
    title: str,
    recipe: str,
    dimensions: Sequence[str],
    what: str,
    match: Callable[[Incident], bool],
    change_at: datetime,
    change_ids: tuple[int, ...],
) -> ClaimDraft | None:
    """Incidents ``what`` averted after ``change_at`` at the rate they happened before it;
    None when the records hold no such incident or do not cover both sides of the change."""
    span = incident_span(ctx)
    if span is None or not span[0] < change_at < span[1]:
        return None
    incidents = [i for i in ctx.session.scalars(select(Incident)) if match(i)]
    if not incidents:
        return None
    before = [i for i in incidents if i.opened_at < change_at]
    after = [i for i in incidents if i.opened_at >= change_at]
    # Rounded as stored, so that `claims verify` recomputes the same numbers from the inputs.
    months_before = round((change_at - span[0]).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    months_after = round((span[1] - change_at).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    result = averted_at_base_rate(len(before), months_before, len(after), months_after)
    expected = len(before) / months_before * months_after
    return ClaimDraft(
        slug=slugify(slug),
        title=title,
        recipe=recipe,
        metric=f"{what} incidents averted",
        unit="incidents",
        direction=Direction.HIGHER_IS_BETTER,
        comparison=Comparison.COUNTERFACTUAL,
        result=result,
        baseline=expected,
        current=float(len(after)),
        dimensions=tuple(dimensions),
        assumptions=(
            f"base rate: {len(before)} {what} incidents in {months_before:.1f} months before "
            f"{change_at:%Y-%m-%d}; at that rate {expected:.1f} were expected in the "
            f"{months_after:.1f} months after it, and {len(after)} happened",
            f"the incident records cover {span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d} without gaps",
            before_after_assumption(change_at),
        ),
        evidence_ids=(*change_ids, *(i.id for i in incidents)),
        details={
            "incidents_before": len(before),
            "incidents_after": len(after),
            "months_before": months_before,
            "months_after": months_after,
            "value_note": "incidents of this kind carry no severity to price; they are counted",
        },
        inputs={
            "before": [len(before), months_before],
            "after": [len(after), months_after],
        },
    )
