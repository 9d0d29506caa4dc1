"""The console's migrations: one linear chain, and an empty database (SQLite, and a real
PostgreSQL started by the test suite) upgrades to head and matches the models. The
console's Alembic table never collides with the kiosk agent's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest_pg import postgres
from helpers.postgres import PostgresCluster

from admin_console.server.db.engine import (
    MIGRATIONS,
    VERSION_TABLE,
    make_engine,
    sqlite_url,
    upgrade,
)
from admin_console.server.db.models import Base
from admin_console.server.errors import StorageError

__all__ = ["postgres"]


def test_the_migration_chain_is_linear() -> None:
    scripts = ScriptDirectory.from_config(MIGRATIONS.config())
    assert len(scripts.get_heads()) == 1, "two heads: migrations were branched"
    assert len(scripts.get_bases()) == 1
    for revision in scripts.walk_revisions():
        down = revision.down_revision
        assert down is None or isinstance(down, str), f"{revision.revision} is a merge"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path))
        yield engine
        engine.dispose()
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.create_database()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    cluster.drop_database(url)


def test_an_empty_database_upgrades_to_head_and_matches_the_models(
    empty_engine: sa.Engine,
) -> None:
    assert MIGRATIONS.revision(empty_engine) is None
    upgrade(empty_engine)
    head = ScriptDirectory.from_config(MIGRATIONS.config()).get_current_head()
    assert MIGRATIONS.revision(empty_engine) == head
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []
    upgrade(empty_engine)  # a second start finds it at head and changes nothing
    assert MIGRATIONS.revision(empty_engine) == head


def test_the_console_and_a_kiosk_store_can_share_a_database(tmp_path: Path) -> None:
    from kiosk.agent.store import MIGRATIONS as KIOSK_MIGRATIONS

    engine = make_engine(sqlite_url(tmp_path))
    try:
        KIOSK_MIGRATIONS.upgrade(engine)
        upgrade(engine)
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"alembic_version", VERSION_TABLE} <= tables


def test_a_database_that_cannot_be_reached_is_reported_not_crashed() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(StorageError, match="cannot upgrade"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_a_malformed_database_url_is_reported() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        make_engine("no url at all")


def test_a_console_with_pcs_upgrades_to_head_keeping_them(empty_engine: sa.Engine) -> None:
    from alembic import command

    with empty_engine.begin() as connection:
        command.upgrade(MIGRATIONS.config(connection), "c0002")
        connection.exec_driver_sql(
            "INSERT INTO kiosks (name, location, token_sha256, created_at) "
            "VALUES ('PC-01', 'window', 'abc', '2026-03-02 09:00:00')"
        )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT name, out_of_order_reason, policy_version FROM kiosks")
        ).one()
        tables = set(sa.inspect(connection).get_table_names())
    assert tuple(row) == ("PC-01", None, None)
    assert {"console_sessions", "console_policies", "workshops"} <= tables


def test_open_codes_sharing_an_id_upgrade_to_one_the_console_can_still_use(
    empty_engine: sa.Engine,
) -> None:
    from alembic import command

    def code(n: int, code_id: str, expires: str) -> str:
        return (
            "INSERT INTO pairing_codes (code_sha256, code_id, secret_sealed, created_at, "
            f"expires_at, made_by) VALUES ('{n:064x}', '{code_id}', 'sealed-{n}', "
            f"'2026-03-02 09:00:00', '{expires}', 'ada')"
        )

    with empty_engine.begin() as connection:
        command.upgrade(MIGRATIONS.config(connection), "c0009")
        connection.exec_driver_sql(code(1, "AB", "2999-01-01 00:00:00"))  # made at once...
        connection.exec_driver_sql(code(2, "AB", "2999-01-01 00:00:00"))  # ...with this one
        connection.exec_driver_sql(code(3, "CD", "2026-03-02 09:10:00"))  # expired long ago
        connection.exec_driver_sql(code(4, "CD", "2999-01-01 00:00:00"))
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT code_id, secret_sealed FROM pairing_codes ORDER BY id")
        ).all()
    # The console looks up the newest code of an id: that one stays open, with its secret.
    assert [tuple(r) for r in rows] == [
        ("AB", None),
        ("AB", "sealed-2"),
        ("CD", None),
        ("CD", "sealed-4"),
    ]
