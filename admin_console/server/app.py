"""The console's HTTP API (FastAPI) and its composition root.

:func:`build_console` makes the object graph once (engine, migrations, repositories, auth,
hub) and :func:`create_app` wires it into routes; nothing is made at import. Errors are
classified: each :class:`ConsoleError` class maps to one status with a message that says
what to do; bad input is a 422 naming the field; a database failure is a 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import Body, Depends, FastAPI, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from admin_console.protocol import Command, CommandAction, EnrollRequest, EnrollResponse
from admin_console.server.auth import (
    PAIRING_CODE_LIFETIME,
    AuthService,
    Principal,
    Role,
    digest,
    new_pairing_code,
    new_token,
    normalise_pairing_code,
)
from admin_console.server.clock import Clock, SystemClock
from admin_console.server.db.engine import make_engine, sqlite_url, upgrade
from admin_console.server.db.repositories import Repositories
from admin_console.server.errors import (
    AccountLocked,
    Conflict,
    ConsoleError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PairingRefused,
    StorageError,
)
from admin_console.server.hub import Hub, KioskOffline
from admin_console.server.log import event as log_event
from admin_console.server.schemas import (
    AuditEntryModel,
    AuditPage,
    CommandRequest,
    CommandResponse,
    EventModel,
    EventPage,
    KioskSelf,
    KioskTile,
    LoginRequest,
    LoginResponse,
    Me,
    PairingCodeResponse,
    Problem,
)

logger = logging.getLogger("admin_console.api")

COMMAND_WAIT = 5.0
"""Seconds an API call waits for the kiosk's answer before saying ``pending``."""


@dataclass(frozen=True)
class Settings:
    """What the server is told at start (``epn-console serve`` options)."""

    data_dir: Path
    database_url: str | None = None
    command_wait: float = COMMAND_WAIT
    fingerprint: str | None = None

    @property
    def url(self) -> str:
        """The database URL: the one given, or SQLite in the data directory."""
        return self.database_url or sqlite_url(self.data_dir)


@dataclass(frozen=True)
class Console:
    """The object graph of one running console."""

    settings: Settings
    engine: sa.Engine
    repos: Repositories
    auth: AuthService
    hub: Hub
    clock: Clock

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_console(
    settings: Settings, clock: Clock | None = None, hasher: PasswordHasher | None = None
) -> Console:
    """The composition root: engine, migrations to head, repositories, auth, hub."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    try:
        upgrade(engine)
    except StorageError:
        engine.dispose()
        raise
    clock = clock or SystemClock()
    repos = Repositories.on(engine)
    auth = AuthService(repos, clock, hasher)
    return Console(settings, engine, repos, auth, Hub(repos, auth, clock), clock)


_STATUS: list[tuple[type[ConsoleError], int]] = [
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (PairingRefused, 403),
    (NotFound, 404),
    (Conflict, 409),
    (AccountLocked, 423),
    (StorageError, 503),
]

_401: dict[int | str, dict[str, Any]] = {401: {"model": Problem}}
_403: dict[int | str, dict[str, Any]] = {401: {"model": Problem}, 403: {"model": Problem}}


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


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(_console)]
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/login.")


def _principal(
    console: ConsoleDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else None
    return console.auth.authenticate(token)


def _need(role: Role) -> Callable[[Console, Principal], Principal]:
    def check(console: ConsoleDep, who: Annotated[Principal, Depends(_principal)]) -> Principal:
        console.auth.require(who, role)
        return who

    return check


Staff = Annotated[Principal, Depends(_principal)]
Animator = Annotated[Principal, Depends(_need(Role.ANIMATOR))]
Manager = Annotated[Principal, Depends(_need(Role.MANAGER))]
Admin = Annotated[Principal, Depends(_need(Role.ADMIN))]


def create_app(console: Console) -> FastAPI:
    """The FastAPI application of ``console``."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await console.hub.close_all()

    app = FastAPI(
        title="EPN Kiosk console",
        version="1",
        description="Staff API and kiosk link of the EPN Kiosk console.",
        lifespan=lifespan,
    )
    app.state.console = console
    app.add_exception_handler(ConsoleError, _console_error)
    app.add_exception_handler(RequestValidationError, _bad_input)
    _staff_routes(app)
    _enrollment_routes(app)
    _room_routes(app)
    _record_routes(app)
    _socket_routes(app)
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
            return JSONResponse({"detail": str(exc)}, status, headers=headers)
    logger.exception("unclassified console error", exc_info=exc)
    return JSONResponse({"detail": "internal error"}, 500)


