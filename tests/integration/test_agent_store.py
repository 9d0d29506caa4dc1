"""The local store: migrations that upgrade any database, all-or-nothing changes, no secrets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from kiosk.agent.credentials import hash_pin
from kiosk.agent.errors import StoreError
from kiosk.agent.store import (
    HEAD_REVISION,
    MIGRATIONS,
    AuditEntry,
    Change,
    FinishedSession,
    Store,
    make_engine,
    metadata,
)
from kiosk.core.model import Snapshot, State

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store on a real SQLite file."""
    opened = Store.open(tmp_path / "kiosk.db")
    yield opened
    opened.close()


def test_the_migration_chain_is_linear() -> None:
    scripts = ScriptDirectory.from_config(MIGRATIONS.config())
    assert len(scripts.get_heads()) == 1, "two heads: migrations were branched"
    # A store at HEAD_REVISION is opened without running Alembic: it must be the real head.
    assert scripts.get_current_head() == HEAD_REVISION
    assert len(scripts.get_bases()) == 1
    for revision in scripts.walk_revisions():
        down = revision.down_revision
        assert down is None or isinstance(down, str), f"{revision.revision} is a merge"


def test_an_empty_database_upgrades_to_head_and_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "empty.db")
    try:
        MIGRATIONS.upgrade(engine)
        head = ScriptDirectory.from_config(MIGRATIONS.config()).get_current_head()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == head
            assert compare_metadata(context, metadata) == []
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        assert mode == "wal"
        MIGRATIONS.upgrade(engine)  # a second start finds nothing to do
    finally:
        engine.dispose()


def test_a_failed_change_saves_nothing(store: Store) -> None:
    store.commit(Change(Snapshot(), "boot", NOW))
    broken = FinishedSession(
        login_mode="walk_in",
        language="fr",
        rules_version=None,
        started_at=None,  # type: ignore[arg-type]
        ended_at=NOW,
        seconds_used=0,
        end_reason="visitor",
        extended_seconds=0,
        help_requested=False,
    )
    audit = AuditEntry(NOW, "animator", "kiosk PIN", "end")
    with pytest.raises(StoreError):
        store.commit(
            Change(Snapshot(state=State.ENDING), "boot", NOW, finished=broken, audits=(audit,))
        )
    stored = store.load_snapshot()
    assert stored is not None and stored.snapshot.state is State.WAITING
    assert store.audit_entries() == []
    assert store.finished_sessions() == []


def test_times_come_back_as_the_same_instant(store: Store) -> None:
    store.commit(Change(Snapshot(), "boot", NOW))
    stored = store.load_snapshot()
    assert stored is not None
    assert stored.saved_at == NOW and stored.saved_at.tzinfo is not None


def test_ticket_codes_and_pins_are_never_stored(tmp_path: Path, store: Store) -> None:
    codes = store.create_tickets(5, 60, NOW + dt.timedelta(days=1), NOW)
    assert len(set(codes)) == 5
    assert all(len(c) == 9 and c[4] == "-" and c.replace("-", "").isdigit() for c in codes)
    store.add_member("1001", hash_pin("4321"))
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("kiosk.db*"))
    for code in codes:
        assert code.replace("-", "").encode() not in raw
    assert b"4321" not in raw


def test_a_ticket_is_marked_used_with_the_snapshot(store: Store) -> None:
    [code] = store.create_tickets(1, 45, NOW + dt.timedelta(days=1), NOW)
    ticket = store.find_ticket(code)
    assert ticket is not None and ticket.minutes == 45 and ticket.used_at is None
    store.commit(Change(Snapshot(state=State.ACTIVE), "boot", NOW, ticket_used=ticket.id))
    used = store.find_ticket(code)
    assert used is not None and used.used_at == NOW
    assert store.find_ticket("not a code") is None


def test_an_unreadable_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        Store.open(path)


def test_store_engine_is_made_on_demand() -> None:
    # Importing the store creates no engine and opens no file.
    import kiosk.agent.store as module

    assert not any(isinstance(v, sa.Engine) for v in vars(module).values())
