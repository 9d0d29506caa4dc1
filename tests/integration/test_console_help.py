"""The help queue on a real console, on SQLite and PostgreSQL: PCs that asked for help,
oldest first with their waiting time, taken by an animator, and the accompanied time kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from epn_shared.protocol import (
    Command,
    CommandAction,
    CommandResult,
    Event,
    HelpRequestedBody,
    Status,
)

__all__ = ["data_dir", "database_url", "postgres", "server"]


@dataclass(frozen=True)
class EnrolledPC:
    """PC-01, enrolled at the console by its admin."""

    server: ConsoleServer
    admin: StaffLogin
    kiosk_id: int
    token: str

    @contextmanager
    def linked(self) -> Iterator[tuple[KioskSocket, httpx.Client]]:
        """The PC's socket to the console, and the admin's client of the console's API."""
        with KioskSocket(self.server, self.token) as kiosk, self.server.client(self.admin) as http:
            yield kiosk, http


@pytest.fixture
def clock(server: ConsoleServer) -> FakeClock:
    assert isinstance(server.clock, FakeClock)
    return server.clock


@pytest.fixture
def pc(server: ConsoleServer) -> EnrolledPC:
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    return EnrolledPC(server, admin, kiosk_id, token)


def queued(http: httpx.Client) -> list[int]:
    """The kiosk ids in the help queue, in its order."""
    return [c["kiosk_id"] for c in http.get("/api/help").json()]


def wait_queued(http: httpx.Client, kiosk_ids: list[int]) -> None:
    """Ask the queue again until it lists these PCs (a status the PC sent has no ack)."""
    for _ in range(100):
        if queued(http) == kiosk_ids:
            break
    assert queued(http) == kiosk_ids


def help_calls(http: httpx.Client, day: dt.date) -> int:
    """The help calls the usage review counts on that day."""
    usage = http.get("/api/usage", params={"start": day.isoformat(), "end": day.isoformat()})
    return int(usage.json()["totals"]["help_calls"])


def told_help_answered(kiosk: KioskSocket) -> str:
    """The PC hears that staff closed its call; the command's id (answered later)."""
    told = kiosk.recv()
    assert isinstance(told, Command) and told.action == CommandAction.HELP_ANSWERED
    return told.command_id


def take_and_close(kiosk: KioskSocket, http: httpx.Client, kiosk_id: int) -> str:
    """Staff take the PC's call and close it, and the PC hears of it; the command's id."""
    assert http.post(f"/api/help/{kiosk_id}/take").status_code == 200
    assert http.post(f"/api/help/{kiosk_id}/done").status_code == 200
    return told_help_answered(kiosk)


def test_the_queue_is_oldest_first_and_done_records_the_accompanied_time(
    server: ConsoleServer, clock: FakeClock
) -> None:
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
        assert queued(http) == [one]
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
    pc: EnrolledPC,
) -> None:
    with pc.linked() as (kiosk, http):
        kiosk.send(Status(state="active", help_requested=True))
        wait_queued(http, [pc.kiosk_id])
        kiosk.send(Status(state="active", help_requested=False))
        wait_queued(http, [])


def test_one_request_is_one_call_when_staff_close_it_before_the_pcs_event_arrives(
    pc: EnrolledPC, clock: FakeClock
) -> None:
    # The PC's status (sent at once) queues the call; staff take and close it; only then
    # does the PC's help_requested event for that same press arrive, and again after a
    # reconnect. The usage review counts one call, and the queue stays empty.
    asked = clock.now()
    day = asked.date()
    pressed = Event(id="help-press-1", at=asked, body=HelpRequestedBody())
    with pc.linked() as (kiosk, http):
        kiosk.send(Status(state="active", help_requested=True))
        wait_queued(http, [pc.kiosk_id])
        answered = take_and_close(kiosk, http, pc.kiosk_id)
        kiosk.send(pressed)
        kiosk.recv()  # its ack
        kiosk.send(pressed)  # sent again: the ack was lost
        kiosk.recv()
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(CommandResult(command_id=answered, ok=True))
        kiosk.send(pressed)  # and once more, after the PC answered
        kiosk.recv()
        assert queued(http) == []
    with pc.linked() as (kiosk, http):
        kiosk.send(pressed)  # and once more after a reconnect
        kiosk.recv()
        assert queued(http) == []
        assert help_calls(http, day) == 1
        # The visitor asks again: a new press is a new call, the status and event together.
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(Status(state="active", help_requested=True))
        kiosk.send(Event(id="help-press-2", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        assert queued(http) == [pc.kiosk_id]
        assert help_calls(http, day) == 2


def test_a_later_press_is_a_new_call_even_beside_an_old_call_no_event_claimed(
    pc: EnrolledPC, clock: FakeClock
) -> None:
    # A call a status opened long ago that no event ever claimed (a console upgraded from
    # a version that left them so) does not swallow a later press.
    with pc.linked() as (kiosk, http):
        kiosk.send(Status(state="active", help_requested=True))
        wait_queued(http, [pc.kiosk_id])
        answered = take_and_close(kiosk, http, pc.kiosk_id)
        kiosk.send(Status(state="active", help_requested=False))
        kiosk.send(CommandResult(command_id=answered, ok=True))
        clock.advance(minutes=45)
        kiosk.send(Event(id="help-later", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        assert queued(http) == [pc.kiosk_id]


def test_one_request_is_one_call_when_the_event_comes_first_and_the_status_late(
    pc: EnrolledPC, clock: FakeClock
) -> None:
    # The event queues the call, staff close it at once, and only then does the PC's
    # status (held back by its rate limit) say that it asks for help: still one call.
    day = clock.now().date()
    with pc.linked() as (kiosk, http):
        kiosk.send(Event(id="help-first", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()
        answered = take_and_close(kiosk, http, pc.kiosk_id)
        kiosk.send(CommandResult(command_id=answered, ok=True))
        kiosk.send(Status(state="active", help_requested=True))
        kiosk.send(Event(id="help-first", at=clock.now(), body=HelpRequestedBody()))
        kiosk.recv()  # the status was handled before this resent event's ack
        assert queued(http) == []
        assert help_calls(http, day) == 1
