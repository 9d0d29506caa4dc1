"""The audit log of staff actions (lines returned as the API's
:class:`~admin_console.api.records.AuditEntry`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_console.api.records import AuditEntry
from admin_console.server.db.models import AuditRow, KioskRow, StaffRow, StaffSiteRow
from admin_console.server.db.repositories.base import Page, Repository, given, in_sites


def audit_line(
    s: Session,
    who: str,
    action: str,
    now: dt.datetime,
    *,
    kiosk_id: int | None = None,
    detail: str = "",
) -> None:
    """Write one line in ``s``'s transaction (with the change it tells of)."""
    s.add(AuditRow(at=now, who=who, action=action, kiosk_id=kiosk_id, detail=detail[:500]))


def kiosk_who(s: Session, kiosk_id: int) -> str:
    """``kiosk <name>``: who a PC is in the audit log."""
    kiosk = s.get(KioskRow, kiosk_id)
    return f"kiosk {kiosk.name if kiosk else kiosk_id}"


class AuditRepository(Repository):
    """The audit log of staff actions."""

    def add(self, who: str, action: str, now: dt.datetime, **about: Any) -> None:
        """Write one line (``about``: :func:`audit_line`'s ``kiosk_id`` and ``detail``)."""
        with self._write() as s:
            audit_line(s, who, action, now, **about)

    def page(
        self,
        *,
        who: str | None = None,
        action: str | None = None,
        kiosk_id: int | None = None,
        sites: frozenset[int] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[AuditEntry]:
        """Lines, newest first. With ``sites``, only what happened there: at a PC of those
        sites, or away from any PC by a staff member who works at one of them (an admin
        works at every site)."""
        conditions = given(
            [(AuditRow.who, who), (AuditRow.action, action), (AuditRow.kiosk_id, kiosk_id)]
        )
        if sites is not None:
            colleagues = sa.select(StaffRow.username).where(
                sa.or_(
                    StaffRow.role == "admin",  # an admin works at every site
                    StaffRow.id.in_(
                        sa.select(StaffSiteRow.staff_id).where(StaffSiteRow.site_id.in_(sites))
                    ),
                )
            )
            conditions.append(
                sa.or_(
                    in_sites(AuditRow.kiosk_id, sites),
                    sa.and_(AuditRow.kiosk_id.is_(None), AuditRow.who.in_(colleagues)),
                )
            )
        return self._page(
            AuditRow,
            conditions,
            [AuditRow.id.desc()],
            value=lambda r: AuditEntry.model_validate(r, from_attributes=True),
            limit=limit,
            offset=offset,
        )
