"""Who may knock at the console, and how often: logins, request rates, the staff socket's
credentials and what the logs keep. Every attack is tried against the real server over real
sockets; a laptop on the room's network is a client on another loopback address
(127.0.0.2, 127.0.0.3...), which the server sees as another machine."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import json
import logging
import secrets
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from helpers.console_server import (
    FAST_HASHER,
    TEST_PASSWORD,
    ConsoleServer,
    KioskSocket,
    StaffLogin,
    closed_at_once,
)
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from admin_console.cli import LOGGER_NAMES
from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from epn_shared import json_log


class CountingHasher(PasswordHasher):
    """The tests' fast argon2id, counting each hash check (the slow, expensive step)."""

    def __init__(self) -> None:
        super().__init__(
            time_cost=FAST_HASHER.time_cost,
            memory_cost=FAST_HASHER.memory_cost,
            parallelism=FAST_HASHER.parallelism,
        )
        self._lock = threading.Lock()
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checks += 1
        return super().verify(hash, password)


@contextlib.contextmanager
def counting_console(tmp_path: Path) -> Iterator[tuple[ConsoleServer, CountingHasher]]:
    """A console whose hash checks are counted, with the animator "ana" (not logged in)."""
    hasher = CountingHasher()
    with ConsoleServer(tmp_path, hasher=hasher) as server:
        server.add_staff("ana", Role.ANIMATOR, login=False)
        yield server, hasher


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    with ConsoleServer(tmp_path) as running:
        yield running


def from_address(server: ConsoleServer, address: str, token: str | None = None) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (another machine)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=server.url,
        headers=headers,
        timeout=10,
        transport=httpx.HTTPTransport(local_address=address),
    )


def socket_from(server: ConsoleServer, address: str) -> socket.socket:
    """A TCP connection to the server from ``address``."""
    sock = socket.create_connection(
        ("127.0.0.1", server.port), timeout=5, source_address=(address, 0)
    )
    return sock


def ws_from(
    server: ConsoleServer, path: str, address: str, headers: dict[str, str] | None = None
) -> ClientConnection:
    """A WebSocket to ``path`` from ``address``."""
    return connect(
        f"{server.ws_url}{path}",
        sock=socket_from(server, address),
        additional_headers=headers or {},
        open_timeout=5,
    )


def clock_of(server: ConsoleServer) -> FakeClock:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    return clock


def is_problem(response: httpx.Response) -> bool:
    """The body follows the declared error schema (``detail``, maybe ``errors``)."""
    body = response.json()
    return (
        isinstance(body, dict)
        and isinstance(body.get("detail"), str)
        and set(body)
        <= {
            "detail",
            "errors",
        }
    )


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/login", json={"username": username, "password": password})


# -- login: no way to tell names apart, no lockout, the guesser waits ---------------------


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer_after_the_same_work(
    tmp_path: Path,
) -> None:
    with counting_console(tmp_path) as (server, hasher):
        clock = clock_of(server)
        took: dict[str, list[float]] = {"ana": [], "nobody": []}
        answers: set[tuple[int, str]] = set()
        with from_address(server, "127.0.0.2") as laptop:
            for _ in range(9):
                for name in ("ana", "nobody"):
                    before = hasher.checks
                    started = time.perf_counter()
                    response = login(laptop, name, "not the password")
                    took[name].append(time.perf_counter() - started)
                    # The password was checked against a hash in both cases: the same work.
                    assert hasher.checks == before + 1, name
                    answers.add((response.status_code, response.text))
                    clock.advance(hours=2)  # each try on a clean slate: no waiting in between
    assert answers == {
        (401, json.dumps({"detail": "wrong username or password"}, separators=(",", ":")))
    }
    known, unknown = statistics.median(took["ana"]), statistics.median(took["nobody"])
    assert known < 3 * unknown and unknown < 3 * known, (known, unknown)


