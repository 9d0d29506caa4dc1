"""Messages between the console's server processes: what one process must tell the others.

A console for many rooms runs several server processes behind one address, on one
PostgreSQL database. Each PC and each staff window is connected to one of them; what
happens on one PC must reach the staff windows of every process, and a command an
animator sends through one process must reach the PC wherever it is connected. The hub
says all of that through a :class:`Bus`:

- ``tile``: a PC's room tile changed (every process pushes it to its staff windows);
- ``to_pc``: a frame for PC X (the process holding X's connection sends it);
- ``result``: a PC's answer to a command another process sent it (back to that one);
- ``kiosk_changed``: a PC's row changed at one process (out of order, a version, moved to
  another site): every process shows the new tile (a move drops it from the windows of
  staff who do not see the new site), and the one holding its connection takes the row
  and tells its tile again;
- ``alive``: a process is alive, every few seconds; one not heard from for a while is
  taken for dead and its PCs shown offline (``tiles_again`` asks one that was only slow
  to tell its PCs again);
- any other kind a part of the console registers (``Hub.on_every_process``), e.g. a
  change every online PC must hear of.

:class:`LocalBus` is the one process of a console on SQLite: nothing to tell anybody.
:class:`PostgresBus` sends each message as a ``NOTIFY`` on one channel that every process
``LISTEN``\\ s to (psycopg 3, asynchronous); a message larger than a notification may be
is sent in parts and put together again. A process ignores its own messages: it acted on
them before it sent them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import psycopg
import sqlalchemy as sa

from admin_console.server.errors import ConsoleError
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.bus")

CHANNEL = "epn_console"
"""The PostgreSQL notification channel of the console's processes."""
MAX_PART = 7000
"""Characters of one notification's payload (PostgreSQL takes fewer than 8000 bytes)."""


@dataclass(frozen=True)
class BusMessage:
    """One message between processes: its kind, the process that sent it, its data."""

    kind: str
    origin: str
    data: dict[str, Any]


Receiver = Callable[[BusMessage], None]
"""Called on the event loop for each message from another process."""


class Bus(Protocol):
    """How the console's server processes tell each other things."""

    @property
    def process_id(self) -> str:
        """This process's name on the bus (the ``origin`` of what it sends)."""
        ...

    @property
    def shared(self) -> bool:
        """True if other processes may be listening (a message is worth sending)."""
        ...

    async def start(self, receive: Receiver) -> None:
        """Start listening; ``receive`` gets each message of another process."""
        ...

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        """Tell every other process (sent in order, soon after; never waits)."""
        ...

    async def close(self) -> None:
        """Stop listening and sending."""
        ...


class LocalBus:
    """The bus of a console that is one process: nobody else to tell."""

    def __init__(self) -> None:
        self._id = secrets.token_hex(6)

    @property
    def process_id(self) -> str:
        """This process's name."""
        return self._id

    @property
    def shared(self) -> bool:
        """Never: there is no other process."""
        return False

    async def start(self, receive: Receiver) -> None:
        """Nothing to listen to."""

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        """Nobody to tell."""

    async def close(self) -> None:
        """Nothing to stop."""


