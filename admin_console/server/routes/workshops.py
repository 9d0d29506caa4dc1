"""Workshops: a session without login on several PCs at once, and the list of them."""

from __future__ import annotations

import asyncio
from functools import partial

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.workshops import Workshop, WorkshopRequest, WorkshopResult
from admin_console.server import usage as usage_review
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import InvalidInput
from admin_console.server.routes.deps import Animator, ConsoleDep, RecentDays, Sites, problems
from admin_console.server.routes.kiosks import dispatch
from epn_shared.protocol import CommandAction

router = APIRouter()

_WORKSHOP_STATUS = {
    "offline": "the PC is not connected: nothing was sent",
    "pending": "sent; the PC has not answered yet",
}


@router.post("/api/workshops", status_code=201, responses=problems(401, 403, 422))
async def start_workshop(console: ConsoleDep, body: WorkshopRequest, who: Animator) -> Workshop:
    """Start a session without login on each PC for the workshop's minutes; each PC's
    answer is in ``results`` (``offline``: not connected)."""
    repos = console.repos
    kiosks: list[Kiosk] = []
    for kiosk_id in dict.fromkeys(body.kiosk_ids):
        kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
        if kiosk is None or kiosk.revoked_at is not None or not who.sees(kiosk.site_id):
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
    # One line per PC, at that PC: each site's staff see the lines of their own PCs only.
    for kiosk in kiosks:
        await run_in_threadpool(
            partial(
                console.auth.audit,
                who.staff.username,
                "workshop_started",
                kiosk_id=kiosk.id,
                detail=f"{body.title}: {body.minutes} min, {body.participants} participants, "
                f"on {kiosk.name} (one of {len(kiosks)} PCs)",
            )
        )
    parameters = {
        "minutes": body.minutes,
        "text": body.title,
        "workshop_id": str(workshop.id),
    }
    answers = await asyncio.gather(
        *(dispatch(console, k, CommandAction.WORKSHOP, parameters, who) for k in kiosks)
    )
    results = [
        WorkshopResult(
            kiosk_id=a.kiosk_id,
            ok=bool(a.ok),
            code=a.code if a.status in ("done", "failed") else a.status,
            message=a.message or _WORKSHOP_STATUS.get(a.status),
        )
        for a in answers
    ]
    return await run_in_threadpool(repos.workshops.set_results, workshop.id, results)


@router.get("/api/workshops", responses=problems(401, 403, 404))
def workshops(
    console: ConsoleDep, _who: Animator, days: RecentDays, sites: Sites
) -> list[Workshop]:
    """Workshops started in a period of local days (the last 30 by default) on PCs of the
    caller's sites (or the one asked), oldest first."""
    low, high = usage_review.bounds(days.start, days.end, console.visitor_access.timezone)
    found = console.repos.workshops.between(low, high)
    if sites is None:
        return found
    where = console.repos.sites.kiosk_sites()
    return [w for w in found if any(where.get(k) in sites for k in w.kiosk_ids)]
