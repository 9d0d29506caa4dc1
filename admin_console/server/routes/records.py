"""The records: the audit log of staff actions and the events the PCs reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from admin_console.api.records import AuditPage, EventPage
from admin_console.api.types import MAX_ID, Instant
from admin_console.server.routes.deps import (
    ConsoleDep,
    KioskFilter,
    Manager,
    Sites,
    aware,
    problems,
)

router = APIRouter()


@dataclass(frozen=True)
class _EventFilter:
    kind: str | None = None
    kiosk_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _event_filter(
    kiosk_id: KioskFilter,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    since: Annotated[Instant | None, Query(description="From (inclusive).")] = None,
    until: Annotated[Instant | None, Query(description="To (exclusive).")] = None,
) -> _EventFilter:
    return _EventFilter(kind, kiosk_id, aware(since), aware(until))


@dataclass(frozen=True)
class _Paging:
    limit: int
    offset: int


def _paging(
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> _Paging:
    return _Paging(limit, offset)


Paging = Annotated[_Paging, Depends(_paging)]


@router.get("/api/audit", responses=problems(401, 403, 404))
def audit(
    console: ConsoleDep,
    _who: Manager,
    *,
    paging: Paging,
    kiosk_id: KioskFilter,
    sites: Sites,
    who: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
) -> AuditPage:
    """The audit log, newest first: what happened in the caller's sites (or the one asked)."""
    page = console.repos.audit.page(
        who=who,
        action=action,
        kiosk_id=kiosk_id,
        sites=sites,
        limit=paging.limit,
        offset=paging.offset,
    )
    return AuditPage.model_validate(page, from_attributes=True)


@router.get("/api/events", responses=problems(401, 403, 404))
def events(
    console: ConsoleDep,
    _who: Manager,
    paging: Paging,
    where: Annotated[_EventFilter, Depends(_event_filter)],
    sites: Sites,
) -> EventPage:
    """Events the PCs of the caller's sites (or the one asked) reported, newest first;
    times without an offset are UTC."""
    page = console.repos.events.page(
        kind=where.kind,
        kiosk_id=where.kiosk_id,
        since=where.since,
        until=where.until,
        sites=sites,
        limit=paging.limit,
        offset=paging.offset,
    )
    return EventPage.model_validate(page, from_attributes=True)
