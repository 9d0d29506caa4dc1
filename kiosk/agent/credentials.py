"""Secrets typed at the kiosk: ticket codes and PINs. Only their hashes are ever stored."""

from __future__ import annotations

import functools
import hashlib
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

TICKET_DIGITS = 8


@functools.cache
def _hasher() -> PasswordHasher:
    # Loaded at the first PIN, not at start: a PC where nobody types a PIN never holds the
    # argon2 library (2.5 MB) in memory.
    from argon2 import PasswordHasher  # noqa: PLC0415

    return PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile


@functools.cache
def _dummy_hash() -> str:
    # Checked when a card is unknown, so an unknown card costs as long as a wrong PIN and a
    # guesser cannot tell which card numbers exist from the time the answer takes.
    return _hasher().hash("not-a-pin")


def hash_pin(pin: str) -> str:
    """An argon2id hash of a PIN (for members and the animator)."""
    return _hasher().hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """True when ``pin`` matches ``pin_hash``; a missing or damaged hash never matches.

    Slow on purpose (argon2): call it from a worker thread, not the event loop.
    """
    from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415

    try:
        return _hasher().verify(pin_hash or _dummy_hash(), pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_ticket_code() -> str:
    """A random ticket code, grouped for reading aloud: ``1234-5678``."""
    digits = f"{secrets.randbelow(10**TICKET_DIGITS):0{TICKET_DIGITS}d}"
    return f"{digits[:4]}-{digits[4:]}"


def normalize_ticket_code(typed: str) -> str | None:
    """The 8 digits of a typed code (dashes and spaces ignored); None when it cannot be one."""
    digits = "".join(ch for ch in typed if ch not in "- \t")
    if len(digits) != TICKET_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def ticket_digest(typed: str) -> str | None:
    """The sha256 under which a ticket code is stored; None when ``typed`` is not a code."""
    digits = normalize_ticket_code(typed)
    return None if digits is None else hashlib.sha256(digits.encode()).hexdigest()
