"""Errors of the kiosk agent, classified so the service can tell the environment from a bug."""

from __future__ import annotations

from kiosk.core.errors import CommandRefused, KioskError, Refusal


class AgentError(KioskError):
    """Base of every error raised by the kiosk agent."""


class StartRefused(AgentError):
    """The agent will not start: bad configuration, bad policy, another agent running.

    The message is meant for the person starting the service and says what to fix.
    """


class StoreError(AgentError):
    """The local store could not be read or written (disk full, damaged database)."""


class WipeError(AgentError):
    """The visitor's data could not be erased completely; no new session may start."""


class TooManyTries(CommandRefused):
    """Too many wrong secrets in a row: every try is refused for ``retry_after`` seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(Refusal.TOO_MANY_TRIES, detail)
