"""The checks on what is typed at the kiosk: ticket codes, member cards and PINs, the
animator PIN. Each is behind a guard kept in the store (:mod:`epn_shared.wrong_tries`), so
guessing is slow at this PC whatever the guesser does between tries: log in as a walk-in,
go back from the rules, restart the agent, reboot the PC or set its clock back.

Guards: one for the whole PC (wrong ticket codes and wrong member logins together: 3 free,
then 30 s doubling up to 15 min, one forgotten per 15 min), one per card number and one for
the animator PIN (5 free each, then the same delays; one guard for every staff member's
PIN, whichever name is tapped, so naming someone else gains no tries). A try is counted
before its slow check (argon2 here, or the console's answer) and given back only when it
was right, so 60 parallel connections get no more checks than one connection trying again
and again. No login, right or wrong, forgives earlier wrong tries.

A kiosk without a console checks tickets and members in its local store. An enrolled
kiosk asks the console (:mod:`kiosk.agent.console_api`); when the console cannot be
reached (no link, no answer in time, a 5xx) it applies the offline rules: a ticket code
whose check digits match the console's ticket key, once on this PC, until its expiry week
ends; a member whose card and PIN this PC checked online before, with the time it knew
(or refused, as the policy says). An unknown card and a wrong PIN get the same answer
after the same argon2 work, on every path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from epn_shared.json_log import event
from epn_shared.ticket_codes import code_digest, normalise, read_code, typo_ok
from epn_shared.wrong_tries import WRONG_CODE_RULE, GuardRule
from kiosk.agent.clock import Clock
from kiosk.agent.console_answers import (
    ConsoleUnreachable,
    MemberBanned,
    TicketRefused,
)
from kiosk.agent.credentials import hash_pin, verify_pin
from kiosk.agent.errors import StoreError
from kiosk.agent.store import KnownMember, Reservation, Store
from kiosk.core.errors import CommandRefused, Refusal
from kiosk.core.model import Visitor
from kiosk.core.protocol import Login
from policies import LoginMode, MemberOffline, Policy

if TYPE_CHECKING:
    from kiosk.agent.console_api import ConsoleApi
    from kiosk.agent.staff_roster import StaffRoster

log = logging.getLogger(__name__)

PC_RULE = WRONG_CODE_RULE
"""Wrong ticket codes and member logins at this PC, together."""
CARD_RULE = GuardRule(free_tries=5)
"""Wrong PINs for one card number at this PC (an unknown card counts the same)."""
ANIMATOR_RULE = GuardRule(free_tries=5)
"""Wrong animator PINs at this PC."""
PC_GUARD = "pc"
ANIMATOR_GUARD = "animator"
CARD_GUARD = "card:"
MAX_REDEEMED = 100
"""Console tickets redeemed here whose session has not started, kept in memory."""

PinVerifier = Callable[[str | None, str], bool]
"""Checks a PIN against an argon2id hash (None: a dummy hash, the same work, never right).
Slow on purpose: the gate runs it in a worker thread."""


@dataclass(frozen=True)
class ConsoleAccess:
    """What the gate of an enrolled kiosk needs: the console's API (None without a
    token), whether the link is up now, and the ticket key last received."""

    api: ConsoleApi | None
    link_up: Callable[[], bool]
    ticket_key: Callable[[], bytes | None]


WRONG_MEMBER = "wrong card number or PIN"


@dataclass(frozen=True)
class StaffKey:
    """Who opened the staff key: a person of the console's roster, or (``staff_id`` None)
    the PC's own first-run PIN."""

    staff_id: int | None = None
    name: str | None = None
    language: str | None = None
    """Their staff menu's language (fr, nl or en); None: the room's."""