class PostgresBus:
    """The bus over PostgreSQL ``LISTEN``/``NOTIFY``: one connection listens, one sends
    what :meth:`publish` queued, in order."""

    def __init__(self, database_url: str) -> None:
        url = sa.make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._id = secrets.token_hex(6)
        self._connections: list[psycopg.AsyncConnection[Any]] = []
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._parts: dict[str, list[str]] = {}

    @property
    def process_id(self) -> str:
        """This process's name on the bus."""
        return self._id

    @property
    def shared(self) -> bool:
        """Always: other processes listen on the channel."""
        return True

    async def start(self, receive: Receiver) -> None:
        """Connect, ``LISTEN``, and hand each other process's message to ``receive``."""
        listening = await psycopg.AsyncConnection.connect(self._dsn, autocommit=True)
        sending = await psycopg.AsyncConnection.connect(self._dsn, autocommit=True)
        self._connections = [listening, sending]
        await listening.execute(f"LISTEN {CHANNEL}")
        self._outbox = asyncio.Queue()
        self._tasks = [
            asyncio.create_task(self._listen(listening, receive), name="bus listener"),
            asyncio.create_task(self._send(sending, self._outbox), name="bus sender"),
        ]
        log_event(logger, "bus_listening", channel=CHANNEL, process=self._id)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        """Queue this message for every process (in parts if it is large)."""
        if self._outbox is None:
            return
        text = json.dumps({"kind": kind, "data": data}, separators=(",", ":"), ensure_ascii=False)
        pieces = [text[i : i + MAX_PART] for i in range(0, len(text), MAX_PART)] or [""]
        message_id = secrets.token_hex(6)
        for index, piece in enumerate(pieces):
            self._outbox.put_nowait(f"{self._id} {message_id} {index} {len(pieces)}\n{piece}")

    @staticmethod
    async def _send(connection: psycopg.AsyncConnection[Any], outbox: asyncio.Queue[str]) -> None:
        while True:
            payloads = [await outbox.get()]
            while not outbox.empty() and len(payloads) < 50:
                payloads.append(outbox.get_nowait())
            # Those queued meanwhile in one round trip, still in order.
            calls = ", ".join("pg_notify(%s, %s)" for _ in payloads)
            values: list[str] = []
            for payload in payloads:
                values += [CHANNEL, payload]
            try:
                await connection.execute(f"SELECT {calls}", values)
            except psycopg.Error as exc:
                log_event(logger, "bus_send_failed", logging.ERROR, error=str(exc))

    async def _listen(self, connection: psycopg.AsyncConnection[Any], receive: Receiver) -> None:
        async for notify in connection.notifies():
            if notify.payload.startswith(self._id + " "):
                continue  # this process's own: it acted on it before sending
            message = self._message(notify.payload)
            if message is None:
                continue
            try:
                receive(message)
            except Exception:
                logger.exception("bug while handling a message of another process")

    def _message(self, payload: str) -> BusMessage | None:
        # "<origin> <message id> <part> <parts>\n<text>": the parts of one message come in
        # order (one sending connection, one notification each).
        try:
            head, text = payload.split("\n", 1)
            origin, message_id, part, parts = head.split(" ")
            index, count = int(part), int(parts)
        except ValueError:
            log_event(logger, "bus_bad_message", logging.WARNING)
            return None
        if count > 1:
            key = f"{origin} {message_id}"
            pieces = self._parts.setdefault(key, [])
            if len(pieces) != index:
                self._parts.pop(key, None)  # a part went missing: the message is lost
                return None
            pieces.append(text)
            if index + 1 < count:
                return None
            text = "".join(self._parts.pop(key))
        try:
            data = json.loads(text)
            return BusMessage(str(data["kind"]), origin, dict(data["data"]))
        except (ValueError, KeyError, TypeError):
            log_event(logger, "bus_bad_message", logging.WARNING)
            return None

    async def close(self) -> None:
        """Stop listening and sending; close both connections."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, psycopg.Error):
                await task
        for connection in self._connections:
            with contextlib.suppress(psycopg.Error):
                await connection.close()
        self._tasks, self._connections, self._outbox = [], [], None


class Heartbeats:
    """When each other process was last heard from (monotonic seconds, passed in), and
    which of them fell silent: not heard from for ``bound`` seconds."""

    def __init__(self, bound: float) -> None:
        self._bound = bound
        self._last: dict[str, float] = {}
        self._silenced: set[str] = set()

    def heard(self, origin: str, at: float) -> bool:
        """``origin`` spoke at ``at``; True if it had been taken for silent (it was only
        slow: what the others dropped of it must be told again)."""
        self._last[origin] = at
        if origin in self._silenced:
            self._silenced.discard(origin)
            return True
        return False

    def silent(self, at: float) -> list[str]:
        """The processes that fell silent since the last call (each once)."""
        gone = [origin for origin, last in self._last.items() if at - last > self._bound]
        for origin in gone:
            del self._last[origin]
            self._silenced.add(origin)
        return gone


def bus_for(database_url: str, shared: bool) -> Bus:
    """The bus of a process of a console on ``database_url``: over PostgreSQL if it is
    ``shared`` with other processes, else local."""
    if shared:
        if not database_url.startswith("postgresql"):
            raise ConsoleError("several server processes need a PostgreSQL database")
        return PostgresBus(database_url)
    return LocalBus()
