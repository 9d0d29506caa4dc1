"""The checks on what is typed at the kiosk: ticket codes, member cards and PINs, the
animator PIN. Each is behind a :class:`TryGuard`, so guessing is slow and noticed.

A kiosk without a console checks tickets and members in its local store. An enrolled
kiosk asks the console (:mod:`kiosk.agent.console_api`); when the console cannot be
reached (no link, no answer in time, a 5xx) it applies the offline rules: a ticket code
whose check digits match the console's ticket key, once on this PC, until its expiry week
ends; a member whose card and PIN this PC checked online before, with the time it knew
(or refused, as the policy says).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from admin_console.protocol.tickets import code_digest, normalise, read_code
from kiosk.agent.clock import Clock
from kiosk.agent.console_answers import (
    ConsoleUnreachable,
    MemberBanned,
    TicketRefused,
)
from kiosk.agent.credentials import hash_pin, verify_pin
from kiosk.agent.errors import StoreError, TooManyTries
from kiosk.agent.log import event
from kiosk.agent.store import KnownMember, Store
from kiosk.core.errors import CommandRefused, Refusal
from kiosk.core.guard import TryGuard
from kiosk.core.model import Visitor
from kiosk.core.protocol import Login
from policies import LoginMode, MemberOffline, Policy

if TYPE_CHECKING:
    from kiosk.agent.console_api import ConsoleApi

log = logging.getLogger(__name__)

PIN_TRIES_PER_CARD = 5
LOGIN_TRIES_PER_PC = 20
ANIMATOR_PIN_TRIES = 5
LOCKOUT_SECONDS = 300.0
MAX_CARD_GUARDS = 1000
"""Per-card guards kept in memory; beyond this the ones not locked are forgotten."""
MAX_REDEEMED = 100
"""Console tickets redeemed here whose session has not started, kept in memory."""


@dataclass(frozen=True)
class ConsoleAccess:
    """What the gate of an enrolled kiosk needs: the console's API (None without a
    token), whether the link is up now, and the ticket key last received."""

    api: ConsoleApi | None
    link_up: Callable[[], bool]
    ticket_key: Callable[[], bytes | None]


def _refuse_if_locked(now: float, *guards: TryGuard) -> None:
    wait = max(g.seconds_locked(now) for g in guards)
    if wait > 0:
        raise TooManyTries(f"too many wrong tries; try again in {wait} s", wait)


class Gate:
    """Says who a visitor is (or refuses, with a reason the shell can translate).

    Wrong member PINs count per card and for the whole PC, wrong ticket codes for the whole
    PC; the animator PIN has its own guard. PINs are checked with argon2 in a worker thread.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        animator_pin_hash: str | None,
        console: ConsoleAccess | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._animator_pin_hash = animator_pin_hash
        self._console = console
        # Console tickets redeemed at this PC whose session did not start (the visitor went
        # back from the rules): the same code typed again here is honoured.
        self._redeemed: dict[str, Visitor] = {}
        self._pc_guard = TryGuard(LOGIN_TRIES_PER_PC, LOCKOUT_SECONDS)
        self._card_guards: dict[str, TryGuard] = {}
        self._animator_guard = TryGuard(ANIMATOR_PIN_TRIES, LOCKOUT_SECONDS)

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

    def logged_in(self) -> None:
        """A visitor got in: earlier wrong tries at this PC are forgiven."""
        self._pc_guard.succeeded()

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

    async def animator_pin_matches(self, pin: str) -> bool:
        """Check the animator PIN; raises when none is set or after too many wrong tries."""
        if self._animator_pin_hash is None:
            raise CommandRefused(Refusal.WRONG_PIN, "no animator PIN is set on this PC")
        _refuse_if_locked(self._clock.now().mono, self._animator_guard)
        matches = await asyncio.to_thread(verify_pin, self._animator_pin_hash, pin)
        if matches:
            self._animator_guard.succeeded()
        else:
            self._animator_guard.failed(self._clock.now().mono)
        return matches

    # -- internals -----------------------------------------------------------------------

    def _ticket(self, code: str) -> Visitor:
        now = self._clock.now()
        _refuse_if_locked(now.mono, self._pc_guard)
        ticket = self._store.find_ticket(code)
        if ticket is None:
            problem = "unknown ticket code"
        elif ticket.used_at is not None:
            problem = "this ticket was already used"
        elif ticket.valid_until <= now.wall:
            problem = "this ticket has expired"
        else:
            return Visitor(
                LoginMode.TICKET, reference=str(ticket.id), ticket_minutes=ticket.minutes
            )
        self._pc_guard.failed(now.mono)
        raise CommandRefused(Refusal.BAD_TICKET, problem)

    async def _member(self, card: str, pin: str, policy: Policy) -> Visitor:
        if not card or not pin:
            raise CommandRefused(Refusal.BAD_MEMBER, "a card number and a PIN are needed")
        guard = self._card_guard(card)
        _refuse_if_locked(self._clock.now().mono, guard, self._pc_guard)
        member = self._store.member(card)
        matches = await asyncio.to_thread(verify_pin, member.pin_hash if member else None, pin)
        now = self._clock.now()
        if not matches or member is None:
            # An unknown card gets the same answer as a wrong PIN: card numbers stay secret.
            guard.failed(now.mono)
            self._pc_guard.failed(now.mono)
            raise CommandRefused(Refusal.WRONG_PIN, "wrong card number or PIN")
        guard.succeeded()
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

    def _wrong(self, now: float, *guards: TryGuard) -> None:
        for guard in guards:
            guard.failed(now)

    async def _console_ticket(self, code: str) -> Visitor:
        _refuse_if_locked(self._clock.now().mono, self._pc_guard)
        digits = normalise(code)
        if digits is None:
            self._wrong(self._clock.now().mono, self._pc_guard)
            raise CommandRefused(Refusal.BAD_TICKET, "this is not a ticket code")
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
                    return kept
                self._wrong(self._clock.now().mono, self._pc_guard)
                raise
            else:
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
        return self._offline_ticket(digits)

    def _offline_ticket(self, digits: str) -> Visitor:
        now = self._clock.now()
        today = now.wall.date()
        key = self._console.ticket_key() if self._console is not None else None
        ticket = None if key is None else read_code(key, digits, today)
        if key is None:
            problem = "the console cannot be reached and no ticket key is known yet"
        elif ticket is None:
            problem = "unknown ticket code"
        elif ticket.expired(today):
            problem = "this ticket has expired"
        elif self._store.offline_ticket_used(ticket.digest):
            problem = "this ticket was already used on this PC"
        else:
            event(log, "ticket_offline", minutes=ticket.minutes)
            return Visitor(
                LoginMode.TICKET,
                ticket_minutes=ticket.minutes,
                ticket_digest=ticket.digest,
                offline=True,
            )
        self._wrong(now.mono, self._pc_guard)
        raise CommandRefused(Refusal.BAD_TICKET, problem)

    async def _console_member(self, card: str, pin: str, policy: Policy) -> Visitor:
        if not card or not pin:
            raise CommandRefused(Refusal.BAD_MEMBER, "a card number and a PIN are needed")
        guard = self._card_guard(card)
        _refuse_if_locked(self._clock.now().mono, guard, self._pc_guard)
        api = self._online()
        if api is not None:
            try:
                checked = await api.check_member(card, pin)
            except ConsoleUnreachable:
                pass  # the offline rules below
            except MemberBanned as exc:
                guard.succeeded()  # the PIN was right
                if exc.until is not None:
                    try:
                        self._store.ban_known_member(card, exc.until)
                    except StoreError as store_error:
                        event(log, "store_failed", logging.ERROR, error=str(store_error))
                raise
            except TooManyTries:
                raise
            except CommandRefused:
                self._wrong(self._clock.now().mono, guard, self._pc_guard)
                raise
            else:
                guard.succeeded()
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
        return await self._offline_member(card, pin, guard, policy)

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
        self, card: str, pin: str, guard: TryGuard, policy: Policy
    ) -> Visitor:
        if policy.members.offline is MemberOffline.REFUSE:
            raise CommandRefused(
                Refusal.MEMBERS_UNREACHABLE, "the member service cannot be reached"
            )
        known = self._store.known_member(card)
        matches = await asyncio.to_thread(verify_pin, known.pin_hash if known else None, pin)
        now = self._clock.now()
        if not matches or known is None:
            # Never checked online here, or a wrong PIN: the same answer.
            self._wrong(now.mono, guard, self._pc_guard)
            raise CommandRefused(Refusal.WRONG_PIN, "wrong card number or PIN")
        guard.succeeded()
        today = now.wall.date()
        if known.banned_until is not None and known.banned_until >= today:
            raise CommandRefused(Refusal.MEMBER_BANNED, "this card is suspended")
        event(log, "member_offline")
        return _member_visitor(card, known.seconds_left(today), policy, offline=True)

    def _card_guard(self, card: str) -> TryGuard:
        guard = self._card_guards.get(card)
        if guard is None:
            if len(self._card_guards) >= MAX_CARD_GUARDS:
                now = self._clock.now().mono
                self._card_guards = {
                    c: g for c, g in self._card_guards.items() if g.seconds_locked(now) > 0
                }
            guard = self._card_guards[card] = TryGuard(PIN_TRIES_PER_CARD, LOCKOUT_SECONDS)
        return guard


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
