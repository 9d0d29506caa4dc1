"""What the console answers a kiosk about tickets and members, and how it refuses.

Kept apart from :mod:`kiosk.agent.console_api` so that the login checks can name them without
loading the HTTP client: an agent with no console never loads httpx or websockets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.agent.errors import AgentError
from kiosk.core.errors import CommandRefused, Refusal

__all__ = [
    "CheckedMember",
    "ConsoleUnreachable",
    "MemberBanned",
    "RedeemedTicket",
    "TicketRefused",
]


class ConsoleUnreachable(AgentError):
    """The console did not answer usefully in time; the offline rules apply."""


@dataclass(frozen=True)
class RedeemedTicket:
    """A ticket the console just marked used by this PC."""

    ref: str
    minutes: int
    free_pages: int


@dataclass(frozen=True)
class CheckedMember:
    """A member whose card and PIN the console accepted, with the time left today."""

    card: str
    daily_allowance_seconds: int | None
    remaining_seconds: int | None
    pages_printed_today: int = 0


class TicketRefused(CommandRefused):
    """The console refused a ticket code; ``status`` says why (404, 409, 410, 422)."""

    def __init__(self, detail: str, status: int) -> None:
        self.status = status
        super().__init__(Refusal.BAD_TICKET, detail)

    @property
    def already_used(self) -> bool:
        """The code is known but was used already (by this PC or another)."""
        return self.status == 409


class MemberBanned(CommandRefused):
    """The PIN was right but the card is banned (until ``until``, a local date, if known)."""

    def __init__(self, detail: str, until: dt.date | None) -> None:
        self.until = until
        super().__init__(Refusal.MEMBER_BANNED, detail)
