"""A console stand-in for the staff roster tests: a real WebSocket server on 127.0.0.1 that
speaks ``epn_shared.protocol`` — it welcomes each kiosk, stores and acknowledges its events,
keeps its hellos, and sends it staff rosters (or any text frame) when the test says.

The real console sends rosters from its staff accounts; this one lets a test send exactly
the roster (or the broken frame) it needs, to one real agent enrolled over ``ws://``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from epn_shared.protocol import (
    Ack,
    Event,
    Hello,
    RosterEntry,
    StaffRoster,
    Welcome,
    decode_kiosk_frame,
    encode,
)
from kiosk.agent.link import ConsoleSettings, save_console_settings
from kiosk.agent.secrets import KeyringTokens

TOKEN = "kiosk-token-for-roster-tests-0123"


class RosterConsole:
    """The console side of one kiosk's link; see the module's docstring."""

    def __init__(self) -> None:
        self.port = 0
        self.hellos: list[Hello] = []
        self.events: list[Event] = []
        self.connections = 0
        self.on_welcome: Callable[[Hello], StaffRoster | None] | None = None
        """What roster to send right after the welcome, given the kiosk's hello."""
        self._server: Server | None = None
        self._current: ServerConnection | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Lock()

    def _run(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self) -> RosterConsole:
        """Listen (on the same port again after :meth:`kill`)."""
        if not self._thread.is_alive():
            self._thread.start()
        self._run(self._listen())
        return self

    async def _listen(self) -> None:
        self._server = await serve(
            self._handle, "127.0.0.1", self.port, process_request=self._check_token
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]

    def kill(self) -> None:
        """Stop at once, connections cut (the PC is offline until :meth:`start`)."""
        self._run(self._kill())

    async def _kill(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close(close_connections=False)
        for connection in list(server.connections):
            connection.transport.abort()
        await server.wait_closed()
        self._current = None

    def stop(self) -> None:
        """Kill and end the thread."""
        self.kill()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        """The kiosk WebSocket URL."""
        return f"ws://127.0.0.1:{self.port}/ws/kiosk"

    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return connection.respond(401, "unknown kiosk token\n")
        return None

    async def _handle(self, websocket: ServerConnection) -> None:
        hello = decode_kiosk_frame(await websocket.recv())
        assert isinstance(hello, Hello)
        await websocket.send(
            encode(Welcome(kiosk_name="PC-TEST", server_time=dt.datetime.now(dt.UTC)))
        )
        roster = self.on_welcome(hello) if self.on_welcome is not None else None
        if roster is not None:
            await websocket.send(encode(roster))
        with self._lock:
            self.hellos.append(hello)
            self._current = websocket
            self.connections += 1
        try:
            async for raw in websocket:
                frame = decode_kiosk_frame(raw)
                if isinstance(frame, Event):
                    with self._lock:
                        if all(e.id != frame.id for e in self.events):
                            self.events.append(frame)
                    await websocket.send(encode(Ack(ids=(frame.id,))))
        except ConnectionClosed:
            pass

    # -- driving -------------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> Hello:
        """Wait until the kiosk was welcomed ``count`` times in all; its last hello."""
        wait_until(lambda: self.connections >= count, timeout, f"{count} connections")
        return self.hellos[-1]

    def send_raw(self, text: str) -> None:
        """Send any text frame to the connected kiosk."""

        async def send() -> None:
            assert self._current is not None, "no kiosk connected"
            await self._current.send(text)

        self._run(send())

    def send_roster(self, roster: StaffRoster) -> None:
        """Send a staff roster to the connected kiosk."""
        self.send_raw(encode(roster))

    def staff_actions(self) -> list[Event]:
        """The staff actions the kiosk told, in the order stored."""
        with self._lock:
            return [e for e in self.events if e.body.kind == "staff_action"]


def roster(revision: int, *people: tuple[int, str, str, str]) -> StaffRoster:
    """A roster of ``(id, name, language, pin_hash)``."""
    return StaffRoster(
        revision=revision,
        staff=tuple(
            RosterEntry(id=i, name=name, language=language, pin_hash=pin_hash)
            for i, name, language, pin_hash in people
        ),
    )


def enroll_folder(folder: Path, url: str) -> None:
    """Make ``folder`` an agent data folder enrolled with the console at ``url``."""
    KeyringTokens(folder / "secrets", create=True).set(TOKEN)
    save_console_settings(
        ConsoleSettings(url=url, kiosk_id=1, name="PC-TEST"), folder / "console.json"
    )


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


@contextmanager
def roster_console() -> Iterator[RosterConsole]:
    """A running console stand-in on a free port."""
    console = RosterConsole().start()
    try:
        yield console
    finally:
        console.stop()
