"""What the routes share: the console of the request, who is calling, common parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi import Path as Path_
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from admin_console.api.staff import Role
from admin_console.api.types import MAX_ID, Day, Problem
from admin_console.server import usage as usage_review
from admin_console.server.auth import Principal, digest
from admin_console.server.console import Console
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route, declared as :class:`Problem`."""
    return {status: {"model": Problem} for status in statuses}


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(_console)]
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/login.")


def _principal(
    console: ConsoleDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else None
    return console.auth.authenticate(token)


def in_scope(console: Console, who: Principal, kiosk_id: int) -> int:
    """``kiosk_id`` when that PC is in one of the caller's sites; :class:`NotFound` for a
    PC elsewhere, worded as for a PC that does not exist: nothing outside a person's sites
    is shown, not even that it exists."""
    if who.sites is not None:
        kiosk = console.repos.kiosks.get(kiosk_id)
        if kiosk is None or kiosk.site_id not in who.sites:
            raise NotFound(f"no PC with id {kiosk_id}")
    return kiosk_id


def _kiosk_id(
    console: ConsoleDep,
    who: Annotated[Principal, Depends(_principal)],
    kiosk_id: Annotated[int, Path_(ge=1, le=MAX_ID, description="The PC's id.")],
) -> int:
    return in_scope(console, who, kiosk_id)


def _kiosk_filter(
    console: ConsoleDep,
    who: Annotated[Principal, Depends(_principal)],
    kiosk_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this PC.")] = None,
) -> int | None:
    return None if kiosk_id is None else in_scope(console, who, kiosk_id)


def _site_filter(
    who: Annotated[Principal, Depends(_principal)],
    site_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this site (default: all yours).")
    ] = None,
) -> frozenset[int] | None:
    if site_id is None:
        return who.sites
    if not who.sees(site_id):
        raise NotFound(f"no site with id {site_id}")
    return frozenset({site_id})


StaffId = Annotated[int, Path_(ge=1, le=MAX_ID, description="The staff member's id.")]
"""A staff member of the path (their account's id)."""
KioskId = Annotated[int, Depends(_kiosk_id)]
"""The PC of the path, one of the caller's sites' (404 otherwise)."""
KioskFilter = Annotated[int | None, Depends(_kiosk_filter)]
"""An optional PC to filter on, one of the caller's sites' (404 otherwise)."""
Sites = Annotated[frozenset[int] | None, Depends(_site_filter)]
"""The sites a list covers: the one asked (``?site_id=``, one of the caller's) or all the
caller's (None: every site, for an admin who asks for none)."""


def _need(role: Role) -> Callable[[Console, Principal], Principal]:
    def check(console: ConsoleDep, who: Annotated[Principal, Depends(_principal)]) -> Principal:
        console.auth.require(who, role)
        return who

    return check


def _kiosk_caller(
    console: ConsoleDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Kiosk:
    token = credentials.credentials if credentials is not None else None
    kiosk = console.repos.kiosks.by_token(digest(token)) if token else None
    if kiosk is None:
        raise NotAuthenticated("unknown kiosk token: enroll this PC")
    if kiosk.revoked_at is not None:
        raise Forbidden("this PC was revoked: enroll it again")
    return kiosk


KioskCaller = Annotated[Kiosk, Depends(_kiosk_caller)]
"""The enrolled, not revoked PC whose own token is the request's bearer token."""
Staff = Annotated[Principal, Depends(_principal)]
Animator = Annotated[Principal, Depends(_need(Role.ANIMATOR))]
Manager = Annotated[Principal, Depends(_need(Role.MANAGER))]
Admin = Annotated[Principal, Depends(_need(Role.ADMIN))]


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class DayRange:
    """A period of local days, ``end`` included."""

    start: dt.date
    end: dt.date


def _days(
    start: Annotated[Day, Query(description="First local day (YYYY-MM-DD), 2000-2099.")],
    end: Annotated[Day, Query(description="Last local day, included.")],
) -> DayRange:
    if start > end:
        raise InvalidInput("start", f"must be on or before end ({end.isoformat()})")
    if (end - start).days + 1 > usage_review.MAX_DAYS:
        raise InvalidInput("end", f"a period is at most {usage_review.MAX_DAYS} days")
    return DayRange(start, end)


def _optional_days(
    console: ConsoleDep,
    start: Annotated[Day | None, Query(description="First local day; 30 days ago.")] = None,
    end: Annotated[Day | None, Query(description="Last local day, included; today.")] = None,
) -> DayRange:
    last = end or console.visitor_access.today()
    return _days(start or min(last, console.visitor_access.today()) - dt.timedelta(days=30), last)


Days = Annotated[DayRange, Depends(_days)]
RecentDays = Annotated[DayRange, Depends(_optional_days)]
"""A period of local days, the last 30 when not given."""
