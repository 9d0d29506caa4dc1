"""Engine factory and migrations. Called from the composition root, never at import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from admin_console.server.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "console_alembic_version"
"""Alembic's table for the console, named so it never collides with the kiosk's own."""

DATABASE_FILE = "console.db"


def sqlite_url(data_dir: Path) -> str:
    """The URL of the default database: SQLite in the data directory."""
    return f"sqlite+pysqlite:///{data_dir / DATABASE_FILE}"


def make_engine(url: str) -> sa.Engine:
    """An engine on ``url``: SQLite files in WAL mode, or any ``postgresql+psycopg://`` URL."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration built in code, on the migrations shipped in the package."""
    from alembic.config import Config  # noqa: PLC0415 (only needed to migrate)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema."""
    from alembic import command  # noqa: PLC0415 (only needed to migrate)

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot upgrade the console database: {exc}") from exc


def schema_revision(engine: sa.Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(VERSION_TABLE):
            return None
        value = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()
        return None if value is None else str(value)
