"""The usage review's arithmetic: visitor time split over local hours (across midnight and
the change to summer time), opening hours per hour, running sessions, and occupancy."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.db.repositories.sessions import NOTHING_YET, SessionFacts
from admin_console.server.usage import (
    Period,
    csv_sessions,
    euros,
    open_seconds_by_hour,
    report,
    session_end,
    split_by_hour,
)
from policies import default_policy, policy_from_data
from policies.loading import default_policy_data

BRUSSELS = ZoneInfo("Europe/Brussels")


def _local(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def _session(
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    kiosk_id: int = 1,
    granted: int = 3600,
    login: str = "walk_in",
) -> SessionFacts:
    return SessionFacts(
        session_id=f"s-{start.isoformat()}",
        kiosk_id=kiosk_id,
        started_at=start.astimezone(dt.UTC),
        ended_at=None if end is None else end.astimezone(dt.UTC),
        login=login,
        language="fr",
        granted_seconds=granted,
        seconds_used=None,
        workshop_id=None,
        **NOTHING_YET,
    )


def test_a_session_over_midnight_is_split_between_the_two_days() -> None:
    pieces = list(split_by_hour(_local(2026, 3, 2, 23, 40), _local(2026, 3, 3, 0, 10), BRUSSELS))
    assert pieces == [
        (dt.date(2026, 3, 2), 23, 1200.0),
        (dt.date(2026, 3, 3), 0, 600.0),
    ]


def test_the_hour_lost_to_summer_time_is_not_counted() -> None:
    # 29 March 2026: 02:00 becomes 03:00 in Brussels; 01:30 to 03:30 is one hour of use.
    pieces = list(split_by_hour(_local(2026, 3, 29, 1, 30), _local(2026, 3, 29, 3, 30), BRUSSELS))
    assert pieces == [(dt.date(2026, 3, 29), 1, 1800.0), (dt.date(2026, 3, 29), 3, 1800.0)]


def test_opening_hours_are_counted_per_hour_including_half_hours() -> None:
    saturday = dt.date(2026, 3, 7)
    hours = open_seconds_by_hour(default_policy(), saturday)  # 09:30-12:30
    assert hours[9:13] == [1800, 3600, 3600, 1800]
    assert sum(hours) == 3 * 3600
    assert sum(open_seconds_by_hour(default_policy(), dt.date(2026, 3, 8))) == 0  # Sunday


def test_a_running_session_counts_until_now_and_a_lost_one_until_its_time_ran_out() -> None:
    start = _local(2026, 3, 2, 10, 0)
    running = _session(start, None, granted=3600)
    assert session_end(running, start.astimezone(dt.UTC) + dt.timedelta(minutes=20)) == (
        start + dt.timedelta(minutes=20)
    )
    assert session_end(running, start + dt.timedelta(days=2)) == start + dt.timedelta(hours=1)


def test_occupancy_is_visitor_time_over_open_time_of_the_pcs() -> None:
    data = default_policy_data()
    data["opening_hours"]["monday"] = [{"opens": "09:00", "closes": "17:00"}]
    policy = policy_from_data(data)
    now = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    kiosks = [
        Kiosk(1, "PC-01", "", created, None, None),
        Kiosk(2, "PC-02", "", created, None, None),
        Kiosk(3, "PC-old", "", created, created, None),  # revoked: not counted
    ]
    sessions = [
        _session(_local(2026, 3, 2, 10, 0), _local(2026, 3, 2, 10, 30), kiosk_id=1),
        _session(_local(2026, 3, 2, 10, 0), _local(2026, 3, 2, 10, 30), kiosk_id=2),
    ]
    period = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2), BRUSSELS)
    usage = report(
        period, sessions=sessions, calls=[], kiosks=kiosks, workshops=[], policy=policy, now=now
    )
    assert usage.pcs == 2
    assert usage.totals.visitor_seconds == 3600
    assert usage.totals.occupancy == pytest.approx(3600 / (2 * 8 * 3600))
    assert [k.kiosk_name for k in usage.per_kiosk] == ["PC-01", "PC-02"]
    assert usage.per_kiosk[0].occupancy == pytest.approx(1800 / (8 * 3600))
    text = csv_sessions(period, sessions, kiosks, now)
    assert (
        text.splitlines()[1]
        == "PC-01,2026-03-02 10:00:00,2026-03-02 10:30:00,walk_in,fr,30,0,0.00,no"
    )


def test_money_is_written_in_euros_with_two_decimals() -> None:
    assert [euros(c) for c in (0, 5, 30, 1234)] == ["0.00", "0.05", "0.30", "12.34"]
