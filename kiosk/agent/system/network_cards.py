"""Which network card a connection goes out through: its hardware address, for the
console's Wake-on-LAN.

The interface is found from the connection's own local address (the kernel chose it for
the console's route), then its card's address is read from ``/sys/class/net/<if>/address``.
The loopback (a console on the same machine, the sandbox) and interfaces with no card
address answer None: there is nothing to wake.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import re
import socket
import struct
from pathlib import Path

from epn_shared.protocol import MAC_PATTERN

SYS_CLASS_NET = Path("/sys/class/net")
IF_INET6 = Path("/proc/net/if_inet6")
_SIOCGIFADDR = 0x8915
_NO_CARD = "00:00:00:00:00:00"
_LOOPBACK_TYPE = "772"  # ARPHRD_LOOPBACK


def interface_of(
    address: str, *, net_dir: Path = SYS_CLASS_NET, if_inet6: Path = IF_INET6
) -> str | None:
    """The interface holding the local ``address`` (IPv4 or IPv6), or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        return _ipv6_interface(ip, if_inet6)
    names = sorted(p.name for p in net_dir.iterdir()) if net_dir.is_dir() else []
    for name in names:
        if _ipv4_of(name) == ip:
            return name
    return None


def parse_if_inet6(text: str) -> dict[ipaddress.IPv6Address, str]:
    """Each IPv6 address of ``/proc/net/if_inet6`` with its interface."""
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 6 and len(parts[0]) == 32:
            found[ipaddress.IPv6Address(int(parts[0], 16))] = parts[5]
    return found


def _ipv6_interface(ip: ipaddress.IPv6Address, if_inet6: Path) -> str | None:
    try:
        text = if_inet6.read_text(encoding="ascii")
    except OSError:
        return None
    return parse_if_inet6(text).get(ip)


def _ipv4_of(interface: str) -> ipaddress.IPv4Address | None:
    """The interface's (primary) IPv4 address, asked of the kernel."""
    request = struct.pack("256s", interface.encode()[:15])
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe,
        contextlib.suppress(OSError),
    ):
        answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
        return ipaddress.IPv4Address(answer[20:24])
    return None


def card_address(interface: str, *, net_dir: Path = SYS_CLASS_NET) -> str | None:
    """The hardware address of ``interface`` (lower case, colons), or None for the
    loopback, a virtual interface without one, or an unreadable one."""
    folder = net_dir / interface
    with contextlib.suppress(OSError):
        if (folder / "type").read_text(encoding="ascii").strip() == _LOOPBACK_TYPE:
            return None
    try:
        mac = (folder / "address").read_text(encoding="ascii").strip().lower()
    except OSError:
        return None
    if mac == _NO_CARD or not re.match(MAC_PATTERN, mac):
        return None
    return mac


def card_for_address(address: str | None, *, net_dir: Path = SYS_CLASS_NET) -> str | None:
    """The card a connection from the local ``address`` goes out through, or None."""
    if address is None:
        return None
    interface = interface_of(address, net_dir=net_dir)
    return None if interface is None else card_address(interface, net_dir=net_dir)
