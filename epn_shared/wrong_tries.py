"""Wrong tries at a secret (ticket code, PIN, password): some free, then a wait that grows.

One rule both products run: the kiosk agent for codes and PINs typed at a PC (its counts
kept in the agent's store, so a restart or a reboot forgets nothing), the console for
ticket codes a PC sends it (per PC token, in memory: a guesser cannot restart the console).
Pure: the caller passes the wall-clock time in.

A :class:`GuardRule` gives ``free_tries`` wrong tries free, then makes the next try wait,
twice as long after each further wrong one, up to a cap; one wrong try is forgotten per
``forget_after`` seconds without a new one, and a right try forgets nothing (a guesser who
also holds one real code gains nothing by using it). In the long run a guesser gets one try
per ``forget_after``: each try adds one to the count and only time takes one away. With
:data:`WRONG_CODE_RULE` that is 4 tries an hour (:func:`most_tries` counts it exactly).

A try is counted *before* the slow check (argon2, or a question to the console): the
caller reserves it with :meth:`GuardRule.counted`, and only a right answer takes the
reservation back (:func:`taken_back`). So many parallel tries get no more checks than one
try after the other.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

_MAX_DOUBLINGS = 60
"""Beyond this the delay is at its cap anyway; keeps ``2 ** n`` a small number."""


@dataclass(frozen=True, slots=True)
class WrongTries:
    """Wrong tries still remembered, and the wall time of the newest one (None: none yet)."""

    count: int = 0
    last: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class GuardRule:
    """``free_tries`` wrong tries without waiting; then the next try waits ``first_delay``
    seconds after the last wrong one, doubling at each further wrong try up to
    ``max_delay``; one wrong try is forgotten per ``forget_after`` seconds without a new
    one."""

    free_tries: int
    first_delay: float = 30.0
    max_delay: float = 15 * 60.0
    forget_after: float = 15 * 60.0

    def delay(self, count: int) -> float:
        """Seconds the next try waits after the last of ``count`` wrong tries."""
        if count < self.free_tries:
            return 0.0
        doublings = min(count - self.free_tries, _MAX_DOUBLINGS)
        return min(self.max_delay, math.ldexp(self.first_delay, doublings))

    def remembered(self, tries: WrongTries, now: dt.datetime) -> int:
        """How many of ``tries`` still count at ``now``."""
        if tries.last is None or tries.count <= 0:
            return 0
        elapsed = max(0.0, (now - tries.last).total_seconds())  # a clock set back: now
        return max(0, tries.count - math.floor(elapsed / self.forget_after))

    def wait(self, tries: WrongTries, now: dt.datetime) -> int:
        """Whole seconds before a try may be checked (0: now)."""
        if tries.last is None:
            return 0
        # A clock set back (last try "in the future") counts as a try made now: the wait
        # starts again rather than shrinking or vanishing.
        last = min(tries.last, now)
        left = (last - now).total_seconds() + self.delay(self.remembered(tries, now))
        return max(0, math.ceil(left))

    def counted(self, tries: WrongTries, now: dt.datetime) -> WrongTries:
        """``tries`` with one more wrong try at ``now`` (the reservation of a try)."""
        return WrongTries(self.remembered(tries, now) + 1, now)


def clock_set_back(tries: WrongTries, now: dt.datetime) -> WrongTries:
    """``tries`` with a newest try "in the future" (the clock was set back) moved to
    ``now``: kept so, the wait runs from the clock's new time instead of until it catches
    up with the old one."""
    if tries.last is None or tries.last <= now:
        return tries
    return WrongTries(tries.count, now)


def taken_back(current: WrongTries, before: WrongTries, reserved: WrongTries) -> WrongTries:
    """A right answer gives its reservation back: the count as it was ``before`` when
    nothing was counted since (``current`` is still what was ``reserved``), else one less
    with the newest try's time kept (another try was counted meanwhile)."""
    if current == reserved:
        return before
    if current.count <= 1:
        return WrongTries(0, current.last)
    return WrongTries(current.count - 1, current.last)


def most_tries(rule: GuardRule, seconds: float) -> int:
    """The most tries a guesser can have checked within ``seconds`` of a first try, all
    wrong, each made as soon as the rule allows (waiting longer never gains: a try
    forgotten needs ``forget_after`` seconds, the longest delay is no longer)."""
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    now, tries, made = start, WrongTries(), 0
    end = start + dt.timedelta(seconds=seconds)
    while True:
        now += dt.timedelta(seconds=rule.wait(tries, now))
        if now > end:
            return made
        tries = rule.counted(tries, now)
        made += 1


WRONG_CODE_RULE = GuardRule(free_tries=3)
"""Wrong ticket codes (and member logins) from one PC: 3 free, then 30 s doubling to 15
minutes, one forgotten per 15 minutes. The PC applies it to what is typed there, the
console to the codes a PC's token sends it."""
