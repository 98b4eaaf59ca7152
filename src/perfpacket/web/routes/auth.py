"""Sign-in and sign-out: CSRF-protected form, session rotated at login, attempts rate-limited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from perfpacket.team import accounts
from perfpacket.web.authz import SESSION_COOKIE, Access, authorize
from perfpacket.web.pages import render
from perfpacket.web.transaction import CommitBeforeRespond, db_session

router = APIRouter(
    route_class=CommitBeforeRespond, dependencies=[Depends(authorize)], include_in_schema=False
)


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        # Behind TLS (directly or through a proxy that says so) the cookie never travels in clear.
        secure=request.url.scheme == "https",
        path="/",
    )


def _safe_next(target: str) -> str:
    # Only paths on this server: "//host" and "/\\host" would leave it.
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_form(
    request: Request,
    next: str = "/",
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    if access.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    cookie = None
    if access.session_row is None:  # an anonymous session, to carry the form's CSRF token
        with request.app.state.store.write_now(db):
            accounts.purge_expired(db)
            cookie, row = accounts.start_session(db, None)
        request.state.csrf = row.csrf_token
    response = render(request, "login.html", {"next": _safe_next(next), "error": None})
    if cookie:
        set_session_cookie(request, response, cookie)
    return response


@router.post("/login")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    access: Access = Depends(authorize),
    db: Session = Depends(db_session),
) -> Response:
    client = request.client.host if request.client else "unknown"
    result = accounts.authenticate(db, email, password, client)
    if result.limited:
        response = render(
            request,
            "login.html",
            {"next": next, "error": "Too many failed attempts. Wait 15 minutes and try again."},
            429,
        )
        response.headers["retry-after"] = str(result.retry_after)
        return response
    if result.user is None:
        return render(
            request, "login.html", {"next": next, "error": "Wrong email or password."}, 401
        )
    # A new session id at login, so an id planted before login is worth nothing after it.
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        accounts.end_session(db, old)
    cookie, _row = accounts.start_session(db, result.user)
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, redirect, cookie)
    return redirect


@router.post("/logout")
def logout(request: Request, db: Session = Depends(db_session)) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.end_session(db, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
