"""The agent's real clocks: CLOCK_BOOTTIME for durations, local wall time for display."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Protocol

from kiosk.core.model import Instant

BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")


class Clock(Protocol):
    """Anything that reads the time (:class:`SystemClock`, or a fake in tests)."""

    def now(self) -> Instant:
        """The current reading of both clocks."""
        ...


class SystemClock:
    """Reads CLOCK_BOOTTIME and the local wall clock.

    BOOTTIME keeps counting while the agent is stopped and while the PC sleeps, so a
    restarted agent finds the right time left, and a suspended PC does not pause a session.
    It restarts at every boot: the boot id tells the agent its readings no longer compare.
    """

    def now(self) -> Instant:
        """The current reading."""
        return Instant(
            mono=time.clock_gettime(time.CLOCK_BOOTTIME), wall=dt.datetime.now().astimezone()
        )


def boot_id(path: Path = BOOT_ID_PATH) -> str:
    """The kernel's random id of this boot; it changes at every restart of the PC."""
    return path.read_text(encoding="ascii").strip()
