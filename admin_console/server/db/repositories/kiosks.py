"""Enrolled PCs and the pairing codes that enroll them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.server.db.models import KioskRow, PairingCodeRow
from admin_console.server.db.repositories.base import (
    Repository,
    claimed,
    copy_row,
    inserted,
)
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
    agent_version: str | None = None
    site_id: int = 1
    mac: str | None = None
    """The network card the PC last said it reaches the console through (Wake-on-LAN)."""

    @property
    def out_of_order(self) -> bool:
        """Staff marked this PC out of order."""
        return self.out_of_order_reason is not None


@dataclass(frozen=True)
class OpenCode:
    """A pairing code taken for one exchange: its row, digest, sealed secret, maker."""

    id: int
    code_sha256: str
    secret_sealed: str | None
    made_by: str


class CodeIdTaken(Conflict):
    """Another open pairing code holds this id: it was made at the same moment."""


class KioskRepository(Repository):
    """Enrolled PCs and pairing codes."""

    def add_pairing_code(
        self,
        code_sha256: str,
        made_by: str,
        now: dt.datetime,
        expires_at: dt.datetime,
        *,
        code_id: str | None = None,
        secret_sealed: str | None = None,
        site_id: int | None = None,
    ) -> int:
        """Keep a new pairing code: its digest, its id, its sealed secret; returns its row.

        :class:`CodeIdTaken` if another open code holds the id (the database refuses a
        second one, whoever made it meanwhile)."""
        try:
            with self._write() as s:
                row = inserted(
                    s,
                    PairingCodeRow(
                        code_sha256=code_sha256,
                        code_id=code_id,
                        secret_sealed=secret_sealed,
                        created_at=now,
                        expires_at=expires_at,
                        made_by=made_by,
                        site_id=site_id,
                    ),
                )
                return row.id
        except IntegrityError as exc:
            raise CodeIdTaken(f"another open pairing code is {code_id}") from exc

    def open_code_ids(self, now: dt.datetime) -> set[str]:
        """The ids of the codes still open (not used, not expired): a new code takes another."""
        with self._read() as s:
            query = (
                sa.select(PairingCodeRow.code_id)
                .where(PairingCodeRow.used_at.is_(None))
                .where(PairingCodeRow.expires_at > now)
                .where(PairingCodeRow.code_id.is_not(None))
            )
            return {code_id for code_id in s.scalars(query) if code_id is not None}

    def erase_expired_secrets(self, now: dt.datetime) -> None:
        """Sealed secrets live only as long as their code: erase those of expired codes
        (on its own, so that a refusal after it does not undo it)."""
        with self._write() as s:
            s.execute(
                sa.update(PairingCodeRow)
                .where(PairingCodeRow.expires_at <= now)
                .where(PairingCodeRow.secret_sealed.is_not(None))
                .values(secret_sealed=None)
            )

    def _open_code(self, s: Session, code_id: str, now: dt.datetime) -> PairingCodeRow:
        code = s.scalars(
            sa.select(PairingCodeRow)
            .where(PairingCodeRow.code_id == code_id)
            .order_by(PairingCodeRow.id.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if code is None:
            raise PairingRefused("unknown pairing code")
        if code.used_at is not None:
            raise PairingRefused("this pairing code was already used")
        if code.expires_at <= now:
            raise PairingRefused("this pairing code has expired; ask for a new one")
        return code

    @staticmethod
    def _spend(s: Session, code: PairingCodeRow, now: dt.datetime) -> None:
        spent = claimed(
            s,
            PairingCodeRow,
            PairingCodeRow.id == code.id,
            unset=PairingCodeRow.used_at,
            used_at=now,
            secret_sealed=None,
        )
        if not spent:
            raise PairingRefused("this pairing code was already used")

    def spend_pairing_code(self, code_id: str, now: dt.datetime) -> OpenCode:
        """Use the open code of this id for one pairing exchange: from now it is used (its
        sealed secret erased) whatever the exchange gives. :class:`PairingRefused` if it is
        unknown, expired or used."""
        self.erase_expired_secrets(now)
        with self._write() as s:
            code = self._open_code(s, code_id, now)
            found = OpenCode(code.id, code.code_sha256, code.secret_sealed, code.made_by)
            self._spend(s, code, now)
            return found

    def enroll(
        self,
        code_id: str,
        matches: Callable[[str], bool],
        *,
        name: str,
        location: str,
        token_sha256: str,
        now: dt.datetime,
    ) -> tuple[Kiosk, str]:
        """Use the pairing code of this id, whose digest ``matches`` must accept, and create
        the kiosk, in one transaction; returns the kiosk and who made the code.

        :class:`PairingRefused` if the code is unknown, expired or used, or if the digest
        does not match (then the code is spent: one wrong try per code);
        :class:`Conflict` if a PC that is not revoked already has this name (the code stays
        open).
        """
        self.erase_expired_secrets(now)
        try:
            with self._write() as s:
                code = self._open_code(s, code_id, now)
                wrong = not matches(code.code_sha256)
                if wrong:
                    self._spend(s, code, now)
                else:
                    kiosk = self._add_kiosk(
                        s, code, name=name, location=location, token_sha256=token_sha256, now=now
                    )
                    self._spend(s, code, now)
                    return kiosk, code.made_by
        except IntegrityError as exc:
            raise Conflict("this PC could not be enrolled; try again") from exc
        raise PairingRefused("wrong pairing code: it can no longer be used; make a new one")

    def enroll_paired(
        self, code_row: int, name: str, location: str, token_sha256: str, now: dt.datetime
    ) -> tuple[Kiosk, str]:
        """Create the kiosk of a pairing exchange that succeeded on the code ``code_row``
        (spent when the exchange started); :class:`PairingRefused` if that code already
        made a PC, :class:`Conflict` if the name is taken."""
        try:
            with self._write() as s:
                code = s.get(PairingCodeRow, code_row, with_for_update=True)
                if code is None or code.kiosk_id is not None:
                    raise PairingRefused("this pairing code was already used")
                return self._add_kiosk(
                    s, code, name=name, location=location, token_sha256=token_sha256, now=now
                ), code.made_by
        except IntegrityError as exc:
            raise Conflict("this PC could not be enrolled; try again") from exc

    @staticmethod
    def _add_kiosk(
        s: Session,
        code: PairingCodeRow,
        *,
        name: str,
        location: str,
        token_sha256: str,
        now: dt.datetime,
    ) -> Kiosk:
        taken = s.scalars(
            sa.select(KioskRow.id).where(KioskRow.name == name).where(KioskRow.revoked_at.is_(None))
        ).first()
        if taken is not None:
            raise Conflict(f"a PC named {name!r} is already enrolled; revoke it first")
        kiosk = inserted(
            s,
            KioskRow(
                name=name,
                location=location,
                token_sha256=token_sha256,
                created_at=now,
                site_id=code.site_id or 1,
            ),
        )
        # Two exchanges racing on one code make one PC.
        mine = claimed(
            s,
            PairingCodeRow,
            PairingCodeRow.id == code.id,
            unset=PairingCodeRow.kiosk_id,
            kiosk_id=kiosk.id,
        )
        if not mine:
            raise PairingRefused("this pairing code was already used")
        return copy_row(Kiosk, kiosk)

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

    def set_reported(self, kiosk_id: int, **versions: str | None) -> Kiosk | None:
        """What the PC now says it runs: ``policy_version``, ``agent_version``, its network
        card ``mac`` (None: it did not say); None for a PC that is gone."""
        unknown = set(versions) - {"policy_version", "agent_version", "mac"}
        if unknown:
            raise ValueError(f"not a version a PC reports: {sorted(unknown)}")
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                return None
            for name, value in versions.items():
                setattr(row, name, value)
            return copy_row(Kiosk, row)
