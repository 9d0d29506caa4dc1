"""The unix-socket server the shell talks to: newline-delimited JSON, peer uid checked.

Nothing a client sends can crash the agent or make it hold much memory: lines longer than
``MAX_LINE_BYTES`` are refused and skipped chunk by chunk, bad lines get an error reply,
a client that does not read its replies is dropped, an exception in a handler becomes an
``internal`` error reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import stat
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from epn_shared.json_log import event
from kiosk.agent.errors import StartRefused
from kiosk.core.protocol import (
    MAX_LINE_BYTES,
    ErrorBody,
    ProtocolError,
    Reply,
    decode_request,
    encode,
)

log = logging.getLogger(__name__)


class _Request(Protocol):
    """What every request of a socket's protocol has: its id and its type."""

    @property
    def id(self) -> int: ...

    @property
    def type(self) -> str: ...


RequestT = TypeVar("RequestT", bound=_Request)
RequestT_contra = TypeVar("RequestT_contra", bound=_Request, contravariant=True)

MAX_PENDING_OUTPUT = 1024 * 1024
"""A client with more than this waiting to be sent to it is not reading: it is dropped."""

MAX_CONNECTIONS = 64
"""Connections beyond this are refused (a runaway client must not exhaust descriptors)."""

_SO_PEERCRED = struct.Struct("3i")  # pid, uid, gid


def error_reply(
    request_id: int | None, code: str, message: str, retry_after: int | None = None
) -> Reply:
    """A reply that says why a request failed."""
    return Reply(
        re=request_id,
        ok=False,
        error=ErrorBody(code=code, message=message, retry_after=retry_after),
    )


class Connection:
    """One connected client. Writes never wait: a client that falls behind is dropped."""

    _ids = itertools.count(1)

    def __init__(self, writer: asyncio.StreamWriter, pid: int, uid: int) -> None:
        self.id = next(self._ids)
        self.pid = pid
        self.uid = uid
        self.is_shell = False  # set by the service after a hello
        self.display_session: str | None = None  # the shell's graphical session (hello)
        self._writer = writer

    @property
    def closed(self) -> bool:
        """True once the connection is closing or closed."""
        return self._writer.is_closing()

    def send(self, message: BaseModel) -> None:
        """Queue one message; drop the client if it lets too much pile up."""
        if self.closed:
            return
        transport = self._writer.transport
        if transport.get_write_buffer_size() > MAX_PENDING_OUTPUT:
            event(log, "client_dropped", logging.WARNING, connection=self.id, why="not reading")
            transport.abort()
            return
        self._writer.write(encode(message))

    def close(self) -> None:
        """Close after what is queued was sent."""
        if not self.closed:
            self._writer.close()


class Handler(Protocol[RequestT_contra]):
    """What the server calls; the service implements it."""

    async def handle(self, connection: Connection, request: RequestT_contra) -> Sequence[BaseModel]:
        """Answer one request: the messages to send back, in order (a reply first)."""
        ...

    def disconnected(self, connection: Connection) -> None:
        """A client went away."""
        ...


def peer_credentials(sock: socket.socket) -> tuple[int, int, int]:
    """(pid, uid, gid) of the process at the other end of a unix socket."""
    raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _SO_PEERCRED.size)
    pid, uid, gid = _SO_PEERCRED.unpack(raw)
    return pid, uid, gid


def _bind(path: Path, mode: int) -> socket.socket:
    """A listening unix socket whose file never exists with looser permissions than ``mode``."""
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise StartRefused(f"{path} exists and is not a socket; refusing to replace it")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # a stale socket of an agent that did not stop cleanly
        else:
            raise StartRefused(f"another agent is already listening on {path}")
        finally:
            probe.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        # On Linux the socket file takes the socket inode's mode (less the umask): set it
        # before bind so the file is never connectable by others, even for an instant.
        os.fchmod(sock.fileno(), mode & 0o600)
        sock.bind(str(path))
        os.chmod(path, mode)
        sock.listen(16)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise StartRefused(f"cannot listen on {path}: {exc}") from exc
    return sock


