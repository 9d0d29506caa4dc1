"""A console stand-in for the staff roster tests: a real WebSocket server on 127.0.0.1 that
speaks ``epn_shared.protocol`` — it welcomes each kiosk, stores and acknowledges its events,
keeps its hellos, and sends it staff rosters (or any text frame) when the test says.

The real console sends rosters from its staff accounts; this one lets a test send exactly
the roster (or the broken frame) it needs, to one real agent enrolled over ``ws://``
(:func:`helpers.kiosk_endpoint.enrolled_agent`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from helpers.kiosk_endpoint import KioskEndpoint
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

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


class RosterConsole(KioskEndpoint):
    """The console side of one kiosk's link; see the module's docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.hellos: list[Hello] = []
        self.events: list[Event] = []
        self.on_welcome: Callable[[Hello], StaffRoster | None] | None = None
        """What roster to send right after the welcome, given the kiosk's hello."""

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
        self._wait_connections(count, timeout)
        return self.hellos[-1]

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


@contextmanager
def roster_console() -> Iterator[RosterConsole]:
    """A running console stand-in on a free port."""
    console = RosterConsole().start()
    try:
        yield console
    finally:
        console.stop()
