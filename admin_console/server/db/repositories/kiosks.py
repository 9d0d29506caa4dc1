"""Enrolled PCs and the pairing codes that enroll them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from admin_console.server.db.models import KioskRow, PairingCodeRow
from admin_console.server.db.repositories.base import Repository, copy_row, inserted
from admin_console.server.errors import Conflict, NotFound, PairingRefused


@dataclass(frozen=True)
class Kiosk:
    """An enrolled PC."""

    id: int
    name: str
    location: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    out_of_order_reason: str | None = None
    out_of_order_at: dt.datetime | None = None
    policy_version: str | None = None

    @property
    def out_of_order(self) -> bool:
        """Staff marked this PC out of order."""
        return self.out_of_order_reason is not None


class KioskRepository(Repository):
    """Enrolled PCs and pairing codes."""

    def add_pairing_code(
        self, code_sha256: str, made_by: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Keep a new pairing code's digest."""
        self._keep(
            PairingCodeRow(
                code_sha256=code_sha256, created_at=now, expires_at=expires_at, made_by=made_by
            )
        )

    def enroll(
        self, code_sha256: str, name: str, location: str, token_sha256: str, now: dt.datetime
    ) -> tuple[Kiosk, str]:
        """Use a pairing code and create the kiosk, in one transaction; returns the kiosk
        and who made the code.

        :class:`PairingRefused` if the code is unknown, expired or used;
        :class:`Conflict` if a PC that is not revoked already has this name.
        """
        try:
            with self._write() as s:
                code = s.scalars(
                    sa.select(PairingCodeRow)
                    .where(PairingCodeRow.code_sha256 == code_sha256)
                    .with_for_update()
                ).first()
                if code is None:
                    raise PairingRefused("unknown pairing code")
                if code.used_at is not None:
                    raise PairingRefused("this pairing code was already used")
                if code.expires_at <= now:
                    raise PairingRefused("this pairing code has expired; ask for a new one")
                taken = s.scalars(
                    sa.select(KioskRow.id)
                    .where(KioskRow.name == name)
                    .where(KioskRow.revoked_at.is_(None))
                ).first()
                if taken is not None:
                    raise Conflict(f"a PC named {name!r} is already enrolled; revoke it first")
                kiosk = inserted(
                    s,
                    KioskRow(
                        name=name, location=location, token_sha256=token_sha256, created_at=now
                    ),
                )
                # The guarded update makes two enrollments racing on one code fail one.
                used = s.execute(
                    sa.update(PairingCodeRow)
                    .where(PairingCodeRow.id == code.id)
                    .where(PairingCodeRow.used_at.is_(None))
                    .values(used_at=now, kiosk_id=kiosk.id)
                )
                if getattr(used, "rowcount", 0) != 1:
                    raise PairingRefused("this pairing code was already used")
                return copy_row(Kiosk, kiosk), code.made_by
        except IntegrityError as exc:
            raise Conflict("this PC could not be enrolled; try again") from exc

    def by_token(self, token_sha256: str) -> Kiosk | None:
        """The kiosk holding a token (revoked or not)."""
        with self._read() as s:
            query = sa.select(KioskRow).where(KioskRow.token_sha256 == token_sha256)
            row = s.scalars(query).first()
            return None if row is None else copy_row(Kiosk, row)

    def get(self, kiosk_id: int) -> Kiosk | None:
        """A kiosk by id."""
        with self._read() as s:
            row = s.get(KioskRow, kiosk_id)
            return None if row is None else copy_row(Kiosk, row)

    def all(self, include_revoked: bool = False) -> list[Kiosk]:
        """Every kiosk, by name."""
        with self._read() as s:
            query = sa.select(KioskRow).order_by(KioskRow.name, KioskRow.id)
            if not include_revoked:
                query = query.where(KioskRow.revoked_at.is_(None))
            return [copy_row(Kiosk, row) for row in s.scalars(query)]

    def revoke(self, kiosk_id: int, now: dt.datetime) -> Kiosk:
        """Refuse this kiosk from now on (a second revoke keeps the first time)."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                raise NotFound(f"no PC with id {kiosk_id}")
            if row.revoked_at is None:
                row.revoked_at = now
            return copy_row(Kiosk, row)

    def seen(self, kiosk_id: int, now: dt.datetime) -> None:
        """Note that the kiosk was heard from."""
        with self._write() as s:
            s.execute(sa.update(KioskRow).where(KioskRow.id == kiosk_id).values(last_seen_at=now))

    def set_out_of_order(self, kiosk_id: int, reason: str | None, now: dt.datetime) -> Kiosk:
        """Mark the PC out of order with a reason, or (``None``) back in order."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                raise NotFound(f"no PC with id {kiosk_id}")
            row.out_of_order_reason = reason
            row.out_of_order_at = None if reason is None else now
            return copy_row(Kiosk, row)

    def set_policy_version(self, kiosk_id: int, policy_version: str | None) -> Kiosk | None:
        """The policy the PC now runs (None: it did not say)."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                return None
            row.policy_version = policy_version
            return copy_row(Kiosk, row)
