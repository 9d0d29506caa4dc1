"""Which EPN Kiosk version each PC runs: said in its hello, kept, shown in the room, and a PC
running an older one than the console flagged for staff (its updates did not reach it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.console_server import ConsoleServer, KioskSocket

from admin_console.server.auth import Role
from admin_console.server.hub import left_behind
from epn_shared.version import installed_version


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    with ConsoleServer(tmp_path) as console:
        yield console


def _tiles(server: ConsoleServer, token: str) -> dict[str, dict[str, object]]:
    with server.client(token) as http:
        answer = http.get("/api/kiosks")
    assert answer.status_code == 200, answer.text
    return {pc["name"]: pc for pc in answer.json()}


def test_a_pc_on_an_older_version_is_flagged_and_one_updated_is_not(
    server: ConsoleServer,
) -> None:
    admin, [(_, old), (_, current)] = server.admin_and_pcs("PC-01", "PC-02")
    with KioskSocket(server, old, agent_version="0.0.9"), KioskSocket(server, current):
        tiles = _tiles(server, admin.token)
        assert (tiles["PC-01"]["agent_version"], tiles["PC-01"]["left_behind"]) == ("0.0.9", True)
        assert (tiles["PC-02"]["agent_version"], tiles["PC-02"]["left_behind"]) == (
            installed_version(),
            False,
        )
    # Kept when the PC is away: staff see which PC still waits for its update.
    assert _tiles(server, admin.token)["PC-01"]["left_behind"] is True
    # The PC updated and came back: the flag goes.
    with KioskSocket(server, old):
        assert _tiles(server, admin.token)["PC-01"]["left_behind"] is False


def test_an_animator_sees_the_versions_in_the_room_too(server: ConsoleServer) -> None:
    admin, [(_, token)] = server.admin_and_pcs("PC-01")
    animator = server.add_staff("ana", Role.ANIMATOR)
    with KioskSocket(server, token, agent_version="0.0.1"):
        assert _tiles(server, animator.token)["PC-01"]["left_behind"] is True
    assert admin.token


@pytest.mark.parametrize(
    ("pc", "console", "behind"),
    [
        ("0.1.0", "0.2.0", True),
        ("0.2.0", "0.2.0", False),
        ("0.10.0", "0.9.1", False),  # compared as versions, not as text
        ("0.2.0rc1", "0.2.0", True),
        ("0.3.0", "0.2.0", False),  # ahead of the console: installed by hand, not behind
        (None, "0.2.0", False),  # never said
        ("0.1.0", "unknown", False),  # a console run from a source tree
        ("built-by-hand", "0.2.0", True),  # cannot be compared: differs, so staff look
    ],
)
def test_left_behind_compares_versions(pc: str | None, console: str, behind: bool) -> None:
    assert left_behind(pc, console) is behind
