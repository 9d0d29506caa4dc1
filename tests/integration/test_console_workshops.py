"""Workshops and PCs out of order on a real console, on SQLite and PostgreSQL: a workshop
starts a session on each PC at once and says which PCs were offline; a PC marked out of
order is locked now, again each time it connects, and shown so in the room until it is put
back in order."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket
from websockets.sync.client import connect

from admin_console.server.auth import Role
from epn_shared.protocol import Command, CommandAction

__all__ = ["data_dir", "database_url", "postgres", "server"]


def _until(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_a_workshop_starts_each_pc_and_says_which_were_offline(server: ConsoleServer) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    animator = server.add_staff("ana", Role.ANIMATOR)
    one, token_one = server.enroll(admin, "PC-01")
    two, token_two = server.enroll(admin, "PC-02")
    three, _token = server.enroll(admin, "PC-03")
    body = {"kiosk_ids": [one, two, three], "minutes": 90, "title": "CV", "participants": 2}
    with (
        KioskSocket(server, token_one) as pc_one,
        KioskSocket(server, token_two) as pc_two,
        pc_one.answering() as got_one,
        pc_two.answering(ok=False, code="busy", message="a session is running") as got_two,
        server.client(animator) as http,
    ):
        made = http.post("/api/workshops", json=body)
    assert made.status_code == 201, made.text
    workshop = made.json()
    assert (workshop["title"], workshop["minutes"], workshop["participants"]) == ("CV", 90, 2)
    assert (workshop["started_by"], workshop["kiosk_ids"]) == ("ana", [one, two, three])
    results = {r["kiosk_id"]: r for r in workshop["results"]}
    assert (results[one]["ok"], results[two]["ok"], results[three]["ok"]) == (True, False, False)
    assert (results[two]["code"], results[two]["message"]) == ("busy", "a session is running")
    assert results[three]["code"] == "offline"
    for received in (got_one, got_two):
        (command,) = received
        assert command.action is CommandAction.WORKSHOP
        assert (command.minutes, command.text, command.by) == (90, "CV", "ana")
        assert command.workshop_id == str(workshop["id"])

    today = server.clock.now().date().isoformat()
    with server.client(animator) as http:
        listed = http.get("/api/workshops", params={"start": today, "end": today}).json()
        default = http.get("/api/workshops").json()
        before = http.get("/api/workshops", params={"start": "2025-01-01", "end": "2025-01-31"})
    assert [w["id"] for w in listed] == [w["id"] for w in default] == [workshop["id"]]
    assert listed[0]["results"] == workshop["results"]
    assert before.json() == []
    with server.client(admin) as http:
        usage = http.get("/api/usage", params={"start": today, "end": today}).json()
        audit = http.get("/api/audit", params={"action": "workshop_started"}).json()["items"]
    assert [w["title"] for w in usage["workshops"]] == ["CV"]
    # One line at each PC.
    assert {a["who"] for a in audit} == {"ana"}
    assert sorted(a["detail"].split(" on ")[1] for a in audit) == [
        f"PC-0{n} (one of 3 PCs)" for n in (1, 2, 3)
    ]


def test_a_workshop_on_an_unknown_pc_is_refused_before_anything_is_sent(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    one, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as pc, pc.answering() as received, server.client(admin) as h:
        refused = h.post(
            "/api/workshops",
            json={"kiosk_ids": [one, 999], "minutes": 60, "title": "Mail", "participants": 3},
        )
        listed = h.get("/api/workshops").json()
    assert refused.status_code == 422
    assert "kiosk_ids" in refused.json()["detail"]
    assert listed == []
    assert received == []


def test_a_pc_out_of_order_is_locked_now_and_at_each_connection_until_back(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    animator = server.add_staff("ana", Role.ANIMATOR)
    kiosk_id, token = server.enroll(admin, "PC-01")
    with (
        KioskSocket(server, token) as pc,
        connect(
            f"{server.ws_url}/ws/staff",
            additional_headers={"Authorization": f"Bearer {admin.token}"},
        ) as staff,
    ):
        assert json.loads(staff.recv(5))["type"] == "room"
        with pc.answering() as received, server.client(animator) as http:
            marked = http.post(
                f"/api/kiosks/{kiosk_id}/out-of-order", json={"reason": "broken keyboard"}
            )
            assert marked.status_code == 200, marked.text
            assert _until(lambda: received)
        tile = marked.json()
        assert (tile["out_of_order"], tile["out_of_order_reason"]) == (True, "broken keyboard")
        (lock,) = received
        assert (lock.action, lock.reason) == (CommandAction.LOCK, "out_of_order")
        # The PC's coming online may reach the staff view first: the marking follows.
        change = json.loads(staff.recv(5))
        while change["type"] == "kiosk" and not change["kiosk"]["out_of_order"]:
            change = json.loads(staff.recv(5))
        assert change["type"] == "kiosk"
        assert change["kiosk"]["out_of_order_reason"] == "broken keyboard"

    # It connects again (after a reboot): locked again right after the welcome.
    with KioskSocket(server, token) as pc:
        again = pc.recv()
        assert isinstance(again, Command)
        assert (again.action, again.reason) == (CommandAction.LOCK, "out_of_order")
        with pc.answering() as received, server.client(animator) as http:
            (listed,) = http.get("/api/kiosks").json()
            assert listed["out_of_order"] is True
            back = http.post(f"/api/kiosks/{kiosk_id}/back-in-order")
            assert back.status_code == 200
            assert _until(lambda: received)
        assert (back.json()["out_of_order"], back.json()["out_of_order_reason"]) == (False, None)
        assert [c.action for c in received] == [CommandAction.UNLOCK]
    with server.client(admin) as http:
        audit = http.get("/api/audit", params={"kiosk_id": kiosk_id}).json()["items"]
    assert [(a["action"], a["who"]) for a in audit[:2]] == [
        ("kiosk_back_in_order", "ana"),
        ("kiosk_out_of_order", "ana"),
    ]
    assert audit[1]["detail"] == "broken keyboard"


def test_a_pc_offline_can_be_marked_out_of_order_and_is_locked_when_it_comes(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    kiosk_id, token = server.enroll(admin, "PC-01")
    with server.client(admin) as http:
        marked = http.post(f"/api/kiosks/{kiosk_id}/out-of-order", json={"reason": "no screen"})
        assert marked.status_code == 200
        assert http.post("/api/kiosks/4242/out-of-order", json={"reason": "x"}).status_code == 404
    with KioskSocket(server, token) as pc:
        lock = pc.recv()
    assert isinstance(lock, Command)
    assert lock.reason == "out_of_order"
    assert (marked.json()["online"], marked.json()["out_of_order"]) == (False, True)
