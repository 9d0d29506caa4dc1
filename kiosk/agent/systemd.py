"""Telling systemd the agent is up and alive (the ``sd_notify`` protocol, standard library only).

The agent's unit is ``Type=notify`` with ``WatchdogSec=``: systemd counts the agent started
when it says ``READY=1``, and kills and restarts it when its ``WATCHDOG=1`` pings stop. The
pings are sent from the agent's own event loop, so a loop that is stuck (a blocking call, a
dead lock) stops them, and systemd restarts an agent that no longer looks at the time.

Outside systemd (``NOTIFY_SOCKET`` unset: tests, the demo, a manual start) nothing is sent.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Mapping


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send one state line (``READY=1``, ``WATCHDOG=1``, ``STOPPING=1``) to systemd; False
    when not started by systemd or when the datagram could not be sent."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address or address[0] not in "/@":
        return False
    if address[0] == "@":
        address = "\0" + address[1:]  # Linux abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(message.encode("utf-8"), address)
    except OSError:
        return False
    return True


def watchdog_seconds(environ: Mapping[str, str] | None = None) -> float | None:
    """The watchdog period systemd set for this process, or None when there is none."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None  # meant for another process (inherited environment)
    return int(usec) / 1_000_000


def ready(
    loop: asyncio.AbstractEventLoop, environ: Mapping[str, str] | None = None
) -> asyncio.TimerHandle | None:
    """Say READY, then ping the watchdog from ``loop`` every half period for as long as the
    loop runs. Call once, when the agent is serving. The first pending ping, or None."""
    env = dict(os.environ if environ is None else environ)
    notify("READY=1", env)
    period = watchdog_seconds(env)
    if period is None:
        return None
    interval = period / 2

    def ping() -> None:
        notify("WATCHDOG=1", env)
        handle[0] = loop.call_later(interval, ping)

    handle = [loop.call_later(interval, ping)]
    notify("WATCHDOG=1", env)
    return handle[0]
