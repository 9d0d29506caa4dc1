"""Restart, shut down and wake PCs from the console: real kiosk agents (sandbox mode:
the power request is recorded, not done) linked to a real console server, a real UDP
socket on 127.0.0.1 standing for the PCs' broadcast address, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest_pg import data_dir, database_url, postgres
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin
from helpers.kiosk_agent import AgentThread
from helpers.room_link import LinkedRoom, eventually, visitor

from admin_console.api.staff import Role
from epn_shared import protocol as wire
from kiosk.agent.system.power import recorded_request
from kiosk.core.model import EndReason, State

__all__ = ["data_dir", "database_url", "postgres"]

MAC = "52:54:00:12:34:56"
MAGIC = b"\xff" * 6 + bytes.fromhex("525400123456") * 16


@pytest.fixture
def broadcast() -> Iterator[socket.socket]:
    """Where the console's wake-up packets go: a UDP socket on 127.0.0.1 (non-blocking:
    a packet is there as soon as the request that sent it has answered)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.setblocking(False)
        yield listener


@pytest.fixture
def server(
    data_dir: Path, database_url: str | None, broadcast: socket.socket
) -> Iterator[ConsoleServer]:
    port = broadcast.getsockname()[1]
    with ConsoleServer(
        data_dir, database_url=database_url, wake_address="127.0.0.1", wake_port=port
    ) as running:
        yield running


