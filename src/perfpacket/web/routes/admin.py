"""Admin pages: users, cycles with cohorts and their state changes, the audit log."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import InputError
from perfpacket.store.team import (
    DEFAULT_QUORUM,
    MAX_QUORUM,
    ROLES,
    Candidacy,
    Cohort,
    Cycle,
    User,
)
from perfpacket.team import accounts, audit, cycles
from perfpacket.team.export import csv_text
from perfpacket.web.authz import MAX_ID, Access, authorize
from perfpacket.web.pages import render
from perfpacket.web.transaction import CommitBeforeRespond, db_session

router = APIRouter(
    route_class=CommitBeforeRespond,
    prefix="/admin",
    dependencies=[Depends(authorize)],
    include_in_schema=False,
)


@router.get("/users", response_class=HTMLResponse)
def admin_users(request: Request, db: Session = Depends(db_session)) -> Response:
    return render(request, "admin_users.html", {"users": accounts.list_users(db), "roles": ROLES})


@router.post("/users")
def admin_user_add(
    email: str = Form(...),
    name: str = Form(...),
    role: str = Form(...),
    password: str = Form(...),
    manager: str = Form(""),
    db: Session = Depends(db_session),
) -> Response:
    accounts.add_user(db, email, name, role, password, manager or None)
    return RedirectResponse("/admin/users", status_code=303)


AccountChange = Literal["deactivate", "activate", "role", "password"]


@router.post("/users/change")
def admin_user_change(
    email: str = Form(...),
    change: AccountChange = Form(...),
    role: str = Form(""),
    password: str = Form(""),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """Deactivate or activate an account, change its role or set its password; audited with
    the admin as the actor."""
    actor = access.user
    if change == "deactivate":
        accounts.deactivate_user(db, email, actor)
    elif change == "activate":
        accounts.activate_user(db, email, actor)
    elif change == "role":
        accounts.set_role(db, email, role, actor)
    else:
        accounts.set_password(db, email, password, actor)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/cycles", response_class=HTMLResponse)
def admin_cycles(request: Request, db: Session = Depends(db_session)) -> Response:
    rows = db.scalars(
        select(Cycle).options(selectinload(Cycle.cohorts).selectinload(Cohort.members))
    )
    states: dict[int, dict[str, int]] = {}
    for cohort_id, state in db.execute(select(Candidacy.cohort_id, Candidacy.state)):
        counts = states.setdefault(cohort_id, {})
        counts[state] = counts.get(state, 0) + 1
    return render(request, "admin_cycles.html", {"cycles": list(rows), "states": states})


def _emails(text: str) -> list[str]:
    return [m.strip() for m in text.replace(",", "\n").splitlines() if m.strip()]


def _more_cohorts(text: str, blind: bool) -> list[dict[str, Any]]:
    """Further cohorts, one a line: ``Name: committee emails, comma-separated``."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, members = line.partition(":")
        if not colon or not name.strip():
            raise InputError(
                f"field 'more_cohorts' line {number}: '{line.strip()[:60]}' has no cohort name",
                hint="write each cohort as 'Name: member@example.com, other@example.com'",
            )
        out.append({"name": name.strip(), "members": _emails(members), "blind": blind})
    return out


@router.post("/cycles")
def admin_cycle_add(
    name: str = Form(...),
    cohort: str = Form(...),
    members: str = Form(""),
    more_cohorts: str = Form("", max_length=20_000),
    blind: bool = Form(False),
    quorum: int = Form(DEFAULT_QUORUM, ge=1, le=MAX_QUORUM),
    db: Session = Depends(db_session),
) -> Response:
    first = {"name": cohort, "members": _emails(members), "blind": blind}
    cycles.create_cycle(db, name, [first, *_more_cohorts(more_cohorts, blind)], quorum=quorum)
    return RedirectResponse("/admin/cycles", status_code=303)


@router.post("/cohorts/{cohort_id}/step")
def admin_cohort_step(
    request: Request,
    cohort_id: int,
    step: str = Form(...),
    confirmed: bool = Form(False),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    """A step that cannot be undone: first a page that says what it will do, then, on
    confirmation, the step."""
    assert access.user is not None
    if not confirmed:
        preview = cycles.step_preview(db, access.resource, step)
        return render(request, "admin_confirm_step.html", {"p": preview})
    cycles.advance_cohort(db, access.resource, step, access.user)
    return RedirectResponse("/admin/cycles", status_code=303)


@router.get("/decisions.csv")
def admin_decisions_csv(
    cycle: int | None = Query(None, ge=1, le=MAX_ID), db: Session = Depends(db_session)
) -> Response:
    """Released decisions for the HR system (one cycle's with ``?cycle=ID``), as CSV."""
    columns = ("cycle", "cohort", "candidate", "email", "decision", "reason", "decided_at")
    return Response(
        csv_text(columns, cycles.released_decisions(db, cycle)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="decisions.csv"'},
    )


EXPORT_MAX = 200_000


def audit_filter(
    actor: str | None = Query(None, max_length=320),
    subject: str | None = Query(None, max_length=330),
    action: str | None = Query(None, max_length=40),
    since: str | None = Query(None, max_length=40),
    until: str | None = Query(None, max_length=40),
) -> audit.AuditFilter:
    """The audit filters from the query string (a malformed one is a 422 naming it)."""
    return audit.AuditFilter.parse(actor, subject, action, since, until)


@router.get("/audit", response_class=HTMLResponse)
def admin_audit(
    request: Request,
    where: audit.AuditFilter = Depends(audit_filter),
    before: int | None = Query(None, ge=1, le=MAX_ID),
    db: Session = Depends(db_session),
) -> Response:
    found, older = audit.page(db, where, before)
    query = where.query()
    return render(
        request,
        "admin_audit.html",
        {
            "rows": audit.rows(db, found),
            "where": where,
            "kinds": audit.kinds(db),
            "subjects": audit.SUBJECT_KINDS,
            "actors": list(db.scalars(select(User.email).order_by(User.email))),
            "older": f"/admin/audit?{urlencode({**query, 'before': older})}" if older else None,
            "newest": f"/admin/audit?{urlencode(query)}" if before else None,
            "export": f"/admin/audit.csv?{urlencode(query)}",
            "page_size": audit.PAGE,
        },
    )


@router.get("/audit.csv")
def admin_audit_csv(
    where: audit.AuditFilter = Depends(audit_filter), db: Session = Depends(db_session)
) -> Response:
    """Every event the filters match, newest first, as CSV."""
    table = audit.rows(db, audit.events(db, EXPORT_MAX, where))
    return Response(
        audit.to_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.get("/settings", response_class=HTMLResponse)
def admin_settings(request: Request) -> Response:
    """The ladders cycles can use and the value model money comes from (read-only here:
    both are files, validated and versioned with the workspace)."""
    from perfpacket.claims.value import default_value_model
    from perfpacket.ladder.schema import builtin_ladders, load_ladder

    ladders = [load_ladder(name) for name in builtin_ladders()]
    constants = sorted(default_value_model().constants.values(), key=lambda c: c.name)
    return render(request, "admin_settings.html", {"ladders": ladders, "constants": constants})
