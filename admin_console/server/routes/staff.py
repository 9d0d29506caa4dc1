"""A staff member's own login and account: log in, log out, who am I, their name for the
PCs, language, password and PIN; and the first admin account, made in the console window
on the console machine while no account exists."""

from __future__ import annotations

import asyncio
import ipaddress
import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from admin_console.api.staff import (
    FirstAdminRequest,
    FirstAdminState,
    LoginRequest,
    LoginResponse,
    Me,
    MyChange,
    NewPassword,
    NewPin,
    Role,
)
from admin_console.server.auth import LoginAttempt, Principal
from admin_console.server.console import Console
from admin_console.server.db.repositories.staff import Staff as StaffRecord
from admin_console.server.errors import Forbidden, InvalidInput
from admin_console.server.limits import client_key
from admin_console.server.routes.deps import ConsoleDep, Staff, problems
from admin_console.server.routes.team import after_change
from epn_shared.json_log import event as log_event
from epn_shared.staff_pins import pin_problem, sentence

logger = logging.getLogger("admin_console.api")
router = APIRouter()

PASSWORD_CHANGED = "your password was changed on another computer: log in again"


def _from_console_machine(request: Request, console: Console) -> bool:
    """True when the request's peer (the socket's address, never a header: the console
    reads no X-Forwarded-For) is one of the console machine's own addresses."""
    host = request.client.host if request.client else None
    try:
        peer = ipaddress.ip_address(host or "")
    except ValueError:
        return False  # a unix socket or no address: not known to be this machine
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer in network for network in console.settings.console_machine)


@router.get("/api/first-admin")
def first_admin(request: Request, console: ConsoleDep) -> FirstAdminState:
    """Whether the console still has no staff account, and whether this request comes from
    the console machine, where the window may make the first admin account."""
    return FirstAdminState(
        needed=console.repos.staff.count() == 0,
        allowed_here=_from_console_machine(request, console),
    )


@router.post("/api/first-admin", status_code=201, responses=problems(403, 409))
async def create_first_admin(
    request: Request, console: ConsoleDep, body: FirstAdminRequest
) -> LoginResponse:
    """Make the console's first account, an admin, and log it in: only from the console
    machine itself (403 from anywhere else) and only while no account exists (409 once
    one does, for good). Of several requests at once, exactly one makes an account."""
    peer = request.client.host if request.client else "unknown"
    if not _from_console_machine(request, console):
        log_event(logger, "first_admin_refused", level=logging.WARNING, peer=peer)
        raise Forbidden("the first admin account can only be made on the console machine")
    done = await run_in_threadpool(console.auth.create_first_admin, body.username, body.password)
    log_event(logger, "first_admin_created", username=done.staff.username)
    return LoginResponse(
        token=done.token,
        expires_at=done.expires_at,
        username=done.staff.username,
        role=Role(done.staff.role),
    )


@router.post("/api/login", responses=problems(401, 429))
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


@router.post("/api/logout", status_code=204, responses=problems(401))
def logout(console: ConsoleDep, who: Staff) -> None:
    """Forget this token."""
    console.auth.logout(who)


def _me(principal: Principal, staff: StaffRecord) -> Me:
    return Me(
        id=staff.id,
        username=staff.username,
        role=Role(staff.role),
        token_expires_at=principal.expires_at,
        display_name=staff.display_name,
        language=staff.language,  # the column holds fr, nl or en
        has_pin=staff.has_pin,
    )


@router.get("/api/me", responses=problems(401))
def me(who: Staff) -> Me:
    """Who this token belongs to: their account, name for the PCs, language, and whether
    they have a PIN for the PCs' staff key."""
    return _me(who, who.staff)


@router.patch("/api/me", responses=problems(401, 422))
async def change_me(console: ConsoleDep, body: MyChange, who: Staff) -> Me:
    """Change one's own name for the PCs and language; the PCs get them."""
    changed = await run_in_threadpool(
        lambda: console.team.change_mine(
            who, display_name=body.display_name, language=body.language
        )
    )
    await after_change(console, changed)
    return _me(who, changed.staff)


async def _current_password_try(request: Request, console: Console, who: Principal) -> LoginAttempt:
    """A check of one's current password, counted as a login try (wrong ones make this
    client wait, 429): a stolen token cannot guess the password behind it."""
    client = client_key(request.client.host if request.client else None)
    attempt = console.auth.throttle.begin(who.staff.username, client)
    if attempt.delay:
        await asyncio.sleep(attempt.delay)
    return attempt


@router.put("/api/me/password", status_code=204, responses=problems(401, 403, 422, 429))
async def change_my_password(
    request: Request, console: ConsoleDep, body: NewPassword, who: Staff
) -> None:
    """Change one's own password; ``current_password`` is needed (403 if wrong, counted as
    a wrong login). One's other logins are logged out; this one stays."""
    if body.current_password is None:
        raise InvalidInput("current_password", "type your current password")
    attempt = await _current_password_try(request, console, who)
    await run_in_threadpool(
        console.team.change_my_password, who, body.current_password, body.password, attempt
    )
    console.hub.log_out_staff(who.staff.id, PASSWORD_CHANGED, keep_token=who.token_sha256)


@router.put("/api/me/pin", status_code=204, responses=problems(401, 403, 422, 429))
async def set_my_pin(request: Request, console: ConsoleDep, body: NewPin, who: Staff) -> None:
    """Set one's own PIN for the staff key at the PCs, or clear it (``pin`` null); the
    current password is needed (403 if wrong, counted as a wrong login). A PIN breaking the
    rule is a 422 naming ``pin``. Every PC gets the new roster at once, an offline one at
    its next connection."""
    if body.pin is not None:
        problem = pin_problem(body.pin)
        if problem is not None:
            raise InvalidInput("pin", sentence(problem))
    attempt = await _current_password_try(request, console, who)
    await run_in_threadpool(console.team.set_my_pin, who, body.pin, body.current_password, attempt)
    await console.hub.roster_changed()
