"""Enrolling a PC: a pairing code from an admin, the PC's enrollment, the PC's own view."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from admin_console.api.room import KioskSelf, PairingCodeResponse
from admin_console.server.auth import (
    PAIRING_CODE_LIFETIME,
    digest,
    new_pairing_code,
    new_token,
    normalise_pairing_code,
)
from admin_console.server.routes.deps import Admin, ConsoleDep, KioskCaller, problems
from epn_shared.json_log import event as log_event
from epn_shared.protocol import EnrollRequest, EnrollResponse

logger = logging.getLogger("admin_console.api")
router = APIRouter()


@router.post("/api/pairing-codes", status_code=201, responses=problems(401, 403))
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


@router.post("/api/enroll", status_code=201, responses=problems(403, 409))
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


@router.get("/api/kiosk/self", responses=problems(401, 403))
def kiosk_self(kiosk: KioskCaller) -> KioskSelf:
    """For a PC, with its own token: is it still enrolled, and as what."""
    return KioskSelf(id=kiosk.id, name=kiosk.name, location=kiosk.location)
