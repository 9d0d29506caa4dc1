"""Ticket codes a kiosk can check on its own, when the console cannot be reached.

A code is 16 digits, printed and read as four groups, ``1234 5678 9012 3456`` (typed with
spaces, dashes or nothing between them):

======  =======================================================================
digits  meaning
======  =======================================================================
1-3     a serial, 000-999 (free for these minutes and this week)
4-5     the minutes divided by 5 (01-99: 5 to 495 minutes)
6-8     the week the ticket expires: weeks since Monday 2024-01-01, modulo 1000
9-15    7 digits of an HMAC-SHA256 of digits 1-8 under the console's ticket key
16      a Damm check digit over digits 1-15
======  =======================================================================

The console gives its ticket key to each kiosk in its ``welcome`` frame. Online, the
console decides alone (its database knows the exact end date and whether the code was
used); offline, a kiosk accepts a code whose HMAC digits match, for the minutes it carries,
until the end of its expiry week, once on that PC, and tells the console afterwards.

**Typing mistakes.** The Damm digit catches every single wrong digit and every swap of two
neighbouring digits, so a visitor who mistyped hears "a digit is wrong" at once
(:func:`typo_ok`). That answer is not a guess: the Damm rule is public, anyone computes it,
so a code failing it tells a guesser nothing and costs a kiosk nothing to refuse.

**Guessing, offline.** An attacker at a PC whose console is unreachable wants any code the
PC accepts. They choose the first 8 digits (any serial, 495 minutes, this week) and compute
the Damm digit themselves, so only the 7 HMAC digits are unknown: 10**7 values, one right.
Without the key (HMAC-SHA256, 32 random bytes) no value is likelier than another, so trying
them one by one needs 10**7 / 2 = 5,000,000 tries on average. A PC lets through 3 wrong
codes, then waits 30 s doubling up to 15 minutes between tries, and forgets one wrong try
per 15 minutes, the count kept across logins and restarts: past the first few, one try per
15 minutes, **4 tries an hour** at best. 5,000,000 / 4 = 1,250,000 hours, about
**140 years** of round-the-clock typing at one PC in full view of the staff; the first
year gives a chance of 4 * 24 * 365 / 10**7 = 0.35 %. Each PC counts on its own: k PCs
guessed at once divide the time by k (10 PCs: 14 years). Online, the console answers for
the codes it issued and throttles wrong ones per PC the same way.

Anyone holding the key (root on an enrolled kiosk, the console's data folder) can make
codes: the key is kept with the kiosk's token, readable only by the agent's user. A code
the console never issued that a PC accepted offline is flagged to staff when the PC reports
it. The old 12-digit codes (4 HMAC digits, no Damm digit) are not read any more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

CODE_DIGITS = 16
BODY_DIGITS = 8
"""Serial, minutes and week: what a code says by itself."""
MAC_DIGITS = 7
MAC_SPACE = 10**MAC_DIGITS
"""The values an offline guesser must try among (the rest of a code is known or computed)."""
MINUTES_STEP = 5
MAX_MINUTES = 99 * MINUTES_STEP
KEY_BYTES = 32
WEEK_ZERO = dt.date(2024, 1, 1)
"""A Monday: week 0 of the codes' expiry weeks."""
_WEEKS = 1000
_LABEL = b"epn-ticket-v2:"
_SEPARATORS = "- \t"

# The Damm quasigroup of order 10 (H. M. Damm, 2004): weakly totally anti-symmetric, so
# one wrong digit or two neighbours swapped always change the result; its diagonal is 0.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


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
        """The SHA-256 a kiosk reports of this code (the console keys it before storing)."""
        return code_digest(self.digits)

    def expired(self, today: dt.date) -> bool:
        """True once the expiry week is over."""
        return today > self.last_day


def normalise(typed: str) -> str | None:
    """The 16 digits of a typed code (dashes and spaces ignored); None if it cannot be one.

    Only the shape is checked: :func:`typo_ok` then says whether a digit was mistyped."""
    digits = "".join(ch for ch in typed if ch not in _SEPARATORS)
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def damm_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return str(interim)


def typo_ok(digits: str) -> bool:
    """True when a normalised code's last digit is the Damm digit of the first 15.

    False means the visitor mistyped (or the text is not 16 digits): tell them a digit is
    wrong; it is not a guess at the key and need not count as one."""
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return False
    return damm_digit(digits) == "0"  # the digit over all 16 is 0 when the last one fits


def code_digest(digits: str) -> str:
    """The SHA-256 of a normalised code: what a kiosk reports of a code it let in offline
    (never the code itself); the console stores :func:`stored_digest` of it."""
    return hashlib.sha256(digits.encode()).hexdigest()


def stored_digest(key: bytes, digest: str) -> str:
    """What the console stores of a code and looks it up by: an HMAC-SHA256 of its
    :func:`code_digest` under the ticket key.

    A plain SHA-256 would not do: a code's minutes and week are guessable, leaving about
    10**10 codes, seconds on a GPU, so a copy of the database would give away every unused
    code. Keyed, the stored value says nothing without the key. (The key's check-digit
    messages all start with a label, a hex digest never does: the two uses cannot meet.)"""
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


def grouped(digits: str) -> str:
    """A code as printed and read aloud: ``1234 5678 9012 3456``."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def week_of(day: dt.date) -> int:
    """The expiry-week number of a date (modulo 1000)."""
    return ((day - WEEK_ZERO).days // 7) % _WEEKS


def check_digits(key: bytes, body: str) -> str:
    """The 7 HMAC digits of the first 8 digits under ``key``."""
    mac = hmac.new(key, _LABEL + body.encode(), hashlib.sha256).digest()
    # 64 bits modulo 10**7: the bias is below 10**-12, no value is measurably likelier.
    return f"{int.from_bytes(mac[:8], 'big') % MAC_SPACE:0{MAC_DIGITS}d}"


def make_code(key: bytes, serial: int, minutes: int, last_day: dt.date) -> str:
    """The 16 digits of a ticket: ``minutes`` a multiple of 5 up to 495, ``serial`` 0–999,
    valid (offline) until the end of the week of ``last_day``."""
    if len(key) < 16:
        raise TicketCodeError("the ticket key is too short")
    if not 0 <= serial < 1000:
        raise TicketCodeError("serial: 0 to 999")
    if minutes % MINUTES_STEP or not MINUTES_STEP <= minutes <= MAX_MINUTES:
        raise TicketCodeError(f"minutes: a multiple of {MINUTES_STEP} up to {MAX_MINUTES}")
    body = f"{serial:03d}{minutes // MINUTES_STEP:02d}{week_of(last_day):03d}"
    signed = body + check_digits(key, body)
    return signed + damm_digit(signed)


def read_code(key: bytes, typed: str, today: dt.date) -> OfflineTicket | None:
    """The ticket a typed code carries if its Damm digit is right and its HMAC digits match
    ``key``; else None.

    The expiry week is taken as the one nearest ``today`` (within 500 weeks) with that
    number, so a code keeps its meaning for about nine years around its making."""
    digits = normalise(typed)
    if digits is None or not typo_ok(digits):
        return None
    body, check = digits[:BODY_DIGITS], digits[BODY_DIGITS : BODY_DIGITS + MAC_DIGITS]
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
