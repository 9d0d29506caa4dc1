"""The help queue: PCs waiting for an animator, taken, done or cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.help import HelpCallModel
from admin_console.server.auth import Principal
from admin_console.server.console import Console
from admin_console.server.db.repositories.help import TICKET_FORGED, HelpCall
from admin_console.server.routes.deps import Animator, ConsoleDep, KioskId, Sites, problems

router = APIRouter()


def _help_model(call: HelpCall, now: dt.datetime) -> HelpCallModel:
    waited = (call.taken_at or call.done_at or now) - call.requested_at
    return HelpCallModel.model_validate(
        {
            **asdict(call),
            "waiting_seconds": max(0, int(waited.total_seconds())),
            "reason": "ticket_forged" if call.reason == TICKET_FORGED else None,
        }
    )


@router.get("/api/help", responses=problems(401, 403, 404))
def help_queue(console: ConsoleDep, _who: Animator, sites: Sites) -> list[HelpCallModel]:
    """PCs of the caller's sites (or the one asked) waiting for help (or being helped),
    oldest call first, with the waiting time."""
    now = console.clock.now()
    where = None if sites is None else console.repos.sites.kiosk_sites()
    return [
        _help_model(c, now)
        for c in console.repos.help.open_calls()
        if sites is None or where is None or where.get(c.kiosk_id, 0) in sites
    ]


@router.post("/api/help/{kiosk_id}/take", responses=problems(401, 403, 404, 409))
def take(console: ConsoleDep, who: Animator, kiosk_id: KioskId) -> HelpCallModel:
    """I go to this PC: the call is taken by me, now."""
    now = console.clock.now()
    call = console.repos.help.take(kiosk_id, who.staff.username, now)
    console.auth.audit(who.staff.username, "help_taken", kiosk_id=kiosk_id)
    return _help_model(call, now)


@router.post("/api/help/{kiosk_id}/done", responses=problems(401, 403, 404, 409))
async def done(console: ConsoleDep, who: Animator, kiosk_id: KioskId) -> HelpCallModel:
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


@router.post("/api/help/{kiosk_id}/cancel", responses=problems(401, 403, 404, 409))
async def cancel(console: ConsoleDep, who: Animator, kiosk_id: KioskId) -> HelpCallModel:
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
