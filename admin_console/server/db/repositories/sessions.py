"""Visitor sessions, folded from the PCs' events into one row each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_console.server.db.models import HelpCallRow, SessionRow
from admin_console.server.db.repositories.base import Repository, copy_row, in_chunks


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
_ABSENT = "epn.sessions_absent"
"""The ``Session.info`` key of the session ids one transaction looked up and did not find."""
_RECOUNT = "epn.sessions_recount"
"""The ``Session.info`` key of the session rows whose help calls are to be counted again."""


NOTHING_YET: dict[str, Any] = {
    "extended_seconds": 0,
    "offline": False,
    "pages": 0,
    "sheets": 0,
    "cost_cents": 0,
    "helped": False,
    "help_calls": 0,
    "accompanied_seconds": 0,
}
"""The counts of a session nothing is known of yet: no time added, nothing printed, no help."""


def find_session_rows(s: Session, session_ids: Collection[str]) -> None:
    """Look up the rows of these sessions together (a few ``IN`` queries), for
    :func:`session_row` to find, or make without a lookup, in the rest of the transaction:
    a batch of many PCs' events then costs no query per session."""
    known: dict[str, SessionRow] = s.info.setdefault(_ROWS, {})
    absent: set[str] = s.info.setdefault(_ABSENT, set())
    wanted = {i for i in session_ids if i not in known and i not in absent}
    for chunk in in_chunks(wanted):
        for row in s.scalars(sa.select(SessionRow).where(SessionRow.session_id.in_(chunk))):
            known[row.session_id] = row
    absent.update(i for i in wanted if i not in known)


def session_row(s: Session, kiosk_id: int, session_id: str) -> SessionRow | None:
    """The row of the PC's session ``session_id`` (made if new); None if another PC's.

    Kept for the rest of the transaction: a batch of events holds a session's start,
    prints and end, and each would look the row up again. A new row is written with the
    transaction's next flush (those of a batch in one statement)."""
    known: dict[str, SessionRow] = s.info.setdefault(_ROWS, {})
    absent: set[str] = s.info.setdefault(_ABSENT, set())
    row = known.get(session_id)
    if row is None and session_id not in absent:
        row = s.scalars(sa.select(SessionRow).where(SessionRow.session_id == session_id)).first()
    if row is None:
        # Counts set here, not left to the column defaults: the row is read before its
        # INSERT (a print adds to ``pages``).
        row = SessionRow(session_id=session_id, kiosk_id=kiosk_id, **NOTHING_YET)
        s.add(row)
        absent.discard(session_id)
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


def _visitor_calls(kiosk_ids: Collection[int], since: dt.datetime) -> sa.Select[HelpCallRow]:
    return (
        sa.select(HelpCallRow)
        .where(HelpCallRow.kiosk_id.in_(kiosk_ids))
        .where(HelpCallRow.reason.is_(None))
        .where(HelpCallRow.requested_at >= since)
    )


def _set_help(row: SessionRow, calls: Iterable[HelpCallRow]) -> None:
    """Put the visitor's help calls made during the session (of ``calls``, its PC's) in
    its row."""
    assert row.started_at is not None
    during = [
        c
        for c in calls
        if c.requested_at >= row.started_at
        and (row.ended_at is None or c.requested_at <= row.ended_at)
    ]
    row.help_calls = len(during)
    row.helped = any(c.taken_at is not None for c in during)
    row.accompanied_seconds = sum(c.accompanied_seconds or 0 for c in during)


def count_help(s: Session, row: SessionRow) -> None:
    """Count the visitors' help calls made during the session into its row."""
    if row.started_at is not None:
        _set_help(row, s.scalars(_visitor_calls([row.kiosk_id], row.started_at)))


def count_help_later(s: Session, row: SessionRow) -> None:
    """Have :func:`count_marked_help` count the session's help calls, once, when the
    transaction's events are all folded."""
    s.info.setdefault(_RECOUNT, {})[row.session_id] = row


def count_marked_help(s: Session) -> None:
    """Count the help calls of every session :func:`count_help_later` named, with one
    query for all their PCs."""
    marked: dict[str, SessionRow] = s.info.pop(_RECOUNT, {})
    rows = [r for r in marked.values() if r.started_at is not None]
    if not rows:
        return
    since = min(r.started_at for r in rows if r.started_at is not None)
    calls: dict[int, list[HelpCallRow]] = defaultdict(list)
    for chunk in in_chunks({r.kiosk_id for r in rows}):
        for call in s.scalars(_visitor_calls(chunk, since)):
            calls[call.kiosk_id].append(call)
    for row in rows:
        _set_help(row, calls[row.kiosk_id])


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
