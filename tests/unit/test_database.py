"""The database glue both products stand on: a time written in any zone comes back as the
same instant, aware; SQLite engines are in WAL mode with foreign keys enforced and the
durability asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from epn_shared.database import Migrations, UtcDateTime, sqlite_engine

BRUSSELS_SUMMER = dt.timezone(dt.timedelta(hours=2))
metadata = sa.MetaData()
moments = sa.Table(
    "moments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime),
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """An engine on a new SQLite file holding the table of moments."""
    made = sqlite_engine(f"sqlite:///{tmp_path / 'test.db'}", synchronous="FULL", busy_timeout_ms=5)
    metadata.create_all(made)
    yield made
    made.dispose()


def test_an_aware_time_comes_back_as_the_same_instant_in_utc(engine: sa.Engine) -> None:
    written = dt.datetime(2026, 7, 1, 9, 30, 15, 250000, tzinfo=BRUSSELS_SUMMER)
    with engine.begin() as connection:
        connection.execute(moments.insert(), [{"id": 1, "at": written}, {"id": 2, "at": None}])
    with engine.connect() as connection:
        read = dict(connection.execute(sa.select(moments.c.id, moments.c.at)).all())
        stored = connection.exec_driver_sql("SELECT at FROM moments WHERE id = 1").scalar()
    assert read == {1: written, 2: None}
    assert read[1].tzinfo is dt.UTC and read[1].hour == 7
    assert stored == "2026-07-01 07:30:15.250000", "not stored as UTC without an offset"


def test_a_naive_time_is_refused_not_guessed(engine: sa.Engine) -> None:
    with engine.begin() as connection, pytest.raises(StatementError, match="naive datetime"):
        connection.execute(moments.insert(), {"id": 1, "at": dt.datetime(2026, 7, 1, 9, 30)})


@pytest.mark.parametrize(("synchronous", "level"), [("FULL", 2), ("NORMAL", 1)])
def test_an_sqlite_engine_has_its_pragmas_on_every_connection(
    tmp_path: Path, synchronous: Literal["FULL", "NORMAL"], level: int
) -> None:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = sqlite_engine(url, synchronous=synchronous, busy_timeout_ms=1234)
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA synchronous").scalar() == level
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 1234
    finally:
        engine.dispose()


def test_an_empty_database_is_at_no_revision(engine: sa.Engine, tmp_path: Path) -> None:
    assert Migrations(tmp_path, version_table="nothing_here").revision(engine) is None
