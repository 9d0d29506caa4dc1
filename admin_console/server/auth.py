"""Staff authentication: argon2id passwords, expiring bearer tokens, login throttling, roles.

A login gives a random token; only its SHA-256 is stored, so a copy of the database does
not let anyone in. Failed logins slow down the client that makes them and never lock an
account (:class:`LoginThrottle`): a stranger cannot keep its owner out. Every staff action
goes to the audit log through :meth:`AuthService.audit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from admin_console.api.staff import MIN_PASSWORD_LENGTH, Role
from admin_console.server.clock import Clock
from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.staff import Staff
from admin_console.server.errors import Conflict, Forbidden, NotAuthenticated, TooManyTries

TOKEN_LIFETIME = dt.timedelta(hours=12)


def digest(secret: str) -> str:
    """SHA-256 (hex) of a token: what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random bearer token (256 bits)."""
    return secrets.token_urlsafe(32)


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
    sites: frozenset[int] | None = None
    """The sites they work at; None: every site (an admin)."""

    def sees(self, site_id: int) -> bool:
        """True when ``site_id`` is one of their sites."""
        return self.sites is None or site_id in self.sites


HASH_CHECKS_AT_ONCE = 4
"""argon2 checks running at once; more wait their turn."""

FREE_LOGIN_TRIES = 3
"""Wrong logins of one client on one username before each further try must wait."""
FREE_CLIENT_TRIES = 10
"""Wrong logins of one client across every username before it must wait."""
FIRST_LOGIN_WAIT = dt.timedelta(seconds=2)
"""The first wait; it doubles at each further wrong login, up to :data:`MAX_LOGIN_WAIT`."""
MAX_LOGIN_WAIT = dt.timedelta(minutes=15)
FORGET_LOGINS = dt.timedelta(hours=1)
"""Wrong logins are forgotten this long after the last one."""
SLOWDOWN_AFTER = 20
"""Wrong logins on one username (from anywhere, within :data:`FORGET_LOGINS`) before every
login to it, the owner's too, is answered a little later; it is never refused."""
SLOWDOWN_STEP = 0.25
"""Seconds added per wrong login past :data:`SLOWDOWN_AFTER`, up to :data:`MAX_SLOWDOWN`."""
MAX_SLOWDOWN = 3.0
MAX_THROTTLED = 10_000
"""Counters kept per kind; past this the least recently used is forgotten."""


@dataclass
class _Failures:
    count: int = 0
    last: dt.datetime | None = None
    wait_until: dt.datetime | None = None


@dataclass(frozen=True)
class LoginAttempt:
    """One login try, counted as wrong until its password turns out right."""

    username: str
    client: str
    delay: float
    """Seconds to wait before checking it: the username's slowdown (usually 0)."""


class LoginThrottle:
    """Wrong logins slow down the client that makes them; no account is ever locked.

    Three counters, each forgotten an hour after its last wrong try: one per (username,
    client address) and one per client address across usernames close the door to that
    client only, for 2 s after the 3rd (resp. 10th) wrong try, doubling each time up to 15
    minutes (429 with Retry-After, no password check); one per username slows every login
    to it by up to 3 s once it had 20 wrong tries, so a guesser with many addresses gets
    slower too, while the owner, from their own machine, still gets in. A try is counted
    before its password is checked, so parallel connections get no more checks than tries
    one after another. In memory: a stranger cannot restart the console.
    """

    def __init__(self, clock: Clock, max_keys: int = MAX_THROTTLED) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._pairs: OrderedDict[tuple[str, str], _Failures] = OrderedDict()
        self._clients: OrderedDict[str, _Failures] = OrderedDict()
        self._names: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def begin(self, username: str, client: str) -> LoginAttempt:
        """Count a try of ``client`` on ``username``; :class:`TooManyTries` while it must wait."""
        now = self._clock.now()
        name = username.strip().casefold()
        with self._lock:
            pair = self._get(self._pairs, (name, client), now)
            by_client = self._get(self._clients, client, now)
            waits = [w for w in (pair.wait_until, by_client.wait_until) if w is not None]
            until = max(waits, default=None)
            if until is not None and until > now:
                raise TooManyTries(until, "logins from this computer")
            self._failed(pair, now, FREE_LOGIN_TRIES)
            self._failed(by_client, now, FREE_CLIENT_TRIES)
            on_name = self._get(self._names, name, now)
            self._failed(on_name, now, None)
            delay = min(MAX_SLOWDOWN, SLOWDOWN_STEP * max(0, on_name.count - SLOWDOWN_AFTER))
        return LoginAttempt(name, client, delay)

    def succeeded(self, attempt: LoginAttempt) -> None:
        """The password was right: this try was not a wrong one, and the client's wrong
        tries on this username are forgiven."""
        with self._lock:
            self._pairs.pop((attempt.username, attempt.client), None)
            for table, key in ((self._clients, attempt.client), (self._names, attempt.username)):
                found = table.get(key)
                if found is not None and found.count > 0:
                    found.count -= 1

    def _get(self, table: OrderedDict[Any, _Failures], key: Any, now: dt.datetime) -> _Failures:
        found = table.get(key)
        if found is None or (found.last is not None and now - found.last >= FORGET_LOGINS):
            found = _Failures()
            table[key] = found
            while len(table) > self._max_keys:
                table.popitem(last=False)
        table.move_to_end(key)
        return found

    @staticmethod
    def _failed(failures: _Failures, now: dt.datetime, free: int | None) -> None:
        failures.count += 1
        failures.last = now
        if free is not None and failures.count >= free:
            doublings = min(failures.count - free, 20)
            failures.wait_until = now + min(FIRST_LOGIN_WAIT * 2**doublings, MAX_LOGIN_WAIT)


