"""Several console server processes serving one console on one PostgreSQL database: a
staff window connected to one process sees the PCs connected to the other live, and a
command sent through one reaches a PC connected to the other and its answer comes back.
Real ``epn-console serve`` processes (``--shared``: they tell each other through
PostgreSQL LISTEN/NOTIFY), stopped by their pids; PCs and the staff window are real
WebSocket clients."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from conftest_pg import postgres
from helpers.console_process import CLI, ServeProcess
from helpers.console_server import KioskSocket
from helpers.postgres import PostgresCluster
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.sync.connection import Connection

from epn_shared.protocol import LoginKind, StaffRoster, Status

__all__ = ["postgres"]

PASSWORD = "a long enough password"


class Process(ServeProcess):
    """One ``epn-console serve`` process of a console on PostgreSQL, on a free port."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str,
        *options: str,
        env: dict[str, str] | None = None,
    ) -> None:
        common = ["--data-dir", str(data_dir), "--database-url", database_url]
        args = [*common, "--port", "0", "--no-tls", "--no-announce", *options]
        super().__init__(args, env=env)
        self.port = int(self.wait_event("console_listening")["port"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Address:
    """Where a simulated PC connects: one process's address (what KioskSocket reads)."""

    ws_url: str
    tls: None = None


def _database_with_admin(postgres: PostgresCluster, data_dir: Path) -> str:
    """A new database of the cluster with the admin "ada" made in it; its URL."""
    url = postgres.create_database()
    where = ["--data-dir", str(data_dir), "--database-url", url]
    made = subprocess.run(
        [*CLI, "create-admin", "ada", "--password-stdin", *where],
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return url


@pytest.fixture
def two_processes(postgres: PostgresCluster, tmp_path: Path) -> Iterator[tuple[Process, Process]]:
    url = _database_with_admin(postgres, tmp_path)
    first = Process(tmp_path, url, "--shared")  # makes the keys both use
    second = Process(tmp_path, url, "--shared")
    try:
        yield first, second
    finally:
        codes = (first.stop(), second.stop())
        postgres.drop_database(url)
    assert codes == (0, 0)
    assert first.errors() == second.errors() == []


def log_in(process: Process) -> str:
    answer = httpx.post(
        f"{process.url}/api/login", json={"username": "ada", "password": PASSWORD}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["token"])


def enroll(process: Process, token: str, name: str) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=process.url, headers=headers, timeout=10) as http:
        code = http.post("/api/pairing-codes").json()["code"]
        done = http.post("/api/enroll", json={"code": code, "name": name, "location": ""})
        done.raise_for_status()
        return int(done.json()["kiosk_id"]), str(done.json()["token"])


def staff_stream(process: Process, token: str) -> ClientConnection:
    return connect(
        f"ws://127.0.0.1:{process.port}/ws/staff",
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=10,
        max_size=None,
    )


def wait_tile(
    staff: Connection,
    room: dict[str, Any],
    kiosk_id: int,
    within: float = 20.0,
    **expected: Any,
) -> dict[str, Any]:
    """The PC's tile once the staff stream says it is as ``expected`` (its room first, kept
    up to date with what came), within ``within`` seconds (TimeoutError past that)."""
    deadline = time.monotonic() + within
    tiles = {t["id"]: t for t in room["kiosks"]}

    def matches(tile: dict[str, Any] | None) -> bool:
        if tile is None:
            return False
        status = tile.get("status") or {}
        return all(tile.get(k, status.get(k)) == v for k, v in expected.items())

    tile: dict[str, Any] | None = tiles.get(kiosk_id)
    while not matches(tile):
        message = json.loads(staff.recv(max(0.01, deadline - time.monotonic())))
        if message.get("type") == "kiosk" and message["kiosk"]["id"] == kiosk_id:
            tile = dict(message["kiosk"])
    assert tile is not None
    room["kiosks"] = [t for t in room["kiosks"] if t["id"] != kiosk_id] + [tile]
    return tile


def listed(process: Process, token: str, kiosk_id: int) -> dict[str, Any]:
    """The PC's entry in ``/api/kiosks`` at ``process``."""
    answer = httpx.get(
        f"{process.url}/api/kiosks", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    answer.raise_for_status()
    return next(t for t in answer.json() if t["id"] == kiosk_id)


def test_a_staff_window_at_one_process_sees_and_commands_a_pc_at_the_other(
    two_processes: tuple[Process, Process],
) -> None:
    here, there = two_processes
    token = log_in(here)
    near_id, near_token = enroll(here, token, "PC-near")
    far_id, far_token = enroll(here, token, "PC-far")
    with (
        KioskSocket(Address(f"ws://127.0.0.1:{here.port}"), near_token),
        KioskSocket(Address(f"ws://127.0.0.1:{there.port}"), far_token) as far,
        staff_stream(here, token) as staff,
    ):
        room = json.loads(staff.recv(10))
        assert room["type"] == "room"
        assert wait_tile(staff, room, near_id, online=True)["name"] == "PC-near"
        assert wait_tile(staff, room, far_id, online=True)["name"] == "PC-far"

        # The far PC's visitor has 4242 s left: the staff window at the other process sees it.
        far.send(Status(state="active", seconds_left=4242, login=LoginKind.WALK_IN))
        seen = wait_tile(staff, room, far_id, seconds_left=4242)
        assert seen["status"]["state"] == "active"
        listed = httpx.get(
            f"{here.url}/api/kiosks", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        assert {t["id"]: t["online"] for t in listed} == {near_id: True, far_id: True}

        # An animator at this process extends the far PC's session: it reaches the PC and
        # its answer comes back.
        with far.answering() as received:
            answer = httpx.post(
                f"{here.url}/api/kiosks/{far_id}/commands",
                json={"action": "extend", "minutes": 10},
                headers={"Authorization": f"Bearer {token}"},
                timeout=20,
            )
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "done"
        assert [(c.action.value, c.minutes) for c in received] == [("extend", 10)]

    # Gone from the other process: offline here too.
    with staff_stream(here, token) as staff:
        room = json.loads(staff.recv(10))
        assert wait_tile(staff, room, far_id, online=False)["online"] is False


def test_serve_with_two_workers_shows_and_commands_every_pc_whichever_process_has_it(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = _database_with_admin(postgres, tmp_path)
    served = Process(tmp_path, url, "--workers", "2")
    workers = served.wait_event("console_listening")["workers"]
    try:
        assert len(workers) == 2
        token = log_in(served)
        pcs = [enroll(served, token, f"PC-{n}") for n in range(6)]
        address = Address(f"ws://127.0.0.1:{served.port}")
        sockets = [KioskSocket(address, pc_token) for _, pc_token in pcs]
        try:
            with staff_stream(served, token) as staff:
                room = json.loads(staff.recv(10))
                for kiosk_id, _ in pcs:
                    wait_tile(staff, room, kiosk_id, online=True)
            for (kiosk_id, _), socket in zip(pcs, sockets, strict=True):
                with socket.answering():
                    answer = httpx.post(
                        f"{served.url}/api/kiosks/{kiosk_id}/commands",
                        json={"action": "message", "text": "On ferme dans 10 minutes"},
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=20,
                    )
                assert answer.json()["status"] == "done", answer.text
        finally:
            for socket in sockets:
                socket.close()
    finally:
        code = served.stop()
        postgres.drop_database(url)
    assert code == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert served.errors() == []


def test_a_pin_set_and_a_disable_at_one_process_reach_the_pcs_and_windows_of_the_other(
    two_processes: tuple[Process, Process],
) -> None:
    here, there = two_processes
    token = log_in(here)
    _far_id, far_token = enroll(here, token, "PC-far")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=here.url, headers=headers, timeout=10) as http:
        made = http.post(
            "/api/staff",
            json={"username": "fatima", "password": "un mot de passe long", "role": "animator"},
        )
        assert made.status_code == 201, made.text
        fatima_id = made.json()["id"]
    fatima = httpx.post(
        f"{there.url}/api/login",
        json={"username": "fatima", "password": "un mot de passe long"},
        timeout=10,
    ).json()["token"]
    with (
        KioskSocket(Address(f"ws://127.0.0.1:{there.port}"), far_token, staff_revision=0) as far,
        staff_stream(there, fatima) as window,
    ):
        json.loads(window.recv(10))  # the room
        pin = {"pin": "592816", "current_password": "un mot de passe long"}
        with httpx.Client(base_url=there.url, timeout=10) as http:
            http.headers["Authorization"] = f"Bearer {fatima}"
            assert http.put("/api/me/pin", json=pin).status_code == 204
        # Her PIN, set at the process the PC is connected to, is in its roster; she is
        # disabled through the other process: the PC and her window there hear of it.
        roster = far.recv(10)
        while not isinstance(roster, StaffRoster):
            roster = far.recv(10)
        assert [e.id for e in roster.staff] == [fatima_id]
        with httpx.Client(base_url=here.url, headers=headers, timeout=10) as http:
            http.patch(f"/api/staff/{fatima_id}", json={"disabled": True}).raise_for_status()
        again = far.recv(10)
        while not isinstance(again, StaffRoster):
            again = far.recv(10)
        assert again.staff == ()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                window.recv(10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4003


def next_about(staff: Connection, kiosk_id: int) -> dict[str, Any]:
    """The next frame of a staff stream about the PC ``kiosk_id`` (others' are skipped)."""
    while True:
        message = json.loads(staff.recv(20))
        if message.get("kiosk_id") == kiosk_id or message.get("kiosk", {}).get("id") == kiosk_id:
            return dict(message)


def two_sites(
    at: Process, token: str, log_in_at: Process
) -> tuple[int, dict[str, int], dict[str, str]]:
    """A second site, "Bibliothèque", made at ``at`` with the admin's ``token``; nina, an
    animator of site 1, and bea, of the Bibliothèque. Its id, their ids, and their tokens,
    logged in at ``log_in_at``."""
    headers = {"Authorization": f"Bearer {token}"}
    people: dict[str, int] = {}
    with httpx.Client(base_url=at.url, headers=headers, timeout=10) as http:
        site_b = int(http.post("/api/sites", json={"name": "Bibliothèque"}).json()["id"])
        for name, site in (("nina", 1), ("bea", site_b)):
            body = {"username": name, "password": "un mot de passe long", "role": "animator"}
            made = http.post("/api/staff", json=body)
            assert made.status_code == 201, made.text
            people[name] = made.json()["id"]
            given = http.put(f"/api/staff/{people[name]}/sites", json={"site_ids": [site]})
            given.raise_for_status()
    tokens = {
        name: httpx.post(
            f"{log_in_at.url}/api/login",
            json={"username": name, "password": "un mot de passe long"},
            timeout=10,
        ).json()["token"]
        for name in people
    }
    return site_b, people, tokens


def test_a_pc_moved_at_one_process_leaves_and_joins_the_windows_of_the_other_at_once(
    two_processes: tuple[Process, Process],
) -> None:
    here, there = two_processes
    token = log_in(here)
    far_id, far_token = enroll(here, token, "PC-far")
    headers = {"Authorization": f"Bearer {token}"}
    site_b, people, tokens = two_sites(here, token, there)
    pin = {"pin": "592816", "current_password": "un mot de passe long"}
    with httpx.Client(base_url=there.url, timeout=10) as http:
        http.headers["Authorization"] = f"Bearer {tokens['bea']}"
        assert http.put("/api/me/pin", json=pin).status_code == 204
    with (
        contextlib.ExitStack() as stack,
        staff_stream(there, tokens["nina"]) as nina,
        staff_stream(there, tokens["bea"]) as bea,
    ):
        # Their rooms first: the PC's session then comes to nina's window once, as a change.
        nina_room = json.loads(nina.recv(10))
        assert json.loads(bea.recv(10))["kiosks"] == []
        far = KioskSocket(Address(f"ws://127.0.0.1:{there.port}"), far_token, staff_revision=0)
        stack.callback(far.close)
        roster = far.recv(10)
        while not isinstance(roster, StaffRoster):
            roster = far.recv(10)
        assert roster.staff == ()  # site 1's: bea works at the Bibliothèque
        far.send(Status(state="active", seconds_left=4242, login=LoginKind.WALK_IN))
        assert wait_tile(nina, nina_room, far_id, seconds_left=4242)["site_id"] == 1

        # Moved by the admin at the other process: both windows here follow at once.
        with httpx.Client(base_url=here.url, headers=headers, timeout=10) as http:
            moved = http.put(f"/api/kiosks/{far_id}/site", json={"site_id": site_b})
        assert moved.status_code == 200, moved.text
        gone = next_about(nina, far_id)
        assert gone["type"] == "kiosk_gone", json.dumps(gone)
        joined = next_about(bea, far_id)
        assert joined["type"] == "kiosk"
        assert joined["kiosk"]["site_id"] == site_b
        assert joined["kiosk"]["status"]["seconds_left"] == 4242
        # The process holding the PC knows its new site: its roster is the Bibliothèque's,
        # and its next change reaches bea.
        again = far.recv(10)
        while not isinstance(again, StaffRoster):
            again = far.recv(10)
        assert [e.id for e in again.staff] == [people["bea"]]
        far.send(Status(state="active", seconds_left=4000, login=LoginKind.WALK_IN))
        assert next_about(bea, far_id)["kiosk"]["status"]["seconds_left"] == 4000


def test_a_pcs_news_sent_before_its_process_heard_of_the_move_goes_to_the_new_site(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    """The process holding a PC may send its news once more with the old site, crossing
    the move on the bus; the windows of the old site must not get the PC back. Here the
    other process is the test itself, speaking on the console's channel."""
    url = _database_with_admin(postgres, tmp_path)
    here = Process(tmp_path, url, "--shared")
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        token = log_in(here)
        headers = {"Authorization": f"Bearer {token}"}
        pc_id, _ = enroll(here, token, "PC-far")
        other_id, _ = enroll(here, token, "PC-other")
        site_b, _people, tokens = two_sites(here, token, here)
        with httpx.Client(base_url=here.url, headers=headers, timeout=10) as http:
            tiles = {t["id"]: t for t in http.get("/api/kiosks").json()}

        def elsewhere(*news: dict[str, Any]) -> None:
            """News of PCs connected to "another process", in this order."""
            payloads = [
                f"elsewhere m{n} 0 1\n" + json.dumps({"kind": "tile", "data": {"kiosk": tile}})
                for n, tile in enumerate(news)
            ]
            with psycopg.connect(dsn, autocommit=True) as connection:
                calls = ", ".join("pg_notify('epn_console', %s)" for _ in payloads)
                connection.execute(f"SELECT {calls}", payloads)

        with (
            staff_stream(here, tokens["nina"]) as nina,
            staff_stream(here, tokens["bea"]) as bea,
        ):
            nina_room, bea_room = json.loads(nina.recv(10)), json.loads(bea.recv(10))
            elsewhere({**tiles[pc_id], "online": True})
            wait_tile(nina, nina_room, pc_id, online=True)
            assert bea_room["kiosks"] == []
            with httpx.Client(base_url=here.url, headers=headers, timeout=10) as http:
                moved = http.put(f"/api/kiosks/{pc_id}/site", json={"site_id": site_b})
            assert moved.status_code == 200, moved.text
            assert next_about(nina, pc_id)["type"] == "kiosk_gone"
            assert next_about(bea, pc_id)["kiosk"]["site_id"] == site_b
            # The other process's news, sent before it heard: still of site 1.
            late = {**tiles[pc_id], "online": True, "location": "salle du fond"}
            elsewhere(late, {**tiles[other_id], "online": True})
            joined = next_about(bea, pc_id)
            assert joined["kiosk"]["location"] == "salle du fond"
            assert joined["kiosk"]["site_id"] == site_b
            # nina's next word is of PC-other: PC-far did not come back to her window.
            assert json.loads(nina.recv(20))["kiosk"]["id"] == other_id
    finally:
        code = here.stop()
        postgres.drop_database(url)
    assert code == 0
    assert here.errors() == []


def test_a_pc_marked_out_of_order_at_one_process_shows_so_at_once_at_the_other(
    two_processes: tuple[Process, Process],
) -> None:
    """The PC is connected to "there"; an animator marks it out of order through "here":
    the staff windows of both processes show it within a second, and both rooms say so."""
    here, there = two_processes
    token = log_in(here)
    pc_id, pc_token = enroll(here, token, "PC-far")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        KioskSocket(Address(f"ws://127.0.0.1:{there.port}"), pc_token) as pc,
        staff_stream(there, token) as at_there,
        staff_stream(here, token) as at_here,
    ):
        rooms = {
            id(at_there): json.loads(at_there.recv(10)),
            id(at_here): json.loads(at_here.recv(10)),
        }
        pc.send(Status(state="active", seconds_left=4242, login=LoginKind.WALK_IN))
        for window in (at_there, at_here):
            wait_tile(window, rooms[id(window)], pc_id, seconds_left=4242)

        with pc.answering() as received:
            marked = httpx.post(
                f"{here.url}/api/kiosks/{pc_id}/out-of-order",
                json={"reason": "écran cassé"},
                headers=headers,
                timeout=20,
            )
            assert marked.status_code == 200, marked.text
            assert marked.json()["out_of_order"] is True
            for window in (at_there, at_here):
                seen = wait_tile(window, rooms[id(window)], pc_id, within=1.0, out_of_order=True)
                assert seen["out_of_order_reason"] == "écran cassé"
                assert seen["online"] is True
                assert seen["status"]["seconds_left"] == 4242
            locked_by = time.monotonic() + 10
            while not received and time.monotonic() < locked_by:
                time.sleep(0.02)  # the lock goes to the PC through "there"
        assert [c.action.value for c in received] == ["lock"]
        for process in (there, here):
            entry = listed(process, token, pc_id)
            assert (entry["online"], entry["out_of_order"]) == (True, True)
            assert entry["out_of_order_reason"] == "écran cassé"

        # Back in order through "here" too.
        with pc.answering():
            back = httpx.post(
                f"{here.url}/api/kiosks/{pc_id}/back-in-order", headers=headers, timeout=20
            )
            assert back.status_code == 200, back.text
            for window in (at_there, at_here):
                wait_tile(window, rooms[id(window)], pc_id, within=1.0, out_of_order=False)
        for process in (there, here):
            assert listed(process, token, pc_id)["out_of_order"] is False


ALIVE_EVERY = 0.2
"""Seconds between two "alive" words of a process in these tests (the bound: 3 of them)."""


def test_a_process_killed_outright_has_its_pcs_shown_offline_at_the_other(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = _database_with_admin(postgres, tmp_path)
    env = {"EPN_CONSOLE_ALIVE_EVERY": str(ALIVE_EVERY)}
    doomed = Process(tmp_path, url, "--shared", env=env)
    here = Process(tmp_path, url, "--shared", env=env)
    try:
        token = log_in(here)
        pc_id, pc_token = enroll(here, token, "PC-far")
        with staff_stream(here, token) as staff:
            room = json.loads(staff.recv(10))
            pc = KioskSocket(Address(f"ws://127.0.0.1:{doomed.port}"), pc_token)
            try:
                pc.send(Status(state="active", seconds_left=4242, login=LoginKind.WALK_IN))
                wait_tile(staff, room, pc_id, seconds_left=4242)
                assert listed(here, token, pc_id)["online"] is True

                # Killed: it says nothing more, not even that its PC left.
                os.kill(doomed.process.pid, signal.SIGKILL)
                assert doomed.process.wait(10) == -signal.SIGKILL
                # Offline within 3 silent intervals, and one more for the look that sees it
                # (the rest: a busy machine).
                gone = wait_tile(staff, room, pc_id, within=4 * ALIVE_EVERY + 1.5, online=False)
                assert gone["status"] is None
                entry = listed(here, token, pc_id)
                assert (entry["online"], entry["status"]) == (False, None)
            finally:
                pc.close()

            # The PC connects again, to the live process: online again.
            with KioskSocket(Address(f"ws://127.0.0.1:{here.port}"), pc_token):
                wait_tile(staff, room, pc_id, online=True)
                assert listed(here, token, pc_id)["online"] is True
    finally:
        doomed.stop()
        code = here.stop()
        postgres.drop_database(url)
    assert code == 0
    assert here.errors() == []


def test_a_process_only_slow_has_its_pcs_shown_online_again_once_it_speaks(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    """A process stopped (SIGSTOP) past the bound is taken for dead; once it runs again
    (SIGCONT), the PC still connected to it is shown online again at the other."""
    url = _database_with_admin(postgres, tmp_path)
    env = {"EPN_CONSOLE_ALIVE_EVERY": str(ALIVE_EVERY)}
    slow = Process(tmp_path, url, "--shared", env=env)
    here = Process(tmp_path, url, "--shared", env=env)
    try:
        token = log_in(here)
        pc_id, pc_token = enroll(here, token, "PC-far")
        with (
            staff_stream(here, token) as staff,
            KioskSocket(Address(f"ws://127.0.0.1:{slow.port}"), pc_token) as pc,
        ):
            room = json.loads(staff.recv(10))
            pc.send(Status(state="active", seconds_left=4242, login=LoginKind.WALK_IN))
            wait_tile(staff, room, pc_id, seconds_left=4242)
            os.kill(slow.process.pid, signal.SIGSTOP)
            try:
                wait_tile(staff, room, pc_id, within=4 * ALIVE_EVERY + 1.5, online=False)
            finally:
                os.kill(slow.process.pid, signal.SIGCONT)
            back = wait_tile(staff, room, pc_id, online=True)
            assert back["status"]["seconds_left"] == 4242
            assert listed(here, token, pc_id)["online"] is True
    finally:
        codes = (slow.stop(), here.stop())
        postgres.drop_database(url)
    assert codes == (0, 0)
    assert here.errors() == slow.errors() == []


def test_a_pc_revoked_at_one_process_is_cut_off_at_the_other(
    two_processes: tuple[Process, Process],
) -> None:
    here, there = two_processes
    token = log_in(here)
    pc_id, pc_token = enroll(here, token, "PC-far")
    with (
        KioskSocket(Address(f"ws://127.0.0.1:{there.port}"), pc_token) as pc,
        staff_stream(here, token) as staff,
    ):
        room = json.loads(staff.recv(10))
        wait_tile(staff, room, pc_id, online=True)
        revoked = httpx.post(
            f"{here.url}/api/kiosks/{pc_id}/revoke",
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
        assert revoked.status_code == 200, revoked.text
        # The process holding the PC closes its connection: the PC is told to enroll again.
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                pc.recv(10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008
        assert "revoked" in closed.value.rcvd.reason
        wait_tile(staff, room, pc_id, online=False, revoked=True)
    answer = httpx.get(
        f"{there.url}/api/kiosks?include_revoked=true",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    entry = next(t for t in answer.json() if t["id"] == pc_id)
    assert (entry["online"], entry["revoked"]) == (False, True)
