"""The room: the PCs with their live status, revoking one, staff commands, out of order.

:func:`dispatch` records a command, pushes it to a PC and waits for its answer; the policy
and workshop routes send theirs through it too."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from starlette.concurrency import run_in_threadpool

from admin_console.api.room import (
    CommandRequest,
    CommandResponse,
    KioskTile,
    OutOfOrderRequest,
)
from admin_console.server.auth import Principal
from admin_console.server.console import Console
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import Conflict, NotFound
from admin_console.server.hub import OUT_OF_ORDER, KioskOffline, ignore_result
from admin_console.server.routes.deps import (
    Admin,
    Animator,
    ConsoleDep,
    KioskId,
    Sites,
    problems,
)
from epn_shared.json_log import event as log_event
from epn_shared.protocol import Command, CommandAction

logger = logging.getLogger("admin_console.api")
router = APIRouter()


@router.get("/api/kiosks", responses=problems(401, 403, 404))
def kiosks(
    console: ConsoleDep,
    _who: Animator,
    sites: Sites,
    include_revoked: Annotated[bool, Query(description="Also list revoked PCs.")] = False,
) -> list[KioskTile]:
    """The room: one entry per PC of the caller's sites (or the one asked), with its live
    status."""
    found = console.repos.kiosks.all(include_revoked)
    return [console.hub.tile(k) for k in found if sites is None or k.site_id in sites]


@router.post("/api/kiosks/{kiosk_id}/revoke", responses=problems(401, 403, 404))
async def revoke(console: ConsoleDep, who: Admin, kiosk_id: KioskId) -> KioskTile:
    """Refuse this PC from now on; its connection is closed."""
    auth = console.auth
    kiosk = await run_in_threadpool(console.repos.kiosks.revoke, kiosk_id, auth.now())
    await run_in_threadpool(
        auth.audit, who.staff.username, "kiosk_revoked", kiosk_id=kiosk.id, detail=kiosk.name
    )
    await console.hub.disconnect(kiosk)
    log_event(logger, "kiosk_revoked", kiosk=kiosk.name, kiosk_id=kiosk.id)
    return console.hub.tile(kiosk)


@router.post("/api/kiosks/{kiosk_id}/commands", responses=problems(401, 403, 404, 409))
async def command(
    console: ConsoleDep,
    who: Animator,
    kiosk_id: KioskId,
    body: Annotated[CommandRequest, Body()],
) -> CommandResponse:
    """Send a staff action to a PC and wait a few seconds for its answer."""
    kiosk = await live_kiosk(console, kiosk_id)
    parameters = body.model_dump(exclude={"action"}, exclude_none=True)
    await run_in_threadpool(
        console.auth.audit,
        who.staff.username,
        f"command_{body.action}",
        kiosk_id=kiosk.id,
        detail=", ".join(f"{k}={v}" for k, v in parameters.items()),
    )
    return await dispatch(console, kiosk, CommandAction(body.action), parameters, who)


@router.post("/api/kiosks/{kiosk_id}/out-of-order", responses=problems(401, 403, 404, 409))
async def out_of_order(
    console: ConsoleDep, who: Animator, kiosk_id: KioskId, body: OutOfOrderRequest
) -> KioskTile:
    """Mark a PC out of order: it is locked now if online, and again each time it
    connects, until put back in order."""
    await live_kiosk(console, kiosk_id)
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
    await dispatch(console, kiosk, CommandAction.LOCK, {"reason": OUT_OF_ORDER}, who, wait=False)
    return console.hub.tile(kiosk)


@router.post("/api/kiosks/{kiosk_id}/back-in-order", responses=problems(401, 403, 404, 409))
async def back_in_order(console: ConsoleDep, who: Animator, kiosk_id: KioskId) -> KioskTile:
    """The PC works again: the flag is lifted and the PC unlocked if online."""
    before = await live_kiosk(console, kiosk_id)
    kiosk = await run_in_threadpool(
        console.repos.kiosks.set_out_of_order, kiosk_id, None, console.clock.now()
    )
    await run_in_threadpool(
        console.auth.audit, who.staff.username, "kiosk_back_in_order", kiosk_id=kiosk.id
    )
    console.hub.kiosk_changed(kiosk)
    if before.out_of_order:
        await dispatch(console, kiosk, CommandAction.UNLOCK, {}, who, wait=False)
    return console.hub.tile(kiosk)


async def live_kiosk(console: Console, kiosk_id: int) -> Kiosk:
    """The PC ``kiosk_id``: :class:`NotFound` if there is none, :class:`Conflict` if it
    was revoked."""
    kiosk = await run_in_threadpool(console.repos.kiosks.get, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no PC with id {kiosk_id}")
    if kiosk.revoked_at is not None:
        raise Conflict(f"PC {kiosk.name} is revoked")
    return kiosk


async def dispatch(
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