@pytest.fixture
def admin(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("ada", Role.ADMIN)


@pytest.fixture
def animator(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("anna", Role.ANIMATOR)


@pytest.fixture
def manager(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("marc", Role.MANAGER)


@pytest.fixture
def room(server: ConsoleServer, admin: StaffLogin) -> Iterator[LinkedRoom]:
    made = LinkedRoom(server, admin)
    yield made
    made.close()


def packets(listener: socket.socket) -> list[bytes]:
    """Every packet the broadcast address received so far."""
    got = []
    while True:
        try:
            got.append(listener.recv(4096))
        except BlockingIOError:
            return got


def audit(server: ConsoleServer, manager: StaffLogin, action: str) -> list[dict[str, Any]]:
    with server.client(manager) as http:
        items: list[dict[str, Any]] = http.get("/api/audit", params={"action": action}).json()[
            "items"
        ]
    return items


def tile(server: ConsoleServer, staff: StaffLogin, kiosk_id: int) -> dict[str, Any]:
    with server.client(staff) as http:
        tiles = http.get("/api/kiosks").json()
    found: dict[str, Any] = next(t for t in tiles if t["id"] == kiosk_id)
    return found


def a_pc_with_a_card(server: ConsoleServer, admin: StaffLogin, name: str) -> tuple[int, str]:
    """A PC that connected once through the network card :data:`MAC`, now switched off."""
    kiosk_id, token = server.enroll(admin, name)
    with KioskSocket(server, token, mac=MAC):
        eventually(lambda: tile(server, admin, kiosk_id)["mac"] == MAC, "the card kept")
    eventually(lambda: not tile(server, admin, kiosk_id)["online"], "the PC offline")
    return kiosk_id, token


# -- the gates first ---------------------------------------------------------------------


def test_an_animator_cannot_act_on_several_pcs_at_once_and_nothing_is_sent(
    server: ConsoleServer,
    admin: StaffLogin,
    animator: StaffLogin,
    manager: StaffLogin,
    broadcast: socket.socket,
) -> None:
    kiosk_id, _ = a_pc_with_a_card(server, admin, "PC-01")
    for action in ("wake", "restart", "shut_down"):
        with server.client(animator) as http:
            answer = http.post(
                "/api/kiosks/power", json={"action": action, "kiosk_ids": [kiosk_id]}
            )
        assert answer.status_code == 403, answer.text
    with server.client(None) as http:
        answer = http.post("/api/kiosks/power", json={"action": "wake", "kiosk_ids": [kiosk_id]})
        assert answer.status_code == 401
        assert http.post(f"/api/kiosks/{kiosk_id}/wake").status_code == 401
    assert packets(broadcast) == []
    assert audit(server, manager, "command_wake") == []


@pytest.mark.parametrize(
    "body",
    [
        {"action": "wake", "kiosk_ids": []},
        {"action": "explode", "kiosk_ids": ["THE_PC"]},
        {"action": "wake", "kiosk_ids": ["THE_PC", "THE_PC"]},
        {"action": "wake", "kiosk_ids": ["1"]},
        {"action": "wake", "kiosk_ids": [4242]},
        {"action": "wake", "kiosk_ids": ["THE_PC"], "everything": True},
        {"action": "restart"},
        {"kiosk_ids": ["THE_PC"]},
    ],
)
def test_a_malformed_power_request_is_a_422_and_nothing_is_sent(
    server: ConsoleServer,
    admin: StaffLogin,
    manager: StaffLogin,
    broadcast: socket.socket,
    body: dict[str, Any],
) -> None:
    kiosk_id, _ = a_pc_with_a_card(server, admin, "PC-01")
    ids = body.get("kiosk_ids")
    if ids is not None:
        body = {**body, "kiosk_ids": [kiosk_id if i == "THE_PC" else i for i in ids]}
    with server.client(manager) as http:
        answer = http.post("/api/kiosks/power", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]
    assert packets(broadcast) == []
    assert audit(server, manager, "command_wake") == []


def test_a_restart_with_a_malformed_body_reaches_no_pc(
    room: LinkedRoom, server: ConsoleServer, animator: StaffLogin, manager: StaffLogin
) -> None:
    pc = room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]
    for body in ({"action": "restart", "now": True}, {"action": "reboot"}):
        with server.client(animator) as http:
            answer = http.post(f"/api/kiosks/{kiosk_id}/commands", json=body)
        assert answer.status_code == 422, answer.text
    assert recorded_request(pc.data_dir) is None
    assert audit(server, manager, "command_restart") == []


# -- one PC ------------------------------------------------------------------------------


def test_an_animator_restarts_a_pc_its_visitor_is_logged_out_and_wiped_before_it_goes(
    room: LinkedRoom, server: ConsoleServer, animator: StaffLogin, manager: StaffLogin
) -> None:
    pc = room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]
    shell = visitor(pc)
    left_behind = pc.home_dir / "cv-brouillon.odt"
    left_behind.write_text("Curriculum vitae", encoding="utf-8")

    with server.client(animator) as http:
        answer = http.post(f"/api/kiosks/{kiosk_id}/commands", json={"action": "restart"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "done"

    # Answered only once the session was over and its files gone: the visitor saw the
    # usual end, as when staff end a session.
    assert pc.engine_state() in (State.DONE, State.WAITING)
    assert not left_behind.exists()
    ended = shell.wait_view(lambda v: v.end_reason is not None)
    assert ended.end_reason is EndReason.STAFF
    store = pc.open_store()
    try:
        assert store.finished_sessions()[-1].end_reason == "staff"
    finally:
        store.close()

    # Then the PC restarts (the sandbox records it).
    eventually(lambda: recorded_request(pc.data_dir) is not None, "the restart asked")
    asked = recorded_request(pc.data_dir)
    assert asked is not None
    assert (asked["action"], asked["by"]) == ("restart", "anna")
    [line] = audit(server, manager, "command_restart")
    assert (line["who"], line["kiosk_id"]) == ("anna", kiosk_id)


def test_a_free_pc_is_shut_down_at_once(
    room: LinkedRoom, server: ConsoleServer, animator: StaffLogin
) -> None:
    pc = room.pc("PC-01")
    with server.client(animator) as http:
        answer = http.post(
            f"/api/kiosks/{room.ids['PC-01']}/commands", json={"action": "shut_down"}
        )
    assert answer.json()["status"] == "done"
    eventually(lambda: recorded_request(pc.data_dir) is not None, "the shut-down asked")
    asked = recorded_request(pc.data_dir)
    assert asked is not None
    assert asked["action"] == "shut_down"


def test_the_power_is_asked_only_once_the_answer_is_sent() -> None:
    with AgentThread() as pc:
        command = wire.Command(command_id="command-1", action=wire.CommandAction.RESTART, by="anna")
        result = pc.call(lambda: pc.agent.console.console_command(command))
        assert result.ok
        assert recorded_request(pc.data_dir) is None  # answered, not yet sent: still on

        pc.call(lambda: pc.agent.console.console_result_sent(command, result))
        eventually(lambda: recorded_request(pc.data_dir) is not None, "the restart asked")


def test_a_refused_answer_asks_no_power() -> None:
    with AgentThread() as pc:
        command = wire.Command(
            command_id="command-1", action=wire.CommandAction.SHUT_DOWN, by="anna"
        )
        refused = wire.CommandResult(command_id="command-1", ok=False, code="busy")
        pc.call(lambda: pc.agent.console.console_result_sent(command, refused))
        assert recorded_request(pc.data_dir) is None


def test_an_animator_wakes_a_pc_with_its_magic_packet(
    server: ConsoleServer,
    admin: StaffLogin,
    animator: StaffLogin,
    manager: StaffLogin,
    broadcast: socket.socket,
) -> None:
    kiosk_id, _ = a_pc_with_a_card(server, admin, "PC-01")
    with server.client(animator) as http:
        answer = http.post(f"/api/kiosks/{kiosk_id}/wake")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "done"
    assert packets(broadcast) == [MAGIC]
    [line] = audit(server, manager, "command_wake")
    assert (line["who"], line["kiosk_id"]) == ("anna", kiosk_id)


def test_a_pc_whose_card_is_not_known_cannot_be_woken_409(
    room: LinkedRoom, server: ConsoleServer, animator: StaffLogin, broadcast: socket.socket
) -> None:
    # A real agent linked over the loopback: there is no card to say.
    room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]
    assert tile(server, animator, kiosk_id)["mac"] is None
    with server.client(animator) as http:
        answer = http.post(f"/api/kiosks/{kiosk_id}/wake")
    assert answer.status_code == 409
    assert "network card" in answer.json()["detail"]
    assert packets(broadcast) == []


def this_machines_card() -> tuple[str, str]:
    """An IPv4 address of this machine on a network card, and that card's address."""
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("no ip command here")
    listed = json.loads(subprocess.run([ip, "-j", "addr"], capture_output=True, check=True).stdout)
    for interface in listed:
        card = interface.get("address", "")
        for address in interface.get("addr_info", ()):
            local = address.get("local", "")
            if address.get("family") != "inet" or ipaddress.ip_address(local).is_loopback:
                continue
            if card and card != "00:00:00:00:00:00":
                return local, card
    pytest.skip("this machine has no network card with an IPv4 address")


def test_a_pc_linked_through_its_card_says_it_and_is_woken_with_it_once_off(
    data_dir: Path, database_url: str | None, broadcast: socket.socket
) -> None:
    address, card = this_machines_card()
    port = broadcast.getsockname()[1]
    with ConsoleServer(
        data_dir,
        database_url=database_url,
        listen_on=address,
        wake_address="127.0.0.1",
        wake_port=port,
    ) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        room = LinkedRoom(server, admin)
        try:
            pc = room.pc("PC-01")
            kiosk_id = room.ids["PC-01"]
            eventually(lambda: tile(server, admin, kiosk_id)["mac"] == card, "the card said")
            pc.stop()  # switched off
            eventually(lambda: not tile(server, admin, kiosk_id)["online"], "the PC off")
            with server.client(admin) as http:
                assert http.post(f"/api/kiosks/{kiosk_id}/wake").json()["status"] == "done"
        finally:
            room.close()
    assert packets(broadcast) == [b"\xff" * 6 + bytes.fromhex(card.replace(":", "")) * 16]


# -- the whole room ------------------------------------------------------------------------


def test_a_manager_wakes_the_room_each_pc_answered(
    server: ConsoleServer, admin: StaffLogin, manager: StaffLogin, broadcast: socket.socket
) -> None:
    with_card, _ = a_pc_with_a_card(server, admin, "PC-01")
    without_card, _ = server.enroll(admin, "PC-02")
    with server.client(manager) as http:
        answer = http.post(
            "/api/kiosks/power", json={"action": "wake", "kiosk_ids": [with_card, without_card]}
        )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["kiosk_id"], r["name"], r["status"]) for r in results] == [
        (with_card, "PC-01", "done"),
        (without_card, "PC-02", "no_mac"),
    ]
    assert packets(broadcast) == [MAGIC]
    assert [line["kiosk_id"] for line in audit(server, manager, "command_wake")] == [with_card]


def test_a_manager_shuts_the_room_down_each_pc_answered(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin, manager: StaffLogin
) -> None:
    busy, free = room.pc("PC-01"), room.pc("PC-02")
    shell = visitor(busy)
    away, _ = server.enroll(admin, "PC-03")
    ids = [room.ids["PC-01"], room.ids["PC-02"], away]
    with server.client(manager) as http:
        answer = http.post("/api/kiosks/power", json={"action": "shut_down", "kiosk_ids": ids})
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["done", "done", "offline"]
    assert shell.wait_view(lambda v: v.end_reason is not None).end_reason is EndReason.STAFF
    for pc in (busy, free):
        eventually(lambda pc=pc: recorded_request(pc.data_dir) is not None, "the PC off")
    lines = audit(server, manager, "command_shut_down")
    assert sorted(line["kiosk_id"] for line in lines) == sorted(ids)
    assert {line["who"] for line in lines} == {"marc"}
