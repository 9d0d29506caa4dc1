"""The console's announcement on its local network (mDNS/DNS-SD, python-zeroconf): a new PC
lists the consoles near it instead of asking staff for an address.

The service is ``_epn-console._tcp`` with a TXT record of the protocol version (``v``),
the port and the EPN's name when known. It proves nothing: the pairing code does
(``epn_shared.pairing``). ``epn-console serve --no-announce`` keeps quiet.
"""

from __future__ import annotations

import ipaddress
import socket

import ifaddr
from zeroconf import InterfaceChoice, IPVersion, ServiceInfo, Zeroconf

from epn_shared.pairing import DISCOVERY_SERVICE_TYPE, PAIRING_VERSION

_ANY = ("0.0.0.0", "", "::")


class Announcement:
    """The console's service record on the network while it serves; :meth:`close` withdraws
    it. ``host`` is the address the console listens on: a console on 127.0.0.1 is announced
    on that interface only, one on 0.0.0.0 on every IPv4 interface."""

    def __init__(self, host: str, port: int, epn_name: str | None = None) -> None:
        machine = socket.gethostname().split(".")[0] or "epn-console"
        if host in _ANY:
            interfaces: list[str] | InterfaceChoice = InterfaceChoice.All
            addresses = _local_addresses()
        else:
            interfaces, addresses = [host], [host]
        properties = {"v": str(PAIRING_VERSION), "port": str(port)}
        if epn_name:
            properties["name"] = epn_name
        label = (epn_name or f"EPN console {machine}")[:60]
        self.info = ServiceInfo(
            DISCOVERY_SERVICE_TYPE,
            f"{label}.{DISCOVERY_SERVICE_TYPE}",
            port=port,
            addresses=[ipaddress.ip_address(a).packed for a in addresses],
            properties=properties,
            server=f"{machine}.local.",
        )
        self._zeroconf = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        # A name another console already took on this network gets a number added.
        self._zeroconf.register_service(self.info, allow_name_change=True)

    @property
    def name(self) -> str:
        """The service name announced (after any renaming)."""
        return self.info.name

    def close(self) -> None:
        """Withdraw the announcement (a goodbye packet) and stop answering."""
        try:
            self._zeroconf.unregister_service(self.info)
        finally:
            self._zeroconf.close()


def _local_addresses() -> list[str]:
    """The machine's IPv4 addresses but loopback (the announced A records)."""
    found = [
        ip.ip
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback
    ]
    return found or ["127.0.0.1"]
