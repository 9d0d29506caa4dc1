"""Pairing codes at the console: making them, and the two ways a PC uses one.

- the exchange (:mod:`epn_shared.pairing`): ``/api/pair/start`` spends the code and proves
  the console's certificate to the PC, ``/api/pair/finish`` checks the PC's proof and
  enrolls it; no fingerprint is typed;
- ``/api/enroll`` with the whole code, for scripts that pin the fingerprint themselves.

The database keeps a code's id, its digest keyed by the pairing key
(:func:`~admin_console.server.tls.ensure_pairing_key`) and, while the code is open, its
secret sealed (AES-GCM) under that key: SPAKE2 needs the secret itself. A copy of the
database without ``DATA_DIR/tls/pairing.key`` gives no usable code, and the sealed secret
is erased when the code is used or refused, or found expired.

One code is one guess: the exchange spends it at its start (a stranger who starts one
in the PC's place, guessing, learns at most whether that one guess was right, and the PC
then hears "already used"); ``/api/enroll`` with a wrong secret for a known id spends it too.
The exchange's key waits in memory (:data:`FINISH_WINDOW`) for the PC's finish, never on disk.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.kiosks import CodeIdTaken, Kiosk
from admin_console.server.errors import Conflict, PairingRefused
from epn_shared.pairing import (
    CODE_ID_LENGTH,
    PairingCode,
    PairingError,
    Side,
    confirmation,
    confirmed,
    console_exchange,
    new_pairing_code,
)
from epn_shared.protocol import PairFinishRequest, PairStartRequest, PairStartResponse

PAIRING_CODE_LIFETIME = dt.timedelta(minutes=10)
FINISH_WINDOW = dt.timedelta(minutes=2)
"""How long after its start an exchange waits for the PC's finish."""
MAX_OPEN_IDS = 32**CODE_ID_LENGTH
MAX_DRAWS = 16
"""Ids drawn for one new code, each after another code took the one drawn before."""


@dataclass(frozen=True)
class _Exchange:
    code_row: int
    key: bytes
    started_at: dt.datetime
    made_by: str
    code_id: str


