"""Workshops run from the console, returned as the API's
:class:`~admin_console.api.workshops.Workshop` (see :mod:`admin_console.api`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from admin_console.api.workshops import Workshop, WorkshopResult
from admin_console.server.db.models import WorkshopRow
from admin_console.server.db.repositories.base import Repository, inserted
from admin_console.server.errors import NotFound


def _workshop(row: WorkshopRow) -> Workshop:
    return Workshop.model_validate(row, from_attributes=True)


class WorkshopRepository(Repository):
    """Workshops run from the console."""

    def add(
        self,
        title: str,
        minutes: int,
        participants: int,
        kiosk_ids: Sequence[int],
        *,
        by: str,
        now: dt.datetime,
    ) -> Workshop:
        """Keep a new workshop (its results come later)."""
        with self._write() as s:
            row = inserted(
                s,
                WorkshopRow(
                    title=title,
                    minutes=minutes,
                    participants=participants,
                    started_at=now,
                    started_by=by,
                    kiosk_ids=list(kiosk_ids),
                    results=[],
                ),
            )
            return _workshop(row)

    def set_results(self, workshop_id: int, results: Sequence[WorkshopResult]) -> Workshop:
        """What each PC answered to the workshop command."""
        with self._write() as s:
            row = s.get(WorkshopRow, workshop_id)
            if row is None:
                raise NotFound(f"no workshop {workshop_id}")
            row.results = [r.model_dump() for r in results]
            s.flush()
            return _workshop(row)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Workshop]:
        """Workshops started from ``start`` (inclusive) to ``end`` (exclusive), oldest first."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(WorkshopRow)
                .where(WorkshopRow.started_at >= start)
                .where(WorkshopRow.started_at < end)
                .order_by(WorkshopRow.started_at, WorkshopRow.id)
            )
            return [_workshop(r) for r in rows]
