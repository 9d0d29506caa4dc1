"""Enrolling a PC: a pairing code from an admin; the PC pairs with it (``/api/pair/*``,
no fingerprint typed) or, for scripts that pin the fingerprint, enrolls with it whole
(``/api/enroll``); the PC's own view."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from admin_console.api.room import KioskSelf, PairingCodeResponse
from admin_console.api.sites import PairingCodeRequest
from admin_console.server.auth import digest, new_token
from admin_console.server.console import Console
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import NotFound, PairingRefused
from admin_console.server.routes.deps import Admin, ConsoleDep, KioskCaller, problems
from epn_shared.json_log import event as log_event
from epn_shared.protocol import (
    EnrollRequest,
    EnrollResponse,
    PairFinishRequest,
    PairStartRequest,
    PairStartResponse,
)

logger = logging.getLogger("admin_console.api")
router = APIRouter()


@router.post("/api/pairing-codes", status_code=201, responses=problems(401, 403, 404, 409))
def pairing_code(
    console: ConsoleDep, who: Admin, body: PairingCodeRequest | None = None
) -> PairingCodeResponse:
    """A one-time code for enrolling one PC into a site (site 1 when not said), valid 10
    minutes; shown only now."""
    site_id = body.site_id if body is not None else 1
    site = console.repos.sites.get(site_id)
    if site is None:
        raise NotFound(f"no site with id {site_id}")
    code, expires_at = console.pairing.create(who.staff.username, site_id)
    console.auth.audit(
        who.staff.username, "pairing_code_created", detail=f"{code.code_id} for {site.name}"
    )
    return PairingCodeResponse(
        code=code.text, expires_at=expires_at, fingerprint=console.settings.fingerprint
    )


@router.post("/api/enroll", status_code=201, responses=problems(403, 409))
def enroll(console: ConsoleDep, body: EnrollRequest) -> EnrollResponse:
    """A PC joins the console with a pairing code and gets its own token (shown once);
    the PC checked the console's certificate itself (its fingerprint, typed)."""
    token = new_token()
    kiosk, made_by = console.pairing.enroll(body.code, body.name, body.location, digest(token))
    return _enrolled(console, kiosk, made_by, token)


@router.post("/api/pair/start", responses=problems(403), response_model_exclude_none=True)
def pair_start(console: ConsoleDep, body: PairStartRequest) -> PairStartResponse:
    """A PC starts pairing with a code's id and its SPAKE2 message; the code is spent
    (one try: ``pairing_started`` in the audit log), and the answer proves the console's
    certificate to the PC."""
    return console.pairing.start(body, console.settings.fingerprint)


@router.post("/api/pair/finish", status_code=201, responses=problems(403, 409))
def pair_finish(console: ConsoleDep, body: PairFinishRequest) -> EnrollResponse:
    """A PC proves it holds the pairing key and saw this console's certificate; it is
    enrolled and gets its own token (shown once)."""
    token = new_token()
    try:
        kiosk, made_by = console.pairing.finish(body, console.settings.fingerprint, digest(token))
    except PairingRefused as exc:
        log_event(logger, "pairing_refused", kiosk=body.name, reason=str(exc))
        raise
    return _enrolled(console, kiosk, made_by, token)


def _enrolled(console: Console, kiosk: Kiosk, made_by: str, token: str) -> EnrollResponse:
    console.auth.audit(made_by, "kiosk_enrolled", kiosk_id=kiosk.id, detail=kiosk.name)
    log_event(logger, "kiosk_enrolled", kiosk=kiosk.name, kiosk_id=kiosk.id)
    return EnrollResponse(kiosk_id=kiosk.id, token=token)


@router.get("/api/kiosk/self", responses=problems(401, 403))
def kiosk_self(kiosk: KioskCaller) -> KioskSelf:
    """For a PC, with its own token: is it still enrolled, and as what."""
    return KioskSelf(id=kiosk.id, name=kiosk.name, location=kiosk.location)