class LoginChecks:
    """Says who a visitor is (or refuses, with a reason the shell can translate).

    Every try of a secret is counted on its guards before it is checked and given back
    when right (see the module). PINs are checked by ``verify`` (argon2) in a worker thread.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        animator_pin_hash: str | None,
        console: ConsoleAccess | None = None,
        *,
        verify: PinVerifier = verify_pin,
        roster: StaffRoster | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._animator_pin_hash = animator_pin_hash
        self._roster = roster
        self._console = console
        self._verify = verify
        # Console tickets redeemed at this PC whose session did not start (the visitor went
        # back from the rules): the same code typed again here is honoured.
        self._redeemed: dict[str, Visitor] = {}

    async def identify(self, request: Login, policy: Policy) -> Visitor:
        """The visitor a login request describes, once its ticket or card + PIN checks out."""
        if request.mode is LoginMode.WALK_IN:
            return Visitor(LoginMode.WALK_IN)
        if request.mode is LoginMode.TICKET:
            if self._console is not None:
                return await self._console_ticket(request.code or "")
            return self._ticket(request.code or "")
        card, pin = (request.card or "").strip(), request.pin or ""
        if self._console is not None:
            return await self._console_member(card, pin, policy)
        return await self._member(card, pin, policy)

    def session_started(self, visitor: Visitor) -> None:
        """The session of ``visitor`` started: a ticket it used is spent for good."""
        if visitor.ticket_ref is not None:
            self._redeemed = {
                d: v for d, v in self._redeemed.items() if v.ticket_ref != visitor.ticket_ref
            }

    def offline_ticket_to_spend(self, visitor: Visitor) -> str | None:
        """The digest of an offline ticket a session is about to use (None otherwise);
        refuses if this PC used it meanwhile."""
        digest = visitor.ticket_digest
        if digest is None:
            return None
        if self._store.offline_ticket_used(digest):
            raise CommandRefused(Refusal.BAD_TICKET, "this ticket was already used on this PC")
        return digest

    def ticket_to_spend(self, visitor: Visitor) -> int | None:
        """The id of the ticket a session is about to use (None without a ticket);
        refuses if it was spent meanwhile."""
        if visitor.mode is not LoginMode.TICKET or not visitor.reference:
            return None
        ticket = self._store.ticket(int(visitor.reference))
        if ticket is None or ticket.used_at is not None:
            raise CommandRefused(Refusal.BAD_TICKET, "this ticket was already used")
        return ticket.id

    @property
    def staff_key_set(self) -> bool:
        """Some PIN can open the staff key here: the roster's, or the PC's own."""
        if self._roster is not None and not self._roster.empty:
            return True
        return self._animator_pin_hash is not None

    async def animator_pin_matches(self, pin: str, staff_id: int | None = None) -> StaffKey | None:
        """Whose staff key ``pin`` opens (None: nobody's); raises when no PIN is set or
        after too many wrong tries.

        With a roster, ``pin`` is checked against the hash of the person ``staff_id`` names
        only (an unknown or missing id costs the same argon2 work, and is never right);
        without one, against the PC's own PIN. Every try counts on the one animator guard.
        """
        roster = self._roster
        if (roster is None or roster.empty) and self._animator_pin_hash is None:
            raise CommandRefused(Refusal.WRONG_PIN, "no animator PIN is set on this PC")
        reservation = self._reserve({ANIMATOR_GUARD: ANIMATOR_RULE})
        if roster is None or roster.empty:
            if not await self._check_pin(self._animator_pin_hash, pin):
                return None
            if roster is not None and not roster.empty:
                return None  # the console's staff came during the check: theirs only now
            who = StaffKey()
        else:
            member = roster.member(staff_id)
            if not await self._check_pin(member.pin_hash if member else None, pin):
                return None
            assert member is not None  # a dummy hash never matches
            if roster.member(staff_id) != member:
                # A new roster came during the check: that PIN may just have been revoked.
                return None
            who = StaffKey(member.id, member.name, member.language)
        self._take_back(reservation)
        return who

    # -- the guards ----------------------------------------------------------------------

    def _reserve(self, rules: dict[str, GuardRule]) -> Reservation:
        """Count the try as wrong on every guard, before anything is checked (raises
        :class:`TooManyTries` while one of them makes tries wait)."""
        now = self._clock.now().wall
        try:
            return self._store.reserve_try(rules, now)
        except StoreError as exc:
            # Fail closed: a try that cannot be counted is not checked.
            event(log, "store_failed", logging.ERROR, error=str(exc))
            raise CommandRefused(Refusal.BUSY, "this PC cannot check codes now") from exc

    def _take_back(self, reservation: Reservation) -> None:
        """The secret was right: its try does not count."""
        try:
            self._store.take_back(reservation)
        except StoreError as exc:
            # The try stays counted: slower for the next visitor, never faster for a guesser.
            event(log, "store_failed", logging.ERROR, error=str(exc))

    def _member_guards(self, card: str) -> dict[str, GuardRule]:
        now = self._clock.now().wall
        try:
            self._store.forget_old_tries(CARD_GUARD, CARD_RULE, now)
        except StoreError as exc:
            event(log, "store_failed", logging.ERROR, error=str(exc))
        return {CARD_GUARD + card: CARD_RULE, PC_GUARD: PC_RULE}

    async def _check_pin(self, pin_hash: str | None, pin: str) -> bool:
        """argon2 in a worker thread; None checks against a dummy hash (same work, never
        right), so an unknown card costs as long as a wrong PIN."""
        matches = await asyncio.to_thread(self._verify, pin_hash, pin)
        return matches and pin_hash is not None

    # -- without a console ---------------------------------------------------------------

    def _ticket(self, code: str) -> Visitor:
        now = self._clock.now()
        reservation = self._reserve({PC_GUARD: PC_RULE})
        ticket = self._store.find_ticket(code)
        if ticket is None:
            problem = "unknown ticket code"
        elif ticket.used_at is not None:
            problem = "this ticket was already used"
        elif ticket.valid_until <= now.wall:
            problem = "this ticket has expired"
        else:
            self._take_back(reservation)
            return Visitor(
                LoginMode.TICKET, reference=str(ticket.id), ticket_minutes=ticket.minutes
            )
        raise CommandRefused(Refusal.BAD_TICKET, problem)

    async def _member(self, card: str, pin: str, policy: Policy) -> Visitor:
        if not card or not pin:
            raise CommandRefused(Refusal.BAD_MEMBER, "a card number and a PIN are needed")
        reservation = self._reserve(self._member_guards(card))
        member = self._store.member(card)
        if not await self._check_pin(member.pin_hash if member else None, pin):
            # An unknown card gets the same answer as a wrong PIN: card numbers stay secret.
            raise CommandRefused(Refusal.WRONG_PIN, WRONG_MEMBER)
        assert member is not None  # a dummy hash never matches
        self._take_back(reservation)
        now = self._clock.now()
        if member.banned_until is not None and member.banned_until > now.wall:
            until = member.banned_until.astimezone(now.wall.tzinfo).strftime("%Y-%m-%d %H:%M")
            raise CommandRefused(Refusal.MEMBER_BANNED, f"this card is suspended until {until}")
        used = self._store.member_seconds_used(card, now.wall.date())
        if member.daily_allowance_minutes is not None:
            # The engine counts against the policy's daily allowance: shift what is "used"
            # so that what is left matches this member's own allowance.
            used += (policy.session.daily_allowance_minutes - member.daily_allowance_minutes) * 60
        return Visitor(LoginMode.MEMBER, reference=card, used_today_seconds=used)

    # -- with a console ---------------------------------------------------------------

    def _online(self) -> ConsoleApi | None:
        console = self._console
        if console is None or console.api is None or not console.link_up():
            return None
        return console.api

    async def _console_ticket(self, code: str) -> Visitor:
        digits = normalise(code)
        if digits is None:
            # Not the shape of a code: nothing secret is checked, nothing is counted.
            raise CommandRefused(Refusal.BAD_TICKET, "this is not a ticket code")
        if not typo_ok(digits):
            # A mistyped digit (the public Damm check): a guesser computes that digit anyway,
            # so refusing it tells nothing, and a visitor's slip must not slow them down.
            raise CommandRefused(Refusal.TICKET_TYPO, "a digit of the code is mistyped")
        reservation = self._reserve({PC_GUARD: PC_RULE})
        digest = code_digest(digits)
        api = self._online()
        if api is not None:
            try:
                redeemed = await api.redeem_ticket(digits)
            except ConsoleUnreachable:
                pass  # the offline rules below
            except TicketRefused as exc:
                kept = self._redeemed.get(digest)
                if exc.already_used and kept is not None:
                    self._take_back(reservation)
                    return kept
                raise
            else:
                self._take_back(reservation)
                visitor = Visitor(
                    LoginMode.TICKET,
                    ticket_minutes=redeemed.minutes,
                    ticket_ref=redeemed.ref,
                    free_pages=redeemed.free_pages,
                )
                if len(self._redeemed) >= MAX_REDEEMED:
                    self._redeemed.clear()
                self._redeemed[digest] = visitor
                return visitor
        return self._offline_ticket(digits, reservation)

    def _offline_ticket(self, digits: str, reservation: Reservation) -> Visitor:
        now = self._clock.now()
        today = now.wall.date()
        key = self._console.ticket_key() if self._console is not None else None
        if key is None:
            self._take_back(reservation)  # nothing was checked
            raise CommandRefused(
                Refusal.BAD_TICKET, "the console cannot be reached and no ticket key is known yet"
            )
        ticket = read_code(key, digits, today)
        if ticket is None:
            problem = "unknown ticket code"
        elif ticket.expired(today):
            problem = "this ticket has expired"
        elif self._store.offline_ticket_used(ticket.digest):
            problem = "this ticket was already used on this PC"
        else:
            self._take_back(reservation)
            event(log, "ticket_offline", minutes=ticket.minutes)
            return Visitor(
                LoginMode.TICKET,
                ticket_minutes=ticket.minutes,
                ticket_digest=ticket.digest,
                offline=True,
            )
        raise CommandRefused(Refusal.BAD_TICKET, problem)

    async def _console_member(self, card: str, pin: str, policy: Policy) -> Visitor:
        if not card or not pin:
            raise CommandRefused(Refusal.BAD_MEMBER, "a card number and a PIN are needed")
        reservation = self._reserve(self._member_guards(card))
        api = self._online()
        if api is not None:
            try:
                checked = await api.check_member(card, pin)
            except ConsoleUnreachable:
                pass  # the offline rules below, on the same reservation
            except MemberBanned as exc:
                self._take_back(reservation)  # the PIN was right
                if exc.until is not None:
                    try:
                        self._store.ban_known_member(card, exc.until)
                    except StoreError as store_error:
                        event(log, "store_failed", logging.ERROR, error=str(store_error))
                raise
            else:
                self._take_back(reservation)
                await self._remember(
                    card, pin, checked.daily_allowance_seconds, checked.remaining_seconds
                )
                return _member_visitor(
                    card,
                    checked.remaining_seconds,
                    policy,
                    offline=False,
                    pages_printed_today=checked.pages_printed_today,
                )
            # A wrong PIN, an unknown card or the console's own limit (TooManyTries) is
            # passed on as it came, and the try stays counted here.
        return await self._offline_member(card, pin, reservation, policy)

    async def _remember(
        self, card: str, pin: str, allowance: int | None, remaining: int | None
    ) -> None:
        """Keep what the console said, for when it cannot be reached (the PIN as an
        argon2id hash made here: the console never sends its own)."""
        pin_hash = await asyncio.to_thread(hash_pin, pin)
        now = self._clock.now()
        known = KnownMember(card, pin_hash, allowance, remaining, now.wall.date())
        try:
            self._store.remember_member(known, now.wall)
        except StoreError as exc:
            event(log, "store_failed", logging.ERROR, error=str(exc))

    async def _offline_member(
        self, card: str, pin: str, reservation: Reservation, policy: Policy
    ) -> Visitor:
        if policy.members.offline is MemberOffline.REFUSE:
            self._take_back(reservation)  # nothing was checked
            raise CommandRefused(
                Refusal.MEMBERS_UNREACHABLE, "the member service cannot be reached"
            )
        known = self._store.known_member(card)
        if not await self._check_pin(known.pin_hash if known else None, pin):
            # Never checked online here, or a wrong PIN: the same answer.
            raise CommandRefused(Refusal.WRONG_PIN, WRONG_MEMBER)
        assert known is not None  # a dummy hash never matches
        self._take_back(reservation)
        today = self._clock.now().wall.date()
        if known.banned_until is not None and known.banned_until >= today:
            raise CommandRefused(Refusal.MEMBER_BANNED, "this card is suspended")
        event(log, "member_offline")
        return _member_visitor(card, known.seconds_left(today), policy, offline=True)


def _member_visitor(
    card: str,
    remaining: int | None,
    policy: Policy,
    *,
    offline: bool,
    pages_printed_today: int = 0,
) -> Visitor:
    """A member with ``remaining`` seconds today (None: only the policy's limits).

    The engine counts against the policy's daily allowance: "used" is shifted so that what
    is left is the console's figure, across every PC."""
    used = 0 if remaining is None else policy.session.daily_allowance_minutes * 60 - remaining
    return Visitor(
        LoginMode.MEMBER,
        reference=card,
        used_today_seconds=used,
        offline=offline,
        pages_printed_today=pages_printed_today,
    )
