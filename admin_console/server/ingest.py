"""Event ingest: the events that arrive together from many PCs, stored in one transaction.

Each PC's connection hands the events it just read to :class:`EventWriter` and waits; one
writer task takes every arrival waiting, stores them all in one transaction (one commit:
what a busy console spends most on when each event is its own) and wakes each connection
with its own events' outcome, which then acknowledges them. While a transaction runs, the
next arrivals gather, so the batches grow with the load and a lone event waits for no
timer. Nothing is acknowledged before its transaction committed.

A batch that fails is stored again one PC at a time, so a PC whose events cannot be stored
(a bug, a value the database refuses) holds back nobody else's; that PC gets the failure,
the others their events stored.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from admin_console.server.db.repositories.events import Arrival, EventRepository, NewEvent
from admin_console.server.errors import StorageError

MAX_WRITE_BATCH = 1000
"""Most events stored in one transaction (from all the PCs waiting)."""


@dataclass(frozen=True)
class _Waiting:
    arrival: Arrival
    future: asyncio.Future[list[NewEvent]]


class EventWriter:
    """Stores the events of all PCs, those that arrive together in one transaction."""

    def __init__(self, events: EventRepository, max_batch: int = MAX_WRITE_BATCH) -> None:
        self._events = events
        self._max_batch = max_batch
        self._pending: collections.deque[_Waiting] = collections.deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def store(
        self, kiosk_id: int, events: Sequence[NewEvent], now: dt.datetime
    ) -> list[NewEvent]:
        """Store PC ``kiosk_id``'s events (received at ``now``) with what the new ones
        mean, once committed; returns those that were new. Raises what storing them raised
        (:class:`~admin_console.server.errors.StorageError` when the database failed)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[NewEvent]] = loop.create_future()
        self._pending.append(_Waiting(Arrival(kiosk_id, tuple(events), now), future))
        self._start(loop)
        self._wake.set()
        return await future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._task is not None and not self._task.done() and self._loop is loop:
            return
        # A first arrival, or a new event loop (a server started again in one process).
        self._loop = loop
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run(), name="event writer")

    async def close(self) -> None:
        """Stop the writer; arrivals not stored yet fail with :class:`StorageError` (their
        PCs send them again: nothing was acknowledged)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise  # the caller itself is being cancelled
        while self._pending:
            _fail(self._pending.popleft(), _stopping())

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch = self._take()
                try:
                    await self._write(batch)
                except asyncio.CancelledError:
                    for waiting in batch:  # perhaps committed: a resend changes nothing
                        _fail(waiting, _stopping())
                    raise

    def _take(self) -> list[_Waiting]:
        batch = [self._pending.popleft()]
        count = len(batch[0].arrival.events)
        while self._pending and count + len(self._pending[0].arrival.events) <= self._max_batch:
            waiting = self._pending.popleft()
            batch.append(waiting)
            count += len(waiting.arrival.events)
        return batch

    async def _write(self, batch: list[_Waiting]) -> None:
        arrivals = [w.arrival for w in batch]
        try:
            news = await asyncio.to_thread(self._events.add_together, arrivals)
        except Exception as exc:
            if len(batch) == 1:
                _fail(batch[0], exc)
                return
            for waiting in batch:  # one PC at a time: the one that fails fails alone
                try:
                    alone = await asyncio.to_thread(self._events.add_together, [waiting.arrival])
                except Exception as failed:
                    _fail(waiting, failed)
                else:
                    _done(waiting, alone[0])
            return
        for waiting, new in zip(batch, news, strict=True):
            _done(waiting, new)


def _stopping() -> StorageError:
    return StorageError("the console is stopping")


def _done(waiting: _Waiting, new: list[NewEvent]) -> None:
    if not waiting.future.done():  # its connection may have closed meanwhile
        waiting.future.set_result(new)


def _fail(waiting: _Waiting, exc: Exception) -> None:
    if not waiting.future.done():
        waiting.future.set_exception(exc)
