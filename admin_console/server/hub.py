"""The live hub: one WebSocket per kiosk, the room's live state, staff listeners.

Kiosk frames are read with :func:`decode_kiosk_frame`. An ``event`` is stored once (insert
or ignore on its id) and then acknowledged; a ``status`` is kept in memory and pushed to
staff; a ``command_result`` is stored and wakes the API call waiting for it. A malformed
frame gets an ``error`` frame back and the connection stays open; for an event refused for
its values, the frame names the event, and the kiosk forgets it.

Right after its ``welcome`` (which carries the ticket key), a PC whose staff roster
revision differs from the console's gets the ``staff_roster`` first, before anything else
(an account disabled or a PIN changed while it was offline is revoked there before any
command), then a PC whose policy differs from the console's gets a ``policy_update``, a PC
marked out of order gets its ``lock`` again, and a PC whose help call staff closed while it
was away gets that ``help_answered``.

A help call closed by staff (done or cancelled) is pushed to the PC as ``help_answered``
for the session that asked. Until the PC answers, its statuses still saying "help asked"
open no new call (they were sent before it heard); the room card stops asking at once.

Every roster change is pushed to each online PC (:meth:`Hub.roster_changed`); an account
logged out everywhere (disabled, password reset) has its staff connections closed at once
(:meth:`Hub.log_out_staff`).

Database calls run in worker threads (``asyncio.to_thread``): the event loop never waits
on the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from admin_console.api.room import KioskTile, LiveStatus
from admin_console.server import policy as policy_store
from admin_console.server.auth import AuthService, digest
from admin_console.server.bus import Bus, BusMessage, Heartbeats, LocalBus
from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.events import NewEvent
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.errors import ConsoleError, NotAuthenticated, StorageError
from admin_console.server.ingest import EventWriter
from admin_console.server.settings import ALIVE_EVERY, SILENT_AFTER
from epn_shared.json_log import event as log_event
from epn_shared.protocol import (
    MAX_FRAME_BYTES,
    Ack,
    Command,
    CommandAction,
    CommandResult,
    ConsoleProtocolError,
    ErrorFrame,
    Event,
    Hello,
    HelpRequestedBody,
    StaffRoster,
    Status,
    Welcome,
    decode_kiosk_frame,
    encode,
)
from epn_shared.version import installed_version

logger = logging.getLogger("admin_console.hub")

POLICY_VIOLATION = 1008
"""WebSocket close code for a refused kiosk or staff token (RFC 6455)."""
REPLACED = 4000
"""Close code of an older connection when the same kiosk connects again."""
FELL_BEHIND = 4001
"""Close code of a staff listener that fell :data:`MAX_STAFF_BACKLOG` changes behind: it
reconnects and gets the whole room again."""
MAX_STAFF_BACKLOG = 2000
"""Changes waiting to be sent to one staff listener; one more and it is dropped."""
DROP_CLOSE_WAIT = 60.0
"""Seconds a dropped listener's close frame may wait for the client to read again."""
LOGGED_OUT = 4003
"""Close code of a staff listener whose account was disabled or its password reset: its
token is no longer valid, the window asks to log in again."""
STAFF_WATCH_SECONDS = 5.0
"""How often the hub looks for staff changes made outside this process (the command line):
a roster revision its PCs do not hold, a staff connection whose token was dropped."""
LOGGED_OUT_ELSEWHERE = "you were logged out: log in again"
REVOKED = "this PC was revoked: enroll it again"
"""The close reason of a revoked PC's connection (and of its next attempts)."""
OUT_OF_ORDER = "out_of_order"
"""The ``reason`` of the ``lock`` that keeps a PC marked out of order locked."""
ROW_FIELDS = (
    "name",
    "location",
    "out_of_order_reason",
    "policy_version",
    "agent_version",
    "site_id",
    "mac",
)
"""What a PC's tile says of its row that the process holding its connection takes from
another process's change (the rest of the row is not staff's to change)."""


MAX_EVENT_BATCH = 500
"""Most events of one PC stored in one transaction and acknowledged in one frame."""
MAX_QUEUED_FRAMES = 1000
"""Frames of one PC read ahead of the store; past this the socket waits (back-pressure)."""


class KioskOffline(ConsoleError):
    """The PC has no live connection: the command was not sent."""


def left_behind(pc_version: str | None, console_version: str) -> bool:
    """Whether a PC running ``pc_version`` is older than the console: its updates did not
    reach it. A PC that never said, or a console run from a source tree, flags nothing; a
    version that cannot be compared flags the PC when it differs."""
    if pc_version is None or console_version == "unknown":
        return False
    try:
        return Version(pc_version) < Version(console_version)
    except InvalidVersion:
        return pc_version != console_version


def upstream_version(debian_version: str) -> str:
    """A Debian package version as the program itself says it: without its epoch
    (``1:``) and Debian revision (``-1``)."""
    version = debian_version.split(":", 1)[-1]
    return version.rsplit("-", 1)[0] if "-" in version else version


