"""Staff commands sent to PCs and the PCs' answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from admin_console.server.db.models import CommandRow
from admin_console.server.db.repositories.base import Repository, copy_row, inserted


@dataclass(frozen=True)
class CommandRecord:
    """A staff command and, once answered, the kiosk's result."""

    command_id: str
    kiosk_id: int
    action: str
    parameters: dict[str, Any]
    by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    ok: bool | None
    code: str | None
    message: str | None
    answered_at: dt.datetime | None


class CommandRepository(Repository):
    """Commands sent to kiosks and their results."""

    def add(
        self,
        command_id: str,
        kiosk_id: int,
        action: str,
        parameters: dict[str, Any],
        *,
        by: str,
        now: dt.datetime,
        sent_at: dt.datetime | None = None,
    ) -> CommandRecord:
        """Record a command before it is sent; ``sent_at``: as sent then (to a PC online,
        one write fewer before it goes; :meth:`unsent` if it then could not go)."""
        with self._write() as s:
            row = inserted(
                s,
                CommandRow(
                    command_id=command_id,
                    kiosk_id=kiosk_id,
                    action=action,
                    parameters=parameters,
                    by=by,
                    created_at=now,
                    sent_at=sent_at,
                ),
            )
            return copy_row(CommandRecord, row, parameters=dict(row.parameters))

    def sent(self, command_id: str, now: dt.datetime) -> None:
        """The command went out on the kiosk's WebSocket."""
        with self._write() as s:
            s.execute(
                sa.update(CommandRow).where(CommandRow.command_id == command_id).values(sent_at=now)
            )

    def unsent(self, command_id: str) -> None:
        """The command recorded as sent could not go out after all."""
        with self._write() as s:
            unsend = sa.update(CommandRow).where(CommandRow.command_id == command_id)
            s.execute(unsend.values(sent_at=None))

    def answer(
        self,
        command_id: str,
        kiosk_id: int,
        *,
        ok: bool,
        code: str | None,
        message: str,
        now: dt.datetime,
    ) -> CommandRecord | None:
        """Keep the kiosk's result; None if no such command was sent to this kiosk."""
        with self._write() as s:
            row = s.scalars(
                sa.select(CommandRow)
                .where(CommandRow.command_id == command_id)
                .where(CommandRow.kiosk_id == kiosk_id)
            ).first()
            if row is None:
                return None
            if row.answered_at is None:
                row.ok, row.code, row.message, row.answered_at = ok, code, message, now
            return copy_row(CommandRecord, row, parameters=dict(row.parameters))

    def unanswered(self, kiosk_id: int, action: str, limit: int = 20) -> list[CommandRecord]:
        """This PC's commands of ``action`` it has not answered yet (offline when they were
        made, or gone before answering), oldest first; at most the last ``limit``."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(CommandRow)
                .where(CommandRow.kiosk_id == kiosk_id)
                .where(CommandRow.action == action)
                .where(CommandRow.answered_at.is_(None))
                .order_by(CommandRow.id.desc())
                .limit(limit)
            ).all()
            return [
                copy_row(CommandRecord, r, parameters=dict(r.parameters)) for r in reversed(rows)
            ]

    def get(self, command_id: str) -> CommandRecord | None:
        """A command by its id."""
        with self._read() as s:
            query = sa.select(CommandRow).where(CommandRow.command_id == command_id)
            row = s.scalars(query).first()
            return (
                None
                if row is None
                else copy_row(CommandRecord, row, parameters=dict(row.parameters))
            )
