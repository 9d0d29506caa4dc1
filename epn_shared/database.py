"""Database glue both products share: aware times stored as UTC, SQLite engines with their
pragmas, and a product's Alembic migrations, configured in code (no alembic.ini).

Alembic is imported only to migrate: the always-running agent never loads it (about 12 MB).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from sqlalchemy import event

if TYPE_CHECKING:
    from alembic.config import Config


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Aware datetimes stored as UTC without an offset (SQLite would otherwise drop it) and
    given back aware, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """To the database: the same instant in UTC, without an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: only aware times are stored")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        """From the database: an aware UTC datetime."""
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


def sqlite_engine(
    url: str,
    *,
    synchronous: Literal["FULL", "NORMAL"],
    busy_timeout_ms: int,
    any_thread: bool = False,
) -> sa.Engine:
    """An engine on the SQLite database ``url``: WAL mode, foreign keys enforced, a writer
    waits ``busy_timeout_ms`` for another. With WAL, ``synchronous=FULL`` makes each commit
    survive a power cut, ``NORMAL`` only those before the last checkpoint. ``any_thread``
    lets a connection be used by another thread than the one that opened it."""
    connect_args = {"check_same_thread": False} if any_thread else {}
    engine = sa.create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return engine


@dataclass(frozen=True)
class Migrations:
    """A product's Alembic migrations: their folder, and the table that records where a
    database is (its own name, so two products can share one database)."""

    folder: Path
    version_table: str = "alembic_version"

    def config(self, connection: sa.Connection | None = None) -> Config:
        """An Alembic configuration on the migrations, running them on ``connection``."""
        from alembic.config import Config  # noqa: PLC0415 (only needed to migrate)

        config = Config()
        config.set_main_option("script_location", str(self.folder))
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def upgrade(self, engine: sa.Engine) -> None:
        """Bring the database to the newest schema, in one transaction."""
        from alembic import command  # noqa: PLC0415 (only needed to migrate)

        with engine.begin() as connection:
            command.upgrade(self.config(connection), "head")

    def revision(self, engine: sa.Engine) -> str | None:
        """The migration the database is at (None for an empty database)."""
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(self.version_table):
                return None
            value = connection.exec_driver_sql(
                f"SELECT version_num FROM {self.version_table}"
            ).scalar()
            return None if value is None else str(value)

    def knows(self, revision: str) -> bool:
        """Whether ``revision`` is one of these migrations (not one of a newer version)."""
        from alembic.script import ScriptDirectory  # noqa: PLC0415 (only needed to migrate)
        from alembic.util import CommandError  # noqa: PLC0415

        try:
            return ScriptDirectory.from_config(self.config()).get_revision(revision) is not None
        except CommandError:
            return False

    def run(self, metadata: sa.MetaData) -> None:
        """What the migrations' ``env.py`` does: run them on the connection passed in the
        configuration (see :meth:`upgrade`) or on its URL, or write their SQL instead
        (``alembic upgrade --sql``)."""
        from alembic import context  # noqa: PLC0415 (exists only while Alembic runs)

        config = context.config
        # Batch mode: SQLite cannot ALTER most things in place.
        options: dict[str, Any] = {
            "target_metadata": metadata,
            "render_as_batch": True,
            "version_table": self.version_table,
        }
        url = config.get_main_option("sqlalchemy.url")
        if context.is_offline_mode():
            context.configure(url=url, literal_binds=True, **options)
            with context.begin_transaction():
                context.run_migrations()
            return
        connection = config.attributes.get("connection")
        if connection is not None:
            self._run_on(connection, options)
            return
        engine = sa.create_engine(url or "")
        try:
            with engine.begin() as connection:
                self._run_on(connection, options)
        finally:
            engine.dispose()

    @staticmethod
    def _run_on(connection: sa.Connection, options: dict[str, Any]) -> None:
        from alembic import context  # noqa: PLC0415 (exists only while Alembic runs)

        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