class AuthService:
    """Logins, tokens and the audit log, on the repositories and an injected clock."""

    def __init__(
        self, repos: Repositories, clock: Clock, hasher: PasswordHasher | None = None
    ) -> None:
        self._repos = repos
        self._clock = clock
        # argon2-cffi's defaults are argon2id (RFC 9106 low-memory profile).
        self._hasher = hasher or PasswordHasher()
        # Each check takes the hasher's memory (64 MiB by default): a flood of logins or PINs
        # from many clients queues here instead of growing the server past its RAM.
        self._hash_slots = threading.BoundedSemaphore(HASH_CHECKS_AT_ONCE)
        self.throttle = LoginThrottle(clock)

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

    def create_first_admin(self, username: str, password: str) -> Login:
        """Make the console's first account, an admin, and log it in; :class:`Conflict`
        once any account exists. Of several tries at once, exactly one gets through (the
        repository's guarded insert)."""
        username = username.strip()
        if self._repos.staff.count() > 0:  # the usual answer, without hashing anything
            raise Conflict("the console already has a staff account: log in")
        now = self.now()
        staff = self._repos.staff.add_first(
            username, self.hash_password(password), Role.ADMIN.value, now
        )
        if staff is None:
            raise Conflict("the console already has a staff account: log in")
        self.audit(username, "staff_created", detail=f"{username} (admin, first account)")
        token = new_token()
        expires_at = now + TOKEN_LIFETIME
        self._repos.tokens.add(digest(token), staff.id, now, expires_at)
        self.audit(username, "login")
        return Login(token, expires_at, staff)

    def now(self) -> dt.datetime:
        """The current time, from the injected clock."""
        return self._clock.now()

    def login(self, username: str, password: str, attempt: LoginAttempt | None = None) -> Login:
        """Check a password and give a token. ``attempt`` is this try as
        :meth:`LoginThrottle.begin` counted it (the API's logins); a right password takes
        it back. An unknown name and a wrong password cost the same and answer the same."""
        now = self.now()
        found = self._repos.staff.credentials(username)
        if found is None:
            # Same work and answer as a wrong password: no way to probe which names exist.
            self._verify(self._dummy_hash(), password)
            self.audit(username, "login_failed", detail="unknown username")
            raise NotAuthenticated("wrong username or password")
        staff = found.record
        if not self._verify(found.secret_hash, password):
            self.audit(username, "login_failed", detail="wrong password")
            raise NotAuthenticated("wrong username or password")
        if attempt is not None:
            self.throttle.succeeded(attempt)
        if staff.disabled:
            self.audit(username, "login_refused", detail="account disabled")
            raise Forbidden("this account is disabled")
        if self._hasher.check_needs_rehash(found.secret_hash):
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
        role = Role(owner.staff.role)
        sites = None if role is Role.ADMIN else self._repos.sites.of_staff(owner.staff.id)
        return Principal(owner.staff, role, token_sha256, owner.expires_at, sites)

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
        self._repos.audit.add(who, action, self.now(), kiosk_id=kiosk_id, detail=detail)

    def verify_secret(self, secret_hash: str | None, secret: str) -> bool:
        """True when ``secret`` matches the argon2id ``secret_hash``. With no hash it does
        the same work against a dummy hash and is False, so an unknown name or card answers
        as slowly as a wrong secret."""
        if secret_hash is None:
            self._verify(self._dummy_hash(), secret)
            return False
        return self._verify(secret_hash, secret)

    def _verify(self, password_hash: str, password: str) -> bool:
        with self._hash_slots:
            try:
                return self._hasher.verify(password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

    _dummy: str | None = None

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_hex(8))
        return self._dummy
