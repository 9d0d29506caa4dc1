#!/usr/bin/python3
"""The CUPS notifier that wakes the kiosk agent's print worker when its queue changes.

Installed as ``/usr/lib/cups/notifier/epn-wake`` (mode 0755). The agent subscribes to its
queue's job events with the recipient ``epn-wake:<path of the agent's wake socket>``;
cupsd starts this program for that subscription (as its own user, ``lp``) and writes each
event to its stdin. For each read it sends one byte to the agent's datagram socket and
nothing else: the event's content (job names included) never leaves cupsd, and the agent
only takes it as "look now" — it reads the queue itself, exactly as its poll does. A lost
byte (agent not listening, its buffer full) costs nothing but the wait for the next poll.

CUPS 2.4 answers Get-Notifications at once (it ignores ``notify-wait``), so pulling events
is no faster than polling; a notifier is how CUPS pushes. Standard library only: CUPS runs
it with the system Python, outside the agent's venv.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from urllib.parse import quote, unquote

SCHEME = "epn-wake"


def recipient_uri(path: str) -> str:
    """The subscription's ``notify-recipient-uri`` for the wake socket at ``path``."""
    if not path.startswith("/"):
        raise ValueError("the wake socket's path must be absolute")
    return f"{SCHEME}:{quote(path)}"


def socket_path(uri: str) -> str:
    """The wake socket's path in a recipient URI (ValueError if it is not one)."""
    scheme, colon, rest = uri.partition(":")
    path = unquote(rest)
    if scheme != SCHEME or not colon or not path.startswith("/") or "\0" in path:
        raise ValueError(f"not an {SCHEME} recipient: {uri!r}")
    return path


def main(argv: list[str]) -> int:
    """Forward a wake-up per event read on stdin until cupsd closes it."""
    if len(argv) < 2:
        sys.stderr.write(f"ERROR: usage: {SCHEME} {SCHEME}:/path/to/socket [user-data]\n")
        return 1
    try:
        path = socket_path(argv[1])
    except ValueError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return 1
    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sender.setblocking(False)
    while True:
        try:
            data = os.read(0, 65536)
        except InterruptedError:
            continue
        if not data:
            return 0  # the subscription ended, or cupsd stopped
        # Nobody listening, or wake-ups already waiting there: the worker's poll covers it.
        with contextlib.suppress(OSError):
            sender.sendto(b"!", path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
