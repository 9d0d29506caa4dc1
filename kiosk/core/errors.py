"""Errors of the session engine."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.model import State


class KioskError(Exception):
    """Base of every error raised by the kiosk packages."""


class IllegalTransition(KioskError):
    """A move the state table does not allow: a bug in the caller, never a visitor's doing."""

    def __init__(self, source: State, target: State) -> None:
        self.source = source
        self.target = target
        super().__init__(f"illegal transition {source} -> {target}")


class Refusal(StrEnum):
    """Why a command was refused; the shell turns each into a sentence in the visitor's language."""

    LOCKED = "locked"
    NO_SESSION = "no_session"
    MODE_NOT_ALLOWED = "mode_not_allowed"
    LANGUAGE_NOT_OFFERED = "language_not_offered"
    NO_TIME_LEFT = "no_time_left"
    RULES_CHANGED = "rules_changed"
    BAD_EXTENSION = "bad_extension"
    BAD_MESSAGE = "bad_message"
    BAD_TICKET = "bad_ticket"
    TICKET_TYPO = "ticket_typo"
    """A 16-digit code whose Damm check digit is wrong: a digit was mistyped (not a guess)."""
    BAD_MEMBER = "bad_member"
    MEMBER_BANNED = "member_banned"
    WRONG_PIN = "wrong_pin"
    TOO_MANY_TRIES = "too_many_tries"
    BUSY = "busy"
    MEMBERS_UNREACHABLE = "members_unreachable"
    """The console, which keeps the member accounts, cannot be reached (and the policy
    refuses members then)."""
    ALREADY_PAIRED = "already_paired"
    """Staff asked to pair a PC that is paired already (pairing again is a command-line
    job: ``epn-kiosk enroll``)."""
    BAD_CONSOLE_ADDRESS = "bad_console_address"
    BAD_PAIRING_CODE = "bad_pairing_code"
    """Not of the pairing code's form (ABCDE-FGHJK): nothing was sent."""
    CONSOLE_UNREACHABLE = "console_unreachable"
    PAIRING_CODE_REFUSED = "pairing_code_refused"
    """The console does not take this code: unknown, used already, or out of date."""
    PAIRING_NOT_PROVED = "pairing_not_proved"
    """The console that answered did not prove the code: most likely mistyped; the code is
    spent."""
    PAIRING_IN_THE_MIDDLE = "pairing_in_the_middle"
    """The code was right, but another machine stands between the PC and the console."""
    PC_NAME_TAKEN = "pc_name_taken"
    UPDATING = "updating"
    """An update is being installed on this PC: no session starts until it is over."""
    PAIRING_FAILED = "pairing_failed"
    """The pairing failed otherwise (an odd answer, this PC's secrets folder)."""


class CommandRefused(KioskError):
    """A legitimate command that cannot be done now; carries a code the shell can translate."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        self.refusal = refusal
        self.detail = detail
        super().__init__(f"{refusal}: {detail}")
