"""Wall-clock time for records and expiries, passed in so tests can move it."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol


class Clock(Protocol):
    """Gives the current time, aware, in UTC."""

    def now(self) -> dt.datetime:
        """The current time (aware)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> dt.datetime:
        """The current time in UTC."""
        return dt.datetime.now(dt.UTC)


class FakeClock:
    """A clock that moves only when told to (tests); safe to read from the server's threads."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        """The fake current time."""
        with self._lock:
            return self._now

    def advance(self, *, seconds: float = 0.0, minutes: float = 0.0, hours: float = 0.0) -> None:
        """Move the clock forward."""
        with self._lock:
            self._now += dt.timedelta(seconds=seconds, minutes=minutes, hours=hours)
