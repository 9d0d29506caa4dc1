"""The outbox and the token store on real files: one transaction with the change, safe modes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.agent.secrets import KeyringTokens, UnsafeSecrets
from kiosk.agent.store import Change, OutboxEvent, Store
from kiosk.core.model import Snapshot, State

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store on a real SQLite file."""
    opened = Store.open(tmp_path / "kiosk.db")
    yield opened
    opened.close()


def row(event_id: str) -> OutboxEvent:
    return OutboxEvent(event_id, NOW, f'{{"id": "{event_id}"}}')


def test_the_outbox_row_is_written_with_the_state_change_or_not_at_all(store: Store) -> None:
    store.commit(Change(Snapshot(), "boot", NOW, outbox=(row("event-000001"),)))
    # This change fails half-way (its second event reuses an id): nothing of it is kept.
    with pytest.raises(Exception, match="cannot save"):
        store.commit(
            Change(
                Snapshot(state=State.ENDING),
                "boot",
                NOW,
                outbox=(row("event-000002"), row("event-000001")),
                session_id="session-0001",
            )
        )
    stored = store.load_snapshot()
    assert stored is not None and stored.snapshot.state is State.WAITING
    assert stored.session_id is None
    assert [p.event_id for p in store.outbox_after(0, 10)] == ["event-000001"]

    store.commit(
        Change(
            Snapshot(state=State.ACTIVE),
            "boot",
            NOW,
            outbox=(row("event-000003"),),
            session_id="session-0001",
        )
    )
    stored = store.load_snapshot()
    assert stored is not None and stored.snapshot.state is State.ACTIVE
    assert stored.session_id == "session-0001"
    assert [p.event_id for p in store.outbox_after(0, 10)] == ["event-000001", "event-000003"]


def test_acknowledged_events_are_forgotten_and_sequence_numbers_never_reused(
    store: Store,
) -> None:
    store.commit(Change(Snapshot(), "b", NOW, outbox=(row("event-000001"), row("event-000002"))))
    sent = store.outbox_after(0, 10)
    store.outbox_sent([p.seq for p in sent])
    assert [p.sent_count for p in store.outbox_after(0, 10)] == [1, 1]
    assert store.outbox_acknowledged(["event-000001", "event-000002", "unknown-id"]) == 2
    assert store.outbox_size() == 0
    store.commit(Change(Snapshot(), "b", NOW, outbox=(row("event-000003"),)))
    # "Everything after the last sent" must still find it.
    assert [p.event_id for p in store.outbox_after(sent[-1].seq, 10)] == ["event-000003"]


def test_the_token_file_and_its_folder_are_the_agents_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        tokens = KeyringTokens(tmp_path / "secrets", create=True)
        tokens.set("the-kiosk-token")
    finally:
        os.umask(old)
    assert (tmp_path / "secrets").stat().st_mode & 0o777 == 0o700
    assert tokens.file_path.stat().st_mode & 0o777 == 0o600
    assert KeyringTokens(tmp_path / "secrets").get() == "the-kiosk-token"
    tokens.delete()
    assert tokens.get() is None


@pytest.mark.parametrize("mode", [0o750, 0o705, 0o777])
def test_an_open_secrets_folder_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "secrets"
    KeyringTokens(folder, create=True).set("the-kiosk-token")
    folder.chmod(mode)
    with pytest.raises(UnsafeSecrets, match=f"{mode:04o}"):
        KeyringTokens(folder).get()


def test_a_readable_token_file_or_a_linked_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    tokens = KeyringTokens(folder, create=True)
    tokens.set("the-kiosk-token")
    tokens.file_path.chmod(0o644)
    with pytest.raises(UnsafeSecrets, match="0644"):
        tokens.get()
    (tmp_path / "link").symlink_to(folder)
    with pytest.raises(UnsafeSecrets, match="must be a folder"):
        KeyringTokens(tmp_path / "link")
