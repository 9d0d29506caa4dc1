"""Engine factory and migrations. Called from the composition root, never at import."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from admin_console.server.errors import StorageError
from epn_shared.database import Migrations, sqlite_engine

VERSION_TABLE = "console_alembic_version"
"""Alembic's table for the console, named so it never collides with the kiosk's own."""
MIGRATIONS = Migrations(Path(__file__).parent / "migrations", VERSION_TABLE)

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
        # NORMAL: with WAL, durable at checkpoints; the server's threads share the engine.
        return sqlite_engine(url, synchronous="NORMAL", busy_timeout_ms=10000, any_thread=True)
    return sa.create_engine(url, pool_pre_ping=True)


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema."""
    try:
        MIGRATIONS.upgrade(engine)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot upgrade the console database: {exc}") from exc
