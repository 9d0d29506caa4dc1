"""Pairing a PC with a one-time code that also proves the console's certificate.

The code a person reads from the console's screen, ``ABCDE-FGHJK``, is two parts in the
:data:`READABLE_ALPHABET`: a 2-letter *id* that says which code it is (sent in the clear,
so the console finds it among the codes it gave) and an 8-letter *secret* (40 bits) that
never crosses the network. Both sides run SPAKE2 (a password-authenticated key exchange)
with the id and the secret and get the same key ``K`` only if they used the same code; each
then proves it holds ``K`` by a MAC over the certificate fingerprint *it* saw:

1. the PC fetches the console's certificate (unverified) and notes its SHA-256 ``F_seen``;
   every further request of the pairing trusts only that certificate;
2. PC -> console ``/api/pair/start``: the id and its SPAKE2 message; the console spends the
   code (one exchange per code), answers its own message and
   :func:`confirmation` ``(K, CONSOLE, F_console)``;
3. the PC checks it against ``F_seen``: another certificate in the middle, or another code,
   does not match and the PC stops, having sent nothing that helps to guess the secret;
4. PC -> console ``/api/pair/finish``: :func:`confirmation` ``(K, KIOSK, F_seen)``, its name
   and location; the console checks it and enrolls the PC, answering its token.

A person in the middle learns nothing to test guesses of the secret offline (that is what
SPAKE2 gives): each run of the exchange is one online guess, and each costs a code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

READABLE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""The letters of the codes a person reads aloud or types from paper: no 0/O, no 1/I."""

CODE_ID_LENGTH = 2
"""Letters of a code's id: 1024 ids for the codes open at once (a few, 10 minutes each)."""
CODE_SECRET_LENGTH = 8
"""Letters of a code's secret: 40 bits, against one online guess per code."""
PAIRING_VERSION = 1
"""The version of this exchange, announced over mDNS and bound into its MACs."""
DISCOVERY_SERVICE_TYPE = "_epn-console._tcp.local."
"""The DNS-SD service a console announces on its network, and PCs look for."""

_KIOSK_ID = b"epn-kiosk"
_CONSOLE_ID = b"epn-console"


class PairingError(ValueError):
    """The pairing exchange failed: a malformed code or message, or a confirmation that
    does not match (another code, or another certificate in the middle)."""


class Side(StrEnum):
    """Who computes a confirmation: each side's MAC differs, so neither can be replayed as
    the other's."""

    CONSOLE = "console"
    KIOSK = "kiosk"


@dataclass(frozen=True)
class PairingCode:
    """A one-time pairing code: its id (which code) and its secret (never sent)."""

    code_id: str
    secret: str

    @classmethod
    def parse(cls, typed: str) -> PairingCode:
        """A code as typed: any case, spaces or dashes; :class:`PairingError` otherwise."""
        plain = normalise_code(typed)
        if len(plain) != CODE_ID_LENGTH + CODE_SECRET_LENGTH or any(
            ch not in READABLE_ALPHABET for ch in plain
        ):
            raise PairingError(
                f"a pairing code is {CODE_ID_LENGTH + CODE_SECRET_LENGTH} letters and digits "
                "as the console shows it, like ABCDE-FGHJK"
            )
        return cls(plain[:CODE_ID_LENGTH], plain[CODE_ID_LENGTH:])

    @property
    def plain(self) -> str:
        """The code without its dash: what its digest is taken of."""
        return self.code_id + self.secret

    @property
    def text(self) -> str:
        """The code as shown to people: two groups of five, ``ABCDE-FGHJK``."""
        half = len(self.plain) // 2
        return f"{self.plain[:half]}-{self.plain[half:]}"


def normalise_code(typed: str) -> str:
    """A code as typed (any case, spaces or dashes) in upper case without separators."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def new_pairing_code(code_id: str | None = None) -> PairingCode:
    """A fresh random code (with this id if given)."""
    if code_id is None:
        code_id = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(CODE_ID_LENGTH))
    secret = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(CODE_SECRET_LENGTH))
    return PairingCode(code_id, secret)


def _password(code: PairingCode) -> bytes:
    return f"epn-pair-v{PAIRING_VERSION}:{code.code_id}:{code.secret}".encode("ascii")


def encode_message(message: bytes) -> str:
    """A SPAKE2 message as JSON carries it (base64url)."""
    return base64.urlsafe_b64encode(message).decode("ascii")


def _decode_message(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise PairingError("the pairing message is not base64") from exc


class KioskExchange:
    """The PC's side of the exchange (SPAKE2 side A): :attr:`message` to send, then
    :meth:`key` from the console's answer."""

    def __init__(self, code: PairingCode) -> None:
        from spake2 import SPAKE2_A  # noqa: PLC0415 (only while a PC pairs)

        self._spake = SPAKE2_A(_password(code), idA=_KIOSK_ID, idB=_CONSOLE_ID)
        self.message = encode_message(self._spake.start())

    def key(self, console_message: str) -> bytes:
        """The shared key; :class:`PairingError` if the console's message is not one."""
        from spake2.spake2 import SPAKEError  # noqa: PLC0415

        try:
            return bytes(self._spake.finish(_decode_message(console_message)))
        except (SPAKEError, ValueError, TypeError) as exc:
            raise PairingError("the console's pairing message is not valid") from exc


def console_exchange(code: PairingCode, kiosk_message: str) -> tuple[str, bytes]:
    """The console's side (SPAKE2 side B): its message for the PC and the shared key."""
    from spake2 import SPAKE2_B  # noqa: PLC0415 (loaded by the first pairing, not at start)
    from spake2.spake2 import SPAKEError  # noqa: PLC0415

    spake = SPAKE2_B(_password(code), idA=_KIOSK_ID, idB=_CONSOLE_ID)
    message = encode_message(spake.start())
    try:
        return message, bytes(spake.finish(_decode_message(kiosk_message)))
    except (SPAKEError, ValueError, TypeError) as exc:
        raise PairingError("the PC's pairing message is not valid") from exc


def confirmation(key: bytes, side: Side, fingerprint_sha256: str | None) -> str:
    """``HMAC(K, version, side, certificate fingerprint)`` (hex): proof that ``side`` holds
    the key and saw this certificate (lowercase hex SHA-256; ``None`` over plain http)."""
    fingerprint = bytes.fromhex(fingerprint_sha256.replace(":", "")) if fingerprint_sha256 else b""
    label = f"epn-pair-v{PAIRING_VERSION}:{side.value}:".encode("ascii")
    return hmac.new(key, label + fingerprint, hashlib.sha256).hexdigest()


def confirmed(expected: str, given: str) -> bool:
    """Whether a confirmation matches, in constant time."""
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))
