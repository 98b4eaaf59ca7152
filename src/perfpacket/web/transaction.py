"""One unit of work per request, committed before its response is sent.

FastAPI runs the exit code of a ``yield`` dependency after the response has gone out (the
default "request" scope of the installed version), so committing there would acknowledge a
write that a crash a moment later loses, and the next request would not see it. Instead every
route of the app is a :class:`CommitBeforeRespond` route: the request's session is committed
when the route returns, and only then is the response sent. A route that raises is rolled back.

On SQLite a write request (POST, PUT, PATCH, DELETE) is one ``BEGIN IMMEDIATE`` transaction,
and write requests of one process take turns through a gate, so a team of twenty never sees
"database is locked"; other processes wait on SQLite's busy timeout. Reads run side by side
on their WAL snapshots. PostgreSQL needs neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from perfpacket.store.db import Store, begin_write

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# One gate per event loop: a server process has one; a test may drive an app from several.
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def is_write(request: Request) -> bool:
    return request.method not in READ_METHODS


def _gate(request: Request) -> contextlib.AbstractAsyncContextManager[Any]:
    store: Store = request.app.state.store
    if not (store.sqlite and is_write(request)):
        return contextlib.nullcontext()
    loop = asyncio.get_running_loop()
    gate = _GATES.get(loop)
    if gate is None:
        gate = _GATES[loop] = asyncio.Lock()
    return gate


def db_session(request: Request) -> Iterator[Session]:
    """The request's session. A write request's transaction is a write transaction from its
    first statement. Committing is :class:`CommitBeforeRespond`'s job; closing here rolls
    back whatever was not committed (a route that raised)."""
    db = request.app.state.store.new_session()
    request.state.db = db
    if is_write(request):
        begin_write(db)
    try:
        yield db
    finally:
        db.close()


class CommitBeforeRespond(APIRoute):
    """A route whose request's session commits before the response is sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def committed(request: Request) -> Response:
            async with _gate(request):
                response = await handle(request)
                db: Session | None = getattr(request.state, "db", None)
                if db is not None:
                    await run_in_threadpool(db.commit)
            return response

        return committed
