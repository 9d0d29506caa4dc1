"""Guessing member PINs at the console (POST /api/kiosk/members/check, as a PC asks it), on
SQLite and PostgreSQL, over real sockets: a try is counted before argon2 runs, so 60
parallel wrong PINs get no more checks than five in a row; an unknown card answers as a
known one with a wrong PIN does, 403 then 429 after the same number of tries, after the
same argon2 work. The checks are counted by a wrapper around the real hasher, given to
the console through its constructor."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from conftest_pg import data_dir, database_url, postgres
from helpers.console_server import ConsoleServer

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock

__all__ = ["data_dir", "database_url", "postgres"]

CARD, PIN = "EPN-0042", "2468"


class CountingHasher(PasswordHasher):
    """argon2id with the library's real costs, counting ``verify`` calls and which hash
    each checked (thread-safe: the console checks in its worker threads)."""

    def __init__(self) -> None:
        super().__init__()
        self.checked: list[str] = []
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checked.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def server(
    data_dir: Path, database_url: str | None, hasher: CountingHasher
) -> Iterator[ConsoleServer]:
    with ConsoleServer(data_dir, database_url=database_url, hasher=hasher) as running:
        yield running


@pytest.fixture
def token(server: ConsoleServer) -> str:
    """A PC's token, with member EPN-0042 (PIN 2468) made by a manager."""
    manager = server.add_staff("mia", Role.MANAGER)
    admin = server.add_staff("ada", Role.ADMIN)
    _kiosk, kiosk_token = server.enroll(admin, "PC-01")
    with server.client(manager) as http:
        made = http.post("/api/members", json={"card": CARD, "pin": PIN})
    assert made.status_code == 201, made.text
    return kiosk_token


def _check(http: httpx.Client, card: str, pin: str) -> httpx.Response:
    return http.post("/api/kiosk/members/check", json={"card": card, "pin": pin})


def test_60_parallel_wrong_pins_for_a_card_reach_argon2_at_most_5_times(
    server: ConsoleServer, token: str, hasher: CountingHasher
) -> None:
    before = len(hasher.checked)
    with server.client(token) as http, ThreadPoolExecutor(60) as pool:
        http.timeout = httpx.Timeout(60)  # 60 real argon2 checks on 2 cores, before the fix
        answers = list(pool.map(lambda n: _check(http, CARD, f"{n:04d}"), range(60)))
    checks = len(hasher.checked) - before
    statuses = [a.status_code for a in answers]
    assert checks <= 5, f"{checks} argon2 checks"
    assert statuses.count(403) + statuses.count(429) == 60, statuses
    assert statuses.count(403) <= 4
    with server.client(token) as http:
        assert _check(http, CARD, PIN).status_code == 429, "even the right PIN waits"


def test_an_unknown_card_answers_exactly_as_a_wrong_pin_and_is_locked_the_same(
    server: ConsoleServer, token: str
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with server.client(token) as http:
        known = [_check(http, CARD, "1111") for _ in range(6)]
        unknown = [_check(http, "EPN-9999", "1111") for _ in range(6)]
        for a, b in zip(known, unknown, strict=True):
            assert (a.status_code, a.json(), a.headers.get("retry-after")) == (
                b.status_code,
                b.json(),
                b.headers.get("retry-after"),
            )
        assert [a.status_code for a in known] == [403] * 4 + [429] * 2
        clock.advance(minutes=5, seconds=1)
        assert _check(http, CARD, PIN).status_code == 200
        assert _check(http, "EPN-9999", PIN).status_code == 403


def test_an_unknown_card_and_a_wrong_pin_reach_argon2_and_take_the_same_time(
    server: ConsoleServer, token: str, hasher: CountingHasher
) -> None:
    member = server.console.repos.members.credentials(CARD)
    assert member is not None
    took: dict[bool, list[float]] = {True: [], False: []}
    with server.client(token) as http:
        for round_ in range(9):
            for exists, card in ((True, CARD), (False, f"EPN-99{round_:02d}")):
                before = len(hasher.checked)
                started = time.perf_counter()
                answer = _check(http, card, "1111")
                took[exists].append(time.perf_counter() - started)
                assert answer.status_code == 403
                [checked] = hasher.checked[before:]  # one argon2 check each, always
                assert (checked == member.secret_hash) == exists, "a dummy hash for an unknown card"
            assert _check(http, CARD, PIN).status_code == 200  # the count starts afresh
    known, unknown = statistics.median(took[True]), statistics.median(took[False])
    assert 1 / 3 < known / unknown < 3, (known, unknown)


def test_a_right_pin_still_clears_the_cards_count(server: ConsoleServer, token: str) -> None:
    with server.client(token) as http:
        for _ in range(4):
            assert _check(http, CARD, "1111").status_code == 403
        assert _check(http, CARD, PIN).status_code == 200
        for _ in range(4):
            assert _check(http, CARD, "1111").status_code == 403
        assert _check(http, CARD, "1111").status_code == 429
