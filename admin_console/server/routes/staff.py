"""A staff member's own login: log in, log out, who am I; and the first admin account,
made in the console window on the console machine while no account exists."""

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
    Role,
)
from admin_console.server.console import Console
from admin_console.server.errors import Forbidden
from admin_console.server.limits import client_key
from admin_console.server.routes.deps import ConsoleDep, Staff, problems
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")
router = APIRouter()


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


@router.get("/api/me", responses=problems(401))
def me(who: Staff) -> Me:
    """Who this token belongs to."""
    return Me(
        id=who.staff.id,
        username=who.staff.username,
        role=who.role,
        token_expires_at=who.expires_at,
    )
