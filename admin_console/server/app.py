"""The console's HTTP API (FastAPI) and its composition root.

:func:`build_console` makes the object graph once (engine, migrations, repositories, auth,
hub) and :func:`create_app` wires it into routes; nothing is made at import. Errors are
classified: each :class:`ConsoleError` class maps to one status with a message that says
what to do; bad input is a 422 naming the field; a database failure is a 503. Every error
is a :class:`Problem` (JSON), declared in the OpenAPI document; a bug is a 500 Problem
saying only "internal error", never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import Body, Depends, FastAPI, Query, Request, WebSocket
from fastapi import Path as Path_
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from admin_console.server import policy as policy_store
from admin_console.server import usage as usage_review
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
from admin_console.server.db.repositories import (
    TICKET_FORGED,
    HelpCall,
    Kiosk,
    Member,
    Repositories,
    Ticket,
)
from admin_console.server.desk import Desk
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
from admin_console.server.hub import OUT_OF_ORDER, Hub, KioskOffline, ignore_result
from admin_console.server.inputs import BodyLimit, declare_errors, plain_query
from admin_console.server.limits import (
    RateLimitMiddleware,
    RateLimits,
    client_key,
    declare_rate_limited,
)
from admin_console.server.schemas import (
    MAX_ID,
    AuditEntryModel,
    AuditPage,
    BanRequest,
    CommandRequest,
    CommandResponse,
    Day,
    EventModel,
    EventPage,
    HelpCallModel,
    Instant,
    IssuedTicketModel,
    KioskSelf,
    KioskTile,
    LoginRequest,
    LoginResponse,
    Me,
    MemberCheckRequest,
    MemberCheckResponse,
    MemberCreate,
    MemberModel,
    MemberPatch,
    OutOfOrderRequest,
    PairingCodeResponse,
    PolicyChange,
    PolicyHistoryItem,
    PolicyState,
    Problem,
    RedeemRequest,
    RedeemResponse,
    TicketModel,
    TicketsCreated,
    TicketsRequest,
    TicketStateFilter,
    UsageReport,
    WorkshopModel,
    WorkshopRequest,
)
from admin_console.server.tls import ensure_ticket_key, ticket_key_text
from epn_shared.json_log import event as log_event
from epn_shared.protocol import Command, CommandAction, EnrollRequest, EnrollResponse

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
    timezone: str = "Europe/Brussels"
    """The EPN's time zone: where a member's day starts and a ban's last day ends."""
    rate_limits: RateLimits = field(default_factory=RateLimits)
    """Requests per client on the routes a stranger can reach (``limits``)."""

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
    desk: Desk

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
    try:
        ticket_key = ensure_ticket_key(settings.data_dir)
    except ConsoleError:
        engine.dispose()
        raise
    clock = clock or SystemClock()
    repos = Repositories.on(engine, ticket_key)
    auth = AuthService(repos, clock, hasher)
    desk = Desk(repos, auth, clock, ZoneInfo(settings.timezone), ticket_key)
    hub = Hub(repos, auth, clock, ticket_key_text(ticket_key))
    return Console(settings, engine, repos, auth, hub, clock, desk)


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
KioskId = Annotated[int, Path_(ge=1, le=MAX_ID, description="The PC's id.")]
KioskFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this PC.")]
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


