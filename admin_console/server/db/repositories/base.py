"""What every repository shares: its session factory, storage errors, pages, plain values."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import QueryableAttribute, Session, sessionmaker

from admin_console.server.db.models import KioskRow
from admin_console.server.errors import StorageError

T = TypeVar("T")
R = TypeVar("R")
V = TypeVar("V", int, str)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class WithSecret(Generic[T]):
    """A record and the hash of its secret (a member's PIN, a staff password): for the
    check of that secret only, never shown or sent."""

    record: T
    secret_hash: str


_FIELDS: dict[Any, tuple[str, ...]] = {}


IN_CHUNK = 500
"""Most values in one ``IN (…)`` (well under every driver's parameter limit)."""


def in_chunks(values: Iterable[V]) -> Iterator[list[V]]:
    """``values`` (sorted) in lists of at most :data:`IN_CHUNK`, one ``IN (…)`` each."""
    listed = sorted(values)
    for start in range(0, len(listed), IN_CHUNK):
        yield listed[start : start + IN_CHUNK]


def copy_row(kind: type[T], row: object, **given: Any) -> T:
    """A plain ``kind`` value from a row: each field the row's attribute of that name, or
    the value ``given`` for it."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS.setdefault(kind, tuple(f.name for f in fields(cast(Any, kind))))
    return kind(**{n: given[n] if n in given else getattr(row, n) for n in names})


def inserted(session: Session, row: R) -> R:
    """``row`` added and flushed, so its id and the database's defaults are set."""
    session.add(row)
    session.flush()
    return row


def given(pairs: Iterable[tuple[Any, object]]) -> list[sa.ColumnElement[bool]]:
    """``column == value`` for each pair whose value is given (not None)."""
    return [column == value for column, value in pairs if value is not None]


def in_sites(kiosk_id: QueryableAttribute[Any], sites: frozenset[int]) -> sa.ColumnElement[bool]:
    """The rows whose PC (``kiosk_id``) stands in one of ``sites``."""
    return kiosk_id.in_(sa.select(KioskRow.id).where(KioskRow.site_id.in_(sites)))


def claimed(
    s: Session, entity: Any, *where: sa.ColumnElement[bool], unset: Any, **values: Any
) -> bool:
    """Set ``values`` on the row ``where`` picks if its column ``unset`` is still empty; True
    if this call set it. One guarded update: of callers racing on one row (two PCs with one
    ticket, two animators on one call), the database lets exactly one through."""
    done = s.execute(sa.update(entity).where(*where, unset.is_(None)).values(**values))
    return rowcount(done) == 1


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT into ``table`` in the dialect of ``session``'s database, which knows
    ``ON CONFLICT`` (SQLite and PostgreSQL alike); :class:`StorageError` for another."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise StorageError(f"unsupported database {dialect}")  # pragma: no cover - only those two


def rowcount(result: Any) -> int:
    """How many rows a statement changed."""
    return int(getattr(result, "rowcount", 0) or 0)


WRITE_LOCK = "epn.write_lock"
"""The ``Session.info`` key of the lock a database that takes one writer at a time
(SQLite) needs around each write transaction (see :func:`writing`)."""


def write_lock_for(engine: sa.Engine) -> dict[str, Any]:
    """The ``info`` of the sessions on ``engine``: a lock of their own for SQLite."""
    return {WRITE_LOCK: threading.RLock()} if engine.dialect.name == "sqlite" else {}


@contextlib.contextmanager
def writing(session: Session) -> Iterator[None]:
    """Hold the session's write lock, if its database has one, for the transaction.

    SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps
    1, 2, 5, 10 ms and longer between tries, and a transaction that read before another's
    commit cannot write at all. Taking turns in the process instead, each writer starts the
    moment the one before commits (the event writer's batches, commands and audit lines of
    a busy console). PostgreSQL takes concurrent writers itself: no lock."""
    lock = session.info.get(WRITE_LOCK)
    if lock is None:
        yield
        return
    with lock:
        yield


class Repository:
    """A repository over one session factory; every database failure comes out as
    :class:`StorageError`."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"the console database failed: {exc}") from exc

    def _page(
        self,
        entity: type[Any],
        conditions: Iterable[sa.ColumnElement[bool]],
        order: Iterable[sa.ColumnElement[Any]],
        *,
        value: Callable[[Any], T],
        limit: int,
        offset: int,
    ) -> Page[T]:
        """One page of the ``entity`` rows meeting every condition, in ``order``, each made
        a plain value; the total counts every row meeting them."""
        where = tuple(conditions)
        with self._read() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(entity).where(*where))
            rows = s.scalars(
                sa.select(entity).where(*where).order_by(*order).limit(limit).offset(offset)
            )
            return Page(tuple(value(r) for r in rows), total or 0, limit, offset)

    def _keep(self, row: object) -> None:
        """Store one new row."""
        with self._write() as s:
            s.add(row)

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, writing(session), session.begin():
                yield session
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StorageError(f"the console database failed: {exc}") from exc
