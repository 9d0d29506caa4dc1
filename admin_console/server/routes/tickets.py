"""Tickets: staff make and list them; a PC redeems a code once across every PC."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

from fastapi import APIRouter, Query

from admin_console.api.tickets import (
    RedeemRequest,
    RedeemResponse,
    StoredTicket,
    Ticket,
    TicketsCreated,
    TicketsRequest,
    TicketState,
)
from admin_console.server.errors import InvalidInput, NotFound, TooManyTries
from admin_console.server.routes.deps import Animator, ConsoleDep, KioskCaller, aware, problems
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")
router = APIRouter()


def _listed(ticket: StoredTicket, now: dt.datetime) -> Ticket:
    return Ticket(**dict(ticket), state=ticket.state_at(now))


@router.post("/api/tickets", status_code=201, responses=problems(401, 403))
def create_tickets(console: ConsoleDep, body: TicketsRequest, who: Animator) -> TicketsCreated:
    """Make single-use tickets; their codes are in this answer and nowhere else."""
    valid_until = aware(body.valid_until)
    assert valid_until is not None
    if valid_until <= console.clock.now():
        raise InvalidInput("valid_until", "must be in the future")
    issued = console.visitor_access.issue_tickets(
        body.count, body.minutes, valid_until, body.free_pages, who.staff.username
    )
    console.auth.audit(
        who.staff.username,
        "tickets_created",
        detail=f"{body.count} x {body.minutes} min, {body.free_pages} pages, "
        f"until {valid_until.isoformat()}",
    )
    return TicketsCreated(tickets=issued)


@router.get("/api/tickets", responses=problems(401, 403))
def tickets(
    console: ConsoleDep,
    _who: Animator,
    state: Annotated[
        TicketState | None, Query(description="Only used, unused or expired ones.")
    ] = None,
) -> list[Ticket]:
    """Every ticket, newest first, with whether it was used or expired (never its code)."""
    now = console.clock.now()
    found = [_listed(t, now) for t in console.repos.tickets.all()]
    return [t for t in found if state is None or t.state == state]


@router.post("/api/kiosk/tickets/redeem", responses=problems(401, 403, 404, 409, 410, 429))
def redeem(console: ConsoleDep, body: RedeemRequest, kiosk: KioskCaller) -> RedeemResponse:
    """For a PC: use a ticket code, once across every PC (404 unknown, 409 already used,
    410 expired, 422 not a code or a digit mistyped, 429 too many unknown codes from
    this PC: Retry-After says when to try again)."""
    try:
        ticket = console.visitor_access.redeem_ticket(body.code, kiosk.id, kiosk.name)
    except (NotFound, TooManyTries) as exc:
        log_event(logger, "ticket_refused", kiosk=kiosk.name, reason=str(exc))
        raise
    log_event(logger, "ticket_redeemed", kiosk=kiosk.name, ref=ticket.ref)
    return RedeemResponse.model_validate(ticket, from_attributes=True)
