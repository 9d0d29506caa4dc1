"""Values from outside are checked, on a real console over real sockets (SQLite and
PostgreSQL): a PC's events with absurd seconds, pages, money or dates are refused with an
error frame and not stored, the link goes on; whatever odd rows the database holds, the
usage review, its CSV and the other pages never fail for any period the API accepts; and
malformed HTTP requests and WebSocket frames get a 4xx in the declared error shape (never a
500, never a traceback), the connection kept."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from conftest_pg import (
    admin,
    data_dir,
    database_url,
    module_database_url,
    module_server,
    pc,
    postgres,
    server,
)
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin
from websockets.sync.client import connect

from admin_console.api.types import Problem
from admin_console.server.auth import Role
from admin_console.server.db.models import EventRow, HelpCallRow, SessionRow, WorkshopRow
from epn_shared.protocol import Ack, ErrorFrame, Event, LoginKind, SessionStartedBody

__all__ = [
    "admin",
    "data_dir",
    "database_url",
    "module_database_url",
    "module_server",
    "pc",
    "postgres",
    "server",
]

AT = "2026-03-02T10:00:00Z"


def _id() -> str:
    return uuid.uuid4().hex


def _event(body: dict[str, Any], at: str = AT) -> str:
    return json.dumps({"v": 1, "type": "event", "id": _id(), "at": at, "body": body})


def _started(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "session_started",
        "session_id": _id(),
        "login": "walk_in",
        "language": "fr",
        "rules_version": "1",
        "seconds": 3600,
    }
    return {**body, **changes}


def _ended(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "session_ended",
        "session_id": _id(),
        "reason": "visitor",
        "seconds_used": 60,
        "extended_seconds": 0,
    }
    return {**body, **changes}


def _printed(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "print_job",
        "outcome": "released",
        "pages": 1,
        "sheets": 1,
        "cost_cents": 10,
    }
    return {**body, **changes}


ABSURD_EVENTS = {
    "a session of 10^15 seconds": _event(_started(seconds=10**15)),
    "a session of 2^70 seconds": _event(_started(seconds=2**70)),
    "a negative session": _event(_started(seconds=-1)),
    "10^15 seconds used": _event(_ended(seconds_used=10**15)),
    "a negative duration": _event(_ended(seconds_used=-60)),
    "10^12 extended seconds": _event(_ended(extended_seconds=10**12)),
    "-1 pages": _event(_printed(pages=-1)),
    "10^12 pages": _event(_printed(pages=10**12)),
    "10^12 sheets": _event(_printed(sheets=10**12)),
    "10^15 cents": _event(_printed(cost_cents=10**15)),
    "negative money": _event(_printed(cost_cents=-500)),
    "a wipe of 10^15 seconds": _event({"kind": "wipe_finished", "seconds": 1e15, "items": 1}),
    "year 1": _event(_started(), at="0001-01-01T00:00:00Z"),
    "year 1 east of Greenwich": _event(_started(), at="0001-01-01T00:30:00+05:00"),
    "year 9999": _event(_started(), at="9999-12-31T23:00:00Z"),
    "year 9999 west of Greenwich": _event(_started(), at="9999-12-31T23:00:00-05:00"),
    "a time without an offset": _event(_started(), at="2026-03-02T10:00:00"),
    "a string for seconds": _event(_started(seconds="3600")),
    "a list for the login": _event(_started(login=[])),
    "a NUL in the language": _event(_started(language="f\x00r")),
    "a NUL in the end reason": _event(_ended(reason="visitor\x00")),
}


def _good_event() -> Event:
    return Event(
        id=_id(),
        at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        body=SessionStartedBody(
            session_id=_id(),
            login=LoginKind.WALK_IN,
            language="fr",
            rules_version="1",
            seconds=3600,
        ),
    )


def test_absurd_values_from_a_pc_are_refused_not_stored_and_the_link_goes_on(
    server: ConsoleServer, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    for name, frame in ABSURD_EVENTS.items():
        socket.send(frame)
        answer = socket.recv()
        assert isinstance(answer, ErrorFrame), f"{name}: {answer}"
        assert answer.code == "bad_field", f"{name}: {answer}"
        assert answer.event_id == json.loads(frame)["id"], f"{name}: the PC may forget it"
        good = _good_event()
        socket.send(good)
        assert socket.recv() == Ack(ids=(good.id,)), f"{name}: the link must go on"
    assert server.console.repos.events.count(kiosk_id) == len(ABSURD_EVENTS)


def test_an_absurd_event_in_a_burst_is_refused_alone(
    server: ConsoleServer, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    first, last = _good_event(), _good_event()
    socket.send(first)
    socket.send(ABSURD_EVENTS["a session of 10^15 seconds"])
    socket.send(last)
    answers = [socket.recv() for _ in range(3)]
    acked = {i for a in answers if isinstance(a, Ack) for i in a.ids}
    assert acked == {first.id, last.id}
    assert [a.code for a in answers if isinstance(a, ErrorFrame)] == ["bad_field"]
    assert server.console.repos.events.count(kiosk_id) == 2


def test_the_largest_values_the_bounds_let_through_are_stored_and_reviewed(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    """Edge values the protocol accepts, many times over in one session: stored, summed and
    shown without a failure."""
    from epn_shared import protocol as m

    _kiosk_id, socket = pc
    session = _id()
    frames = [
        _event(_started(session_id=session, seconds=m.MAX_SESSION_SECONDS), at=m.EARLIEST_TEXT),
        *(
            _event(
                _printed(
                    session_id=session,
                    pages=m.MAX_JOB_PAGES,
                    sheets=m.MAX_JOB_PAGES,
                    cost_cents=m.MAX_JOB_CENTS,
                )
            )
            for _ in range(3)
        ),
        _event(
            _ended(
                session_id=session,
                seconds_used=m.MAX_SESSION_SECONDS,
                extended_seconds=m.MAX_SESSION_SECONDS,
            ),
            at=m.LATEST_TEXT,
        ),
    ]
    for frame in frames:
        socket.send(frame)
        assert isinstance(socket.recv(), Ack), frame
    manager = server.add_staff("mia", Role.MANAGER)
    with server.client(manager) as http:
        for start, end in [("2026-03-02", "2026-03-02"), ("2000-01-01", "2000-12-31")]:
            for path in ("/api/usage", "/api/usage.csv"):
                answer = http.get(path, params={"start": start, "end": end})
                assert answer.status_code == 200, (path, start, answer.text)


# -- the usage review over whatever the database holds ----------------------------------


def _seed_odd_rows(server: ConsoleServer, kiosk_id: int) -> None:
    """Rows as odd as the database takes: written before the bounds, or by hand."""
    engine = server.console.engine
    big = 2**31 - 1 if engine.dialect.name == "postgresql" else 10**15
    first = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    last = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    inside = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    sessions: list[dict[str, Any]] = [
        # started at year 1, never ended, given "forever": overlaps every period
        {"started_at": first, "ended_at": None, "granted_seconds": big},
        # started today, given "forever", never ended
        {"started_at": inside, "ended_at": None, "granted_seconds": big, "pages": big},
        # ended before it started, negative figures
        {
            "started_at": inside,
            "ended_at": first,
            "granted_seconds": -big,
            "seconds_used": -big,
            "extended_seconds": -big,
            "pages": -big,
            "sheets": -big,
            "cost_cents": -big,
        },
        # from year 1 to year 9999
        {"started_at": first, "ended_at": last, "granted_seconds": big, "extended_seconds": big},
        # starts at the last instant there is, and again in the last hour before it
        {"started_at": last, "ended_at": None, "granted_seconds": big},
        {"started_at": last - dt.timedelta(minutes=30), "ended_at": last},
        {"started_at": inside, "ended_at": last, "login": "teleport", "language": "xx"},
        {"started_at": None, "ended_at": inside, "granted_seconds": big},
    ]
    with engine.begin() as connection:
        for n, values in enumerate(sessions):
            row = {
                "session_id": f"odd-session-{n:04d}",
                "kiosk_id": kiosk_id,
                "login": "walk_in",
                "language": "fr",
                "extended_seconds": 0,
                "offline": False,
                "pages": 0,
                "sheets": 0,
                "cost_cents": 0,
                "helped": True,
                "help_calls": 1,
                "accompanied_seconds": big,
                **values,
            }
            connection.execute(sa.insert(SessionRow), row)
        for n, (requested, taken, done) in enumerate(
            [
                (first, last, last),
                (inside, first, last),
                (last, None, None),
                (inside, inside, None),
            ]
        ):
            connection.execute(
                sa.insert(HelpCallRow),
                {
                    "kiosk_id": kiosk_id,
                    "event_id": f"odd-help-{n}",
                    "requested_at": requested,
                    "taken_at": taken,
                    "taken_by": "ana" if taken else None,
                    "done_at": done,
                    "done_by": "ana" if done else None,
                    "accompanied_seconds": big if done else None,
                },
            )
        for n, at in enumerate([first, inside, last]):
            connection.execute(
                sa.insert(WorkshopRow),
                {
                    "title": f"odd {n}",
                    "minutes": big,
                    "participants": -1,
                    "started_at": at,
                    "started_by": "ana",
                    "kiosk_ids": [kiosk_id, 2**40],
                    "results": [{"kiosk_id": kiosk_id, "ok": True, "code": None}],
                },
            )
            connection.execute(
                sa.insert(EventRow),
                {
                    "event_id": f"odd-event-{n}",
                    "kiosk_id": kiosk_id,
                    "at": at,
                    "kind": "session_started",
                    "body": {"seconds": big, "nested": [[[]]]},
                    "received_at": at,
                },
            )


# (start, end): every kind of period the API accepts, on the calendar's edges.
ACCEPTED_PERIODS = [
    ("2026-03-02", "2026-03-02"),
    ("2025-03-02", "2026-03-02"),  # 366 days
    ("2000-01-01", "2000-01-01"),
    ("2000-01-01", "2000-12-31"),
    ("2099-12-31", "2099-12-31"),
    ("2099-01-01", "2099-12-31"),
    ("2098-12-31", "2099-12-31"),  # 366 days to the last one
]
REFUSED_PERIODS = [
    ("0001-01-01", "0001-01-01"),
    ("0001-01-01", "0001-12-31"),
    ("9999-12-31", "9999-12-31"),
    ("9999-01-01", "9999-12-31"),
    ("1999-12-31", "2000-01-01"),
    ("2099-12-31", "2100-01-01"),
    ("2026-03-02", "2026-03-01"),
    ("2025-01-01", "2026-03-02"),  # longer than 366 days
]


def _is_problem(answer: httpx.Response) -> None:
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    Problem.model_validate(answer.json())
    assert "Traceback" not in answer.text


def test_a_session_printing_past_what_the_database_holds_is_stored_at_the_most(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    """A stolen PC token reporting thousands of the largest jobs for one session: the sum
    stays within the column (PostgreSQL's 32-bit integer), the events are acknowledged, the
    review shows the session."""
    import sqlalchemy as sa

    from admin_console.server.db.models import SessionRow
    from epn_shared import protocol as m

    kiosk_id, socket = pc
    session = _id()
    socket.send(_event(_started(session_id=session)))
    assert isinstance(socket.recv(), Ack)
    most = 2**31 - 1
    near = most - m.MAX_JOB_PAGES // 2
    # As if 2,000 jobs of the largest size had been stored already.
    with server.console.repos.sessions._sessions.begin() as db:
        db.execute(sa.update(SessionRow).values(pages=near, sheets=near, cost_cents=near))
    job = _printed(
        session_id=session,
        pages=m.MAX_JOB_PAGES,
        sheets=m.MAX_JOB_PAGES,
        cost_cents=m.MAX_JOB_CENTS,
    )
    socket.send(_event(job))
    assert isinstance(socket.recv(), Ack)
    manager = server.add_staff("mia", Role.MANAGER)
    with server.client(manager) as http:
        answer = http.get("/api/usage", params={"start": "2026-03-02", "end": "2026-03-02"})
    assert answer.status_code == 200, answer.text
    pcs = {k["kiosk_id"]: k for k in answer.json()["per_kiosk"]}
    assert pcs[kiosk_id]["pages"] == most


def test_the_usage_review_never_fails_on_odd_rows_for_any_accepted_period(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    kiosk_id, _token = server.enroll(admin, "PC-01")
    _seed_odd_rows(server, kiosk_id)
    manager = server.add_staff("mia", Role.MANAGER)
    with server.client(manager) as http:
        for start, end in ACCEPTED_PERIODS:
            days = {"start": start, "end": end}
            usage = http.get("/api/usage", params=days)
            assert usage.status_code == 200, (days, usage.text)
            assert usage.json()["start"] == start
            for table in ("day", "hour", "kiosk", "sessions"):
                sheet = http.get("/api/usage.csv", params={**days, "table": table})
                assert sheet.status_code == 200, (days, table, sheet.text)
                assert sheet.text.startswith(("day,", "hour,", "kiosk,"))
            shops = http.get("/api/workshops", params=days)
            assert shops.status_code == 200, (days, shops.text)
        for path in ("/api/help", "/api/kiosks", "/api/events", "/api/audit", "/api/workshops"):
            answer = http.get(path)
            assert answer.status_code == 200, (path, answer.text)


def test_periods_outside_the_calendar_are_a_422_naming_the_field(
    server: ConsoleServer,
) -> None:
    manager = server.add_staff("mia", Role.MANAGER)
    with server.client(manager) as http:
        for start, end in REFUSED_PERIODS:
            days = {"start": start, "end": end}
            for path in ("/api/usage", "/api/usage.csv", "/api/workshops"):
                answer = http.get(path, params=days)
                assert answer.status_code == 422, (path, days, answer.text)
                _is_problem(answer)
                assert answer.json()["errors"][0]["field"] in ("start", "end")
        for end in ("0001-01-01", "9999-12-31"):
            answer = http.get("/api/workshops", params={"end": end})
            assert answer.status_code == 422, (end, answer.text)
            _is_problem(answer)


# -- malformed HTTP -------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(module_server: ConsoleServer) -> dict[str, Any]:
    admin = module_server.add_staff("ada", Role.ADMIN)
    kiosk_id, kiosk_token = module_server.enroll(admin, "PC-01")
    return {"admin": admin, "kiosk_id": kiosk_id, "kiosk_token": kiosk_token}


HUGE = 2**70
DEEP = "[" * 100_000
TICKETS = {"count": 1, "minutes": 30, "valid_until": "2030-01-01T00:00:00Z"}
# (method, path, request keyword arguments): each must get a 4xx Problem.
MALFORMED_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/api/tickets", {"json": {**TICKETS, "count": HUGE}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "count": -1}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "count": "1"}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "free_pages": -HUGE}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "valid_until": "9999-12-31T23:59:59-05:00"}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "valid_until": "0001-01-01T00:00:00+05:00"}}),
    ("POST", "/api/tickets", {"json": {**TICKETS, "valid_until": []}}),
    ("POST", "/api/tickets", {"content": DEEP, "headers": {"content-type": "application/json"}}),
    ("POST", "/api/tickets", {"content": '{"count": ' * 20_000}),
    ("POST", "/api/tickets", {"content": "not json", "headers": {"content-type": "text/plain"}}),
    (
        "POST",
        "/api/tickets",
        {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}},
    ),
    ("POST", "/api/tickets", {"data": {"count": "1"}}),
    ("POST", "/api/tickets", {"json": [TICKETS]}),
    ("POST", "/api/tickets", {"json": None}),
    (
        "POST",
        "/api/tickets",
        {
            "content": b"[" + b" " * (4 * 1024 * 1024) + b"]",
            "headers": {"content-type": "application/json"},
        },
    ),
    ("POST", "/api/kiosks/1/commands", {"json": {"type": [], "action": []}}),
    ("POST", "/api/kiosks/1/commands", {"json": {"action": "extend", "minutes": HUGE}}),
    (
        "POST",
        "/api/kiosks/1/commands",
        {"json": {"action": "print_release", "job_id": HUGE, "pages": 1}},
    ),
    ("POST", f"/api/kiosks/{HUGE}/commands", {"json": {"action": "unlock"}}),
    ("POST", f"/api/kiosks/{HUGE}/revoke", {}),
    ("POST", "/api/kiosks/-1/revoke", {}),
    ("POST", f"/api/kiosks/{HUGE}/out-of-order", {"json": {"reason": "x"}}),
    ("POST", f"/api/kiosks/{HUGE}/back-in-order", {}),
    ("POST", f"/api/help/{HUGE}/take", {}),
    ("POST", f"/api/help/{HUGE}/done", {}),
    ("GET", f"/api/audit?kiosk_id={HUGE}", {}),
    ("GET", f"/api/audit?offset={HUGE}", {}),
    ("GET", "/api/audit?limit=ten", {}),
    ("GET", f"/api/events?kiosk_id={HUGE}", {}),
    ("GET", f"/api/events?offset={HUGE}", {}),
    ("GET", "/api/events?since=0001-01-01T00:00:00%2B05:00", {}),
    ("GET", "/api/events?until=9999-12-31T23:59:59-05:00", {}),
    ("GET", "/api/usage?start=0001-01-01&end=0001-01-02", {}),
    ("GET", "/api/usage?start=9999-12-30&end=9999-12-31", {}),
    ("GET", "/api/workshops?end=0001-01-01", {}),
    (
        "POST",
        "/api/workshops",
        {"json": {"kiosk_ids": [HUGE], "minutes": 30, "title": "x", "participants": 1}},
    ),
    (
        "POST",
        "/api/members",
        {"json": {"card": "EPN-1", "pin": "1234", "daily_allowance_minutes": HUGE}},
    ),
    ("POST", "/api/members/EPN-NONE/ban", {"json": {"until": "9999-12-31", "reason": "x"}}),
    ("PUT", "/api/policy", {"json": {"policy": {"opening_hours": HUGE}}}),
    ("PUT", "/api/policy", {"json": {"policy": {"session": {"default_minutes": HUGE}}}}),
    ("PUT", "/api/policy", {"json": {"policy": json.loads("[" * 500 + "]" * 500)}}),
    ("POST", "/api/login", {"json": {"username": [], "password": {}}}),
    ("POST", "/api/enroll", {"json": {"code": HUGE, "name": "x"}}),
    ("POST", "/api/enroll", {"json": {"code": "ABCD-EFGH", "name": "PC\x0001"}}),
    ("POST", "/api/login", {"json": {"username": "ad\x00a", "password": "x"}}),
    ("POST", "/api/members", {"json": {"card": "EPN-2", "pin": "1234", "nickname": "a\x00"}}),
    ("POST", "/api/kiosks/1/out-of-order", {"json": {"reason": "screen\x00"}}),
    ("GET", "/api/audit?who=a%00b", {}),
    ("GET", "/api/events?kind=session%00", {}),
    ("GET", "/api/events?kiosk=1", {}),  # a misspelt filter would give every PC's rows
    ("GET", "/api/me?debug=1", {}),
    ("GET", "/api/audit?who=ada&who=ana", {}),
    ("GET", "/api/kiosks?include_revoked=true&include_revoked=false", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "request_args"),
    MALFORMED_REQUESTS,
    ids=[f"{m} {p[:48]} {i}" for i, (m, p, _a) in enumerate(MALFORMED_REQUESTS)],
)
def test_malformed_http_requests_get_a_4xx_problem(
    module_server: ConsoleServer,
    staff: dict[str, Any],
    method: str,
    path: str,
    request_args: dict[str, Any],
) -> None:
    with module_server.client(staff["admin"]) as http:
        answer = http.request(method, path, **request_args)
        assert 400 <= answer.status_code < 500, answer.text[:300]
        _is_problem(answer)
        assert http.get("/api/me").status_code == 200, "the server goes on"


def test_a_huge_body_is_a_413_declared_or_streamed(
    module_server: ConsoleServer, staff: dict[str, Any]
) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        for _ in range(64):
            yield b" " * 65536

    with module_server.client(staff["admin"]) as http:
        for body in (b" " * (2 * 1024 * 1024), chunks()):
            answer = http.post(
                "/api/tickets", content=body, headers={"content-type": "application/json"}
            )
            assert answer.status_code == 413, answer.text
            _is_problem(answer)
        assert http.get("/api/me").status_code == 200


def test_a_bug_is_a_500_problem_without_a_traceback(
    module_server: ConsoleServer, staff: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug, with a secret in its message")

    monkeypatch.setattr(module_server.console.repos.kiosks, "all", broken)
    with module_server.client(staff["admin"]) as http:
        answer = http.get("/api/kiosks")
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal error"}
    assert "secret" not in answer.text


def test_a_kiosk_endpoint_refuses_the_same_inputs(
    module_server: ConsoleServer, staff: dict[str, Any]
) -> None:
    with module_server.client(staff["kiosk_token"]) as http:
        for body in (
            {"code": HUGE},
            {"code": []},
            {"card": {"a": 1}, "pin": HUGE},
        ):
            for path in ("/api/kiosk/tickets/redeem", "/api/kiosk/members/check"):
                answer = http.post(path, json=body)
                assert 400 <= answer.status_code < 500, (path, body, answer.text)
                _is_problem(answer)
        deep = http.post(
            "/api/kiosk/tickets/redeem", content=DEEP, headers={"content-type": "application/json"}
        )
        assert 400 <= deep.status_code < 500, deep.text
        _is_problem(deep)


# -- malformed WebSocket frames ----------------------------------------------------------

MALFORMED_FRAMES = [
    DEEP,
    f'{{"v": 1, "type": "status", "state": "free", "seconds_left": {HUGE}}}',
    '{"v": 1, "type": "status", "state": "free", "pages_printed": "3"}',
    '{"v": 1, "type": "status", "state": [], "help_requested": {}}',
    '{"v": 1, "type": []}',
    f'{{"v": {HUGE}, "type": "status"}}',
    '{"v": 1, "type": "command_result", "command_id": "abcdefgh", "ok": []}',
    '{"v": 1, "type": "event", "id": "abcdefgh", "at": [], "body": []}',
    "null",
    '"a string"',
    "1e999999",
]


def test_a_pc_sending_malformed_frames_gets_error_frames_and_the_link_goes_on(
    module_server: ConsoleServer, staff: dict[str, Any]
) -> None:
    kiosk_id = staff["kiosk_id"]
    before = module_server.console.repos.events.count(kiosk_id)
    with KioskSocket(module_server, staff["kiosk_token"]) as socket:
        for frame in MALFORMED_FRAMES:
            socket.send(frame)
            answer = socket.recv()
            assert isinstance(answer, ErrorFrame), frame[:80]
            assert answer.code in ("malformed", "bad_field", "bad_version", "unknown_type"), (
                frame[:80],
                answer,
            )
            assert "Traceback" not in answer.message
            good = _good_event()
            socket.send(good)
            assert socket.recv() == Ack(ids=(good.id,)), frame[:80]
    assert module_server.console.repos.events.count(kiosk_id) == before + len(MALFORMED_FRAMES)


def test_a_staff_client_sending_malformed_frames_gets_error_frames_and_stays(
    module_server: ConsoleServer, staff: dict[str, Any]
) -> None:
    token = staff["admin"].token
    with connect(
        f"{module_server.ws_url}/ws/staff",
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=5,
    ) as socket:
        room = json.loads(socket.recv(5))
        assert room["type"] == "room"
        for frame in [*MALFORMED_FRAMES, "{not json", b"\xff\xfe\x00", '{"type": "teleport"}']:
            socket.send(frame)
            answer = json.loads(socket.recv(5))
            while answer["type"] == "kiosk":  # a PC of an earlier test going away
                answer = json.loads(socket.recv(5))
            assert answer["type"] == "error", (frame[:80], answer)
            assert answer["code"] in ("malformed", "unknown_type"), (frame[:80], answer)
            assert "Traceback" not in answer["message"]
        # Still a listener: a PC connecting reaches it.
        with KioskSocket(module_server, staff["kiosk_token"]):
            pushed = json.loads(socket.recv(5))
        assert pushed["type"] == "kiosk", pushed
