"""Questions asked of a policy: is the room open, how long may this session last."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from policies.model import LoginMode, Policy


def current_range_end(policy: Policy, at: dt.datetime) -> dt.datetime | None:
    """When the room closes, if it is open at ``at``; None when the room is closed.

    Periods that touch (09:00-13:00 then 13:00-17:00) are one opening: the room does not
    close between them, so a session is not cut there.
    """
    end: dt.time | None = None
    for period in policy.opening_hours.ranges_on(at.date()):
        if end is None:
            if period.opens <= at.time() < period.closes:
                end = period.closes
        elif period.opens == end:
            end = period.closes
        else:
            break
    return None if end is None else dt.datetime.combine(at.date(), end, tzinfo=at.tzinfo)


def is_open(policy: Policy, at: dt.datetime) -> bool:
    """True when ``at`` (local wall time) falls in an opening period."""
    return current_range_end(policy, at) is not None


def next_opening(policy: Policy, at: dt.datetime, horizon_days: int = 14) -> dt.datetime | None:
    """The next time the room opens after ``at``, within ``horizon_days``."""
    for offset in range(horizon_days + 1):
        day = at.date() + dt.timedelta(days=offset)
        previous_close: dt.time | None = None
        for period in policy.opening_hours.ranges_on(day):
            start = dt.datetime.combine(day, period.opens, tzinfo=at.tzinfo)
            # A period that starts when the previous one closes is not an opening.
            if start > at and period.opens != previous_close:
                return start
            previous_close = period.closes
    return None


class Limit(StrEnum):
    """What decided the length of a session."""

    SESSION_LENGTH = "session_length"
    DAILY_ALLOWANCE = "daily_allowance"
    TICKET = "ticket"
    CLOSING_TIME = "closing_time"
    WORKSHOP = "workshop"  # the minutes an animator gave a workshop


@dataclass(frozen=True)
class Allowance:
    """How long a session may last from now, and why that long."""

    seconds: int
    limited_by: Limit


def session_allowance(
    policy: Policy,
    at: dt.datetime,
    mode: LoginMode,
    *,
    used_today_seconds: int = 0,
    ticket_minutes: int | None = None,
) -> Allowance:
    """Deadline model: the shortest of the policy length, what is left of the daily
    allowance (members), the ticket's minutes (tickets) and the time until closing.

    Returns zero seconds when the room is closed.
    """
    candidates = [(policy.session.length_minutes * 60, Limit.SESSION_LENGTH)]
    if mode is LoginMode.MEMBER:
        left = policy.session.daily_allowance_minutes * 60 - used_today_seconds
        candidates.append((max(0, left), Limit.DAILY_ALLOWANCE))
    if mode is LoginMode.TICKET and ticket_minutes is not None:
        # A ticket buys its own minutes, which may be more than a walk-in session.
        candidates[0] = (ticket_minutes * 60, Limit.TICKET)
    closing = current_range_end(policy, at)
    until_closing = 0 if closing is None else int((closing - at).total_seconds())
    candidates.append((until_closing, Limit.CLOSING_TIME))
    seconds, limit = min(candidates, key=lambda c: c[0])
    return Allowance(seconds=seconds, limited_by=limit)
