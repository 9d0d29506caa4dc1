"""The audit log of staff actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from admin_console.server.db.models import AuditRow
from admin_console.server.db.repositories.base import Page, Repository, copy_row


@dataclass(frozen=True)
class AuditEntry:
    """One staff action."""

    id: int
    at: dt.datetime
    who: str
    action: str
    kiosk_id: int | None
    detail: str


class AuditRepository(Repository):
    """The audit log of staff actions."""

    def add(
        self,
        who: str,
        action: str,
        now: dt.datetime,
        kiosk_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Write one line."""
        with self._write() as s:
            s.add(AuditRow(at=now, who=who, action=action, kiosk_id=kiosk_id, detail=detail[:500]))

    def page(
        self,
        *,
        who: str | None = None,
        action: str | None = None,
        kiosk_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[AuditEntry]:
        """Lines, newest first."""
        conditions: list[sa.ColumnElement[bool]] = []
        if who is not None:
            conditions.append(AuditRow.who == who)
        if action is not None:
            conditions.append(AuditRow.action == action)
        if kiosk_id is not None:
            conditions.append(AuditRow.kiosk_id == kiosk_id)
        with self._read() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(AuditRow).where(*conditions))
            rows = s.scalars(
                sa.select(AuditRow)
                .where(*conditions)
                .order_by(AuditRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            items = tuple(copy_row(AuditEntry, r) for r in rows)
            return Page(items, total or 0, limit, offset)
