"""Workshops: one session without login on several PCs at once. :class:`Workshop` is also
what the workshop repository returns."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from admin_console.api.types import RequestBody, RowId


class WorkshopRequest(RequestBody):
    """Start a session for a group on several PCs at once."""

    kiosk_ids: list[RowId] = Field(min_length=1, max_length=100)
    minutes: int = Field(strict=True, ge=5, le=480)
    title: str = Field(min_length=1, max_length=80)
    participants: int = Field(strict=True, ge=0, le=500)


class WorkshopResult(BaseModel):
    """What one PC answered (``code`` ``offline``: not connected, nothing sent)."""

    model_config = ConfigDict(frozen=True)

    kiosk_id: int
    ok: bool
    code: str | None = None
    message: str | None = None


class Workshop(BaseModel):
    """A workshop and each PC's answer."""

    model_config = ConfigDict(frozen=True)

    id: int
    title: str
    minutes: int
    participants: int
    started_at: dt.datetime
    started_by: str
    kiosk_ids: list[int]
    results: list[WorkshopResult]
