"""Session folding: what the PCs' events mean for the sessions table, the tickets and the
help queue and the audit (a staff member's action at a PC).

The repositories store rows; this service decides, event by event, which session row a
start, an end or a print changes and how, and which help call a PC's call or its
session's end opens or closes (see :class:`SessionFolding`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from admin_console.server.db.models import KioskRow, StaffRow
from admin_console.server.db.repositories.audit import audit_line, kiosk_who
from admin_console.server.db.repositories.events import PRINTED_SIGN, Arrival, NewEvent
from admin_console.server.db.repositories.help import (
    TICKET_FORGED,
    call_staff,
    close_waiting,
    kiosks_waiting,
    open_call,
)
from admin_console.server.db.repositories.sessions import (
    count_help_later,
    count_marked_help,
    find_session_rows,
    session_at,
    session_row,
)
from admin_console.server.db.repositories.tickets import use_ticket
from epn_shared.ticket_codes import stored_digest

_MAX_STORED_COUNT = 2**31 - 1
"""The largest count a session row holds (PostgreSQL's ``integer``)."""


def _stored_count(value: int) -> int:
    """A session's pages, sheets or money as stored: never below nothing (a release taken
    back whose release never reached the console), and never past the column, however many
    jobs of the largest size one PC token reports for one session."""
    return max(0, min(value, _MAX_STORED_COUNT))


_OF_A_SESSION = frozenset({"session_started", "session_ended", "print_job"})
"""The events whose ``session_id`` names the session row they change."""

PC_PIN = "PC PIN"
"""Who the audit names for an action at a PC behind its own first-run PIN (no staff
member's), or behind the PIN of an account the console no longer has."""
PC_ACTION_PREFIX = "pc_"
"""Prefix of the audit action of what a staff member did at a PC (``pc_end_session``)."""


def staff_action_audit(s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime) -> None:
    """The audit line of a staff member's action at a PC (a ``staff_action`` event), under
    their username, written once with the event."""
    staff_id = e.body.get("staff_id")
    row = s.get(StaffRow, staff_id) if isinstance(staff_id, int) else None
    who = row.username if row is not None else PC_PIN
    action = (PC_ACTION_PREFIX + str(e.body.get("action") or "action"))[:40]
    audit_line(s, who, action, now, kiosk_id=kiosk_id, detail=str(e.body.get("detail") or ""))


class SessionFolding:
    """Writes what a PC's new events mean: the start, end and prints of its sessions, the
    tickets it let in offline, then its help calls (a call asked opens one, a session's
    end closes the one nobody took). :class:`EventRepository` calls it in the transaction
    that stores the events, for the new ones only, so each event counts exactly once.

    ``ticket_key`` keys the digest of a code a PC let in offline before it is looked up:
    tickets are stored by :func:`stored_digest`, never by the plain SHA-256 a PC sends."""

    def __init__(self, ticket_key: bytes) -> None:
        self._ticket_key = ticket_key

    def __call__(self, s: Session, arrivals: Sequence[Arrival]) -> None:
        """Fold the new events of these PCs into the rows of ``s``'s transaction, one PC
        after the other: its sessions first, then the help queue (as the PC sent them, each
        in order); then the help calls of every session that changed, counted once.

        The rows a batch needs are looked up together first, so a batch of a thousand
        PCs' events costs a few queries, not several per event."""
        find_session_rows(
            s,
            {
                str(e.body["session_id"])
                for a in arrivals
                for e in a.events
                if e.kind in _OF_A_SESSION and e.body.get("session_id")
            },
        )
        ending = {a.kiosk_id for a in arrivals for e in a.events if e.kind == "session_ended"}
        waiting = kiosks_waiting(s, ending)
        for arrival in arrivals:
            kiosk_id = arrival.kiosk_id
            for e in arrival.events:
                self._fold(s, kiosk_id, e, arrival.received_at)
            for e in arrival.events:
                if e.kind == "help_requested":
                    open_call(s, kiosk_id, e.at, e.event_id)
                    waiting.add(kiosk_id)
                elif e.kind == "session_ended" and kiosk_id in waiting:
                    close_waiting(s, kiosk_id, e.at)
        count_marked_help(s)

    def _fold(self, s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime) -> None:
        body = e.body
        if e.kind in ("session_started", "session_ended"):
            row = session_row(s, kiosk_id, str(body.get("session_id")))
            if row is None:
                return
            if e.kind == "session_started":
                row.started_at = e.at
                row.login = body.get("login")
                row.language = body.get("language")
                row.rules_version = body.get("rules_version")
                row.granted_seconds = body.get("seconds")
                row.offline = bool(body.get("offline"))
                row.workshop_id = body.get("workshop_id")
                # Only a code's digest spends a ticket; a reference (public, printed on the
                # sheet) reported by a PC marks nothing.
                if body.get("ticket_digest"):
                    self._use_offline_ticket(s, kiosk_id, e, now)
            else:
                row.ended_at = e.at
                row.seconds_used = body.get("seconds_used")
                row.extended_seconds = int(body.get("extended_seconds") or 0)
                row.end_reason = body.get("reason")
            count_help_later(s, row)
        elif e.kind == "staff_action":
            staff_action_audit(s, kiosk_id, e, now)
        elif e.kind == "print_job" and str(body.get("outcome")) in PRINTED_SIGN:
            sign = PRINTED_SIGN[str(body.get("outcome"))]
            session_id = body.get("session_id")
            found = (
                session_row(s, kiosk_id, str(session_id))
                if session_id
                else session_at(s, kiosk_id, e.at)
            )
            if found is None:
                return
            found.pages = _stored_count(found.pages + sign * int(body.get("pages") or 0))
            found.sheets = _stored_count(found.sheets + sign * int(body.get("sheets") or 0))
            found.cost_cents = _stored_count(
                found.cost_cents + sign * int(body.get("cost_cents") or 0)
            )

    def _use_offline_ticket(self, s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime) -> None:
        """A PC let a code in while the console was away (``ticket_digest``): mark the ticket
        used, audit a second use elsewhere, and call staff to a PC that let in a code this
        console never issued. Each line is written once: this runs for new events only."""
        code_sha256 = stored_digest(self._ticket_key, str(e.body.get("ticket_digest")))
        at = e.at
        who = kiosk_who(s, kiosk_id)
        name = who.removeprefix("kiosk ")

        def audit(action: str, detail: str) -> None:
            audit_line(s, who, action, now, kiosk_id=kiosk_id, detail=detail)

        ticket, spent = use_ticket(s, code_sha256, kiosk_id, at, unexpired=False)
        when = f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
        if ticket is None:
            # Forged: a guess that matched the key's check digits, or the key itself taken from
            # a PC. The session is over or running; someone should go and look.
            detail = (
                f"a ticket code this console never issued was accepted offline at {when} "
                f"on {name} ({e.body.get('seconds')} s)"
            )
            audit(TICKET_FORGED, detail)
            call_staff(s, kiosk_id, TICKET_FORGED, e.event_id, now)
            return
        if spent:
            detail = f"ticket {ticket.ref}: {ticket.minutes} min, used offline at {when}"
            audit("ticket_used_offline", detail)
            return
        if ticket.used_at is None:
            return  # cannot happen: the update above would have marked it
        first = s.get(KioskRow, ticket.used_kiosk_id) if ticket.used_kiosk_id else None
        detail = (
            f"ticket {ticket.ref}: first used at {ticket.used_at:%Y-%m-%d %H:%M} UTC on "
            f"{first.name if first else '?'}, again at {when} on {name} (kept the first use)"
        )
        audit("ticket_used_twice", detail)
