"""Restarting the display manager when the screen is left without a visitor session:
LightDM logs the visitor in only when it starts, so after a wipe stopped the visitor's X
session, or the shell died, only a restart brings the next login."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from epn_shared.json_log import event
from kiosk.agent.clock import Clock
from kiosk.core.model import Instant

log = logging.getLogger(__name__)

DISPLAY_CHECK_AFTER_WIPE = 3.0
"""Seconds after a wipe before the display manager is restarted if no shell is back."""
DISPLAY_CHECK_AFTER_LOSS = 5.0
"""Seconds after the last shell left, outside a session, before the same check."""
DISPLAY_CHECK_AT_START = 120.0
"""Seconds after the agent starts: a PC whose shell never connected gets a new login."""


@dataclasses.dataclass(eq=False)
class DisplayWatch:
    """Restarts ``unit`` (None: never) when a check comes due, unless ``not_needed()`` (a
    shell is connected, or a wipe runs and checks after itself)."""

    unit: str | None
    clock: Clock
    not_needed: Callable[[], bool]
    _check: tuple[float, str] | None = dataclasses.field(default=None, init=False)
    """When (agent clock) to see whether a shell is there, and why."""

    def check_later(self, delay: float, reason: str) -> None:
        """In ``delay`` seconds, restart the display manager unless a shell is connected."""
        if self.unit is not None:
            self._check = (self.clock.now().mono + delay, reason)

    def tick(self, now: Instant) -> None:
        """Run the check if it is due."""
        if self._check is None or now.mono < self._check[0]:
            return
        reason = self._check[1]
        self._check = None
        if self.not_needed():
            return
        if self.unit is not None:
            asyncio.get_running_loop().create_task(
                self._restart(self.unit, reason), name="display-manager"
            )

    @staticmethod
    async def _restart(unit: str, reason: str) -> None:
        argv = ("systemctl", "restart", "--no-block", unit)
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
            )
            _, error = await process.communicate()
        except OSError as exc:
            event(log, "display_manager_failed", logging.ERROR, unit=unit, error=str(exc))
            return
        if process.returncode != 0:
            detail = error.decode(errors="replace").strip()[:300]
            event(log, "display_manager_failed", logging.ERROR, unit=unit, error=detail)
            return
        event(log, "display_manager_restarted", unit=unit, reason=reason)
