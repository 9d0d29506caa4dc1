"""Opening hours as staff type them in the console: what reads as a time, and the first
thing wrong with a day or a closure (the same rules as the policy model's)."""

from __future__ import annotations

import datetime as dt

import pytest

from admin_console.gui.hours import (
    ClosureValue,
    HoursProblem,
    PeriodText,
    check_closure,
    check_day,
    day_periods,
    day_ranges,
    parse_time,
)
from policies.model import OpeningHours


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("09:30", dt.time(9, 30)),
        ("9:30", dt.time(9, 30)),
        ("9h30", dt.time(9, 30)),
        ("930", dt.time(9, 30)),
        ("14", dt.time(14, 0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_a_time_is_read_as_staff_write_it(typed: str, time: dt.time) -> None:
    assert parse_time(typed) == time


@pytest.mark.parametrize("typed", ["25:00", "24:00", "9:75", "midi", "", "9:3"])
def test_what_is_not_a_time_of_day_is_not_read(typed: str) -> None:
    assert parse_time(typed) is None


def test_a_day_names_its_first_problem_and_the_field_it_is_about() -> None:
    def day(*periods: tuple[str, str]) -> tuple[HoursProblem | None, tuple[tuple[int, str], ...]]:
        found = check_day(False, [PeriodText(*p) for p in periods])
        return found.problem, found.fields

    assert day(("10:00", "25:00")) == (HoursProblem.NOT_A_TIME, ((0, "closes"),))
    assert day(("10:00", "09:00")) == (HoursProblem.END_BEFORE_START, ((0, "closes"),))
    assert day(("10:00", "")) == (HoursProblem.MISSING_TIME, ((0, "closes"),))
    assert day(("", ""), ("", "")) == (HoursProblem.NO_PERIOD, ((0, "opens"),))
    assert day(("13:00", "17:00"), ("09:00", "13:30")) == (
        HoursProblem.OVERLAP,
        ((1, "closes"), (0, "opens")),
    )
    assert day(("09:00", "12:30"), ("12:30", "17:00")) == (None, ())
    assert check_day(True, [PeriodText("nonsense", "")]).problem is None  # closed


def test_a_checked_week_is_a_policy_the_model_accepts() -> None:
    week = {
        "saturday": day_ranges(False, [PeriodText("13h30", "16:00"), PeriodText("9:30", "12:30")]),
        "sunday": day_ranges(True, day_periods([{"opens": "10:00:00", "closes": "12:00:00"}])),
        "closures": [ClosureValue(dt.date(2026, 12, 24), dt.date(2026, 12, 24)).as_policy()],
    }
    hours = OpeningHours.model_validate(week)
    assert [(r.opens, r.closes) for r in hours.saturday] == [
        (dt.time(9, 30), dt.time(12, 30)),
        (dt.time(13, 30), dt.time(16, 0)),
    ]
    assert hours.sunday == ()
    assert hours.closures[0].end is None  # one day: no end
    assert check_closure(dt.date(2026, 12, 24), dt.date(2026, 12, 23)) is (
        HoursProblem.CLOSURE_END_BEFORE_START
    )
    assert day_periods(None) == [PeriodText(), PeriodText()]
