"""The audit log of staff actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from admin_console.server.db.models import AuditRow
from admin_console.server.db.repositories.base import Page, Repository, copy_row, given


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
        self._keep(AuditRow(at=now, who=who, action=action, kiosk_id=kiosk_id, detail=detail[:500]))

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
        return self._page(
            AuditRow,
            given([(AuditRow.who, who), (AuditRow.action, action), (AuditRow.kiosk_id, kiosk_id)]),
            [AuditRow.id.desc()],
            value=lambda r: copy_row(AuditEntry, r),
            limit=limit,
            offset=offset,
        )
