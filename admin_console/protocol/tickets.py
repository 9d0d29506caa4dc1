"""Ticket codes a kiosk can check on its own, when the console cannot be reached.

A code is 12 digits, printed as ``123-45-678-9012``: a serial (3 digits), the minutes
divided by 5 (2 digits), the week the ticket expires (3 digits: weeks since 2024-01-01,
modulo 1000) and a 4-digit HMAC-SHA256 of the first eight under the console's ticket key.
The console gives that key to each kiosk in its ``welcome`` frame. Online, the console
decides alone (its database knows the exact end date and whether the code was used);
offline, a kiosk accepts a code whose check digits match, for the minutes it carries,
until the end of its expiry week, once on that PC, and tells the console afterwards.

Four check digits make one random guess in 10,000 right; a kiosk allows 20 wrong codes
then refuses for 5 minutes, so guessing a session offline takes days at a PC in full view.
Anyone holding the key (root on an enrolled kiosk) can make codes: the key is kept with
the kiosk's token, readable only by the agent's user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

CODE_DIGITS = 12
MINUTES_STEP = 5
MAX_MINUTES = 99 * MINUTES_STEP
KEY_BYTES = 32
WEEK_ZERO = dt.date(2024, 1, 1)
"""A Monday: week 0 of the codes' expiry weeks."""
_WEEKS = 1000
_CHECK = 10_000
_LABEL = b"epn-ticket-v1:"


class TicketCodeError(ValueError):
    """Values that no ticket code can carry."""


@dataclass(frozen=True, slots=True)
class OfflineTicket:
    """What a checked code says by itself."""

    digits: str
    minutes: int
    last_day: dt.date
    """The Sunday ending the week in which the ticket expires (local date)."""

    @property
    def digest(self) -> str:
        """The SHA-256 the console keeps of this code."""
        return code_digest(self.digits)

    def expired(self, today: dt.date) -> bool:
        """True once the expiry week is over."""
        return today > self.last_day


def normalise(typed: str) -> str | None:
    """The 12 digits of a typed code (dashes and spaces ignored); None if it cannot be one."""
    digits = "".join(ch for ch in typed if ch not in "- \t")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def code_digest(digits: str) -> str:
    """What the console stores of a normalised code (never the code itself)."""
    return hashlib.sha256(digits.encode()).hexdigest()


def grouped(digits: str) -> str:
    """A code as printed and read aloud: ``123-45-678-9012``."""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:8]}-{digits[8:]}"


def week_of(day: dt.date) -> int:
    """The expiry-week number of a date (modulo 1000)."""
    return ((day - WEEK_ZERO).days // 7) % _WEEKS


def check_digits(key: bytes, body: str) -> str:
    """The 4 check digits of the first 8 digits under ``key``."""
    mac = hmac.new(key, _LABEL + body.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % _CHECK:04d}"


def make_code(key: bytes, serial: int, minutes: int, last_day: dt.date) -> str:
    """The 12 digits of a ticket: ``minutes`` a multiple of 5 up to 495, ``serial`` 0–999,
    valid (offline) until the end of the week of ``last_day``."""
    if len(key) < 16:
        raise TicketCodeError("the ticket key is too short")
    if not 0 <= serial < 1000:
        raise TicketCodeError("serial: 0 to 999")
    if minutes % MINUTES_STEP or not MINUTES_STEP <= minutes <= MAX_MINUTES:
        raise TicketCodeError(f"minutes: a multiple of {MINUTES_STEP} up to {MAX_MINUTES}")
    body = f"{serial:03d}{minutes // MINUTES_STEP:02d}{week_of(last_day):03d}"
    return body + check_digits(key, body)


def read_code(key: bytes, typed: str, today: dt.date) -> OfflineTicket | None:
    """The ticket a typed code carries if its check digits match ``key``; else None.

    The expiry week is taken as the one nearest ``today`` (within 500 weeks) with that
    number, so a code keeps its meaning for about nine years around its making."""
    digits = normalise(typed)
    if digits is None:
        return None
    body, check = digits[:8], digits[8:]
    if not hmac.compare_digest(check_digits(key, body), check):
        return None
    minutes = int(body[3:5]) * MINUTES_STEP
    if minutes == 0:
        return None
    current = (today - WEEK_ZERO).days // 7
    week = int(body[5:8])
    offset = (week - current) % _WEEKS
    if offset >= _WEEKS // 2:
        offset -= _WEEKS
    monday = WEEK_ZERO + dt.timedelta(weeks=current + offset)
    return OfflineTicket(digits, minutes, monday + dt.timedelta(days=6))