class Pairing:
    """Pairing codes and the exchanges that spend them (see the module)."""

    def __init__(self, repos: Repositories, clock: Clock, key: bytes) -> None:
        self._repos = repos
        self._clock = clock
        self._digest_key = hmac.new(key, b"epn pairing code digest", hashlib.sha256).digest()
        self._seal = AESGCM(hmac.new(key, b"epn pairing code seal", hashlib.sha256).digest())
        self._exchanges: dict[str, _Exchange] = {}
        self._lock = threading.Lock()

    def digest(self, code: PairingCode) -> str:
        """The code's digest as the database keeps it (HMAC under the pairing key)."""
        return hmac.new(self._digest_key, code.plain.encode("ascii"), hashlib.sha256).hexdigest()

    def create(self, made_by: str, site_id: int = 1) -> tuple[PairingCode, dt.datetime]:
        """A new code, open for :data:`PAIRING_CODE_LIFETIME`, enrolling its PC into
        ``site_id``; returns it and its end."""
        now = self._clock.now()
        expires_at = now + PAIRING_CODE_LIFETIME
        self._repos.kiosks.erase_expired_secrets(now)
        for _ in range(MAX_DRAWS):
            taken = self._repos.kiosks.open_code_ids(now)
            if len(taken) >= MAX_OPEN_IDS:
                raise Conflict("too many pairing codes are open; use them or wait 10 minutes")
            code = new_pairing_code()
            while code.code_id in taken:
                code = new_pairing_code()
            nonce = secrets.token_bytes(12)
            aad = _aad(code.code_id)
            sealed = nonce + self._seal.encrypt(nonce, code.secret.encode("ascii"), aad)
            try:
                self._repos.kiosks.add_pairing_code(
                    self.digest(code),
                    made_by,
                    now,
                    expires_at,
                    code_id=code.code_id,
                    secret_sealed=base64.urlsafe_b64encode(sealed).decode("ascii"),
                    site_id=site_id,
                )
            except CodeIdTaken:
                continue  # made meanwhile by someone else (here or at another process)
            return code, expires_at
        raise Conflict("many pairing codes are being made at once; try again")

    def enroll(self, typed: str, name: str, location: str, token_sha256: str) -> tuple[Kiosk, str]:
        """``/api/enroll``: the whole code typed; returns the kiosk and who made the code."""
        try:
            code = PairingCode.parse(typed)
        except PairingError as exc:
            raise PairingRefused("unknown pairing code") from exc
        expected = self.digest(code)
        return self._repos.kiosks.enroll(
            code.code_id,
            lambda stored: hmac.compare_digest(stored, expected),
            name=name,
            location=location,
            token_sha256=token_sha256,
            now=self._clock.now(),
        )

    def start(self, request: PairStartRequest, fingerprint: str | None) -> PairStartResponse:
        """Spend the code of ``request.code_id`` and answer the PC's SPAKE2 message with the
        console's and its proof of the key and of the certificate ``fingerprint``."""
        now = self._clock.now()
        code_id = request.code_id.upper()
        spent = self._repos.kiosks.spend_pairing_code(code_id, now)
        # Staff see each code spent, by a PC that pairs or by a stranger guessing.
        self._repos.audit.add(
            "a PC", "pairing_started", now, detail=f"code {code_id} of {spent.made_by}"
        )
        secret = self._unseal(code_id, spent.secret_sealed)
        try:
            message, key = console_exchange(PairingCode(code_id, secret), request.msg)
        except PairingError as exc:
            raise PairingRefused(f"{exc}; the code is spent, make a new one") from exc
        pair_id = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_late(now)
            self._exchanges[pair_id] = _Exchange(spent.id, key, now, spent.made_by, code_id)
        return PairStartResponse(
            pair_id=pair_id,
            msg=message,
            confirm=confirmation(key, Side.CONSOLE, fingerprint),
            fingerprint_sha256=fingerprint if request.tell_fingerprint else None,
        )

    def finish(
        self, request: PairFinishRequest, fingerprint: str | None, token_sha256: str
    ) -> tuple[Kiosk, str]:
        """Check the PC's proof and enroll it; returns the kiosk and who made the code.

        :class:`PairingRefused` for an unknown, finished or late exchange, or a proof that
        does not match (the exchange is over); :class:`Conflict` if the name is taken (the
        exchange waits for a finish with another name)."""
        now = self._clock.now()
        with self._lock:
            self._forget_late(now)
            exchange = self._exchanges.pop(request.pair_id, None)
        if exchange is None:
            raise PairingRefused("unknown or finished pairing: make a new code on the console")
        if not confirmed(confirmation(exchange.key, Side.KIOSK, fingerprint), request.confirm):
            self._repos.audit.add(
                "a PC", "pairing_refused", now, detail=f"code {exchange.code_id}: wrong proof"
            )
            raise PairingRefused(
                "the pairing failed: the PC used another code, or saw another certificate "
                "(something stands between it and the console); the code is spent"
            )
        try:
            return self._repos.kiosks.enroll_paired(
                exchange.code_row, request.name, request.location, token_sha256, now
            )
        except Conflict:
            with self._lock:
                self._exchanges[request.pair_id] = exchange
            raise

    def _unseal(self, code_id: str, sealed: str | None) -> str:
        if sealed is None:
            raise PairingRefused("this pairing code cannot pair without a fingerprint")
        try:
            raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
            return self._seal.decrypt(raw[:12], raw[12:], _aad(code_id)).decode("ascii")
        except (InvalidTag, ValueError) as exc:
            # Another console's key (a restored data folder): the code cannot be opened.
            raise PairingRefused("this pairing code cannot be read here; make a new one") from exc

    def _forget_late(self, now: dt.datetime) -> None:
        late = [k for k, e in self._exchanges.items() if now - e.started_at > FINISH_WINDOW]
        for pair_id in late:
            del self._exchanges[pair_id]


def _aad(code_id: str) -> bytes:
    return f"epn pairing code {code_id}".encode("ascii")
