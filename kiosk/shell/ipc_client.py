"""The shell's side of the agent's unix socket, Qt-native (``QLocalSocket``).

Newline-delimited JSON through :mod:`kiosk.core.protocol`. The client connects by itself
and keeps trying while the agent is away (every 0.5 s, backing off to 2 s): the shell
covers the screen with "please wait" meanwhile, so a PC never stays usable without it.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalSocket

from kiosk.core import protocol
from kiosk.core.protocol import ErrorBody, Hello, ProtocolError, Reply, View
from kiosk.shell.display import display_session

log = logging.getLogger(__name__)

ReplyCallback = Callable[[Reply], None]

FIRST_RETRY_MS = 500
LONGEST_RETRY_MS = 2000


class Sender(Protocol):
    """What widgets need from the client: send a request, maybe get its reply."""

    def send(
        self, kind: type[BaseModel], /, on_reply: ReplyCallback | None = None, **fields: Any
    ) -> int | None:
        """Send a ``kind`` request with ``fields``; returns its id, or None if not sent."""
        ...


def not_connected_reply(request_id: int | None) -> Reply:
    """The reply a request gets when the agent went away before answering."""
    return Reply(
        re=request_id,
        ok=False,
        error=ErrorBody(code="not_connected", message="the agent is not reachable"),
    )


class AgentClient(QObject):
    """A reconnecting client of the kiosk agent.

    Signals: ``viewChanged(View)`` for every pushed view, ``replied(Reply)`` for every reply,
    ``connectionChanged(bool)`` when the socket connects or goes away.
    """

    viewChanged = Signal(object)
    replied = Signal(object)
    connectionChanged = Signal(bool)

    def __init__(self, socket_path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = socket_path
        self._socket = QLocalSocket(self)
        self._socket.connected.connect(self._on_connected)
        self._socket.disconnected.connect(self._on_disconnected)
        self._socket.errorOccurred.connect(self._on_error)
        self._socket.readyRead.connect(self._on_ready_read)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._connect)
        self._delay_ms = FIRST_RETRY_MS
        self._ids = itertools.count(1)
        self._pending: dict[int, ReplyCallback | None] = {}
        self._buffer = bytearray()
        self._skipping = False  # inside a line that is too long: drop until its end
        self._connected = False
        self._running = False

    @property
    def connected(self) -> bool:
        """True while the socket to the agent is up."""
        return self._connected

    def start(self) -> None:
        """Connect now, and keep reconnecting until :meth:`stop`."""
        self._running = True
        self._connect()

    def stop(self) -> None:
        """Stop reconnecting and close the socket."""
        self._running = False
        self._retry.stop()
        self._socket.abort()
        self._set_connected(False)

    def send(
        self, kind: type[BaseModel], /, on_reply: ReplyCallback | None = None, **fields: Any
    ) -> int | None:
        """Send a request of type ``kind`` with a fresh id; ``on_reply`` gets its reply.

        When the agent is not there, nothing is sent and ``on_reply`` gets a
        ``not_connected`` refusal right away (the screen says "please wait" anyway).
        """
        request_id = next(self._ids)
        if not self._connected:
            if on_reply is not None:
                on_reply(not_connected_reply(request_id))
            return None
        message = kind(id=request_id, **fields)
        self._pending[request_id] = on_reply
        self._socket.write(protocol.encode(message))
        self._socket.flush()
        return request_id

    # -- socket events ------------------------------------------------------------------

    def _connect(self) -> None:
        if not self._running or self._connected:
            return
        if self._socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            self._socket.abort()
        self._socket.connectToServer(self._path)

    def _schedule_retry(self) -> None:
        if not self._running or self._retry.isActive():
            return
        self._retry.start(self._delay_ms)
        self._delay_ms = min(self._delay_ms * 2, LONGEST_RETRY_MS)

    def _on_connected(self) -> None:
        self._delay_ms = FIRST_RETRY_MS
        self._buffer.clear()
        self._skipping = False
        self._set_connected(True)
        self.send(Hello, display_session=display_session(os.environ))

    def _on_disconnected(self) -> None:
        self._set_connected(False)
        self._fail_pending()
        self._schedule_retry()

    def _on_error(self, error: QLocalSocket.LocalSocketError) -> None:
        # A missing or refused socket never emits disconnected: retry from here. A live
        # socket that breaks emits disconnected too, which retries.
        if error != QLocalSocket.LocalSocketError.PeerClosedError:
            log.debug("agent socket: %s", self._socket.errorString())
        if not self._connected:
            self._schedule_retry()

    def _set_connected(self, connected: bool) -> None:
        if connected != self._connected:
            self._connected = connected
            self.connectionChanged.emit(connected)

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for request_id, callback in pending.items():
            if callback is not None:
                callback(not_connected_reply(request_id))

    def _on_ready_read(self) -> None:
        self._buffer += bytes(self._socket.readAll().data())
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > protocol.MAX_LINE_BYTES:
                    log.warning("agent sent a line over %d bytes; skipped", protocol.MAX_LINE_BYTES)
                    self._buffer.clear()
                    self._skipping = True
                return
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if self._skipping:
                self._skipping = False
                continue
            if line.strip():
                self._handle_line(line)

    def _handle_line(self, line: bytes) -> None:
        try:
            message = protocol.decode_push(line)
        except ProtocolError as exc:
            log.warning("agent sent an unreadable line (%s); skipped", exc)
            return
        if isinstance(message, View):
            self.viewChanged.emit(message)
            return
        self.replied.emit(message)
        if message.re is None:
            return
        callback = self._pending.pop(message.re, None)
        if callback is not None:
            callback(message)
