"""Single-use tickets: make a batch, keep its codes until the sheet is printed, list tickets.

The codes exist only in the console's answer to ``POST /api/tickets``: this controller keeps
them in memory for the printed sheet and says when they were never printed, so the window
can warn before they are lost.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal

from admin_console.gui import i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section
from policies import Language

TICKET_STATES = ("unused", "used", "expired")


def end_of_month(today: dt.date) -> dt.date:
    """The last day of ``today``'s month: a batch made today is valid until then."""
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def last_moment(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The last second of ``day`` in the local time zone (``tz``; the machine's if None)."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59))
    return local.replace(tzinfo=tz) if tz is not None else local.astimezone()


def group_code(code: str) -> str:
    """A code as printed: the console's grouping (``1234 5678 9012 3456``) is kept; bare
    digits are grouped by four so they can be read aloud."""
    if any(not ch.isdigit() for ch in code):
        return code
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _time(value: object) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class IssuedTicket:
    """A new ticket with its code, as ``POST /api/tickets`` returns it."""

    ref: str
    code: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IssuedTicket:
        """Read one entry of ``tickets``."""
        return cls(
            ref=str(data["ref"]),
            code=group_code(str(data["code"])),
            minutes=int(data["minutes"]),
            free_pages=int(data.get("free_pages") or 0),
            valid_until=_time(data["valid_until"]),
        )


@dataclass(frozen=True)
class TicketRow:
    """A ticket as listed later (never its code)."""

    ref: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime
    created_at: dt.datetime
    made_by: str
    state: str
    used_at: dt.datetime | None
    used_kiosk_id: int | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TicketRow:
        """Read one entry of ``GET /api/tickets``."""
        used = data.get("used_at")
        kiosk = data.get("used_kiosk_id")
        return cls(
            ref=str(data["ref"]),
            minutes=int(data["minutes"]),
            free_pages=int(data.get("free_pages") or 0),
            valid_until=_time(data["valid_until"]),
            created_at=_time(data["created_at"]),
            made_by=str(data.get("made_by") or ""),
            state=str(data["state"]),
            used_at=_time(used) if used else None,
            used_kiosk_id=int(kiosk) if isinstance(kiosk, int) else None,
        )


def local_date(moment: dt.datetime) -> str:
    """``30/11/2026``: a day as staff and visitors in Brussels write it."""
    return f"{moment.astimezone():%d/%m/%Y}"


def ticket_cells(
    row: TicketRow, language: Language, pc_names: Mapping[int, str] | None = None
) -> list[str]:
    """One line of the tickets table: ref, minutes, pages, valid until, state (when and on
    which PC it was used), made by."""
    state = i18n.text(f"tickets.state.{row.state}", language)
    if row.used_at is not None:
        where = (pc_names or {}).get(row.used_kiosk_id or -1)
        when = f"{local_date(row.used_at)} {row.used_at.astimezone():%H:%M}"
        state += f" ({when}{', ' + where if where else ''})"
    return [
        row.ref,
        f"{row.minutes} min",
        str(row.free_pages),
        local_date(row.valid_until),
        state,
        row.made_by,
    ]


class TicketDesk(Section):
    """Makes tickets, keeps the last batch's codes until printed, lists tickets."""

    created = Signal()
    """A new batch: ``issued`` holds its codes."""
    listed = Signal()
    """``rows`` was refreshed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issued: list[IssuedTicket] = []
        self.printed = True
        self.rows: list[TicketRow] = []
        self.state_filter: str | None = None

    @property
    def unprinted(self) -> bool:
        """True when codes were made and not yet saved to a sheet: closing would lose them."""
        return bool(self.issued) and not self.printed

    def create(self, count: int, minutes: int, valid_until: dt.datetime, free_pages: int) -> None:
        """Make ``count`` tickets; ``created`` follows (or ``failed``)."""
        body = {
            "count": count,
            "minutes": minutes,
            "valid_until": valid_until.isoformat(),
            "free_pages": free_pages,
        }
        self.call("POST", "/api/tickets", body, self._created)

    def _created(self, reply: Reply) -> None:
        entries = reply.body.get("tickets", []) if isinstance(reply.body, dict) else []
        self.issued = [IssuedTicket.from_json(e) for e in entries]
        self.printed = not self.issued
        self.created.emit()
        self.load(self.state_filter)

    def forget(self) -> None:
        """Drop the last batch's codes and the list (staff logged out)."""
        self.issued = []
        self.printed = True
        self.rows = []
        self.created.emit()
        self.listed.emit()

    def mark_printed(self) -> None:
        """The sheet was saved: the codes may now be forgotten."""
        self.printed = True

    def load(self, state: str | None = None) -> None:
        """List tickets (only ``state`` ones if given); ``listed`` follows."""
        self.state_filter = state
        query = f"?state={state}" if state in TICKET_STATES else ""
        self.call("GET", f"/api/tickets{query}", None, self._listed)

    def _listed(self, reply: Reply) -> None:
        entries = reply.body if isinstance(reply.body, list) else []
        self.rows = [TicketRow.from_json(e) for e in entries]
        self.listed.emit()
