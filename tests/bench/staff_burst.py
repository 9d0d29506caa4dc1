"""A console server fed a burst of changes from many simulated PCs, and a staff listener
that never reads: what a stuck staff client costs the server.

As a process (what the test and ``bench_console.py`` start)::

    python tests/bench/staff_burst.py DATA_DIR --kiosks 1000 --rounds 40

builds a real console (SQLite in ``DATA_DIR``), logs a staff member in, serves on a free
127.0.0.1 port and prints ``{"port": ..., "token": ...}``. On ``burst`` (a line on stdin)
it feeds the hub ``rounds`` changes of each of ``kiosks`` PCs, as fast as the hub takes
them (the way a room's statuses come in after a console restart), then prints
``{"burst_done": true, "rss_mb": ..., "peak_rss_mb": ...}`` from ``/proc/self/status``; on
``quit`` (or end of stdin) it stops.

Imported, it gives the other end: :class:`BurstServer` (the process, stopped by its pid)
and :class:`StuckListener` (a staff WebSocket over a raw socket that reads nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import dataclasses
import datetime as dt
import json
import os
import secrets
import signal
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]


def memory_mb(key: str, pid: int | str = "self") -> float:
    """``VmRSS`` or ``VmHWM`` (peak) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


# -- the server side (this file run as a process) ------------------------------------------


def _serve(data_dir: Path, kiosks: int, rounds: int) -> int:
    import uvicorn
    from helpers.console_server import FAST_HASHER

    from admin_console.api.staff import Role
    from admin_console.server.console import build_console
    from admin_console.server.db.repositories.kiosks import Kiosk
    from admin_console.server.serve import uvicorn_config
    from admin_console.server.settings import ServerSettings

    console = build_console(ServerSettings(data_dir=data_dir), hasher=FAST_HASHER)
    password = secrets.token_urlsafe(16)
    console.auth.create_staff("burst", password, Role.ANIMATOR)
    token = console.auth.login("burst", password).token
    now = dt.datetime.now(dt.UTC)
    room = [Kiosk(n, f"PC-{n:04d}", "burst", now, None, now) for n in range(1, kiosks + 1)]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn_config(console, "127.0.0.1", 0, None))

    async def burst() -> None:
        for round_ in range(rounds):
            for n, kiosk in enumerate(room):
                # Each change a PC's tile as staff would get it (a status, a flag).
                console.hub.kiosk_changed(
                    dataclasses.replace(
                        kiosk,
                        out_of_order_reason=f"round {round_}",
                        last_seen_at=dt.datetime.now(dt.UTC),
                    )
                )
                if n % 50 == 0:
                    await asyncio.sleep(0)  # the listeners' senders run between PCs' frames
        line = {"burst_done": True, "rss_mb": memory_mb("VmRSS"), "peak_rss_mb": memory_mb("VmHWM")}
        print(json.dumps(line), flush=True)

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def commands() -> None:
            for text in sys.stdin:
                if text.strip() == "burst":
                    asyncio.run_coroutine_threadsafe(burst(), loop)
                elif text.strip() == "quit":
                    break
            loop.call_soon_threadsafe(setattr, server, "should_exit", True)

        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        print(json.dumps({"port": sock.getsockname()[1], "token": token}), flush=True)
        threading.Thread(target=commands, daemon=True).start()
        await serving

    try:
        asyncio.run(main())
    finally:
        console.close()
    return 0


# -- the client side (imported) ------------------------------------------------------------


class BurstServer:
    """This file run as a process, with a folder of its own; stopped by its pid."""

    def __init__(self, data_dir: Path, kiosks: int = 1000, rounds: int = 40) -> None:
        # The project, and the tests' helpers (its fast password hasher).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
        self.process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                str(data_dir),
                "--kiosks",
                str(kiosks),
                "--rounds",
                str(rounds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        first = self._line()
        self.port = int(first["port"])
        self.token = str(first["token"])

    def _line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        text = self.process.stdout.readline()
        if not text:
            raise RuntimeError(f"the burst server stopped (exit {self.process.poll()})")
        data: dict[str, Any] = json.loads(text)
        return data

    def burst(self) -> dict[str, Any]:
        """Run the burst; its memory figures once it is done."""
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write("burst\n")
        stdin.flush()
        return self._line()

    def stop(self) -> None:
        """Ask it to stop; kill it by its pid if it does not."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> BurstServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class StuckListener:
    """A staff WebSocket (token in the Authorization header) on a socket with a tiny
    receive buffer that reads nothing after the handshake, until :meth:`read_until_closed`."""

    def __init__(self, port: int, token: str) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/staff HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
            ).encode()
        )
        self._buffer = b""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("the console closed the handshake")
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"handshake refused: {head[:60]!r}")
        # The room comes once the console counts this client among its listeners: a burst
        # started before that would never reach it.
        opcode, payload = self._frame()
        if opcode != 0x1 or json.loads(payload)["type"] != "room":
            raise RuntimeError(f"no room first: {payload[:60]!r}")

    def _read(self, count: int) -> bytes:
        while len(self._buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("closed without a close frame")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _frame(self) -> tuple[int, bytes]:
        """The next frame from the console (unmasked): its opcode and payload."""
        first, second = self._read(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._read(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read(8))
        return first & 0x0F, self._read(size)

    def read_until_closed(self) -> tuple[int, int]:
        """Read every frame the console sent after the room; (text frames read, close
        code). A console that never closes makes this raise (no frame for 10 s)."""
        texts = 0
        while True:
            opcode, payload = self._frame()
            if opcode == 0x1:
                texts += 1
            elif opcode == 0x8:
                return texts, struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005

    def close(self) -> None:
        """Drop the socket."""
        self.sock.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    sys.exit(_serve(args.data_dir, args.kiosks, args.rounds))