def _kiosk_caller(
    console: ConsoleDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Kiosk:
    token = credentials.credentials if credentials is not None else None
    kiosk = console.repos.kiosks.by_token(digest(token)) if token else None
    if kiosk is None:
        raise NotAuthenticated("unknown kiosk token: enroll this PC")
    if kiosk.revoked_at is not None:
        raise Forbidden("this PC was revoked: enroll it again")
    return kiosk


KioskCaller = Annotated[Kiosk, Depends(_kiosk_caller)]
"""The enrolled, not revoked PC whose own token is the request's bearer token."""
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
        dependencies=[Depends(plain_query)],
    )
    app.state.console = console
    app.add_exception_handler(ConsoleError, _console_error)
    app.add_exception_handler(RequestValidationError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(BodyLimit)
    _staff_routes(app)
    _enrollment_routes(app)
    _room_routes(app)
    _record_routes(app)
    _ticket_routes(app)
    _member_routes(app)
    _help_routes(app)
    _policy_routes(app)
    _workshop_routes(app)
    _usage_routes(app)
    _socket_routes(app)
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


def _staff_routes(app: FastAPI) -> None:
    @app.post("/api/login", responses={401: {"model": Problem}, 429: {"model": Problem}})
    async def login(request: Request, console: ConsoleDep, body: LoginRequest) -> LoginResponse:
        """Log in with a username and password; gives a bearer token valid for 12 hours.
        Wrong tries make this client wait (429 with Retry-After); no account is locked."""
        client = client_key(request.client.host if request.client else None)
        attempt = console.auth.throttle.begin(body.username, client)
        if attempt.delay:
            await asyncio.sleep(attempt.delay)  # a username under attack: slower, never shut
        done = await run_in_threadpool(console.auth.login, body.username, body.password, attempt)
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
    def kiosk_self(kiosk: KioskCaller) -> KioskSelf:
        """For a PC, with its own token: is it still enrolled, and as what."""
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
    async def revoke(console: ConsoleDep, kiosk_id: KioskId, who: Admin) -> KioskTile:
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
        kiosk_id: KioskId,
        body: Annotated[CommandRequest, Body()],
        who: Animator,
    ) -> CommandResponse:
        """Send a staff action to a PC and wait a few seconds for its answer."""
        return await _send_command(console, kiosk_id, body, who)

    @app.post(
        "/api/kiosks/{kiosk_id}/out-of-order",
        responses={**_403, 404: {"model": Problem}, 409: {"model": Problem}},
    )
    async def out_of_order(
        console: ConsoleDep, kiosk_id: KioskId, body: OutOfOrderRequest, who: Animator
    ) -> KioskTile:
        """Mark a PC out of order: it is locked now if online, and again each time it
        connects, until put back in order."""
        await _live_kiosk(console, kiosk_id)
        kiosk = await run_in_threadpool(
            console.repos.kiosks.set_out_of_order, kiosk_id, body.reason, console.clock.now()
        )
        await run_in_threadpool(
            console.auth.audit,
            who.staff.username,
            "kiosk_out_of_order",
            kiosk_id=kiosk.id,
            detail=body.reason,
        )
        console.hub.kiosk_changed(kiosk)
        await _dispatch(
            console, kiosk, CommandAction.LOCK, {"reason": OUT_OF_ORDER}, who, wait=False
        )
        return console.hub.tile(kiosk)

    @app.post(
        "/api/kiosks/{kiosk_id}/back-in-order",
        responses={**_403, 404: {"model": Problem}, 409: {"model": Problem}},
    )
    async def back_in_order(console: ConsoleDep, kiosk_id: KioskId, who: Animator) -> KioskTile:
        """The PC works again: the flag is lifted and the PC unlocked if online."""
        before = await _live_kiosk(console, kiosk_id)
        kiosk = await run_in_threadpool(
            console.repos.kiosks.set_out_of_order, kiosk_id, None, console.clock.now()
        )
        await run_in_threadpool(
            console.auth.audit, who.staff.username, "kiosk_back_in_order", kiosk_id=kiosk.id
        )
        console.hub.kiosk_changed(kiosk)
        if before.out_of_order:
            await _dispatch(console, kiosk, CommandAction.UNLOCK, {}, who, wait=False)
        return console.hub.tile(kiosk)


async def _send_command(
    console: Console, kiosk_id: int, body: CommandRequest, who: Principal
) -> CommandResponse:
    kiosk = await _live_kiosk(console, kiosk_id)
    parameters = body.model_dump(exclude={"action"}, exclude_none=True)
    await run_in_threadpool(
        console.auth.audit,
        who.staff.username,
        f"command_{body.action}",
        kiosk_id=kiosk.id,
        detail=", ".join(f"{k}={v}" for k, v in parameters.items()),
    )
    return await _dispatch(console, kiosk, CommandAction(body.action), parameters, who)


