"""The live hub with real WebSocket clients as kiosks: events stored exactly once and
acknowledged, commands from the API reach the PC and its answer comes back, the room view
follows the PCs live, and no frame, however broken, takes the console down."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path

import pytest
from conftest_pg import admin, data_dir, database_url, pc, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin, closed_at_once
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from admin_console.server.auth import Role
from epn_shared.protocol import (
    MAX_FRAME_BYTES,
    Ack,
    CommandAction,
    CommandResult,
    ErrorFrame,
    Event,
    HelpRequestedBody,
    LoginKind,
    SessionStartedBody,
    Status,
)

__all__ = ["admin", "data_dir", "database_url", "pc", "postgres", "server"]

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def event(n: int = 0, at: dt.datetime = AT) -> Event:
    """A distinct session-started event."""
    return Event(
        id=uuid.uuid4().hex,
        at=at + dt.timedelta(minutes=n),
        body=SessionStartedBody(
            session_id=uuid.uuid4().hex,
            login=LoginKind.WALK_IN,
            language="fr",
            rules_version="2026-1",
            seconds=3600,
        ),
    )


def stored_event_ids(server: ConsoleServer, admin: StaffLogin) -> list[str]:
    with server.client(admin) as http:
        page = http.get("/api/events", params={"limit": 500}).json()
    return sorted(item["event_id"] for item in page["items"])


def test_the_welcome_names_the_pc(pc: tuple[int, KioskSocket]) -> None:
    _kiosk_id, socket = pc
    assert socket.welcome is not None
    assert socket.welcome.kiosk_name == "PC-01"


def test_events_are_acknowledged_and_stored_once_however_often_they_are_resent(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    events = [event(n) for n in range(3)]
    for e in events:
        socket.send(e)
        assert socket.recv() == Ack(ids=(e.id,))
    # The kiosk lost the acks of the last two (say) and sends them again, with a new one.
    again = [*events[1:], event(5)]
    for e in again:
        socket.send(e)
        assert socket.recv() == Ack(ids=(e.id,))
    assert server.console.repos.events.count(kiosk_id) == 4
    assert stored_event_ids(server, admin) == sorted(e.id for e in [*events, again[-1]])


def test_a_resend_on_a_new_connection_is_still_stored_once(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    kiosk_id, token = server.enroll(admin, "PC-02")
    e = event()
    for _ in range(2):
        with KioskSocket(server, token) as socket:
            socket.send(e)
            assert socket.recv() == Ack(ids=(e.id,))
    assert server.console.repos.events.count(kiosk_id) == 1


def test_stored_events_can_be_filtered_by_kind_and_date(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    _kiosk_id, socket = pc
    frames = [
        event(0),
        event(1, AT + dt.timedelta(days=1)),
        Event(id=uuid.uuid4().hex, at=AT, body=HelpRequestedBody()),
    ]
    for frame in frames:
        socket.send(frame)
        socket.recv()
    with server.client(admin) as http:
        started = http.get("/api/events", params={"kind": "session_started"}).json()
        first_day = http.get(
            "/api/events", params={"since": "2026-03-02T00:00:00", "until": "2026-03-03T00:00:00Z"}
        ).json()
        paged = http.get("/api/events", params={"limit": 1, "offset": 1}).json()
    assert started["total"] == 2
    assert {i["kind"] for i in first_day["items"]} == {"session_started", "help_requested"}
    assert first_day["total"] == 2
    assert paged["total"] == 3
    assert len(paged["items"]) == 1
    assert started["items"][0]["body"]["language"] == "fr"


def test_a_command_reaches_the_pc_and_its_answer_comes_back_to_the_animator(
    server: ConsoleServer, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    animator = server.add_staff("ana", Role.ANIMATOR)
    with (
        socket.answering(ok=True, message="10 more minutes") as received,
        server.client(animator) as http,
    ):
        started = time.monotonic()
        answer = http.post(
            f"/api/kiosks/{kiosk_id}/commands", json={"action": "extend", "minutes": 10}
        )
        elapsed = time.monotonic() - started
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["ok"], body["message"]) == ("done", True, "10 more minutes")
    assert elapsed < 1.0, "an animator's click must show on the PC in well under a second"
    assert len(received) == 1
    command = received[0]
    assert (command.action, command.minutes, command.by) == (CommandAction.EXTEND, 10, "ana")
    record = server.console.repos.commands.get(body["command_id"])
    assert record is not None
    assert (record.ok, record.answered_at is not None) == (True, True)


def test_a_refused_command_says_why(server: ConsoleServer, pc: tuple[int, KioskSocket]) -> None:
    kiosk_id, socket = pc
    animator = server.add_staff("ana", Role.ANIMATOR)
    with (
        socket.answering(ok=False, code="no_session", message="nobody is logged in"),
        server.client(animator) as http,
    ):
        body = http.post(
            f"/api/kiosks/{kiosk_id}/commands", json={"action": "end", "reason": "ROI"}
        ).json()
    assert (body["status"], body["ok"], body["code"]) == ("failed", False, "no_session")


def test_a_pc_that_does_not_answer_in_time_leaves_the_command_pending(
    data_dir: Path, database_url: str | None
) -> None:
    with ConsoleServer(data_dir, database_url=database_url, command_wait=0.3) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        kiosk_id, token = server.enroll(admin, "PC-01")
        with KioskSocket(server, token) as socket, server.client(admin) as http:
            body = http.post(
                f"/api/kiosks/{kiosk_id}/commands", json={"action": "message", "text": "Hello"}
            ).json()
            assert body["status"] == "pending"
            command = socket.recv()
            assert command.type == "command"
            # The late answer is still recorded.
            socket.send(CommandResult(command_id=body["command_id"], ok=True))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                record = server.console.repos.commands.get(body["command_id"])
                if record is not None and record.answered_at is not None:
                    break
                time.sleep(0.02)
            assert record is not None and record.ok is True


def test_a_result_for_a_command_never_sent_gets_an_error_frame(
    pc: tuple[int, KioskSocket],
) -> None:
    _kiosk_id, socket = pc
    socket.send(CommandResult(command_id="made-up-command", ok=True))
    frame = socket.recv()
    assert isinstance(frame, ErrorFrame)
    assert frame.code == "unknown_command"


MALFORMED: list[tuple[str | bytes, str]] = [
    ("{not json", "malformed"),
    (b"\xff\xfe\x00", "malformed"),
    ("[1, 2, 3]", "malformed"),
    ('{"v": 2, "type": "status", "state": "free"}', "bad_version"),
    ('{"v": 1, "type": "teleport"}', "unknown_type"),
    ('{"v": 1, "type": "event", "id": "short", "at": "2026-03-02T10:00:00Z"}', "bad_field"),
    ('{"v": 1, "type": "status", "state": "free", "pages_printed": -3}', "bad_field"),
    ("x" * (MAX_FRAME_BYTES + 10), "too_large"),
]


def test_a_malformed_frame_gets_an_error_frame_and_the_link_goes_on(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    for frame, code in MALFORMED:
        socket.send(frame)
        error = socket.recv()
        assert isinstance(error, ErrorFrame), frame
        assert error.code == code, frame
        good = event()
        socket.send(good)
        assert socket.recv() == Ack(ids=(good.id,)), "the link must go on after a bad frame"
    assert server.console.repos.events.count(kiosk_id) == len(MALFORMED)
    with server.client(admin) as http:
        assert http.get("/api/me").status_code == 200


def test_frames_before_hello_are_refused_without_being_stored(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token, hello=False) as socket:
        socket.send(event())
        error = socket.recv()
        assert isinstance(error, ErrorFrame)
        assert error.code == "hello_first"
    assert server.console.repos.events.count(kiosk_id) == 0


@pytest.mark.parametrize("token", [None, "made-up-token"], ids=["no token", "unknown token"])
def test_a_kiosk_without_a_valid_token_is_closed_with_policy_violation(
    server: ConsoleServer, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    code, reason = closed_at_once(f"{server.ws_url}/ws/kiosk", headers)
    assert code == 1008
    assert "enroll" in reason


def test_the_room_follows_each_pc_live(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    socket.send(
        Status(state="active", seconds_left=1800, login=LoginKind.TICKET, help_requested=True)
    )
    with server.client(admin) as http:
        deadline = time.monotonic() + 5
        while True:
            (tile,) = http.get("/api/kiosks").json()
            if tile["status"] is not None or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert tile["online"] is True
        assert tile["help_requested"] is True
        assert (tile["status"]["state"], tile["status"]["seconds_left"]) == ("active", 1800)
        assert tile["status"]["login"] == "ticket"
        socket.close()
        deadline = time.monotonic() + 5
        while http.get("/api/kiosks").json()[0]["online"] and time.monotonic() < deadline:
            time.sleep(0.02)
        (tile,) = http.get("/api/kiosks").json()
    assert (tile["online"], tile["status"]) == (False, None)
    assert tile["last_seen_at"] is not None
    assert kiosk_id == tile["id"]


def test_staff_listeners_get_the_room_then_each_change(
    server: ConsoleServer, admin: StaffLogin, pc: tuple[int, KioskSocket]
) -> None:
    kiosk_id, socket = pc
    headers = {"Authorization": f"Bearer {admin.token}"}
    with connect(f"{server.ws_url}/ws/staff", additional_headers=headers) as staff:
        room = json.loads(staff.recv(5))
        assert room["type"] == "room"
        assert [(k["id"], k["online"]) for k in room["kiosks"]] == [(kiosk_id, True)]
        socket.send(Status(state="free", locked=True))
        change = json.loads(staff.recv(5))
        # The console may still be noting what the PC's hello said (its version): that
        # change may come first, without a status yet.
        while change["type"] == "kiosk" and change["kiosk"]["status"] is None:
            change = json.loads(staff.recv(5))
    assert change["type"] == "kiosk"
    assert change["kiosk"]["status"]["locked"] is True


def test_a_staff_listener_without_a_valid_token_is_closed(server: ConsoleServer) -> None:
    headers = {"Authorization": "Bearer nope"}
    code, _reason = closed_at_once(f"{server.ws_url}/ws/staff", headers)
    assert code == 1008


def test_a_second_connection_of_the_same_pc_replaces_the_first(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as first, KioskSocket(server, token) as second:
        with pytest.raises(ConnectionClosed):
            first.recv(5)
        animator = server.add_staff("ana", Role.ANIMATOR)
        with second.answering() as received, server.client(animator) as http:
            body = http.post(f"/api/kiosks/{kiosk_id}/commands", json={"action": "unlock"}).json()
        assert body["status"] == "done"
        assert len(received) == 1
