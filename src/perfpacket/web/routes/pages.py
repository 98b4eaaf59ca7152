"""Pages: home, my packet (editor with live lint and preview), evidence and claims, candidacies
(manager review, committee rating and decision) and the calibration view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import ConflictError, InputError, PerfpacketError
from perfpacket.evidence.query import load_kind_fields
from perfpacket.packet.context import RenderContext, evidence_label
from perfpacket.packet.format import format_claim, format_interval
from perfpacket.packet.render import render_packet_html
from perfpacket.snapshot import SOURCE_NAME, PacketSnapshot, claims_from_rows, render_snapshot
from perfpacket.store.models import Evidence, Packet
from perfpacket.store.team import (
    DECISIONS,
    Candidacy,
    Cohort,
    CohortMember,
    PacketVersion,
    User,
)
from perfpacket.team import cycles, packets
from perfpacket.team.calibration import (
    MAX_COMPARED,
    MIN_COMPARED,
    RATING_CHOICES,
    CalibrationSort,
    Saved,
    my_ratings,
    own_candidacies,
)
from perfpacket.team.ninebox import Cell, grid
from perfpacket.vocab import CandidacyState
from perfpacket.web.authz import (
    MANAGER,
    MAX_ID,
    Access,
    authorize,
    committee_cohort,
    committee_copy,
    shown_packet,
)
from perfpacket.web.pages import ENV, distribution_chart, render
from perfpacket.web.transaction import CommitBeforeRespond, db_session

router = APIRouter(
    route_class=CommitBeforeRespond, dependencies=[Depends(authorize)], include_in_schema=False
)

NEW_PACKET = """---
person: {name}
target_level: Staff
---

# Summary

# Goals

# Impact

# Trade-offs

# Operational cost

# Feedback

# Vision
"""
EVIDENCE_SHOWN = 200


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> Response:
    user = access.user
    assert user is not None
    mine = db.scalars(select(Packet).where(Packet.person_id == user.person_id).order_by(Packet.id))
    candidacies = db.scalars(
        select(Candidacy).where(Candidacy.user_id == user.id).order_by(Candidacy.id)
    )
    reports = db.scalars(
        select(Candidacy)
        .join(User, User.id == Candidacy.user_id)
        .where(User.manager_id == user.id)
        .options(selectinload(Candidacy.user))
        .order_by(Candidacy.id)
    )
    cohorts = db.scalars(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
        .order_by(Cohort.id)
    )
    return render(
        request,
        "home.html",
        {
            "packets": list(mine),
            "candidacies": list(candidacies),
            "reports": list(reports),
            "cohorts": list(cohorts),
        },
    )


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(
    request: Request,
    kind: str = "",
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    user = access.user
    assert user is not None
    claims = packets.person_claims(db, user.person_id)
    stmt = select(Evidence).where(Evidence.person_id == user.person_id)
    kinds = sorted(
        set(db.scalars(select(Evidence.kind).where(Evidence.person_id == user.person_id)))
    )
    if kind:
        stmt = stmt.where(Evidence.kind == kind)
    records = list(db.scalars(stmt.order_by(Evidence.occurred_at.desc()).limit(EVIDENCE_SHOWN)))
    load_kind_fields(db, records)
    return render(
        request,
        "evidence.html",
        {
            "claims": [
                {"claim": c, "estimate": format_claim(c), "interval": format_interval(c)}
                for c in sorted(claims, key=lambda c: c.slug)
            ],
            "records": [{"record": r, "label": evidence_label(r)} for r in records],
            "kinds": kinds,
            "kind": kind,
            "shown": EVIDENCE_SHOWN,
        },
    )


@router.post("/packets")
def packet_create(
    title: str = Form(...),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    user = access.user
    assert user is not None
    packet = packets.create_packet(db, user, title, NEW_PACKET.format(name=user.name))
    return _see_other(f"/packets/{packet.id}/edit")


def _full_packet(db: Session, packet: Packet) -> str:
    """The packet as its owner previews it: the same snapshot a submission would freeze."""
    return packets.packet_snapshot(db, packet).html


@router.get("/packets/{packet_id}", response_class=HTMLResponse)
def packet_page(
    packet_id: int, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> Response:
    shown = shown_packet(db, access.resource, access.relation)
    if shown.submitted is not None:  # a committee member: the version before their cohort
        return HTMLResponse(_frozen_packet(shown.submitted, shown.markdown, shown.title))
    return HTMLResponse(_full_packet(db, access.resource))


def _cohorts(db: Session) -> list[Cohort]:
    """Cohorts to submit to (resubmission is refused once a candidacy is in calibration)."""
    return list(db.scalars(select(Cohort).options(selectinload(Cohort.cycle)).order_by(Cohort.id)))


def _editor(
    request: Request,
    db: Session,
    packet: Packet,
    submit_error: str | None = None,
    status: int = 200,
    cohort_id: int | None = None,
) -> Response:
    shown = packets.preview(db, packet.person_id, packet.markdown)
    blank = packets.is_blank(packet.markdown)
    model = getattr(request.app.state, "draft_model", None)
    return render(
        request,
        "packet_edit.html",
        {
            "packet": packet,
            "preview": shown,
            "frozen": packets.is_frozen(db, packet),
            "cohorts": _cohorts(db),
            "saved": request.query_params.get("saved"),
            "drafted": request.query_params.get("drafted"),
            "blank": blank,
            "draft_model": packets.draft_model_notice(model) if blank and model else None,
            "submit_error": submit_error,
            "chosen_cohort": cohort_id,
        },
        status,
    )


@router.get("/packets/{packet_id}/edit", response_class=HTMLResponse)
def packet_edit(
    request: Request,
    packet_id: int,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    return _editor(request, db, access.resource)


@router.post("/packets/{packet_id}")
def packet_save(
    packet_id: int,
    title: str = Form(...),
    markdown: str = Form(...),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    packets.update_packet(db, access.resource, title, markdown.replace("\r\n", "\n"))
    return _see_other(f"/packets/{packet_id}/edit?saved=1")


@router.post("/review-hints", response_class=HTMLResponse)
def review_hints(request: Request, text: str = Form("", max_length=20_000)) -> Response:
    """Bias-language hints for what someone is writing about another person (the review,
    rating and decision reasons), as they type: hints, never a block."""
    from perfpacket.lint.engine import lint_review

    found = lint_review(text.replace("\r\n", "\n") + "\n", "reason").diagnostics
    return render(request, "_review_hints.html", {"hints": found})


@router.post("/packets/{packet_id}/draft")
def packet_draft(
    request: Request,
    packet_id: int,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """Fill an empty packet from the owner's evidence: every number a claim reference."""
    assert access.user is not None
    model = getattr(request.app.state, "draft_model", None)
    packets.draft_packet(db, access.resource, access.user, model)
    return _see_other(f"/packets/{packet_id}/edit?drafted=1")


