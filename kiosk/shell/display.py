"""Which graphical session this shell runs in, as a short stable string.

The agent compares it between shells of one visitor's session: the same string means the
shell restarted inside the same desktop (the session goes on); another string means the
desktop itself ended and a new one started (the X server died or was restarted), so the
last visitor's session is ended and wiped at once instead of being handed to whoever sits
down next.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

X11_SOCKETS = Path("/tmp/.X11-unix")


def _socket_identity(path: Path) -> str | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    # A restarted display server makes a new socket: a new inode and change time.
    return f"{info.st_dev}:{info.st_ino}:{info.st_ctime_ns}"


def display_session(environ: Mapping[str, str], x11_sockets: Path = X11_SOCKETS) -> str | None:
    """``logind:<id>`` under logind, else the identity of the X or Wayland socket the shell
    talks to; None when it cannot tell (then the agent only sees the shell come and go)."""
    logind = environ.get("XDG_SESSION_ID")
    if logind:
        return f"logind:{logind}"[:200]
    wayland = environ.get("WAYLAND_DISPLAY")
    runtime = environ.get("XDG_RUNTIME_DIR")
    if wayland and runtime:
        path = Path(wayland) if wayland.startswith("/") else Path(runtime) / wayland
        identity = _socket_identity(path)
        if identity:
            return f"wayland:{identity}"
    display = environ.get("DISPLAY", "")
    host, _, rest = display.partition(":")
    number = rest.split(".", 1)[0]
    if not host and number.isdigit():
        identity = _socket_identity(x11_sockets / f"X{number}")
        if identity:
            return f"x11:{number}:{identity}"
    return None
