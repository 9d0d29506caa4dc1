"""Staff authentication: argon2id passwords, expiring bearer tokens, lockout, roles.

A login gives a random token; only its SHA-256 is stored, so a copy of the database does
not let anyone in. Five failed logins in a row lock the account for fifteen minutes. Every
staff action goes to the audit log through :meth:`AuthService.audit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Repositories, Staff
from admin_console.server.errors import AccountLocked, Forbidden, NotAuthenticated

TOKEN_LIFETIME = dt.timedelta(hours=12)
MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
PAIRING_CODE_LIFETIME = dt.timedelta(minutes=10)
MIN_PASSWORD_LENGTH = 8

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a PC


class Role(StrEnum):
    """What a staff member may do; each role may do everything the ones below may."""

    ANIMATOR = "animator"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in animator < manager < admin."""
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        """True if this role may do what ``needed`` may."""
        return self.rank >= needed.rank


_RANKS = {Role.ANIMATOR: 0, Role.MANAGER: 1, Role.ADMIN: 2}


def digest(secret: str) -> str:
    """SHA-256 (hex) of a token or normalised code: what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random bearer token (256 bits)."""
    return secrets.token_urlsafe(32)


def new_pairing_code() -> str:
    """A one-time pairing code, easy to read aloud and type: ``ABCD-EFGH`` (40 bits)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_pairing_code(typed: str) -> str:
    """A code as typed (any case, spaces or dashes) in the form its digest is taken of."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


@dataclass(frozen=True)
class Login:
    """A successful login: the token (shown once) and when it expires."""

    token: str
    expires_at: dt.datetime
    staff: Staff


@dataclass(frozen=True)
class Principal:
    """The staff member behind a request's token."""

    staff: Staff
    role: Role
    token_sha256: str
    expires_at: dt.datetime


class AuthService:
    """Logins, tokens and the audit log, on the repositories and an injected clock."""

    def __init__(
        self, repos: Repositories, clock: Clock, hasher: PasswordHasher | None = None
    ) -> None:
        self._repos = repos
        self._clock = clock
        # argon2-cffi's defaults are argon2id (RFC 9106 low-memory profile).
        self._hasher = hasher or PasswordHasher()

    def hash_password(self, password: str) -> str:
        """An argon2id hash of ``password``."""
        return self._hasher.hash(password)

    def create_staff(self, username: str, password: str, role: Role, by: str = "system") -> Staff:
        """Create an account (audited)."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        username = username.strip()
        if not 1 <= len(username) <= 80:
            raise ValueError("a username has 1 to 80 characters")
        password_hash = self.hash_password(password)
        staff = self._repos.staff.add(username, password_hash, role.value, self.now())
        self.audit(by, "staff_created", detail=f"{username} ({role.value})")
        return staff

    def now(self) -> dt.datetime:
        """The current time, from the injected clock."""
        return self._clock.now()

    def login(self, username: str, password: str) -> Login:
        """Check a password and give a token; count failures and lock after five."""
        now = self.now()
        found = self._repos.staff.credentials(username)
        if found is None:
            # Same work and answer as a wrong password: no way to probe which names exist.
            self._verify(self._dummy_hash(), password)
            self.audit(username, "login_failed", detail="unknown username")
            raise NotAuthenticated("wrong username or password")
        staff = found.staff
        if staff.locked_until is not None and staff.locked_until > now:
            self.audit(username, "login_refused", detail="account locked")
            raise AccountLocked(staff.locked_until)
        if not self._verify(found.password_hash, password):
            locked = self._repos.staff.record_failure(
                staff.id, now, MAX_FAILED_LOGINS, LOCK_DURATION
            )
            self.audit(username, "login_failed", detail="wrong password")
            if locked is not None:
                self.audit(username, "account_locked", detail=f"until {locked.isoformat()}")
                raise AccountLocked(locked)
            raise NotAuthenticated("wrong username or password")
        if staff.disabled:
            self.audit(username, "login_refused", detail="account disabled")
            raise Forbidden("this account is disabled")
        self._repos.staff.record_success(staff.id)
        if self._hasher.check_needs_rehash(found.password_hash):
            self._repos.staff.set_password_hash(staff.id, self.hash_password(password))
        token = new_token()
        expires_at = now + TOKEN_LIFETIME
        self._repos.tokens.add(digest(token), staff.id, now, expires_at)
        self.audit(username, "login")
        return Login(token, expires_at, staff)

    def authenticate(self, token: str | None) -> Principal:
        """The staff member holding ``token``; :class:`NotAuthenticated` otherwise."""
        if not token:
            raise NotAuthenticated("log in first: no bearer token")
        token_sha256 = digest(token)
        owner = self._repos.tokens.owner(token_sha256, self.now())
        if owner is None:
            raise NotAuthenticated("this token is unknown or has expired: log in again")
        if owner.staff.disabled:
            raise NotAuthenticated("this account is disabled")
        return Principal(owner.staff, Role(owner.staff.role), token_sha256, owner.expires_at)

    def logout(self, principal: Principal) -> None:
        """Forget the token of this request."""
        self._repos.tokens.remove(principal.token_sha256)
        self.audit(principal.staff.username, "logout")

    @staticmethod
    def require(principal: Principal, needed: Role) -> None:
        """:class:`Forbidden` unless the principal's role is at least ``needed``."""
        if not principal.role.allows(needed):
            raise Forbidden(f"this needs the {needed.value} role (you are {principal.role.value})")

    def audit(
        self, who: str, action: str, *, kiosk_id: int | None = None, detail: str = ""
    ) -> None:
        """Write a line of the audit log, now."""
        self._repos.audit.add(who, action, self.now(), kiosk_id, detail)

    def verify_secret(self, secret_hash: str | None, secret: str) -> bool:
        """True when ``secret`` matches the argon2id ``secret_hash``. With no hash it does
        the same work against a dummy hash and is False, so an unknown name or card answers
        as slowly as a wrong secret."""
        if secret_hash is None:
            self._verify(self._dummy_hash(), secret)
            return False
        return self._verify(secret_hash, secret)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    _dummy: str | None = None

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_hex(8))
        return self._dummy
