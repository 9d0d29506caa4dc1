"""The PCs' power from the console: restart, switch off, wake up (Wake-on-LAN), one PC or
several at once, each PC's action in the audit log.

One PC's restart and shut-down go through ``POST /api/kiosks/{id}/commands`` like any
staff command (animators: a frozen PC is restarted by whoever is in the room); waking one
PC is ``POST /api/kiosks/{id}/wake`` (animators: a PC switched off by mistake is switched
on again). ``POST /api/kiosks/power`` acts on several PCs at once and needs a manager:
it ends every visitor's session in the room at once, a decision for the room as a whole.
Its list of PCs is where a site's PCs go once sites exist.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.room import CommandResponse, PowerRequest, PowerResponse, PowerResult
from admin_console.server.auth import Principal
from admin_console.server.console import Console
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import Conflict, InvalidInput
from admin_console.server.routes.deps import Animator, ConsoleDep, KioskId, Manager, problems
from admin_console.server.routes.kiosks import dispatch, live_kiosk
from admin_console.server.wake import send_magic_packet
from epn_shared.json_log import event as log_event
from epn_shared.protocol import CommandAction

logger = logging.getLogger("admin_console.api")
router = APIRouter()


@router.post("/api/kiosks/power", responses=problems(401, 403, 422, 502))
async def power(console: ConsoleDep, body: PowerRequest, who: Manager) -> PowerResponse:
    """Restart, switch off or wake each PC of ``kiosk_ids`` (PCs of the caller's sites);
    one result per PC. Any id that is not an enrolled PC of theirs refuses the whole
    request (422): nothing is sent."""
    known = {k.id: k for k in await run_in_threadpool(console.repos.kiosks.all)}
    kiosks = []
    for kiosk_id in body.kiosk_ids:
        kiosk = known.get(kiosk_id)
        if kiosk is None or not who.sees(kiosk.site_id):  # another site's: as none
            raise InvalidInput("kiosk_ids", f"no enrolled PC with id {kiosk_id}")
        kiosks.append(kiosk)
    note = f"one of {len(kiosks)} PCs"
    if body.action == "wake":
        results = await run_in_threadpool(_wake_each, console, kiosks, who, note)
    else:
        action = CommandAction(body.action)
        for kiosk in kiosks:
            await run_in_threadpool(_audit, console, who, action.value, kiosk, note)
        answers = await asyncio.gather(
            *(dispatch(console, kiosk, action, {}, who) for kiosk in kiosks)
        )
        results = [_result(kiosk, answer) for kiosk, answer in zip(kiosks, answers, strict=True)]
    return PowerResponse(action=body.action, results=results)


@router.post("/api/kiosks/{kiosk_id}/wake", responses=problems(401, 403, 404, 409, 502))
async def wake(console: ConsoleDep, who: Animator, kiosk_id: KioskId) -> PowerResult:
    """Send the PC's Wake-on-LAN packet: a PC whose network card is not known (it never
    connected from a card) is a 409, nothing sent."""
    kiosk = await live_kiosk(console, kiosk_id)
    if kiosk.mac is None:
        raise Conflict(
            f"PC {kiosk.name} has never said its network card address, so it cannot be woken "
            "from the console: switch it on by hand once, connected to the network"
        )
    (result,) = await run_in_threadpool(_wake_each, console, [kiosk], who, "")
    return result


def _wake_each(
    console: Console, kiosks: list[Kiosk], who: Principal, note: str
) -> list[PowerResult]:
    """Send each PC with a known card its packet (audited); ``no_mac`` for the others."""
    settings = console.settings
    results = []
    for kiosk in kiosks:
        if kiosk.mac is None:
            results.append(PowerResult(kiosk_id=kiosk.id, name=kiosk.name, status="no_mac"))
            continue
        where = f"to {settings.wake_address}:{settings.wake_port}"
        _audit(console, who, "wake", kiosk, f"{note}, {where}" if note else where)
        send_magic_packet(kiosk.mac, settings.wake_address, settings.wake_port)
        log_event(logger, "kiosk_woken", kiosk=kiosk.name, kiosk_id=kiosk.id)
        results.append(PowerResult(kiosk_id=kiosk.id, name=kiosk.name, status="done"))
    return results


def _audit(console: Console, who: Principal, action: str, kiosk: Kiosk, detail: str) -> None:
    console.auth.audit(who.staff.username, f"command_{action}", kiosk_id=kiosk.id, detail=detail)


def _result(kiosk: Kiosk, answer: CommandResponse) -> PowerResult:
    if answer.status == "failed":
        return PowerResult(
            kiosk_id=kiosk.id,
            name=kiosk.name,
            status="refused",
            code=answer.code,
            message=answer.message,
        )
    return PowerResult(kiosk_id=kiosk.id, name=kiosk.name, status=answer.status)
