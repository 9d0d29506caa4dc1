"""The room link between the console and real PCs: a help call closed at the console
leaves the PC and the room card, a workshop refused on a busy PC says why, and the time
left the console shows is the PC's.

Real kiosk agents (threads, fake clocks) enrolled at a real console server in this process,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from conftest_pg import admin, data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.room_link import LinkedRoom, ask_help, eventually, start_workshop, visitor
from pydantic import ValidationError

from epn_shared.protocol import Status
from kiosk.core.model import State
from kiosk.core.protocol import View

__all__ = ["admin", "data_dir", "database_url", "postgres", "server"]


@pytest.fixture
def room(server: ConsoleServer, admin: StaffLogin) -> Iterator[LinkedRoom]:
    made = LinkedRoom(server, admin)
    yield made
    made.close()


def tile(server: ConsoleServer, staff: StaffLogin, kiosk_id: int) -> dict[str, Any]:
    with server.client(staff) as http:
        tiles = http.get("/api/kiosks").json()
    found: dict[str, Any] = next(t for t in tiles if t["id"] == kiosk_id)
    return found


def queue(server: ConsoleServer, staff: StaffLogin) -> list[dict[str, Any]]:
    with server.client(staff) as http:
        return list(http.get("/api/help").json())


def asks_help(server: ConsoleServer, staff: StaffLogin, kiosk_id: int) -> bool:
    return bool(tile(server, staff, kiosk_id)["help_requested"])


def help_asked(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> tuple[AgentThread, int, ShellClient]:
    """PC-01, its walk-in visitor asking for help, the call on the room card and in the
    queue: the PC, its kiosk id and the visitor's shell."""
    pc = room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]
    shell = visitor(pc)
    ask_help(shell)
    eventually(lambda: asks_help(server, admin, kiosk_id), "the room card to ask for help")
    eventually(lambda: queue(server, admin), "the call")
    return pc, kiosk_id, shell


def take_and_close(server: ConsoleServer, staff: StaffLogin, kiosk_id: int) -> None:
    """An animator takes the PC's call at the console and says it is done."""
    with server.client(staff) as http:
        assert http.post(f"/api/help/{kiosk_id}/take").status_code == 200
        done = http.post(f"/api/help/{kiosk_id}/done")
    assert done.status_code == 200, done.text


