"""Errors of the system services; all are wipe errors, so the service never starts a session."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.agent.errors import WipeError


class VisitorMissing(WipeError):
    """The dedicated visitor account does not exist (the installer creates it)."""


class UnsafeVisitor(WipeError):
    """The configured visitor is root or the agent itself: wiping it would wreck the machine."""


class CommandFailed(WipeError):
    """A system command (mount, umount, …) failed or is not installed."""

    def __init__(self, argv: Sequence[str], returncode: int | None, stderr: str) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr = stderr.strip()
        how = "is not installed" if returncode is None else f"exited with {returncode}"
        super().__init__(f"{' '.join(self.argv)} {how}: {self.stderr}".rstrip(": "))


class LeftBehind(WipeError):
    """Something of the visitor is still there after the step that should have erased it."""
