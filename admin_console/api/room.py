"""The room: each PC as staff see it, the commands staff send it, enrolling a PC."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from admin_console.api.types import RequestBody, RowId
from epn_shared.protocol import LoginKind


class PairingCodeResponse(BaseModel):
    """A one-time pairing code, shown once: the PC types only it (it proves the console's
    certificate, ``epn_shared.pairing``); the fingerprint is for scripts that pin it."""

    code: str = Field(description="ABCDE-FGHJK: a 2-letter id, then an 8-letter secret.")
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
    updating: bool = Field(
        False, description="The PC installs an update: nobody can log in there until it is over."
    )
    at: dt.datetime = Field(description="When the console received it.")
    deadline: dt.datetime | None = Field(
        None,
        description="When the session's time runs out, on the console's clock (the PC's "
        "deadline moved by the difference between the two clocks); the room counts down "
        "from it.",
    )


class KioskTile(BaseModel):
    """One PC in the room view (``GET /api/kiosks`` and the staff socket)."""

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
    agent_version: str | None = Field(
        None, description="The EPN Kiosk version the PC runs (its hello; None: never said)."
    )
    left_behind: bool = Field(
        False,
        description="The PC runs an older EPN Kiosk than the console: its updates did not "
        "reach it (or wait for its visitor to finish).",
    )
    out_of_order: bool = Field(False, description="Marked out of order by staff: kept locked.")
    site_id: int = Field(1, description="The site the PC stands in.")
    out_of_order_reason: str | None = None
    mac: str | None = Field(
        None,
        description="The PC's network card (its hello), for Wake-on-LAN; None: not known, "
        "it cannot be woken from the console.",
    )


class OutOfOrderRequest(RequestBody):
    """Why a PC is out of order (shown to staff)."""

    reason: str = Field(min_length=1, max_length=200)


class ExtendCommand(RequestBody):
    """Give the running session more time."""

    action: Literal["extend"]
    minutes: int = Field(strict=True, ge=1, le=24 * 60)


class EndCommand(RequestBody):
    """End the running session, saying why (e.g. a house-rules violation)."""

    action: Literal["end"]
    reason: str = Field(min_length=1, max_length=200)


class LockCommand(RequestBody):
    """Cover the screen; nobody can log in."""

    action: Literal["lock"]
    reason: str | None = Field(None, max_length=200)


class UnlockCommand(RequestBody):
    """Lift a lock."""

    action: Literal["unlock"]


class MessageCommand(RequestBody):
    """Show a message on the PC."""

    action: Literal["message"]
    text: str = Field(min_length=1, max_length=500)


class GrantPagesCommand(RequestBody):
    """Give the running session more pages, free of charge (a job over quota may print)."""

    action: Literal["grant_pages"]
    pages: int = Field(strict=True, ge=1, le=1000)


class PrintReleaseCommand(RequestBody):
    """Print a job the PC could not count, as this many pages, free of charge."""

    action: Literal["print_release"]
    job_id: RowId
    pages: int = Field(strict=True, ge=1, le=1000)


class RestartCommand(RequestBody):
    """Restart the PC: a visitor on it loses their session (ended and wiped first)."""

    action: Literal["restart"]


class ShutDownCommand(RequestBody):
    """Switch the PC off: a visitor on it loses their session (ended and wiped first)."""

    action: Literal["shut_down"]


CommandRequest = Annotated[
    ExtendCommand
    | EndCommand
    | LockCommand
    | UnlockCommand
    | MessageCommand
    | GrantPagesCommand
    | PrintReleaseCommand
    | RestartCommand
    | ShutDownCommand,
    Field(discriminator="action"),
]

PowerAction = Literal["restart", "shut_down", "wake"]

MAX_POWER_PCS = 5000
"""The most PCs one power request names (a whole network's room view is 3,000)."""


class PowerRequest(RequestBody):
    """Restart, switch off or wake several PCs at once (the room's, a site's later)."""

    action: PowerAction
    kiosk_ids: list[RowId] = Field(min_length=1, max_length=MAX_POWER_PCS)

    @field_validator("kiosk_ids")
    @classmethod
    def _each_once(cls, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise ValueError("name each PC once")
        return ids


PowerStatus = Literal["done", "pending", "offline", "no_mac", "refused"]


class PowerResult(BaseModel):
    """What became of one PC: ``done`` (woken: the packet went out; restart, shut down:
    the PC answered and goes now), ``pending`` (sent, no answer yet), ``offline`` (not
    connected: nothing sent), ``no_mac`` (never said its network card: cannot be woken),
    ``refused`` (the PC said no: ``code``, ``message``)."""

    kiosk_id: int
    name: str
    status: PowerStatus
    code: str | None = None
    message: str | None = None


class PowerResponse(BaseModel):
    """Each PC's result, in the order asked."""

    action: PowerAction
    results: list[PowerResult]


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
