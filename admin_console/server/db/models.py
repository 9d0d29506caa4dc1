"""SQLAlchemy 2 typed models of the console's tables.

Secrets are never stored: passwords as argon2id hashes, staff and kiosk tokens and pairing
codes as SHA-256 digests. Times are stored as UTC without an offset; ``UtcDateTime`` gives
them back aware, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from epn_shared.database import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of the console's tables."""


class StaffRow(Base):
    """A staff account."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    display_name: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    """How the PCs greet them (a first name); empty: their username."""
    language: Mapped[str] = mapped_column(sa.String(2), default="fr", server_default="fr")
    """The language of their screens, at the console and behind the staff key (fr, nl, en)."""
    pin_hash: Mapped[str | None] = mapped_column(sa.String(200))
    """argon2id of their own PIN for the staff key at the PCs; None: no PIN, no staff key."""
    pin_set_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class StaffRosterRow(Base):
    """One row: the revision of the staff roster sent to the PCs, raised by every change a
    PC must know (a PIN set or cleared, an account disabled, a name or language changed)."""

    __tablename__ = "console_staff_roster"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(sa.BigInteger)


class AccessTokenRow(Base):
    """A staff login: only the SHA-256 of the bearer token is kept."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SiteRow(Base):
    """A site: one room of the network the console runs (site 1 is the first room)."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    """The site's own settings over the network's policy (``policy.SITE_SETTINGS``)."""


class StaffSiteRow(Base):
    """A staff member works at a site (an admin works at every site without a row)."""

    __tablename__ = "staff_sites"
    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )


class KioskRow(Base):
    """An enrolled public PC."""

    __tablename__ = "kiosks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    site_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sites.id", name="fk_kiosks_site"), index=True, default=1, server_default="1"
    )
    """The site the PC stands in."""
    location: Mapped[str] = mapped_column(sa.String(80), default="")
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    out_of_order_reason: Mapped[str | None] = mapped_column(sa.String(200))
    """Set by staff: the PC stays locked, with this reason, until put back in order."""
    out_of_order_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    policy_version: Mapped[str | None] = mapped_column(sa.String(64))
    """The policy the PC last said it runs (hello, or an accepted policy update)."""
    agent_version: Mapped[str | None] = mapped_column(sa.String(40))
    """The EPN Kiosk version the PC last said it runs (its hello)."""
    mac: Mapped[str | None] = mapped_column(sa.String(17))
    """The network card the PC last said it reaches the console through (Wake-on-LAN)."""


class PairingCodeRow(Base):
    """A one-time pairing code: its id, its keyed digest, and while it is open its secret
    sealed under the pairing key (``tls.ensure_pairing_key``), never the code itself."""

    __tablename__ = "pairing_codes"
    __table_args__ = (
        # An open code holds its sealed secret: no two of them share an id, whoever makes
        # them at the same moment, in whichever process (c0010).
        sa.Index(
            "uq_pairing_codes_open_code_id",
            "code_id",
            unique=True,
            sqlite_where=sa.text("secret_sealed IS NOT NULL"),
            postgresql_where=sa.text("secret_sealed IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """HMAC-SHA256 of the code under the pairing key (plain SHA-256 for codes made before)."""
    code_id: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    """The code's first letters, sent in the clear to find it (``epn_shared.pairing``)."""
    secret_sealed: Mapped[str | None] = mapped_column(sa.String(120))
    """The secret, AES-GCM sealed; erased when the code is used, refused or expired."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    made_by: Mapped[str] = mapped_column(sa.String(80))
    kiosk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosks.id"))
    site_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sites.id", name="fk_pairing_codes_site")
    )
    """The site the PC it enrolls goes into (None: site 1, for codes made before sites)."""


class EventRow(Base):
    """One fact a kiosk reported; ``event_id`` is unique so a resend is stored once."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kiosk_id: Mapped[int] = mapped_column(sa.ForeignKey("kiosks.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class CommandRow(Base):
    """A staff action sent (or not: offline) to a kiosk, and the kiosk's answer."""

    __tablename__ = "commands"
    id: Mapped[int] = mapped_column(primary_key=True)
    command_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kiosk_id: Mapped[int] = mapped_column(sa.ForeignKey("kiosks.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(16))
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    by: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ok: Mapped[bool | None]
    code: Mapped[str | None] = mapped_column(sa.String(40))
    message: Mapped[str | None] = mapped_column(sa.String(500))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One staff action: who, what, which PC, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    who: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(40))
    kiosk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosks.id"))
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class TicketRow(Base):
    """A single-use ticket. The code is kept only as an HMAC, under the ticket key, of the
    SHA-256 of its 16 digits (``code_sha256``, see ``stored_digest``); ``ref`` is
    a public reference (on the sheet and in the kiosk's ``session_started`` event)."""

    __tablename__ = "console_tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(sa.String(16), unique=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    minutes: Mapped[int]
    free_pages: Mapped[int] = mapped_column(default=0)
    valid_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    made_by: Mapped[str] = mapped_column(sa.String(80))
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    used_kiosk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosks.id"))


class MemberRow(Base):
    """A member: a card number and an argon2id PIN hash. No name, address or birth date."""

    __tablename__ = "console_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    card: Mapped[str] = mapped_column(sa.String(40), unique=True)
    pin_hash: Mapped[str] = mapped_column(sa.String(200))
    daily_allowance_minutes: Mapped[int | None]
    nickname: Mapped[str | None] = mapped_column(sa.String(40))
    banned_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    ban_reason: Mapped[str | None] = mapped_column(sa.String(200))
    failed_pins: Mapped[int] = mapped_column(default=0)
    pin_locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class HelpCallRow(Base):
    """A visitor's call for help: when asked, who took it and when, when it was done.

    ``done_by`` is None when the call went away without help (the visitor's session ended).
    ``reason`` is None for a visitor's call; ``ticket_forged`` when the console itself
    calls staff to a PC that let in, offline, a ticket code the console never issued (such
    a call is not visitor help: the usage review does not count it)."""

    __tablename__ = "help_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(sa.ForeignKey("kiosks.id"), index=True)
    event_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    taken_by: Mapped[str | None] = mapped_column(sa.String(80))
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    done_by: Mapped[str | None] = mapped_column(sa.String(80))
    accompanied_seconds: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.String(32))


