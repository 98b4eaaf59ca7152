"""Reading a person's claims and evidence from the store as assessment facts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.ladder.assess import ClaimFact, RecordFact
from perfpacket.store.models import Claim, Evidence, Person


def gather(session: Session, person: Person) -> tuple[list[ClaimFact], list[RecordFact]]:
    claims = []
    stmt = select(Claim).where(Claim.person_id == person.id).options(selectinload(Claim.evidence))
    for c in session.scalars(stmt):
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
                partners=tuple(c.attribution.get("partners", [])),
                dates=tuple(sorted(e.occurred_at for e in c.evidence)) or (c.computed_at,),
            )
        )
    records = [
        RecordFact(i, kind, at)
        for i, kind, at in session.execute(
            select(Evidence.id, Evidence.kind, Evidence.occurred_at).where(
                Evidence.person_id == person.id
            )
        )
    ]
    return claims, records