def test_failed_logins_make_the_client_that_fails_wait_longer_and_longer(
    server: ConsoleServer,
) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    clock = clock_of(server)
    with from_address(server, "127.0.0.2") as laptop:
        answers = [login(laptop, "ana", f"guess {n}") for n in range(5)]
        assert [a.status_code for a in answers[:3]] == [401, 401, 401]
        refused = answers[3]
        assert refused.status_code == 429
        assert is_problem(refused)
        first_wait = int(refused.headers["Retry-After"])
        assert first_wait >= 1
        # Even the right password waits: the client may be the guesser who just found it.
        assert login(laptop, "ana", TEST_PASSWORD).status_code == 429
        clock.advance(seconds=first_wait)
        assert login(laptop, "ana", "guess again").status_code == 401
        again = login(laptop, "ana", "and again")
        assert again.status_code == 429
        assert int(again.headers["Retry-After"]) > first_wait
        clock.advance(seconds=int(again.headers["Retry-After"]))
        assert login(laptop, "ana", TEST_PASSWORD).status_code == 200


def test_a_client_trying_many_names_waits_too(server: ConsoleServer) -> None:
    with from_address(server, "127.0.0.2") as laptop:
        statuses = [login(laptop, f"name-{n}", "guess").status_code for n in range(30)]
    assert statuses[0] == 401
    assert statuses[-1] == 429


def test_a_stranger_cannot_keep_the_admin_locked_out(server: ConsoleServer) -> None:
    server.add_staff("ada", Role.ADMIN, login=False)
    with from_address(server, "127.0.0.2") as stranger:
        for n in range(50):
            assert login(stranger, "ada", f"guess {n}").status_code in (401, 429)
    with from_address(server, "127.0.0.3") as owner:
        answer = login(owner, "ada", TEST_PASSWORD)
    assert answer.status_code == 200, answer.text
    # Nothing on the account says locked: minutes later the stranger is still waiting,
    # the owner still gets in.
    clock_of(server).advance(minutes=1)
    with from_address(server, "127.0.0.3") as owner:
        assert login(owner, "ada", TEST_PASSWORD).status_code == 200


def test_parallel_wrong_logins_get_no_more_checks_than_tries_one_after_another(
    tmp_path: Path,
) -> None:
    with counting_console(tmp_path) as (server, hasher):
        barrier = threading.Barrier(30)
        statuses: list[int] = []

        def one(n: int) -> None:
            with from_address(server, "127.0.0.2") as laptop:
                barrier.wait()
                statuses.append(login(laptop, "ana", f"guess {n}").status_code)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(set(statuses)) == [401, 429]
    # Three free tries, whatever the number of connections: the try is counted before the
    # slow check.
    assert hasher.checks <= 3
    assert statuses.count(401) <= 3


# -- request rates: per address, per PC ----------------------------------------------------


def test_a_flood_of_enrollments_from_one_laptop_is_answered_429(server: ConsoleServer) -> None:
    answers = []
    with from_address(server, "127.0.0.2") as laptop:
        for n in range(80):
            # A forged X-Forwarded-For gives no fresh allowance: the console sees the socket.
            answers.append(
                laptop.post(
                    "/api/enroll",
                    json={"code": f"AAAA-{n:04d}", "name": f"PC-{n}"},
                    headers={"X-Forwarded-For": f"10.1.2.{n}"},
                )
            )
    statuses = [a.status_code for a in answers]
    assert statuses[0] == 403
    assert statuses[-1] == 429
    refused = answers[-1]
    assert is_problem(refused)
    assert int(refused.headers["Retry-After"]) >= 1
    # Another machine is not held back by that laptop.
    with from_address(server, "127.0.0.3") as other:
        assert other.post("/api/enroll", json={"code": "AAAA-BBBB", "name": "x"}).status_code == 403


def test_the_limit_refills_with_time(server: ConsoleServer) -> None:
    with from_address(server, "127.0.0.2") as laptop:
        for _ in range(80):
            last = laptop.post("/api/enroll", json={"code": "AAAA-BBBB", "name": "x"})
        assert last.status_code == 429
        clock_of(server).advance(seconds=int(last.headers["Retry-After"]))
        assert (
            laptop.post("/api/enroll", json={"code": "AAAA-BBBB", "name": "x"}).status_code == 403
        )