def closed_while_offline(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> tuple[AgentThread, int]:
    """PC-01's visitor asked for help, then the PC went offline (its network down, its
    agent stopped); the animator, at the PC all the same, closed the call at the console.
    The stopped PC and its kiosk id."""
    pc, kiosk_id, shell = help_asked(room, server, admin)
    shell.close()
    pc.crash()
    eventually(lambda: not tile(server, admin, kiosk_id)["online"], "the PC offline")
    take_and_close(server, admin, kiosk_id)
    return pc, kiosk_id


def resumed(pc: AgentThread) -> tuple[ShellClient, View]:
    """A shell on the restarted PC, and the view of the session it resumed."""
    shell = ShellClient(pc.socket_path)
    return shell, shell.hello()


def cleared(server: ConsoleServer, staff: StaffLogin, kiosk_id: int) -> None:
    """Wait until the room card no longer asks for help; the queue is empty."""
    eventually(lambda: not asks_help(server, staff, kiosk_id), "the room card to clear")
    assert queue(server, staff) == []


# -- help done or cancelled at the console ---------------------------------------------


def test_help_done_at_the_console_clears_the_pc_and_the_room_card_and_help_can_be_asked_again(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    _, kiosk_id, shell = help_asked(room, server, admin)
    [call] = queue(server, admin)
    take_and_close(server, admin, kiosk_id)

    # The PC's bar no longer says staff are coming, and the help button works again.
    view = shell.wait_view(lambda v: not v.help_requested)
    assert view.state.value == "active"
    cleared(server, admin, kiosk_id)

    # The visitor asks again: a new call opens, the first one stays done.
    ask_help(shell)
    eventually(lambda: len(queue(server, admin)) == 1, "a new call")
    [again] = queue(server, admin)
    assert again["id"] != call["id"]
    assert again["taken_by"] is None
    assert asks_help(server, admin, kiosk_id)
    shell.close()


def test_a_call_cancelled_at_the_console_clears_the_pc_and_counts_no_help(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    _, kiosk_id, shell = help_asked(room, server, admin)
    with server.client(admin) as http:
        cancelled = http.post(f"/api/help/{kiosk_id}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["accompanied_seconds"] is None
        assert http.post(f"/api/help/{kiosk_id}/cancel").status_code == 404  # nothing left
        audit = http.get("/api/audit", params={"kiosk_id": kiosk_id}).json()["items"]
    assert audit[0]["action"] == "help_cancelled"
    shell.wait_view(lambda v: not v.help_requested)
    cleared(server, admin, kiosk_id)
    shell.close()


def test_an_offline_pc_hears_of_the_closed_call_when_it_connects_again(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    _, kiosk_id = closed_while_offline(room, server, admin)

    pc = room.restart("PC-01")  # the same visitor's session resumes, online again
    shell, _ = resumed(pc)
    view = shell.wait_view(lambda v: not v.help_requested)
    assert view.state is State.ACTIVE
    eventually(lambda: tile(server, admin, kiosk_id)["status"] is not None, "the PC's status")
    # The status it sent before hearing of it opened no new call.
    assert not asks_help(server, admin, kiosk_id)
    assert queue(server, admin) == []
    shell.close()


def test_a_closed_call_of_a_visitor_who_left_is_dropped_and_the_next_visitors_call_stays(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    _, kiosk_id = closed_while_offline(room, server, admin)

    # Still offline, the first visitor leaves and the next one asks for help.
    pc = room.restart("PC-01", reachable=False)
    first, _ = resumed(pc)
    assert first.request("end_session").ok
    pc.wait_for_state(State.DONE)
    first.close()
    second = visitor(pc)
    ask_help(second)
    second.close()

    pc = room.restart("PC-01")
    shell, view = resumed(pc)
    assert view.help_requested
    eventually(lambda: queue(server, admin), "the next visitor's call")
    eventually(lambda: asks_help(server, admin, kiosk_id), "the card to ask for the next visitor")
    [call] = queue(server, admin)
    assert call["taken_by"] is None
    audit = pc.call(pc.agent.store.audit_entries)
    assert any(e.action == "help_answered_refused" for e in audit)
    assert pc.view().help_requested  # the next visitor still sees that someone is coming
    shell.close()


# -- a workshop refused on a busy PC says why ------------------------------------------


def test_a_workshop_refused_on_a_pc_with_a_visitor_says_so_per_pc(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    room.pc("PC-01")
    busy = room.pc("PC-02")
    shell = visitor(busy)
    _, results = start_workshop(
        server, admin, [room.ids["PC-01"], room.ids["PC-02"]], minutes=60, participants=4
    )
    assert results[room.ids["PC-01"]]["ok"] is True
    refused = results[room.ids["PC-02"]]
    assert (refused["ok"], refused["code"]) == (False, "in_session")
    assert refused["message"] == "a visitor is in session"
    # The usage review keeps it too.
    with server.client(admin) as http:
        [stored] = http.get("/api/workshops").json()
    assert {r["kiosk_id"]: r["code"] for r in stored["results"]}[room.ids["PC-02"]] == "in_session"
    # The visitor's session goes on.
    assert busy.view().state is State.ACTIVE
    shell.close()


# -- time left --------------------------------------------------------------------------


def test_the_room_view_carries_the_pcs_deadline_on_the_consoles_clock(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    pc = room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]
    # The two clocks are apart (the PC's runs on another date): the deadline is moved.
    assert abs((pc.clock.now().wall - server.clock.now()).total_seconds()) >= 3600
    shell = visitor(pc)
    eventually(
        lambda: (tile(server, admin, kiosk_id)["status"] or {}).get("deadline"), "a deadline"
    )
    status = tile(server, admin, kiosk_id)["status"]
    deadline = dt.datetime.fromisoformat(status["deadline"])
    left = (deadline - server.clock.now()).total_seconds()
    bar = pc.view().seconds_left
    assert bar is not None and abs(left - bar) <= 1
    shell.close()


def test_a_status_with_a_deadline_says_when_it_was_made_and_stays_in_bounds() -> None:
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    later = now + dt.timedelta(minutes=30)
    assert Status(state="active", at=now, deadline=later).deadline == later
    for bad in (
        {"deadline": later},  # no "at": the console could not correct a PC's clock
        {"at": now, "deadline": now - dt.timedelta(seconds=1)},
        {"at": now, "deadline": now + dt.timedelta(days=32)},
    ):
        with pytest.raises(ValidationError):
            Status(state="active", **bad)
