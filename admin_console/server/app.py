"""The console's HTTP API (FastAPI): the app factory, its middleware, error handlers and
the routers of :mod:`admin_console.server.routes`, one per resource.

Errors are classified: each :class:`ConsoleError` class maps to one status with a message
that says what to do; bad input is a 422 naming the field; a database failure is a 503.
Every error is a :class:`Problem` (JSON), declared in the OpenAPI document; a bug is a 500
Problem saying only "internal error", never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse, Response

from admin_console.server import policy as policy_store
from admin_console.server.apt_files import AptFiles
from admin_console.server.auth import digest
from admin_console.server.console import Console
from admin_console.server.errors import (
    Conflict,
    ConsoleError,
    Forbidden,
    Gone,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PairingRefused,
    StorageError,
    TooManyTries,
)
from admin_console.server.inputs import BodyLimit, declare_errors, plain_query
from admin_console.server.limits import RateLimitMiddleware, declare_rate_limited
from admin_console.server.printers import NoQueue, PrintSystemError
from admin_console.server.routes import (
    enrollment,
    help,
    kiosks,
    members,
    policy,
    power,
    printers,
    records,
    setup,
    sites,
    staff,
    team,
    tickets,
    usage,
    workshops,
    ws,
)
from admin_console.server.wake import WakeFailed
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")

# In this order in the OpenAPI document.
_ROUTERS = (
    staff,
    team,
    setup,
    sites,
    enrollment,
    kiosks,
    power,
    records,
    tickets,
    members,
    help,
    policy,
    printers,
    workshops,
    usage,
    ws,
)


_STATUS: list[tuple[type[ConsoleError], int]] = [
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (PairingRefused, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Gone, 410),
    (InvalidInput, 422),
    (TooManyTries, 429),
    (StorageError, 503),
    (NoQueue, 409),
    (PrintSystemError, 502),
    (WakeFailed, 502),
]


def _field_errors(exc: RequestValidationError) -> JSONResponse:
    errors = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        where, path = (loc[0], loc[1:]) if loc else ("body", [])
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":
            name = where  # the location is a character position, not a field
            message = f"{message} at character {'.'.join(path)}"
        else:
            name = ".".join(path) or where
        errors.append({"field": name, "in": where, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


def create_app(console: Console) -> FastAPI:
    """The FastAPI application of ``console``."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await console.hub.start()
        watching = [
            asyncio.create_task(console.hub.watch_staff()),
            asyncio.create_task(console.hub.watch_processes()),
        ]
        yield
        for task in watching:
            task.cancel()
        for task in watching:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await console.hub.close_all()

    app = FastAPI(
        title="EPN Kiosk console",
        version="1",
        description="Staff API and kiosk link of the EPN Kiosk console.",
        lifespan=lifespan,
        dependencies=[Depends(plain_query)],
    )
    app.state.console = console
    app.add_exception_handler(ConsoleError, _console_error)
    app.add_exception_handler(RequestValidationError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(BodyLimit)
    for module in _ROUTERS:
        app.include_router(module.router)
    # The PCs' apt repository: static files, no login, not part of the staff API.
    app.mount("/apt", AptFiles(console.apt.served), name="apt")
    _rate_limits(app, console)
    make_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        # Built once; every operation's error answers are declared as Problems.
        if app.openapi_schema is None:
            app.openapi_schema = declare_errors(make_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _console_error(_request: Request, exc: Exception) -> JSONResponse:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            if status == 503:
                log_event(logger, "storage_failed", logging.ERROR, error=str(exc))
                return JSONResponse(
                    {"detail": "the console database is unavailable; try again"}, 503
                )
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(exc, policy_store.InvalidFields):
                errors = [{"field": f, "in": "body", "message": m} for f, m in exc.problems]
                return JSONResponse({"detail": str(exc), "errors": errors}, status)
            if isinstance(exc, InvalidInput):
                error = {"field": exc.field, "in": "body", "message": exc.message}
                return JSONResponse({"detail": str(exc), "errors": [error]}, status)
            if isinstance(exc, TooManyTries):
                now = _request.app.state.console.clock.now()
                wait = max(1, math.ceil((exc.until - now).total_seconds()))
                headers = {"Retry-After": str(wait)}
            return JSONResponse({"detail": str(exc)}, status, headers=headers)
    logger.exception("unclassified console error", exc_info=exc)
    return JSONResponse({"detail": "internal error"}, 500)


async def _bad_input(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _field_errors(exc)


async def _http_error(_request: Request, exc: Exception) -> Response:
    # FastAPI's own refusals (a body it cannot parse, a route that does not exist) as
    # Problems too.
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    return JSONResponse({"detail": str(exc.detail)}, exc.status_code, headers=headers)


async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
    # A bug: logged with its traceback, answered without it.
    logger.error("bug while answering a request", exc_info=exc)
    return JSONResponse({"detail": "internal error"}, 500)


def _rate_limits(app: FastAPI, console: Console) -> None:
    # Outermost: a refused request costs no parsing, no database, no password check.
    def kiosk_of(token: str) -> int | None:
        kiosk = console.repos.kiosks.by_token(digest(token))
        return None if kiosk is None else kiosk.id

    def staff_of(token: str) -> str | None:
        token_sha256 = digest(token)
        return (
            token_sha256 if console.repos.tokens.owner(token_sha256, console.clock.now()) else None
        )

    app.add_middleware(
        RateLimitMiddleware,
        limits=console.settings.rate_limits,
        clock=console.clock,
        kiosk_of=kiosk_of,
        staff_of=staff_of,
    )
    make_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        return declare_rate_limited(make_openapi())

    app.openapi = openapi  # type: ignore[method-assign]
