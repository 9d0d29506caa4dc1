"""What the console stand-ins of the agent's link tests share: a real WebSocket server on
127.0.0.1, in an event loop of its own thread, that checks the kiosk's bearer token, can be
killed (connections cut, as a crashed console) and listen again on the same port; and the
agent data folder enrolled with it.

Each stand-in says what it does with a connection in ``_handle``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from helpers.kiosk_agent import AgentThread
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from kiosk.agent.link import ConsoleSettings, LinkOptions, save_console_settings
from kiosk.agent.secrets import KeyringTokens

TOKEN = "kiosk-token-for-tests-0123456789"
"""The kiosk token every stand-in accepts (and :func:`enroll_folder` gives the agent)."""


class KioskEndpoint:
    """The console's kiosk WebSocket, standing in; see the module's docstring."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.port = 0
        self.connections = 0
        self._server: Server | None = None
        self._current: ServerConnection | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Lock()

    def _run(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self) -> Self:
        """Listen (on the same port again after :meth:`kill`)."""
        if not self._thread.is_alive():
            self._thread.start()
        self._run(self._listen())
        return self

    async def _listen(self) -> None:
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            self.port,
            ssl=self.ssl_context,
            process_request=self._check_token,
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]

    def kill(self) -> None:
        """Stop at once, as a crashed console would: connections cut, nothing said (the
        PC is offline until :meth:`start`)."""
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
        scheme = "wss" if self.ssl_context else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/ws/kiosk"

    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return connection.respond(401, "unknown kiosk token\n")
        return None

    async def _handle(self, websocket: ServerConnection) -> None:
        raise NotImplementedError

    def _wait_connections(self, count: int, timeout: float) -> None:
        """Wait until the kiosk was welcomed ``count`` times in all."""
        wait_until(lambda: self.connections >= count, timeout, f"{count} connections")

    def send_raw(self, text: str) -> None:
        """Send any text frame to the connected kiosk."""

        async def send() -> None:
            assert self._current is not None, "no kiosk connected"
            await self._current.send(text)

        self._run(send())


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


def enroll_folder(folder: Path, url: str, fingerprint: str | None = None) -> None:
    """Make ``folder`` an agent data folder enrolled with the console at ``url`` (as after
    ``epn-kiosk enroll``), pinned to ``fingerprint`` when given."""
    KeyringTokens(folder / "secrets", create=True).set(TOKEN)
    save_console_settings(
        ConsoleSettings(url=url, fingerprint_sha256=fingerprint, kiosk_id=1, name="PC-TEST"),
        folder / "console.json",
    )


def enrolled_agent(folder: Path, url: str, options: LinkOptions, **kwargs: Any) -> AgentThread:
    """An agent (not started) in ``folder``, enrolled with the console at ``url`` over
    ``ws://``, its link run with ``options``."""
    enroll_folder(folder, url)
    return AgentThread(
        data_dir=folder,
        config_options={"allow_insecure_link": True},
        agent_options={"link_options": options},
        **kwargs,
    )
