"""The composition root: :func:`build_console` makes a console's object graph once (engine,
migrations, repositories, auth, visitor access, hub, apt repository); nothing is made at import."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from argon2 import PasswordHasher

from admin_console.server.apt_repo import AptRepository
from admin_console.server.auth import AuthService
from admin_console.server.bus import bus_for
from admin_console.server.clock import Clock, SystemClock
from admin_console.server.db.engine import make_engine, sqlite_url, upgrade
from admin_console.server.db.repositories import Repositories
from admin_console.server.errors import ConsoleError, StorageError
from admin_console.server.hub import Hub
from admin_console.server.pairing import Pairing
from admin_console.server.printers import CupsTools
from admin_console.server.sessions import SessionFolding
from admin_console.server.settings import ServerSettings
from admin_console.server.team import StaffTeam
from admin_console.server.tls import ensure_pairing_key, ensure_ticket_key, ticket_key_text
from admin_console.server.visitor_access import VisitorAccess


@dataclass(frozen=True)
class Console:
    """The object graph of one running console."""

    settings: ServerSettings
    engine: sa.Engine
    repos: Repositories
    auth: AuthService
    hub: Hub
    clock: Clock
    visitor_access: VisitorAccess
    pairing: Pairing
    printers: CupsTools
    apt: AptRepository
    """The room's packages, served to its PCs under ``/apt/``."""
    team: StaffTeam
    """The staff accounts managed by managers and admins, and each one's own."""

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_console(
    settings: ServerSettings, clock: Clock | None = None, hasher: PasswordHasher | None = None
) -> Console:
    """The composition root: engine, migrations to head, repositories, auth, hub."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = settings.database_url or sqlite_url(settings.data_dir)
    bus = bus_for(url, shared=settings.shared or settings.workers > 1)
    engine = make_engine(url)
    try:
        upgrade(engine)
    except StorageError:
        engine.dispose()
        raise
    try:
        ticket_key = ensure_ticket_key(settings.data_dir)
        pairing_key = ensure_pairing_key(settings.data_dir)
    except ConsoleError:
        engine.dispose()
        raise
    clock = clock or SystemClock()
    repos = Repositories.on(engine, SessionFolding(ticket_key))
    auth = AuthService(repos, clock, hasher)
    visitor_access = VisitorAccess(repos, auth, clock, ZoneInfo(settings.timezone), ticket_key)
    apt = AptRepository(settings.data_dir)
    hub = Hub(
        repos,
        auth,
        clock,
        ticket_key_text(ticket_key),
        published=apt.newest_version,
        bus=bus,
        alive_every=settings.alive_every,
    )
    pairing = Pairing(repos, clock, pairing_key)
    printers = CupsTools(settings.cups_server)
    return Console(
        settings,
        engine,
        repos,
        auth,
        hub,
        clock,
        visitor_access,
        pairing,
        printers,
        apt,
        StaffTeam(repos, auth),
    )
