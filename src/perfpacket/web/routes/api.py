"""The JSON API, described at /api/openapi.json. Errors are JSON: ``{"error", "hint"}``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.ladder import DEFAULT_LADDER
from perfpacket.store.models import Packet
from perfpacket.store.team import DEFAULT_QUORUM, MAX_QUORUM, Cohort, Cycle
from perfpacket.team import audit, cycles, packets
from perfpacket.team.audit import AuditFilter
from perfpacket.vocab import CandidacyState
from perfpacket.web.authz import (
    MAX_ID,
    Access,
    Relation,
    authorize,
    readable_packets,
    shown_packet,
)
from perfpacket.web.routes.admin import audit_filter
from perfpacket.web.transaction import CommitBeforeRespond, db_session

router = APIRouter(
    route_class=CommitBeforeRespond, prefix="/api", dependencies=[Depends(authorize)], tags=["api"]
)


class PacketIn(BaseModel):
    title: str
    markdown: str


class PacketSummary(BaseModel):
    id: int
    title: str
    version: int
    relation: str
    updated_at: datetime


class PacketOut(PacketSummary):
    markdown: str
    front_matter: dict[str, Any]
    frozen: bool


class Created(BaseModel):
    id: int


class SubmitIn(BaseModel):
    cohort_id: int = Field(ge=1, le=MAX_ID)


class CandidacyOut(BaseModel):
    id: int
    state: CandidacyState
    version: int


class CohortIn(BaseModel):
    name: str
    members: list[str] = Field(default_factory=list, description="committee members' emails")
    blind: bool = False


class CycleIn(BaseModel):
    name: str
    ladder: str = DEFAULT_LADDER
    role: str | None = None
    cohorts: list[CohortIn]
    quorum: int = Field(DEFAULT_QUORUM, ge=1, le=MAX_QUORUM)


class StepIn(BaseModel):
    step: str = Field(description="start_calibration or release")


class RatingIn(BaseModel):
    rating: str = Field(description="not_yet, meets, exceeds or next_level")
    reason: str


class DecisionIn(BaseModel):
    decision: str = Field(description="promote, not_yet or defer")
    reason: str


def _packet_out(db: Session, packet: Packet, relation: Relation) -> PacketOut:
    shown = shown_packet(db, packet, relation)
    return PacketOut(
        id=packet.id,
        title=shown.title,
        version=shown.version,
        relation=str(relation),
        updated_at=shown.submitted.created_at if shown.submitted else packet.updated_at,
        markdown=shown.markdown,
        front_matter=shown.front_matter,
        frozen=shown.frozen,
    )


@router.get("/packets")
def api_packets(
    access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> list[PacketSummary]:
    """Packets you may read: your own, your reports', and those before your cohorts."""
    assert access.user is not None
    out = []
    for p, rel in readable_packets(db, access.user):
        try:
            shown = shown_packet(db, p, rel)  # a committee member lists the submitted title
        except HTTPException:
            continue  # no version before this reader's cohort: nothing of it to list
        updated = shown.submitted.created_at if shown.submitted else p.updated_at
        out.append(
            PacketSummary(
                id=p.id,
                title=shown.title,
                version=shown.version,
                relation=str(rel),
                updated_at=updated,
            )
        )
    return out


@router.post("/packets", status_code=201)
def api_packet_create(
    body: PacketIn, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> Created:
    assert access.user is not None
    return Created(id=packets.create_packet(db, access.user, body.title, body.markdown).id)


@router.get("/packets/{packet_id}")
def api_packet(
    packet_id: int, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> PacketOut:
    return _packet_out(db, access.resource, access.relation)


@router.put("/packets/{packet_id}")
def api_packet_update(
    packet_id: int,
    body: PacketIn,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> PacketOut:
    packet = packets.update_packet(db, access.resource, body.title, body.markdown)
    return _packet_out(db, packet, access.relation)


@router.post("/packets/{packet_id}/submit")
def api_packet_submit(
    packet_id: int,
    body: SubmitIn,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> CandidacyOut:
    assert access.user is not None
    c = packets.submit_packet(
        db, access.resource, access.user, cycles.find_cohort(db, body.cohort_id)
    )
    assert c.version is not None
    return CandidacyOut(id=c.id, state=c.state, version=c.version.number)


@router.get("/audit")
def api_audit(
    where: AuditFilter = Depends(audit_filter),
    before: int | None = Query(None, ge=1, le=MAX_ID),
    db: Session = Depends(db_session),
) -> dict[str, Any]:
    """The audit log as JSON: a page of events, newest first, each subject named, with the id
    to pass as ``before`` for the next page (null on the last)."""
    found, older = audit.page(db, where, before)
    return {"events": audit.rows(db, found), "next_before": older}


@router.get("/cycles")
def api_cycles(db: Session = Depends(db_session)) -> list[dict[str, Any]]:
    """Cycles and their cohorts (names only: who sits where is not listed)."""
    rows = db.scalars(select(Cycle).options(selectinload(Cycle.cohorts)).order_by(Cycle.id))
    return [
        {
            "id": c.id,
            "name": c.name,
            "ladder": c.ladder,
            "role": c.role,
            "cohorts": [{"id": k.id, "name": k.name, "blind": k.blind} for k in c.cohorts],
        }
        for c in rows
    ]


@router.post("/cycles", status_code=201)
def api_cycle_create(body: CycleIn, db: Session = Depends(db_session)) -> Created:
    cycle = cycles.create_cycle(
        db,
        body.name,
        [c.model_dump() for c in body.cohorts],
        body.ladder,
        body.role,
        body.quorum,
    )
    return Created(id=cycle.id)


@router.post("/cohorts/{cohort_id}/step")
def api_cohort_step(
    cohort_id: int,
    body: StepIn,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> dict[str, int]:
    assert access.user is not None
    return {"moved": cycles.advance_cohort(db, access.resource, body.step, access.user)}


@router.get("/calibration/{cohort_id}")
def api_calibration(
    request: Request,
    cohort_id: int,
    blind: bool = False,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> dict[str, Any]:
    cohort: Cohort = access.resource
    view: dict[str, Any] = request.app.state.calibration_cache.view(db, cohort, blind)
    return view


@router.post("/candidacies/{candidacy_id}/withdraw")
def api_withdraw(
    candidacy_id: int, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> CandidacyOut:
    """The candidate takes a submitted packet back before calibration starts."""
    assert access.user is not None
    c = packets.withdraw(db, access.resource, access.user)
    return CandidacyOut(id=c.id, state=c.state, version=c.version.number if c.version else 0)


@router.post("/candidacies/{candidacy_id}/rating")
def api_rating(
    candidacy_id: int,
    body: RatingIn,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> dict[str, str]:
    assert access.user is not None
    r = cycles.rate(
        db,
        access.resource,
        access.user,
        "committee",
        body.rating,
        body.reason,
        str(access.relation),
    )
    return {"rating": r.rating}


@router.post("/candidacies/{candidacy_id}/decision")
def api_decision(
    candidacy_id: int,
    body: DecisionIn,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> dict[str, str]:
    assert access.user is not None
    c = cycles.decide(
        db, access.resource, access.user, body.decision, body.reason, str(access.relation)
    )
    return {"state": c.state}
