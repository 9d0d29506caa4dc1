"""The records: the audit log of staff actions and the events the PCs reported, each a
page at a time. The repositories return these records as they are stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntry(BaseModel):
    """One staff action."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: dt.datetime
    who: str
    action: str
    kiosk_id: int | None
    detail: str


class StoredEvent(BaseModel):
    """One event a kiosk reported."""

    model_config = ConfigDict(frozen=True)

    id: int
    event_id: str
    kiosk_id: int
    at: dt.datetime
    kind: str
    body: dict[str, Any]
    received_at: dt.datetime


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
