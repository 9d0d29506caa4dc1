"""Members: a card number and a PIN, an optional daily allowance and nickname, a ban."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from admin_console.api.types import Day, RequestBody

CardNumber = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Pin = Annotated[str, Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")]
Nickname = Annotated[str, Field(min_length=1, max_length=40)]
AllowanceMinutes = Annotated[int, Field(strict=True, ge=1, le=24 * 60)]


class MemberCreate(RequestBody):
    """A new member: a card number and a PIN; no name, address or birth date."""

    card: CardNumber
    pin: Pin
    daily_allowance_minutes: AllowanceMinutes | None = None
    nickname: Nickname | None = None


class MemberPatch(RequestBody):
    """Change a member: only the fields given are changed (null clears allowance/nickname)."""

    daily_allowance_minutes: AllowanceMinutes | None = None
    nickname: Nickname | None = None
    pin: Pin | None = None


class BanRequest(RequestBody):
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


class MemberCheckRequest(RequestBody):
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
