"""Repositories over the console's tables, one module per aggregate. They take and return
plain frozen dataclasses, never live ORM rows, and know nothing of HTTP: the API and the
hub call them. Every database failure comes out as :class:`StorageError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from admin_console.server.db.repositories.audit import AuditRepository
from admin_console.server.db.repositories.base import write_lock_for
from admin_console.server.db.repositories.commands import CommandRepository
from admin_console.server.db.repositories.events import EventRepository, Fold
from admin_console.server.db.repositories.help import HelpRepository
from admin_console.server.db.repositories.kiosks import KioskRepository
from admin_console.server.db.repositories.members import MemberRepository
from admin_console.server.db.repositories.policies import PolicyRepository
from admin_console.server.db.repositories.sessions import SessionRepository
from admin_console.server.db.repositories.setup import SetupRepository
from admin_console.server.db.repositories.sites import SiteRepository
from admin_console.server.db.repositories.staff import StaffRepository, TokenRepository
from admin_console.server.db.repositories.tickets import TicketRepository
from admin_console.server.db.repositories.workshops import WorkshopRepository


@dataclass(frozen=True)
class Repositories:
    """Every repository over one engine (built once, in the composition root)."""

    staff: StaffRepository
    tokens: TokenRepository
    kiosks: KioskRepository
    events: EventRepository
    commands: CommandRepository
    audit: AuditRepository
    tickets: TicketRepository
    members: MemberRepository
    help: HelpRepository
    sessions: SessionRepository
    policies: PolicyRepository
    workshops: WorkshopRepository
    setup: SetupRepository
    sites: SiteRepository

    @classmethod
    def on(cls, engine: sa.Engine, fold: Fold) -> Repositories:
        """Repositories sharing one session factory on ``engine``; ``fold`` writes what a
        PC's new events mean (see :class:`EventRepository`)."""
        sessions = sessionmaker(engine, expire_on_commit=False, info=write_lock_for(engine))
        return cls(
            StaffRepository(sessions),
            TokenRepository(sessions),
            KioskRepository(sessions),
            EventRepository(sessions, fold),
            CommandRepository(sessions),
            AuditRepository(sessions),
            TicketRepository(sessions),
            MemberRepository(sessions),
            HelpRepository(sessions),
            SessionRepository(sessions),
            PolicyRepository(sessions),
            WorkshopRepository(sessions),
            SetupRepository(sessions),
            SiteRepository(sessions),
        )
