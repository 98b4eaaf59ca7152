"""The team server: a FastAPI app over the same store as the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import perfpacket.stats  # noqa: F401  (see below)
from perfpacket import __version__
from perfpacket.errors import ConflictError, NotFoundError, PerfpacketError
from perfpacket.store import Store, open_store
from perfpacket.web.authz import ROUTES, NotSignedInError
from perfpacket.web.cache import CalibrationCache
from perfpacket.web.pages import render

# Pages read claims whose types live in perfpacket.stats, which brings scipy and statsmodels:
# imported with the app, as a worker starts, instead of in its first reader's request (a second).
STATIC = Path(__file__).parent / "static"
# Pages load nothing from elsewhere and run no inline script; HTMX comes from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware (a decorator-style HTTP middleware costs a task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                if tls:
                    headers["strict-transport-security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, hint: str | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"error": message}
        if hint:
            body["hint"] = hint
        return JSONResponse(body, status_code=status)
    context = {"status": status, "message": message, "hint": hint}
    if request.headers.get("hx-request") == "true":
        # A form sent from a page in place: the error goes to the page's alert line instead of
        # replacing the part of the page the form updates.
        response = render(request, "_error.html", context, status)
        response.headers.update(
            {"hx-retarget": "#flash", "hx-reswap": "innerHTML", "hx-reselect": "#flash-body"}
        )
        return response
    return render(request, "error.html", context, status)


def all_routes(app: FastAPI) -> list[BaseRoute]:
    """Every route, including those of included routers (which newer FastAPI keeps nested)."""
    out: list[BaseRoute] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop(0)
        nested = getattr(route, "original_router", None)
        if nested is not None:
            pending.extend(nested.routes)
        elif isinstance(route, APIRoute | Route | Mount):
            out.append(route)
    return out


def route_names(app: FastAPI) -> list[str]:
    return [str(getattr(r, "name", "")) for r in all_routes(app)]


def create_app(store: Store | str, draft_model: str | None = None) -> FastAPI:
    """The app over ``store`` (an open store or a database URL, migrated on open).
    ``draft_model``: the language model the admin lets "Draft from my evidence" polish with
    (an llm library model id, under the guard); without one, drafts are deterministic."""
    app = FastAPI(
        title="perfpacket team server",
        version=__version__,
        docs_url=None,  # the interactive docs fetch scripts from a CDN; the schema is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = open_store(store) if isinstance(store, str) else store
    app.state.calibration_cache = CalibrationCache()
    app.state.draft_model = draft_model or None

    from perfpacket.web.routes import admin, api, auth, pages

    for module in (auth, pages, admin, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.add_middleware(SecurityHeaders)

    missing = [name for name in route_names(app) if name not in ROUTES]
    if missing:
        raise RuntimeError(f"routes without an authorization policy: {', '.join(missing)}")

    @app.exception_handler(NotSignedInError)
    async def not_signed_in(request: Request, _exc: NotSignedInError) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"error": "not signed in", "hint": "send Authorization: Bearer TOKEN"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        return RedirectResponse("/login?next=" + request.url.path, status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        response = _error(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in e['loc'][1:])}': {e['msg']}" for e in exc.errors()
        )
        return _error(request, 422, problems, "see /api/openapi.json for the request's shape")

    @app.exception_handler(PerfpacketError)
    async def user_error(request: Request, exc: PerfpacketError) -> Response:
        status = (
            404
            if isinstance(exc, NotFoundError)
            else 409
            if isinstance(exc, ConflictError)
            else 422
        )
        return _error(request, status, exc.message, exc.hint)

    return app


def app_from_environment() -> FastAPI:
    """The app ``perfpacket serve`` starts in each worker process."""
    import os

    return create_app(
        os.environ["PERFPACKET_SERVE_DATABASE_URL"],
        os.environ.get("PERFPACKET_SERVE_DRAFT_MODEL") or None,
    )
