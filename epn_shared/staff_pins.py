"""The rule a staff PIN must follow, the same at the PC's terminal (``epn-kiosk set-pin``),
at the console (each staff member's own PIN) and in the console window as it is typed."""

from __future__ import annotations

from enum import StrEnum

PIN_DIGITS = (4, 12)
"""Fewest and most digits of a staff PIN."""


class PinProblem(StrEnum):
    """Why a new staff PIN is refused (the window says each in the staff's language)."""

    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    GUESSABLE = "guessable"


_SENTENCES = {
    PinProblem.NOT_DIGITS: "a PIN is made of digits only (0-9)",
    PinProblem.LENGTH: f"a PIN has {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits",
    PinProblem.GUESSABLE: "a PIN of one repeated digit or of digits in a row is guessed "
    "first: choose another",
}


def pin_problem(pin: str) -> PinProblem | None:
    """What is wrong with ``pin`` as a staff PIN (None: fine)."""
    low, high = PIN_DIGITS
    if not pin.isascii() or not pin.isdigit():
        return PinProblem.NOT_DIGITS
    if not low <= len(pin) <= high:
        return PinProblem.LENGTH
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        return PinProblem.GUESSABLE
    return None


def sentence(problem: PinProblem) -> str:
    """The problem in English, for logs, the CLI and API errors."""
    return _SENTENCES[problem]
