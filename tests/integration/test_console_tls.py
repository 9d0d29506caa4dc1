"""The console's own TLS: a CA and server certificate made once in the data folder with
private keys only the console can read, reused on every start, and the fingerprint kiosks
pin is the one the server really presents."""

from __future__ import annotations

import hashlib
import socket
import ssl
import stat
from pathlib import Path

from helpers.console_server import ConsoleServer, KioskSocket

from admin_console.server.auth import Role
from admin_console.server.tls import ensure_tls, fingerprint


def test_the_ca_and_server_certificate_are_made_once_with_private_keys_0600(
    tmp_path: Path,
) -> None:
    files = ensure_tls(tmp_path)
    for key in (files.ca_key, files.server_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.folder.stat().st_mode) == 0o700
    first = fingerprint(files.server_cert)
    before = files.server_key.read_bytes()
    again = ensure_tls(tmp_path)
    assert fingerprint(again.server_cert) == first
    assert again.server_key.read_bytes() == before
    assert len(first.split(":")) == 32


def test_the_server_presents_the_pinned_certificate_signed_by_its_ca(tmp_path: Path) -> None:
    with ConsoleServer(tmp_path, tls=True) as server:
        assert server.tls is not None
        context = ssl.create_default_context(cafile=str(server.tls.ca_cert))
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            der = tls.getpeercert(binary_form=True)
        assert der is not None
        presented = ":".join(f"{b:02x}" for b in hashlib.sha256(der).digest())
        assert presented == fingerprint(server.tls.server_cert)
        admin = server.add_staff("ada", Role.ADMIN)
        with server.client(admin) as http:
            code = http.post("/api/pairing-codes").json()
        assert code["fingerprint"] == presented
        kiosk_id, token = server.enroll(admin, "PC-01")
        with KioskSocket(server, token) as kiosk:
            assert kiosk.welcome is not None
        assert kiosk_id == 1
