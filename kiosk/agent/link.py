"""The console link: one WebSocket from the kiosk agent to the console, kept forever.

On each connection the link sends ``hello``, waits for ``welcome``, then sends every event
of the outbox not yet acknowledged, oldest first, in batches, with at most
:attr:`LinkOptions.window` events in flight; an ``ack`` deletes the acknowledged ids from
the store (the console stores each id once, so a resend is harmless). The link sends a
``status`` when the screen changes (at most :attr:`LinkOptions.status_min_interval` apart)
and each minute, and runs each ``command`` through the agent, answering ``command_result``.

A malformed frame is logged and skipped. A lost connection is retried forever with
exponential backoff and full jitter. The kiosk works the same without the link: it is only
started when the kiosk is enrolled, and nothing in the agent waits for it.

TLS: ``wss://`` only, with the console's certificate pinned by its SHA-256 fingerprint
(stored at enrollment). The certificate is checked as soon as the TLS handshake is done,
before the HTTP upgrade request (which carries the token) is written; any other
certificate, even one a public CA signed, is refused. ``ws://`` needs an explicit flag
(tests and sandbox demos).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import re
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from epn_shared.files import write_atomically
from epn_shared.json_log import event
from epn_shared.protocol import (
    MAX_FRAME_BYTES,
    Ack,
    Command,
    CommandResult,
    ConsoleProtocolError,
    ErrorFrame,
    Hello,
    StaffRoster,
    Status,
    Welcome,
    decode_console_frame,
    encode,
)
from kiosk.agent.errors import AgentError
from kiosk.agent.store import PendingEvent
from kiosk.agent.system.network_cards import card_for_address

log = logging.getLogger(__name__)

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


class LinkError(AgentError):
    """The console could not be reached or spoke wrongly; the link tries again later."""


class PinMismatch(LinkError):
    """The server's certificate is not the one pinned at enrollment."""


class LinkSettingsError(AgentError):
    """The console link settings file is unreadable or wrong."""


# -- settings ----------------------------------------------------------------------------


