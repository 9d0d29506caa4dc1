"""Restarting or switching off the PC, asked by staff at the console.

:class:`SystemdPower` asks systemd (``systemctl reboot`` / ``systemctl poweroff``): systemd
then stops the agent like any shutdown, and the agent's stop ends and wipes a session that
slipped in meanwhile. :class:`RecordedPower` is the sandbox's (tests, the demo): the PC is
someone's own computer, so the request is only logged and written to a file in the agent's
data folder, where tests and the demo look for it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from epn_shared.files import write_atomically
from epn_shared.json_log import event
from kiosk.agent.system.commands import run

log = logging.getLogger(__name__)

POWER_REQUEST_FILE = "power-request.json"
"""The sandbox's record of the last request, in the agent's data folder."""


class PowerAction(StrEnum):
    """What staff asked of the PC's power."""

    RESTART = "restart"
    SHUT_DOWN = "shut_down"


def power_command(action: PowerAction) -> tuple[str, ...]:
    """The command line that does ``action`` on a systemd machine."""
    verb = "reboot" if action is PowerAction.RESTART else "poweroff"
    return ("systemctl", verb)


class Power(Protocol):
    """Restarts or switches off this PC."""

    def request(self, action: PowerAction, by: str) -> None:
        """Do ``action`` now (``by``: who asked, for the log); raises ``OSError`` or
        ``CommandFailed`` when the system refuses."""


class SystemdPower:
    """The real PC: systemd restarts or switches it off."""

    def request(self, action: PowerAction, by: str) -> None:
        """Ask systemd; it returns at once and stops the services, the agent too."""
        event(log, "power_requested", action=action.value, by=by)
        run(power_command(action))


class RecordedPower:
    """The sandbox: nothing is switched off; the request is logged and kept in
    ``folder/power-request.json`` (the last one: action, who, when)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / POWER_REQUEST_FILE

    def request(self, action: PowerAction, by: str) -> None:
        """Record the request instead of doing it."""
        at = dt.datetime.now(dt.UTC).isoformat()
        record = {"action": action.value, "by": by, "at": at}
        write_atomically(self.path, json.dumps(record) + "\n")
        event(log, "power_requested", action=action.value, by=by, sandbox=True)


def recorded_request(folder: Path) -> dict[str, str] | None:
    """What :class:`RecordedPower` kept in ``folder``, or None."""
    path = folder / POWER_REQUEST_FILE
    if not path.exists():
        return None
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data
