"""The first admin account, made in the console window without a terminal, attacked on the
real server (SQLite and PostgreSQL): only from the console machine itself, only while no
account exists, and of many requests at once exactly one makes an account.

The peer check reads the socket's address. A test server listens on 127.0.0.1 only, so
every real client is on loopback; to see a *foreign* peer for real, one server is told
that the console machine is 127.0.0.2 alone: a client connecting from 127.0.0.1 is then a
stranger to it, and one bound to 127.0.0.2 is not — the same check, the same socket
addresses, no header involved.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Network
from pathlib import Path

import httpx
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer

from admin_console.api.staff import Role

__all__ = ["data_dir", "database_url", "postgres", "server"]

FIRST = {"username": "Ada Lovelace", "password": " une phrase longue "}
"""Spaces at the ends of a password are part of it (the login sends them as typed)."""


def test_the_first_admin_is_made_once_from_the_console_machine_and_is_logged_in(
    server: ConsoleServer,
) -> None:
    with server.client() as http:
        assert http.get("/api/first-admin").json() == {"needed": True, "allowed_here": True}
        short = http.post("/api/first-admin", json={**FIRST, "password": "court"})
        same = http.post("/api/first-admin", json={**FIRST, "password": " ada lovelace "})
        assert (short.status_code, same.status_code) == (422, 422)
        assert "at least 8 characters" in short.json()["detail"]
        assert "must not be the username" in same.json()["detail"]
        assert http.get("/api/first-admin").json()["needed"] is True  # nothing made
        made = http.post("/api/first-admin", json={**FIRST, "username": "  Ada Lovelace "})
        assert made.status_code == 201, made.text
        login = made.json()
        assert (login["username"], login["role"]) == ("Ada Lovelace", "admin")
        again = http.post("/api/first-admin", json={"username": "mallory", "password": "x" * 12})
        assert again.status_code == 409
        assert http.get("/api/first-admin").json() == {"needed": False, "allowed_here": True}
    # The window goes on logged in: the token it was given is an admin's.
    with server.client(login["token"]) as http:
        me = http.get("/api/me").json()
        assert (me["username"], me["role"]) == ("Ada Lovelace", "admin")
        assert http.put("/api/setup", json={"epn_name": "EPN Maelbeek"}).status_code == 200
    with server.client() as http:
        assert http.post("/api/login", json=FIRST).status_code == 200
    assert server.console.repos.staff.count() == 1
    audit = server.console.repos.audit.page(action="staff_created", limit=10, offset=0)
    assert [(a.who, a.detail) for a in audit.items] == [
        ("Ada Lovelace", "Ada Lovelace (admin, first account)")
    ]


def test_a_console_whose_admin_the_installer_made_refuses_a_first_admin(
    server: ConsoleServer,
) -> None:
    server.add_staff("ada", Role.ANIMATOR, login=False)
    with server.client() as http:
        assert http.get("/api/first-admin").json()["needed"] is False
        refused = http.post("/api/first-admin", json=FIRST)
    assert refused.status_code == 409
    assert server.console.repos.staff.count() == 1


def test_of_many_first_admins_at_once_exactly_one_is_made(server: ConsoleServer) -> None:
    tries = 8
    start = threading.Barrier(tries)

    def create(n: int) -> int:
        with server.client() as http:
            start.wait()
            body = {"username": f"admin{n}", "password": f"password number {n}"}
            return http.post("/api/first-admin", json=body).status_code

    with ThreadPoolExecutor(tries) as pool:
        statuses = sorted(pool.map(create, range(tries)))
    assert statuses == [201] + [409] * (tries - 1)
    assert server.console.repos.staff.count() == 1


def test_a_peer_that_is_not_the_console_machine_is_refused(tmp_path: Path) -> None:
    console_machine = (IPv4Network("127.0.0.2/32"),)
    with ConsoleServer(tmp_path / "console", console_machine=console_machine) as server:
        with server.client() as stranger:
            assert stranger.get("/api/first-admin").json() == {
                "needed": True,
                "allowed_here": False,
            }
            refused = stranger.post("/api/first-admin", json=FIRST)
            # A header claiming the console machine changes nothing: the socket decides.
            forged = stranger.post(
                "/api/first-admin",
                json=FIRST,
                headers={"X-Forwarded-For": "127.0.0.2", "X-Real-IP": "127.0.0.2"},
            )
        assert (refused.status_code, forged.status_code) == (403, 403)
        assert "console machine" in refused.json()["detail"]
        assert server.console.repos.staff.count() == 0
        # The same request from the address that is the console machine gets through.
        local = httpx.HTTPTransport(local_address="127.0.0.2")
        with server.client(transport=local) as machine:
            made = machine.post("/api/first-admin", json=FIRST)
        assert made.status_code == 201, made.text
        assert server.console.repos.staff.count() == 1
