"""Single-use tickets: a batch made by staff, the list of them, a code redeemed by a PC.

:class:`StoredTicket` is what the ticket repository returns; its answers add the code (only
when made) or the state (when listed)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from admin_console.api.types import Instant, RequestBody

TicketState = Literal["unused", "used", "expired"]


class TicketsRequest(RequestBody):
    """Make ``count`` single-use tickets of ``minutes`` each, valid until a time."""

    count: int = Field(strict=True, ge=1, le=200)
    minutes: int = Field(
        strict=True, ge=5, le=480, multiple_of=5, description="5 to 480, in steps of 5."
    )
    valid_until: Instant = Field(description="Last moment of use; without an offset: UTC.")
    free_pages: int = Field(0, strict=True, ge=0, le=1000)


class TicketTerms(BaseModel):
    """What a ticket gives, and until when."""

    model_config = ConfigDict(frozen=True)

    ref: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime


class IssuedTicket(TicketTerms):
    """A new ticket with its code, shown only in this answer."""

    code: str = Field(
        description="16 digits as 1234 5678 9012 3456, signed so a PC can check it offline, "
        "the last one a Damm check digit against typing mistakes; not kept by the console."
    )


class TicketsCreated(BaseModel):
    """The tickets made; their codes appear nowhere else."""

    tickets: list[IssuedTicket]


class RedeemRequest(RequestBody):
    """A code typed by a visitor at a PC."""

    code: str = Field(
        min_length=16,
        max_length=32,
        pattern=r"^[0-9][0-9 -]*[0-9]$",
        description="The 16 digits, with or without spaces or dashes between them.",
    )


class RedeemResponse(TicketTerms):
    """The ticket is now used by this PC: what it gives."""


class StoredTicket(TicketTerms):
    """A ticket as staff see it later: never the code."""

    created_at: dt.datetime
    made_by: str
    used_at: dt.datetime | None
    used_kiosk_id: int | None

    def state_at(self, now: dt.datetime) -> TicketState:
        """``used``, ``expired`` or ``unused`` at ``now``."""
        if self.used_at is not None:
            return "used"
        return "expired" if self.valid_until <= now else "unused"


class Ticket(StoredTicket):
    """A ticket as listed, with whether it was used or expired (never the code)."""

    state: TicketState
