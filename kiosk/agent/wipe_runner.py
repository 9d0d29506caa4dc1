"""A fresh home before each session, a wipe after it: the wiper run in a worker thread,
retried until it works, under one lock so that no login starts meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator

from epn_shared.json_log import event
from kiosk.agent.clock import Clock
from kiosk.agent.display_watch import DISPLAY_CHECK_AFTER_WIPE, DisplayWatch
from kiosk.agent.errors import WipeError
from kiosk.agent.session_keeper import WIPE_STATES, SessionKeeper
from kiosk.agent.wiper import Wiper
from kiosk.core.errors import CommandRefused, Refusal
from kiosk.core.model import State

log = logging.getLogger(__name__)

WIPE_RETRY_MAX_SECONDS = 60.0
STOP_WIPE_SECONDS = 60.0
"""On a stop, how long to wait for a wipe that keeps failing before exiting anyway."""


@dataclasses.dataclass(eq=False)
class WipeRunner:
    """Prepares the home for a session and wipes it when the engine says so."""

    keeper: SessionKeeper
    wiper: Wiper
    clock: Clock
    display: DisplayWatch
    _home_lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock, init=False)
    _task: asyncio.Task[None] | None = dataclasses.field(default=None, init=False)

    @property
    def busy(self) -> bool:
        """The home is being prepared or wiped."""
        return self._home_lock.locked()

    @contextlib.asynccontextmanager
    async def prepared_home(self, refusal: str) -> AsyncIterator[None]:
        """Hold the home, made fresh for a session, while the session starts; refuse as
        BUSY with ``refusal`` when it cannot be made."""
        async with self._home_lock:
            try:
                await asyncio.to_thread(self.wiper.prepare)
            except (OSError, WipeError) as exc:
                log.exception("prepare_failed", extra={"event": "prepare_failed", "fields": {}})
                raise CommandRefused(Refusal.BUSY, refusal) from exc
            yield

    def ensure(self) -> None:
        """Start the wipe if the engine is ending or wiping and none runs."""
        if self.keeper.engine.state not in WIPE_STATES:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._wipe(), name="wipe")

    async def finish(self) -> None:
        """On a stop: wipe if needed and wait for it (at most :data:`STOP_WIPE_SECONDS`)."""
        self.ensure()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_WIPE_SECONDS)
        except TimeoutError:
            # The journal still says WIPING: the next start wipes before any login.
            event(log, "wipe_unfinished", logging.ERROR, waited=STOP_WIPE_SECONDS)
            self._task.cancel()

    async def cancel(self) -> None:
        """Stop a running wipe where it is (as a kill would)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _wipe(self) -> None:
        """Erase the visitor's data; retry until it works (no login meanwhile)."""
        keeper, engine = self.keeper, self.keeper.engine
        async with self._home_lock:
            if engine.state is State.ENDING:
                now = self.clock.now()
                keeper.change(now, lambda: engine.wipe_started(now))
            delay = 1.0
            while True:
                try:
                    receipt = await asyncio.to_thread(self.wiper.wipe)
                    break
                except (OSError, WipeError):
                    log.exception(
                        "wipe_failed", extra={"event": "wipe_failed", "fields": {"retry_in": delay}}
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, WIPE_RETRY_MAX_SECONDS)
            now = self.clock.now()
            keeper.change(now, lambda: engine.wipe_finished(now, receipt))
            keeper.recovering = False
            # The wipe stopped the visitor's X session with the shell in it.
            self.display.check_later(DISPLAY_CHECK_AFTER_WIPE, "wiped")
