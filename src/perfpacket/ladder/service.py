"""Reading a person's claims and evidence from the store as assessment facts."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from perfpacket.ladder.assess import MERGE_COMMIT, ClaimFact, RecordFact
from perfpacket.store.models import Change, Claim, ClaimEvidence, Evidence, Person
from perfpacket.vocab import Comparison


def gather(session: Session, person: Person) -> tuple[list[ClaimFact], list[RecordFact]]:
    # Each claim's evidence dates and kinds, read as columns: the records themselves are not
    # needed here, and loading them as objects (every kind's own table) cost more than the rest
    # of the page.
    dated: dict[int, list[datetime]] = defaultdict(list)
    kinds: dict[int, set[str]] = defaultdict(set)
    for claim_id, at, kind in session.execute(
        select(ClaimEvidence.claim_id, Evidence.occurred_at, Evidence.kind)
        .join(Evidence, Evidence.id == ClaimEvidence.evidence_id)
        .join(Claim, Claim.id == ClaimEvidence.claim_id)
        .where(Claim.person_id == person.id)
    ):
        dated[claim_id].append(at)
        kinds[claim_id].add(kind)
    claims = []
    for c in session.scalars(select(Claim).where(Claim.person_id == person.id)):
        claims.append(
            ClaimFact(
                slug=c.slug,
                recipe=c.recipe,
                verdict=c.verdict,
                metric=c.metric,
                dimensions=tuple(c.dimensions),
                estimate=c.estimate,
                current=c.current,
                value=float(c.value["amount"]) if c.value else None,
                estimate_interval=_pair(c.ci_low, c.ci_high),
                current_interval=_current_interval(c),
                partners=tuple(c.attribution.get("partners", [])),
                dates=tuple(sorted(dated[c.id])) or (c.computed_at,),
                unit=c.unit,
                is_level=c.comparison.is_level,
                kinds=tuple(sorted(kinds[c.id])),
            )
        )
    merges = set(
        session.scalars(
            select(Change.id).where(Change.person_id == person.id, Change.is_merge.is_(True))
        )
    )
    records = [
        RecordFact(i, MERGE_COMMIT if i in merges else kind, at)
        for i, kind, at in session.execute(
            select(Evidence.id, Evidence.kind, Evidence.occurred_at).where(
                Evidence.person_id == person.id
            )
        )
    ]
    return claims, records


def _pair(low: float | None, high: float | None) -> tuple[float, float] | None:
    return None if low is None or high is None else (float(low), float(high))


def _current_interval(claim: Claim) -> tuple[float, float] | None:
    """The after level's interval: the recipe's, or the estimate's where the claim is a level."""
    given = (claim.details or {}).get("current_interval") or {}
    if given.get("low") is not None and given.get("high") is not None:
        return float(given["low"]), float(given["high"])
    if claim.comparison is Comparison.TARGET:
        return _pair(claim.ci_low, claim.ci_high)
    return None
