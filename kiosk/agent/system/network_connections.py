"""Network connections the visitor created (a Wi-Fi network with its password).

NetworkManager saves a connection made by an unprivileged user as a keyfile whose
``[connection]`` section says ``permissions=user:NAME:;``. Without NetworkManager this is a
no-op.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kiosk.agent.system import commands
from kiosk.agent.system.errors import CommandFailed

SYSTEM_CONNECTIONS = Path("/etc/NetworkManager/system-connections")


def permitted_users(keyfile: str) -> list[str]:
    """The user names in the ``permissions`` key of a keyfile's ``[connection]`` section
    (``user:NAME:[reserved]`` items separated by ``;``)."""
    section = ""
    users: list[str] = []
    for raw in keyfile.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "connection" and line.partition("=")[0].strip() == "permissions":
            for item in line.partition("=")[2].split(";"):
                kind, _, rest = item.strip().partition(":")
                if kind == "user" and rest:
                    users.append(rest.partition(":")[0])
    return users


def reload_command() -> list[str]:
    """Tell NetworkManager to reread its connection files (forgets the removed ones)."""
    return ["nmcli", "connection", "reload"]


class NetworkConnections(Protocol):
    """Removes the network connections a visitor created."""

    def remove_for(self, user: str) -> int:
        """Remove the connections naming ``user``; how many were removed."""
        ...


class KeyfileConnections:
    """NetworkManager keyfiles in ``folder``."""

    def __init__(self, folder: Path = SYSTEM_CONNECTIONS) -> None:
        self.folder = folder

    def remove_for(self, user: str) -> int:
        """Delete each keyfile whose permissions name ``user``, then have NetworkManager
        reload (when it is installed and running; otherwise it reads the folder at start)."""
        if not self.folder.is_dir():
            return 0
        removed = 0
        for path in sorted(self.folder.iterdir()):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                text = path.read_text(errors="replace")
            except FileNotFoundError:
                continue
            if user in permitted_users(text):
                path.unlink(missing_ok=True)
                removed += 1
        if removed and shutil.which("nmcli"):
            # NetworkManager not running: it reads the folder when it starts.
            with contextlib.suppress(CommandFailed):
                commands.run(reload_command())
        return removed


@dataclass
class FakeNetworkConnections:
    """Connections for unit tests: user → how many."""

    connections: dict[str, int] = field(default_factory=dict)

    def remove_for(self, user: str) -> int:
        """Forget the user's connections."""
        return self.connections.pop(user, 0)
