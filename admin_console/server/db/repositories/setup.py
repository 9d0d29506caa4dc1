"""The console's setup: the EPN's name and address, and whether the first run was finished."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from admin_console.server.db.models import SetupRow
from admin_console.server.db.repositories.base import Repository, copy_row

_ROW_ID = 1


@dataclass(frozen=True)
class SetupRecord:
    """What the console knows of its EPN (empty texts and no finish: never set up)."""

    epn_name: str = ""
    address: str = ""
    finished_at: dt.datetime | None = None
    finished_by: str | None = None


class SetupRepository(Repository):
    """One row: the EPN's name and address, and who finished the first run, when."""

    def get(self) -> SetupRecord:
        """The setup (an empty one when the console was never set up)."""
        with self._read() as s:
            row = s.get(SetupRow, _ROW_ID)
            return SetupRecord() if row is None else copy_row(SetupRecord, row)

    def put(
        self, epn_name: str, address: str, finished_by: str | None, now: dt.datetime
    ) -> SetupRecord:
        """Keep the EPN's name and address; ``finished_by`` marks the first run finished
        (once: a later change keeps the first finish)."""
        with self._write() as s:
            row = s.get(SetupRow, _ROW_ID)
            if row is None:
                row = SetupRow(id=_ROW_ID, finished_at=None, finished_by=None)
                s.add(row)
            row.epn_name = epn_name
            row.address = address
            if finished_by is not None and row.finished_at is None:
                row.finished_at = now
                row.finished_by = finished_by
            s.flush()
            return copy_row(SetupRecord, row)
