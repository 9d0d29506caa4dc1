"""The checks on what is typed at the kiosk: ticket codes, member cards and PINs, the
animator PIN. Each is behind a :class:`TryGuard`, so guessing is slow and noticed."""

from __future__ import annotations

import asyncio

from kiosk.agent.clock import Clock
from kiosk.agent.credentials import verify_pin
from kiosk.agent.errors import TooManyTries
from kiosk.agent.store import Store
from kiosk.core.errors import CommandRefused, Refusal
from kiosk.core.guard import TryGuard
from kiosk.core.model import Visitor
from kiosk.core.protocol import Login
from policies import LoginMode, Policy

PIN_TRIES_PER_CARD = 5
LOGIN_TRIES_PER_PC = 20
ANIMATOR_PIN_TRIES = 5
LOCKOUT_SECONDS = 300.0
MAX_CARD_GUARDS = 1000
"""Per-card guards kept in memory; beyond this the ones not locked are forgotten."""


def _refuse_if_locked(now: float, *guards: TryGuard) -> None:
    wait = max(g.seconds_locked(now) for g in guards)
    if wait > 0:
        raise TooManyTries(f"too many wrong tries; try again in {wait} s", wait)


class Gate:
    """Says who a visitor is (or refuses, with a reason the shell can translate).

    Wrong member PINs count per card and for the whole PC, wrong ticket codes for the whole
    PC; the animator PIN has its own guard. PINs are checked with argon2 in a worker thread.
    """

    def __init__(self, store: Store, clock: Clock, animator_pin_hash: str | None) -> None:
        self._store = store
        self._clock = clock
        self._animator_pin_hash = animator_pin_hash
        self._pc_guard = TryGuard(LOGIN_TRIES_PER_PC, LOCKOUT_SECONDS)
        self._card_guards: dict[str, TryGuard] = {}
        self._animator_guard = TryGuard(ANIMATOR_PIN_TRIES, LOCKOUT_SECONDS)

    async def identify(self, request: Login, policy: Policy) -> Visitor:
        """The visitor a login request describes, once its ticket or card + PIN checks out."""
        if request.mode is LoginMode.WALK_IN:
            return Visitor(LoginMode.WALK_IN)
        if request.mode is LoginMode.TICKET:
            return self._ticket(request.code or "")
        return await self._member((request.card or "").strip(), request.pin or "", policy)

    def logged_in(self) -> None:
        """A visitor got in: earlier wrong tries at this PC are forgiven."""
        self._pc_guard.succeeded()

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
