"""A clock the tests can move. The agent's real clock lives in ``kiosk.agent``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.core.model import Instant


@dataclass
class FakeClock:
    """Starts at ``wall`` and moves only when told to."""

    wall: dt.datetime
    mono: float = 1000.0

    def now(self) -> Instant:
        """The current reading."""
        return Instant(self.mono, self.wall)

    def advance(self, *, seconds: float = 0.0, minutes: float = 0.0) -> Instant:
        """Move both clocks forward and return the new reading."""
        step = seconds + minutes * 60
        self.mono += step
        self.wall += dt.timedelta(seconds=step)
        return self.now()
