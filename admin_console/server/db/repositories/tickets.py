"""Single-use tickets, kept by the digest of their code; returned as the API's
:class:`~admin_console.api.tickets.StoredTicket` (see :mod:`admin_console.api`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.api.tickets import StoredTicket
from admin_console.server.db.models import TicketRow
from admin_console.server.db.repositories.audit import audit_line, kiosk_who
from admin_console.server.db.repositories.base import Repository, claimed
from admin_console.server.errors import Conflict, Gone, NotFound


def use_ticket(
    s: Session, code_sha256: str, kiosk_id: int, at: dt.datetime, *, unexpired: bool
) -> tuple[TicketRow | None, bool]:
    """Mark the ticket of ``code_sha256`` used by PC ``kiosk_id`` at ``at`` unless it was
    used already (or, ``unexpired``, is past its day): the ticket's row (None: unknown) and
    whether this call spent it.

    The guarded update is the first statement, so two PCs racing on one code are serialised
    by the database and exactly one changes the row."""
    which = [TicketRow.code_sha256 == code_sha256]
    if unexpired:
        which.append(TicketRow.valid_until > at)
    spent = claimed(
        s, TicketRow, *which, unset=TicketRow.used_at, used_at=at, used_kiosk_id=kiosk_id
    )
    row = s.scalars(sa.select(TicketRow).where(TicketRow.code_sha256 == code_sha256)).first()
    return row, spent


@dataclass(frozen=True)
class NewTicket:
    """A ticket to store: its public reference and the digest of its code."""

    ref: str
    code_sha256: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime


def _ticket(row: TicketRow) -> StoredTicket:
    return StoredTicket.model_validate(row, from_attributes=True)


class TicketRepository(Repository):
    """Single-use tickets (their codes only as digests)."""

    def add_batch(
        self, tickets: Sequence[NewTicket], made_by: str, now: dt.datetime
    ) -> list[StoredTicket]:
        """Store a batch in one transaction; :class:`Conflict` if a code or reference is
        already taken (the caller draws new ones)."""
        try:
            with self._write() as s:
                rows = [
                    TicketRow(
                        ref=t.ref,
                        code_sha256=t.code_sha256,
                        minutes=t.minutes,
                        free_pages=t.free_pages,
                        valid_until=t.valid_until,
                        created_at=now,
                        made_by=made_by,
                    )
                    for t in tickets
                ]
                s.add_all(rows)
                s.flush()
                return [_ticket(r) for r in rows]
        except IntegrityError as exc:
            raise Conflict("a ticket code was drawn twice; try again") from exc

    def taken(self, code_digests: set[str]) -> set[str]:
        """Which of these code digests are already stored."""
        if not code_digests:
            return set()
        with self._read() as s:
            found = s.scalars(
                sa.select(TicketRow.code_sha256).where(TicketRow.code_sha256.in_(code_digests))
            )
            return set(found)

    def redeem(self, code_sha256: str, kiosk_id: int, now: dt.datetime) -> StoredTicket:
        """Use a ticket, once across every PC.

        Exactly one of two PCs racing on one code spends it (:func:`use_ticket`); the audit
        line (``ticket_redeemed``, who: ``kiosk <name>``) is written in the same transaction.
        :class:`NotFound` for an unknown code, :class:`Conflict` when already used,
        :class:`Gone` when expired.
        """
        with self._write() as s:
            row, spent = use_ticket(s, code_sha256, kiosk_id, now, unexpired=True)
            if row is None:
                raise NotFound("unknown ticket code")
            if spent:
                detail = f"ticket {row.ref}: {row.minutes} min, redeemed online"
                who = kiosk_who(s, kiosk_id)
                audit_line(s, who, "ticket_redeemed", now, kiosk_id=kiosk_id, detail=detail)
                return _ticket(row)
            if row.used_at is not None:
                raise Conflict("this ticket was already used")
            raise Gone(f"this ticket expired on {row.valid_until:%Y-%m-%d %H:%M} UTC")

    def all(self) -> list[StoredTicket]:
        """Every ticket, newest first."""
        with self._read() as s:
            rows = s.scalars(sa.select(TicketRow).order_by(TicketRow.id.desc()))
            return [_ticket(r) for r in rows]
