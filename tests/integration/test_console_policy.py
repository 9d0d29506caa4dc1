"""The kiosks' policy edited at the console, on SQLite and PostgreSQL: the bundled default
until changed, each change a new version pushed at once to the PCs online and to a PC that
connects with another one, a bad field named with nothing changed, and the room showing
which policy each PC runs."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import httpx
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin

from admin_console.server.auth import Role
from epn_shared.protocol import (
    Ack,
    Command,
    CommandAction,
    CommandResult,
    Event,
    HelpRequestedBody,
)
from policies import default_policy, policy_from_data

__all__ = ["data_dir", "database_url", "postgres", "server"]

SHORTER = {"session": {"length_minutes": 45, "warnings_minutes": [5, 1]}}


def _until(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def _manager_and_pc(server: ConsoleServer) -> tuple[StaffLogin, StaffLogin, int, str]:
    """An admin "ada", a manager "mia" (both logged in) and PC-01 enrolled by ada:
    (admin, manager, PC-01's id, its token)."""
    admin = server.add_staff("ada", Role.ADMIN)
    manager = server.add_staff("mia", Role.MANAGER)
    kiosk_id, token = server.enroll(admin, "PC-01")
    return admin, manager, kiosk_id, token


def _put(server: ConsoleServer, staff: StaffLogin, change: dict[str, Any]) -> httpx.Response:
    with server.client(staff) as http:
        return http.put("/api/policy", json={"policy": change})


def test_the_bundled_default_is_in_force_until_changed(server: ConsoleServer) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        state = http.get("/api/policy").json()
    default = default_policy()
    assert (state["version"], state["changed_by"], state["changed_at"]) == (0, None, None)
    assert state["policy_version"] == default.version
    assert policy_from_data(state["policy"]) == default


def test_a_change_is_a_new_version_sent_to_each_pc_online(server: ConsoleServer) -> None:
    admin, manager, kiosk_id, token = _manager_and_pc(server)
    default = default_policy().version
    with KioskSocket(server, token, policy_version=default) as pc, pc.answering() as received:
        changed = _put(server, manager, SHORTER)
        assert changed.status_code == 200, changed.text
        state = changed.json()
        assert (state["version"], state["changed_by"]) == (1, "mia")
        assert state["policy"]["session"]["length_minutes"] == 45
        # What was not given is the bundled default's.
        assert state["policy"]["printing"] == default_policy().printing.model_dump(mode="json")
        assert _until(lambda: received)
        (update,) = received
        assert update.action is CommandAction.POLICY_UPDATE
        assert update.policy is not None
        pushed = policy_from_data(update.policy)
        assert pushed.version == state["policy_version"] != default
        assert pushed.session.length_minutes == 45
        # Once the PC said it applied it, the room shows the new version on its tile.
        with server.client(admin) as http:
            tile = _until(
                lambda: next(
                    (
                        t
                        for t in http.get("/api/kiosks").json()
                        if t["policy_version"] == state["policy_version"]
                    ),
                    None,
                )
            )
        assert tile is not None
        assert tile["id"] == kiosk_id
    with server.client(manager) as http:
        assert http.get("/api/policy").json()["version"] == 1
        second = http.put("/api/policy", json={"policy": {"name": "EPN Anneessens"}}).json()
        history = http.get("/api/policy/history").json()
        audit = http.get("/api/audit", params={"action": "policy_changed"}).json()["items"]
    assert second["version"] == 2
    # Each change is merged over the bundled default, not over the previous version.
    assert second["policy"]["session"]["length_minutes"] == 60
    assert [(h["version"], h["changed_by"]) for h in history] == [(2, "mia"), (1, "mia")]
    assert history[1]["policy_version"] == state["policy_version"]
    assert [a["who"] for a in audit] == ["mia", "mia"]


def test_a_bad_field_is_named_and_the_policy_in_force_stays(server: ConsoleServer) -> None:
    manager = server.add_staff("mia", Role.MANAGER)
    assert _put(server, manager, SHORTER).status_code == 200
    cases: list[tuple[dict[str, Any], str]] = [
        ({"session": {"length_minutes": 2}}, "policy.session.length_minutes"),
        ({"session": {"length_minutes": "long"}}, "policy.session.length_minutes"),
        ({"colour": "red"}, "policy.colour"),
        ({"opening_hours": {"monday": [{"opens": "18:00", "closes": "09:00"}]}}, "closes"),
        ({"printing": {"price_per_page_cents": -1}}, "policy.printing.price_per_page_cents"),
    ]
    for change, field in cases:
        refused = _put(server, manager, change)
        assert refused.status_code == 422, refused.text
        assert field in refused.json()["detail"]
    with server.client(manager) as http:
        state = http.get("/api/policy").json()
        history = http.get("/api/policy/history").json()
        not_a_policy = http.put("/api/policy", json={"policy": [1, 2]})
        nothing = http.put("/api/policy", json={})
    assert (state["version"], state["policy"]["session"]["length_minutes"]) == (1, 45)
    assert len(history) == 1
    assert not_a_policy.status_code == nothing.status_code == 422
    assert "policy" in not_a_policy.json()["detail"]


def test_a_pc_that_connects_with_another_policy_gets_the_update_after_its_welcome(
    server: ConsoleServer,
) -> None:
    admin, manager, kiosk_id, token = _manager_and_pc(server)
    state = _put(server, manager, SHORTER).json()
    with KioskSocket(server, token, policy_version="0123456789ab") as pc:
        update = pc.recv()
        assert isinstance(update, Command)
        assert update.action is CommandAction.POLICY_UPDATE
        assert update.policy is not None
        assert policy_from_data(update.policy).version == state["policy_version"]
        with server.client(admin) as http:
            (tile,) = http.get("/api/kiosks").json()
            assert tile["policy_version"] == "0123456789ab"
            pc.send(CommandResult(command_id=update.command_id, ok=True))
            tile = _until(
                lambda: [
                    t
                    for t in http.get("/api/kiosks").json()
                    if t["policy_version"] == state["policy_version"]
                ]
            )
        assert [t["id"] for t in tile] == [kiosk_id]
    # A PC already on it gets nothing: its first frame back is the ack of its own event.
    with KioskSocket(server, token, policy_version=state["policy_version"]) as pc:
        pc.send(Event(id="help-00000001", at=server.clock.now(), body=HelpRequestedBody()))
        assert isinstance(pc.recv(), Ack)


def test_a_pc_that_refuses_the_policy_keeps_showing_its_own(server: ConsoleServer) -> None:
    admin, manager, _kiosk_id, token = _manager_and_pc(server)
    with (
        KioskSocket(server, token, policy_version="0123456789ab") as pc,
        pc.answering(ok=False, code="bad_policy", message="session: no") as received,
    ):
        assert _put(server, manager, SHORTER).status_code == 200
        assert _until(lambda: received)
        commands = server.console.repos.commands

        def answered_at() -> dt.datetime | None:
            record = commands.get(received[0].command_id)
            return record.answered_at if record is not None else None

        with server.client(admin) as http:
            assert _until(answered_at) is not None
            (tile,) = http.get("/api/kiosks").json()
    assert tile["policy_version"] == "0123456789ab"


def test_a_policy_too_large_to_send_to_the_pcs_is_refused(server: ConsoleServer) -> None:
    manager = server.add_staff("mia", Role.MANAGER)
    closures = [
        {"start": (dt.date(2030, 1, 1) + dt.timedelta(days=n)).isoformat(), "reason": "x" * 200}
        for n in range(2000)
    ]
    refused = _put(server, manager, {"opening_hours": {"closures": closures}})
    assert refused.status_code == 422
    assert "too large" in refused.json()["detail"]
    with server.client(manager) as http:
        assert http.get("/api/policy").json()["version"] == 0


def test_an_unknown_staff_menu_language_is_refused_and_the_last_good_one_stays(
    server: ConsoleServer,
) -> None:
    _admin, manager, _kiosk_id, token = _manager_and_pc(server)
    dutch = _put(server, manager, {"staff": {"language": "nl"}})
    assert dutch.status_code == 200, dutch.text
    good = dutch.json()
    assert good["policy"]["staff"]["language"] == "nl"
    # A visitor language the staff menu is not written in, another case, padding, other
    # types, a smuggled suffix: each refused, naming the field.
    for language in ["de", "ar", "NL", " nl ", "", None, 1, ["nl"], {"code": "nl"}, "nl;fr"]:
        refused = _put(server, manager, {"staff": {"language": language}})
        assert refused.status_code == 422, (language, refused.text)
        answer = refused.json()
        assert "policy.staff.language" in answer["detail"]
        assert [e["field"] for e in answer["errors"]] == ["policy.staff.language"]
    # A NUL is stopped sooner, by the check every text of a request body goes through.
    assert _put(server, manager, {"staff": {"language": "nl\x00"}}).status_code == 422
    with server.client(manager) as http:
        state = http.get("/api/policy").json()
        history = http.get("/api/policy/history").json()
    assert (state["version"], state["policy_version"]) == (1, good["policy_version"])
    assert state["policy"]["staff"]["language"] == "nl"
    assert len(history) == 1
    # A PC that comes online now is sent the last good policy, still in Dutch.
    with KioskSocket(server, token, policy_version=default_policy().version) as pc:
        update = pc.recv()
        assert isinstance(update, Command)
        assert update.policy is not None
        pushed = policy_from_data(update.policy)
        assert pushed.version == good["policy_version"]
        assert pushed.staff.language.value == "nl"


def test_a_printer_that_is_a_file_of_the_pcs_is_refused_and_the_last_good_one_stays(
    server: ConsoleServer,
) -> None:
    _admin, manager, _kiosk_id, _token = _manager_and_pc(server)
    room = _put(server, manager, {"printing": {"printer_uri": "ipp://192.168.1.20/ipp/print"}})
    assert room.status_code == 200, room.text
    good = room.json()
    # A staff member making every PC write the visitors' pages into one of its files.
    for uri in ["file:/etc/cron.d/epn", "file:///etc/cron.d/epn", "parallel:/etc/cron.d/epn"]:
        refused = _put(server, manager, {"printing": {"printer_uri": uri}})
        assert refused.status_code == 422, (uri, refused.text)
        answer = refused.json()
        assert [e["field"] for e in answer["errors"]] == ["policy.printing.printer_uri"]
        assert "not a printer of the room" in answer["detail"]
    with server.client(manager) as http:
        state = http.get("/api/policy").json()
    assert (state["version"], state["policy_version"]) == (1, good["policy_version"])
    assert state["policy"]["printing"]["printer_uri"] == "ipp://192.168.1.20/ipp/print"
