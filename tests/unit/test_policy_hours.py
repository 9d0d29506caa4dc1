"""Opening hours, closures and how long a session may last."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from policies import (
    Limit,
    LoginMode,
    Policy,
    current_range_end,
    default_policy,
    is_open,
    next_opening,
    parse_policy,
    session_allowance,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
DEFAULT = default_policy()  # Mon-Fri 10:00-18:00, Sat 09:30-12:30, Sun closed

SPLIT = parse_policy(
    """
    [opening_hours]
    wednesday = [{opens = "14:00", closes = "18:00"}, {opens = "09:00", closes = "12:00"}]
    closures = [
        {start = 2024-03-08, reason = "journée pédagogique"},
        {start = 2024-12-24, end = 2025-01-01, reason = "fêtes"},
    ]
    """,
    "toml",
)


def at(
    day: int, hour: int, minute: int = 0, second: int = 0, *, month: int = 3, year: int = 2024
) -> dt.datetime:
    """A time in Brussels, in March 2024 unless told (4 March 2024 is a Monday)."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(4, 9, 59, 59), False),
        (at(4, 10), True),
        (at(4, 17, 59, 59), True),
        (at(4, 18), False),  # closing time is no longer open
        (at(9, 9, 30), True),  # Saturday
        (at(9, 12, 30), False),
        (at(10, 11), False),  # Sunday
    ],
)
def test_weekly_hours(when: dt.datetime, expected: bool) -> None:
    assert is_open(DEFAULT, when) is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(6, 8, 59), False),
        (at(6, 9), True),
        (at(6, 12), False),  # lunch
        (at(6, 13, 59), False),
        (at(6, 14), True),
        (at(8, 11), False),  # a Friday closure
        (at(7, 11), True),  # the day before
        (at(24, 11, month=12), False),
        (at(27, 11, month=12), False),
        (at(1, 11, month=1, year=2025), False),  # the closure's last day
        (at(2, 11, month=1, year=2025), True),
    ],
)
def test_split_days_and_closures(when: dt.datetime, expected: bool) -> None:
    assert is_open(SPLIT, when) is expected


def test_the_current_period_end() -> None:
    assert current_range_end(SPLIT, at(6, 10, 15)) == at(6, 12)
    assert current_range_end(SPLIT, at(6, 15)) == at(6, 18)
    assert current_range_end(SPLIT, at(6, 12, 30)) is None
    assert current_range_end(DEFAULT, at(9, 10)) == at(9, 12, 30)


def test_touching_periods_are_one_opening() -> None:
    # Written as a morning and an afternoon shift, the room never closes at 13:00.
    policy = parse_policy(
        '[opening_hours]\nmonday = [{opens = "09:00", closes = "13:00"}, '
        '{opens = "13:00", closes = "17:00"}, {opens = "17:00", closes = "19:00"}]',
        "toml",
    )
    assert is_open(policy, at(4, 13))
    assert current_range_end(policy, at(4, 12, 30)) == at(4, 19)
    allowance = session_allowance(policy, at(4, 12, 30), LoginMode.WALK_IN)
    assert (allowance.seconds, allowance.limited_by) == (3600, Limit.SESSION_LENGTH)
    assert next_opening(policy, at(4, 10)) == at(5, 10)  # not 13:00 the same day


@pytest.mark.parametrize(
    ("policy", "when", "expected"),
    [
        (DEFAULT, at(4, 8), at(4, 10)),  # later the same day
        (DEFAULT, at(4, 10), at(5, 10)),  # open now: the next opening is tomorrow
        (DEFAULT, at(4, 19), at(5, 10)),
        (DEFAULT, at(8, 19), at(9, 9, 30)),  # Friday evening: Saturday
        (DEFAULT, at(9, 13), at(11, 10)),  # Saturday afternoon: Monday
        (SPLIT, at(6, 12, 30), at(6, 14)),  # lunch
        (SPLIT, at(7, 19), at(9, 9, 30)),  # Friday is a closure day
        (SPLIT, at(23, 19, month=12), at(2, 10, month=1, year=2025)),
    ],
)
def test_next_opening(policy: Policy, when: dt.datetime, expected: dt.datetime) -> None:
    assert next_opening(policy, when) == expected


