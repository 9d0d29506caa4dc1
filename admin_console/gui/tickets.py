"""Single-use tickets: make a batch, keep its codes until the sheet is printed, list tickets.

The codes exist only in the console's answer to ``POST /api/tickets``: this controller keeps
them in memory for the printed sheet and says when they were never printed, so the window
can warn before they are lost.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.tickets import IssuedTicket, Ticket, TicketsCreated
from admin_console.gui import calls, formats, i18n
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


def ticket_cells(
    row: Ticket, language: Language, pc_names: Mapping[int, str] | None = None
) -> list[str]:
    """One line of the tickets table: ref, minutes, pages, valid until, state (when and on
    which PC it was used), made by."""
    state = i18n.text(f"tickets.state.{row.state}", language)
    if row.used_at is not None:
        where = (pc_names or {}).get(row.used_kiosk_id or -1)
        when = formats.day_and_time(row.used_at, language)
        state += f" ({when}{', ' + where if where else ''})"
    return [
        row.ref,
        formats.minutes(row.minutes, language),
        str(row.free_pages),
        formats.day(row.valid_until, language),
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
        self.rows: list[Ticket] = []
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
        self.call(calls.MAKE_TICKETS, self._created, body=body)

    def _created(self, made: TicketsCreated) -> None:
        self.issued = made.tickets
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
        query = {"state": state if state in TICKET_STATES else None}
        self.call(calls.TICKETS, self._listed, query=query, latest="list")

    def _listed(self, tickets: list[Ticket]) -> None:
        self.rows = tickets
        self.listed.emit()
