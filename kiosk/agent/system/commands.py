"""Running a system command and classifying its failure."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from kiosk.agent.system.errors import CommandFailed

COMMAND_TIMEOUT = 30.0
"""No wipe step may hang the agent: a command that takes longer counts as failed."""


def run(argv: Sequence[str], *, timeout: float = COMMAND_TIMEOUT) -> str:
    """Run ``argv`` without a shell; its standard output, or :class:`CommandFailed`."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise CommandFailed(argv, None, str(exc)) from exc
    except subprocess.TimeoutExpired as exc:
        raise CommandFailed(argv, None, f"no answer after {timeout} s") from exc
    if done.returncode != 0:
        raise CommandFailed(argv, done.returncode, done.stderr)
    return done.stdout
