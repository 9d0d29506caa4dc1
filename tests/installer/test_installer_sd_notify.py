"""``kiosk.agent.systemd``: the agent tells systemd it is ready, then that it is alive, from
its event loop, over a real datagram socket (the unit is Type=notify with WatchdogSec)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.agent.systemd import notify, ready, watchdog_seconds


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A socket where systemd would listen, and its address."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    try:
        yield sock, str(path)
    finally:
        sock.close()


def test_without_systemd_nothing_is_sent() -> None:
    assert notify("READY=1", {}) is False
    assert watchdog_seconds({}) is None


def test_ready_then_watchdog_pings_from_the_loop(manager: tuple[socket.socket, str]) -> None:
    sock, address = manager
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid())}

    async def serve() -> None:
        handle = ready(asyncio.get_running_loop(), env)
        assert handle is not None
        await asyncio.sleep(0.35)  # the real loop: pings every 0.1 s

    asyncio.run(serve())
    received = []
    sock.setblocking(False)
    while True:
        try:
            received.append(sock.recv(100).decode())
        except BlockingIOError:
            break
    assert received[0] == "READY=1"
    assert received.count("WATCHDOG=1") >= 3


def test_a_stuck_loop_stops_the_pings(manager: tuple[socket.socket, str]) -> None:
    import time

    sock, address = manager
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "100000"}

    async def stuck() -> None:
        ready(asyncio.get_running_loop(), env)
        time.sleep(0.3)  # blocks the loop, as a hung agent would

    asyncio.run(stuck())
    sock.setblocking(False)
    received = []
    while True:
        try:
            received.append(sock.recv(100).decode())
        except BlockingIOError:
            break
    # A live loop would have pinged 6 times in 0.3 s; a blocked one pings only when it
    # runs again (at most once, late: by then systemd has had its chance to restart it).
    assert received[0] == "READY=1"
    assert received.count("WATCHDOG=1") <= 2, "no ping while the loop was blocked"


def test_watchdog_for_another_process_is_ignored() -> None:
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000"}) == 30.0


def test_abstract_socket_address() -> None:
    name = f"epn-notify-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(5)
    try:
        assert notify("READY=1", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(100) == b"READY=1"
    finally:
        sock.close()
