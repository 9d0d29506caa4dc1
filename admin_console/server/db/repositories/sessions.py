"""Visitor sessions, folded from the PCs' events into one row each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_console.server.db.models import HelpCallRow, SessionRow
from admin_console.server.db.repositories.base import Repository, copy_row


@dataclass(frozen=True)
class SessionFacts:
    """One visitor session as the usage review sees it (anonymous)."""

    session_id: str
    kiosk_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    login: str | None
    language: str | None
    granted_seconds: int | None
    seconds_used: int | None
    extended_seconds: int
    offline: bool
    workshop_id: str | None
    pages: int
    sheets: int
    cost_cents: int
    helped: bool
    help_calls: int
    accompanied_seconds: int


def _session_facts(row: SessionRow) -> SessionFacts:
    assert row.started_at is not None
    return copy_row(SessionFacts, row)


_ROWS = "epn.session_rows"
"""The ``Session.info`` key of the session rows one transaction already found or made."""


def session_row(s: Session, kiosk_id: int, session_id: str) -> SessionRow | None:
    """The row of the PC's session ``session_id`` (made if new); None if another PC's.

    Kept for the rest of the transaction: a batch of events holds a session's start,
    prints and end, and each would look the row up again."""
    known: dict[str, SessionRow] = s.info.setdefault(_ROWS, {})
    row = known.get(session_id)
    if row is None:
        row = s.scalars(sa.select(SessionRow).where(SessionRow.session_id == session_id)).first()
    if row is None:
        row = SessionRow(session_id=session_id, kiosk_id=kiosk_id)
        s.add(row)
        s.flush()
    known[session_id] = row
    # A PC only ever reports its own sessions; another PC's id is not its to change.
    return row if row.kiosk_id == kiosk_id else None


def session_at(s: Session, kiosk_id: int, at: dt.datetime) -> SessionRow | None:
    """The PC's session running at ``at``, if any."""
    return s.scalars(
        sa.select(SessionRow)
        .where(SessionRow.kiosk_id == kiosk_id)
        .where(SessionRow.started_at <= at)
        .where(sa.or_(SessionRow.ended_at.is_(None), SessionRow.ended_at >= at))
        .order_by(SessionRow.started_at.desc())
    ).first()


def count_help(s: Session, row: SessionRow) -> None:
    """Count the visitors' help calls made during the session into its row."""
    if row.started_at is None:
        return
    query = (
        sa.select(HelpCallRow)
        .where(HelpCallRow.kiosk_id == row.kiosk_id)
        .where(HelpCallRow.reason.is_(None))
        .where(HelpCallRow.requested_at >= row.started_at)
    )
    if row.ended_at is not None:
        query = query.where(HelpCallRow.requested_at <= row.ended_at)
    calls = list(s.scalars(query))
    row.help_calls = len(calls)
    row.helped = any(c.taken_at is not None for c in calls)
    row.accompanied_seconds = sum(c.accompanied_seconds or 0 for c in calls)


def recount_help_at(s: Session, kiosk_id: int, at: dt.datetime) -> None:
    """Count the help calls again of the PC's session running at ``at``."""
    row = session_at(s, kiosk_id, at)
    if row is not None:
        count_help(s, row)


class SessionRepository(Repository):
    """Visitor sessions, one row each, folded from the PCs' events by
    :class:`admin_console.server.sessions.SessionFolding`."""

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> list[SessionFacts]:
        """Sessions whose start is known, that started before ``end`` and had not ended
        before ``start`` (running ones included), by start time."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(SessionRow)
                .where(SessionRow.started_at.is_not(None))
                .where(SessionRow.started_at < end)
                .where(sa.or_(SessionRow.ended_at.is_(None), SessionRow.ended_at >= start))
                .order_by(SessionRow.started_at, SessionRow.id)
            )
            return [_session_facts(r) for r in rows]

    def get(self, session_id: str) -> SessionFacts | None:
        """A session by the PC's id for it (None until its start is known)."""
        with self._read() as s:
            row = s.scalars(
                sa.select(SessionRow).where(SessionRow.session_id == session_id)
            ).first()
            return None if row is None or row.started_at is None else _session_facts(row)
