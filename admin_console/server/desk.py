"""The front desk: tickets, members and the help queue, on the repositories.

Ticket codes are 8 digits shown once as ``1234-5678`` and kept only as the SHA-256 of the
digits, as the kiosk keeps its own. Member PINs are argon2id hashes; five wrong PINs in a row
refuse the card for five minutes on every PC. A member's day is the EPN's local day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from admin_console.server.auth import AuthService
from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Member, NewTicket, Repositories, Ticket
from admin_console.server.errors import Conflict, Forbidden, TooManyTries

TICKET_DIGITS = 8
MAX_WRONG_PINS = 5
PIN_LOCK = dt.timedelta(minutes=5)
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_ticket_code() -> str:
    """A random ticket code, grouped for reading aloud: ``1234-5678``."""
    digits = f"{secrets.randbelow(10**TICKET_DIGITS):0{TICKET_DIGITS}d}"
    return f"{digits[:4]}-{digits[4:]}"


def normalise_ticket_code(typed: str) -> str | None:
    """The 8 digits of a typed code (dashes and spaces ignored); None if it cannot be one."""
    digits = "".join(ch for ch in typed if ch not in "- \t")
    if len(digits) != TICKET_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def ticket_digest(digits: str) -> str:
    """What the database keeps of a normalised code."""
    return hashlib.sha256(digits.encode()).hexdigest()


def new_ticket_ref() -> str:
    """A public reference for a ticket (printed on the sheet, reported by the kiosk)."""
    return "T-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class IssuedTicket:
    """A new ticket and its code: the only time the code exists outside a visitor's hand."""

    ticket: Ticket
    code: str


@dataclass(frozen=True)
class MemberAllowance:
    """A member whose PIN was right, and the time left today (None: no daily limit)."""

    member: Member
    remaining_seconds: int | None


class Desk:
    """Tickets and members, on the repositories, the auth service's hasher and a clock."""

    def __init__(
        self, repos: Repositories, auth: AuthService, clock: Clock, timezone: ZoneInfo
    ) -> None:
        self._repos = repos
        self._auth = auth
        self._clock = clock
        self.timezone = timezone

    def today(self) -> dt.date:
        """The EPN's local date now."""
        return self._clock.now().astimezone(self.timezone).date()

    def day_start(self, now: dt.datetime) -> dt.datetime:
        """Local midnight at the start of ``now``'s day, aware."""
        local = now.astimezone(self.timezone)
        return dt.datetime.combine(local.date(), dt.time(), tzinfo=self.timezone)

    # -- tickets -------------------------------------------------------------------------

    def issue_tickets(
        self, count: int, minutes: int, valid_until: dt.datetime, free_pages: int, by: str
    ) -> list[IssuedTicket]:
        """Draw ``count`` codes and store their digests; returns the codes (shown once)."""
        for _attempt in range(5):
            codes: dict[str, str] = {}
            while len(codes) < count:
                code = new_ticket_code()
                codes[ticket_digest(code.replace("-", ""))] = code
            batch = [
                NewTicket(new_ticket_ref(), sha, minutes, free_pages, valid_until) for sha in codes
            ]
            try:
                stored = self._repos.tickets.add_batch(batch, by, self._clock.now())
            except Conflict:
                continue  # a code already given out was drawn again: draw the batch anew
            return [IssuedTicket(t, code) for t, code in zip(stored, codes.values(), strict=True)]
        raise Conflict("could not draw unused ticket codes; try again")

    # -- members -------------------------------------------------------------------------

    def check_member(self, card: str, pin: str) -> MemberAllowance:
        """Check a member's PIN at a kiosk and give the time left today.

        :class:`TooManyTries` while the card is refused after five wrong PINs;
        :class:`Forbidden` for a wrong PIN, an unknown card (same answer) or a ban.
        """
        now = self._clock.now()
        found = self._repos.members.credentials(card)
        if found is None:
            self._auth.verify_secret(None, pin)  # as slow as a wrong PIN: cards can't be probed
            raise Forbidden("wrong card number or PIN")
        member = found.member
        if member.pin_locked_until is not None and member.pin_locked_until > now:
            raise TooManyTries(member.pin_locked_until, "PINs for this card")
        if not self._auth.verify_secret(found.pin_hash, pin):
            locked = self._repos.members.record_pin_failure(card, now, MAX_WRONG_PINS, PIN_LOCK)
            if locked is not None:
                raise TooManyTries(locked, "PINs for this card")
            raise Forbidden("wrong card number or PIN")
        self._repos.members.record_pin_success(card)
        if member.banned_until is not None and member.banned_until >= self.today():
            reason = f": {member.ban_reason}" if member.ban_reason else ""
            raise Forbidden(f"this card is banned until {member.banned_until.isoformat()}{reason}")
        if member.daily_allowance_minutes is None:
            return MemberAllowance(member, None)
        used = self._repos.members.seconds_used(card, self.day_start(now), now)
        return MemberAllowance(member, max(0, member.daily_allowance_minutes * 60 - used))