def fingerprint(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, lowercase hex without separators."""
    return hashlib.sha256(der).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """Accept ``AB:CD:…`` or ``abcd…``; return lowercase hex; ValueError otherwise."""
    value = text.strip().lower().replace(":", "").replace(" ", "")
    if value.startswith("sha256/"):
        value = value.removeprefix("sha256/")
    if not _FINGERPRINT.match(value):
        raise ValueError("a SHA-256 fingerprint is 64 hex digits")
    return value


def display_fingerprint(value: str) -> str:
    """``AB:CD:…``, as people compare fingerprints."""
    return ":".join(value[i : i + 2] for i in range(0, len(value), 2)).upper()


class ConsoleSettings(BaseModel):
    """Where the console is and which certificate it must show; written at enrollment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="WebSocket URL of the console, wss://host:port/ws/kiosk.")
    fingerprint_sha256: str | None = Field(
        None, description="SHA-256 of the console's certificate (required for wss://)."
    )
    kiosk_id: int | None = Field(None, description="This kiosk's id at the console.")
    name: str = Field("", max_length=40, description="The name the kiosk enrolled with.")

    @field_validator("url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError("must be a ws:// or wss:// URL with a host")
        return value

    @field_validator("fingerprint_sha256")
    @classmethod
    def _fingerprint(cls, value: str | None) -> str | None:
        return None if value is None else normalise_fingerprint(value)

    @property
    def secure(self) -> bool:
        """True for wss://."""
        return urlsplit(self.url).scheme == "wss"


def load_console_settings(path: Path) -> ConsoleSettings | None:
    """The settings at ``path``, or None when the kiosk is not enrolled."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LinkSettingsError(f"cannot read {path}: {exc}") from exc
    try:
        return ConsoleSettings.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise LinkSettingsError(f"{path} is not valid console settings: {exc}") from exc


def save_console_settings(settings: ConsoleSettings, path: Path) -> None:
    """Write the settings atomically (a power cut leaves the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, settings.model_dump_json(indent=2), mode=0o644)


def _frame_type(raw: str | bytes) -> str | None:
    """The ``type`` a frame that could not be read says it is, if it says one."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


# -- the link's collaborators ------------------------------------------------------------


class OutboxSource(Protocol):
    """The persistent outbox (the agent's store)."""

    def outbox_after(self, seq: int, limit: int) -> list[PendingEvent]:
        """Unacknowledged events after ``seq``, oldest first."""

    def outbox_sent(self, seqs: Sequence[int]) -> None:
        """Count one sending of these events."""

    def outbox_acknowledged(self, event_ids: Sequence[str]) -> int:
        """Forget acknowledged events."""


class LinkHandler(Protocol):
    """What the link needs from the agent."""

    def console_hello(self) -> Hello:
        """The first frame of a connection."""

    def console_status(self) -> Status:
        """The live tile of this PC now."""

    def console_welcome(self, welcome: Welcome) -> None:
        """The console accepted a connection (its ticket key comes with it)."""

    async def console_command(self, command: Command) -> CommandResult:
        """Run a staff command; its answer."""

    def console_result_sent(self, command: Command, result: CommandResult) -> None:
        """The command's result went to the console (a restart may go ahead now)."""

    def console_roster(self, roster: StaffRoster) -> None:
        """The console's staff roster, to replace the one held."""


@dataclass(frozen=True)
class LinkOptions:
    """Tunable numbers of the link (tests shorten the times)."""

    batch: int = 100
    window: int = 500
    """Events sent and not yet acknowledged, at most (flow control)."""
    status_min_interval: float = 0.5
    status_every: float = 60.0
    backoff_initial: float = 0.5
    backoff_cap: float = 30.0
    open_timeout: float = 10.0
    ack_timeout: float = 60.0
    """In-flight events without any acknowledgement this long: reconnect (and resend)."""
    ping_interval: float = 20.0


class Backoff:
    """Exponential backoff with full jitter: the n-th wait is uniform in
    [0, min(cap, initial x 2^n)], so a room of kiosks does not reconnect all at once."""

    def __init__(self, initial: float, cap: float, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def ceiling(self) -> float:
        """The largest wait of the next attempt."""
        return min(self.cap, self.initial * float(2 ** min(self.attempt, 32)))

    def next(self) -> float:
        """The next wait, in seconds."""
        wait = self._rng.uniform(0.0, self.ceiling())
        self.attempt += 1
        return wait

    def reset(self) -> None:
        """After a good connection, start small again."""
        self.attempt = 0


class _PinnedConnection(ClientConnection):
    """A connection that checks the certificate right after the TLS handshake."""

    expected = ""
    pin_refused: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = None if ssl_object is None else ssl_object.getpeercert(binary_form=True)
        seen = "" if der is None else fingerprint(der)
        if not hmac.compare_digest(seen, type(self).expected):
            # Aborted before websockets writes its request: the token never leaves.
            type(self).pin_refused = seen or "(no certificate)"
            assert isinstance(transport, asyncio.Transport)
            transport.abort()


def _pinned_connection(expected: str) -> type[_PinnedConnection]:
    """A connection class of its own for one connection attempt (it records a refusal)."""
    return type("PinnedConnection", (_PinnedConnection,), {"expected": expected})


def client_ssl_context() -> ssl.SSLContext:
    """TLS without the CA check: trust comes from the pinned fingerprint, checked by
    the link itself (the console signs its own certificate)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


# Waits use asyncio.timeout, never asyncio.wait_for: on Python 3.11 wait_for can swallow a
# cancellation that arrives as its wait ends, and the link would then never stop.


class _Flight:
    """Events sent on this connection and not yet acknowledged."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.last_seq = 0
        self.last_ack = 0.0


class ConsoleLink:
    """Keeps one WebSocket to the console; see the module's docstring."""

    def __init__(
        self,
        settings: ConsoleSettings,
        token: str,
        outbox: OutboxSource,
        handler: LinkHandler,
        *,
        allow_insecure: bool = False,
        options: LinkOptions | None = None,
        rng: random.Random | None = None,
        card_of: Callable[[str | None], str | None] = card_for_address,
    ) -> None:
        if not settings.secure and not allow_insecure:
            raise LinkSettingsError(f"{settings.url}: a console is reached over wss:// only")
        if settings.secure and settings.fingerprint_sha256 is None:
            raise LinkSettingsError("no pinned certificate fingerprint: enroll again")
        self.settings = settings
        self._token = token
        self.outbox = outbox
        self.handler = handler
        self._card_of = card_of
        """The network card a local address goes out through (for the hello's ``mac``)."""
        self.options = options or LinkOptions()
        self.backoff = Backoff(self.options.backoff_initial, self.options.backoff_cap, rng)
        self._outbox_ready = asyncio.Event()
        self._status_due = asyncio.Event()
        self._status_in_flight = False
        self.statuses_sent = 0
        """Statuses sent to the console on this connection so far."""
        self._sending = asyncio.Lock()
        self._connected = False
        self.connections = 0
        """Connections the console welcomed so far."""
        self.last_error: str | None = None

    @property
    def connected(self) -> bool:
        """True while the console has welcomed this connection."""
        return self._connected

    def wake(self) -> None:
        """New events were written to the outbox."""
        self._outbox_ready.set()

    def status_changed(self) -> None:
        """The screen changed: tell the console soon."""
        self._status_due.set()

    @property
    def status_settled(self) -> bool:
        """No status is due, being made or being sent: the console has the last one."""
        return not self._status_due.is_set() and not self._status_in_flight

    # -- connecting ----------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, serve, and reconnect forever (until cancelled)."""
        while True:
            try:
                await self._connect_once()
                self.last_error = "the console closed the connection"
            except asyncio.CancelledError:
                raise
            except PinMismatch as exc:
                self.last_error = str(exc)
                event(log, "link_pin_mismatch", logging.ERROR, error=str(exc))
            except InvalidStatus as exc:
                code = exc.response.status_code
                self.last_error = f"the console refused this kiosk (HTTP {code})"
                event(log, "link_refused", logging.ERROR, status=code)
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed, LinkError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                event(log, "link_down", logging.WARNING, error=self.last_error)
            except Exception:
                # A bug must not stop the link for good: log it with its traceback, retry.
                self.last_error = "internal error"
                log.exception("link_failed", extra={"event": "link_failed", "fields": {}})
            finally:
                self._connected = False
            wait = self.backoff.next()
            event(log, "link_retry", seconds=round(wait, 3), attempt=self.backoff.attempt)
            await asyncio.sleep(wait)

    async def _connect_once(self) -> None:
        options = self.options
        kwargs: dict[str, Any] = {}
        pinned: type[_PinnedConnection] | None = None
        if self.settings.secure:
            assert self.settings.fingerprint_sha256 is not None
            pinned = _pinned_connection(self.settings.fingerprint_sha256)
            kwargs["ssl"] = client_ssl_context()
            kwargs["create_connection"] = pinned
        try:
            websocket = await connect(
                self.settings.url,
                additional_headers={"Authorization": f"Bearer {self._token}"},
                open_timeout=options.open_timeout,
                max_size=MAX_FRAME_BYTES,
                ping_interval=options.ping_interval,
                ping_timeout=options.ping_interval,
                close_timeout=2,
                proxy=None,
                **kwargs,
            )
        except (OSError, InvalidHandshake, TimeoutError, EOFError) as exc:
            if pinned is not None and pinned.pin_refused is not None:
                raise PinMismatch(
                    f"the console showed certificate {pinned.pin_refused[:16]}…, not the one "
                    "pinned at enrollment; refused"
                ) from exc
            raise
        async with websocket:
            await self._serve(websocket)

    async def _serve(self, websocket: ClientConnection) -> None:
        await websocket.send(encode(self._hello(websocket)))
        async with asyncio.timeout(self.options.open_timeout):
            first = await websocket.recv()
        try:
            frame = decode_console_frame(first)
        except ConsoleProtocolError as exc:
            raise LinkError(f"the console's first frame is not valid: {exc}") from exc
        if isinstance(frame, ErrorFrame):
            raise LinkError(f"the console refused: {frame.code}: {frame.message}")
        if not isinstance(frame, Welcome):
            raise LinkError(f"the console began with {frame.type!r}, not 'welcome'")
        self.handler.console_welcome(frame)
        self._connected = True
        self.connections += 1
        self.backoff.reset()
        event(log, "link_connected", kiosk=frame.kiosk_name, connections=self.connections)
        flight = _Flight()
        flight.last_ack = asyncio.get_running_loop().time()
        self._status_due.set()
        tasks = [
            asyncio.create_task(self._read(websocket, flight), name="link-read"),
            asyncio.create_task(self._pump(websocket, flight), name="link-pump"),
            asyncio.create_task(self._status(websocket), name="link-status"),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # raises what ended the connection
        finally:
            for task in tasks:
                task.cancel()
            # Not ``await task``: a cancelled wait must not be swallowed here.
            await asyncio.wait(tasks, timeout=5)

    def _hello(self, websocket: ClientConnection) -> Hello:
        """The handler's hello, with the card this connection goes out through."""
        hello = self.handler.console_hello()
        if hello.mac is not None:
            return hello
        local = websocket.local_address
        mac = self._card_of(str(local[0]) if local else None)
        return hello.model_copy(update={"mac": mac})

    # -- the three jobs of a connection --------------------------------------------------

    async def _read(self, websocket: ClientConnection, flight: _Flight) -> None:
        async for raw in websocket:
            try:
                frame = decode_console_frame(raw)
            except ConsoleProtocolError as exc:
                if _frame_type(raw) == "staff_roster":
                    # Who may use the staff key is not left to a frame half read: the
                    # roster held stays, and this is an error (the console's or the wire's).
                    event(log, "staff_roster_refused", logging.ERROR, error=exc.message)
                    continue
                event(log, "link_bad_frame", logging.WARNING, code=exc.code, error=exc.message)
                continue
            if isinstance(frame, Ack):
                self._acknowledged(frame.ids, flight)
            elif isinstance(frame, Command):
                result = await self._run_command(frame)
                async with self._sending:
                    await websocket.send(encode(result))
                self.handler.console_result_sent(frame, result)
            elif isinstance(frame, StaffRoster):
                self.handler.console_roster(frame)
            elif isinstance(frame, ErrorFrame):
                event(log, "link_console_error", logging.WARNING, code=frame.code)
                if frame.event_id is not None:
                    # Refused for its values: sent again it would be refused again, and
                    # left in the outbox it would be resent at every connection.
                    event(
                        log,
                        "link_event_refused",
                        logging.ERROR,
                        event_id=frame.event_id,
                        error=frame.message,
                    )
                    self._acknowledged((frame.event_id,), flight)
            else:
                event(log, "link_welcome_again", logging.WARNING)

    def _acknowledged(self, ids: Sequence[str], flight: _Flight) -> None:
        forgotten = self.outbox.outbox_acknowledged(ids)
        for event_id in ids:
            flight.ids.pop(event_id, None)
        flight.last_ack = asyncio.get_running_loop().time()
        self._outbox_ready.set()  # room in the window
        if forgotten:
            log.debug("acknowledged %d events", forgotten)

    async def _run_command(self, command: Command) -> CommandResult:
        try:
            return await self.handler.console_command(command)
        except Exception:
            log.exception(
                "command_failed",
                extra={"event": "command_failed", "fields": {"action": command.action.value}},
            )
            return CommandResult(
                command_id=command.command_id,
                ok=False,
                code="internal_error",
                message="the kiosk could not run this command",
            )

    async def _pump(self, websocket: ClientConnection, flight: _Flight) -> None:
        options = self.options
        loop = asyncio.get_running_loop()
        while True:
            self._outbox_ready.clear()
            room = options.window - len(flight.ids)
            batch = []
            if room > 0:
                batch = self.outbox.outbox_after(flight.last_seq, min(options.batch, room))
            if batch:
                for item in batch:
                    await websocket.send(item.frame)
                    flight.ids[item.event_id] = item.seq
                flight.last_seq = batch[-1].seq
                self.outbox.outbox_sent([item.seq for item in batch])
                continue
            if not flight.ids:
                await self._outbox_ready.wait()
                continue
            left = flight.last_ack + options.ack_timeout - loop.time()
            if left <= 0:
                raise LinkError(f"{len(flight.ids)} events sent and not acknowledged")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._outbox_ready.wait()

    async def _status(self, websocket: ClientConnection) -> None:
        options = self.options
        loop = asyncio.get_running_loop()
        last = -options.status_min_interval
        self.statuses_sent = 0
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(options.status_every):
                    await self._status_due.wait()
            pause = last + options.status_min_interval - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)  # several changes in a row: one status
            self._status_in_flight = True
            self._status_due.clear()
            # Made and sent under the lock the command results take: a status made before a
            # command ran reaches the console before that command's result, never after it
            # (the console would take it for what the PC says since).
            try:
                async with self._sending:
                    await websocket.send(encode(self.handler.console_status()))
                    self.statuses_sent += 1
            finally:
                self._status_in_flight = False
            last = loop.time()
