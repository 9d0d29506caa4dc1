"""The console's own key material: a private certificate authority, a server certificate
and the key that signs ticket codes.

Made at first start in ``DATA_DIR/tls`` (private keys 0600) and reused afterwards. Kiosks
pin the server certificate's SHA-256 fingerprint (:func:`fingerprint`) at enrollment, so no
public authority is involved and a man in the middle is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from admin_console.server.errors import ConsoleError

CA_LIFETIME = dt.timedelta(days=3650)
SERVER_LIFETIME = dt.timedelta(days=3650)
"""Long: a kiosk pins this exact certificate, so renewing it means enrolling every PC again."""


class TlsError(ConsoleError):
    """The TLS material could not be made or read (permissions, a damaged file)."""


@dataclass(frozen=True)
class TlsFiles:
    """Where the TLS material lives."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        """The certificate authority's certificate (public)."""
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        """The certificate authority's private key (0600)."""
        return self.folder / "ca.key"

    @property
    def server_cert(self) -> Path:
        """The server certificate, then the CA's (public)."""
        return self.folder / "server.pem"

    @property
    def server_key(self) -> Path:
        """The server's private key (0600)."""
        return self.folder / "server.key"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, 0o600)


def _key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def default_names() -> list[str]:
    """Names the server certificate is valid for unless told otherwise."""
    names = ["localhost", "127.0.0.1", "::1"]
    host = socket.gethostname()
    if host and host not in names:
        names.append(host)
    return names


def _alt_names(names: Iterable[str]) -> list[x509.GeneralName]:
    result: list[x509.GeneralName] = []
    for name in names:
        try:
            result.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            result.append(x509.DNSName(name))
    return result


def ensure_tls(data_dir: Path, names: Iterable[str] | None = None) -> TlsFiles:
    """Make the CA and server certificate on first start; reuse them afterwards."""
    files = TlsFiles(data_dir / "tls")
    if all(p.exists() for p in (files.ca_cert, files.ca_key, files.server_cert, files.server_key)):
        return files
    try:
        files.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(files.folder, 0o700)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # tolerate a slow kiosk clock
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EPN Kiosk console CA")])
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + CA_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EPN Kiosk console")]))
            .issuer_name(ca_name)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + SERVER_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.SubjectAlternativeName(_alt_names(names or default_names())), critical=False
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(files.ca_key, _key_bytes(ca_key))
        _write_private(files.server_key, _key_bytes(server_key))
        files.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        files.server_cert.write_bytes(
            server_cert.public_bytes(serialization.Encoding.PEM)
            + ca_cert.public_bytes(serialization.Encoding.PEM)
        )
    except OSError as exc:
        raise TlsError(f"cannot write the TLS files in {files.folder}: {exc}") from exc
    return files


def fingerprint_of_der(der: bytes) -> str:
    """SHA-256 of a DER certificate as lowercase hex pairs joined by colons."""
    return ":".join(f"{b:02x}" for b in hashlib.sha256(der).digest())


def fingerprint(cert_path: Path) -> str:
    """The fingerprint kiosks pin: SHA-256 of the server certificate (the first in the file)."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TlsError(f"cannot read the certificate {cert_path}: {exc}") from exc
    return fingerprint_of_der(cert.public_bytes(serialization.Encoding.DER))


TICKET_KEY_FILE = "ticket.key"
TICKET_KEY_BYTES = 32


def ticket_key_text(key: bytes) -> str:
    """The ticket key as sent to kiosks: base64url with its padding (44 characters)."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def ensure_ticket_key(data_dir: Path) -> bytes:
    """The console's key for signing ticket codes: 32 random bytes made at first start in
    ``DATA_DIR/tls/ticket.key`` (0600, like the CA key) and reused afterwards.

    Losing it makes every ticket code already printed fail a kiosk's offline check, so it
    is kept with the TLS material and backed up with it."""
    return _ensure_key(data_dir, TICKET_KEY_FILE, "ticket key")


PAIRING_KEY_FILE = "pairing.key"


def ensure_pairing_key(data_dir: Path) -> bytes:
    """The key that seals the secrets of open pairing codes in the database and keys their
    digests: 32 random bytes in ``DATA_DIR/tls/pairing.key`` (0600). A copy of the database
    alone gives no usable code. Not backed up: a restored console's open codes, 10 minutes
    at most, are simply made again."""
    return _ensure_key(data_dir, PAIRING_KEY_FILE, "pairing key")


def _ensure_key(data_dir: Path, file_name: str, what: str) -> bytes:
    folder = data_dir / "tls"
    path = folder / file_name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            text = path.read_text(encoding="ascii").strip()
        else:
            key = secrets.token_bytes(TICKET_KEY_BYTES)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(ticket_key_text(key) + "\n")
                out.flush()
                os.fsync(out.fileno())
            return key
    except (OSError, UnicodeDecodeError) as exc:
        raise TlsError(f"cannot make or read the {what} {path}: {exc}") from exc
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise TlsError(f"the {what} {path} is damaged: {exc}") from exc
    if len(key) != TICKET_KEY_BYTES:
        raise TlsError(f"the {what} {path} is damaged: not {TICKET_KEY_BYTES} bytes")
    return key
