"""Wake-on-LAN: the magic packet that switches on a PC whose network card listens for it.

The packet is 6 bytes 0xFF then the card's 6-byte address 16 times, sent by UDP to the
PCs' network broadcast address (``ServerSettings.wake_address``, port ``wake_port``): a
switched-off PC has no IP address, only its card hears broadcasts.
"""

from __future__ import annotations

import re
import socket
from ipaddress import IPv4Address, IPv6Address

from admin_console.server.errors import ConsoleError
from epn_shared.protocol import MAC_PATTERN


class WakeFailed(ConsoleError):
    """The console's network refused to send the packet (the environment failed)."""


def magic_packet(mac: str) -> bytes:
    """The Wake-on-LAN packet for the card ``mac`` (``aa:bb:cc:dd:ee:ff``)."""
    if not re.match(MAC_PATTERN, mac):
        raise ValueError(f"not a network card address: {mac!r}")
    return b"\xff" * 6 + bytes.fromhex(mac.replace(":", "")) * 16


def send_magic_packet(mac: str, address: IPv4Address | IPv6Address, port: int) -> None:
    """Send the packet for ``mac`` once to ``address``:``port``; :class:`WakeFailed` when
    the network refuses it."""
    family = socket.AF_INET6 if isinstance(address, IPv6Address) else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sender:
            sender.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            sender.sendto(magic_packet(mac), (str(address), port))
    except OSError as exc:
        where = f"{address}:{port}"
        raise WakeFailed(f"the wake-up packet could not be sent to {where}: {exc}") from exc
