"""Alembic environment of the agent's local store.

The agent builds the Alembic configuration in code and passes an open connection in
``config.attributes["connection"]`` (see ``kiosk.agent.store.upgrade``); no alembic.ini.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kiosk.agent.store import metadata

config = context.config
target_metadata = metadata


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the connection the agent passed, or on the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    # Batch mode: SQLite cannot ALTER most things in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