async def _live_kiosk(console: Console, kiosk_id: int) -> Kiosk:
    kiosk = await run_in_threadpool(console.repos.kiosks.get, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no PC with id {kiosk_id}")
    if kiosk.revoked_at is not None:
        raise Conflict(f"PC {kiosk.name} is revoked")
    return kiosk


async def _dispatch(
    console: Console,
    kiosk: Kiosk,
    action: CommandAction,
    parameters: dict[str, Any],
    who: Principal,
    *,
    wait: bool = True,
    payload: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
) -> CommandResponse:
    """Record a command, push it to the PC and (``wait``) wait a few seconds for its answer.

    ``payload`` goes in the frame but not in the record (a whole policy); ``note`` goes in
    the record only (which policy version it was)."""
    frame = Command(
        command_id=secrets.token_urlsafe(12),
        action=action,
        by=who.staff.username,
        **parameters,
        **(payload or {}),
    )
    answer = CommandResponse(
        command_id=frame.command_id, kiosk_id=kiosk.id, action=action.value, status="offline"
    )
    try:
        future = await console.hub.push(kiosk.id, frame, {**parameters, **(note or {})})
    except KioskOffline:
        return answer
    if not wait:
        future.add_done_callback(ignore_result)
        return answer.model_copy(update={"status": "pending"})
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
    kiosk_id: KioskFilter = None,
    since: Annotated[Instant | None, Query(description="From (inclusive).")] = None,
    until: Annotated[Instant | None, Query(description="To (exclusive).")] = None,
) -> _EventFilter:
    return _EventFilter(kind, kiosk_id, _aware(since), _aware(until))


@dataclass(frozen=True)
class _Paging:
    limit: int
    offset: int


