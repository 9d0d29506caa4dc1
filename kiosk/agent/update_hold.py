"""The update hold: while ``epn-kiosk update`` installs a new version, no visitor session
may start on this PC, so the agent's restart at the end of the upgrade never ends one.

The hold lives in the agent (not in a lock file of the updater) because only the agent
knows whether a session is in progress and decides logins, on one event loop: granting the
hold and refusing a login can never interleave. It is in memory only, so the agent's restart
by the package's postinst ends it, and it ends by itself after ``bound_seconds`` (measured
on the agent's monotonic clock), so an updater killed while it holds never leaves the room
unusable.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable

from epn_shared.json_log import event
from kiosk.core.model import Instant, State

log = logging.getLogger(__name__)

FREE_STATES = frozenset({State.WAITING, State.DONE})
"""Nobody's session is in progress: the PC waits for a visitor, or shows the receipt of a
session already erased (as for starting a workshop)."""


class HoldRefused(Exception):
    """The hold cannot be granted now; ``code`` says why (``in_session``, ``update_running``)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


@dataclasses.dataclass(frozen=True)
class Hold:
    """One granted hold: its token (the updater's, to release it) and when it ends by itself."""

    token: str
    ends_mono: float


class UpdateHold:
    """At most one hold at a time; ``free()`` says whether a session is in progress."""

    def __init__(
        self,
        bound_seconds: float,
        free: Callable[[], bool],
        changed: Callable[[bool], None] = lambda held: None,
    ) -> None:
        self.bound_seconds = bound_seconds
        self._free = free
        self._changed = changed
        self._hold: Hold | None = None

    def held(self, now: Instant) -> bool:
        """True while a hold is in force (an expired one is ended first)."""
        self.expire(now)
        return self._hold is not None

    def grant(self, now: Instant) -> Hold:
        """Hold the PC for an update; :class:`HoldRefused` when a session is in progress or
        another update holds it."""
        if self.held(now):
            raise HoldRefused("update_running", "another update is running on this PC")
        if not self._free():
            raise HoldRefused("in_session", "a visitor is using this PC")
        hold = self._hold = Hold(secrets.token_hex(16), now.mono + self.bound_seconds)
        event(log, "update_hold_granted", seconds=self.bound_seconds)
        self._changed(True)
        return hold

    def release(self, token: str) -> bool:
        """End the hold whose token this is; False when no such hold is in force."""
        hold = self._hold
        if hold is None or not secrets.compare_digest(hold.token, token):
            return False
        self._hold = None
        event(log, "update_hold_released")
        self._changed(False)
        return True

    def expire(self, now: Instant) -> bool:
        """End the hold if its time is over; True when it ended now."""
        if self._hold is None or now.mono < self._hold.ends_mono:
            return False
        self._hold = None
        # The updater did not say it was done: killed, or its upgrade hung.
        event(log, "update_hold_expired", logging.WARNING, seconds=self.bound_seconds)
        self._changed(False)
        return True

    def seconds_left(self, now: Instant) -> float:
        """Until the hold ends by itself (0 without a hold)."""
        if not self.held(now):
            return 0.0
        assert self._hold is not None
        return max(0.0, self._hold.ends_mono - now.mono)
