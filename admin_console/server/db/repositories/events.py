"""Events from PCs, each id stored once (returned as the API's
:class:`~admin_console.api.records.StoredEvent`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from admin_console.api.records import StoredEvent
from admin_console.server.db.models import EventRow
from admin_console.server.db.repositories.base import (
    Page,
    Repository,
    dialect_insert,
    given,
    in_sites,
)


@dataclass(frozen=True)
class NewEvent:
    """An event as a kiosk reported it, to store once."""

    event_id: str
    at: dt.datetime
    kind: str
    body: dict[str, Any]


PRINTED_SIGN = {"released": 1, "not_printed": -1}
"""How a ``print_job`` outcome moves a session's printed pages and money: a release counts,
a release taken back (the job went back on hold before printing) uncounts."""

Fold = Callable[[Session, int, NewEvent, dt.datetime], None]
"""Writes, in the transaction that stores them, what a PC's new event means."""


class EventRepository(Repository):
    """Events from kiosks, each id stored once; ``fold`` writes what the new ones mean
    (:class:`admin_console.server.sessions.SessionFolding`)."""

    def __init__(self, sessions: sessionmaker[Session], fold: Fold) -> None:
        super().__init__(sessions)
        self._fold = fold

    def add_once(
        self, kiosk_id: int, events: Sequence[NewEvent], now: dt.datetime
    ) -> list[NewEvent]:
        """Store these events; ids already stored are skipped (a resend is harmless).

        What the new ones mean for the sessions table and offline tickets is written in the
        same transaction, so each event counts exactly once. Returns the events that were new.
        """
        new: list[NewEvent] = []
        with self._write() as s:
            for e in events:
                row = {
                    "event_id": e.event_id,
                    "kiosk_id": kiosk_id,
                    "at": e.at,
                    "kind": e.kind,
                    "body": e.body,
                    "received_at": now,
                }
                # RETURNING says whether the row went in (an ORM bulk insert has no rowcount).
                insert = dialect_insert(s, EventRow)
                statement = insert.on_conflict_do_nothing(index_elements=["event_id"])
                stored = s.connection().execute(statement.returning(EventRow.id), row)
                if stored.first() is not None:
                    new.append(e)
            for e in new:
                self._fold(s, kiosk_id, e, now)
        return new

    def page(
        self,
        *,
        kind: str | None = None,
        kiosk_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        sites: frozenset[int] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[StoredEvent]:
        """Events, newest first, filtered by kind, PC, time (``since`` <= at < ``until``)
        and the sites of the PCs (None: every site)."""
        conditions = given([(EventRow.kind, kind), (EventRow.kiosk_id, kiosk_id)])
        if sites is not None:
            conditions.append(in_sites(EventRow.kiosk_id, sites))
        if since is not None:
            conditions.append(EventRow.at >= since)
        if until is not None:
            conditions.append(EventRow.at < until)
        return self._page(
            EventRow,
            conditions,
            [EventRow.at.desc(), EventRow.id.desc()],
            value=lambda r: StoredEvent.model_validate(r, from_attributes=True),
            limit=limit,
            offset=offset,
        )

    def count(self, kiosk_id: int | None = None) -> int:
        """How many events are stored (for one PC, or all)."""
        with self._read() as s:
            query = sa.select(sa.func.count()).select_from(EventRow)
            if kiosk_id is not None:
                query = query.where(EventRow.kiosk_id == kiosk_id)
            return s.scalar(query) or 0