def _paging(
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
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
        kiosk_id: KioskFilter = None,
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


# -- tickets, members, help queue --------------------------------------------------------

_409 = {**_403, 404: {"model": Problem}, 409: {"model": Problem}}


def _ticket_model(ticket: Ticket, now: dt.datetime) -> TicketModel:
    return TicketModel(
        ref=ticket.ref,
        minutes=ticket.minutes,
        free_pages=ticket.free_pages,
        valid_until=ticket.valid_until,
        created_at=ticket.created_at,
        made_by=ticket.made_by,
        state="used" if ticket.used_at else "expired" if ticket.valid_until <= now else "unused",
        used_at=ticket.used_at,
        used_kiosk_id=ticket.used_kiosk_id,
    )


def _ticket_routes(app: FastAPI) -> None:
    @app.post("/api/tickets", status_code=201, responses=_403)
    def create_tickets(console: ConsoleDep, body: TicketsRequest, who: Animator) -> TicketsCreated:
        """Make single-use tickets; their codes are in this answer and nowhere else."""
        valid_until = _aware(body.valid_until)
        assert valid_until is not None
        if valid_until <= console.clock.now():
            raise InvalidInput("valid_until", "must be in the future")
        issued = console.desk.issue_tickets(
            body.count, body.minutes, valid_until, body.free_pages, who.staff.username
        )
        console.auth.audit(
            who.staff.username,
            "tickets_created",
            detail=f"{body.count} x {body.minutes} min, {body.free_pages} pages, "
            f"until {valid_until.isoformat()}",
        )
        return TicketsCreated(
            tickets=[
                IssuedTicketModel(
                    ref=i.ticket.ref,
                    code=i.code,
                    minutes=i.ticket.minutes,
                    free_pages=i.ticket.free_pages,
                    valid_until=i.ticket.valid_until,
                )
                for i in issued
            ]
        )

    @app.get("/api/tickets", responses=_403)
    def tickets(
        console: ConsoleDep,
        _who: Animator,
        state: Annotated[
            TicketStateFilter | None, Query(description="Only used, unused or expired ones.")
        ] = None,
    ) -> list[TicketModel]:
        """Every ticket, newest first, with whether it was used or expired (never its code)."""
        now = console.clock.now()
        found = [_ticket_model(t, now) for t in console.repos.tickets.all()]
        return [t for t in found if state is None or t.state == state]

    @app.post(
        "/api/kiosk/tickets/redeem",
        responses={
            **_403,
            404: {"model": Problem},
            409: {"model": Problem},
            410: {"model": Problem},
            429: {"model": Problem},
        },
    )
    def redeem(console: ConsoleDep, body: RedeemRequest, kiosk: KioskCaller) -> RedeemResponse:
        """For a PC: use a ticket code, once across every PC (404 unknown, 409 already used,
        410 expired, 422 not a code or a digit mistyped, 429 too many unknown codes from
        this PC: Retry-After says when to try again)."""
        try:
            ticket = console.desk.redeem_ticket(body.code, kiosk.id, kiosk.name)
        except (NotFound, TooManyTries) as exc:
            log_event(logger, "ticket_refused", kiosk=kiosk.name, reason=str(exc))
            raise
        log_event(logger, "ticket_redeemed", kiosk=kiosk.name, ref=ticket.ref)
        return RedeemResponse(
            ref=ticket.ref,
            minutes=ticket.minutes,
            free_pages=ticket.free_pages,
            valid_until=ticket.valid_until,
        )


def _member_model(member: Member) -> MemberModel:
    return MemberModel(
        card=member.card,
        nickname=member.nickname,
        daily_allowance_minutes=member.daily_allowance_minutes,
        banned_until=member.banned_until,
        ban_reason=member.ban_reason,
        pin_locked_until=member.pin_locked_until,
        created_at=member.created_at,
    )


CardPath = Annotated[str, Path_(pattern=r"^[A-Za-z0-9-]+$", min_length=3, max_length=40)]


def _member_routes(app: FastAPI) -> None:
    @app.post("/api/members", status_code=201, responses={**_403, 409: {"model": Problem}})
    def create_member(console: ConsoleDep, body: MemberCreate, who: Manager) -> MemberModel:
        """A new member: card number and PIN (kept as an argon2id hash)."""
        member = console.repos.members.add(
            body.card,
            console.auth.hash_password(body.pin),
            body.daily_allowance_minutes,
            body.nickname,
            console.clock.now(),
        )
        console.auth.audit(who.staff.username, "member_created", detail=f"card {member.card}")
        return _member_model(member)

    @app.get("/api/members", responses=_403)
    def members(console: ConsoleDep, _who: Manager) -> list[MemberModel]:
        """Every member, by card number."""
        return [_member_model(m) for m in console.repos.members.all()]

    @app.patch("/api/members/{card}", responses={**_403, 404: {"model": Problem}})
    def change_member(
        console: ConsoleDep, card: CardPath, body: MemberPatch, who: Manager
    ) -> MemberModel:
        """Change the allowance or nickname, or reset the PIN (only the fields sent)."""
        values: dict[str, Any] = {}
        for name in body.model_fields_set:
            if name == "pin":
                if body.pin is None:
                    raise InvalidInput("pin", "a PIN cannot be removed, only reset")
                values["pin_hash"] = console.auth.hash_password(body.pin)
            else:
                values[name] = getattr(body, name)
        member = console.repos.members.update(card, **values)
        changed = ", ".join(sorted("pin reset" if n == "pin" else n for n in body.model_fields_set))
        console.auth.audit(
            who.staff.username, "member_changed", detail=f"card {card}: {changed or 'nothing'}"
        )
        return _member_model(member)

    @app.post("/api/members/{card}/ban", responses={**_403, 404: {"model": Problem}})
    def ban(console: ConsoleDep, card: CardPath, body: BanRequest, who: Manager) -> MemberModel:
        """Refuse this card at every PC until a date (inclusive), saying why."""
        if body.until < console.desk.today():
            raise InvalidInput("until", "must be today or later")
        member = console.repos.members.update(card, banned_until=body.until, ban_reason=body.reason)
        console.auth.audit(
            who.staff.username,
            "member_banned",
            detail=f"card {card} until {body.until.isoformat()}: {body.reason}",
        )
        return _member_model(member)

    @app.post("/api/members/{card}/unban", responses={**_403, 404: {"model": Problem}})
    def unban(console: ConsoleDep, card: CardPath, who: Manager) -> MemberModel:
        """Lift a ban."""
        member = console.repos.members.update(card, banned_until=None, ban_reason=None)
        console.auth.audit(who.staff.username, "member_unbanned", detail=f"card {card}")
        return _member_model(member)

    @app.post(
        "/api/kiosk/members/check",
        responses={401: {"model": Problem}, 403: {"model": Problem}, 429: {"model": Problem}},
    )
    def check_member(
        console: ConsoleDep, body: MemberCheckRequest, kiosk: KioskCaller
    ) -> MemberCheckResponse:
        """For a PC: is this card's PIN right, and how long may the member use a PC today
        (across every PC). 403 for a wrong PIN or a ban; 429 after five wrong PINs."""
        try:
            found = console.desk.check_member(body.card, body.pin)
        except (Forbidden, TooManyTries) as exc:
            log_event(logger, "member_refused", kiosk=kiosk.name, reason=str(exc))
            raise
        allowance = found.member.daily_allowance_minutes
        return MemberCheckResponse(
            card=found.member.card,
            nickname=found.member.nickname,
            daily_allowance_seconds=None if allowance is None else allowance * 60,
            remaining_seconds=found.remaining_seconds,
            pages_printed_today=found.pages_printed_today,
        )


def _help_model(call: HelpCall, now: dt.datetime) -> HelpCallModel:
    waited_until = call.taken_at or call.done_at or now
    return HelpCallModel(
        id=call.id,
        kiosk_id=call.kiosk_id,
        kiosk_name=call.kiosk_name,
        requested_at=call.requested_at,
        waiting_seconds=max(0, int((waited_until - call.requested_at).total_seconds())),
        taken_at=call.taken_at,
        taken_by=call.taken_by,
        done_at=call.done_at,
        done_by=call.done_by,
        accompanied_seconds=call.accompanied_seconds,
        reason="ticket_forged" if call.reason == TICKET_FORGED else None,
    )


def _help_routes(app: FastAPI) -> None:
    @app.get("/api/help", responses=_403)
    def help_queue(console: ConsoleDep, _who: Animator) -> list[HelpCallModel]:
        """PCs waiting for help (or being helped), oldest call first, with the waiting time."""
        now = console.clock.now()
        return [_help_model(c, now) for c in console.repos.help.open_calls()]

    @app.post("/api/help/{kiosk_id}/take", responses=_409)
    def take(console: ConsoleDep, kiosk_id: KioskId, who: Animator) -> HelpCallModel:
        """I go to this PC: the call is taken by me, now."""
        now = console.clock.now()
        call = console.repos.help.take(kiosk_id, who.staff.username, now)
        console.auth.audit(who.staff.username, "help_taken", kiosk_id=kiosk_id)
        return _help_model(call, now)

    @app.post("/api/help/{kiosk_id}/done", responses=_409)
    async def done(console: ConsoleDep, kiosk_id: KioskId, who: Animator) -> HelpCallModel:
        """The visitor was helped: the accompanied time (done - taken) is recorded, and the
        PC stops saying someone is coming (the visitor may ask again)."""
        now = console.clock.now()
        call = await run_in_threadpool(console.repos.help.done, kiosk_id, who.staff.username, now)
        await run_in_threadpool(
            console.auth.audit,
            who.staff.username,
            "help_done",
            kiosk_id=kiosk_id,
            detail=f"accompanied {call.accompanied_seconds} s",
        )
        await _help_closed(console, call, "done", who)
        return _help_model(call, now)

    @app.post("/api/help/{kiosk_id}/cancel", responses=_409)
    async def cancel(console: ConsoleDep, kiosk_id: KioskId, who: Animator) -> HelpCallModel:
        """Close the call without helping (the visitor left, or asked by mistake): no
        accompanied time; the PC stops saying someone is coming."""
        now = console.clock.now()
        call = await run_in_threadpool(console.repos.help.cancel, kiosk_id, now)
        await run_in_threadpool(
            console.auth.audit, who.staff.username, "help_cancelled", kiosk_id=kiosk_id
        )
        await _help_closed(console, call, "cancelled", who)
        return _help_model(call, now)


async def _help_closed(console: Console, call: HelpCall, reason: str, who: Principal) -> None:
    """Tell the PC its visitor's call is closed (not for the console's own calls: the
    visitor did not ask)."""
    if call.reason is None:
        await console.hub.help_answered(call.kiosk_id, reason, who.staff.username)


# -- policy, workshops, usage ------------------------------------------------------------


def _policy_state(found: policy_store.PolicyInForce) -> PolicyState:
    record = found.record
    return PolicyState(
        version=found.version,
        policy=policy_store.as_data(found.policy),
        policy_version=found.policy.version,
        changed_at=record.changed_at if record else None,
        changed_by=record.changed_by if record else None,
    )


def _policy_routes(app: FastAPI) -> None:
    @app.get("/api/policy", responses=_403)
    def policy(console: ConsoleDep, _who: Animator) -> PolicyState:
        """The kiosks' policy in force (version 0: the bundled default, never changed)."""
        return _policy_state(policy_store.in_force(console.repos.policies.current()))

    @app.put("/api/policy", responses=_403)
    async def change_policy(console: ConsoleDep, body: PolicyChange, who: Manager) -> PolicyState:
        """A new policy (all of it, or what differs from the bundled default): checked, kept
        as a new version and pushed to every PC online; a bad field changes nothing."""
        new = policy_store.validate(body.policy)
        data = policy_store.as_data(new)
        repos = console.repos
        record = await run_in_threadpool(
            repos.policies.add, data, new.version, who.staff.username, console.clock.now()
        )
        await run_in_threadpool(
            console.auth.audit,
            who.staff.username,
            "policy_changed",
            detail=f"version {record.version} ({record.policy_version})",
        )
        log_event(logger, "policy_changed", version=record.version, policy=new.version)
        note = {"version": record.version, "policy_version": record.policy_version}
        for kiosk_id in console.hub.online_ids():
            kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
            if kiosk is None or kiosk.revoked_at is not None:
                continue
            if kiosk.policy_version == record.policy_version:
                continue
            await _dispatch(
                console,
                kiosk,
                CommandAction.POLICY_UPDATE,
                {},
                who,
                wait=False,
                payload={"policy": data},
                note=note,
            )
        return _policy_state(policy_store.PolicyInForce(record.version, new, record))

    @app.get("/api/policy/history", responses=_403)
    def policy_history(console: ConsoleDep, _who: Manager) -> list[PolicyHistoryItem]:
        """Every version of the policy set at the console, newest first."""
        return [
            PolicyHistoryItem(
                version=r.version,
                policy_version=r.policy_version,
                changed_at=r.changed_at,
                changed_by=r.changed_by,
            )
            for r in console.repos.policies.history()
        ]


@dataclass(frozen=True)
class _Days:
    start: dt.date
    end: dt.date


def _days(
    start: Annotated[Day, Query(description="First local day (YYYY-MM-DD), 2000-2099.")],
    end: Annotated[Day, Query(description="Last local day, included.")],
) -> _Days:
    if start > end:
        raise InvalidInput("start", f"must be on or before end ({end.isoformat()})")
    if (end - start).days + 1 > usage_review.MAX_DAYS:
        raise InvalidInput("end", f"a period is at most {usage_review.MAX_DAYS} days")
    return _Days(start, end)


def _optional_days(
    console: ConsoleDep,
    start: Annotated[Day | None, Query(description="First local day; 30 days ago.")] = None,
    end: Annotated[Day | None, Query(description="Last local day, included; today.")] = None,
) -> _Days:
    last = end or console.desk.today()
    return _days(start or min(last, console.desk.today()) - dt.timedelta(days=30), last)


Days = Annotated[_Days, Depends(_days)]


_WORKSHOP_STATUS = {
    "offline": "the PC is not connected: nothing was sent",
    "pending": "sent; the PC has not answered yet",
}


def _workshop_routes(app: FastAPI) -> None:
    @app.post("/api/workshops", status_code=201, responses={**_403, 422: {"model": Problem}})
    async def start_workshop(
        console: ConsoleDep, body: WorkshopRequest, who: Animator
    ) -> WorkshopModel:
        """Start a session without login on each PC for the workshop's minutes; each PC's
        answer is in ``results`` (``offline``: not connected)."""
        repos = console.repos
        kiosks: list[Kiosk] = []
        for kiosk_id in dict.fromkeys(body.kiosk_ids):
            kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
            if kiosk is None or kiosk.revoked_at is not None:
                raise InvalidInput("kiosk_ids", f"no enrolled PC with id {kiosk_id}")
            kiosks.append(kiosk)
        workshop = await run_in_threadpool(
            lambda: repos.workshops.add(
                body.title,
                body.minutes,
                body.participants,
                [k.id for k in kiosks],
                by=who.staff.username,
                now=console.clock.now(),
            )
        )
        await run_in_threadpool(
            console.auth.audit,
            who.staff.username,
            "workshop_started",
            detail=f"{body.title}: {body.minutes} min, {body.participants} participants, "
            f"on {', '.join(k.name for k in kiosks)}",
        )
        parameters = {
            "minutes": body.minutes,
            "text": body.title,
            "workshop_id": str(workshop.id),
        }
        answers = await asyncio.gather(
            *(_dispatch(console, k, CommandAction.WORKSHOP, parameters, who) for k in kiosks)
        )
        results = [
            {
                "kiosk_id": a.kiosk_id,
                "ok": bool(a.ok),
                "code": a.code if a.status in ("done", "failed") else a.status,
                "message": a.message or _WORKSHOP_STATUS.get(a.status),
            }
            for a in answers
        ]
        stored = await run_in_threadpool(repos.workshops.set_results, workshop.id, results)
        return usage_review.workshop_model(stored)

    @app.get("/api/workshops", responses=_403)
    def workshops(
        console: ConsoleDep,
        _who: Animator,
        days: Annotated[_Days, Depends(_optional_days)],
    ) -> list[WorkshopModel]:
        """Workshops started in a period of local days (the last 30 by default), oldest
        first."""
        low, high = usage_review.bounds(days.start, days.end, console.desk.timezone)
        return [usage_review.workshop_model(w) for w in console.repos.workshops.between(low, high)]


def _usage_inputs(console: Console, days: _Days) -> dict[str, Any]:
    period = usage_review.Period(days.start, days.end, console.desk.timezone)
    low, high = period.bounds()
    repos = console.repos
    return {
        "period": period,
        "sessions": repos.sessions.overlapping(low, high),
        "calls": repos.help.between(low, high),
        "kiosks": repos.kiosks.all(include_revoked=True),
        "workshops": repos.workshops.between(low, high),
        "policy": policy_store.in_force(repos.policies.current()).policy,
        "now": console.clock.now(),
    }


def _usage_routes(app: FastAPI) -> None:
    @app.get("/api/usage", responses=_403)
    def usage(console: ConsoleDep, _who: Manager, days: Days) -> UsageReport:
        """Anonymous usage of a period of local days (``end`` included, at most 366)."""
        inputs = _usage_inputs(console, days)
        return usage_review.report(inputs.pop("period"), **inputs)

    @app.get(
        "/api/usage.csv",
        responses={**_403, 200: {"content": {"text/csv": {}}}},
        response_class=Response,
    )
    def usage_csv(
        console: ConsoleDep,
        _who: Manager,
        days: Days,
        table: Annotated[
            Literal["day", "hour", "kiosk", "sessions"],
            Query(description="Which table: per day, per hour, per PC, or one row a session."),
        ] = "day",
    ) -> Response:
        """The usage review as CSV (money in euros), for a spreadsheet or the funder's
        report; no card numbers and no tickets."""
        inputs = _usage_inputs(console, days)
        period = inputs.pop("period")
        if table == "sessions":
            text = usage_review.csv_sessions(
                period, inputs["sessions"], inputs["kiosks"], inputs["now"]
            )
        else:
            text = usage_review.csv_table(usage_review.report(period, **inputs), table)
        name = f"usage-{table}-{days.start.isoformat()}-{days.end.isoformat()}.csv"
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