async def _bad_input(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _field_errors(exc)


def _staff_routes(app: FastAPI) -> None:
    @app.post("/api/login", responses={401: {"model": Problem}, 423: {"model": Problem}})
    def login(console: ConsoleDep, body: LoginRequest) -> LoginResponse:
        """Log in with a username and password; gives a bearer token valid for 12 hours."""
        done = console.auth.login(body.username, body.password)
        return LoginResponse(
            token=done.token,
            expires_at=done.expires_at,
            username=done.staff.username,
            role=Role(done.staff.role),
        )

    @app.post("/api/logout", status_code=204, responses=_401)
    def logout(console: ConsoleDep, who: Staff) -> None:
        """Forget this token."""
        console.auth.logout(who)

    @app.get("/api/me", responses=_401)
    def me(who: Staff) -> Me:
        """Who this token belongs to."""
        return Me(
            id=who.staff.id,
            username=who.staff.username,
            role=who.role,
            token_expires_at=who.expires_at,
        )


def _enrollment_routes(app: FastAPI) -> None:
    @app.post("/api/pairing-codes", status_code=201, responses=_403)
    def pairing_code(console: ConsoleDep, who: Admin) -> PairingCodeResponse:
        """A one-time code for enrolling one PC, valid 10 minutes; shown only now."""
        code = new_pairing_code()
        now = console.auth.now()
        expires_at = now + PAIRING_CODE_LIFETIME
        console.repos.kiosks.add_pairing_code(
            digest(normalise_pairing_code(code)), who.staff.username, now, expires_at
        )
        console.auth.audit(who.staff.username, "pairing_code_created")
        return PairingCodeResponse(
            code=code, expires_at=expires_at, fingerprint=console.settings.fingerprint
        )

    @app.post(
        "/api/enroll",
        status_code=201,
        responses={403: {"model": Problem}, 409: {"model": Problem}},
    )
    def enroll(console: ConsoleDep, body: EnrollRequest) -> EnrollResponse:
        """A PC joins the console with a pairing code and gets its own token (shown once)."""
        code = normalise_pairing_code(body.code)
        token = new_token()
        kiosk, made_by = console.repos.kiosks.enroll(
            digest(code), body.name, body.location, digest(token), console.auth.now()
        )
        console.auth.audit(made_by, "kiosk_enrolled", kiosk_id=kiosk.id, detail=kiosk.name)
        log_event(logger, "kiosk_enrolled", kiosk=kiosk.name, kiosk_id=kiosk.id)
        return EnrollResponse(kiosk_id=kiosk.id, token=token)

    @app.get("/api/kiosk/self", responses=_403)
    def kiosk_self(
        console: ConsoleDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> KioskSelf:
        """For a PC, with its own token: is it still enrolled, and as what."""
        token = credentials.credentials if credentials is not None else None
        kiosk = console.repos.kiosks.by_token(digest(token)) if token else None
        if kiosk is None:
            raise NotAuthenticated("unknown kiosk token: enroll this PC")
        if kiosk.revoked_at is not None:
            raise Forbidden("this PC was revoked: enroll it again")
        return KioskSelf(id=kiosk.id, name=kiosk.name, location=kiosk.location)


def _room_routes(app: FastAPI) -> None:
    @app.get("/api/kiosks", responses=_403)
    def kiosks(
        console: ConsoleDep,
        _who: Animator,
        include_revoked: Annotated[bool, Query(description="Also list revoked PCs.")] = False,
    ) -> list[KioskTile]:
        """The room: one entry per PC, with its live status."""
        return [console.hub.tile(k) for k in console.repos.kiosks.all(include_revoked)]

    @app.post("/api/kiosks/{kiosk_id}/revoke", responses={**_403, 404: {"model": Problem}})
    async def revoke(console: ConsoleDep, kiosk_id: int, who: Admin) -> KioskTile:
        """Refuse this PC from now on; its connection is closed."""
        auth = console.auth
        kiosk = await run_in_threadpool(console.repos.kiosks.revoke, kiosk_id, auth.now())
        await run_in_threadpool(
            auth.audit, who.staff.username, "kiosk_revoked", kiosk_id=kiosk.id, detail=kiosk.name
        )
        await console.hub.disconnect(kiosk, "this PC was revoked: enroll it again")
        log_event(logger, "kiosk_revoked", kiosk=kiosk.name, kiosk_id=kiosk.id)
        return console.hub.tile(kiosk)

    @app.post(
        "/api/kiosks/{kiosk_id}/commands",
        responses={**_403, 404: {"model": Problem}, 409: {"model": Problem}},
    )
    async def command(
        console: ConsoleDep,
        kiosk_id: int,
        body: Annotated[CommandRequest, Body()],
        who: Animator,
    ) -> CommandResponse:
        """Send a staff action to a PC and wait a few seconds for its answer."""
        return await _send_command(console, kiosk_id, body, who)


async def _send_command(
    console: Console, kiosk_id: int, body: CommandRequest, who: Principal
) -> CommandResponse:
    auth, repos, hub = console.auth, console.repos, console.hub
    kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no PC with id {kiosk_id}")
    if kiosk.revoked_at is not None:
        raise Conflict(f"PC {kiosk.name} is revoked")
    parameters = body.model_dump(exclude={"action"}, exclude_none=True)
    frame = Command(
        command_id=secrets.token_urlsafe(12),
        action=CommandAction(body.action),
        by=who.staff.username,
        **parameters,
    )
    await run_in_threadpool(
        repos.commands.add,
        frame.command_id,
        kiosk.id,
        body.action,
        parameters,
        by=who.staff.username,
        now=auth.now(),
    )
    await run_in_threadpool(
        auth.audit,
        who.staff.username,
        f"command_{body.action}",
        kiosk_id=kiosk.id,
        detail=", ".join(f"{k}={v}" for k, v in parameters.items()),
    )
    answer = CommandResponse(
        command_id=frame.command_id, kiosk_id=kiosk.id, action=body.action, status="offline"
    )
    try:
        future = await hub.send_command(kiosk.id, frame)
    except KioskOffline:
        return answer
    await run_in_threadpool(repos.commands.sent, frame.command_id, auth.now())
    try:
        result = await asyncio.wait_for(
            asyncio.shield(future), timeout=console.settings.command_wait
        )
    except (TimeoutError, KioskOffline):
        return answer.model_copy(update={"status": "pending"})
    return answer.model_copy(
        update={
            "status": "done" if result.ok else "failed",
            "ok": result.ok,
            "code": result.code,
            "message": result.message,
        }
    )


@dataclass(frozen=True)
class _EventFilter:
    kind: str | None = None
    kiosk_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _event_filter(
    kind: Annotated[str | None, Query(max_length=32)] = None,
    kiosk_id: int | None = None,
    since: Annotated[dt.datetime | None, Query(description="From (inclusive).")] = None,
    until: Annotated[dt.datetime | None, Query(description="To (exclusive).")] = None,
) -> _EventFilter:
    return _EventFilter(kind, kiosk_id, _aware(since), _aware(until))


@dataclass(frozen=True)
class _Paging:
    limit: int
    offset: int


def _paging(
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> _Paging:
    return _Paging(limit, offset)


Paging = Annotated[_Paging, Depends(_paging)]


def _record_routes(app: FastAPI) -> None:
    @app.get("/api/audit", responses=_403)
    def audit(
        console: ConsoleDep,
        _who: Manager,
        paging: Paging,
        who: Annotated[str | None, Query(max_length=80)] = None,
        action: Annotated[str | None, Query(max_length=40)] = None,
        kiosk_id: int | None = None,
    ) -> AuditPage:
        """The audit log, newest first."""
        page = console.repos.audit.page(
            who=who, action=action, kiosk_id=kiosk_id, limit=paging.limit, offset=paging.offset
        )
        return AuditPage(
            items=[AuditEntryModel.model_validate(e, from_attributes=True) for e in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )

    @app.get("/api/events", responses=_403)
    def events(
        console: ConsoleDep,
        _who: Manager,
        paging: Paging,
        where: Annotated[_EventFilter, Depends(_event_filter)],
    ) -> EventPage:
        """Events the PCs reported, newest first; times without an offset are UTC."""
        page = console.repos.events.page(
            kind=where.kind,
            kiosk_id=where.kiosk_id,
            since=where.since,
            until=where.until,
            limit=paging.limit,
            offset=paging.offset,
        )
        return EventPage(
            items=[EventModel.model_validate(e, from_attributes=True) for e in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )


def _socket_routes(app: FastAPI) -> None:
    @app.websocket("/ws/kiosk")
    async def kiosk_socket(websocket: WebSocket) -> None:
        console: Console = websocket.app.state.console
        await console.hub.serve_kiosk(websocket)

    @app.websocket("/ws/staff")
    async def staff_socket(websocket: WebSocket) -> None:
        console: Console = websocket.app.state.console
        await console.hub.serve_staff(websocket)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
