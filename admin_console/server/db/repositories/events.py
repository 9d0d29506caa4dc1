"""Events from PCs, each id stored once, and what they mean for the sessions and tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from admin_console.server.db.models import AuditRow, EventRow, HelpCallRow, KioskRow, TicketRow
from admin_console.server.db.repositories.base import Page, Repository, copy_row, rowcount
from admin_console.server.db.repositories.help import TICKET_FORGED
from admin_console.server.db.repositories.sessions import count_help, session_at, session_row
from admin_console.server.errors import StorageError
from epn_shared.ticket_codes import stored_digest


@dataclass(frozen=True)
class NewEvent:
    """An event as a kiosk reported it, to store once."""

    event_id: str
    at: dt.datetime
    kind: str
    body: dict[str, Any]


@dataclass(frozen=True)
class StoredEvent:
    """An event as the console keeps it."""

    id: int
    event_id: str
    kiosk_id: int
    at: dt.datetime
    kind: str
    body: dict[str, Any]
    received_at: dt.datetime


PRINTED_SIGN = {"released": 1, "not_printed": -1}
"""How a ``print_job`` outcome moves a session's printed pages and money: a release counts,
a release taken back (the job went back on hold before printing) uncounts."""

_MAX_STORED_COUNT = 2**31 - 1
"""The largest count a session row holds (PostgreSQL's ``integer``)."""


def _stored_count(value: int) -> int:
    """A session's pages, sheets or money as stored: never below nothing (a release taken
    back whose release never reached the console), and never past the column, however many
    jobs of the largest size one PC token reports for one session."""
    return max(0, min(value, _MAX_STORED_COUNT))


def _use_offline_ticket(
    s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime, ticket_key: bytes
) -> None:
    """A PC let a code in while the console was away (``ticket_digest``): mark the ticket
    used, audit a second use elsewhere, and call staff to a PC that let in a code this
    console never issued. Each line is written once: this runs for new events only."""
    code_sha256 = stored_digest(ticket_key, str(e.body.get("ticket_digest")))
    at = e.at
    kiosk = s.get(KioskRow, kiosk_id)
    name = kiosk.name if kiosk else str(kiosk_id)
    who = f"kiosk {name}"
    used = s.execute(
        sa.update(TicketRow)
        .where(TicketRow.code_sha256 == code_sha256)
        .where(TicketRow.used_at.is_(None))
        .values(used_at=at, used_kiosk_id=kiosk_id)
    )
    ticket = s.scalars(sa.select(TicketRow).where(TicketRow.code_sha256 == code_sha256)).first()
    when = f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if ticket is None:
        # Forged: a guess that matched the key's check digits, or the key itself taken from
        # a PC. The session is over or running; someone should go and look.
        detail = (
            f"a ticket code this console never issued was accepted offline at {when} "
            f"on {name} ({e.body.get('seconds')} s)"
        )
        s.add(AuditRow(at=now, who=who, action=TICKET_FORGED, kiosk_id=kiosk_id, detail=detail))
        s.add(
            HelpCallRow(
                kiosk_id=kiosk_id, event_id=e.event_id, requested_at=now, reason=TICKET_FORGED
            )
        )
        return
    if rowcount(used) == 1:
        detail = f"ticket {ticket.ref}: {ticket.minutes} min, used offline at {when}"
        s.add(
            AuditRow(
                at=now, who=who, action="ticket_used_offline", kiosk_id=kiosk_id, detail=detail
            )
        )
        return
    if ticket.used_at is None:
        return  # cannot happen: the update above would have marked it
    first = s.get(KioskRow, ticket.used_kiosk_id) if ticket.used_kiosk_id else None
    detail = (
        f"ticket {ticket.ref}: first used at {ticket.used_at:%Y-%m-%d %H:%M} UTC on "
        f"{first.name if first else '?'}, again at {when} on {name} (kept the first use)"
    )
    s.add(AuditRow(at=now, who=who, action="ticket_used_twice", kiosk_id=kiosk_id, detail=detail))


def _fold_event(
    s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime, ticket_key: bytes
) -> None:
    body = e.body
    if e.kind == "session_started":
        row = session_row(s, kiosk_id, str(body.get("session_id")))
        if row is None:
            return
        row.started_at = e.at
        row.login = body.get("login")
        row.language = body.get("language")
        row.rules_version = body.get("rules_version")
        row.granted_seconds = body.get("seconds")
        row.offline = bool(body.get("offline"))
        row.workshop_id = body.get("workshop_id")
        # Only a code's digest spends a ticket; a reference (public, printed on the sheet)
        # reported by a PC marks nothing.
        if body.get("ticket_digest"):
            _use_offline_ticket(s, kiosk_id, e, now, ticket_key)
        count_help(s, row)
    elif e.kind == "session_ended":
        row = session_row(s, kiosk_id, str(body.get("session_id")))
        if row is None:
            return
        row.ended_at = e.at
        row.seconds_used = body.get("seconds_used")
        row.extended_seconds = int(body.get("extended_seconds") or 0)
        row.end_reason = body.get("reason")
        count_help(s, row)
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
        found.cost_cents = _stored_count(found.cost_cents + sign * int(body.get("cost_cents") or 0))


class EventRepository(Repository):
    """Events from kiosks, each id stored once.

    ``ticket_key`` keys the digest of a code a PC let in offline before it is looked up:
    tickets are stored by :func:`stored_digest`, never by the plain SHA-256 a PC sends."""

    def __init__(self, sessions: sessionmaker[Session], ticket_key: bytes) -> None:
        super().__init__(sessions)
        self._ticket_key = ticket_key

    def add_once(
        self, kiosk_id: int, events: Sequence[NewEvent], now: dt.datetime
    ) -> list[NewEvent]:
        """Store these events; ids already stored are skipped (a resend is harmless).

        What the new ones mean for the sessions table and offline tickets is written in the
        same transaction, so each event counts exactly once. Returns the events that were new.
        """
        new: list[NewEvent] = []
        with self._write() as s:
            dialect = s.get_bind().dialect.name
            for e in events:
                row = {
                    "event_id": e.event_id,
                    "kiosk_id": kiosk_id,
                    "at": e.at,
                    "kind": e.kind,
                    "body": e.body,
                    "received_at": now,
                }
                if dialect == "postgresql":
                    insert: Any = postgresql.insert(EventRow)
                elif dialect == "sqlite":
                    insert = sqlite.insert(EventRow)
                else:  # pragma: no cover - only SQLite and PostgreSQL are supported
                    raise StorageError(f"unsupported database {dialect}")
                # RETURNING says whether the row went in (an ORM bulk insert has no rowcount).
                statement = insert.on_conflict_do_nothing(index_elements=["event_id"])
                stored = s.connection().execute(statement.returning(EventRow.id), row)
                if stored.first() is not None:
                    new.append(e)
            for e in new:
                _fold_event(s, kiosk_id, e, now, self._ticket_key)
        return new

    def page(
        self,
        *,
        kind: str | None = None,
        kiosk_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[StoredEvent]:
        """Events, newest first, filtered by kind, PC and time (``since`` <= at < ``until``)."""
        conditions: list[sa.ColumnElement[bool]] = []
        if kind is not None:
            conditions.append(EventRow.kind == kind)
        if kiosk_id is not None:
            conditions.append(EventRow.kiosk_id == kiosk_id)
        if since is not None:
            conditions.append(EventRow.at >= since)
        if until is not None:
            conditions.append(EventRow.at < until)
        with self._read() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(EventRow).where(*conditions))
            rows = s.scalars(
                sa.select(EventRow)
                .where(*conditions)
                .order_by(EventRow.at.desc(), EventRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            items = tuple(copy_row(StoredEvent, r, body=dict(r.body)) for r in rows)
            return Page(items, total or 0, limit, offset)

    def count(self, kiosk_id: int | None = None) -> int:
        """How many events are stored (for one PC, or all)."""
        with self._read() as s:
            query = sa.select(sa.func.count()).select_from(EventRow)
            if kiosk_id is not None:
                query = query.where(EventRow.kiosk_id == kiosk_id)
            return s.scalar(query) or 0
