"""The schedule that makes guessing slow: how long a client waits after wrong tries.

The first :data:`FREE_TRIES` wrong tries cost nothing (a visitor mistypes); after that each
wrong try closes the door for :data:`FIRST_WAIT_SECONDS`, doubling at each further wrong try
up to :data:`MAX_WAIT_SECONDS`. One wrong try is forgotten every :data:`FORGET_SECONDS`, and
a right try forgets nothing, so a guesser who also holds one real code gains nothing by
using it. In the long run a guesser gets one try per ``FORGET_SECONDS``: each try adds one
to the count and only time takes one away, and with the count at 9 or more every try is
followed by the longest wait. With the defaults: 4 tries an hour.

Pure: the caller passes the time (monotonic seconds) and keeps the state where it must
survive (in memory at the console, which a guesser cannot restart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FREE_TRIES = 3
FIRST_WAIT_SECONDS = 30.0
MAX_WAIT_SECONDS = 15 * 60.0
FORGET_SECONDS = 15 * 60.0


def wait_after(failures: int) -> float:
    """Seconds to wait after the ``failures``-th wrong try in a row (0 for the free ones)."""
    if failures <= FREE_TRIES:
        return 0.0
    # min() before the power would overflow for a count nobody can reach; cap it first.
    doublings = min(failures - FREE_TRIES - 1, 32)
    wait: float = FIRST_WAIT_SECONDS * 2.0**doublings
    return min(wait, MAX_WAIT_SECONDS)


@dataclass
class WrongTries:
    """The wrong tries of one client (a PC, a kiosk's token) and the door they closed."""

    failures: int = 0
    counted_at: float = 0.0
    """When ``failures`` was last brought up to date (forgetting counts from here)."""
    locked_until: float = float("-inf")

    def _forget(self, now: float) -> None:
        if self.failures == 0:
            self.counted_at = now
            return
        forgotten = int((now - self.counted_at) // FORGET_SECONDS)
        if forgotten > 0:
            self.failures = max(0, self.failures - forgotten)
            self.counted_at += forgotten * FORGET_SECONDS
        elif now < self.counted_at:  # the monotonic clock never goes back; a restored state may
            self.counted_at = now

    def seconds_locked(self, now: float) -> int:
        """Whole seconds before a try is checked again (0: now)."""
        if now >= self.locked_until:
            return 0
        return math.ceil(self.locked_until - now)

    def failed(self, now: float) -> int:
        """Count a wrong try at ``now``; returns the seconds until the next one is checked."""
        self._forget(now)
        self.failures += 1
        if self.failures == 1:
            self.counted_at = now
        wait = wait_after(self.failures)
        if wait > 0:
            self.locked_until = now + wait
        return self.seconds_locked(now)
