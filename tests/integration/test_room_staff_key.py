"""The staff key at a real PC, linked to the real console server (SQLite and PostgreSQL):
a staff member sets their own PIN at the console, the PC gets it in its roster and opens
the staff menu for that person only, greeting them in their language; what they do there
is in the console's audit under their name; disabling them at the console closes the key
on the PC at once, and a PC that was off when they were disabled refuses them as soon as
it is back, before anything else. The roster a PC holds is its own site's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest_pg import admin, data_dir, database_url, postgres, server
from helpers.console_server import TEST_PASSWORD, ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.room_link import LinkedRoom, eventually, visitor

from admin_console.server.auth import Role

__all__ = ["admin", "data_dir", "database_url", "postgres", "server"]

FATIMA_PIN = "592816"


@pytest.fixture
def room(server: ConsoleServer, admin: StaffLogin) -> Iterator[LinkedRoom]:
    made = LinkedRoom(server, admin)
    yield made
    made.close()


def _staff_id(server: ConsoleServer, username: str) -> int:
    found = server.console.repos.staff.credentials(username)
    assert found is not None
    return found.record.id


def _fatima(server: ConsoleServer, admin: StaffLogin) -> tuple[StaffLogin, int]:
    """An animator, Fatima, who reads Dutch, with her own PIN set at the console."""
    fatima = server.add_staff("fatima", Role.ANIMATOR)
    staff_id = _staff_id(server, "fatima")
    with server.client(admin) as http:
        http.patch(
            f"/api/staff/{staff_id}", json={"display_name": "Fatima", "language": "nl"}
        ).raise_for_status()
    with server.client(fatima) as http:
        mine = {"pin": FATIMA_PIN, "current_password": TEST_PASSWORD}
        set_pin = http.put("/api/me/pin", json=mine)
        assert set_pin.status_code == 204, set_pin.text
    return fatima, staff_id


def _fatima_held(agent: AgentThread, server: ConsoleServer, admin: StaffLogin) -> int:
    """Fatima (see :func:`_fatima`) made at the console and held by ``agent``; her id."""
    _fatima_login, fatima_id = _fatima(server, admin)
    _holds(agent, {"Fatima"})
    return fatima_id


def _disable(server: ConsoleServer, admin: StaffLogin, staff_id: int) -> None:
    """The admin disables ``staff_id``'s account at the console."""
    with server.client(admin) as http:
        http.patch(f"/api/staff/{staff_id}", json={"disabled": True}).raise_for_status()


def _names(agent: AgentThread) -> set[str]:
    return {v.name for v in agent.agent.roster.views()}


def _holds(agent: AgentThread, names: set[str]) -> None:
    agent.wait_until(lambda: _names(agent) == names, 10, f"roster {names}")


def _check(shell: ShellClient, pin: str, staff_id: int) -> tuple[bool, str | None, str | None]:
    reply = shell.request("animator", pin=pin, action="check", staff_id=staff_id)
    return bool(reply.ok), reply.staff_name, reply.staff_language


def test_a_pin_set_at_the_console_opens_the_staff_key_at_the_pc_for_that_person(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    agent = room.pc("PC-01")
    fatima_id = _fatima_held(agent, server, admin)
    shell = visitor(agent)
    view = shell.wait_view(lambda v: len(v.staff) == 1)
    assert [(s.id, s.name) for s in view.staff] == [(fatima_id, "Fatima")]
    # A wrong PIN, then hers: the menu greets her in Dutch.
    assert _check(shell, "111222", fatima_id)[0] is False
    assert _check(shell, FATIMA_PIN, fatima_id) == (True, "Fatima", "nl")
    extended = shell.request(
        "animator", pin=FATIMA_PIN, action="extend", minutes=15, staff_id=fatima_id
    )
    assert extended.ok, extended.error

    # The console's audit says who did it, at which PC.
    def audited() -> list[dict[str, object]]:
        with server.client(admin) as http:
            return http.get("/api/audit", params={"who": "fatima"}).json()["items"]

    eventually(lambda: any(a["action"] == "pc_extend" for a in audited()), "the PC's audit line")
    line = next(a for a in audited() if a["action"] == "pc_extend")
    assert line["kiosk_id"] == room.ids["PC-01"]
    # Disabled at the console: her PIN no longer opens the key on the PC.
    _disable(server, admin, fatima_id)
    _holds(agent, set())
    assert _check(shell, FATIMA_PIN, fatima_id)[0] is False
    shell.close()


def test_a_pc_that_was_off_when_someone_was_disabled_refuses_them_once_back(
    room: LinkedRoom, server: ConsoleServer, admin: StaffLogin
) -> None:
    agent = room.pc("PC-02")
    fatima_id = _fatima_held(agent, server, admin)
    agent = room.restart("PC-02", reachable=False)
    _disable(server, admin, fatima_id)
    # Offline, the PC still holds her (it could not know).
    assert _names(agent) == {"Fatima"}
    agent = room.restart("PC-02")
    _holds(agent, set())
    shell = ShellClient(agent.socket_path)
    shell.hello()
    assert _check(shell, FATIMA_PIN, fatima_id)[0] is False
    shell.close()
