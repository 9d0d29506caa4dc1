"""The help queue: calls opened by PCs, taken and closed by animators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.server.db.models import HelpCallRow, KioskRow
from admin_console.server.db.repositories.base import (
    Repository,
    claimed,
    copy_row,
    in_chunks,
    rowcount,
)
from admin_console.server.db.repositories.sessions import recount_help_at
from admin_console.server.errors import Conflict, NotFound


@dataclass(frozen=True)
class HelpCall:
    """A call for help and what became of it."""

    id: int
    kiosk_id: int
    kiosk_name: str
    requested_at: dt.datetime
    taken_at: dt.datetime | None
    taken_by: str | None
    done_at: dt.datetime | None
    done_by: str | None
    accompanied_seconds: int | None
    reason: str | None = None
    """None: the visitor asked; ``ticket_forged``: the console calls staff to this PC."""


TICKET_FORGED = "ticket_forged"
"""The help call (and audit action) for a PC that let in a code the console never issued."""


HELP_STATUS_SLACK = dt.timedelta(minutes=5)
"""How far apart a status's call (the console's clock) and its ``help_requested`` event (the
PC's clock) may be to be one press: the PC sends both at once; its clock may be a bit off."""


def call_staff(s: Session, kiosk_id: int, reason: str, event_id: str, now: dt.datetime) -> None:
    """Put a call of the console's own (``reason``, e.g. :data:`TICKET_FORGED`) for PC
    ``kiosk_id`` in the queue, in ``s``'s transaction; ``event_id`` is the PC event behind it."""
    s.add(HelpCallRow(kiosk_id=kiosk_id, event_id=event_id, requested_at=now, reason=reason))


def open_call(s: Session, kiosk_id: int, at: dt.datetime, event_id: str | None = None) -> bool:
    """Put the PC in the queue unless it is already there (or this event was seen), in
    ``s``'s transaction. True if a call was opened.

    One press of the help button reaches the console twice: in the PC's status (no
    ``event_id``, it opens the call at once) and as its ``help_requested`` event, in
    either order, either perhaps after staff already closed the call. The event takes
    over the oldest call a status opened around the press (within
    :data:`HELP_STATUS_SLACK` of the event's time) that no event has claimed yet, open
    or closed, rather than opening a second one; its id then keeps a resent event out.
    A status opens no call when an event's call of that moment was already closed: it
    is that press's, late; and if it was a new press, its event opens the call."""
    if event_id is not None:
        seen = s.scalars(sa.select(HelpCallRow.id).where(HelpCallRow.event_id == event_id)).first()
        if seen is not None:
            return False
        unclaimed = s.scalars(
            sa.select(HelpCallRow)
            .where(HelpCallRow.kiosk_id == kiosk_id)
            .where(HelpCallRow.event_id.is_(None))
            .where(HelpCallRow.reason.is_(None))
            .where(HelpCallRow.requested_at >= at - HELP_STATUS_SLACK)
            .where(HelpCallRow.requested_at <= at + HELP_STATUS_SLACK)
            .order_by(HelpCallRow.id)
        ).first()
        if unclaimed is not None:
            unclaimed.event_id = event_id
            return False
    waiting = s.scalars(
        sa.select(HelpCallRow.id)
        .where(HelpCallRow.kiosk_id == kiosk_id)
        .where(HelpCallRow.done_at.is_(None))
        .where(HelpCallRow.reason.is_(None))
    ).first()
    if waiting is not None:
        return False
    if event_id is None:
        answered = s.scalars(
            sa.select(HelpCallRow.id)
            .where(HelpCallRow.kiosk_id == kiosk_id)
            .where(HelpCallRow.event_id.is_not(None))
            .where(HelpCallRow.reason.is_(None))
            .where(HelpCallRow.done_at.is_not(None))
            .where(HelpCallRow.requested_at >= at - HELP_STATUS_SLACK)
            .where(HelpCallRow.requested_at <= at + HELP_STATUS_SLACK)
        ).first()
        if answered is not None:
            return False  # a late status of the press that call is for
    s.add(HelpCallRow(kiosk_id=kiosk_id, event_id=event_id, requested_at=at))
    s.flush()
    recount_help_at(s, kiosk_id, at)
    return True


_NOBODY_TOOK = (
    HelpCallRow.done_at.is_(None),
    HelpCallRow.taken_at.is_(None),
    # The console's own calls stay until staff have looked.
    HelpCallRow.reason.is_(None),
)
"""A visitor's call still waiting, that no staff member took."""


def kiosks_waiting(s: Session, kiosk_ids: Collection[int]) -> set[int]:
    """Those of these PCs that have a call nobody took (one query for them all)."""
    found: set[int] = set()
    for chunk in in_chunks(kiosk_ids):
        query = sa.select(HelpCallRow.kiosk_id).where(HelpCallRow.kiosk_id.in_(chunk))
        found.update(s.scalars(query.where(*_NOBODY_TOOK).distinct()))
    return found


def close_waiting(s: Session, kiosk_id: int, now: dt.datetime) -> int:
    """Close the PC's call nobody took, unhelped (it no longer asks), in ``s``'s
    transaction; how many were closed."""
    done = s.execute(
        sa.update(HelpCallRow)
        .where(HelpCallRow.kiosk_id == kiosk_id)
        .where(*_NOBODY_TOOK)
        .values(done_at=now)
    )
    return rowcount(done)


class HelpRepository(Repository):
    """The help queue: calls opened by kiosks, taken and closed by animators."""

    def open(self, kiosk_id: int, at: dt.datetime, event_id: str | None = None) -> bool:
        """Put the PC in the queue unless it is already there (or this event was seen).
        True if a call was opened (see :func:`open_call`)."""
        try:
            with self._write() as s:
                return open_call(s, kiosk_id, at, event_id)
        except IntegrityError:
            return False  # the same help_requested event, sent again

    def open_calls(self) -> list[HelpCall]:
        """Calls not done yet, oldest first."""
        with self._read() as s:
            rows = s.execute(
                sa.select(HelpCallRow, KioskRow.name)
                .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
                .where(HelpCallRow.done_at.is_(None))
                .order_by(HelpCallRow.requested_at, HelpCallRow.id)
            ).all()
            return [copy_row(HelpCall, row, kiosk_name=name) for row, name in rows]

    def _open_call(self, s: Session, kiosk_id: int) -> tuple[HelpCallRow, str]:
        found = s.execute(
            sa.select(HelpCallRow, KioskRow.name)
            .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
            .where(HelpCallRow.kiosk_id == kiosk_id)
            .where(HelpCallRow.done_at.is_(None))
            .order_by(HelpCallRow.id)
        ).first()
        if found is None:
            raise NotFound(f"PC {kiosk_id} is not waiting for help")
        return found[0], found[1]

    def take(self, kiosk_id: int, who: str, now: dt.datetime) -> HelpCall:
        """An animator goes to the PC; :class:`Conflict` if someone already did."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            unset = HelpCallRow.taken_at
            mine = claimed(
                s, HelpCallRow, HelpCallRow.id == row.id, unset=unset, taken_at=now, taken_by=who
            )
            if not mine:
                s.refresh(row)
                raise Conflict(f"{row.taken_by} already took the call of PC {kiosk_id}")
            s.refresh(row)
            recount_help_at(s, kiosk_id, row.requested_at)
            return copy_row(HelpCall, row, kiosk_name=name)

    def done(self, kiosk_id: int, who: str, now: dt.datetime) -> HelpCall:
        """The visitor was helped: close the call with the accompanied time (done - taken)."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            if row.taken_at is None:
                raise Conflict(f"the call of PC {kiosk_id} was not taken: take it first")
            row.done_at, row.done_by = now, who
            row.accompanied_seconds = max(0, int((now - row.taken_at).total_seconds()))
            s.flush()
            recount_help_at(s, kiosk_id, row.requested_at)
            return copy_row(HelpCall, row, kiosk_name=name)

    def cancel(self, kiosk_id: int, now: dt.datetime) -> HelpCall:
        """Staff close the PC's call without helping (the visitor left, or asked by
        mistake): no accompanied time. :class:`NotFound` if the PC is not waiting."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            row.done_at = now
            s.flush()
            recount_help_at(s, kiosk_id, row.requested_at)
            return copy_row(HelpCall, row, kiosk_name=name)

    def cancel_waiting(self, kiosk_id: int, now: dt.datetime) -> int:
        """The PC no longer asks for help and nobody took the call: close it unhelped."""
        with self._write() as s:
            return close_waiting(s, kiosk_id, now)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[HelpCall]:
        """Visitors' calls made from ``start`` (inclusive) to ``end`` (exclusive), oldest
        first (not the console's own calls: they are not visitor help)."""
        with self._read() as s:
            rows = s.execute(
                sa.select(HelpCallRow, KioskRow.name)
                .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
                .where(HelpCallRow.reason.is_(None))
                .where(HelpCallRow.requested_at >= start)
                .where(HelpCallRow.requested_at < end)
                .order_by(HelpCallRow.requested_at, HelpCallRow.id)
            ).all()
            return [copy_row(HelpCall, row, kiosk_name=name) for row, name in rows]