@router.post("/packets/{packet_id}/preview", response_class=HTMLResponse)
def packet_preview(
    request: Request,
    packet_id: int,
    markdown: str = Form(""),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    shown = packets.preview(db, access.resource.person_id, markdown.replace("\r\n", "\n"))
    return render(request, "_preview.html", {"preview": shown})


@router.post("/packets/{packet_id}/submit")
def packet_submit(
    request: Request,
    packet_id: int,
    cohort_id: int = Form(..., ge=1, le=MAX_ID),
    title: str | None = Form(None),
    markdown: str | None = Form(None),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """Submit what is on screen: the editor sends its title and text with the submission, and
    unsaved text is saved first. A packet that cannot be submitted comes back to the editor
    with the reason (422), its text saved and nothing submitted."""
    packet: Packet = access.resource
    assert access.user is not None
    if markdown is not None:
        text = markdown.replace("\r\n", "\n")
        if text != packet.markdown or (title is not None and title.strip() != packet.title):
            packets.update_packet(db, packet, title if title is not None else packet.title, text)
    cohort = cycles.find_cohort(db, cohort_id)
    try:
        with db.begin_nested():  # a refused submission leaves no trace but the save
            candidacy = packets.submit_packet(db, packet, access.user, cohort)
    except PerfpacketError as exc:
        if markdown is None:  # not from the editor (a script): the plain error answer
            raise
        reason = exc.message + (f" ({exc.hint})" if exc.hint else "")
        status = 409 if isinstance(exc, ConflictError) else 422
        return _editor(request, db, packet, reason, status, cohort_id)
    return _see_other(f"/candidacies/{candidacy.id}")


def _candidacy_context(db: Session, access: Access) -> dict[str, Any]:
    c: Candidacy = access.resource
    relation = access.relation
    committee = relation.committee
    user = access.user
    assert user is not None and c.version is not None
    shown_ratings = [
        r
        for r in c.ratings
        if committee or (relation == MANAGER and r.kind == "manager" and r.rater_id == user.id)
    ]
    decision_visible = (
        committee
        or c.state is CandidacyState.RELEASED
        or (relation == MANAGER and c.state in {CandidacyState.DECIDED, CandidacyState.RELEASED})
    )
    blind = committee and c.cohort.blind
    return {
        "frozen": _frozen_note(db, c),
        "c": c,
        "relation": relation,
        "manager": relation == MANAGER,
        "committee": committee,
        "name": None if blind else c.user.name,
        "summary": c.version.summary,
        "ratings": shown_ratings,
        "decision_visible": decision_visible,
        "my_review": next(
            (r for r in c.ratings if r.rater_id == user.id and r.kind == "manager"), None
        ),
        "my_rating": next(
            (r for r in c.ratings if r.rater_id == user.id and r.kind == "committee"), None
        ),
    }


def _frozen_note(db: Session, c: Candidacy) -> dict[str, Any] | None:
    """How old the submitted snapshot is, and which of its claims the store now holds
    differently (what `claims verify` would show has moved since submission)."""
    if c.version is None or not c.version.snapshot:
        return None
    snapshot = PacketSnapshot.from_json(c.version.snapshot)
    age = datetime.now(UTC) - snapshot.taken_at
    changed = snapshot.changed_claims(packets.person_claims(db, c.user.person_id))
    return {"taken": snapshot.taken_at, "days": age.days, "changed": changed}


@router.get("/candidacies/{candidacy_id}", response_class=HTMLResponse)
def candidacy_page(
    request: Request,
    candidacy_id: int,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    return render(request, "candidacy.html", _candidacy_context(db, access))


@router.get("/candidacies/{candidacy_id}/packet", response_class=HTMLResponse)
def candidacy_packet(candidacy_id: int, access: Access = Depends(authorize)) -> Response:
    candidacy: Candidacy = access.resource
    version = candidacy.version
    if version is None:  # a draft candidacy has nothing frozen to show
        raise HTTPException(status_code=404, detail="Not Found")
    title, markdown = version.title, version.markdown
    if committee_cohort(access.relation) is not None and candidacy.cohort.blind:
        title, markdown = committee_copy(candidacy, markdown, title)
    return HTMLResponse(_frozen_packet(version, markdown, title))


def _frozen_packet(version: PacketVersion, markdown: str, title: str) -> str:
    """A submitted version as the committee reads it: the snapshot stored at submission, as
    the engineer previewed it byte for byte; for a blind cohort, its pseudonymised Markdown
    over the same frozen claims and context. Versions from before snapshots were kept are
    rendered from their claim snapshot and assessment."""
    if version.snapshot:
        snapshot = PacketSnapshot.from_json(version.snapshot)
        if markdown == snapshot.markdown:
            return snapshot.html
        return render_snapshot(snapshot, markdown, SOURCE_NAME)
    claims = claims_from_rows(version.claims)
    ctx = RenderContext(assessment=version.assessment or None)
    return render_packet_html(markdown, claims, title, ctx)


def _back(access: Access, back: Saved | None, sort: CalibrationSort, blind: bool) -> Response:
    """Where a committee form returns: the calibration workspace it was sent from (with what
    was saved, so the page can say so), else the candidacy page."""
    c: Candidacy = access.resource
    if back is None:
        return _see_other(f"/candidacies/{c.id}")
    query = urlencode(
        {"sort": sort.value, **({"blind": 1} if blind else {}), "saved": back.value, "c": c.id}
    )
    return _see_other(f"/cohorts/{c.cohort_id}/calibration?{query}")


def _rate(db: Session, access: Access, kind: str, rating: str, reason: str) -> None:
    """A manager review or a committee rating (the routes differ in who may use them)."""
    assert access.user is not None
    cycles.rate(db, access.resource, access.user, kind, rating, reason, str(access.relation))


@router.post("/candidacies/{candidacy_id}/withdraw")
def candidacy_withdraw(
    candidacy_id: int, access: Access = Depends(authorize), db: Session = Depends(db_session)
) -> Response:
    assert access.user is not None
    packets.withdraw(db, access.resource, access.user)
    return _see_other(f"/candidacies/{candidacy_id}")


@router.post("/candidacies/{candidacy_id}/review")
def review_save(
    candidacy_id: int,
    rating: str = Form(...),
    reason: str = Form(""),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    _rate(db, access, "manager", rating, reason)
    return _see_other(f"/candidacies/{candidacy_id}")


@router.post("/candidacies/{candidacy_id}/rating")
def rating_save(
    candidacy_id: int,
    rating: str = Form(...),
    reason: str = Form(""),
    back: Saved | None = Form(None),
    sort: CalibrationSort = Form(CalibrationSort.ADJUSTED),
    blind: bool = Form(False),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """A committee rating, from the candidacy page or inline in the calibration workspace
    (``back``: the workspace, which the page reloads in place)."""
    _rate(db, access, "committee", rating, reason)
    return _back(access, back and Saved.RATING, sort, blind)


@router.post("/candidacies/{candidacy_id}/placement")
def placement_save(
    candidacy_id: int,
    box: str = Form(..., max_length=40),
    reason: str = Form(""),
    sort: CalibrationSort = Form(CalibrationSort.ADJUSTED),
    blind: bool = Form(False),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """A move in the 9-box: the committee member's rating becomes the box's, with a reason."""
    assert access.user is not None
    cell = Cell.parse(box)
    cycles.place(db, access.resource, access.user, cell, reason, str(access.relation))
    return _back(access, Saved.MOVE, sort, blind)


@router.post("/candidacies/{candidacy_id}/decision")
def decision_save(
    candidacy_id: int,
    decision: str = Form(...),
    reason: str = Form(""),
    back: Saved | None = Form(None),
    sort: CalibrationSort = Form(CalibrationSort.ADJUSTED),
    blind: bool = Form(False),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    assert access.user is not None
    cycles.decide(db, access.resource, access.user, decision, reason, str(access.relation))
    return _back(access, back and Saved.DECISION, sort, blind)


@router.get("/cohorts/{cohort_id}/calibration", response_class=HTMLResponse)
def calibration_page(
    request: Request,
    cohort_id: int,
    blind: bool = False,
    sort: CalibrationSort = CalibrationSort.ADJUSTED,
    saved: Saved | None = None,
    c: int | None = Query(None, ge=1, le=MAX_ID),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """The committee's workspace: the ranked table with the viewer's own rating and the
    decision inline, the 9-box, and the rater statistics."""
    cohort: Cohort = access.resource
    user = access.user
    assert user is not None
    cache = request.app.state.calibration_cache
    view = cache.view(db, cohort, blind)
    mine = my_ratings(db, cohort, user)

    def body() -> str:
        return ENV.get_template("_calibration.html").render(
            view=view,
            rows=sort.order(view["candidates"]),
            sort=sort,
            asked_blind=blind,
            dimensions=_dimension_ids(view),
            distribution_chart=distribution_chart(view["distribution"]),
            mine=mine,
            own=own_candidacies(db, cohort, user),
            need=cycles.quorum_needed(cohort),
            ninebox=grid(view["candidates"], {i: r.cell for i, r in mine.items() if r.cell}),
            ratings=RATING_CHOICES,
            decisions=DECISIONS,
            in_calibration=CandidacyState.IN_CALIBRATION,
            decided=CandidacyState.DECIDED,
        )

    # The table holds the viewer's own ratings: one cached page per viewer and revision.
    html = cache.get(f"page:{sort.value}:{user.id}", cohort, blind, body)
    by_id = {row["candidacy"]: row for row in view["candidates"]}
    status = None
    if saved is not None and c is not None and c in by_id:
        status = saved.message(by_id[c]["name"], mine.get(c), by_id[c])
    return render(request, "calibration.html", {"view": view, "body": html, "status": status})


@router.get("/cohorts/{cohort_id}/compare", response_class=HTMLResponse)
def calibration_compare(
    request: Request,
    cohort_id: int,
    c: list[int] = Query([], max_length=MAX_COMPARED),
    blind: bool = False,
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """Two to four candidates' briefs side by side, from the same view calibration shows."""
    view = request.app.state.calibration_cache.view(db, access.resource, blind)
    by_id = {row["candidacy"]: row for row in view["candidates"]}
    chosen = list(dict.fromkeys(c))
    if not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
        raise InputError(
            f"field 'c': {len(chosen)} candidates chosen; compare {MIN_COMPARED} to {MAX_COMPARED}",
            hint="tick two to four candidates in the calibration table",
        )
    unknown = [i for i in chosen if i not in by_id]
    if unknown:
        raise InputError(
            f"field 'c': {unknown[0]} is not a candidacy of this cohort",
            hint="choose candidates from the calibration table",
        )
    return render(
        request,
        "calibration_compare.html",
        {
            "view": view,
            "rows": [by_id[i] for i in chosen],
            "dimensions": _dimension_ids(view),
            "asked_blind": blind,
        },
    )


def _dimension_ids(view: dict[str, Any]) -> list[str]:
    """The scorecard dimensions' names, as the ladder writes them (older snapshots: ids)."""
    for row in view["candidates"]:
        if row["dimensions"]:
            return [d.get("name") or d["id"].replace("-", " ") for d in row["dimensions"]]
    return []
