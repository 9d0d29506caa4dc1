"""The usage review on a real console, on SQLite and PostgreSQL, from sessions reported by
PCs over their sockets (one of them back from offline, its events out of order and sent
twice): sessions and prints counted where they started, visitor time split over the hours
it covers, occupancy against the policy's opening hours, help time, the same figures as
CSV, and never a card number or a ticket."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from epn_shared.protocol import (
    Ack,
    Command,
    CommandAction,
    CommandResult,
    Event,
    HelpRequestedBody,
    LoginKind,
    PrintJobBody,
    SessionEndedBody,
    SessionStartedBody,
)

__all__ = ["data_dir", "database_url", "postgres", "server"]

# The fake clock starts on Monday 2 March 2026 at 09:00 UTC: 10:00 in Brussels.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = "2026-03-02"
CARD = "EPN-0042"
TICKET_REF = "T-ABCDEFGH"


def _deliver(kiosk: KioskSocket, *events: Event) -> None:
    for event in events:
        kiosk.send(event)
        frame = kiosk.recv()
        assert isinstance(frame, Ack), frame


def _started(session: str, at: dt.datetime, login: LoginKind, **fields: object) -> Event:
    body = SessionStartedBody(
        session_id=session, login=login, language="fr", rules_version="1", seconds=3600, **fields
    )
    return Event(id=f"start-{session}", at=at, body=body)


def _ended(session: str, at: dt.datetime, seconds: int) -> Event:
    body = SessionEndedBody(
        session_id=session, reason="visitor", seconds_used=seconds, extended_seconds=0
    )
    return Event(id=f"end-{session}", at=at, body=body)


def _minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def manager(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("mia", Role.MANAGER)


@pytest.fixture
def day_of_use(server: ConsoleServer, manager: StaffLogin) -> dict[str, int]:
    """Monday, open 09:00-17:00, two PCs:

    - PC-01: a walk-in 10:00-10:30 local, helped 5 minutes, printing 3 pages (30 cents)
      and a job of 5 pages released then taken back (it went back on hold);
      a member 16:40-17:20 local (the room closes at 17:00).
    - PC-02, back from offline: a ticket 10:00-10:30 local, its end sent before its start,
      and everything sent twice.
    """
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    animator = server.add_staff("ana", Role.ANIMATOR)
    hours = {"monday": [{"opens": "09:00", "closes": "17:00"}]}
    with server.client(manager) as http:
        changed = http.put("/api/policy", json={"policy": {"opening_hours": hours}})
    assert changed.status_code == 200, changed.text
    version = changed.json()["policy_version"]
    one, token_one = server.enroll(admin, "PC-01")
    two, token_two = server.enroll(admin, "PC-02")
    with (
        KioskSocket(server, token_one, policy_version=version) as pc_one,
        KioskSocket(server, token_two, policy_version=version) as pc_two,
        server.client(animator) as http,
    ):
        _deliver(
            pc_one,
            _started("walkin-0001", MONDAY, LoginKind.WALK_IN),
            Event(
                id="help-walkin-0001",
                at=MONDAY + _minutes(5),
                body=HelpRequestedBody(session_id="walkin-0001"),
            ),
        )
        clock.advance(minutes=10)
        assert http.post(f"/api/help/{one}/take").status_code == 200
        clock.advance(minutes=5)
        assert http.post(f"/api/help/{one}/done").status_code == 200
        # The PC hears that its visitor was helped (its bar stops saying someone comes).
        told = pc_one.recv()
        assert isinstance(told, Command), told
        assert (told.action, told.session_id) == (CommandAction.HELP_ANSWERED, "walkin-0001")
        pc_one.send(CommandResult(command_id=told.command_id, ok=True))
        printed = PrintJobBody(
            session_id="walkin-0001", outcome="released", pages=3, sheets=2, cost_cents=30
        )
        counted = PrintJobBody(
            session_id="walkin-0001", outcome="counted", pages=3, sheets=2, cost_cents=30
        )
        # A second job released, then back on hold before printing (a document was added
        # after the quote) and cancelled: its release is taken back.
        released = PrintJobBody(
            session_id="walkin-0001", outcome="released", pages=5, sheets=5, cost_cents=50
        )
        not_printed = PrintJobBody(
            session_id="walkin-0001", outcome="not_printed", pages=5, sheets=5, cost_cents=50
        )
        _deliver(
            pc_one,
            Event(id="print-counted-01", at=MONDAY + _minutes(19), body=counted),
            Event(id="print-released-01", at=MONDAY + _minutes(20), body=printed),
            Event(id="print-released-01", at=MONDAY + _minutes(20), body=printed),
            Event(id="print-released-02", at=MONDAY + _minutes(21), body=released),
            Event(id="print-not-printed-02", at=MONDAY + _minutes(22), body=not_printed),
            Event(id="print-not-printed-02", at=MONDAY + _minutes(22), body=not_printed),
            _ended("walkin-0001", MONDAY + _minutes(30), 1800),
            _started(
                "member-0001", MONDAY + _minutes(6 * 60 + 40), LoginKind.MEMBER, member_card=CARD
            ),
            _ended("member-0001", MONDAY + _minutes(7 * 60 + 20), 2400),
        )
        offline = _started(
            "ticket-0001", MONDAY, LoginKind.TICKET, ticket_ref=TICKET_REF, offline=True
        )
        _deliver(
            pc_two,
            _ended("ticket-0001", MONDAY + _minutes(30), 1800),
            offline,
            offline,
            _ended("ticket-0001", MONDAY + _minutes(30), 1800),
        )
    return {"PC-01": one, "PC-02": two}


def test_a_day_of_use_is_counted_where_it_happened(
    server: ConsoleServer, manager: StaffLogin, day_of_use: dict[str, int]
) -> None:
    with server.client(manager) as http:
        answer = http.get("/api/usage", params={"start": DAY, "end": DAY})
    assert answer.status_code == 200, answer.text
    assert CARD not in answer.text
    assert TICKET_REF not in answer.text
    usage = answer.json()
    assert usage["pcs"] == 2
    totals = usage["totals"]
    assert totals["sessions"] == 3
    assert totals["visitor_seconds"] == 1800 + 1800 + 2400
    # Two PCs open 8 hours.
    assert totals["occupancy"] == pytest.approx(6000 / (2 * 8 * 3600), abs=1e-6)
    assert (totals["pages"], totals["sheets"], totals["cost_cents"]) == (3, 2, 30)
    assert (totals["help_calls"], totals["accompanied_seconds"]) == (1, 300)
    assert usage["by_kind"] == {"walk_in": 1, "ticket": 1, "member": 1, "workshop": 0}

    (day,) = usage["per_day"]
    assert day["day"] == DAY
    assert (day["walk_in"], day["ticket"], day["member"], day["sessions"]) == (1, 1, 1, 3)
    assert day["visitor_seconds"] == 6000

    hours = {h["hour"]: h for h in usage["per_hour"]}
    assert sorted(hours) == list(range(24))
    # 10h: the walk-in and the ticket, 30 minutes each, on two PCs open the whole hour.
    assert (hours[10]["sessions"], hours[10]["visitor_seconds"]) == (2, 3600)
    assert hours[10]["occupancy"] == pytest.approx(0.5)
    assert (hours[10]["help_calls"], hours[10]["accompanied_seconds"]) == (1, 300)
    # The member's 40 minutes split over 16h and 17h; after closing there is no occupancy.
    assert (hours[16]["sessions"], hours[16]["visitor_seconds"]) == (1, 1200)
    assert hours[16]["occupancy"] == pytest.approx(1200 / 7200)
    assert (hours[17]["sessions"], hours[17]["visitor_seconds"]) == (0, 1200)
    assert hours[17]["occupancy"] is None
    assert hours[8]["occupancy"] is None
    assert hours[9]["occupancy"] == 0

    pcs = {k["kiosk_name"]: k for k in usage["per_kiosk"]}
    assert pcs["PC-01"]["sessions"] == 2
    assert pcs["PC-01"]["visitor_seconds"] == 4200
    assert pcs["PC-01"]["occupancy"] == pytest.approx(4200 / (8 * 3600))
    assert pcs["PC-01"]["cost_cents"] == 30
    assert (pcs["PC-02"]["sessions"], pcs["PC-02"]["visitor_seconds"]) == (1, 1800)
    assert pcs["PC-02"]["kiosk_id"] == day_of_use["PC-02"]


def test_a_day_when_the_room_is_closed_has_no_occupancy(
    server: ConsoleServer, manager: StaffLogin, day_of_use: dict[str, int]
) -> None:
    with server.client(manager) as http:
        usage = http.get("/api/usage", params={"start": "2026-03-01", "end": DAY}).json()
    sunday, monday = usage["per_day"]
    assert (sunday["day"], sunday["sessions"], sunday["occupancy"]) == ("2026-03-01", 0, None)
    assert monday["sessions"] == 3
    assert usage["totals"]["occupancy"] == pytest.approx(6000 / (2 * 8 * 3600), abs=1e-6)


def _csv(server: ConsoleServer, manager: StaffLogin, table: str) -> list[dict[str, str]]:
    with server.client(manager) as http:
        answer = http.get("/api/usage.csv", params={"start": DAY, "end": DAY, "table": table})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert CARD not in answer.text
    assert TICKET_REF not in answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_the_same_figures_come_as_csv_with_euros(
    server: ConsoleServer, manager: StaffLogin, day_of_use: dict[str, int]
) -> None:
    (day,) = _csv(server, manager, "day")
    assert day["day"] == DAY
    assert (day["sessions"], day["walk_in"], day["ticket"], day["member"]) == ("3", "1", "1", "1")
    assert (day["visitor_seconds"], day["cost_eur"], day["pages"]) == ("6000", "0.30", "3")
    assert float(day["occupancy"]) == pytest.approx(6000 / 57600, abs=1e-4)

    hours = _csv(server, manager, "hour")
    assert [int(h["hour"]) for h in hours] == list(range(24))
    assert (hours[10]["visitor_seconds"], hours[10]["occupancy"]) == ("3600", "0.5000")
    assert hours[17]["occupancy"] == ""

    pcs = {row["kiosk"]: row for row in _csv(server, manager, "kiosk")}
    assert (pcs["PC-01"]["sessions"], pcs["PC-01"]["cost_eur"]) == ("2", "0.30")
    assert pcs["PC-02"]["visitor_seconds"] == "1800"

    sessions = _csv(server, manager, "sessions")
    assert list(sessions[0]) == [
        "kiosk",
        "started",
        "ended",
        "kind",
        "language",
        "minutes",
        "pages",
        "cost_eur",
        "helped",
    ]
    rows = sorted(
        (s["kiosk"], s["started"], s["ended"], s["kind"], s["minutes"], s["cost_eur"], s["helped"])
        for s in sessions
    )
    assert rows == [
        ("PC-01", "2026-03-02 10:00:00", "2026-03-02 10:30:00", "walk_in", "30", "0.30", "yes"),
        ("PC-01", "2026-03-02 16:40:00", "2026-03-02 17:20:00", "member", "40", "0.00", "no"),
        ("PC-02", "2026-03-02 10:00:00", "2026-03-02 10:30:00", "ticket", "30", "0.00", "no"),
    ]