class SessionRow(Base):
    """One visitor session, folded from the PC's events as they arrive (in any order).

    Anonymous: no card number, no ticket reference. ``started_at`` is None until the
    ``session_started`` event arrives (a PC back from offline may send the end first)."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kiosk_id: Mapped[int] = mapped_column(sa.ForeignKey("kiosks.id"), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    login: Mapped[str | None] = mapped_column(sa.String(16))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    rules_version: Mapped[str | None] = mapped_column(sa.String(64))
    granted_seconds: Mapped[int | None]
    seconds_used: Mapped[int | None]
    extended_seconds: Mapped[int] = mapped_column(default=0)
    end_reason: Mapped[str | None] = mapped_column(sa.String(32))
    offline: Mapped[bool] = mapped_column(default=False)
    workshop_id: Mapped[str | None] = mapped_column(sa.String(64))
    pages: Mapped[int] = mapped_column(default=0)
    sheets: Mapped[int] = mapped_column(default=0)
    cost_cents: Mapped[int] = mapped_column(default=0)
    helped: Mapped[bool] = mapped_column(default=False)
    help_calls: Mapped[int] = mapped_column(default=0)
    accompanied_seconds: Mapped[int] = mapped_column(default=0)


class PolicyVersionRow(Base):
    """One version of the kiosks' policy as set at the console (the newest is in force)."""

    __tablename__ = "console_policies"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    policy_version: Mapped[str] = mapped_column(sa.String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    changed_by: Mapped[str] = mapped_column(sa.String(80))


class WorkshopRow(Base):
    """A workshop: several PCs started at once for a group, and what each PC answered."""

    __tablename__ = "workshops"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(80))
    minutes: Mapped[int]
    participants: Mapped[int]
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    started_by: Mapped[str] = mapped_column(sa.String(80))
    kiosk_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    results: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class SetupRow(Base):
    """The console's own facts about its EPN, set by the first-run assistant: one row."""

    __tablename__ = "console_setup"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    epn_name: Mapped[str] = mapped_column(sa.String(80), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_by: Mapped[str | None] = mapped_column(sa.String(80))
