"""A PC takes its updates from its console: the apt source of the console's signed repository
(``/apt/`` on the console's own HTTPS port), written when the PC is paired.

Four files under a root (``/`` on a kiosk, a folder in tests), each replaced at once, so
pairing again with another console replaces them all:

- ``/etc/apt/sources.list.d/epn-console.sources``: the flat repository, ``Signed-By`` the
  console's archive key only (no other key may sign it, and that key signs nothing else);
- ``/etc/epn-kiosk/console-archive.gpg``: that key (binary OpenPGP);
- ``/etc/epn-kiosk/console-ca.pem``: the console's own certificate authority;
- ``/etc/apt/apt.conf.d/60epn-console``: apt trusts that CA for the console's host only.

The key and the CA come over the connection pinned at pairing (the certificate the pairing
code proved), never from anywhere else. apt cannot pin a fingerprint; it checks the chain to
the console's CA, which signs that one server certificate and lives only on the console.
A PC usually reaches its console by an IP address that the certificate does not name (it was
made before anyone knew the room's addresses): apt's host-name check is then turned off for
that host alone, and the CA check still refuses any other machine.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from epn_shared.files import write_atomically
from kiosk.agent.errors import AgentError

SOURCES = Path("etc/apt/sources.list.d/epn-console.sources")
APT_CONF = Path("etc/apt/apt.conf.d/60epn-console")
KEYRING = Path("etc/epn-kiosk/console-archive.gpg")
CA = Path("etc/epn-kiosk/console-ca.pem")
REPOSITORY_PATH = "/apt/"
MAX_KEY_BYTES = 64 * 1024
_PUBLIC_KEY_PACKETS = (0x98, 0x99, 0x9A, 0xC6)
"""First byte of a binary OpenPGP public key packet (old and new formats)."""


class ArchiveUnavailable(AgentError):
    """The console's archive key or CA could not be fetched or made no sense."""


class NotVouched(ArchiveUnavailable):
    """The CA the console serves does not vouch for the certificate this PC sees: another
    machine may stand between them."""


@dataclass(frozen=True)
class ConsoleArchive:
    """What a PC needs to take updates from its console."""

    host: str
    port: int
    ca_pem: str
    keyring: bytes
    verify_host: bool
    """Whether the console's certificate names ``host`` (apt then checks it too)."""

    @property
    def url(self) -> str:
        """The repository's address as apt takes it."""
        return f"https://{self.host}:{self.port}{REPOSITORY_PATH}"


def fetch_archive(http: httpx.Client, host: str, port: int, pinned_der: bytes) -> ConsoleArchive:
    """The console's archive key and CA, read with ``http`` (pinned to the console's
    certificate); the CA is then checked to vouch for that certificate, as apt will."""
    if ":" in host:
        raise ArchiveUnavailable(
            "apt's settings cannot name an IPv6 address: pair with the console's IPv4 "
            "address or its name, so that this PC takes its updates from it"
        )
    try:
        key = http.get(f"{REPOSITORY_PATH}archive-key.gpg")
        ca = http.get(f"{REPOSITORY_PATH}ca.pem")
    except httpx.HTTPError as exc:
        raise ArchiveUnavailable(f"cannot read the console's package key: {exc}") from exc
    for answer in (key, ca):
        if answer.status_code != 200:
            raise ArchiveUnavailable(
                f"the console serves no {answer.url.path} (HTTP {answer.status_code}): is it "
                "an older version? Update the console first"
            )
    keyring = key.content
    if not keyring or len(keyring) > MAX_KEY_BYTES or keyring[0] not in _PUBLIC_KEY_PACKETS:
        raise ArchiveUnavailable("the console's package key is not an OpenPGP public key")
    names = _names_vouched(ca.text, host, port, pinned_der)
    return ConsoleArchive(host, port, ca.text, keyring, verify_host=_named(host, names))


def _names_vouched(ca_pem: str, host: str, port: int, pinned_der: bytes) -> list[tuple[str, str]]:
    """The names in the console's certificate, once a connection that trusts only
    ``ca_pem`` met the pinned certificate; :class:`ArchiveUnavailable` otherwise."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # compared below: the PC may use a name not in it
    try:
        context.load_verify_locations(cadata=ca_pem)
        with (
            socket.create_connection((host, port), timeout=15) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
            seen = tls.getpeercert()
    except ssl.SSLCertVerificationError as exc:
        raise NotVouched(
            f"the console's certificate authority does not vouch for the certificate this PC "
            f"sees ({exc.verify_message})"
        ) from exc
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ArchiveUnavailable(
            f"cannot check the console's certificate authority: {exc}"
        ) from exc
    if der != pinned_der or not seen:
        raise NotVouched("the console showed another certificate than the one being paired")
    names: tuple[tuple[str, str], ...] = seen.get("subjectAltName", ())  # type: ignore[assignment]
    return [(str(kind), str(value)) for kind, value in names]


def _named(host: str, names: list[tuple[str, str]]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ("DNS", host.lower().rstrip(".")) in {(k, v.lower()) for k, v in names}
    return any(
        kind == "IP Address" and ipaddress.ip_address(value.strip()) == address
        for kind, value in names
    )


def sources_text(archive: ConsoleArchive, root: Path) -> str:
    """The deb822 apt source of the console's repository, its key under ``root``."""
    return (
        "# Written by epn-kiosk when this PC was paired with its console: the room's EPN\n"
        "# Kiosk packages, signed by the console's archive key.\n"
        "Types: deb\n"
        f"URIs: {archive.url}\n"
        "Suites: ./\n"
        f"Signed-By: {root / KEYRING}\n"
    )


def apt_conf_text(archive: ConsoleArchive, root: Path) -> str:
    """apt's TLS settings for the console's host: its CA, and the host-name check when the
    certificate names that host."""
    lines = [
        "// Written by epn-kiosk when this PC was paired with its console.",
        f'Acquire::https::{archive.host}::CaInfo "{root / CA}";',
    ]
    if not archive.verify_host:
        lines += [
            "// The console's certificate does not name this address; the CA above still",
            "// refuses any other machine.",
            f'Acquire::https::{archive.host}::Verify-Host "false";',
        ]
    return "\n".join(lines) + "\n"


def install(archive: ConsoleArchive, root: Path) -> None:
    """Write the four files under ``root`` (each replaced at once)."""
    files = (
        (KEYRING, archive.keyring),
        (CA, archive.ca_pem.encode("ascii")),
        (APT_CONF, apt_conf_text(archive, root).encode()),
        (SOURCES, sources_text(archive, root).encode()),  # last: what points apt at the others
    )
    for relative, data in files:
        path = root / relative
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        write_atomically(path, data, mode=0o644)
