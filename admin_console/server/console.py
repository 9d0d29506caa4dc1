"""The composition root: :func:`build_console` makes a console's object graph once (engine,
migrations, repositories, auth, visitor access, hub); nothing is made at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from argon2 import PasswordHasher

from admin_console.server.auth import AuthService
from admin_console.server.clock import Clock, SystemClock
from admin_console.server.db.engine import make_engine, sqlite_url, upgrade
from admin_console.server.db.repositories import Repositories
from admin_console.server.errors import ConsoleError, StorageError
from admin_console.server.hub import Hub
from admin_console.server.limits import RateLimits
from admin_console.server.sessions import SessionFolding
from admin_console.server.tls import ensure_ticket_key, ticket_key_text
from admin_console.server.visitor_access import VisitorAccess

COMMAND_WAIT = 5.0
"""Seconds an API call waits for the kiosk's answer before saying ``pending``."""


@dataclass(frozen=True)
class Settings:
    """What the server is told at start (``epn-console serve`` options)."""

    data_dir: Path
    database_url: str | None = None
    command_wait: float = COMMAND_WAIT
    fingerprint: str | None = None
    timezone: str = "Europe/Brussels"
    """The EPN's time zone: where a member's day starts and a ban's last day ends."""
    rate_limits: RateLimits = field(default_factory=RateLimits)
    """Requests per client on the routes a stranger can reach (``limits``)."""

    @property
    def url(self) -> str:
        """The database URL: the one given, or SQLite in the data directory."""
        return self.database_url or sqlite_url(self.data_dir)


@dataclass(frozen=True)
class Console:
    """The object graph of one running console."""

    settings: Settings
    engine: sa.Engine
    repos: Repositories
    auth: AuthService
    hub: Hub
    clock: Clock
    visitor_access: VisitorAccess

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_console(
    settings: Settings, clock: Clock | None = None, hasher: PasswordHasher | None = None
) -> Console:
    """The composition root: engine, migrations to head, repositories, auth, hub."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    try:
        upgrade(engine)
    except StorageError:
        engine.dispose()
        raise
    try:
        ticket_key = ensure_ticket_key(settings.data_dir)
    except ConsoleError:
        engine.dispose()
        raise
    clock = clock or SystemClock()
    repos = Repositories.on(engine, SessionFolding(ticket_key))
    auth = AuthService(repos, clock, hasher)
    visitor_access = VisitorAccess(repos, auth, clock, ZoneInfo(settings.timezone), ticket_key)
    hub = Hub(repos, auth, clock, ticket_key_text(ticket_key))
    return Console(settings, engine, repos, auth, hub, clock, visitor_access)