def test_next_opening_after_a_change_to_summer_time() -> None:
    # 31 March 2024: clocks go forward in Brussels; Monday opens at 10:00 local, UTC+2.
    opening = next_opening(DEFAULT, at(30, 19))
    assert opening == dt.datetime(2024, 4, 1, 10, tzinfo=BRUSSELS)
    assert opening.utcoffset() == dt.timedelta(hours=2)
    assert opening.hour == 10


def test_no_opening_within_the_horizon() -> None:
    closed = parse_policy(
        "[opening_hours]\nclosures = [{start = 2024-07-01, end = 2024-08-31}]", "toml"
    )
    assert next_opening(closed, dt.datetime(2024, 7, 1, 9, tzinfo=BRUSSELS)) is None
    assert next_opening(
        closed, dt.datetime(2024, 7, 1, 9, tzinfo=BRUSSELS), horizon_days=90
    ) == dt.datetime(2024, 9, 2, 10, tzinfo=BRUSSELS)


def test_a_room_never_open() -> None:
    days = "\n".join(
        f"{d} = []"
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    never = parse_policy(f"[opening_hours]\n{days}", "toml")
    assert not is_open(never, at(4, 11))
    assert next_opening(never, at(4, 11)) is None
    assert session_allowance(never, at(4, 11), LoginMode.WALK_IN).seconds == 0


# -- how long a session may last ---------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "mode", "used", "ticket", "expected"),
    [
        (at(4, 10), LoginMode.WALK_IN, 0, None, (3600, Limit.SESSION_LENGTH)),
        (at(4, 17, 20), LoginMode.WALK_IN, 0, None, (2400, Limit.CLOSING_TIME)),
        (at(4, 17, 59, 30), LoginMode.WALK_IN, 0, None, (30, Limit.CLOSING_TIME)),
        (at(4, 20), LoginMode.WALK_IN, 0, None, (0, Limit.CLOSING_TIME)),
        (at(4, 10), LoginMode.TICKET, 0, 20, (1200, Limit.TICKET)),
        (at(4, 10), LoginMode.TICKET, 0, 180, (10800, Limit.TICKET)),
        (at(4, 16), LoginMode.TICKET, 0, 180, (7200, Limit.CLOSING_TIME)),
        (at(4, 10), LoginMode.WALK_IN, 0, 20, (3600, Limit.SESSION_LENGTH)),  # not a ticket
        (at(4, 10), LoginMode.MEMBER, 30 * 60, None, (3600, Limit.SESSION_LENGTH)),
        (at(4, 10), LoginMode.MEMBER, 90 * 60, None, (1800, Limit.DAILY_ALLOWANCE)),
        (at(4, 10), LoginMode.MEMBER, 500 * 60, None, (0, Limit.DAILY_ALLOWANCE)),
        (at(4, 17, 50), LoginMode.MEMBER, 90 * 60, None, (600, Limit.CLOSING_TIME)),
        (at(4, 10), LoginMode.WALK_IN, 999 * 60, None, (3600, Limit.SESSION_LENGTH)),
    ],
)
def test_the_allowance_is_the_smallest_limit_and_says_which(
    when: dt.datetime, mode: LoginMode, used: int, ticket: int | None, expected: tuple
) -> None:
    allowance = session_allowance(
        DEFAULT, when, mode, used_today_seconds=used, ticket_minutes=ticket
    )
    assert (allowance.seconds, allowance.limited_by) == expected


def test_the_allowance_follows_the_policy() -> None:
    policy = parse_policy("[session]\nlength_minutes = 30\ndaily_allowance_minutes = 45", "toml")
    assert session_allowance(policy, at(4, 10), LoginMode.WALK_IN).seconds == 1800
    member = session_allowance(policy, at(4, 10), LoginMode.MEMBER, used_today_seconds=1800)
    assert (member.seconds, member.limited_by) == (900, Limit.DAILY_ALLOWANCE)
