"""Questions asked of a policy: is the room open, how long may this session last."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from policies.model import LoginMode, Policy


def current_range_end(policy: Policy, at: dt.datetime) -> dt.datetime | None:
    """When the opening period that contains ``at`` closes; None when the room is closed."""
    for period in policy.opening_hours.ranges_on(at.date()):
        if period.opens <= at.time() < period.closes:
            return dt.datetime.combine(at.date(), period.closes, tzinfo=at.tzinfo)
    return None


def is_open(policy: Policy, at: dt.datetime) -> bool:
    """True when ``at`` (local wall time) falls in an opening period."""
    return current_range_end(policy, at) is not None


def next_opening(policy: Policy, at: dt.datetime, horizon_days: int = 14) -> dt.datetime | None:
    """The next time the room opens after ``at``, within ``horizon_days``."""
    for offset in range(horizon_days + 1):
        day = at.date() + dt.timedelta(days=offset)
        for period in policy.opening_hours.ranges_on(day):
            start = dt.datetime.combine(day, period.opens, tzinfo=at.tzinfo)
            if start > at:
                return start
    return None


class Limit(StrEnum):
    """What decided the length of a session."""

    SESSION_LENGTH = "session_length"
    DAILY_ALLOWANCE = "daily_allowance"
    TICKET = "ticket"
    CLOSING_TIME = "closing_time"


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