def bearer(value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header."""
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@dataclass
class _Link:
    kiosk: Kiosk
    websocket: WebSocket
    connected_at: dt.datetime
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    statuses: int = 0
    """Statuses taken from this connection so far."""
    staff_revision: int | None = None
    """The staff roster revision the PC holds (its hello's, then each one sent)."""
    greeted: bool = False
    """Its hello was answered: roster pushes go to it from now on."""

    async def send(self, text: str) -> None:
        async with self.send_lock:
            await self.websocket.send_text(text)


@dataclass(eq=False)
class _Listener:
    """One staff client: the changes not yet sent to it, and whether it was dropped."""

    who: str
    staff_id: int = 0
    token_sha256: str = ""
    sites: frozenset[int] | None = None
    """The sites whose PCs it is told of (None: every site)."""
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(MAX_STAFF_BACKLOG))
    dropped: asyncio.Event = field(default_factory=asyncio.Event)
    logged_out: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""
    """Why it was logged out (the close frame's reason)."""


@dataclass(frozen=True)
class _Live:
    status: Status
    at: dt.datetime
    asks_help: bool
    """What the console takes the PC to ask: its status, unless staff just closed the call
    and the PC has not answered that yet."""

    @property
    def deadline(self) -> dt.datetime | None:
        """The end of the session's time on the console's clock: as far after the moment
        the status came as the PC said it was after the moment it made it (a PC clock set
        wrong moves both alike)."""
        s = self.status
        if s.deadline is None or s.at is None:
            return None
        return self.at + (s.deadline - s.at)


class Hub:
    """Live kiosk connections, their statuses, waiting commands and staff listeners."""

    def __init__(
        self,
        repos: Repositories,
        auth: AuthService,
        clock: Clock,
        ticket_key: str | None = None,
        version: str | None = None,
        *,
        published: Callable[[], str | None] | None = None,
        bus: Bus | None = None,
        alive_every: float = ALIVE_EVERY,
    ) -> None:
        self._version = version or installed_version()
        """The console's own EPN Kiosk version: what its PCs should run when it publishes
        no kiosk package."""
        self._published = published
        """The newest ``epn-kiosk`` version the console's apt repository serves, if any:
        what a PC can update to."""
        self._repos = repos
        self._auth = auth
        self._clock = clock
        self._ticket_key = ticket_key
        self._links: dict[int, _Link] = {}
        self._live: dict[int, _Live] = {}
        self._last_seen: dict[int, dt.datetime] = {}
        self._waiting: dict[str, tuple[int, asyncio.Future[CommandResult]]] = {}
        self._listeners: set[_Listener] = set()
        self._help_sessions: dict[int, str | None] = {}
        """The session of each PC's last help_requested event (the one a call is for)."""
        self._clearing: dict[int, set[str]] = {}
        """help_answered commands sent to each PC and not answered yet."""
        self._roster_lock = asyncio.Lock()
        """One roster read-and-send at a time: a PC never gets an older roster after a newer."""
        self._writer = EventWriter(repos.events)
        self._bus: Bus = bus or LocalBus()
        """What this process tells the console's other processes, and hears from them."""
        self._remote: dict[int, dict[str, Any]] = {}
        """The tiles of the PCs online at another process, as that process last told."""
        self._held_by: dict[int, str] = {}
        """The process holding each PC of :attr:`_remote`."""
        self._alive_every = alive_every
        self._heartbeats = Heartbeats(alive_every * SILENT_AFTER)
        """When each other process was last heard from."""
        self._bus_tasks: set[asyncio.Task[None]] = set()
        """Work started on another process's word (kept until done)."""
        self._moved_to: dict[int, int] = {}
        """The site each PC moved to, as the last move said: the process holding a PC may
        still speak of its old site for a moment, until it hears of the move."""
        self._relayed: dict[str, tuple[int, str]] = {}
        """Commands another process sent through this one to its PC: the PC, whom to answer."""
        self._bus_handlers: dict[str, Callable[[BusMessage], None]] = {
            "tile": self._heard_tile,
            "to_pc": self._heard_to_pc,
            "result": lambda m: self._heard_result(m.data),
            "roster": lambda m: self._heard_roster(m.data),
            "log_out": lambda m: self._heard_log_out(m.data),
            "kiosk_changed": self._heard_changed,
            "alive": lambda m: None,  # heard: that is all it says
            "tiles_again": self._heard_tiles_again,
        }
        self._every_process: dict[str, Callable[[dict[str, Any]], None]] = {}
        """The handlers registered with :meth:`on_every_process`."""

    async def start(self) -> None:
        """Start hearing the console's other processes (on the server's event loop)."""
        await self._bus.start(self._heard)

    # -- the room ------------------------------------------------------------------------

    def is_online(self, kiosk_id: int) -> bool:
        """True if the PC has a live connection (to this process or another)."""
        return kiosk_id in self._links or kiosk_id in self._remote

    def statuses_taken(self, kiosk_id: int) -> int | None:
        """How many statuses the PC's live connection brought so far (None: offline)."""
        link = self._links.get(kiosk_id)
        return link.statuses if link is not None else None

    def tile(self, kiosk: Kiosk) -> KioskTile:
        """The room view's entry for one PC."""
        remote = None if kiosk.id in self._links else self._remote.get(kiosk.id)
        live = self._live.get(kiosk.id)
        online = kiosk.id in self._links and kiosk.revoked_at is None
        status = None
        told_seen = None
        if remote is not None:
            # Connected to another process: live as that process last told, the row as it
            # is now (changed here, or anywhere: the row is read from the database).
            told = KioskTile.model_validate(remote)
            online = told.online and kiosk.revoked_at is None
            status = told.status if online else None
            told_seen = told.last_seen_at
        elif live is not None and online:
            s = live.status
            status = LiveStatus(
                state=s.state,
                seconds_left=s.seconds_left,
                login=s.login,
                pages_printed=s.pages_printed,
                print_waiting=s.print_waiting,
                print_job_id=s.print_job_id,
                help_requested=live.asks_help,
                locked=s.locked,
                updating=s.updating,
                at=live.at,
                deadline=live.deadline,
            )
        seen = [
            t
            for t in (kiosk.last_seen_at, self._last_seen.get(kiosk.id), told_seen)
            if t is not None
        ]
        return KioskTile(
            id=kiosk.id,
            name=kiosk.name,
            location=kiosk.location,
            online=online,
            revoked=kiosk.revoked_at is not None,
            last_seen_at=max(seen) if seen else None,
            help_requested=status is not None and status.help_requested,
            status=status,
            policy_version=kiosk.policy_version,
            agent_version=kiosk.agent_version,
            left_behind=left_behind(kiosk.agent_version, self.expected_version()),
            out_of_order=kiosk.out_of_order,
            out_of_order_reason=kiosk.out_of_order_reason,
            site_id=kiosk.site_id,
            mac=kiosk.mac,
        )

    def expected_version(self) -> str:
        """The version a PC should run: the newest kiosk package published, else the
        console's own."""
        published = self._published() if self._published is not None else None
        return upstream_version(published) if published else self._version

    def kiosk_changed(self, kiosk: Kiosk, left: int | None = None) -> None:
        """A PC's row changed here (out of order or back, a version it reported, moved from
        the site ``left``): staff see its tile at once, here and at the console's other
        processes. The process holding the PC's connection takes the row (its site for its
        roster and pushes, its out-of-order mark for its next hello) and tells its tile
        again, the last word on it: a status it told meanwhile may carry the row as it was.
        A move drops the PC from the windows of the staff who do not see the new site
        (``kiosk_gone``)."""
        link = self._links.get(kiosk.id)
        if link is not None:
            link.kiosk = kiosk
            self._forget_remote(kiosk.id)  # it came here from another process
        if left is not None:
            self._moved_to[kiosk.id] = kiosk.site_id
        if not self._listeners and not self._bus.shared:
            return
        tile = self.tile(kiosk).model_dump(mode="json")
        remote = self._remote.get(kiosk.id)
        if remote is not None:
            self._remote[kiosk.id] = tile  # the row as it is now, until its process speaks
        now = self._clock.now().isoformat()
        change = {"kiosk": tile, "left": left, "now": now, "held": link is not None}
        self._bus.publish("kiosk_changed", change)
        self._tell_changed(tile, left, now)

    def kiosk_moved(self, kiosk: Kiosk, left: int) -> None:
        """A PC moved from the site ``left`` to ``kiosk.site_id``: a change of its row
        (:meth:`kiosk_changed`)."""
        self.kiosk_changed(kiosk, left)

    def _heard_changed(self, message: BusMessage) -> None:
        data = message.data
        tile = dict(data["kiosk"])
        kiosk_id, site_id = int(tile["id"]), int(tile["site_id"])
        left = data.get("left")
        left = None if left is None else int(left)
        if left is not None:
            self._moved_to[kiosk_id] = site_id
        now = data.get("now")
        link = self._links.get(kiosk_id)
        if link is not None and tile.get("revoked"):
            task = asyncio.get_running_loop().create_task(self._revoked_elsewhere(kiosk_id))
            self._bus_tasks.add(task)
            task.add_done_callback(self._bus_tasks.discard)
            return
        if link is not None:
            row = {name: tile[name] for name in ROW_FIELDS if name in tile}
            link.kiosk = dataclasses.replace(link.kiosk, **row)
            tile = self.tile(link.kiosk).model_dump(mode="json")
            self._bus.publish("tile", {"kiosk": tile, "now": now})
        elif data.get("held"):  # its sender holds it: live as it says
            if tile.get("online"):
                self._remote[kiosk_id] = tile
                self._held_by[kiosk_id] = message.origin
        elif kiosk_id in self._remote:  # held by a third process: its live part, the new row
            row = {k: tile[k] for k in (*ROW_FIELDS, "out_of_order", "left_behind", "revoked")}
            tile = {**self._remote[kiosk_id], **row}
            self._remote[kiosk_id] = tile
        self._tell_changed(tile, left, now)

    async def _revoked_elsewhere(self, kiosk_id: int) -> None:
        try:
            kiosk = await asyncio.to_thread(self._repos.kiosks.get, kiosk_id)
        except StorageError as exc:
            log_event(logger, "storage_failed", logging.ERROR, error=str(exc))
            return
        if kiosk is not None and kiosk.id in self._links:
            await self.disconnect(kiosk)
            log_event(logger, "kiosk_revoked", kiosk=kiosk.name, kiosk_id=kiosk.id)

    def _tell_changed(self, tile: dict[str, Any], left: int | None, now: str | None) -> None:
        site_id = int(tile["site_id"])
        if left is not None and left != site_id:
            # Only the id: nothing of a PC outside a person's sites, not even where it went.
            gone = json.dumps(
                {"type": "kiosk_gone", "kiosk_id": tile["id"], "now": now},
                separators=(",", ":"),
            )
            for listener in list(self._listeners):
                sites = listener.sites
                if sites is not None and left in sites and site_id not in sites:
                    self._queue(listener, gone)
        message = json.dumps(
            {"type": "kiosk", "kiosk": tile, "now": now},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        self._to_listeners(message, site_id)

    def policy_of(self, site_id: int) -> policy_store.SitePolicy | None:
        """The policy the PCs of a site must run (None: their bundled default)."""
        return policy_store.for_site(
            self._repos.policies.current(), self._repos.sites.rules_of(site_id)
        )

    def online_ids(self) -> list[int]:
        """The ids of the PCs connected now."""
        return list(self._links)

    def _publish(self, kiosk: Kiosk) -> None:
        # The process a PC is connected to tells the others about it (or, once it left,
        # that it is offline); a PC of another process is that one's to tell.
        if kiosk.id in self._links:
            self._forget_remote(kiosk.id)  # it came here from another process
        shared = self._bus.shared and kiosk.id not in self._remote
        if not self._listeners and not shared:
            return
        # Encoded once for every listener; a listener too far behind is dropped rather
        # than kept growing: a client that stops reading must not grow the server.
        # ``now``: the console's clock, so a staff computer whose clock is off still counts
        # the sessions' time down right.
        tile = self.tile(kiosk).model_dump(mode="json")
        now = self._clock.now().isoformat()
        if shared:
            self._bus.publish("tile", {"kiosk": tile, "now": now})
        message = json.dumps(
            {"type": "kiosk", "kiosk": tile, "now": now},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        self._to_listeners(message, kiosk.site_id)

    def _to_listeners(self, message: str, site_id: int) -> None:
        for listener in list(self._listeners):
            if listener.sites is not None and site_id not in listener.sites:
                continue  # nothing outside a person's sites
            self._queue(listener, message)

    def _queue(self, listener: _Listener, message: str) -> None:
        try:
            listener.queue.put_nowait(message)
        except asyncio.QueueFull:
            self._listeners.discard(listener)
            listener.dropped.set()

    # -- commands ------------------------------------------------------------------------

    async def send_command(self, kiosk_id: int, command: Command) -> asyncio.Future[CommandResult]:
        """Push a command to a connected PC; the future gets its ``command_result``.

        :class:`KioskOffline` if the PC is not connected.
        """
        link = self._links.get(kiosk_id)
        if link is None and kiosk_id not in self._remote:
            raise KioskOffline(f"PC {kiosk_id} is not connected")
        future: asyncio.Future[CommandResult] = asyncio.get_running_loop().create_future()
        self._waiting[command.command_id] = (kiosk_id, future)
        if link is None:  # connected to another process: it sends the frame
            frame = {"kiosk_id": kiosk_id, "command_id": command.command_id}
            self._bus.publish("to_pc", {**frame, "frame": encode(command)})
            return future
        try:
            await link.send(encode(command))
        except (WebSocketDisconnect, RuntimeError, OSError) as exc:
            self._waiting.pop(command.command_id, None)
            raise KioskOffline(f"PC {kiosk_id} went away: {exc}") from exc
        return future

    async def push(
        self, kiosk_id: int, command: Command, parameters: dict[str, Any]
    ) -> asyncio.Future[CommandResult]:
        """Record a command, send it to a connected PC and note it sent; the future gets the
        PC's answer. :class:`KioskOffline` (recorded, not sent) if the PC is not connected."""
        # Recorded as sent when the PC is online (one write, not two, before it goes: the
        # animator waits for it), put right in the rare case the send then fails.
        now = self._clock.now()
        online = self.is_online(kiosk_id)
        await asyncio.to_thread(
            self._repos.commands.add,
            command.command_id,
            kiosk_id,
            command.action.value,
            parameters,
            by=command.by,
            now=now,
            sent_at=now if online else None,
        )
        try:
            return await self.send_command(kiosk_id, command)
        except KioskOffline:
            if online:
                await asyncio.to_thread(self._repos.commands.unsent, command.command_id)
            raise

    async def disconnect(self, kiosk: Kiosk, reason: str = REVOKED) -> None:
        """Close a PC's connection with a policy-violation code (after a revoke), here or
        at the process of the console that holds it."""
        link = self._links.pop(kiosk.id, None)
        self._live.pop(kiosk.id, None)
        self._clearing.pop(kiosk.id, None)
        if link is None:
            self.kiosk_changed(kiosk)  # the process holding it closes it (a revoked row)
            return
        self._fail_waiting(kiosk.id)
        with contextlib.suppress(Exception):
            await link.websocket.close(POLICY_VIOLATION, reason)
        self._publish(kiosk)

    async def close_all(self) -> None:
        """Close every kiosk connection (server shutting down)."""
        for link in list(self._links.values()):
            with contextlib.suppress(Exception):
                await link.websocket.close(1001, "console stopping")
        self._links.clear()
        await self._writer.close()
        await self._bus.close()

    def _fail_waiting(self, kiosk_id: int) -> None:
        for command_id, (owner, _origin) in list(self._relayed.items()):
            if owner == kiosk_id:
                del self._relayed[command_id]  # the sender's wait ends in "pending"
        for command_id, (owner, future) in list(self._waiting.items()):
            if owner == kiosk_id:
                del self._waiting[command_id]
                if not future.done():
                    future.set_exception(KioskOffline(f"PC {kiosk_id} went away"))
                    future.exception()  # nobody may be waiting any more: mark it retrieved

    # -- kiosk connections ---------------------------------------------------------------

    async def serve_kiosk(self, websocket: WebSocket) -> None:
        """Run one kiosk's connection until it closes."""
        token = bearer(websocket.headers.get("authorization"))
        kiosk = None
        if token is not None:
            kiosk = await asyncio.to_thread(self._repos.kiosks.by_token, digest(token))
        await websocket.accept()
        if kiosk is None:
            log_event(logger, "kiosk_refused", logging.WARNING, reason="unknown token")
            await websocket.close(POLICY_VIOLATION, "unknown kiosk token: enroll this PC")
            return
        if kiosk.revoked_at is not None:
            log_event(logger, "kiosk_refused", logging.WARNING, kiosk=kiosk.name, reason="revoked")
            await websocket.close(POLICY_VIOLATION, REVOKED)
            return
        link = _Link(kiosk, websocket, self._clock.now())
        old = self._links.get(kiosk.id)
        self._links[kiosk.id] = link
        if old is not None:
            self._fail_waiting(kiosk.id)
            self._clearing.pop(kiosk.id, None)
            with contextlib.suppress(Exception):
                await old.websocket.close(REPLACED, "replaced by a newer connection")
        await self._seen(kiosk)
        log_event(logger, "kiosk_connected", kiosk=kiosk.name, kiosk_id=kiosk.id)
        self._publish(kiosk)
        try:
            await self._read_frames(link)
        finally:
            if self._links.get(kiosk.id) is link:
                del self._links[kiosk.id]
                self._live.pop(kiosk.id, None)
                self._clearing.pop(kiosk.id, None)
                self._fail_waiting(kiosk.id)
                with contextlib.suppress(StorageError):
                    await self._seen(kiosk)
                self._publish(link.kiosk)
            log_event(logger, "kiosk_disconnected", kiosk=kiosk.name, kiosk_id=kiosk.id)

    async def _seen(self, kiosk: Kiosk) -> None:
        now = self._clock.now()
        self._last_seen[kiosk.id] = now
        await asyncio.to_thread(self._repos.kiosks.seen, kiosk.id, now)

    async def _read_frames(self, link: _Link) -> None:
        # A reader task takes frames off the socket into a bounded queue, so the events a
        # kiosk sent while the last ones were being stored are stored together: after a
        # console restart every PC sends its whole outbox at once, and one transaction and
        # one acknowledgement per event cannot keep up with a room of PCs.
        frames: asyncio.Queue[str | bytes | None] = asyncio.Queue(MAX_QUEUED_FRAMES)
        reader = asyncio.create_task(self._receive(link, frames))
        try:
            await self._handle_frames(link, frames)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _receive(self, link: _Link, frames: asyncio.Queue[str | bytes | None]) -> None:
        try:
            while True:
                message = await link.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("text")
                if data is None:
                    data = message.get("bytes") or b""
                await frames.put(data)
        except (WebSocketDisconnect, RuntimeError):
            pass
        await frames.put(None)

    async def _handle_frames(self, link: _Link, frames: asyncio.Queue[str | bytes | None]) -> None:
        greeted = False
        held: str | bytes | None = None
        holding = False
        while True:
            if holding:
                data, holding = held, False
            else:
                data = await frames.get()
            if data is None:
                return
            try:
                frame = decode_kiosk_frame(data)
                if isinstance(frame, Hello):
                    greeted = True
                    await self._hello(link, frame)
                elif not greeted:
                    raise ConsoleProtocolError("hello_first", "send a hello frame first")
                elif isinstance(frame, Event):
                    batch = [frame]
                    # Events already waiting join this one, in order; the first frame that
                    # is not a good event is handled next, as it came.
                    while len(batch) < MAX_EVENT_BATCH and not frames.empty():
                        waiting = frames.get_nowait()
                        try:
                            following = None if waiting is None else decode_kiosk_frame(waiting)
                        except ConsoleProtocolError:
                            following = None
                        if not isinstance(following, Event):
                            held, holding = waiting, True
                            break
                        batch.append(following)
                    await self._events(link, batch)
                elif isinstance(frame, Status):
                    await self._status(link, frame)
                else:
                    await self._result(link, frame)
            except ConsoleProtocolError as exc:
                log_event(
                    logger, "bad_frame", logging.WARNING, kiosk=link.kiosk.name, code=exc.code
                )
                await self._send_error(link, exc.code, exc.message, exc.event_id)
            except StorageError as exc:
                # The kiosk keeps the event in its outbox and sends it again later.
                log_event(logger, "storage_failed", logging.ERROR, error=str(exc))
                await self._send_error(link, "unavailable", "the console cannot store now")
            except (WebSocketDisconnect, RuntimeError):
                return
            except Exception:
                logger.exception("bug while handling a kiosk frame")
                await self._send_error(link, "internal", "the console failed on this frame")

    async def _send_error(
        self, link: _Link, code: str, message: str, event_id: str | None = None
    ) -> None:
        frame = ErrorFrame(code=code[:40], message=message[:500], event_id=event_id)
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await link.send(encode(frame))

    async def _hello(self, link: _Link, hello: Hello) -> None:
        log_event(
            logger,
            "kiosk_hello",
            kiosk=link.kiosk.name,
            agent_version=hello.agent_version,
            policy_version=hello.policy_version,
        )
        welcome = Welcome(
            kiosk_name=link.kiosk.name,
            server_time=self._clock.now(),
            ticket_key=self._ticket_key,
        )
        await link.send(encode(welcome))
        await self._roster_on_hello(link, hello.staff_revision)
        kiosk = link.kiosk
        said = {
            "policy_version": hello.policy_version,
            "agent_version": hello.agent_version,
            # A hello without a card (read failed, an older agent) keeps the one known:
            # the PC is woken when it is off, from what it said when it was on.
            "mac": hello.mac or kiosk.mac,
        }
        if said != {name: getattr(kiosk, name) for name in said}:
            changed = await asyncio.to_thread(self._repos.kiosks.set_reported, kiosk.id, **said)
            if changed is not None:
                self.kiosk_changed(changed)
        current = await asyncio.to_thread(self.policy_of, kiosk.site_id)
        if current is not None and hello.policy_version != current.policy.version:
            await self._send_quietly(
                link,
                Command(
                    command_id=secrets.token_urlsafe(12),
                    action=CommandAction.POLICY_UPDATE,
                    by="console",
                    policy=current.data,
                ),
                {"version": current.network_version, "policy_version": current.policy.version},
            )
        await self._resend_help_answers(link)
        if link.kiosk.out_of_order:
            await self._send_quietly(
                link,
                Command(
                    command_id=secrets.token_urlsafe(12),
                    action=CommandAction.LOCK,
                    by="console",
                    reason=OUT_OF_ORDER,
                ),
                {"reason": OUT_OF_ORDER},
            )

    # -- the staff roster ----------------------------------------------------------------

    async def _roster_on_hello(self, link: _Link, revision: int | None) -> None:
        async with self._roster_lock:
            current = await asyncio.to_thread(self._repos.staff.revision)
            # A PC holding none is as one holding revision 0: a console whose staff never
            # had a PIN has nothing to tell it (it keeps its own first-run PIN).
            link.staff_revision = revision or 0
            link.greeted = True
            if link.staff_revision != current:
                roster = await asyncio.to_thread(self._repos.staff.roster, link.kiosk.site_id)
                await self._send_roster(link, roster)

    async def roster_changed(self) -> None:
        """The staff roster changed (a PIN, an account disabled or enabled, a name or a
        language, who works at which site, a PC moved): send each online PC that holds
        another revision the roster of its site, here and at the console's other
        processes (each sends to its own PCs)."""
        await self._send_rosters()
        self._bus.publish("roster", {})

    def _heard_roster(self, _data: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._send_rosters())
        self._bus_tasks.add(task)
        task.add_done_callback(self._bus_tasks.discard)

    async def _send_rosters(self) -> None:
        async with self._roster_lock:
            revision = await asyncio.to_thread(self._repos.staff.revision)
            links = [
                link
                for link in self._links.values()
                if link.greeted and link.staff_revision != revision
            ]
            rosters: dict[int, StaffRoster] = {}
            for site_id in sorted({link.kiosk.site_id for link in links}):
                rosters[site_id] = await asyncio.to_thread(self._repos.staff.roster, site_id)
            await asyncio.gather(
                *(self._send_roster(link, rosters[link.kiosk.site_id]) for link in links)
            )

    async def watch_staff(self, every: float = STAFF_WATCH_SECONDS) -> None:
        """Until cancelled, every ``every`` seconds, catch up with staff changes made
        outside this process (``epn-console staff disable`` on the console machine): send
        the roster to the PCs holding another revision, close the staff connections whose
        token is gone. The API's own changes are told at once, not by this."""
        while True:
            await asyncio.sleep(every)
            try:
                await self._catch_up_staff()
            except StorageError as exc:
                log_event(logger, "storage_failed", logging.ERROR, error=str(exc))
            except Exception:
                logger.exception("bug while catching up with staff changes")

    async def _catch_up_staff(self) -> None:
        revision = await asyncio.to_thread(self._repos.staff.revision)
        if any(k.greeted and k.staff_revision != revision for k in self._links.values()):
            await self.roster_changed()
        listeners = list(self._listeners)
        if not listeners:
            return
        valid = await asyncio.to_thread(
            self._repos.tokens.valid, [x.token_sha256 for x in listeners], self._clock.now()
        )
        for listener in listeners:
            if listener.token_sha256 not in valid:
                self._log_out(listener, LOGGED_OUT_ELSEWHERE)

    async def _send_roster(self, link: _Link, roster: StaffRoster) -> None:
        try:
            await link.send(encode(roster))
        except (WebSocketDisconnect, RuntimeError, OSError):
            return  # gone: it gets the roster at its next hello
        link.staff_revision = roster.revision
        log_event(
            logger,
            "staff_roster_sent",
            kiosk=link.kiosk.name,
            revision=roster.revision,
            staff=len(roster.staff),
        )

    async def help_answered(self, kiosk_id: int, reason: str, by: str) -> None:
        """Staff closed this PC's help call (``done`` or ``cancelled``): tell the PC, for the
        session that asked. Recorded either way; an offline PC gets it when it connects
        again, and answers ``no_session`` if that visitor has left meanwhile."""
        command = Command(
            command_id=secrets.token_urlsafe(12),
            action=CommandAction.HELP_ANSWERED,
            by=by,
            reason=reason,
            session_id=self._help_sessions.get(kiosk_id),
        )
        parameters: dict[str, Any] = {"reason": reason}
        if command.session_id is not None:
            parameters["session_id"] = command.session_id
        self._clearing.setdefault(kiosk_id, set()).add(command.command_id)
        self._help_changed(kiosk_id)  # the room card stops asking now
        try:
            future = await self.push(kiosk_id, command, parameters)
        except KioskOffline:
            self._clearing.get(kiosk_id, set()).discard(command.command_id)
            return
        future.add_done_callback(ignore_result)

    async def _resend_help_answers(self, link: _Link) -> None:
        # Only those tied to a session: the PC can tell whether that visitor is still there.
        # One without (the call came from the rules screen) is dropped: if the visitor
        # still waits, the PC's status opens the call again and staff see it.
        kiosk_id = link.kiosk.id
        records = await asyncio.to_thread(
            self._repos.commands.unanswered, kiosk_id, CommandAction.HELP_ANSWERED.value
        )
        for record in records:
            session_id = record.parameters.get("session_id")
            if not isinstance(session_id, str):
                continue
            command = Command(
                command_id=record.command_id,
                action=CommandAction.HELP_ANSWERED,
                by=record.by,
                reason=str(record.parameters.get("reason") or "done"),
                session_id=session_id,
            )
            self._clearing.setdefault(kiosk_id, set()).add(command.command_id)
            try:
                future = await self.send_command(kiosk_id, command)
            except KioskOffline:
                return
            future.add_done_callback(ignore_result)
            await asyncio.to_thread(
                self._repos.commands.sent, command.command_id, self._clock.now()
            )
            log_event(logger, "command_resent", kiosk=link.kiosk.name, action=command.action.value)

    def _help_changed(self, kiosk_id: int) -> None:
        """The room card follows what the console now takes the PC to ask."""
        live = self._live.get(kiosk_id)
        link = self._links.get(kiosk_id)
        if live is None or link is None:
            return
        asks = live.status.help_requested and not self._clearing.get(kiosk_id)
        if asks != live.asks_help:
            self._live[kiosk_id] = _Live(live.status, live.at, asks)
            self._publish(link.kiosk)

    async def _send_quietly(
        self, link: _Link, command: Command, parameters: dict[str, Any]
    ) -> None:
        # Nobody waits for this answer: _result stores it (and its effect) when it comes.
        try:
            future = await self.push(link.kiosk.id, command, parameters)
        except KioskOffline:
            return
        future.add_done_callback(ignore_result)
        log_event(logger, "command_pushed", kiosk=link.kiosk.name, action=command.action.value)

    async def _events(self, link: _Link, events: list[Event]) -> None:
        unique = list({e.id: e for e in events}.values())
        new = [NewEvent(e.id, e.at, e.body.kind, e.body.model_dump(mode="json")) for e in unique]
        now = self._clock.now()
        # Stored with what each new event means for the sessions, offline tickets and help
        # queue, in one transaction with the events other PCs sent meanwhile: a resent
        # event changes nothing; the acknowledgement follows the commit.
        await self._writer.store(link.kiosk.id, new, now)
        for e in unique:
            if isinstance(e.body, HelpRequestedBody):
                self._help_sessions[link.kiosk.id] = e.body.session_id
        self._last_seen[link.kiosk.id] = now
        await link.send(encode(Ack(ids=tuple(e.id for e in unique))))

    async def _status(self, link: _Link, status: Status) -> None:
        now = self._clock.now()
        before = self._live.get(link.kiosk.id)
        asked_before = before is not None and before.asks_help
        # Sent before the PC heard that staff closed its call: not a new call.
        asks = status.help_requested and not self._clearing.get(link.kiosk.id)
        if asks and not asked_before:
            await asyncio.to_thread(self._repos.help.open, link.kiosk.id, now)
        elif asked_before and not asks:
            await asyncio.to_thread(self._repos.help.cancel_waiting, link.kiosk.id, now)
        self._live[link.kiosk.id] = _Live(status, now, asks)
        self._last_seen[link.kiosk.id] = now
        link.statuses += 1
        self._publish(link.kiosk)

    async def _result(self, link: _Link, result: CommandResult) -> None:
        stored = await asyncio.to_thread(
            self._repos.commands.answer,
            result.command_id,
            link.kiosk.id,
            ok=result.ok,
            code=result.code,
            message=result.message,
            now=self._clock.now(),
        )
        if stored is None:
            raise ConsoleProtocolError("unknown_command", f"no command {result.command_id}")
        if stored.action == CommandAction.HELP_ANSWERED.value:
            await self._help_answer_came(link, result)
        version = stored.parameters.get("policy_version")
        if stored.action == CommandAction.POLICY_UPDATE.value and result.ok and version:
            changed = await asyncio.to_thread(
                self._repos.kiosks.set_reported, link.kiosk.id, policy_version=str(version)
            )
            if changed is not None:
                self.kiosk_changed(changed)
        waiting = self._waiting.pop(result.command_id, None)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(result)
        relayed = self._relayed.pop(result.command_id, None)
        if relayed is not None:
            answer = {"to": relayed[1], "result": result.model_dump(mode="json")}
            self._bus.publish("result", answer)

    async def _help_answer_came(self, link: _Link, result: CommandResult) -> None:
        kiosk_id = link.kiosk.id
        self._clearing.get(kiosk_id, set()).discard(result.command_id)
        live = self._live.get(kiosk_id)
        if result.ok or live is None or self._clearing.get(kiosk_id):
            # Cleared: the PC's next status says so (the last one may still be older).
            return
        # Refused (that visitor left): what the PC reports now is its new visitor's call.
        if live.status.help_requested and not live.asks_help:
            await asyncio.to_thread(self._repos.help.open, kiosk_id, self._clock.now())
            self._live[kiosk_id] = _Live(live.status, live.at, True)
            self._publish(link.kiosk)

    # -- the console's other processes ----------------------------------------------------

    def on_every_process(self, kind: str, handler: Callable[[dict[str, Any]], None]) -> None:
        """Run ``handler`` (on the event loop) for each ``kind`` message another process
        sends with :meth:`tell_every_process`."""
        self._every_process[kind] = handler

    def tell_every_process(self, kind: str, data: dict[str, Any]) -> None:
        """Run the ``kind`` handler here and in every other process of the console (e.g.
        "send this to every online PC": each process sends it to its own)."""
        handler = self._every_process.get(kind)
        if handler is not None:
            handler(data)
        self._bus.publish(kind, data)

    async def watch_processes(self) -> None:
        """Until cancelled, say every few seconds (``alive_every``) to the console's other
        processes that this one is alive, and take a process not heard from for
        :data:`SILENT_AFTER` of those for dead: its PCs are shown offline (a PC connected
        again to a live process is online there). Nothing to do for a console that is one
        process."""
        if not self._bus.shared:
            return
        while True:
            self._bus.publish("alive", {})
            try:
                self._forget_silent(time.monotonic())
            except Exception:
                logger.exception("bug while looking for silent processes")
            await asyncio.sleep(self._alive_every)

    def _forget_silent(self, at: float) -> None:
        for origin in self._heartbeats.silent(at):
            held = [k for k, by in self._held_by.items() if by == origin]
            log_event(logger, "process_silent", logging.WARNING, process=origin, kiosks=len(held))
            now = self._clock.now().isoformat()
            for kiosk_id in held:
                told = self._forget_remote(kiosk_id)
                self._fail_waiting(kiosk_id)
                if told is None:
                    continue
                tile = {**told, "online": False, "status": None, "help_requested": False}
                message = json.dumps(
                    {"type": "kiosk", "kiosk": tile, "now": now},
                    separators=(",", ":"),
                    ensure_ascii=False,
                )
                self._to_listeners(message, int(tile.get("site_id", 1)))

    def _forget_remote(self, kiosk_id: int) -> dict[str, Any] | None:
        self._held_by.pop(kiosk_id, None)
        return self._remote.pop(kiosk_id, None)

    def _heard_tiles_again(self, message: BusMessage) -> None:
        # Taken for dead by another process, yet alive (it was only slow): its PCs again.
        if message.data.get("to") != self._bus.process_id:
            return
        for link in list(self._links.values()):
            self._publish(link.kiosk)

    def _heard(self, message: BusMessage) -> None:
        if self._heartbeats.heard(message.origin, time.monotonic()):
            self._bus.publish("tiles_again", {"to": message.origin})
        handler = self._bus_handlers.get(message.kind)
        if handler is not None:
            handler(message)
            return
        public = self._every_process.get(message.kind)
        if public is None:
            log_event(logger, "bus_unknown_kind", logging.WARNING, kind=message.kind)
            return
        public(message.data)

    def _heard_tile(self, message: BusMessage) -> None:
        data = message.data
        tile = data["kiosk"]
        kiosk_id = int(tile["id"])
        moved_to = self._moved_to.get(kiosk_id)
        if moved_to is not None and tile.get("site_id") != moved_to:
            # Sent before its process heard of the move: the news is right, the site old.
            tile = {**tile, "site_id": moved_to}
        if kiosk_id in self._links:
            self._forget_remote(kiosk_id)
            return  # an older connection's last word: this process has the PC now
        if tile.get("online"):
            self._remote[kiosk_id] = tile
            self._held_by[kiosk_id] = message.origin
        elif self._held_by.get(kiosk_id, message.origin) != message.origin:
            return  # the last word of a connection it left for another process's
        elif self._forget_remote(kiosk_id) is not None:
            self._fail_waiting(kiosk_id)
        pushed = json.dumps(
            {"type": "kiosk", "kiosk": tile, "now": data.get("now")},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        self._to_listeners(pushed, int(tile.get("site_id", 1)))

    def _heard_to_pc(self, message: BusMessage) -> None:
        data = message.data
        link = self._links.get(int(data["kiosk_id"]))
        if link is None:
            return  # not here (gone meanwhile: the sender's wait ends in "pending")
        self._relayed[str(data["command_id"])] = (link.kiosk.id, message.origin)
        task = asyncio.get_running_loop().create_task(self._relay(link, str(data["frame"])))
        task.add_done_callback(_ignore_task)

    async def _relay(self, link: _Link, frame: str) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await link.send(frame)

    def _heard_result(self, data: dict[str, Any]) -> None:
        if data.get("to") != self._bus.process_id:
            return
        result = CommandResult.model_validate(data["result"])
        waiting = self._waiting.pop(result.command_id, None)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(result)

    # -- staff listeners -----------------------------------------------------------------

    async def serve_staff(self, websocket: WebSocket) -> None:
        """Push the room, then every change, to one staff client until it closes.

        The token comes in the ``Authorization`` header of the handshake, never in the
        address (which proxies and logs keep). A client more than
        :data:`MAX_STAFF_BACKLOG` changes behind is closed with :data:`FELL_BEHIND`."""
        listener = await self._admit(websocket)
        if listener is None:
            return
        who = listener.who
        tasks: list[asyncio.Task[Any]] = []
        sending = asyncio.Lock()  # the pushes and the reader's error frames, one at a time
        closed = False
        log_event(logger, "staff_listening", who=who)
        try:
            kiosks = await asyncio.to_thread(self._repos.kiosks.all)
            room = [
                self.tile(k).model_dump(mode="json")
                for k in kiosks
                if listener.sites is None or k.site_id in listener.sites
            ]
            now = self._clock.now().isoformat()
            await websocket.send_json({"type": "room", "kiosks": room, "now": now})
            reader = asyncio.create_task(self._drain(websocket, sending))
            sender = asyncio.create_task(self._push(websocket, listener, sending))
            dropped = asyncio.create_task(listener.dropped.wait())
            logged_out = asyncio.create_task(listener.logged_out.wait())
            tasks = [reader, sender, dropped, logged_out]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if logged_out.done():
                sender.cancel()
                log_event(logger, "staff_logged_out", who=who)
                closed = True
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        websocket.close(LOGGED_OUT, listener.reason[:120]), DROP_CLOSE_WAIT
                    )
            elif dropped.done():
                sender.cancel()  # it may wait for a client that reads no more
                log_event(
                    logger, "staff_dropped", logging.WARNING, who=who, backlog=MAX_STAFF_BACKLOG
                )
                closed = True
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        websocket.close(FELL_BEHIND, "too far behind: reconnect for the room"),
                        DROP_CLOSE_WAIT,
                    )
            for task in (reader, sender):
                if task.done() and not task.cancelled():
                    task.result()  # a closed connection ends here as it did before
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            self._listeners.discard(listener)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            if not closed and websocket.client_state is WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await websocket.close()

    async def _admit(self, websocket: WebSocket) -> _Listener | None:
        """Accept a staff connection and list it as a listener; None (closed) when its
        token is missing, in the address, or not valid."""
        in_address = "token" in websocket.query_params or websocket.scope.get("epn.query_token")
        token = bearer(websocket.headers.get("authorization"))
        await websocket.accept()
        if in_address:
            await websocket.close(POLICY_VIOLATION, "send the token in the Authorization header")
            return None
        listener: _Listener | None = None
        try:
            principal = await asyncio.to_thread(self._auth.authenticate, token)
            listener = _Listener(
                principal.staff.username,
                principal.staff.id,
                digest(token or ""),
                principal.sites,
            )
            self._listeners.add(listener)
            # Again, now that it is listed: an account logged out during the first check
            # is refused here, or closed by log_out_staff.
            await asyncio.to_thread(self._auth.authenticate, token)
        except NotAuthenticated as exc:
            if listener is not None:
                self._listeners.discard(listener)
            await websocket.close(POLICY_VIOLATION, str(exc)[:120])
            return None
        return listener

    def log_out_staff(self, staff_id: int, reason: str, keep_token: str | None = None) -> int:
        """Close at once every live staff connection of this account (disabled, password
        reset), but the one of token ``keep_token`` (its SHA-256) if given, here and at the
        console's other processes; returns how many here. Their tokens are already
        dropped: a reconnection is refused."""
        self._bus.publish("log_out", {"staff_id": staff_id, "reason": reason, "keep": keep_token})
        return self._log_out_here(staff_id, reason, keep_token)

    def _heard_log_out(self, data: dict[str, Any]) -> None:
        keep = data.get("keep")
        self._log_out_here(int(data["staff_id"]), str(data["reason"]), keep if keep else None)

    def _log_out_here(self, staff_id: int, reason: str, keep_token: str | None) -> int:
        closing = [
            listener
            for listener in self._listeners
            if listener.staff_id == staff_id and listener.token_sha256 != keep_token
        ]
        for listener in closing:
            self._log_out(listener, reason)
        return len(closing)

    def _log_out(self, listener: _Listener, reason: str) -> None:
        self._listeners.discard(listener)
        listener.reason = reason
        listener.logged_out.set()

    @staticmethod
    async def _push(websocket: WebSocket, listener: _Listener, sending: asyncio.Lock) -> None:
        while True:
            message = await listener.queue.get()
            async with sending:
                await websocket.send_text(message)

    @staticmethod
    async def _drain(websocket: WebSocket, sending: asyncio.Lock) -> None:
        # Staff clients send nothing yet; reading is how a closed connection is noticed.
        # Whatever a client sends gets an error frame; the connection stays.
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            async with sending:
                await websocket.send_json(staff_frame_error(message))


def staff_frame_error(message: Mapping[str, Any]) -> dict[str, Any]:
    """The error frame answering one frame a staff client sent (none is expected yet):
    ``malformed`` if it is not a JSON object, ``unknown_type`` otherwise."""
    data = message.get("text")
    if data is None:
        data = message.get("bytes") or b""
    code, text = "unknown_type", "staff clients send no frames"
    if len(data) > MAX_FRAME_BYTES:
        code, text = "too_large", f"a frame is at most {MAX_FRAME_BYTES} bytes"
    else:
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            parsed = None
        if not isinstance(parsed, dict):
            code, text = "malformed", "a frame is a JSON object"
    return {"type": "error", "code": code, "message": text}


def _ignore_task(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


def ignore_result(future: asyncio.Future[CommandResult]) -> None:
    """For a command nobody waits on: its failure (the PC went away) is not an error."""
    if not future.cancelled():
        future.exception()  # a PC gone away is not an error nobody heard of
