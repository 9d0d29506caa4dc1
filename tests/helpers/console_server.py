"""A real console server on 127.0.0.1 in the test's process, and a kiosk's WebSocket to it
driven by the test.

For tests at every level (the kiosk link's tests included)::

    with ConsoleServer(tmp_path) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        code = server.client(admin).post("/api/pairing-codes").json()["code"]

(The demo room runs its console as ``epn-console serve``, not this.)
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from argon2 import PasswordHasher
from pydantic import BaseModel
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from admin_console.api.staff import Role
from admin_console.server.clock import Clock, FakeClock
from admin_console.server.console import Console, build_console
from admin_console.server.serve import uvicorn_config
from admin_console.server.settings import ServerSettings
from admin_console.server.tls import TlsFiles, ensure_tls, fingerprint
from epn_shared.protocol import (
    MAX_FRAME_BYTES,
    Command,
    CommandResult,
    ConsoleFrame,
    Hello,
    Welcome,
    decode_console_frame,
    encode,
)
from epn_shared.version import installed_version

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
"""argon2id with small costs: tests log in hundreds of times."""
TEST_PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class StaffLogin:
    """A staff account made by the harness, and a token of it."""

    username: str
    role: Role
    token: str


class ConsoleServer:
    """A console server (uvicorn in a thread of this process) on a free 127.0.0.1 port.

    ``clock`` defaults to a :class:`FakeClock` the test can move; ``database_url`` None
    means SQLite in ``data_dir``; ``hasher`` checks passwords and PINs (small costs by
    default); ``access_log`` makes uvicorn log each request line, as an operator might;
    ``settings`` are further :class:`ServerSettings` fields (``cups_server=...``);
    ``listen_on`` is the address it listens on (another of this machine's addresses: PCs
    then reach it through a network card, not the loopback).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        database_url: str | None = None,
        clock: Clock | None = None,
        command_wait: float = 3.0,
        tls: bool = False,
        hasher: PasswordHasher = FAST_HASHER,
        access_log: bool = False,
        listen_on: str = "127.0.0.1",
        **settings: Any,
    ) -> None:
        self.data_dir = data_dir
        self.listen_on = listen_on
        self.clock = clock if clock is not None else FakeClock()
        self.tls: TlsFiles | None = ensure_tls(data_dir) if tls else None
        pin = fingerprint(self.tls.server_cert) if self.tls else None
        self.console: Console = build_console(
            ServerSettings(
                data_dir=data_dir,
                database_url=database_url,
                command_wait=command_wait,
                fingerprint=pin,
                **settings,
            ),
            self.clock,
            hasher,
        )
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((listen_on, 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn_config(self.console, listen_on, self.port, self.tls)
        config.access_log = access_log  # read by each connection: what a request line shows
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="console-server", daemon=True)
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"{'https' if self.tls else 'http'}://{self.listen_on}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The server's base WebSocket URL."""
        return f"{'wss' if self.tls else 'ws'}://{self.listen_on}:{self.port}"

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # reported by start()
            self._error = exc

    def start(self) -> ConsoleServer:
        """Start serving; returns when the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the console server did not start: {self._error!r}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and release the database."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(15)
        self._sock.close()
        self.console.close()

    def __enter__(self) -> ConsoleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for tests ---------------------------------------------------------------

    def add_staff(
        self, username: str, role: Role, password: str = TEST_PASSWORD, login: bool = True
    ) -> StaffLogin:
        """Create an account directly (as ``epn-console create-admin`` does) and log in."""
        self.console.auth.create_staff(username, password, role)
        token = self.console.auth.login(username, password).token if login else ""
        return StaffLogin(username, role, token)

    def client(self, staff: StaffLogin | str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client on the server, with a staff token if given."""
        token = staff.token if isinstance(staff, StaffLogin) else staff
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        verify: Any = kwargs.pop("verify", None) or (
            ssl.create_default_context(cafile=str(self.tls.ca_cert)) if self.tls else True
        )
        return httpx.Client(base_url=self.url, headers=headers, timeout=10, verify=verify, **kwargs)

    def enroll(self, admin: StaffLogin, name: str, location: str = "") -> tuple[int, str]:
        """Make a pairing code and enroll a PC with it; returns (kiosk id, token)."""
        with self.client(admin) as http:
            code = http.post("/api/pairing-codes").json()["code"]
            done = http.post("/api/enroll", json={"code": code, "name": name, "location": location})
            done.raise_for_status()
            data = done.json()
            return int(data["kiosk_id"]), str(data["token"])

    def admin_and_pcs(self, *names: str) -> tuple[StaffLogin, list[tuple[int, str]]]:
        """An admin "ada" (logged in) and the PCs ``names`` they enrolled, in that order:
        (admin, [(kiosk id, token), ...])."""
        admin = self.add_staff("ada", Role.ADMIN)
        return admin, [self.enroll(admin, name) for name in names]


def closed_at_once(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Open a WebSocket to ``url`` (with ``headers``) that the console must close before
    it says anything; the code and reason of its close frame."""
    with connect(url, additional_headers=headers or {}) as ws:
        try:
            ws.recv(5)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "closed without a close frame"
            return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError(f"{url}: a frame came where the socket should have been closed")


class KioskSocket:
    """A kiosk's WebSocket to the console, driven by a test (the ``websockets`` sync client).

    Sends ``hello`` (saying it runs ``policy_version`` and EPN Kiosk ``agent_version``, by
    default the installed one, through the network card ``mac``, holding the staff roster
    ``staff_revision``) and reads the ``welcome`` unless ``hello=False``.
    """

    def __init__(
        self,
        server: ConsoleServer,
        token: str | None,
        *,
        hello: bool = True,
        policy_version: str | None = None,
        agent_version: str | None = None,
        staff_revision: int | None = None,
        mac: str | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        ssl_context = None
        if server.tls is not None:
            ssl_context = ssl.create_default_context(cafile=str(server.tls.ca_cert))
            # TLS 1.2 for this test client only. The sync client reads the socket in a
            # thread of its own while this thread writes the upgrade request; under
            # TLS 1.3 that read takes the server's session tickets after the handshake,
            # and OpenSSL's state is not safe for a read and a write at once: about one
            # connection in 25 lost its request and timed out. Real PCs use the
            # asyncio client (one thread) on TLS 1.3.
            ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.connection = connect(
            f"{server.ws_url}/ws/kiosk",
            additional_headers=headers,
            open_timeout=5,
            ssl=ssl_context,
            max_size=MAX_FRAME_BYTES * 2,
        )
        self.welcome: Welcome | None = None
        if hello:
            said = agent_version or installed_version()
            self.send(
                Hello(
                    agent_version=said,
                    policy_version=policy_version,
                    staff_revision=staff_revision,
                    mac=mac,
                )
            )
            frame = self.recv()
            assert isinstance(frame, Welcome), frame
            self.welcome = frame

    def send(self, frame: BaseModel | str | bytes) -> None:
        """Send a message (encoded) or raw text or bytes."""
        self.connection.send(encode(frame) if isinstance(frame, BaseModel) else frame)

    def recv(self, timeout: float = 5.0) -> ConsoleFrame:
        """The next frame from the console."""
        return decode_console_frame(self.connection.recv(timeout))

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def __enter__(self) -> KioskSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def answering(
        self, ok: bool = True, code: str | None = None, message: str = ""
    ) -> Iterator[list[Command]]:
        """Answer every command with this result, in a thread, while the block runs; yields
        the commands received (other frames are dropped)."""
        received: list[Command] = []
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    frame = self.recv(timeout=0.05)
                except TimeoutError:
                    continue
                except ConnectionClosed:
                    return
                if isinstance(frame, Command):
                    received.append(frame)
                    result = CommandResult(
                        command_id=frame.command_id, ok=ok, code=code, message=message
                    )
                    self.send(result)

        thread = threading.Thread(target=loop, name="kiosk-answers", daemon=True)
        thread.start()
        try:
            yield received
        finally:
            stop.set()
            thread.join(5)
