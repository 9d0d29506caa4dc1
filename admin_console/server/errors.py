"""Errors of the console server, classified: the API maps each class to one HTTP status."""

from __future__ import annotations

import datetime as dt


class ConsoleError(Exception):
    """Base of every error the console server raises on purpose."""


class StorageError(ConsoleError):
    """The database could not be reached, read or written (the environment failed)."""


class NotAuthenticated(ConsoleError):
    """No valid credentials: wrong password, unknown, expired or revoked token (401)."""


class Forbidden(ConsoleError):
    """Authenticated, but not allowed to do this (403)."""


class PairingRefused(ConsoleError):
    """A pairing code that is unknown, expired or already used (403)."""


class NotFound(ConsoleError):
    """The thing asked for does not exist (404)."""


class Conflict(ConsoleError):
    """The request clashes with what exists (409), e.g. a second kiosk with the same name."""


class Gone(ConsoleError):
    """The thing existed but can no longer be used, e.g. an expired ticket (410)."""


class TooManyTries(ConsoleError):
    """Too many wrong secrets: every try is refused until ``until`` (429)."""

    def __init__(self, until: dt.datetime, what: str) -> None:
        self.until = until
        super().__init__(f"too many wrong {what}: try again after {until:%H:%M} UTC")


class InvalidInput(ConsoleError):
    """A well-formed request whose value makes no sense now, e.g. a date in the past (422)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
