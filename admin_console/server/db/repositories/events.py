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


@dataclass(frozen=True)
class Arrival:
    """Events one PC sent together, received at ``received_at``."""

    kiosk_id: int
    events: Sequence[NewEvent]
    received_at: dt.datetime


Fold = Callable[[Session, Sequence[Arrival]], None]
"""Writes, in the transaction that stores them, what the new events of several PCs mean:
given each arrival with only its new events, in the order its PC sent them."""


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
        return self.add_together([Arrival(kiosk_id, events, now)])[0]

    def add_together(self, arrivals: Sequence[Arrival]) -> list[list[NewEvent]]:
        """Store the events of several PCs in one transaction (one commit for them all:
        what lets a console keep up with thousands of PCs); for each arrival, its events
        that were new. An id already stored, or met earlier in ``arrivals``, is skipped.

        Then the new events are folded, all PCs' together, in the same transaction:
        either every event here is stored and counted, or none is."""
        rows: list[dict[str, Any]] = []
        met: set[str] = set()
        for arrival in arrivals:
            for e in arrival.events:
                if e.event_id not in met:
                    met.add(e.event_id)
                    rows.append(
                        {
                            "event_id": e.event_id,
                            "kiosk_id": arrival.kiosk_id,
                            "at": e.at,
                            "kind": e.kind,
                            "body": e.body,
                            "received_at": arrival.received_at,
                        }
                    )
        with self._write() as s:
            stored = _insert_new(s, rows)
            news: list[list[NewEvent]] = []
            for arrival in arrivals:
                new = []
                for e in arrival.events:
                    if e.event_id in stored:
                        stored.discard(e.event_id)  # the first of its copies only
                        new.append(e)
                news.append(new)
            folded = [
                Arrival(arrival.kiosk_id, new, arrival.received_at)
                for arrival, new in zip(arrivals, news, strict=True)
                if new
            ]
            if folded:
                self._fold(s, folded)
        return news

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


def _insert_new(s: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the event rows whose id is not stored yet, in as few statements as the
    driver allows; the ids that went in."""
    if not rows:
        return set()
    # RETURNING says which rows went in (an executemany has no per-row rowcount).
    statement = dialect_insert(s, EventRow).on_conflict_do_nothing(index_elements=["event_id"])
    return set(s.connection().execute(statement.returning(EventRow.event_id), rows).scalars())
