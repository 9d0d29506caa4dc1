"""``epn-console staff ...`` as an administrator runs it on the console machine: the team
listed, an account made, renamed, moved to another role and language, disabled, enabled and
given a new password; the last admin kept; and a change made there while the server runs
reaches its PCs and closes the disabled person's open window."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest_pg import data_dir
from helpers.console_server import TEST_PASSWORD, ConsoleServer, KioskSocket
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from admin_console.api.staff import Role
from admin_console.server.hub import LOGGED_OUT, STAFF_WATCH_SECONDS
from epn_shared.protocol import StaffRoster

__all__ = ["data_dir"]

CLI = [sys.executable, "-m", "admin_console.cli"]
PASSWORD = "a long enough password"


def staff(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "staff", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def listed(data_dir: Path) -> dict[str, list[str]]:
    done = staff(data_dir, "list")
    assert done.returncode == 0, done.stderr
    return {line.split("\t")[0]: line.split("\t")[1:] for line in done.stdout.splitlines()}


def test_the_team_from_the_command_line(tmp_path: Path) -> None:
    made = subprocess.run(
        [*CLI, "create-admin", "ada", "--password-stdin", "--data-dir", str(tmp_path)],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    done = staff(tmp_path, "create", "bob", "--role", "animator", "--password-stdin", stdin="x\n")
    assert done.returncode == 1
    assert "at least 8 characters" in done.stderr
    done = staff(
        tmp_path,
        "create",
        "bob",
        "--role",
        "animator",
        "--name",
        "Bob",
        "--language",
        "nl",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert listed(tmp_path) == {
        "ada": ["admin", "fr", "no PIN", "enabled"],
        "bob (Bob)": ["animator", "nl", "no PIN", "enabled"],
    }
    for args in (
        ("set-name", "bob", "Robert"),
        ("set-language", "bob", "en"),
        ("set-role", "bob", "manager"),
        ("disable", "bob"),
    ):
        done = staff(tmp_path, *args)
        assert done.returncode == 0, done.stderr
    assert listed(tmp_path)["bob (Robert)"] == ["manager", "en", "no PIN", "disabled"]
    assert staff(tmp_path, "enable", "bob").returncode == 0
    done = staff(tmp_path, "reset-password", "bob", "--password-stdin", stdin="new password 2\n")
    assert done.returncode == 0, done.stderr
    assert "logged out everywhere" in done.stdout
    assert listed(tmp_path)["bob (Robert)"][-1] == "enabled"

    last = staff(tmp_path, "disable", "ada")
    assert last.returncode == 1
    assert "last enabled admin" in last.stderr
    nobody = staff(tmp_path, "disable", "zoe")
    assert nobody.returncode == 1
    assert "no staff account 'zoe'" in nobody.stderr
    assert "Traceback" not in last.stderr + nobody.stderr


def test_a_disable_on_the_command_line_reaches_the_running_console(
    data_dir: Path,
) -> None:
    with ConsoleServer(data_dir) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        animator = server.add_staff("ana", Role.ANIMATOR)
        with server.client(animator) as http:
            pin = http.put("/api/me/pin", json={"pin": "2580", "current_password": TEST_PASSWORD})
            assert pin.status_code == 204
        _kiosk_id, token = server.enroll(admin, "PC-01")
        revision = server.console.repos.staff.revision()
        headers = {"Authorization": f"Bearer {animator.token}"}
        with (
            KioskSocket(server, token, staff_revision=revision) as pc,
            connect(f"{server.ws_url}/ws/staff", additional_headers=headers) as window,
        ):
            assert json.loads(window.recv(5))["type"] == "room"
            done = staff(data_dir, "disable", "ana")
            assert done.returncode == 0, done.stderr
            # The server looks for changes made outside it every few seconds.
            roster = pc.recv(timeout=STAFF_WATCH_SECONDS * 4)
            assert isinstance(roster, StaffRoster)
            assert roster.staff == ()
            with pytest.raises(ConnectionClosed) as closed:
                window.recv(STAFF_WATCH_SECONDS * 4)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == LOGGED_OUT
        with httpx.Client(base_url=server.url, headers=headers) as http:
            assert http.get("/api/me").status_code == 401