class IpcServer(Generic[RequestT]):
    """Serves a protocol of JSON lines on a unix socket to the allowed uids: the shell's
    (:func:`decode_request`, the default), or root's tools' on the admin socket."""

    def __init__(
        self,
        path: Path,
        allowed_uids: Sequence[int],
        handler: Handler[RequestT],
        mode: int = 0o600,
        decode: Callable[[bytes], RequestT] = decode_request,  # type: ignore[assignment]
    ) -> None:
        self.path = path
        self._allowed = frozenset(allowed_uids)
        self._handler = handler
        self._decode = decode
        self._mode = mode
        self._server: asyncio.Server | None = None
        self._socket: socket.socket | None = None
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def connections(self) -> frozenset[Connection]:
        """The connections open now."""
        return frozenset(self._connections)

    def bind(self) -> None:
        """Take the socket path (refusing if another agent holds it); clients queue until
        :meth:`start`."""
        if self._socket is None:
            self._socket = _bind(self.path, self._mode)

    async def start(self) -> None:
        """Accept clients (binding first if :meth:`bind` was not called)."""
        self.bind()
        sock, self._socket = self._socket, None
        self._server = await asyncio.start_unix_server(self._serve, sock=sock, limit=MAX_LINE_BYTES)

    async def close(self) -> None:
        """Stop accepting, close every connection, remove the socket file."""
        if self._socket is not None:  # bound, never served
            self._socket.close()
            self._socket = None
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.close()  # each client task then sees the end of its stream
        if self._tasks:
            _done, pending = await asyncio.wait(list(self._tasks), timeout=2.0)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve_client(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away mid-message: nothing to answer
        except asyncio.CancelledError:
            # Only close() cancels a client task; ending quietly keeps asyncio (3.11) from
            # reporting the cancelled task as an error of the stream's callback.
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            # Waiting takes the connection's end (a reset peer is an error there): left
            # unread, asyncio would print "Future exception was never retrieved" outside
            # the JSON log.
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _serve_client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        pid, uid, _gid = peer_credentials(writer.get_extra_info("socket"))
        connection = Connection(writer, pid, uid)
        if uid not in self._allowed:
            event(log, "client_refused", logging.WARNING, uid=uid, pid=pid)
            connection.send(error_reply(None, "not_allowed", "this user may not use the kiosk"))
            return
        if len(self._connections) >= MAX_CONNECTIONS:
            connection.send(error_reply(None, "busy", "too many connections"))
            return
        self._connections.add(connection)
        try:
            while not connection.closed:
                line = await self._read_line(reader, connection)
                if line is None:
                    return
                if line:
                    await self._answer(connection, line)
        finally:
            self._connections.discard(connection)
            self._handler.disconnected(connection)

    async def _read_line(
        self, reader: asyncio.StreamReader, connection: Connection
    ) -> bytes | None:
        """The next line without its newline; b"" after a refused long line; None at EOF."""
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            return None  # end of stream, possibly mid-message: dropped
        except asyncio.LimitOverrunError as exc:
            connection.send(
                error_reply(None, "too_large", f"a message is at most {MAX_LINE_BYTES} bytes")
            )
            await self._skip_line(reader, exc.consumed)
            return b""
        return line.rstrip(b"\r\n")

    @staticmethod
    async def _skip_line(reader: asyncio.StreamReader, consumed: int) -> None:
        """Throw away the rest of an overlong line, at most one buffer at a time."""
        while True:
            await reader.readexactly(consumed)
            try:
                await reader.readuntil(b"\n")
                return
            except asyncio.LimitOverrunError as exc:
                consumed = exc.consumed

    async def _answer(self, connection: Connection, line: bytes) -> None:
        try:
            request = self._decode(line)
        except ProtocolError as exc:
            connection.send(error_reply(exc.request_id, exc.code, exc.message))
            return
        except Exception:
            # A line the decoder did not foresee: a bug to log, never a lost connection.
            log.exception("decode_failed", extra={"event": "decode_failed", "fields": {}})
            connection.send(error_reply(None, "malformed", "this line could not be read"))
            return
        try:
            messages = await self._handler.handle(connection, request)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(
                "handler_failed",
                extra={"event": "handler_failed", "fields": {"type": request.type}},
            )
            connection.send(
                error_reply(request.id, "internal", "the agent hit a bug; it was logged")
            )
            return
        for message in messages:
            connection.send(message)
