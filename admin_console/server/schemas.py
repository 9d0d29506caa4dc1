"""Typed request and response bodies of the console's HTTP API (its OpenAPI description)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from admin_console.protocol import LoginKind
from admin_console.server.auth import Role


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(BaseModel):
    """An error: ``detail`` says what is wrong (for bad input: which field, and why)."""

    detail: str
    errors: list[dict[str, Any]] | None = None


class LoginRequest(_In):
    """A staff member's username and password."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    """The bearer token (shown once) and when it expires."""

    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    username: str
    role: Role


class Me(BaseModel):
    """Who the token belongs to."""

    id: int
    username: str
    role: Role
    token_expires_at: dt.datetime


class PairingCodeResponse(BaseModel):
    """A one-time pairing code, shown once; with what the kiosk should pin."""

    code: str
    expires_at: dt.datetime
    fingerprint: str | None = Field(
        description="SHA-256 of the console's TLS certificate (None when TLS is off)."
    )


class KioskSelf(BaseModel):
    """A PC as the console knows it (asked by the PC itself)."""

    id: int
    name: str
    location: str


class LiveStatus(BaseModel):
    """What the PC last said about itself (not stored)."""

    state: str
    seconds_left: int | None
    login: LoginKind | None
    pages_printed: int
    help_requested: bool
    locked: bool
    at: dt.datetime = Field(description="When the console received it.")


class KioskTile(BaseModel):
    """One PC in the room view."""

    id: int
    name: str
    location: str
    online: bool
    revoked: bool
    last_seen_at: dt.datetime | None
    help_requested: bool
    status: LiveStatus | None


class ExtendCommand(_In):
    """Give the running session more time."""

    action: Literal["extend"]
    minutes: int = Field(ge=1, le=24 * 60)


class EndCommand(_In):
    """End the running session, saying why (e.g. a house-rules violation)."""

    action: Literal["end"]
    reason: str = Field(min_length=1, max_length=200)


class LockCommand(_In):
    """Cover the screen; nobody can log in."""

    action: Literal["lock"]
    reason: str | None = Field(None, max_length=200)


class UnlockCommand(_In):
    """Lift a lock."""

    action: Literal["unlock"]


class MessageCommand(_In):
    """Show a message on the PC."""

    action: Literal["message"]
    text: str = Field(min_length=1, max_length=500)


CommandRequest = Annotated[
    ExtendCommand | EndCommand | LockCommand | UnlockCommand | MessageCommand,
    Field(discriminator="action"),
]

CommandStatus = Literal["done", "failed", "pending", "offline"]


class CommandResponse(BaseModel):
    """What became of a command: ``done``/``failed`` (the kiosk answered), ``pending`` (sent,
    no answer yet), ``offline`` (the PC is not connected: nothing was sent)."""

    command_id: str
    kiosk_id: int
    action: str
    status: CommandStatus
    ok: bool | None = None
    code: str | None = None
    message: str | None = None


class AuditEntryModel(BaseModel):
    """One staff action."""

    id: int
    at: dt.datetime
    who: str
    action: str
    kiosk_id: int | None
    detail: str


class AuditPage(BaseModel):
    """A page of the audit log, newest first."""

    items: list[AuditEntryModel]
    total: int
    limit: int
    offset: int


class EventModel(BaseModel):
    """One event a kiosk reported."""

    id: int
    event_id: str
    kiosk_id: int
    at: dt.datetime
    kind: str
    body: dict[str, Any]
    received_at: dt.datetime


class EventPage(BaseModel):
    """A page of events, newest first."""

    items: list[EventModel]
    total: int
    limit: int
    offset: int


# -- tickets -----------------------------------------------------------------------------

TicketStateFilter = Literal["unused", "used", "expired"]
TicketState = Literal["unused", "used", "expired"]


class TicketsRequest(_In):
    """Make ``count`` single-use tickets of ``minutes`` each, valid until a time."""

    count: int = Field(ge=1, le=200)
    minutes: int = Field(ge=1, le=24 * 60)
    valid_until: dt.datetime = Field(description="Last moment of use; without an offset: UTC.")
    free_pages: int = Field(0, ge=0, le=1000)


class IssuedTicketModel(BaseModel):
    """A new ticket with its code, shown only in this answer."""

    ref: str
    code: str = Field(description="8 digits as 1234-5678; not kept by the console.")
    minutes: int
    free_pages: int
    valid_until: dt.datetime


class TicketsCreated(BaseModel):
    """The tickets made; their codes appear nowhere else."""

    tickets: list[IssuedTicketModel]


class TicketModel(BaseModel):
    """A ticket as staff see it later: never the code."""

    ref: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime
    created_at: dt.datetime
    made_by: str
    state: TicketState
    used_at: dt.datetime | None
    used_kiosk_id: int | None


class RedeemRequest(_In):
    """A code typed by a visitor at a PC."""

    code: str = Field(min_length=8, max_length=12, pattern=r"^[0-9][0-9 -]*[0-9]$")


class RedeemResponse(BaseModel):
    """The ticket is now used by this PC: what it gives."""

    ref: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime


# -- members -----------------------------------------------------------------------------

CardNumber = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Pin = Annotated[str, Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")]
Nickname = Annotated[str, Field(min_length=1, max_length=40)]
AllowanceMinutes = Annotated[int, Field(ge=1, le=24 * 60)]


class MemberCreate(_In):
    """A new member: a card number and a PIN; no name, address or birth date."""

    card: CardNumber
    pin: Pin
    daily_allowance_minutes: AllowanceMinutes | None = None
    nickname: Nickname | None = None


class MemberPatch(_In):
    """Change a member: only the fields given are changed (null clears allowance/nickname)."""

    daily_allowance_minutes: AllowanceMinutes | None = None
    nickname: Nickname | None = None
    pin: Pin | None = None


class BanRequest(_In):
    """Refuse a card until a date (inclusive, local day), saying why."""

    until: dt.date
    reason: str = Field(min_length=1, max_length=200)


class MemberModel(BaseModel):
    """A member as staff see it (never the PIN or its hash)."""

    card: str
    nickname: str | None
    daily_allowance_minutes: int | None
    banned_until: dt.date | None
    ban_reason: str | None
    pin_locked_until: dt.datetime | None
    created_at: dt.datetime


class MemberCheckRequest(_In):
    """A card and PIN typed at a PC."""

    card: CardNumber
    pin: Pin


class MemberCheckResponse(BaseModel):
    """The PIN is right and the card is not banned: the time the member has left today."""

    card: str
    nickname: str | None
    daily_allowance_seconds: int | None = Field(description="None: no daily limit.")
    remaining_seconds: int | None = Field(description="None: no daily limit.")


# -- help queue --------------------------------------------------------------------------


class HelpCallModel(BaseModel):
    """A PC in the help queue, or a call just closed."""

    id: int
    kiosk_id: int
    kiosk_name: str
    requested_at: dt.datetime
    waiting_seconds: int = Field(description="From the call until taken (or until now).")
    taken_at: dt.datetime | None
    taken_by: str | None
    done_at: dt.datetime | None
    done_by: str | None
    accompanied_seconds: int | None = Field(description="done - taken, once done.")
