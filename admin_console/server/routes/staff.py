"""A staff member's own login: log in, log out, who am I."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from admin_console.api.staff import LoginRequest, LoginResponse, Me, Role
from admin_console.server.limits import client_key
from admin_console.server.routes.deps import ConsoleDep, Staff, problems

router = APIRouter()


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
