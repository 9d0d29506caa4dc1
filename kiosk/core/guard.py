"""Rate limit for secrets typed at the kiosk (animator PIN, member PIN)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class TryGuard:
    """After ``max_failures`` wrong tries, refuse every try for ``lockout_seconds``.

    Time is passed in (monotonic seconds); a success clears the count.
    """

    max_failures: int = 5
    lockout_seconds: float = 300.0
    _failures: int = 0
    _locked_until: float = field(default=float("-inf"))

    def allowed(self, now: float) -> bool:
        """May a try be checked now?"""
        return now >= self._locked_until

    def seconds_locked(self, now: float) -> int:
        """Whole seconds before tries are accepted again (0 when they are)."""
        if self.allowed(now):
            return 0  # also before any lockout, when the end is minus infinity
        return math.ceil(self._locked_until - now)

    def failed(self, now: float) -> None:
        """Count a wrong try; lock out after too many."""
        self._failures += 1
        if self._failures >= self.max_failures:
            self._failures = 0
            self._locked_until = now + self.lockout_seconds

    def succeeded(self) -> None:
        """A right try forgets earlier wrong ones."""
        self._failures = 0