def test_made_up_kiosk_tokens_get_no_fresh_allowance_each(server: ConsoleServer) -> None:
    with from_address(server, "127.0.0.2") as laptop:
        statuses = [
            laptop.post(
                "/api/kiosk/tickets/redeem",
                json={"code": "123-45-678-9012"},
                headers={"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
            ).status_code
            for _ in range(80)
        ]
    assert statuses[0] == 401
    assert statuses[-1] == 429


def test_a_pc_flooding_the_console_is_held_back_by_its_own_token_not_the_rooms(
    server: ConsoleServer,
) -> None:
    _admin, [(_one, noisy), (_two, quiet)] = server.admin_and_pcs("PC-01", "PC-02")
    # Both PCs behind the EPN's one address.
    with from_address(server, "127.0.0.2", noisy) as pc:
        statuses = [pc.get("/api/kiosk/self").status_code for _ in range(120)]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    with from_address(server, "127.0.0.2", quiet) as pc:
        assert pc.get("/api/kiosk/self").status_code == 200
    # And a stranger's flood on that address does not cut the room off either.
    with from_address(server, "127.0.0.2") as laptop:
        for _ in range(80):
            laptop.post("/api/enroll", json={"code": "AAAA-BBBB", "name": "x"})
    with from_address(server, "127.0.0.2", quiet) as pc:
        assert pc.get("/api/kiosk/self").status_code == 200


@pytest.mark.parametrize("path", ["/ws/kiosk", "/ws/staff"])
def test_websocket_handshakes_with_bad_tokens_are_limited_per_address(
    server: ConsoleServer, path: str
) -> None:
    refused: InvalidStatus | None = None
    for _ in range(80):
        try:
            with (
                ws_from(server, path, "127.0.0.2", {"Authorization": "Bearer made-up"}) as ws,
                pytest.raises(ConnectionClosed),
            ):
                ws.recv(5)
        except InvalidStatus as exc:
            refused = exc
            break
    assert refused is not None, "80 refused handshakes and never a 429"
    assert refused.response.status_code == 429
    body = json.loads(refused.response.body or b"{}")
    assert isinstance(body.get("detail"), str)
    assert int(refused.response.headers["Retry-After"]) >= 1


# -- the staff socket's credentials --------------------------------------------------------


def test_the_staff_socket_takes_its_token_in_the_authorization_header(
    server: ConsoleServer,
) -> None:
    staff = server.add_staff("ana", Role.ANIMATOR)
    headers = {"Authorization": f"Bearer {staff.token}"}
    with connect(f"{server.ws_url}/ws/staff", additional_headers=headers, open_timeout=5) as ws:
        assert json.loads(ws.recv(5))["type"] == "room"


def test_a_token_in_the_staff_socket_address_is_refused(server: ConsoleServer) -> None:
    staff = server.add_staff("ana", Role.ANIMATOR)
    code, reason = closed_at_once(f"{server.ws_url}/ws/staff?token={staff.token}")
    assert code == 1008
    assert "Authorization" in reason


# -- no secret in any log line --------------------------------------------------------------


@pytest.fixture
def console_logs() -> Iterator[io.StringIO]:
    """A stream for every line the server and uvicorn log, as the console writes them
    (JSON); the loggers are put back as they were afterwards."""
    loggers = [logging.getLogger(name) for name in LOGGER_NAMES]
    root = logging.getLogger()
    loggers.append(root)  # install() sends every library's warnings there too
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield io.StringIO()
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate
    logging.captureWarnings(False)


def test_no_password_token_or_code_is_in_any_log_line(
    tmp_path: Path, console_logs: io.StringIO
) -> None:
    secrets_used: dict[str, str] = {}
    server = ConsoleServer(tmp_path, access_log=True)
    # After uvicorn's own logging set-up, as ``epn-console serve`` does it.
    json_log.install(LOGGER_NAMES, console_logs, logging.DEBUG)
    with server:
        server.add_staff("ada", Role.ADMIN, login=False)
        secrets_used["password"] = TEST_PASSWORD
        with server.client() as http:
            assert login(http, "ada", "wrong password 1").status_code == 401
            secrets_used["wrong password"] = "wrong password 1"
            token = login(http, "ada", TEST_PASSWORD).json()["token"]
        secrets_used["staff token"] = token
        admin = StaffLogin("ada", Role.ADMIN, token)
        with server.client(admin) as http:
            code = http.post("/api/pairing-codes").json()["code"]
            secrets_used["pairing code"] = code
            secrets_used["pairing code, typed"] = code.replace("-", "")
            done = http.post("/api/enroll", json={"code": code, "name": "PC-01"}).json()
            kiosk_token = done["token"]
            secrets_used["kiosk token"] = kiosk_token
            valid_until = (server.clock.now() + dt.timedelta(days=3)).isoformat()
            tickets = http.post(
                "/api/tickets", json={"count": 2, "minutes": 30, "valid_until": valid_until}
            ).json()["tickets"]
            for n, ticket in enumerate(tickets):
                secrets_used[f"ticket code {n}"] = ticket["code"]
                secrets_used[f"ticket digits {n}"] = "".join(
                    c for c in ticket["code"] if c.isdigit()
                )
            pin = "739104826153"
            secrets_used["PIN"] = pin
            assert http.post("/api/members", json={"card": "EPN-77", "pin": pin}).status_code == 201
            assert http.get("/api/tickets").status_code == 200
        with server.client(kiosk_token) as pc:
            assert pc.get("/api/kiosk/self").status_code == 200
            redeemed = pc.post("/api/kiosk/tickets/redeem", json={"code": tickets[0]["code"]})
            assert redeemed.status_code == 200
            # A code never issued, and a wrong PIN: refusals log too.
            pc.post("/api/kiosk/tickets/redeem", json={"code": "999-99-999-9999"})
            secrets_used["made-up ticket code"] = "999-99-999-9999"
            checked = pc.post("/api/kiosk/members/check", json={"card": "EPN-77", "pin": pin})
            assert checked.status_code == 200
            wrong_pin = "482019375561"
            secrets_used["wrong PIN"] = wrong_pin
            pc.post("/api/kiosk/members/check", json={"card": "EPN-77", "pin": wrong_pin})
        with KioskSocket(server, kiosk_token):
            headers = {"Authorization": f"Bearer {token}"}
            with connect(f"{server.ws_url}/ws/staff", additional_headers=headers) as staff:
                assert json.loads(staff.recv(5))["type"] == "room"
        # An old client putting the token in the address: refused, and not written down.
        with (
            connect(f"{server.ws_url}/ws/staff?token={token}") as old,
            pytest.raises(ConnectionClosed),
        ):
            old.recv(5)
        with (
            KioskSocket(server, "made-up-kiosk-token", hello=False) as refused,
            pytest.raises(ConnectionClosed),
        ):
            refused.recv(5)
        with server.client(admin) as http:
            assert http.post("/api/logout").status_code == 204
    text = console_logs.getvalue()
    lines = text.splitlines()
    assert any('"uvicorn.access"' in line for line in lines), "the access log was not captured"
    assert any("/ws/staff" in line for line in lines), "the staff socket was not logged"
    for line in lines:
        json.loads(line)  # every line is the console's JSON
    leaked = {what: secret for what, secret in secrets_used.items() if secret in text}
    assert not leaked, [line for line in lines if any(s in line for s in leaked.values())][:5]


# -- a staff client that stops reading --------------------------------------------------------


def _staff_burst() -> Any:
    path = Path(__file__).parents[1] / "bench" / "staff_burst.py"
    spec = importlib.util.spec_from_file_location("staff_burst", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_staff_listener_that_stops_reading_is_dropped_and_the_server_does_not_grow(
    tmp_path: Path,
) -> None:
    burst = _staff_burst()
    # 1000 PCs, 40 changes each, with nobody listening...
    with burst.BurstServer(tmp_path / "alone") as server:
        alone = server.burst()
    # ... and the same with a staff client that reads nothing.
    with burst.BurstServer(tmp_path / "stuck") as server:
        stuck = burst.StuckListener(server.port, server.token)
        try:
            with_stuck = server.burst()
            grown = with_stuck["peak_rss_mb"] - alone["peak_rss_mb"]
            assert grown < 20, f"the stuck listener cost {grown:.0f} MB ({alone} vs {with_stuck})"
            # The client reads again: what was sent, then a close saying it fell behind.
            texts, code = stuck.read_until_closed()
        finally:
            stuck.close()
        assert code == 4001
        assert 1 <= texts < 40_000
        # It can come back and gets the whole room again.
        headers = {"Authorization": f"Bearer {server.token}"}
        url = f"ws://127.0.0.1:{server.port}/ws/staff"
        with connect(url, additional_headers=headers, open_timeout=5) as again:
            assert json.loads(again.recv(5))["type"] == "room"
