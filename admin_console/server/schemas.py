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
