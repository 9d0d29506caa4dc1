"""Typed request and response bodies of the console's HTTP API (its OpenAPI description).

Every value that comes in is bounded: integers are JSON integers (not strings, floats or
booleans) within the range a column holds, ids fit the database's 32-bit keys, and times
and days lie between 2000 and 2099, so no request can overflow a column, a date or a sum
further down (a 422 naming the field instead)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from admin_console.server.auth import Role
from admin_console.server.db.repositories.audit import AuditEntry
from admin_console.server.db.repositories.events import StoredEvent
from epn_shared.protocol import LoginKind, reject_nul

MAX_ID = 2**31 - 1
"""Largest row id (the database's keys are 32-bit)."""
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
"""The calendar the console works in: days and times outside it are refused."""
_FIRST = dt.datetime.combine(FIRST_DAY, dt.time(), tzinfo=dt.UTC)
_END = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def in_calendar_day(value: dt.date) -> dt.date:
    """``value`` if it lies in 2000-2099, else ValueError (a 422 naming the field)."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


def in_calendar(value: dt.datetime) -> dt.datetime:
    """``value`` (without an offset: UTC) if it lies in 2000-2099, else ValueError."""
    # Compared, not converted: year 1 at +05:00 would overflow on the way to UTC.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if not _FIRST <= aware < _END:
        raise ValueError(f"must be from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


Day = Annotated[dt.date, AfterValidator(in_calendar_day)]
"""A day in 2000-2099."""
Instant = Annotated[dt.datetime, AfterValidator(in_calendar)]
"""A time in 2000-2099 (without an offset: UTC)."""
RowId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
"""An id of a row (a PC, a print job)."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


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
    print_waiting: Literal["over_quota", "uncountable"] | None = Field(
        None, description="A print job waits for an animator: grant pages, or release it."
    )
    print_job_id: int | None = None
    help_requested: bool
    locked: bool
    at: dt.datetime = Field(description="When the console received it.")
    deadline: dt.datetime | None = Field(
        None,
        description="When the session's time runs out, on the console's clock (the PC's "
        "deadline moved by the difference between the two clocks); the room counts down "
        "from it.",
    )


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
    policy_version: str | None = Field(
        None, description="The policy the PC runs (its hello, or an accepted policy update)."
    )
    out_of_order: bool = Field(False, description="Marked out of order by staff: kept locked.")
    out_of_order_reason: str | None = None


class OutOfOrderRequest(_In):
    """Why a PC is out of order (shown to staff)."""

    reason: str = Field(min_length=1, max_length=200)


class ExtendCommand(_In):
    """Give the running session more time."""

    action: Literal["extend"]
    minutes: int = Field(strict=True, ge=1, le=24 * 60)


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


class GrantPagesCommand(_In):
    """Give the running session more pages, free of charge (a job over quota may print)."""

    action: Literal["grant_pages"]
    pages: int = Field(strict=True, ge=1, le=1000)


class PrintReleaseCommand(_In):
    """Print a job the PC could not count, as this many pages, free of charge."""

    action: Literal["print_release"]
    job_id: RowId
    pages: int = Field(strict=True, ge=1, le=1000)


CommandRequest = Annotated[
    ExtendCommand
    | EndCommand
    | LockCommand
    | UnlockCommand
    | MessageCommand
    | GrantPagesCommand
    | PrintReleaseCommand,
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


class AuditPage(BaseModel):
    """A page of the audit log, newest first."""

    items: list[AuditEntry]
    total: int
    limit: int
    offset: int


class EventPage(BaseModel):
    """A page of events, newest first."""

    items: list[StoredEvent]
    total: int
    limit: int
    offset: int


# -- tickets -----------------------------------------------------------------------------

TicketStateFilter = Literal["unused", "used", "expired"]
TicketState = Literal["unused", "used", "expired"]


class TicketsRequest(_In):
    """Make ``count`` single-use tickets of ``minutes`` each, valid until a time."""

    count: int = Field(strict=True, ge=1, le=200)
    minutes: int = Field(
        strict=True, ge=5, le=480, multiple_of=5, description="5 to 480, in steps of 5."
    )
    valid_until: Instant = Field(description="Last moment of use; without an offset: UTC.")
    free_pages: int = Field(0, strict=True, ge=0, le=1000)


class IssuedTicketModel(BaseModel):
    """A new ticket with its code, shown only in this answer."""

    ref: str
    code: str = Field(
        description="16 digits as 1234 5678 9012 3456, signed so a PC can check it offline, "
        "the last one a Damm check digit against typing mistakes; not kept by the console."
    )
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

    code: str = Field(
        min_length=16,
        max_length=32,
        pattern=r"^[0-9][0-9 -]*[0-9]$",
        description="The 16 digits, with or without spaces or dashes between them.",
    )


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
AllowanceMinutes = Annotated[int, Field(strict=True, ge=1, le=24 * 60)]


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

    until: Day
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
    pages_printed_today: int = Field(0, description="Pages printed today, on every PC.")


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
    reason: Literal["ticket_forged"] | None = Field(
        None,
        description="None: the visitor asked. ticket_forged: the PC let in, while the console "
        "was away, a ticket code the console never issued; someone should go and look.",
    )


# -- policy ------------------------------------------------------------------------------


class PolicyState(BaseModel):
    """The kiosks' policy in force, as set at the console."""

    version: int = Field(description="1, 2, 3... each change; 0: the bundled default, unchanged.")
    policy: dict[str, Any] = Field(description="The full policy, as plain data.")
    policy_version: str = Field(description="The policy's content hash, as PCs report it.")
    changed_at: dt.datetime | None
    changed_by: str | None


class PolicyChange(_In):
    """A new policy: all of it or only what differs, merged over the bundled default."""

    policy: dict[str, Any]


class PolicyHistoryItem(BaseModel):
    """One version of the policy."""

    version: int
    policy_version: str
    changed_at: dt.datetime
    changed_by: str


# -- workshops ---------------------------------------------------------------------------


class WorkshopRequest(_In):
    """Start a session for a group on several PCs at once."""

    kiosk_ids: list[RowId] = Field(min_length=1, max_length=100)
    minutes: int = Field(strict=True, ge=5, le=480)
    title: str = Field(min_length=1, max_length=80)
    participants: int = Field(strict=True, ge=0, le=500)


class WorkshopResult(BaseModel):
    """What one PC answered (``code`` ``offline``: not connected, nothing sent)."""

    kiosk_id: int
    ok: bool
    code: str | None = None
    message: str | None = None


class WorkshopModel(BaseModel):
    """A workshop and each PC's answer."""

    id: int
    title: str
    minutes: int
    participants: int
    started_at: dt.datetime
    started_by: str
    kiosk_ids: list[int]
    results: list[WorkshopResult]


# -- usage -------------------------------------------------------------------------------


class UsageRow(BaseModel):
    """Figures of a period, a day, an hour of the day or a PC (anonymous)."""

    sessions: int = Field(0, description="Sessions that started in it.")
    visitor_seconds: int = Field(0, description="Time visitors spent on the PCs within it.")
    occupancy: float | None = Field(
        None,
        description="visitor_seconds / (PCs x seconds open per the policy's opening hours); "
        "None when closed all along.",
    )
    pages: int = 0
    sheets: int = 0
    cost_cents: int = 0
    accompanied_seconds: int = Field(0, description="Time animators spent helping visitors.")
    help_calls: int = 0


class UsageByKind(BaseModel):
    """Sessions by how they started."""

    walk_in: int = 0
    ticket: int = 0
    member: int = 0
    workshop: int = 0


class UsageDay(UsageRow):
    """One local day."""

    day: dt.date
    walk_in: int = 0
    ticket: int = 0
    member: int = 0
    workshop: int = 0


class UsageHour(UsageRow):
    """One hour of the day (0-23), over every day of the period."""

    hour: int


class UsageKiosk(UsageRow):
    """One PC over the period (its occupancy counts that PC alone)."""

    kiosk_id: int
    kiosk_name: str


class UsageReport(BaseModel):
    """The usage of a period of local days (``end`` included)."""

    start: dt.date
    end: dt.date
    pcs: int = Field(description="Enrolled PCs (not revoked) that occupancy is counted on.")
    totals: UsageRow
    by_kind: UsageByKind
    per_day: list[UsageDay]
    per_hour: list[UsageHour]
    per_kiosk: list[UsageKiosk]
    workshops: list[WorkshopModel]
