"""Finding the consoles on the local network: each ``epn-console serve`` announces itself
over mDNS/DNS-SD as ``_epn-console._tcp`` (python-zeroconf), so staff pairing a new PC pick
the console from a list instead of typing its address.

What is found is only a suggestion: the pairing code, not the announcement, proves which
console is the right one (:mod:`epn_shared.pairing`), so a false announcement on the
network leads at worst to a refused pairing.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from zeroconf import InterfaceChoice, IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

from epn_shared.pairing import DISCOVERY_SERVICE_TYPE

RESOLVE_MS = 3000
"""How long to wait for one console's address and port once it was seen."""


@dataclass(frozen=True)
class FoundConsole:
    """A console that announced itself: its name on the network, address and port."""

    name: str
    """The announced name (the EPN's name, or the console's host name)."""
    address: str
    port: int
    version: int | None
    """The pairing protocol version it speaks (``v`` in its TXT record), if it said."""

    @property
    def url(self) -> str:
        """The console's address as ``epn-kiosk enroll --console`` takes it."""
        host = self.address
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
        return f"https://{host}:{self.port}"


def discover(
    seconds: float = 3.0, *, interfaces: Sequence[str] | None = None, enough: int | None = None
) -> list[FoundConsole]:
    """The consoles that answer within ``seconds`` (sooner once ``enough`` were seen), by
    name; ``interfaces`` the local addresses to listen on (default: all of them)."""
    zeroconf = Zeroconf(
        interfaces=list(interfaces) if interfaces is not None else InterfaceChoice.All,
        ip_version=IPVersion.V4Only,
    )
    seen: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def changed(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is not ServiceStateChange.Added:
            return
        with lock:
            if name not in seen:
                seen.append(name)
            if enough is not None and len(seen) >= enough:
                done.set()

    try:
        browser = ServiceBrowser(zeroconf, DISCOVERY_SERVICE_TYPE, handlers=[changed])
        done.wait(seconds)
        browser.cancel()
        with lock:
            names = list(seen)
        found = [console for n in names if (console := _resolve(zeroconf, n)) is not None]
    finally:
        zeroconf.close()
    return sorted(found, key=lambda c: (c.name, c.address, c.port))


def _resolve(zeroconf: Zeroconf, name: str) -> FoundConsole | None:
    info = zeroconf.get_service_info(DISCOVERY_SERVICE_TYPE, name, timeout=RESOLVE_MS)
    if info is None or not info.port:
        return None
    addresses = info.parsed_addresses(IPVersion.V4Only)
    if not addresses:
        return None
    text = {
        key.decode("utf-8", "replace"): (value or b"").decode("utf-8", "replace")
        for key, value in info.properties.items()
    }
    version = int(text["v"]) if text.get("v", "").isdigit() else None
    label = text.get("name") or name.removesuffix("." + DISCOVERY_SERVICE_TYPE)
    return FoundConsole(label, addresses[0], info.port, version)
