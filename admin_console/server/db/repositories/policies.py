"""The kiosks' policy, one row per version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from admin_console.server.db.models import PolicyVersionRow
from admin_console.server.db.repositories.base import Repository, copy_row, inserted
from admin_console.server.errors import Conflict


@dataclass(frozen=True)
class PolicyRecord:
    """One version of the kiosks' policy set at the console."""

    version: int
    data: dict[str, Any]
    policy_version: str
    changed_at: dt.datetime
    changed_by: str


class PolicyRepository(Repository):
    """The kiosks' policy, one row per version (the newest is in force)."""

    def current(self) -> PolicyRecord | None:
        """The newest version, if the policy was ever changed at the console."""
        with self._read() as s:
            row = s.scalars(
                sa.select(PolicyVersionRow).order_by(PolicyVersionRow.version.desc()).limit(1)
            ).first()
            return None if row is None else copy_row(PolicyRecord, row, data=dict(row.data))

    def add(
        self, data: dict[str, Any], policy_version: str, by: str, now: dt.datetime
    ) -> PolicyRecord:
        """Keep a new version (numbered after the newest); :class:`Conflict` if another
        change took that number first."""
        try:
            with self._write() as s:
                newest = s.scalar(sa.select(sa.func.max(PolicyVersionRow.version))) or 0
                row = inserted(
                    s,
                    PolicyVersionRow(
                        version=newest + 1,
                        data=data,
                        policy_version=policy_version,
                        changed_at=now,
                        changed_by=by,
                    ),
                )
                return copy_row(PolicyRecord, row, data=dict(row.data))
        except IntegrityError as exc:
            raise Conflict("the policy was changed at the same moment; try again") from exc

    def history(self) -> list[PolicyRecord]:
        """Every version, newest first."""
        with self._read() as s:
            rows = s.scalars(sa.select(PolicyVersionRow).order_by(PolicyVersionRow.version.desc()))
            return [copy_row(PolicyRecord, r, data=dict(r.data)) for r in rows]
