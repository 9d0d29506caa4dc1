"""The help queue on a real console, on SQLite and PostgreSQL: PCs that asked for help,
oldest first with their waiting time, taken by an animator, and the accompanied time kept."""

from __future__ import annotations

import datetime as dt

from conftest_pg import data_dir, database_url, postgres, server

from admin_console.protocol import (
    Command,
    CommandAction,
    CommandResult,
    Event,
    HelpRequestedBody,
    Status,
)
from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from admin_console.server.testing import ConsoleServer, KioskSocket

__all__ = ["data_dir", "database_url", "postgres", "server"]


def told_help_answered(kiosk: KioskSocket) -> str:
    """The PC hears that staff closed its call; the command's id (answered later)."""
    told = kiosk.recv()
    assert isinstance(told, Command) and told.action == CommandAction.HELP_ANSWERED
    return told.command_id


def test_the_queue_is_oldest_first_and_done_records_the_accompanied_time(
    server: ConsoleServer,
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    ana = server.add_staff("ana", Role.ANIMATOR)
    one, token_one = server.enroll(admin, "PC-01")
    two, token_two = server.enroll(admin, "PC-02")
    now = clock.now()
    with KioskSocket(server, token_one) as first, KioskSocket(server, token_two) as second:
        first.send(
            Event(id="help-0001", at=now - dt.timedelta(minutes=2), body=HelpRequestedBody())
        )
        first.recv()
        second.send(
            Event(id="help-0002", at=now - dt.timedelta(minutes=5), body=HelpRequestedBody())
        )
        second.recv()
        second.send(
            Event(id="help-0002", at=now - dt.timedelta(minutes=5), body=HelpRequestedBody())
        )
        second.recv()  # sent again: still one call
    with server.client(ana) as http:
        queue = http.get("/api/help").json()
        assert [(c["kiosk_name"], c["waiting_seconds"]) for c in queue] == [
            ("PC-02", 300),
            ("PC-01", 120),
        ]
        assert http.post(f"/api/help/{two}/done").status_code == 409  # take it first
        taken = http.post(f"/api/help/{two}/take").json()
        assert (taken["taken_by"], taken["waiting_seconds"]) == ("ana", 300)
        assert http.post(f"/api/help/{two}/take").status_code == 409
        clock.advance(minutes=7)
        done = http.post(f"/api/help/{two}/done").json()
        assert (done["done_by"], done["accompanied_seconds"]) == ("ana", 420)
        assert [c["kiosk_id"] for c in http.get("/api/help").json()] == [one]
        assert http.get("/api/help").json()[0]["waiting_seconds"] == 120 + 420
        assert http.post(f"/api/help/{two}/done").status_code == 404
    with server.client(admin) as http:
        audit = http.get("/api/audit", params={"kiosk_id": two}).json()["items"]
    assert [(e["action"], e["who"]) for e in audit[:2]] == [
        ("help_done", "ana"),
        ("help_taken", "ana"),
    ]
    assert audit[0]["detail"] == "accompanied 420 s"


def test_a_status_asking_for_help_queues_the_pc_and_a_withdrawn_call_leaves(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as kiosk, server.client(admin) as http:
        kiosk.send(Status(state="active", help_requested=True))
        for _ in range(100):
            if http.get("/api/help").json():
                break
        assert [c["kiosk_id"] for c in http.get("/api/help").json()] == [kiosk_id]
        kiosk.send(Status(state="active", help_requested=False))
        for _ in range(100):
            if not http.get("/api/help").json():
                break
        assert http.get("/api/help").json() == []


def test_one_request_is_one_call_when_staff_close_it_before_the_pcs_event_arrives(
    server: ConsoleServer,
) -> None:
    # The PC's status (sent at once) queues the call; staff take and close it; only then
    # does the PC's help_requested event for that same press arrive, and again after a
    # reconnect. The usage review counts one call, and the queue stays empty.
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    asked = clock.now()
    pressed = Event(id="help-press-1", at=asked, body=HelpRequestedBody())
    with KioskSocket(server, token) as kiosk, server.client(admin) as http:
        kiosk.send(Status(state="active", help_requested=True))
        for _ in range(100):
            if http.get("/api/help").json():
                break
        assert [c["kiosk_id"] for c in http.get("/api/help").json()] == [kiosk_id]
        assert http.post(f"/api/help/{kiosk_id}/take").status_code == 200
        assert http.post(f"/api/help/{kiosk_id}/done").status_code == 200
        answered = told_help_answered(kiosk)
        kiosk.send(pressed)
        kiosk.recv()  # its ack
        kiosk.send(pressed)  # sent again: the ack was lost
        kiosk.recv()
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(CommandResult(command_id=answered, ok=True))
        kiosk.send(pressed)  # and once more, after the PC answered
        kiosk.recv()
        assert http.get("/api/help").json() == []
    with KioskSocket(server, token) as kiosk, server.client(admin) as http:
        kiosk.send(pressed)  # and once more after a reconnect
        kiosk.recv()
        assert http.get("/api/help").json() == []
        day = asked.date().isoformat()
        usage = http.get("/api/usage", params={"start": day, "end": day}).json()
        assert usage["totals"]["help_calls"] == 1
        # The visitor asks again: a new press is a new call, the status and event together.
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(Status(state="active", help_requested=True))
        kiosk.send(Event(id="help-press-2", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        assert [c["kiosk_id"] for c in http.get("/api/help").json()] == [kiosk_id]
        usage = http.get("/api/usage", params={"start": day, "end": day}).json()
        assert usage["totals"]["help_calls"] == 2


def test_a_later_press_is_a_new_call_even_beside_an_old_call_no_event_claimed(
    server: ConsoleServer,
) -> None:
    # A call a status opened long ago that no event ever claimed (a console upgraded from
    # a version that left them so) does not swallow a later press.
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as kiosk, server.client(admin) as http:
        kiosk.send(Status(state="active", help_requested=True))
        for _ in range(100):
            if http.get("/api/help").json():
                break
        assert http.post(f"/api/help/{kiosk_id}/take").status_code == 200
        assert http.post(f"/api/help/{kiosk_id}/done").status_code == 200
        answered = told_help_answered(kiosk)
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(CommandResult(command_id=answered, ok=True))
        clock.advance(minutes=45)
        kiosk.send(Event(id="help-later", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        assert [c["kiosk_id"] for c in http.get("/api/help").json()] == [kiosk_id]


def test_one_request_is_one_call_when_the_event_comes_first_and_the_status_late(
    server: ConsoleServer,
) -> None:
    # The event queues the call, staff close it at once, and only then does the PC's
    # status (held back by its rate limit) say that it asks for help: still one call.
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    day = clock.now().date().isoformat()
    with KioskSocket(server, token) as kiosk, server.client(admin) as http:
        kiosk.send(Event(id="help-first", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        assert http.post(f"/api/help/{kiosk_id}/take").status_code == 200
        assert http.post(f"/api/help/{kiosk_id}/done").status_code == 200
        answered = told_help_answered(kiosk)
        kiosk.send(CommandResult(command_id=answered, ok=True))
        kiosk.send(Status(state="active", help_requested=True))
        kiosk.send(Event(id="help-first", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()  # the status was handled before this resent event's ack
        assert http.get("/api/help").json() == []
        usage = http.get("/api/usage", params={"start": day, "end": day}).json()
        assert usage["totals"]["help_calls"] == 1
