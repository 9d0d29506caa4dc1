"""Visitor access: tickets issued and redeemed, member cards and PINs checked, on the repositories.

Ticket codes are 16 digits signed with the console's ticket key
(:mod:`epn_shared.ticket_codes`), shown once as ``1234 5678 9012 3456`` and kept only
as the SHA-256 of the digits. A PC redeems a code (never a reference); unknown codes from one
PC are slowed down as at the PC itself (:mod:`epn_shared.wrong_tries`).

Member PINs are argon2id hashes; five wrong PINs in a row refuse
the card for five minutes on every PC, and an unknown card number alike. A member's day is
the EPN's local day.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from admin_console.api.tickets import IssuedTicket, StoredTicket
from admin_console.server.auth import AuthService
from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.members import Member, PinTry
from admin_console.server.db.repositories.tickets import NewTicket
from admin_console.server.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyTries
from epn_shared.ticket_codes import (
    code_digest,
    grouped,
    make_code,
    normalise,
    read_code,
    stored_digest,
    typo_ok,
)
from epn_shared.wrong_tries import WRONG_CODE_RULE, WrongTries

MAX_WRONG_PINS = 5
PIN_LOCK = dt.timedelta(minutes=5)
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RANDOM = secrets.SystemRandom()


def new_ticket_ref() -> str:
    """A public reference for a ticket (printed on the sheet, reported by the kiosk)."""
    return "T-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class MemberAllowance:
    """A member whose PIN was right, and the time left today (None: no daily limit)."""

    member: Member
    remaining_seconds: int | None
    pages_printed_today: int = 0


class UnknownCards:
    """Wrong tries on card numbers no member has, counted as the database counts a
    member's (``limit`` in a row refuse the number for ``lock_for``), so that an unknown
    card is refused after as many tries as a known one. In memory, at most ``max_cards``
    numbers (the least recently tried forgotten first)."""

    def __init__(self, limit: int, lock_for: dt.timedelta, max_cards: int = 10_000) -> None:
        self._limit = limit
        self._lock_for = lock_for
        self._max_cards = max_cards
        self._cards: OrderedDict[str, tuple[int, dt.datetime | None]] = OrderedDict()
        self._mutex = threading.Lock()  # the API checks PINs in several threads

    def reserve(self, card: str, now: dt.datetime) -> PinTry:
        """Count a try on ``card`` (see :meth:`MemberRepository.reserve_pin_try`)."""
        with self._mutex:
            count, locked_until = self._cards.pop(card, (0, None))
            if locked_until is not None and locked_until > now:
                self._cards[card] = (count, locked_until)
                return PinTry(counted=False, locked_until=locked_until)
            count += 1
            locked_until = now + self._lock_for if count >= self._limit else None
            self._cards[card] = (0 if locked_until else count, locked_until)
            while len(self._cards) > self._max_cards:
                self._cards.popitem(last=False)
            return PinTry(counted=True, locked_until=locked_until)


class VisitorAccess:
    """Tickets and members, on the repositories, the auth service's hasher and a clock."""

    def __init__(
        self,
        repos: Repositories,
        auth: AuthService,
        clock: Clock,
        timezone: ZoneInfo,
        ticket_key: bytes,
    ) -> None:
        self._repos = repos
        self._auth = auth
        self._clock = clock
        self.timezone = timezone
        self._ticket_key = ticket_key
        self._unknown_cards = UnknownCards(MAX_WRONG_PINS, PIN_LOCK)
        # Unknown codes per PC, in memory: a guesser holding a PC's token cannot restart
        # the console. One lock per PC, held through the check, so parallel requests from
        # one PC are checked one after the other and get no more tries than one at a time.
        self._wrong_codes: dict[int, WrongTries] = {}
        self._redeem_locks: dict[int, threading.Lock] = {}
        self._locks_lock = threading.Lock()

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
        """Sign ``count`` codes and store their digests; returns the codes (shown once).

        A code carries its minutes and expiry week, so only its serial (0-999) varies:
        serials whose code is already stored are left out, the rest drawn at random.
        :class:`Conflict` when fewer than ``count`` are free for these minutes and week."""
        last_day = valid_until.astimezone(self.timezone).date()
        codes = {
            serial: make_code(self._ticket_key, serial, minutes, last_day) for serial in range(1000)
        }
        for _attempt in range(5):
            stored = {serial: self._stored(code) for serial, code in codes.items()}
            taken = self._repos.tickets.taken(set(stored.values()))
            free = [serial for serial in codes if stored[serial] not in taken]
            if len(free) < count:
                raise Conflict(
                    f"only {len(free)} more tickets of {minutes} min can expire in the week of "
                    f"{last_day.isoformat()}: choose another end date"
                )
            drawn = _RANDOM.sample(free, count)
            batch = [
                NewTicket(new_ticket_ref(), stored[serial], minutes, free_pages, valid_until)
                for serial in drawn
            ]
            try:
                added = self._repos.tickets.add_batch(batch, by, self._clock.now())
            except Conflict:
                continue  # made at the same moment by someone else: draw again
            return [
                IssuedTicket(**dict(t), code=grouped(codes[serial]))
                for t, serial in zip(added, drawn, strict=True)
            ]
        raise Conflict("could not draw unused ticket codes; try again")

    def redeem_ticket(self, typed: str, kiosk_id: int, kiosk_name: str) -> StoredTicket:
        """Use the ticket whose code was typed at a PC (once across every PC).

        :class:`InvalidInput` when it is not 16 digits or a digit was mistyped (the Damm
        digit: not a guess, not counted); :class:`TooManyTries` while this PC waits after
        unknown codes (3 free, then 30 s doubling to 15 min, one forgotten per 15 min), the
        code not even looked up; then what the repository says (404 unknown, counted; 409
        used; 410 expired)."""
        digits = normalise(typed)
        if digits is None:
            raise InvalidInput("code", "a ticket code has 16 digits, e.g. 1234 5678 9012 3456")
        if not typo_ok(digits):
            raise InvalidInput("code", "check the code, a digit is wrong")
        with self._redeem_lock(kiosk_id):
            tries = self._wrong_codes.get(kiosk_id, WrongTries())
            # The wall clock: the console's only clock (a test's fake one moves it).
            now = self._clock.now()
            wait = WRONG_CODE_RULE.wait(tries, now)
            if wait > 0:
                raise TooManyTries(now + dt.timedelta(seconds=wait), "ticket codes from this PC")
            try:
                return self._repos.tickets.redeem(self._stored(digits), kiosk_id, now)
            except NotFound:
                self._wrong_codes[kiosk_id] = WRONG_CODE_RULE.counted(tries, now)
                if read_code(self._ticket_key, digits, self.today()) is not None:
                    # Signed with the key yet never issued: the key left a PC, or one guess
                    # in ten million came right.
                    self._auth.audit(
                        f"kiosk {kiosk_name}",
                        "ticket_forged",
                        kiosk_id=kiosk_id,
                        detail="a ticket code signed with the ticket key but never issued "
                        "was typed online (refused)",
                    )
                raise

    def _stored(self, digits: str) -> str:
        # Keyed: a copy of the database without the key gives no code away.
        return stored_digest(self._ticket_key, code_digest(digits))

    def _redeem_lock(self, kiosk_id: int) -> threading.Lock:
        with self._locks_lock:
            return self._redeem_locks.setdefault(kiosk_id, threading.Lock())

    # -- members -------------------------------------------------------------------------

    def check_member(self, card: str, pin: str) -> MemberAllowance:
        """Check a member's PIN at a kiosk and give the time left today.

        :class:`TooManyTries` while the card is refused after five wrong PINs;
        :class:`Forbidden` for a wrong PIN, an unknown card (same answer) or a ban.

        The try is counted before argon2 runs (parallel tries get no more checks than tries
        one after another), and an unknown card is counted, refused and checked against a
        dummy hash exactly like a known card with a wrong PIN: card numbers cannot be told
        from the answers or their time.
        """
        now = self._clock.now()
        found = self._repos.members.credentials(card)
        if found is None:
            counted = self._unknown_cards.reserve(card, now)
        else:
            counted = self._repos.members.reserve_pin_try(card, now, MAX_WRONG_PINS, PIN_LOCK)
            if not counted.counted and counted.locked_until is None:
                found, counted = None, self._unknown_cards.reserve(card, now)  # just deleted
        if not counted.counted:
            assert counted.locked_until is not None
            raise TooManyTries(counted.locked_until, "PINs for this card")
        # No hash (an unknown card): the same argon2 work against a dummy one, never right.
        if found is None or not self._auth.verify_secret(found.secret_hash, pin):
            if found is None:
                self._auth.verify_secret(None, pin)
            if counted.locked_until is not None:
                raise TooManyTries(counted.locked_until, "PINs for this card")
            raise Forbidden("wrong card number or PIN")
        member = found.record
        self._repos.members.record_pin_success(card)
        if member.banned_until is not None and member.banned_until >= self.today():
            reason = f": {member.ban_reason}" if member.ban_reason else ""
            raise Forbidden(f"this card is banned until {member.banned_until.isoformat()}{reason}")
        pages = self._repos.members.pages_printed(card, self.day_start(now))
        if member.daily_allowance_minutes is None:
            return MemberAllowance(member, None, pages)
        used = self._repos.members.seconds_used(card, self.day_start(now), now)
        return MemberAllowance(member, max(0, member.daily_allowance_minutes * 60 - used), pages)
